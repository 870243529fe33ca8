#!/usr/bin/env bash
# Runs the linter and the test suite against a fresh, throwaway PostGIS database.
#
# PostGIS server, in order of preference:
#   1. LANDGIS_TEST_POSTGIS_URL, a SQLAlchemy URL of a server the tests may
#      create databases on (e.g. postgresql+psycopg://postgres@db:5432/postgres);
#   2. a server answering on 127.0.0.1:5432 (user postgres, trust auth);
#   3. a temporary cluster started here from the local PostgreSQL binaries
#      (always used when LANDGIS_TEST_POSTGIS_THROWAWAY=1).
# On that server a database landgis_test_<pid>_<random> is created with the
# postgis extension, handed to pytest as LANDGIS_TEST_POSTGIS_URL and dropped
# on exit (the temporary cluster is stopped and deleted on exit as well).
#
# Usage: scripts/test.sh [pytest args...]   (PYTEST_ARGS is prepended to them)
# Other environment: PG_MAJOR (PostgreSQL version for the temporary cluster);
# LANDGIS_TEST_WORKERS (pytest processes sharing the test modules, one module each at a
# time; default: one per core, at most 4; 1 runs everything in one process);
# LANDGIS_TYPECHECK=0 skips mypy (scripts/typecheck.sh), which otherwise runs after ruff
# and fails the run on its errors.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

PY=.venv/bin/python
RUFF=.venv/bin/ruff

log() { printf 'test.sh: %s\n' "$*" >&2; }
die() {
    log "ERROR: $*"
    exit 1
}

[[ -x "$PY" ]] || die "$PY not found; run 'make install' first"

# Small PostgreSQL helper (psycopg + SQLAlchemy's URL parser from the venv).
pg() {
    "$PY" - "$@" <<'PYEOF'
import sys

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url


def parse(url):
    u = make_url(url)
    if u.get_backend_name() != "postgresql":
        sys.exit(f"not a PostgreSQL URL: {u.render_as_string(hide_password=True)}")
    return u


def conninfo(u):
    return u.set(drivername="postgresql").render_as_string(hide_password=False)


def connect(url, **kw):
    return psycopg.connect(conninfo(parse(url)), connect_timeout=10, **kw)


def main(cmd, *args):
    if cmd == "mask":
        try:
            print(make_url(args[0]).render_as_string(hide_password=True))
        except Exception:
            print("<unparsable URL>")
    elif cmd == "is-local":
        u = parse(args[0])
        host = u.query.get("host") or u.host or ""
        if isinstance(host, tuple):
            host = host[0]
        local = host in ("", "localhost", "127.0.0.1", "::1") or host.startswith("/")
        sys.exit(0 if local else 1)
    elif cmd == "probe":
        try:
            with connect(args[0]) as conn:
                print(conn.info.server_version // 10000)
        except psycopg.Error as exc:
            print(str(exc).strip(), file=sys.stderr)
            sys.exit(1)
    elif cmd == "has-postgis":
        with connect(args[0]) as conn:
            row = conn.execute(
                "SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'"
            ).fetchone()
        sys.exit(0 if row else 3)
    elif cmd == "create":
        url, name = args
        with connect(url, autocommit=True) as conn:
            conn.execute(
                sql.SQL(
                    "CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8'"
                    " LC_COLLATE 'C' LC_CTYPE 'C'"
                ).format(sql.Identifier(name))
            )
        test_url = parse(url).set(drivername="postgresql+psycopg", database=name)
        with psycopg.connect(conninfo(test_url), autocommit=True) as conn:
            conn.execute("CREATE EXTENSION postgis")
            version = conn.execute("SELECT postgis_lib_version()").fetchone()[0]
        print(f"PostGIS {version}", file=sys.stderr)
        print(test_url.render_as_string(hide_password=False))
    elif cmd == "drop":
        url, name = args
        with connect(url, autocommit=True) as conn:
            ident = sql.Identifier(name)
            if conn.info.server_version >= 130000:
                conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(ident))
            else:
                conn.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = %s AND pid <> pg_backend_pid()",
                    (name,),
                )
                conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(ident))
    else:
        sys.exit(f"unknown command {cmd}")


main(*sys.argv[1:])
PYEOF
}

ADMIN_URL=""    # server-level URL the test database is created through
TEST_DB=""      # name of the test database, once created
CLUSTER_DIR=""  # temporary cluster directory, when one was started

# shellcheck disable=SC2317 # (runs from the EXIT trap)
cleanup() {
    local rc=$?
    set +e
    trap - EXIT INT TERM
    if [[ -n "$TEST_DB" && -z "$CLUSTER_DIR" ]]; then
        pg drop "$ADMIN_URL" "$TEST_DB" ||
            log "WARNING: could not drop test database $TEST_DB"
    fi
    if [[ -n "$CLUSTER_DIR" ]]; then
        bash scripts/pg-cluster.sh remove "$CLUSTER_DIR" ||
            log "WARNING: could not remove the temporary PostgreSQL cluster"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

start_throwaway_cluster() {
    bash scripts/system-deps.sh --test
    # Short path under /tmp: unix socket paths are limited to ~100 bytes, and the
    # cluster user (postgres when running as root) must be able to reach it.
    CLUSTER_DIR=$(mktemp -d /tmp/landgis-pg.XXXXXXXX)
    log "starting a temporary PostgreSQL cluster in $CLUSTER_DIR"
    local port
    port=$(bash scripts/pg-cluster.sh start "$CLUSTER_DIR") ||
        die "could not start the temporary PostgreSQL cluster"
    ADMIN_URL="postgresql+psycopg://postgres@127.0.0.1:$port/postgres"
}

local_server_answers() {
    local isready
    isready=$(command -v pg_isready 2>/dev/null) ||
        isready=$(printf '%s\n' /usr/lib/postgresql/*/bin/pg_isready | sort -V | tail -n 1)
    if [[ -x "$isready" ]]; then
        "$isready" -q -h 127.0.0.1 -p 5432 -t 3
    else
        pg probe "postgresql://postgres@127.0.0.1:5432/postgres" >/dev/null 2>&1
    fi
}

# PostGIS must be installable on the chosen server; if the server is local and
# the extension package is missing, install it for the server's major version.
ensure_postgis() {
    local rc=0 major
    pg has-postgis "$ADMIN_URL" || rc=$?
    ((rc == 0)) && return 0
    ((rc == 3)) || die "could not query $(pg mask "$ADMIN_URL")"
    if pg is-local "$ADMIN_URL"; then
        major=$(pg probe "$ADMIN_URL")
        log "PostGIS is not available on the local PostgreSQL $major server; installing it"
        PG_MAJOR=$major bash scripts/system-deps.sh --test
        pg has-postgis "$ADMIN_URL" && return 0
    fi
    die "the PostGIS extension is not available on $(pg mask "$ADMIN_URL")" \
        "(SELECT 1 FROM pg_available_extensions WHERE name='postgis' returned nothing)." \
        "Install PostGIS for that server (Debian/Ubuntu: postgresql-<major>-postgis-3)."
}

# --- system packages the tests use (PostGIS, Chromium, CJK fonts, LibreOffice) --

bash scripts/system-deps.sh --test

# --- choose the PostGIS server ------------------------------------------------

if [[ "${LANDGIS_TEST_POSTGIS_THROWAWAY:-0}" == 1 ]]; then
    start_throwaway_cluster
elif [[ -n "${LANDGIS_TEST_POSTGIS_URL:-}" ]]; then
    ADMIN_URL=$LANDGIS_TEST_POSTGIS_URL
    err=$(pg probe "$ADMIN_URL" 2>&1 >/dev/null) ||
        die "cannot connect to LANDGIS_TEST_POSTGIS_URL=$(pg mask "$ADMIN_URL"): $err"
    log "using the PostgreSQL server from LANDGIS_TEST_POSTGIS_URL"
elif local_server_answers; then
    ADMIN_URL="postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    if err=$(pg probe "$ADMIN_URL" 2>&1 >/dev/null); then
        log "using the PostgreSQL server on 127.0.0.1:5432"
    else
        log "a server answers on 127.0.0.1:5432 but refuses user postgres ($err);" \
            "using a temporary cluster instead"
        ADMIN_URL=""
        start_throwaway_cluster
    fi
else
    start_throwaway_cluster
fi

ensure_postgis

TEST_DB="landgis_test_$$_$(printf '%04x%04x' "$RANDOM" "$RANDOM")"
test_url=$(pg create "$ADMIN_URL" "$TEST_DB") ||
    die "could not create the test database $TEST_DB on $(pg mask "$ADMIN_URL")"
export LANDGIS_TEST_POSTGIS_URL=$test_url
log "test database: $(pg mask "$LANDGIS_TEST_POSTGIS_URL")"

# --- lint + tests -------------------------------------------------------------

status=0

log "ruff check . && ruff format --check ."
"$RUFF" check . || status=1
"$RUFF" format --check . || status=1

if [[ "${LANDGIS_TYPECHECK:-1}" == 1 ]]; then
    log "mypy"
    bash scripts/typecheck.sh || status=1
fi

pytest_args=()
if [[ -n "${PYTEST_ARGS:-}" ]]; then
    # Shell-style splitting, so quoted arguments work: PYTEST_ARGS='-k "a and b"'
    eval "pytest_args=($PYTEST_ARGS)"
fi
workers=${LANDGIS_TEST_WORKERS:-$(nproc 2>/dev/null || echo 1)}
[[ "$workers" =~ ^[0-9]+$ ]] || die "LANDGIS_TEST_WORKERS must be a number, not '$workers'"
((workers > 4)) && workers=4
if ((workers > 1)); then
    # Each worker makes its own databases (their names carry its pid); a module's tests
    # stay together, so its fixtures are set up once.
    pytest_args=(-n "$workers" --dist loadfile ${pytest_args[@]+"${pytest_args[@]}"})
fi
log "pytest ${pytest_args[*]} $*"
"$PY" -m pytest ${pytest_args[@]+"${pytest_args[@]}"} "$@" || status=$?

exit "$status"
