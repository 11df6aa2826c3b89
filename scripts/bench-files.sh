#!/usr/bin/env bash
# Liaison's file benchmark: a 5 MB photo uploaded and downloaded through the API, on the folder
# store and on an S3-compatible store. For each store it loads a small dataset into a fresh
# SQLite file, starts Liaison, and with scripts/lib/files_load.py (concurrent keep-alive
# connections, a bearer token) uploads the photo to the activities' files
# (POST /api/v1/activities/{id}/files, each upload made different by a JPEG comment holding its
# number, since equal bytes are kept once) and downloads what was kept
# (GET /api/v1/activities/{id}/files/{file}). Reports requests/s, MB/s, p50/p99/max latency and
# the server's peak memory during each, then the targets of docs/BENCHMARKS.md ("Files").
#
# The photo is drawn at run time by `liaison bench-photo` (a JPEG of a sky and a field with
# grain, 2513×1885 for 5 MB): nothing is downloaded.
#
#   scripts/bench-files.sh             100 uploads and 400 downloads a store, release build
#   scripts/bench-files.sh --smoke     4 uploads and 8 downloads of a 0.2 MB photo, the debug
#                                      build: proves the benchmark still runs (scripts/bench.sh
#                                      --smoke runs it)
#   scripts/bench.sh --files [--smoke] the same, through the main benchmark
#
# The S3-compatible store is the one LIAISON_TEST_S3_URL names (with AWS_ACCESS_KEY_ID and
# AWS_SECRET_ACCESS_KEY), as scripts/test.sh sets it, else a private moto server on loopback
# (scripts/lib/s3.sh). Each run keeps its files under a prefix of its own and leaves them there
# for the server's owner to clear (moto's are gone when it stops).
#
# Knobs: MB (5; 0.2 for --smoke), UPLOADS, DOWNLOADS, CONNS (4 connections), RECORDS (20
# activities the uploads are spread over, so none passes its size limit), STORES ("folder s3"),
# KEEP (1: keep the working folder).
set -euo pipefail
cd "$(dirname "$0")/.."

MODE=full
case "${1:-}" in
    --smoke) MODE=smoke ;;
    "") ;;
    *) echo "usage: scripts/bench-files.sh [--smoke]" >&2; exit 2 ;;
esac
if [[ $MODE == smoke ]]; then
    # The debug build decodes a photo slowly (its image crates are not optimised): a small one.
    UPLOADS=${UPLOADS:-4}; DOWNLOADS=${DOWNLOADS:-8}; MB=${MB:-0.2}; PROFILE=debug
else
    UPLOADS=${UPLOADS:-100}; DOWNLOADS=${DOWNLOADS:-400}; MB=${MB:-5}; PROFILE=release
fi
CONNS=${CONNS:-4}; RECORDS=${RECORDS:-20}; STORES=${STORES:-folder s3}

log() { printf 'bench-files: %s\n' "$*" >&2; }
die() {
    log "ERROR: $1"
    [[ -z ${2:-} || ! -s $2 ]] || tail -n 40 "$2" >&2
    exit 1
}
command -v curl >/dev/null || die "curl is missing: apt-get install curl"
command -v python3 >/dev/null || die "python3 is missing: apt-get install python3"
# free_port, and the S3-compatible server: start_s3, stop_s3.
source scripts/lib/postgres.sh
source scripts/lib/s3.sh

# The binary to run, in BIN (built unless scripts/test.sh hands over the one its tests ran).
source scripts/lib/binary.sh
liaison_binary "$PROFILE"
WORK=$(mktemp -d -t liaison-bench-files.XXXXXX)
SERVER=""
cleanup() {
    [[ -z $SERVER ]] || kill "$SERVER" 2>/dev/null || true
    stop_s3 || true
    if [[ ${KEEP:-0} == 1 ]]; then log "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

PHOTO=$WORK/photo.jpg
"$BIN" bench-photo "$PHOTO" --megabytes "$MB" > /dev/null
PHOTO_BYTES=$(stat -c %s "$PHOTO")
log "the photo: $PHOTO_BYTES bytes"

S3_BASE=""
if [[ " $STORES " == *" s3 "* ]]; then
    if [[ -n ${LIAISON_TEST_S3_URL:-} ]]; then
        S3_BASE=$LIAISON_TEST_S3_URL
        log "S3: the store of LIAISON_TEST_S3_URL"
    else
        start_s3
        S3_BASE=$S3_URL
        log "S3: moto on ${S3_URL#*endpoint=}"
    fi
fi
# The bucket's URL with a prefix of this run's: s3://bucket/prefix?endpoint=…
s3_location() {
    local bucket=${S3_BASE#s3://} query=""
    [[ $bucket != *\?* ]] || { query="?${bucket#*\?}"; bucket=${bucket%%\?*}; }
    echo "s3://${bucket%/}/bench-files-$(date +%s%N)$query"
}

peak_kb() { awk '/^VmHWM/ {print $2}' "/proc/$SERVER/status"; }
# Resets the peak the kernel keeps, so each phase reports its own.
reset_peak() { echo 5 > "/proc/$SERVER/clear_refs" 2>/dev/null || true; }

RESULTS=$WORK/results.tsv
: > "$RESULTS"
for store in $STORES; do
    dir=$WORK/$store
    mkdir -p "$dir"
    export LIAISON_DATABASE=sqlite://$dir/bench.db LIAISON_LOG=error
    case $store in
        folder) unset LIAISON_FILES; where="a folder beside the database" ;;
        s3) LIAISON_FILES=$(s3_location); export LIAISON_FILES; where="S3 (${LIAISON_FILES%%\?*})" ;;
        *) die "STORES: folder or s3, not $store" ;;
    esac
    "$BIN" bench-data --activities 1000 --trips 0 > /dev/null
    password=$("$BIN" user add --name bench --role admin | sed 's/.*password: //')
    [[ -n $password ]] || die "could not make the bench account"
    token=$("$BIN" token create --user bench 2>/dev/null)
    port=$(free_port)
    base=http://127.0.0.1:$port
    "$BIN" serve --bind "127.0.0.1:$port" > "$dir/serve.log" 2>&1 &
    SERVER=$!
    until curl -s -o /dev/null "$base/login"; do
        kill -0 "$SERVER" 2>/dev/null || die "the server did not start" "$dir/serve.log"
        sleep 0.05
    done
    log "$store: $UPLOADS uploads of $MB MB over $CONNS connections, to $where"
    reset_peak
    up=$(python3 scripts/lib/files_load.py upload "$base" "$token" "$PHOTO" "$UPLOADS" "$CONNS" "$RECORDS" "$dir/files.tsv")
    up_peak=$(peak_kb)
    log "$store: $DOWNLOADS downloads over $CONNS connections"
    reset_peak
    down=$(python3 scripts/lib/files_load.py download "$base" "$token" "$DOWNLOADS" "$CONNS" "$dir/files.tsv")
    down_peak=$(peak_kb)
    printf '%s\t%s\t%s\n' "$store" "$up" "$up_peak" >> "$RESULTS"
    printf '%s\t%s\t%s\n' "$store" "$down" "$down_peak" >> "$RESULTS"
    kill "$SERVER" 2>/dev/null || true
    wait "$SERVER" 2>/dev/null || true
    SERVER=""
    errors=$(grep -ci 'error' "$dir/serve.log" || true)
    (( errors == 0 )) || log "$store: the server logged $errors errors; the first: $(grep -i -m1 'error' "$dir/serve.log" | cut -c1-240)"
done

echo
echo "## Files: a $(awk -v b="$PHOTO_BYTES" 'BEGIN { printf "%.1f", b / 1048576 }') MiB photo, $(date -u '+%F %H:%M') UTC, $(nproc) CPUs, $CONNS connections ($PROFILE build, SQLite)"
echo
echo "| store | phase | requests | errors | seconds | req/s | MB/s | p50 ms | p99 ms | max ms | server peak RSS |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
awk -F'\t' '{ printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %d MiB |\n",
    $1 == "s3" ? "S3 (moto)" : "folder", $2, $3, $4, $5, $6, $7, $8, $9, $10, $11 / 1024 }' "$RESULTS"

# The targets of docs/BENCHMARKS.md, "Files".
source scripts/lib/targets.sh
echo
if [[ $MODE == smoke || $MB != 5 ]]; then
    echo "### Targets (set for the release build and a 5 MB photo; shown here for the record)"
else
    echo "### Targets"
fi
echo
failed=$(awk -F'\t' '{ n += $4 } END { print n + 0 }' "$RESULTS")
peak=$(awk -F'\t' '$11 > max { max = $11 } END { print max + 0 }' "$RESULTS")
echo "- every upload and download answered: $( ((failed == 0)) && echo met || echo "**MISSED** ($failed errors)")"
echo "- peak RSS ≤ 100 MiB while photos go in and out: $(verdict "$peak <= 100 * 1024") ($(( peak / 1024 )) MiB)"
(( failed == 0 )) || exit 1
