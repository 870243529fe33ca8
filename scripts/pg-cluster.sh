#!/usr/bin/env bash
# Throwaway PostgreSQL servers from the local binaries, for the tests: a primary, a
# streaming replica of it, pgbouncer in front of a database. Each lives in its own
# directory (short, under /tmp: unix socket paths are limited to ~100 bytes), listens
# on 127.0.0.1 on a free port and trusts every local connection. As root, they run as
# user postgres (else nobody): PostgreSQL and pgbouncer refuse to run as root.
#
#   scripts/pg-cluster.sh start DIR          initdb a primary in DIR (wal_level=replica,
#                                            replication allowed) and start it; prints
#                                            its port
#   scripts/pg-cluster.sh replica DIR PORT   pg_basebackup -R from the primary on PORT
#                                            into DIR and start the standby; prints its
#                                            port
#   scripts/pg-cluster.sh stop DIR           stop the server in DIR (files kept)
#   scripts/pg-cluster.sh restart DIR        start it again, on the same port
#   scripts/pg-cluster.sh pgbouncer DIR CONNINFO
#                                            start pgbouncer (transaction pooling) in
#                                            DIR with one database "landgis" pointing at
#                                            CONNINFO (libpq key=value); prints its port
#   scripts/pg-cluster.sh remove DIR         stop whatever runs in DIR and delete DIR
#
# Environment: PG_MAJOR (PostgreSQL version; default the newest installed).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PY=${PY:-$ROOT/.venv/bin/python}
[[ -x "$PY" ]] || PY=python3

log() { printf 'pg-cluster: %s\n' "$*" >&2; }
die() {
    log "ERROR: $*"
    exit 1
}

cluster_user() {
    ((EUID == 0)) || return 0
    if id postgres >/dev/null 2>&1; then echo postgres; else echo nobody; fi
}

# Runs a command as the cluster user, from inside DIR (the current directory may not be
# readable by that user).
as_user() {
    local dir=$1 user
    shift
    user=$(cluster_user)
    if [[ -n "$user" ]]; then
        (cd "$dir" && runuser -u "$user" -- "$@")
    else
        (cd "$dir" && "$@")
    fi
}

find_pg_bin() {
    local d
    if [[ -n "${PG_MAJOR:-}" ]]; then
        d="/usr/lib/postgresql/$PG_MAJOR/bin"
        [[ -x "$d/initdb" ]] && echo "$d" && return 0
        return 1
    fi
    while IFS= read -r d; do
        [[ -x "$d/initdb" && -x "$d/pg_ctl" ]] && echo "$d" && return 0
    done < <(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V -r)
    d=$(command -v initdb 2>/dev/null) && dirname "$d" && return 0
    return 1
}

free_port() {
    "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

new_dir() {
    local dir=$1 user
    mkdir -p "$dir"
    user=$(cluster_user)
    [[ -z "$user" ]] || chown "$user" "$dir"
    chmod 700 "$dir"
}

# Starts the server in DIR/data, on a free port written into its configuration (so a
# restart keeps it); prints the port.
start_server() {
    local dir=$1 port attempt
    for attempt in 1 2 3 4 5; do
        port=$(free_port)
        as_user "$dir" sh -c "cat >> data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
EOF
        if as_user "$dir" "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
            start >/dev/null 2>&1; then
            echo "$port"
            return 0
        fi
        log "server in $dir did not start on port $port (attempt $attempt)"
    done
    cat "$dir/server.log" >&2 || true
    die "could not start the server in $dir"
}

cmd_start() {
    local dir=$1
    new_dir "$dir"
    if ! as_user "$dir" "$PG_BIN/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 \
        --locale=C --no-sync >"$dir/initdb.log" 2>&1; then
        cat "$dir/initdb.log" >&2
        die "initdb failed"
    fi
    # initdb's pg_hba.conf (trust) already lets local replication connections in.
    as_user "$dir" sh -c "cat >> data/postgresql.conf" <<EOF
fsync = off
synchronous_commit = off
full_page_writes = off
wal_level = replica
max_wal_senders = 5
wal_writer_delay = 10ms
EOF
    start_server "$dir"
}

cmd_replica() {
    local dir=$1 primary_port=$2
    new_dir "$dir"
    if ! as_user "$dir" "$PG_BIN/pg_basebackup" -h 127.0.0.1 -p "$primary_port" -U postgres \
        -D "$dir/data" -R -X stream -c fast --no-sync >"$dir/basebackup.log" 2>&1; then
        cat "$dir/basebackup.log" >&2
        die "pg_basebackup from port $primary_port failed"
    fi
    start_server "$dir"
}

cmd_stop() {
    local dir=$1
    [[ -f "$dir/data/postmaster.pid" ]] || return 0
    as_user "$dir" "$PG_BIN/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null
}

cmd_restart() {
    local dir=$1
    as_user "$dir" "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        start >/dev/null
}

cmd_pgbouncer() {
    local dir=$1 conninfo=$2 port attempt bouncer
    bouncer=$(command -v pgbouncer 2>/dev/null || echo /usr/sbin/pgbouncer)
    [[ -x "$bouncer" ]] || die "pgbouncer not found: run scripts/system-deps.sh --test"
    new_dir "$dir"
    for attempt in 1 2 3 4 5; do
        port=$(free_port)
        as_user "$dir" sh -c "cat > pgbouncer.ini" <<EOF
[databases]
landgis = $conninfo

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $port
unix_socket_dir =
auth_type = trust
admin_users = postgres
auth_file = $dir/users.txt
pool_mode = transaction
max_client_conn = 200
default_pool_size = 10
ignore_startup_parameters = extra_float_digits,options
logfile = $dir/pgbouncer.log
pidfile = $dir/pgbouncer.pid
EOF
        as_user "$dir" sh -c "echo '\"postgres\" \"\"' > users.txt"
        if as_user "$dir" "$bouncer" -d -q "$dir/pgbouncer.ini"; then
            for _ in $(seq 1 50); do
                if "$PY" -c "import socket, sys; socket.create_connection(('127.0.0.1', $port), 0.2)" \
                    2>/dev/null; then
                    echo "$port"
                    return 0
                fi
                sleep 0.1
            done
        fi
        log "pgbouncer did not start on port $port (attempt $attempt)"
        stop_pgbouncer "$dir"
    done
    cat "$dir/pgbouncer.log" >&2 || true
    die "could not start pgbouncer in $dir"
}

stop_pgbouncer() {
    local dir=$1 pid
    [[ -f "$dir/pgbouncer.pid" ]] || return 0
    pid=$(cat "$dir/pgbouncer.pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    rm -f "$dir/pgbouncer.pid"
}

cmd_remove() {
    local dir=$1
    [[ -d "$dir" ]] || return 0
    stop_pgbouncer "$dir"
    cmd_stop "$dir" || log "WARNING: could not stop the server in $dir"
    rm -rf "$dir"
}

usage() {
    sed -n '2,21s/^# \{0,1\}//p' "$0"
}

(($# >= 2)) || {
    usage >&2
    exit 2
}
command=$1
dir=$2
[[ "$dir" == /* ]] || die "DIR must be an absolute path: $dir"
shift 2
case "$command" in
    pgbouncer) ;;
    *)
        PG_BIN=$(find_pg_bin) || die "PostgreSQL server binaries (initdb, pg_ctl) not found"
        ;;
esac
case "$command" in
    start) cmd_start "$dir" ;;
    replica) cmd_replica "$dir" "$@" ;;
    stop) cmd_stop "$dir" ;;
    restart) cmd_restart "$dir" ;;
    pgbouncer) cmd_pgbouncer "$dir" "$@" ;;
    remove) cmd_remove "$dir" ;;
    *)
        usage >&2
        exit 2
        ;;
esac
