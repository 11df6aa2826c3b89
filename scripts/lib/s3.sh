# A private, throwaway S3-compatible server on a free port of 127.0.0.1, for scripts/test.sh and
# the benchmarks: moto's server (PyPI `moto[server]`), installed into a virtual environment under
# ~/.cache/liaison the first time. Sourced, not run; the sourcing script defines `log` and
# `die MESSAGE [LOGFILE]`, and sources scripts/lib/postgres.sh first (for `free_port`).
#
# Garage is the store a university would run, but building it takes far longer than the rest of
# the suite on two cores; moto speaks the same S3 protocol over HTTP, installs in half a minute
# and keeps everything in memory, which is all a test needs.
#
#   start_s3     installs moto if missing, starts it and creates a bucket; sets S3_URL, a
#                `files` setting naming that bucket, and the AWS_* variables the server accepts
#   stop_s3      stops it (safe to call when none was started)

S3_VENV=${LIAISON_S3_VENV:-$HOME/.cache/liaison/s3-venv}
S3_PID=""
S3_LOG=""
S3_URL=""

ensure_s3() {
    [[ -x $S3_VENV/bin/moto_server ]] && return 0
    command -v python3 >/dev/null 2>&1 || die "python3 is needed for the S3 test server (moto)"
    log "installing moto[server] into $S3_VENV..."
    local pip_log
    pip_log=$(mktemp -t liaison-pip.XXXXXX.log)
    { python3 -m venv "$S3_VENV" && "$S3_VENV/bin/pip" install --quiet 'moto[server]==5.*'; } \
        >"$pip_log" 2>&1 || die "could not install moto[server] with pip" "$pip_log"
    rm -f "$pip_log"
}

start_s3() {
    ensure_s3
    local port
    port=$(free_port)
    S3_LOG=$(mktemp -t liaison-s3.XXXXXX.log)
    "$S3_VENV/bin/moto_server" -H 127.0.0.1 -p "$port" >"$S3_LOG" 2>&1 &
    S3_PID=$!
    local endpoint=http://127.0.0.1:$port
    # Wait for the server to answer, then make the bucket the tests share (each test keeps its
    # files under a prefix of its own).
    local tries=0
    until curl -fsS -X PUT "$endpoint/liaison-test" >/dev/null 2>&1; do
        kill -0 "$S3_PID" 2>/dev/null || die "the S3 test server (moto) stopped" "$S3_LOG"
        tries=$((tries + 1))
        ((tries < 300)) || die "the S3 test server (moto) did not answer" "$S3_LOG"
        sleep 0.1
    done
    export AWS_ACCESS_KEY_ID=liaison AWS_SECRET_ACCESS_KEY=liaison-secret
    S3_URL="s3://liaison-test?endpoint=$endpoint&region=us-east-1"
}

stop_s3() {
    if [[ -n $S3_PID ]]; then
        kill "$S3_PID" 2>/dev/null || true
        wait "$S3_PID" 2>/dev/null || true
        S3_PID=""
    fi
    [[ -z $S3_LOG ]] || rm -f "$S3_LOG"
}
