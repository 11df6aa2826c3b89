# A private, throwaway SMTP server on a free port of 127.0.0.1, for scripts/test.sh: aiosmtpd
# (Debian's python3-aiosmtpd when installed, else PyPI `aiosmtpd` in a virtual environment
# under ~/.cache/liaison), writing every message it accepts to a Maildir the tests read.
# Sourced, not run; the sourcing script defines `log` and `die MESSAGE [LOGFILE]`, and sources
# scripts/lib/postgres.sh first (for `free_port`).
#
#   start_smtp   installs aiosmtpd if missing and starts it; sets SMTP_URL (smtp://…, plain, as
#                for a relay on the same machine) and SMTP_MAILDIR
#   stop_smtp    stops it (safe to call when none was started)

SMTP_VENV=${LIAISON_SMTP_VENV:-$HOME/.cache/liaison/smtp-venv}
SMTP_PYTHON=""
SMTP_PID=""
SMTP_LOG=""
SMTP_URL=""
SMTP_MAILDIR=""

ensure_smtp() {
    command -v python3 >/dev/null 2>&1 || die "python3 is needed for the SMTP test server (aiosmtpd)"
    if python3 -c 'import aiosmtpd' >/dev/null 2>&1; then
        SMTP_PYTHON=python3
        return 0
    fi
    if [[ ! -x $SMTP_VENV/bin/python ]] || ! "$SMTP_VENV/bin/python" -c 'import aiosmtpd' >/dev/null 2>&1; then
        log "installing aiosmtpd into $SMTP_VENV..."
        local pip_log
        pip_log=$(mktemp -t liaison-pip.XXXXXX.log)
        { python3 -m venv "$SMTP_VENV" && "$SMTP_VENV/bin/pip" install --quiet 'aiosmtpd==1.4.*'; } \
            >"$pip_log" 2>&1 || die "could not install aiosmtpd with pip (or apt-get install python3-aiosmtpd)" "$pip_log"
        rm -f "$pip_log"
    fi
    SMTP_PYTHON=$SMTP_VENV/bin/python
}

start_smtp() {
    ensure_smtp
    local port
    port=$(free_port)
    SMTP_MAILDIR=$(mktemp -d -t liaison-maildir.XXXXXX)
    mkdir -p "$SMTP_MAILDIR"/{tmp,new,cur}
    SMTP_LOG=$(mktemp -t liaison-smtp.XXXXXX.log)
    "$SMTP_PYTHON" -m aiosmtpd -n -l "127.0.0.1:$port" -c aiosmtpd.handlers.Mailbox "$SMTP_MAILDIR" \
        >"$SMTP_LOG" 2>&1 &
    SMTP_PID=$!
    # Wait until it accepts connections.
    local tries=0
    until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
        kill -0 "$SMTP_PID" 2>/dev/null || die "the SMTP test server (aiosmtpd) stopped" "$SMTP_LOG"
        tries=$((tries + 1))
        ((tries < 300)) || die "the SMTP test server (aiosmtpd) did not answer" "$SMTP_LOG"
        sleep 0.1
    done
    SMTP_URL="smtp://127.0.0.1:$port"
}

stop_smtp() {
    if [[ -n $SMTP_PID ]]; then
        kill "$SMTP_PID" 2>/dev/null || true
        wait "$SMTP_PID" 2>/dev/null || true
        SMTP_PID=""
    fi
    [[ -z $SMTP_LOG ]] || rm -f "$SMTP_LOG"
    [[ -z $SMTP_MAILDIR ]] || rm -rf "$SMTP_MAILDIR"
}
