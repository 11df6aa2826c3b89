#!/usr/bin/env bash
# Liaison's write benchmark: how creating records holds up as writers are added, on SQLite and on
# PostgreSQL. Loads the synthetic dataset, starts Liaison and measures, each printed as a table:
#
#   1. activities created through the API (POST /api/v1/activities, scripts/bench-writes.lua: a
#      key of its own per request, titles in Chinese and English, a partner, one or two
#      participants, tags) by 1, 2, 4 and 8 clients: creates a second, p50/p99/max latency and
#      every answer that was not 2xx; on PostgreSQL also the deadlocks it counted and what its
#      sessions waited on (pg_stat_activity, sampled every 0.1 s);
#   2. the activity list (/activities) alone, then while one client creates activities;
#   3. a spreadsheet import through the import pages (upload a generated CSV, match its columns,
#      check, save all rows) while one client creates activities: how long saving takes, how long
#      until search finds the rows (their words are indexed after the save, a thousand records to
#      a transaction) and the longest that client waits for one create (SQLite only unless
#      IMPORT_ON says otherwise);
#   4. the read pages of scripts/bench.sh on SQLite and on PostgreSQL, side by side (bench.sh run
#      once for each);
# and ends with the targets of docs/BENCHMARKS.md ("Writes"), each said met or **MISSED**.
#
#   scripts/bench-writes.sh             100,000 activities, release build, 10 s a measurement
#   scripts/bench-writes.sh --smoke     1,000 activities, 1 s, the debug build, 200 imported
#                                       rows, no read pages: proves the benchmark still runs
#   scripts/bench.sh --writes [--smoke] the same, through the main benchmark
#
# Knobs: ACTIVITIES, DUR (10s), WARM (2s before each measurement), CLIENTS ("1 2 4 8"),
# BACKENDS ("sqlite postgres"), IMPORT_ROWS (20000), IMPORT_ON ("sqlite"), READS (1: the read
# pages too), DATABASE (a postgres:// URL of a server where the user may create databases: the
# benchmark makes fresh ones beside it and drops them; without it a private cluster is started
# as scripts/test.sh does), KEEP (1: keep the working folder, with the server's log and wrk's output).
set -euo pipefail
cd "$(dirname "$0")/.."

MODE=full
case "${1:-}" in
    --smoke) MODE=smoke ;;
    "") ;;
    *) echo "usage: scripts/bench-writes.sh [--smoke]" >&2; exit 2 ;;
esac
if [[ $MODE == smoke ]]; then
    ACTIVITIES=${ACTIVITIES:-1000}; DUR=${DUR:-1s}; WARM=${WARM:-0s}; PROFILE=debug
    IMPORT_ROWS=${IMPORT_ROWS:-200}; READS=${READS:-0}
else
    ACTIVITIES=${ACTIVITIES:-100000}; DUR=${DUR:-10s}; WARM=${WARM:-2s}; PROFILE=release
    IMPORT_ROWS=${IMPORT_ROWS:-20000}; READS=${READS:-1}
fi
CLIENTS=${CLIENTS:-1 2 4 8}
BACKENDS=${BACKENDS:-sqlite postgres}
IMPORT_ON=${IMPORT_ON:-sqlite}

log() { printf 'bench-writes: %s\n' "$*" >&2; }
die() {
    log "ERROR: $1"
    [[ -z ${2:-} || ! -s $2 ]] || tail -n 40 "$2" >&2
    exit 1
}
command -v wrk >/dev/null || die "wrk is missing: apt-get install wrk"
command -v curl >/dev/null || die "curl is missing: apt-get install curl"

# The private PostgreSQL cluster, started as scripts/test.sh starts its own.
source scripts/lib/postgres.sh

# The binary to run, in BIN (built unless scripts/test.sh hands over the one its tests ran).
source scripts/lib/binary.sh
liaison_binary "$PROFILE"
WORK=$(mktemp -d -t liaison-bench-writes.XXXXXX)
chmod 755 "$WORK"
SERVER=""
SAMPLER=""
MADE_DATABASES=()
cleanup() {
    [[ -z $SAMPLER ]] || kill "$SAMPLER" 2>/dev/null || true
    [[ -z $SERVER ]] || kill "$SERVER" 2>/dev/null || true
    if [[ -z $PG_TMP ]]; then
        for db in "${MADE_DATABASES[@]}"; do
            psql -XAtq "$PG_ADMIN_URL" -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true
        done
    fi
    stop_postgres || true
    [[ -z $PG_APT_LOG ]] || rm -f "$PG_APT_LOG"
    if [[ ${KEEP:-0} == 1 ]]; then log "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# PostgreSQL: the server given, or a private cluster; each use gets a fresh database.
PG_ADMIN_URL=""
if [[ " $BACKENDS " == *" postgres "* ]]; then
    command -v psql >/dev/null || die "psql is missing: apt-get install postgresql-client"
    if [[ -n ${DATABASE:-} ]]; then
        [[ $DATABASE == postgres://* || $DATABASE == postgresql://* ]] ||
            die "DATABASE must be a postgres:// URL (SQLite is always a fresh file)"
        PG_ADMIN_URL=$DATABASE
    else
        ensure_postgres
        # The benchmark's load and its writes want more memory than the tests' default.
        PG_SERVER_OPTIONS="-c shared_buffers=256MB" start_postgres
        PG_ADMIN_URL=$PG_URL
        log "PostgreSQL: $("$PG_BIN/postgres" --version), private cluster on 127.0.0.1:$PG_PORT"
    fi
fi
fresh_postgres() {
    local name=$1 base=${PG_ADMIN_URL%%\?*} query=""
    [[ $PG_ADMIN_URL != *\?* ]] || query="?${PG_ADMIN_URL#*\?}"
    PGOPTIONS="-c client_min_messages=warning" psql -XAtq "$PG_ADMIN_URL" \
        -c "DROP DATABASE IF EXISTS $name" -c "CREATE DATABASE $name" >/dev/null
    MADE_DATABASES+=("$name")
    echo "${base%/*}/$name$query"
}

ms() { awk -v v="$1" 'BEGIN { if (v ~ /us$/) v = v / 1000; else if (v ~ /ms$/) v = v + 0; else if (v ~ /m$/) v = v * 60000; else if (v ~ /s$/) v = v * 1000; printf "%.2f", v }'; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }
field() { sed -n "s/.*	$1=\([^	]*\).*/\1/p" "$2"; }

ORGS=$(( ACTIVITIES / 50 > 0 ? ACTIVITIES / 50 : 1 ))
PEOPLE=$(( ACTIVITIES / 2 > 0 ? ACTIVITIES / 2 : 1 ))
UNITS=12
RUN_ID=$(date +%s)

# wrk creating activities with N clients for DURATION; its summary line goes to OUT.
write_load() {
    local clients=$1 duration=$2 out=$3 run=$4 threads=$(( $1 < 2 ? $1 : 2 ))
    wrk -t"$threads" -c"$clients" -d"$duration" --timeout 300s -s scripts/bench-writes.lua \
        -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/activities" -- "$run" "$ORGS" "$PEOPLE" "$UNITS" \
        | grep '^writes' > "$out" || true
}

# What PostgreSQL's sessions of this database are doing, every 0.1 s, until stopped.
start_sampler() {
    local out=$1
    printf '%s\n' "SELECT state || ' / ' || coalesce(wait_event_type || ': ' || wait_event, 'on CPU') || CASE WHEN wait_event_type = 'Lock' THEN ' — ' || left(regexp_replace(query, '\s+', ' ', 'g'), 60) ELSE '' END FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid() AND state <> 'idle';" \
        '\watch 0.1' | psql -XAtq "$LIAISON_DATABASE" > "$out" 2>/dev/null &
    SAMPLER=$!
}
stop_sampler() { [[ -z $SAMPLER ]] || { kill "$SAMPLER" 2>/dev/null; wait "$SAMPLER" 2>/dev/null || true; SAMPLER=""; }; }
deadlocks() { psql -XAtq "$LIAISON_DATABASE" -c "SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()"; }

# One server, signed in: SESSION for the pages, CSRF for their forms, TOKEN for the API.
start_server() {
    local backend=$1
    log "$backend: loading $ACTIVITIES activities"
    LOAD=$("$BIN" bench-data --activities "$ACTIVITIES" --trips 0)
    log "$backend: $LOAD"
    local password
    password=$("$BIN" user add --name bench --role admin | sed 's/.*password: //')
    TOKEN=$("$BIN" token create --user bench 2>/dev/null)
    local port
    port=$(free_port)
    BASE=http://127.0.0.1:$port
    "$BIN" serve --bind "127.0.0.1:$port" > "$WORK/serve-$backend.log" 2>&1 &
    SERVER=$!
    until curl -s -o /dev/null "$BASE/login"; do
        kill -0 "$SERVER" 2>/dev/null || die "the server did not start" "$WORK/serve-$backend.log"
        sleep 0.05
    done
    JAR=$WORK/cookies-$backend
    CSRF=$(curl -s -c "$JAR" "$BASE/login" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -1)
    curl -s -b "$JAR" -c "$JAR" -o /dev/null -d "csrf=$CSRF&username=bench&password=$password&next=/" "$BASE/login"
    SESSION=$(awk '$6 == "liaison_session" {print $7}' "$JAR")
    [[ -n $SESSION ]] || die "could not sign in"
    # The printed password signs in once; that session first chooses the password it keeps.
    CSRF=$(curl -s -b "$JAR" "$BASE/account/password" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -1)
    local kept="bench-$(date +%s%N)-kept"
    curl -s -b "$JAR" -c "$JAR" -o /dev/null -d "csrf=$CSRF&new=$kept&repeat=$kept" "$BASE/account/password"
    CSRF=$(curl -s -b "$JAR" "$BASE/import" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -1)
    [[ -n $CSRF ]] || die "the import page has no form"
}
stop_server() { kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; SERVER=""; }

CREATES=$WORK/creates.tsv      # backend clients per_s p50 p99 max errors statuses deadlocks
WAITS=$WORK/waits.tsv          # backend clients share what
MIXED=$WORK/mixed.tsv          # backend alone_rps alone_p99 with_rps with_p99 writer_per_s writer_p99 writer_errors
IMPORTS=$WORK/imports.tsv      # backend rows upload_s check_s save_s searchable_s writer_max writer_created writer_errors outcome
NOTES=$WORK/notes.txt
: > "$CREATES"; : > "$WAITS"; : > "$MIXED"; : > "$IMPORTS"; : > "$NOTES"

measure_creates() {
    local backend=$1 clients out before after
    for clients in $CLIENTS; do
        [[ $WARM == 0s ]] || write_load "$clients" "$WARM" /dev/null "warm$RUN_ID-$clients"
        out=$WORK/creates-$backend-$clients.txt
        if [[ $backend == postgres ]]; then before=$(deadlocks); start_sampler "$WORK/waits-$clients.txt"; fi
        write_load "$clients" "$DUR" "$out" "w$RUN_ID-$clients"
        [[ -s $out ]] || die "$backend, $clients clients: wrk printed no summary"
        after=""
        if [[ $backend == postgres ]]; then
            stop_sampler; after=$(deadlocks)
            awk -v b="$backend" -v c="$clients" '{ n[$0]++; total++ }
                END { for (w in n) printf "%s\t%s\t%.0f\t%s\n", b, c, 100 * n[w] / total, w }' \
                "$WORK/waits-$clients.txt" | sort -t$'\t' -k3,3nr | head -6 >> "$WAITS"
        fi
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$backend" "$clients" "$(field per_s "$out")" \
            "$(field p50 "$out")" "$(field p99 "$out")" "$(field max "$out")" "$(field errors "$out")" \
            "$(field statuses "$out")" "${after:+$(( after - before ))}" >> "$CREATES"
        if [[ $(field errors "$out") != 0 ]]; then
            echo "- $backend, $clients clients: $(field statuses "$out"); the first: \`$(field first "$out" | cut -c1-160)\`" >> "$NOTES"
        fi
        log "$backend, $clients clients: $(field per_s "$out") creates/s, p99 $(field p99 "$out") ms, errors $(field errors "$out")"
    done
}

# The list page with wrk's --latency: req/s and p99 in ms.
list_load() {
    wrk -t2 -c16 -d"$1" --latency -H "Cookie: liaison_session=$SESSION" "$BASE/activities" |
        awk '/Requests\/sec/ { rps = $2 } /^ +99%/ { p99 = $2 } /Non-2xx/ { bad = $NF }
             END { printf "%.0f\t%s\t%d\n", rps, p99, bad }'
}

measure_mixed() {
    local backend=$1 alone with writer=$WORK/mixed-writer-$backend.txt
    [[ $WARM == 0s ]] || list_load "$WARM" > /dev/null
    alone=$(list_load "$DUR")
    write_load 1 "$(( ${DUR%s} + 2 ))s" "$writer" "m$RUN_ID" &
    local writing=$!
    sleep 1
    with=$(list_load "$DUR")
    wait "$writing"
    [[ $(cut -f3 <<< "$alone") == 0 && $(cut -f3 <<< "$with") == 0 ]] ||
        echo "- $backend: the list answered $(cut -f3 <<< "$alone") and $(cut -f3 <<< "$with") times with an error" >> "$NOTES"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$backend" "$(cut -f1 <<< "$alone")" "$(ms "$(cut -f2 <<< "$alone")")" \
        "$(cut -f1 <<< "$with")" "$(ms "$(cut -f2 <<< "$with")")" "$(field per_s "$writer")" \
        "$(field p99 "$writer")" "$(field errors "$writer")" >> "$MIXED"
    log "$backend: the list alone $(cut -f1 <<< "$alone") req/s, with a writer $(cut -f1 <<< "$with") req/s"
}

# A CSV of ROWS activities in the import template's columns; units by name, partners by number.
import_csv() {
    awk -v rows="$1" -v orgs="$ORGS" -v run="$RUN_ID" 'BEGIN {
        split("国际交流与合作处|劳动关系与人力资源学院|工会学院|安全工程学院|法学院|经济管理学院", units, "|")
        split("inbound_visit outbound_trip conference lecture training_course online_meeting", kinds, " ")
        split("越南|老挝|俄罗斯|德国|日本|南非", zh, "|")
        split("Viet Nam|Laos|Russia|Germany|Japan|South Africa", en, "|")
        print "key,title_zh,title_en,kind,start_date,start_part,end_date,end_part,venue,host_unit,partners,delegation_size,tags,summary_zh,summary_en"
        for (i = 1; i <= rows; i++) {
            c = i % 6 + 1; m = i % 12 + 1; d = i % 28 + 1
            # Two partners, never the same one twice (the save refuses that).
            partners = "#" (i % orgs + 1) (orgs > 1 ? ";#" ((i + 1) % orgs + 1) : "")
            printf "import-%s-%d,%s工会代表团来访（%d）,Trade union delegation from %s (%d),%s,2025-%02d-%02d,morning,2025-%02d-%02d,afternoon,学术交流中心,%s,%s,%d,Belt and Road;重点项目,双方就职工权益保障进行了交流。,The two sides discussed the protection of workers rights.\n",
                run, i, zh[c], i, en[c], i, kinds[i % 6 + 1], m, d, m, d, units[i % 6 + 1],
                partners, 3 + i % 10
        }
    }'
}

# The import pages, signed in.
pages() { curl -s -b "$JAR" "$@"; }

# GET an import's page until it stops refreshing itself; its last answer in FILE. Any other
# answer than the page is noted (the page reads the session, which may wait for the writer).
wait_import() {
    local id=$1 file=$2 code
    while :; do
        code=$(pages -o "$file" -w '%{http_code} %{redirect_url}' "$BASE/import/$id") || code="curl error $?"
        if [[ $code != "200 " ]]; then
            echo "- $(date -u +%T) GET /import/$id answered $code" >> "$WORK/import-answers.txt"
        elif ! grep -q 'http-equiv="refresh"' "$file"; then
            return 0
        fi
        sleep 0.1
    done
}

measure_import() {
    local backend=$1 csv=$WORK/import.csv page=$WORK/import-page.html t answer id mapping
    import_csv "$IMPORT_ROWS" > "$csv"
    log "$backend: importing $IMPORT_ROWS rows ($(du -h "$csv" | cut -f1)) through the import pages"
    t=$(now)
    answer=$(pages -o /dev/null -w '%{http_code} %{redirect_url}' \
        -F "csrf=$CSRF" -F kind=activities -F "file=@$csv;type=text/csv" "$BASE/import")
    id=$(sed -n 's#.*/import/\([0-9]*\)/mapping#\1#p' <<< "$answer")
    [[ -n $id ]] || die "the upload answered $answer"
    local upload_s
    upload_s=$(since "$t")
    # The columns are titled by their field names, which the mapping page matches already:
    # send its choices as they are.
    mapping=$(pages "$BASE/import/$id/mapping" |
        awk 'match($0, /<select id="column-[0-9]+"/) { column = substr($0, RSTART + 12, RLENGTH - 13) }
             column != "" && match($0, /value="[a-z_]+" selected/) {
                 print column "=" substr($0, RSTART + 7, RLENGTH - 17); column = "" }' | paste -sd'&')
    [[ $(tr '&' '\n' <<< "$mapping" | grep -c .) == 15 ]] || die "the mapping page matched: $mapping"
    t=$(now)
    answer=$(pages -o /dev/null -w '%{http_code}' -d "csrf=$CSRF&$mapping" "$BASE/import/$id/mapping")
    [[ $answer == 303 ]] || die "the mapping answered $answer"
    wait_import "$id" "$page"
    local check_s
    check_s=$(since "$t")
    grep -q "/import/$id/commit" "$page" ||
        die "the check found problems: $(grep -o '<ul class="problems">.\{0,300\}' "$page" | head -3)"
    # Another writer creates activities throughout the save; it is stopped (SIGINT: wrk prints
    # its summary) once the save is over and its pending create answered.
    local writer=$WORK/import-writer-$backend.txt
    wrk -t1 -c1 -d600s --timeout 300s -s scripts/bench-writes.lua -H "Authorization: Bearer $TOKEN" \
        "$BASE/api/v1/activities" -- "i$RUN_ID" "$ORGS" "$PEOPLE" "$UNITS" > "$writer.all" &
    local writing=$!
    sleep 1
    t=$(now)
    answer=$(pages -o /dev/null -w '%{http_code}' -d "csrf=$CSRF" "$BASE/import/$id/commit")
    [[ $answer == 303 ]] || die "saving answered $answer"
    # Saved: the page says so (its heading's data-status) once the records' transaction has
    # committed. Searchable: it stops refreshing once their words are indexed too.
    until pages -o "$page" "$BASE/import/$id" && grep -q 'data-status="\(committed\|failed\)"' "$page"; do
        sleep 0.1
    done
    local save_s searchable_s outcome
    save_s=$(since "$t")
    wait_import "$id" "$page"
    searchable_s=$(since "$t")
    sleep 1
    kill -INT "$writing"
    wait "$writing" || true
    grep '^writes' "$writer.all" > "$writer" || die "the writer printed no summary" "$writer.all"
    if grep -q 'class="error-summary"' "$page"; then
        outcome="failed: $(sed -n '/class="error-summary"/,/<\/div>/p' "$page" | sed 's/<[^>]*>//g' | tr -s ' \n' ' ')"
        echo "- $backend, import: $outcome" >> "$NOTES"
    else
        # The page's first paragraph says how many were created, in the user's language.
        outcome="saved $(sed -n '/<h1[ >]/,/<\/p>/p' "$page" | sed 's/<[^>]*>//g' | { grep -o '[0-9][0-9,]*' || true; } | tail -1)"
    fi
    if [[ $(field errors "$writer") != 0 ]]; then
        echo "- $backend, the writer beside the import: $(field statuses "$writer"); the first: \`$(field first "$writer" | cut -c1-160)\`" >> "$NOTES"
    fi
    if [[ -s $WORK/import-answers.txt ]]; then
        echo "- $backend, while importing the import's page answered otherwise $(wc -l < "$WORK/import-answers.txt") times; the first:" \
            "$(head -1 "$WORK/import-answers.txt" | cut -c3-)" >> "$NOTES"
        rm "$WORK/import-answers.txt"
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$backend" "$IMPORT_ROWS" "$upload_s" "$check_s" "$save_s" \
        "$searchable_s" "$(field max "$writer")" "$(field created "$writer")" "$(field errors "$writer")" "$outcome" >> "$IMPORTS"
    log "$backend: import saved in $save_s s, searchable after $searchable_s s; the other writer waited at most $(field max "$writer") ms"
}

for backend in $BACKENDS; do
    case $backend in
        sqlite) export LIAISON_DATABASE=sqlite://$WORK/writes.db ;;
        postgres) export LIAISON_DATABASE; LIAISON_DATABASE=$(fresh_postgres liaison_bench_writes) ;;
        *) die "BACKENDS: sqlite or postgres, not $backend" ;;
    esac
    export LIAISON_LOG=error
    start_server "$backend"
    echo "- $backend: $LOAD" >> "$WORK/loads.txt"
    measure_creates "$backend"
    measure_mixed "$backend"
    [[ " $IMPORT_ON " != *" $backend "* ]] || measure_import "$backend"
    stop_server
    # PostgreSQL's own account of a deadlock: who waited for what, and the statements.
    if [[ $backend == postgres && -n $PG_TMP ]] && grep -q 'deadlock detected' "$PG_TMP/server.log"; then
        {
            echo "- postgres: the server's log reports $(grep -c 'deadlock detected' "$PG_TMP/server.log") deadlocks; the first:"
            echo
            grep -m1 -A6 'deadlock detected' "$PG_TMP/server.log" | cut -c1-200 | sed 's/^/        /'
            echo
        } >> "$NOTES"
    fi
    errors=$(grep -ci 'error' "$WORK/serve-$backend.log" || true)
    if (( errors > 0 )); then
        echo "- $backend: the server logged $errors errors; the first: \`$(grep -i -m1 'error' "$WORK/serve-$backend.log" | cut -c1-240)\`" >> "$NOTES"
    fi
done

# The read pages of scripts/bench.sh, one run on each database.
if [[ $READS == 1 ]]; then
    smoke=(); [[ $MODE != smoke ]] || smoke=(--smoke)
    for backend in $BACKENDS; do
        log "$backend: the read pages (scripts/bench.sh)"
        if [[ $backend == postgres ]]; then
            DATABASE=$(fresh_postgres liaison_bench_reads) ACTIVITIES=$ACTIVITIES scripts/bench.sh "${smoke[@]}" > "$WORK/reads-$backend.md" ||
                echo "- $backend: scripts/bench.sh ended with an error (see its output)" >> "$NOTES"
        else
            env -u DATABASE ACTIVITIES=$ACTIVITIES scripts/bench.sh "${smoke[@]}" > "$WORK/reads-$backend.md" ||
                echo "- $backend: scripts/bench.sh ended with an error (see its output)" >> "$NOTES"
        fi
    done
fi

# The report.
name() { case $1 in sqlite) echo SQLite ;; postgres) echo PostgreSQL ;; esac; }
echo
echo "## Writes, $ACTIVITIES activities, $(date -u '+%F %H:%M') UTC, $(nproc) CPUs ($PROFILE build)"
echo
echo "### Creating an activity through the API, by concurrent clients (wrk -d$DUR)"
echo
echo "| backend | clients | creates/s | p50 ms | p99 ms | max ms | errors | deadlocks |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
awk -F'\t' -v OFS=' | ' '{ b = $1 == "sqlite" ? "SQLite" : "PostgreSQL"
    if ($3 == 0) $4 = $5 = $6 = "-"
    print "| " b, $2, sprintf("%.0f", $3), $4, $5, $6, ($7 ? "**" $7 "**" : 0), ($9 == "" ? "-" : $9) " |" }' "$CREATES"
if [[ -s $WAITS ]]; then
    echo
    echo "What PostgreSQL's busy sessions were doing, sampled every 0.1 s during each run (the six most frequent):"
    echo
    echo "| clients | share of samples | state / wait event |"
    echo "|---:|---:|---|"
    awk -F'\t' '{ gsub(/\|/, "/", $4); printf "| %s | %s %% | `%s` |\n", $2, $3, $4 }' "$WAITS"
fi
echo
echo "### The activity list (/activities, wrk -t2 -c16) alone and while one client creates activities"
echo
echo "| backend | list req/s alone | p99 ms | req/s with a writer | p99 ms | writer creates/s | writer p99 ms | writer errors |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
while IFS=$'\t' read -r b a1 a2 w1 w2 c1 c2 e; do
    echo "| $(name "$b") | $a1 | $a2 | $w1 | $w2 | $(printf '%.0f' "${c1:-0}") | $c2 | $e |"
done < "$MIXED"
if [[ -s $IMPORTS ]]; then
    echo
    echo "### A spreadsheet import (upload a CSV, match, check, save all rows) while one client creates activities"
    echo
    echo "| backend | rows | upload s | check s | save s | searchable after s | the other writer's longest wait ms | its creates | its errors | result |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"
    while IFS=$'\t' read -r b rows up check save found max made e outcome; do
        echo "| $(name "$b") | $rows | $up | $check | $save | $found | $max | $made | $e | $outcome |"
    done < "$IMPORTS"
fi
if [[ $READS == 1 ]]; then
    echo
    echo "### The read pages of scripts/bench.sh on each database (wrk -t2 -c16, req/s, p50/p99 ms)"
    echo
    header="| page"; rule="|---"
    for backend in $BACKENDS; do header+=" | $(name "$backend") req/s | p50 | p99"; rule+="|---:|---:|---:"; done
    echo "$header |"; echo "$rule|"
    files=(); for backend in $BACKENDS; do files+=("$WORK/reads-$backend.md"); done
    awk -F'|' '
        FNR == 1 { file++ }
        NF == 7 && $3 ~ /^ *[0-9]+ *$/ { page = $2; gsub(/ /, "", page); if (file == 1) pages[++n] = page
            row[file, page] = sprintf(" %d | %s | %s |", $3, $4 + 0, $5 + 0) }
        END { for (i = 1; i <= n; i++) { line = "| " pages[i] " |"
            for (f = 1; f <= file; f++) line = line (row[f, pages[i]] ? row[f, pages[i]] : " - | - | - |")
            print line } }' "${files[@]}"
fi
echo
cat "$WORK/loads.txt"
if [[ -s $NOTES ]]; then
    echo
    echo "Errors:"
    echo
    cat "$NOTES"
fi

# The targets of docs/BENCHMARKS.md, "Writes".
source scripts/lib/targets.sh
targets_heading
rate() { awk -F'\t' -v b="$1" -v c="$2" '$1 == b && $2 == c { print $3 }' "$CREATES"; }
p99() { awk -F'\t' -v b="$1" -v c="$2" '$1 == b && $2 == c { print $5 }' "$CREATES"; }
most=$(tr ' ' '\n' <<< "$CLIENTS" | grep . | sort -n | tail -1)
for backend in $BACKENDS; do
    factor=1; [[ $backend == postgres ]] && factor=2
    one=$(rate "$backend" 1); top=$(rate "$backend" 8)
    if [[ -n $one && -n $top ]]; then
        echo "- $(name "$backend"): 8 clients create at least $factor× as fast as 1: $(verdict "$one > 0 && $top >= $factor * $one") ($top against $one/s)"
    else
        echo "- $(name "$backend"): 8 clients against 1: not measured (CLIENTS=\"$CLIENTS\")"
    fi
    top=$(p99 "$backend" 8)
    if [[ -n $top && $(rate "$backend" 8) == 0.0 ]]; then
        echo "- $(name "$backend"): p99 of a create ≤ 50 ms at 8 clients: **MISSED** (no create finished)"
    elif [[ -n $top ]]; then
        echo "- $(name "$backend"): p99 of a create ≤ 50 ms at 8 clients: $(verdict "$top <= 50") ($top ms)"
    fi
done
failed=$(awk -F'\t' '{ n += $7 } END { print n + 0 }' "$CREATES")
failed=$(( failed + $(awk -F'\t' '{ n += $8 } END { print n + 0 }' "$MIXED") ))
failed=$(( failed + $(awk -F'\t' '{ n += $9 } END { print n + 0 }' "$IMPORTS") ))
echo "- every create answered 2xx: $( ((failed == 0)) && echo met || echo "**MISSED** ($failed errors)")"
while IFS=$'\t' read -r b rows up check save found max made e outcome; do
    [[ $outcome == failed* ]] && outcome_ok=0 || outcome_ok=1
    echo "- $(name "$b"): $rows rows imported in ≤ 5 s: $(verdict "$outcome_ok && $save <= 5") ($save s)"
    echo "- $(name "$b"): another writer waits ≤ 5 s during the import: $(verdict "${max:-999999} <= 5000") (${max:-?} ms)"
done < "$IMPORTS"
