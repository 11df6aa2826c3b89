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
# missing (only when running as root). With no arguments, the benchmark's smoke run and
# schemathesis (scripts/schemathesis.sh, installed into target/ when missing) follow the tests.
#
# Tests of the file store also run against an S3-compatible server, named by
# LIAISON_TEST_S3_URL (with AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY); unless
# set, a private moto server is started on loopback (scripts/lib/s3.sh).
#
# The reminders' tests deliver mail to an SMTP server named by LIAISON_TEST_SMTP_URL, which writes
# each message to the Maildir LIAISON_TEST_SMTP_MAILDIR; unless set, a private aiosmtpd server is
# started on loopback (scripts/lib/smtp.sh).
set -euo pipefail

cd "$(dirname "$0")/.."

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

# The private PostgreSQL cluster: ensure_postgres, start_postgres, stop_postgres.
source scripts/lib/postgres.sh
# The S3-compatible server the file store's tests run against: start_s3, stop_s3.
source scripts/lib/s3.sh
# The SMTP server the reminders' tests deliver to: start_smtp, stop_smtp.
source scripts/lib/smtp.sh

# Headless Chromium, its driver and CJK fonts for the browser tests (crates/liaison/tests/it/browser.rs).
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

run_tests() {
    local out status
    out=$(mktemp -t liaison-tests.XXXXXX.log)
    set +e
    cargo test --workspace --locked "$@" 2>&1 | tee "$out"
    status=${PIPESTATUS[0]}
    set -e
    # With no arguments the whole suite runs, and the benchmark's smoke run with it.
    if ((status == 0 && $# == 0)); then
        # The binary the integration tests ran: building it again with `cargo build` would
        # compile the workspace again (scripts/lib/binary.sh says why).
        export LIAISON_BIN=${CARGO_TARGET_DIR:-$PWD/target}/debug/liaison
        scripts/bench.sh --smoke
        # The API against its OpenAPI document (scripts/schemathesis.sh says how).
        scripts/schemathesis.sh || status=$?
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
    stop_s3 || true
    stop_smtp || true
    [[ -z $APT_LOG ]] || rm -f "$APT_LOG"
    [[ -z $PG_APT_LOG ]] || rm -f "$PG_APT_LOG"
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
        export LIAISON_TEST_POSTGRES_URL=$PG_URL
        log "using $("$PG_BIN/postgres" --version) on 127.0.0.1:$PG_PORT (private cluster, setup $((SECONDS - t0))s)"
    fi
    if [[ -n ${LIAISON_TEST_S3_URL:-} ]]; then
        log "using the S3-compatible store of LIAISON_TEST_S3_URL"
    else
        start_s3
        export LIAISON_TEST_S3_URL=$S3_URL
        log "using moto's S3 server at ${S3_URL#*endpoint=}"
    fi
    if [[ -n ${LIAISON_TEST_SMTP_URL:-} ]]; then
        log "using the SMTP server of LIAISON_TEST_SMTP_URL"
    else
        start_smtp
        export LIAISON_TEST_SMTP_URL=$SMTP_URL LIAISON_TEST_SMTP_MAILDIR=$SMTP_MAILDIR
        log "using aiosmtpd at $SMTP_URL, writing to $SMTP_MAILDIR"
    fi
    ensure_browser
    ensure_wrk
    # schemathesis, into a virtual environment under target/, before the long part of the run.
    scripts/schemathesis.sh --install
    run_tests "$@"
}

main "$@"
