#!/usr/bin/env bash
# Tests the JSON API against its own OpenAPI document with schemathesis: a `liaison serve` on a
# fresh SQLite database with the demo records and an admin's API token, every check, a bounded
# number of examples per operation (not a time budget), and a fixed seed so a run can be
# repeated. Any server error or any answer the document does not allow fails the run.
#
#   scripts/schemathesis.sh             install schemathesis if needed, then run it
#   scripts/schemathesis.sh --install   only install it (scripts/test.sh does so before the suite)
#
# SCHEMATHESIS_EXAMPLES (default 50) sets the examples per operation, SCHEMATHESIS_SEED (default
# 1) the seed. schemathesis is installed with pip into a virtual environment under target/ when
# it is missing; the Debian packages python3 and python3-venv are installed first if needed (only
# when running as root).
set -euo pipefail

cd "$(dirname "$0")/.."

# The version the checks below were written for; a newer one may add checks.
SCHEMATHESIS_VERSION=4.32.5
EXAMPLES=${SCHEMATHESIS_EXAMPLES:-50}
SEED=${SCHEMATHESIS_SEED:-1}
TARGET=${CARGO_TARGET_DIR:-$PWD/target}
VENV=$TARGET/schemathesis
ST=$VENV/bin/schemathesis

log() { printf 'schemathesis.sh: %s\n' "$*" >&2; }
die() {
    log "ERROR: $1"
    if [[ -n ${2:-} && -s $2 ]]; then
        tail -n 40 "$2" >&2
    fi
    exit 1
}

ensure_schemathesis() {
    if [[ -x $ST ]] && "$ST" --version 2>/dev/null | grep -q "version $SCHEMATHESIS_VERSION\$"; then
        return 0
    fi
    local install_log
    install_log=$(mktemp -t liaison-schemathesis.XXXXXX.log)
    if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
        [[ $(id -u) -eq 0 ]] || die "schemathesis needs python3 with venv: sudo apt-get install python3 python3-venv"
        log "installing python3 and python3-venv (apt-get)..."
        { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-venv; } \
            >>"$install_log" 2>&1 || die "apt-get install python3 python3-venv failed" "$install_log"
    fi
    log "installing schemathesis $SCHEMATHESIS_VERSION into $VENV (pip)..."
    rm -rf "$VENV"
    { python3 -m venv "$VENV" && "$VENV/bin/pip" install --quiet "schemathesis==$SCHEMATHESIS_VERSION"; } \
        >>"$install_log" 2>&1 ||
        die "schemathesis could not be installed into $VENV (is the Python package index reachable?)" "$install_log"
    rm -f "$install_log"
}

ensure_schemathesis
[[ ${1:-} != --install ]] || exit 0
# The debug binary, in BIN (built unless scripts/test.sh hands over the one its tests ran).
source scripts/lib/binary.sh
liaison_binary debug

WORK=$(mktemp -d -t liaison-schemathesis.XXXXXX)
SERVER=""
cleanup() {
    [[ -z $SERVER ]] || kill "$SERVER" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

export LIAISON_DATABASE=sqlite://$WORK/liaison.db LIAISON_LOG=warn
"$BIN" demo >/dev/null
"$BIN" user add --name schemathesis --role admin >/dev/null
TOKEN=$("$BIN" token create --user schemathesis 2>/dev/null | head -1)

# The server says the address it listens on once it does; the rest of what it prints is kept.
exec 3< <(exec "$BIN" serve --bind 127.0.0.1:0 2>"$WORK/serve.err")
SERVER=$!
BASE=""
while IFS= read -r line <&3; do
    if [[ $line == *"listening on "* ]]; then
        BASE=${line##*listening on }
        break
    fi
done
[[ -n $BASE ]] || die "liaison serve stopped before listening" "$WORK/serve.err"
cat <&3 >"$WORK/serve.log" &

log "schemathesis $SCHEMATHESIS_VERSION against $BASE: every check, $EXAMPLES examples per operation, seed $SEED"
status=0
"$ST" --config-file scripts/schemathesis.toml run "$BASE/api/openapi.json" \
    --url "$BASE" \
    --header "Authorization: Bearer $TOKEN" \
    --checks all \
    --max-examples "$EXAMPLES" \
    --seed "$SEED" \
    --workers 2 \
    --generation-database none \
    --no-color || status=$?
if ((status != 0)); then
    log "schemathesis found answers the OpenAPI document does not allow (above)"
    if [[ -s $WORK/serve.err ]]; then
        log "what the server logged:"
        tail -n 40 "$WORK/serve.err" >&2
    fi
fi
exit "$status"
