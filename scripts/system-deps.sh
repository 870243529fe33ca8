#!/usr/bin/env bash
# Checks for the system (Debian/Ubuntu) packages landgis needs and installs the
# missing ones with apt-get when running as root (or with password-less sudo).
#
#   scripts/system-deps.sh           runtime: SpatiaLite module, python3-venv, Pango
#                                    and a CJK font (the printed ledger, a PDF
#                                    made by WeasyPrint)
#   scripts/system-deps.sh --postgis also: the PostgreSQL client tools of the
#                                    server's version (pg_dump, pg_restore, psql:
#                                    landgis backup/restore); implied when
#                                    LANDGIS_DATABASE_URL names PostgreSQL
#   scripts/system-deps.sh --test    also: PostgreSQL server binaries + PostGIS
#                                    and client tools, pgbouncer, Chromium,
#                                    LibreOffice Calc and poppler-utils (pdftotext,
#                                    pdffonts)
#
# Environment:
#   PG_MAJOR=16                    PostgreSQL major version to check/install
#                                  (default: the installed one, else the
#                                  distribution default, else 15)
#   PYTHON=python3                 interpreter `make venv` will use
#   LANDGIS_SKIP_SYSTEM_DEPS=1     skip all checks (non-Debian systems, or
#                                  dependencies provided some other way)
#
# Silent and exit 0 when everything is present.
set -euo pipefail

usage() {
    sed -n '2,25s/^# \{0,1\}//p' "$0"
}

want_test=0
want_bench=0
want_postgis=0
[[ "${LANDGIS_DATABASE_URL:-}" == postgresql* ]] && want_postgis=1
for arg in "$@"; do
    case "$arg" in
        --test) want_test=1 ;;
        --postgis) want_postgis=1 ;;
        --bench) want_bench=1 ;;
        -h | --help)
            usage
            exit 0
            ;;
        *)
            echo "system-deps.sh: unknown argument: $arg" >&2
            usage >&2
            exit 2
            ;;
    esac
done

if [[ "${LANDGIS_SKIP_SYSTEM_DEPS:-0}" == 1 ]]; then
    exit 0
fi

log() { printf 'system-deps: %s\n' "$*" >&2; }

# --- checks -----------------------------------------------------------------

pkg_installed() {
    command -v dpkg-query >/dev/null 2>&1 &&
        dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

spatialite_present() {
    if command -v ldconfig >/dev/null 2>&1 &&
        ldconfig -p 2>/dev/null | grep -q 'mod_spatialite\.so'; then
        return 0
    fi
    pkg_installed libsqlite3-mod-spatialite && return 0
    local f
    for f in /usr/lib/*/mod_spatialite.so /usr/lib/mod_spatialite.so \
        /usr/local/lib/mod_spatialite.so; do
        [[ -e "$f" ]] && return 0
    done
    return 1
}

# `python3 -m venv` needs ensurepip, which Debian ships separately (python3-venv).
# Only the distribution's own interpreter can be fixed with apt.
venv_ok() {
    local py
    py=$(command -v "${PYTHON:-python3}" 2>/dev/null) || return 0
    py=$(readlink -f "$py")
    case "$py" in
        /usr/bin/* | /bin/*) ;;
        *) return 0 ;;
    esac
    "$py" -c 'import ensurepip, venv' >/dev/null 2>&1
}

# The baseline tools of the benchmarks get their own venvs made by /usr/bin/python3.
venv_ok_system() {
    /usr/bin/python3 -c 'import ensurepip, venv' >/dev/null 2>&1
}

# Highest PostgreSQL major version with server binaries under /usr/lib/postgresql.
installed_server_major() {
    local d majors=()
    for d in /usr/lib/postgresql/*/bin/initdb; do
        [[ -x "$d" ]] || continue
        d=${d#/usr/lib/postgresql/}
        majors+=("${d%%/*}")
    done
    ((${#majors[@]})) || return 1
    printf '%s\n' "${majors[@]}" | sort -V | tail -n 1
}

# Major version to use when no server is installed yet.
candidate_major() {
    local m=""
    if command -v apt-cache >/dev/null 2>&1; then
        m=$(apt-cache depends postgresql 2>/dev/null |
            sed -n 's/^ *Depends: postgresql-\([0-9][0-9]*\)$/\1/p' | head -n 1) || true
    fi
    if [[ -z "$m" ]] && command -v pg_config >/dev/null 2>&1; then
        m=$(pg_config --version 2>/dev/null | sed -n 's/^PostgreSQL \([0-9][0-9]*\).*/\1/p') || true
    fi
    if [[ -z "$m" ]] && command -v psql >/dev/null 2>&1; then
        m=$(psql --version 2>/dev/null | sed -n 's/.* \([0-9][0-9]*\)[.0-9]*.*/\1/p' | head -n 1) || true
    fi
    echo "${m:-15}"
}

pg_major() {
    if [[ -n "${PG_MAJOR:-}" ]]; then
        echo "$PG_MAJOR"
    else
        installed_server_major || candidate_major
    fi
}

server_present() {
    [[ -x "/usr/lib/postgresql/$1/bin/initdb" && -x "/usr/lib/postgresql/$1/bin/pg_ctl" ]]
}

# The browser tests drive Debian's Chromium (never a downloaded one).
chromium_present() {
    pkg_installed chromium || [[ -x /usr/bin/chromium ]]
}

# The printed ledger (WeasyPrint) lays text out with Pango and embeds a font with Chinese
# glyphs (Noto Sans CJK SC); the browser tests need that font too, for the map legends.
pango_present() {
    pkg_installed "$1" && return 0
    command -v ldconfig >/dev/null 2>&1 && ldconfig -p 2>/dev/null | grep -q "$2"
}

cjk_font_present() {
    pkg_installed fonts-noto-cjk && return 0
    command -v fc-list >/dev/null 2>&1 && fc-list :lang=zh family 2>/dev/null | grep -q .
}

# pg_dump, pg_restore and psql of one major version: backups of a PostGIS database
# (pg_dump refuses a server newer than itself).
client_present() {
    local tool
    for tool in pg_dump pg_restore psql; do
        [[ -x "/usr/lib/postgresql/$1/bin/$tool" ]] || return 1
    done
}

postgis_present() {
    [[ -e "/usr/share/postgresql/$1/extension/postgis.control" ]] ||
        pkg_installed "postgresql-$1-postgis-3"
}

# The export tests open the ledger workbook with LibreOffice Calc (headless).
libreoffice_calc_present() {
    pkg_installed libreoffice-calc-nogui || pkg_installed libreoffice-calc ||
        command -v soffice >/dev/null 2>&1
}

# The monthly report's tests print its Word document to PDF with LibreOffice Writer.
libreoffice_writer_present() {
    pkg_installed libreoffice-writer-nogui || pkg_installed libreoffice-writer ||
        [[ -e /usr/lib/libreoffice/program/libswlo.so ]]
}

# The printed-ledger tests read the PDFs back with pdftotext, pdffonts and pdfinfo.
poppler_present() {
    pkg_installed poppler-utils || command -v pdftotext >/dev/null 2>&1
}

# The replica tests put pgbouncer in front of the test database.
pgbouncer_present() {
    pkg_installed pgbouncer || [[ -x /usr/sbin/pgbouncer ]] || command -v pgbouncer >/dev/null 2>&1
}

# Fills the global array `missing` with the packages that are not installed.
collect_missing() {
    missing=()
    spatialite_present || missing+=(libsqlite3-mod-spatialite)
    venv_ok || missing+=(python3-venv)
    pango_present libpango-1.0-0 'libpango-1\.0\.so\.0' || missing+=(libpango-1.0-0)
    pango_present libpangoft2-1.0-0 'libpangoft2-1\.0\.so\.0' || missing+=(libpangoft2-1.0-0)
    cjk_font_present || missing+=(fonts-noto-cjk)
    if ((want_postgis || want_test)); then
        local cmajor
        cmajor=$(pg_major)
        client_present "$cmajor" || missing+=("postgresql-client-$cmajor")
    fi
    if ((want_test)); then
        local major
        major=$(pg_major)
        server_present "$major" || missing+=("postgresql-$major")
        postgis_present "$major" || missing+=("postgresql-$major-postgis-3")
        chromium_present || missing+=(chromium)
        libreoffice_calc_present || missing+=(libreoffice-calc-nogui)
        libreoffice_writer_present || missing+=(libreoffice-writer-nogui)
        poppler_present || missing+=(poppler-utils)
        pgbouncer_present || missing+=(pgbouncer)
    fi
    if ((want_bench)); then
        local bmajor
        bmajor=$(pg_major)
        if ((!want_test)); then
            server_present "$bmajor" || missing+=("postgresql-$bmajor")
            postgis_present "$bmajor" || missing+=("postgresql-$bmajor-postgis-3")
            chromium_present || missing+=(chromium)
        fi
        command -v ogr2ogr >/dev/null 2>&1 || missing+=(gdal-bin)
        command -v wrk >/dev/null 2>&1 || missing+=(wrk)
        command -v /usr/bin/time >/dev/null 2>&1 || missing+=(time)
        venv_ok_system || missing+=(python3-venv)
    fi
}

collect_missing
((${#missing[@]})) || exit 0

# --- install ----------------------------------------------------------------

apt_cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}"

sudo_cmd=()
can_install=1
if ! command -v apt-get >/dev/null 2>&1; then
    can_install=0
elif ((EUID != 0)); then
    if command -v sudo >/dev/null 2>&1 && sudo -n true >/dev/null 2>&1; then
        sudo_cmd=(sudo -n)
    else
        can_install=0
    fi
fi

if ((!can_install)); then
    {
        echo "system-deps: missing system packages: ${missing[*]}"
        if command -v apt-get >/dev/null 2>&1; then
            echo "Install them as root, then re-run:"
            echo "    sudo sh -c '$apt_cmd'"
        else
            echo "This is not a Debian/Ubuntu system (no apt-get): install the equivalent"
            echo "packages by hand, then re-run with LANDGIS_SKIP_SYSTEM_DEPS=1."
        fi
    } >&2
    exit 1
fi

apt_get() {
    ${sudo_cmd[@]+"${sudo_cmd[@]}"} env DEBIAN_FRONTEND=noninteractive \
        apt-get -q -o DPkg::Lock::Timeout=300 "$@"
}

log "installing missing packages: ${missing[*]}"
# Another apt (an unattended upgrade, a second run) may hold the package lists' lock,
# which apt-get update does not wait for: try again for a while.
for attempt in $(seq 1 30); do
    apt_get update -qq >/dev/null && break
    ((attempt < 30)) || exit 1
    log "apt-get update failed (another apt running?); trying again in 10 s"
    sleep 10
done
# The package lists are fresh now: the distribution default PostgreSQL version
# may differ from the guess made before the update.
collect_missing
if ((${#missing[@]})); then
    apt_get install -y --no-install-recommends "${missing[@]}"
fi

collect_missing
if ((${#missing[@]})); then
    log "still missing after apt-get install: ${missing[*]}"
    exit 1
fi
log "system packages installed"
