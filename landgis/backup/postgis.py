"""Backing up and restoring a PostGIS database with ``pg_dump`` and ``pg_restore``.

**Backup.** ``pg_dump --format=custom`` of the ``public`` schema, taken from a snapshot
exported by a repeatable-read transaction in which the manifest's counts are read, so
counts and dump describe the same instant. Only landgis's own objects are dumped:
``--schema=public`` leaves the PostGIS extension out, and the rows of its
``spatial_ref_sys`` table are excluded (they belong to the extension, which the target
database has already), as are those of ``server_secrets`` (the key signing session
cookies stays with its server). No server stop is needed.

**Restore.** ``pg_restore`` turns the archive into SQL (without ownership and grants:
the objects belong to the user that restores, as when landgis created them), with the
entries for the ``public`` schema itself, extensions and ``spatial_ref_sys`` removed from
its table of contents. ``psql --single-transaction`` then runs, in ONE transaction:
dropping every landgis object of ``public`` (every table, view, sequence, function and
type that does not belong to an extension, so tables of a newer schema go too), the
restore script, and a check that the restored schema revision is the manifest's. Any
error rolls it all back: the database stays as it was. Sequences, triggers and the
``alembic_version`` row come back as they were at the backup. Only the data version
counter (a cache key of tiles and counts, not data) is moved past both the live and the
restored value, so no cached answer about the data replaced is ever taken for the
restored data's; and the live server's secrets are put back in the same transaction.
A plain ``pg_restore --clean`` was not enough: it drops only the objects the archive
holds, and it would try to drop and recreate the extension.

The tools must match the server: ``pg_dump`` refuses a server newer than itself. They are
looked for in ``/usr/lib/postgresql/<major>/bin`` (Debian's layout), then on ``PATH``;
the password goes to them in ``PGPASSWORD``, never on the command line.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

from psycopg.conninfo import make_conninfo
from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.engine import URL

from landgis.backup.facts import COUNTED_TABLES, DatabaseFacts
from landgis.backup.manifest import Counts
from landgis.errors import ConfigurationError, Conflict, DamagedBackup
from landgis.i18n import Text, _

TOOLS_ROOT = Path("/usr/lib/postgresql")
VERSION = re.compile(r"\(PostgreSQL\)\s+(\d+)")
# Table-of-contents entries a restore leaves alone: the schema itself, extensions (the
# target has PostGIS already) and the rows of PostGIS's own table.
SKIPPED_ENTRIES = re.compile(
    r"^\d+; \d+ \d+ (SCHEMA - public |COMMENT - SCHEMA public |EXTENSION |"
    r"COMMENT - EXTENSION |TABLE DATA public spatial_ref_sys )"
)
SCRIPT_END = "PostgreSQL database dump complete"
LOCK_TIMEOUT = "120s"

DROP_LANDGIS_OBJECTS = """
SET lock_timeout = '{lock_timeout}';
CREATE TEMP TABLE landgis_restore_floor ON COMMIT DROP AS SELECT 0::bigint AS version;
DO $$
BEGIN
  IF to_regclass('public.data_version') IS NOT NULL THEN
    UPDATE pg_temp.landgis_restore_floor
       SET version = (SELECT coalesce(max(version), 0) FROM public.data_version);
  END IF;
END $$;
CREATE TEMP TABLE landgis_restore_secrets (name text, value text, created_at timestamptz)
  ON COMMIT DROP;
DO $$
BEGIN
  IF to_regclass('public.server_secrets') IS NOT NULL THEN
    INSERT INTO pg_temp.landgis_restore_secrets
      SELECT name, value, created_at FROM public.server_secrets;
  END IF;
END $$;
DO $$
DECLARE
  item record;
BEGIN
  FOR item IN
    SELECT format('%I.%I', n.nspname, c.relname) AS name,
           CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                          WHEN 'f' THEN 'FOREIGN TABLE' WHEN 'S' THEN 'SEQUENCE'
                          ELSE 'TABLE' END AS kind
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
       AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                       AND d.objid = c.oid AND d.deptype = 'e')
     ORDER BY c.relkind = 'S', c.relname
  LOOP
    EXECUTE format('DROP %s IF EXISTS %s CASCADE', item.kind, item.name);
  END LOOP;
  FOR item IN
    SELECT format('%I.%I(%s)', n.nspname, p.proname,
                  pg_get_function_identity_arguments(p.oid)) AS name,
           CASE p.prokind WHEN 'p' THEN 'PROCEDURE' WHEN 'a' THEN 'AGGREGATE'
                          ELSE 'FUNCTION' END AS kind
      FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
     WHERE n.nspname = 'public'
       AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass
                       AND d.objid = p.oid AND d.deptype = 'e')
  LOOP
    EXECUTE format('DROP %s IF EXISTS %s CASCADE', item.kind, item.name);
  END LOOP;
  FOR item IN
    SELECT format('%I.%I', n.nspname, t.typname) AS name,
           CASE t.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END AS kind
      FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
      LEFT JOIN pg_class c ON c.oid = t.typrelid
     WHERE n.nspname = 'public'
       AND (t.typtype IN ('e', 'd', 'r') OR (t.typtype = 'c' AND c.relkind = 'c'))
       AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass
                       AND d.objid = t.oid AND d.deptype = 'e')
  LOOP
    EXECUTE format('DROP %s IF EXISTS %s CASCADE', item.kind, item.name);
  END LOOP;
END $$;
"""

CHECK_AND_ADVANCE = """
DO $$
DECLARE
  found text;
BEGIN
  SELECT version_num INTO found FROM public.alembic_version;
  IF found IS DISTINCT FROM {expected} THEN
    RAISE EXCEPTION 'landgis: the restored schema revision is %, the manifest names %',
      found, {expected};
  END IF;
  IF to_regclass('public.data_version') IS NOT NULL THEN
    UPDATE public.data_version
       SET version = greatest(version, (SELECT version FROM pg_temp.landgis_restore_floor)) + 1;
  END IF;
  IF to_regclass('public.server_secrets') IS NOT NULL THEN
    DELETE FROM public.server_secrets;
    INSERT INTO public.server_secrets (name, value, created_at)
      SELECT name, value, created_at FROM pg_temp.landgis_restore_secrets;
  END IF;
END $$;
"""


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def server_version(conn: Connection) -> tuple[int, str]:
    """The server's major version number and its full version text."""
    number = int(conn.scalar(text("SHOW server_version_num")))
    return number // 10000, str(conn.scalar(text("SHOW server_version")))


def _tool_major(path: Path) -> int | None:
    try:
        done = subprocess.run(
            [str(path), "--version"], capture_output=True, text=True, timeout=30, check=False
        )
    except OSError:
        return None
    found = VERSION.search(done.stdout)
    return int(found.group(1)) if found else None


def find_tool(name: str, major: int) -> Path:
    """``name`` (pg_dump, pg_restore, psql) of the server's major version, else of the
    nearest newer one; a ConfigurationError naming the package to install when none."""
    exact = TOOLS_ROOT / str(major) / "bin" / name
    if os.access(exact, os.X_OK):
        return exact
    on_path = shutil.which(name)
    path_major = _tool_major(Path(on_path)) if on_path else None
    if on_path and path_major == major:
        return Path(on_path)
    newer = sorted(
        (int(d.name), d / "bin" / name)
        for d in (TOOLS_ROOT.iterdir() if TOOLS_ROOT.is_dir() else ())
        if d.name.isdigit() and int(d.name) > major and os.access(d / "bin" / name, os.X_OK)
    )
    if newer:
        return newer[0][1]
    if on_path and path_major is not None and path_major > major:
        return Path(on_path)
    package = f"postgresql-client-{major}"
    raise ConfigurationError(
        _(
            "找不到与数据库服务器(PostgreSQL {major})匹配的 {name},无法备份或恢复:请安装 "
            "{package}(Debian/Ubuntu:sudo apt-get install {package})。",
            major=major,
            name=name,
            package=package,
        ),
        detail=f"looked in {exact} and on PATH ({on_path}: {path_major})",
    )


def connection_target(url: URL) -> tuple[str, dict[str, str]]:
    """A libpq connection string for the tools (no password in it) and the environment
    that carries the password."""
    params: dict[str, str] = {}
    for key, value in (
        ("host", url.host),
        ("port", url.port),
        ("user", url.username),
        ("dbname", url.database),
    ):
        if value is not None:
            params[key] = str(value)
    for key, given in url.query.items():
        params[key] = ",".join(given) if isinstance(given, tuple) else str(given)
    password = params.pop("password", None) or url.password
    env = {**os.environ, "PGAPPNAME": "landgis backup"}
    env.pop("PGPASSWORD", None)
    if password is not None:
        env["PGPASSWORD"] = str(password)
    env.setdefault("PGCONNECT_TIMEOUT", "10")
    return make_conninfo(**params), env


def _run(args: Sequence[str | Path], env: dict[str, str], failed: Text) -> str:
    """Run a PostgreSQL tool; a LandGISError saying ``failed`` and why when it fails."""
    command = [str(a) for a in args]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode == 0:
        return done.stdout
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    reason = next((line for line in lines if "ERROR" in line), lines[-1] if lines else "")
    detail = f"{Path(command[0]).name} exited with {done.returncode}: {done.stderr[-4000:]}"
    if "lock timeout" in done.stderr:
        raise Conflict(
            _("数据库正被其他操作长时间占用,恢复未进行,数据未作任何更改;请稍后再试。"),
            detail=detail,
        )
    raise ConfigurationError(
        _("{failed}(原因:{reason})", failed=failed, reason=reason), detail=detail
    )


def read_facts(conn: Connection, version: str) -> DatabaseFacts:
    """The schema revision and the row counts seen by ``conn``."""
    inspector = inspect(conn)

    def has(table: str) -> bool:
        return inspector.has_table(table, schema="public")

    revision = None
    if has("alembic_version"):
        revision = conn.scalar(text("SELECT version_num FROM public.alembic_version"))
    counts = {
        key: int(conn.scalar(text(f'SELECT count(*) FROM public."{table}"')))
        for key, table in COUNTED_TABLES.items()
        if has(table)
    }
    data_version = None
    if has("data_version"):
        data_version = conn.scalar(text("SELECT max(version) FROM public.data_version"))
    return DatabaseFacts(revision, Counts(**counts), version, data_version)


def dump(engine: Engine, target: Path) -> DatabaseFacts:
    """``pg_dump`` the landgis database into ``target`` and read the manifest's facts
    from the same snapshot."""
    conninfo, env = connection_target(engine.url)
    with engine.connect() as conn:
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            major, version = server_version(conn)
            pg_dump = find_tool("pg_dump", major)
            snapshot = conn.scalar(text("SELECT pg_export_snapshot()"))
            facts = read_facts(conn, version)
            _run(
                [
                    pg_dump,
                    "--format=custom",
                    "--schema=public",
                    "--exclude-table-data=public.spatial_ref_sys",
                    "--exclude-table-data=public.server_secrets",
                    f"--snapshot={snapshot}",
                    f"--file={target}",
                    f"--dbname={conninfo}",
                ],
                env,
                _("pg_dump 备份数据库失败"),
            )
    return facts


UNREADABLE = _("pg_restore 无法读取备份中的数据库")


def _tools(engine: Engine, *names: str) -> list[Path]:
    """The tools ``names`` for the server's major version."""
    with engine.connect() as conn:
        major, _minor = server_version(conn)
    return [find_tool(name, major) for name in names]


def dump_revision(engine: Engine, dump_file: Path) -> str | None:
    """The schema revision in the dump's ``alembic_version`` row (read without restoring)."""
    (pg_restore,) = _tools(engine, "pg_restore")
    _conninfo, env = connection_target(engine.url)
    script = _run(
        [
            pg_restore,
            "--data-only",
            "--schema=public",
            "--table=alembic_version",
            "--file=-",
            dump_file,
        ],
        env,
        UNREADABLE,
    ).splitlines()
    for line, following in zip(script, [*script[1:], ""], strict=True):
        if line.startswith("COPY public.alembic_version"):
            return None if following == "\\." else following.strip()
    return None


def restore(engine: Engine, dump_file: Path, expected_revision: str, workdir: Path) -> None:
    """Replace the landgis objects of the database with those of ``dump_file``, in one
    transaction (see the module's description)."""
    conninfo, env = connection_target(engine.url)
    pg_restore, psql = _tools(engine, "pg_restore", "psql")
    contents = _run([pg_restore, "--list", dump_file], env, UNREADABLE)
    kept = [line for line in contents.splitlines() if not SKIPPED_ENTRIES.match(line)]
    listing = workdir / "restore.list"
    listing.write_text("\n".join(kept) + "\n", encoding="utf-8")
    script = workdir / "restore.sql"
    _run(
        [
            pg_restore,
            "--no-owner",
            "--no-privileges",
            f"--use-list={listing}",
            f"--file={script}",
            dump_file,
        ],
        env,
        UNREADABLE,
    )
    if SCRIPT_END not in script.read_text(encoding="utf-8", errors="replace")[-4096:]:
        raise DamagedBackup(
            _("pg_restore 未能完整读取备份中的数据库,未作任何更改。"),
        )
    before = workdir / "before.sql"
    before.write_text(DROP_LANDGIS_OBJECTS.format(lock_timeout=LOCK_TIMEOUT), encoding="utf-8")
    after = workdir / "after.sql"
    after.write_text(
        CHECK_AND_ADVANCE.format(expected=_literal(expected_revision)), encoding="utf-8"
    )
    _run(
        [
            psql,
            "--no-psqlrc",
            "--quiet",
            "--set=ON_ERROR_STOP=1",
            "--single-transaction",
            f"--dbname={conninfo}",
            f"--file={before}",
            f"--file={script}",
            f"--file={after}",
        ],
        env,
        _("恢复数据库失败,数据库未作任何更改"),
    )
    with engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")
