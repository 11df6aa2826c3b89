#!/usr/bin/env bash
# Runs the whole Liaison test suite.
#
#   scripts/test.sh [extra cargo test args...]
#
# Tests that need PostgreSQL read LIAISON_TEST_POSTGRES_URL (a superuser URL;
# each test creates its own database). If the caller has set it, that server
# is used and nothing is started. Otherwise this script starts a private,
# throwaway cluster on a free port of 127.0.0.1 and removes it on exit,
# installing Debian's `postgresql` package first if the server binaries are
# missing (only when running as root).
set -euo pipefail

cd "$(dirname "$0")/.."

PG_BIN=""        # directory holding initdb / pg_ctl / postgres
PG_TMP=""        # private cluster: data/, socket, logs
PG_DATA=""
PG_PORT=""
PG_USER_RUN=""   # system user the server runs as ("" = current user)
APT_LOG=""

log() { printf 'test.sh: %s\n' "$*" >&2; }

# Print a message and the contents of a log file, then exit.
die() {
    local msg=$1 logfile=${2:-}
    log "ERROR: $msg"
    if [[ -n $logfile && -s $logfile ]]; then
        printf -- "----- %s -----\n" "${logfile##*/}" >&2
        tail -n 100 "$logfile" >&2
        printf -- '-----\n' >&2
    fi
    exit 1
}

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
or point the tests at an existing server:  LIAISON_TEST_POSTGRES_URL=postgres://USER@HOST:PORT/postgres scripts/test.sh"
    fi
    APT_LOG=$(mktemp -t liaison-apt.XXXXXX.log)
    log "installing PostgreSQL (apt-get install postgresql)..."
    if ! { apt-get update -qq &&
           DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; } >"$APT_LOG" 2>&1; then
        die "apt-get install postgresql failed" "$APT_LOG"
    fi
    find_pg_bin || die "postgresql installed but no /usr/lib/postgresql/*/bin/initdb found"
}

# Headless Chromium, its driver and CJK fonts for the browser tests (crates/liaison/tests/browser.rs).
ensure_browser() {
    local missing=()
    [[ -x /usr/bin/chromium ]] || missing+=(chromium)
    [[ -x /usr/bin/chromedriver ]] || missing+=(chromium-driver)
    # Without a CJK font Chinese pages render as boxes in the screenshots.
    fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing+=(fonts-noto-cjk)
    ((${#missing[@]} == 0)) && return 0
    if ! is_root; then
        die "the browser tests need ${missing[*]}.
Install them with:  sudo apt-get install chromium chromium-driver fonts-noto-cjk"
    fi
    APT_LOG=${APT_LOG:-$(mktemp -t liaison-apt.XXXXXX.log)}
    log "installing ${missing[*]} for the browser tests (apt-get)..."
    if ! { apt-get update -qq &&
           DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"; } >>"$APT_LOG" 2>&1; then
        die "apt-get install ${missing[*]} failed" "$APT_LOG"
    fi
}

# wrk and curl for the benchmark's smoke run (scripts/bench.sh --smoke), so the benchmark cannot rot.
ensure_wrk() {
    local missing=()
    command -v wrk >/dev/null || missing+=(wrk)
    command -v curl >/dev/null || missing+=(curl)
    ((${#missing[@]} == 0)) && return 0
    is_root || die "the benchmark's smoke run needs ${missing[*]}: sudo apt-get install ${missing[*]}"
    APT_LOG=${APT_LOG:-$(mktemp -t liaison-apt.XXXXXX.log)}
    log "installing ${missing[*]} for the benchmark's smoke run (apt-get)..."
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"; } >>"$APT_LOG" 2>&1 ||
        die "apt-get install ${missing[*]} failed" "$APT_LOG"
}

start_postgres() {
    PG_TMP=$(mktemp -d -t liaison-pg.XXXXXX)
    PG_DATA=$PG_TMP/data

    if is_root; then
        # initdb refuses to run as root: the cluster belongs to `postgres`.
        id postgres >/dev/null 2>&1 ||
            die "running as root but there is no 'postgres' system user to own the test cluster"
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
                -o "-p $PG_PORT -k $PG_TMP -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
                start >"$start_log" 2>&1; then
            export LIAISON_TEST_POSTGRES_URL="postgres://liaison@127.0.0.1:$PG_PORT/postgres"
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

run_tests() {
    local out status
    out=$(mktemp -t liaison-tests.XXXXXX.log)
    set +e
    cargo test --workspace --locked "$@" 2>&1 | tee "$out"
    status=${PIPESTATUS[0]}
    set -e
    # With no arguments the whole suite runs, and the benchmark's smoke run with it.
    if ((status == 0 && $# == 0)); then
        scripts/bench.sh --smoke
    fi
    # One closing line for the whole suite, after the benchmark's output.
    awk '/^test result:/ { passed += $4; failed += $6 } END { printf "tests: %d passed, %d failed\n", passed, failed }' "$out"
    rm -f "$out"
    return "$status"
}

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    stop_postgres || true
    [[ -z $APT_LOG ]] || rm -f "$APT_LOG"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

main() {
    local t0=$SECONDS
    if [[ -n ${LIAISON_TEST_POSTGRES_URL:-} ]]; then
        # Hide a password, if any, in the note.
        log "using PostgreSQL from LIAISON_TEST_POSTGRES_URL=$(sed -E 's#(://[^:/@]*):[^@]*@#\1:***@#' <<<"$LIAISON_TEST_POSTGRES_URL")"
    else
        ensure_postgres
        start_postgres
        log "using $("$PG_BIN/postgres" --version) on 127.0.0.1:$PG_PORT (private cluster, setup $((SECONDS - t0))s)"
    fi
    ensure_browser
    ensure_wrk
    run_tests "$@"
}

main "$@"
