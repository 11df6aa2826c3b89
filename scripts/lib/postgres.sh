# A private, throwaway PostgreSQL cluster on a free port of 127.0.0.1, for scripts/test.sh and
# the benchmarks. Sourced, not run; the sourcing script defines `log` and `die MESSAGE [LOGFILE]`.
#
#   ensure_postgres      finds the server binaries, installing Debian's `postgresql` when they
#                        are missing (only when running as root)
#   start_postgres       initdb and start; sets PG_URL, a superuser URL of the database postgres.
#                        PG_SERVER_OPTIONS adds `-c name=value` settings after the defaults.
#   stop_postgres        stops it and removes its files (safe to call when none was started)
#   PG_APT_LOG           apt-get's output, when it ran; the caller removes it

PG_BIN=""        # directory holding initdb / pg_ctl / postgres
PG_TMP=""        # private cluster: data/, socket, logs
PG_DATA=""
PG_PORT=""
PG_URL=""
PG_USER_RUN=""   # system user the server runs as ("" = current user)
PG_APT_LOG=""

is_root() { [[ $(id -u) -eq 0 ]]; }

# Run a command as the user owning the private cluster.
as_pg_user() {
    if [[ -z $PG_USER_RUN ]]; then
        (cd "$PG_TMP" && "$@")
    elif command -v runuser >/dev/null 2>&1; then
        (cd "$PG_TMP" && runuser -u "$PG_USER_RUN" -- "$@")
    else
        (cd "$PG_TMP" && su "$PG_USER_RUN" -s /bin/sh -c '"$0" "$@"' -- "$@")
    fi
}

find_pg_bin() {
    local dir
    # Highest installed major version wins.
    for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [[ -x $dir/initdb && -x $dir/pg_ctl && -x $dir/postgres ]]; then
            PG_BIN=$dir
            return 0
        fi
    done
    return 1
}

free_port() {
    if command -v python3 >/dev/null 2>&1; then
        python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
    else
        perl -MIO::Socket::INET -e 'print IO::Socket::INET->new(Listen=>1, LocalAddr=>"127.0.0.1", LocalPort=>0)->sockport, "\n"'
    fi
}

ensure_postgres() {
    find_pg_bin && return 0
    if ! is_root; then
        die "PostgreSQL server binaries not found (/usr/lib/postgresql/*/bin/initdb, pg_ctl).
Install them with:  sudo apt-get install postgresql
or point at an existing server (LIAISON_TEST_POSTGRES_URL for the tests, DATABASE for the benchmarks)"
    fi
    PG_APT_LOG=$(mktemp -t liaison-apt.XXXXXX.log)
    log "installing PostgreSQL (apt-get install postgresql)..."
    if ! { apt-get update -qq &&
           DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; } >"$PG_APT_LOG" 2>&1; then
        die "apt-get install postgresql failed" "$PG_APT_LOG"
    fi
    find_pg_bin || die "postgresql installed but no /usr/lib/postgresql/*/bin/initdb found"
}

start_postgres() {
    PG_TMP=$(mktemp -d -t liaison-pg.XXXXXX)
    PG_DATA=$PG_TMP/data

    if is_root; then
        # initdb refuses to run as root: the cluster belongs to `postgres`.
        id postgres >/dev/null 2>&1 ||
            die "running as root but there is no 'postgres' system user to own the cluster"
        PG_USER_RUN=postgres
        chown postgres: "$PG_TMP"
        as_pg_user test -w "$PG_TMP" ||
            die "user postgres cannot write to $PG_TMP (set TMPDIR to a world-traversable directory such as /tmp)"
    fi

    local initdb_log=$PG_TMP/initdb.log
    if ! as_pg_user "$PG_BIN/initdb" -D "$PG_DATA" -A trust -U liaison \
            --encoding=UTF8 --locale=C.UTF-8 >"$initdb_log" 2>&1; then
        rm -rf "$PG_DATA"
        as_pg_user "$PG_BIN/initdb" -D "$PG_DATA" -A trust -U liaison \
            --encoding=UTF8 --no-locale >>"$initdb_log" 2>&1 ||
            die "initdb failed" "$initdb_log"
    fi

    # The port may be taken between choosing it and binding it: retry a few times.
    local attempt start_log=$PG_TMP/pg_ctl.log
    for attempt in 1 2 3; do
        PG_PORT=$(free_port) || die "could not find a free TCP port"
        if as_pg_user "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_TMP/server.log" -w -t 60 \
                -o "-p $PG_PORT -k $PG_TMP -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 ${PG_SERVER_OPTIONS:-}" \
                start >"$start_log" 2>&1; then
            PG_URL="postgres://liaison@127.0.0.1:$PG_PORT/postgres"
            return 0
        fi
        # Retry only when the port was taken meanwhile.
        grep -q 'Address already in use' "$PG_TMP/server.log" 2>/dev/null || break
    done
    cat "$start_log" >>"$PG_TMP/server.log" 2>/dev/null || true
    die "PostgreSQL failed to start (port $PG_PORT)" "$PG_TMP/server.log"
}

stop_postgres() {
    [[ -n $PG_TMP && -d $PG_TMP ]] || return 0
    if [[ -f $PG_DATA/postmaster.pid ]]; then
        if ! as_pg_user "$PG_BIN/pg_ctl" -D "$PG_DATA" -m immediate -w -t 30 stop >/dev/null 2>&1; then
            local pid
            pid=$(head -n 1 "$PG_DATA/postmaster.pid" 2>/dev/null || true)
            [[ $pid =~ ^[0-9]+$ ]] && kill -KILL "$pid" 2>/dev/null || true
        fi
    fi
    rm -rf "$PG_TMP"
    PG_TMP=""
}
