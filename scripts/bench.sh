#!/usr/bin/env bash
# Liaison's benchmark: loads the synthetic dataset, starts Liaison, signs in, and measures the
# pages people open with wrk. Reports requests per second, p50 and p99 latency, the peak memory
# of the server, how long the data took to load and the server to start. The trips' pages are
# measured as the accounts that use them: an approver's inbox, an applicant's applications, a
# unit's liaison officer, the office's board and one application.
#
#   scripts/bench.sh                      100,000 activities and 100,000 trip applications,
#                                         release build, 10 s a page
#   ACTIVITIES=1000000 scripts/bench.sh   another size
#   scripts/bench.sh --peers              also the peers of ../shared/bench/peers, in the same
#                                         sitting, with Liaison's ratio to each
#   scripts/bench.sh --scale              10,000 then 1,000,000 activities (SCALE_FROM, SCALE_TO),
#                                         and how much slower the lists are at the larger size
#   scripts/bench.sh --smoke              1,000 activities and trips, 1 s a page without warm-up,
#                                         the debug build (or the one LIAISON_BIN names),
#                                         then the files' smoke run: proves the benchmark still
#                                         runs (part of scripts/test.sh)
#   scripts/bench.sh --writes [--smoke]   writes under concurrency instead: scripts/bench-writes.sh
#   scripts/bench.sh --files [--smoke]    a 5 MB photo uploaded and downloaded on the folder and
#                                         the S3 store instead: scripts/bench-files.sh
#
# Each run ends with the targets of docs/BENCHMARKS.md, each said met or missed.
#
# Knobs: ACTIVITIES, TRIPS, DUR (10s), WARM (2s), THREADS (2), CONNS (16), DATABASE (a postgres://
# URL of an empty database, to measure PostgreSQL instead of a fresh SQLite file), ONLY (an
# extended regular expression: measure only the pages whose names match, such as '^trip').
set -euo pipefail
cd "$(dirname "$0")/.."

MODE=full
case "${1:-}" in
    --smoke) MODE=smoke ;;
    --peers) MODE=peers ;;
    --scale) MODE=scale ;;
    --writes) shift; exec scripts/bench-writes.sh "$@" ;;
    --files) shift; exec scripts/bench-files.sh "$@" ;;
    "") ;;
    *) echo "usage: scripts/bench.sh [--smoke|--peers|--scale|--writes|--files]" >&2; exit 2 ;;
esac

if [[ $MODE == scale ]]; then
    SMALL=${SCALE_FROM:-10000}; LARGE=${SCALE_TO:-1000000}
    TABLES=$(mktemp -d -t liaison-scale.XXXXXX)
    trap 'rm -rf "$TABLES"' EXIT
    for n in "$SMALL" "$LARGE"; do
        ACTIVITIES=$n "$0" | tee "$TABLES/$n.md"
    done
    echo
    echo "## The lists at $LARGE activities against $SMALL"
    echo
    echo "| page | $SMALL req/s | $LARGE req/s | slower by | ≤ 1.5× |"
    echo "|---|---:|---:|---:|---|"
    awk -F'|' '
        FNR == 1 { file++ }
        $2 ~ /^ (list_p1|list_kind) $/ { page = $2; gsub(/ /, "", page); rps[file, page] = $3 + 0 }
        END {
            split("list_p1 list_kind", pages, " ")
            for (i = 1; i <= 2; i++) {
                p = pages[i]; by = rps[2, p] ? rps[1, p] / rps[2, p] : 0
                printf "| %s | %.0f | %.0f | %.2f× | %s |\n", p, rps[1, p], rps[2, p], by,
                    (by > 0 && by <= 1.5) ? "met" : "**MISSED**"
            }
        }' "$TABLES/$SMALL.md" "$TABLES/$LARGE.md"
    exit 0
fi
if [[ $MODE == smoke ]]; then
    # No warm-up: the smoke run proves each page answers under wrk, it measures nothing.
    ACTIVITIES=${ACTIVITIES:-1000}; TRIPS=${TRIPS:-1000}; DUR=${DUR:-1s}; WARM=${WARM:-0s}; PROFILE=debug
else
    ACTIVITIES=${ACTIVITIES:-100000}; TRIPS=${TRIPS:-100000}; DUR=${DUR:-10s}; WARM=${WARM:-2s}; PROFILE=release
fi
THREADS=${THREADS:-2}; CONNS=${CONNS:-16}

log() { printf 'bench: %s\n' "$*" >&2; }
command -v wrk >/dev/null || { log "wrk is missing: apt-get install wrk"; exit 1; }

# The binary to run, in BIN (built unless scripts/test.sh hands over the one its tests ran).
source scripts/lib/binary.sh
liaison_binary "$PROFILE"
WORK=$(mktemp -d -t liaison-bench.XXXXXX)
SERVER=""
cleanup() { [[ -z $SERVER ]] || kill "$SERVER" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
DATABASE=${DATABASE:-sqlite://$WORK/bench.db}
export LIAISON_DATABASE=$DATABASE LIAISON_LOG=error

log "loading $ACTIVITIES activities and $TRIPS trip applications"
LOAD=$("$BIN" bench-data --activities "$ACTIVITIES" --trips "$TRIPS")
log "$LOAD"
PASSWORD=$("$BIN" user add --name bench --role admin | sed 's/.*password: //')
TOKEN=$("$BIN" token create --user bench 2>/dev/null)
# The trips' accounts bench-data made, numbered in the order it makes them: officer-1 to -6
# (1-6), leader-1 to -4 (7-10), then for each unit its leader, its liaison officer and 25
# members of staff. officer-2 stands in for officer-1 and leader-2 for leader-1 this week, so
# their inboxes hold their own applications and those of whom they stand in for.
APPROVER=officer-2; APPROVER_ID=2; LEADER=leader-2; BOARD=officer-1
APPLICANT=staff-1; LIAISON=liaison-3
TRIP_USERS=()
if (( TRIPS > 0 )); then
    TRIP_USERS=("$APPROVER" "$LEADER" "$BOARD" "$APPLICANT" "$LIAISON")
    declare -A TRIP_PASSWORD TRIP_TOKEN TRIP_SESSION
    for user in "${TRIP_USERS[@]}"; do
        TRIP_PASSWORD[$user]=$("$BIN" user reset-password --name "$user" | sed -n 's/.*password for [^:]*: //p')
        TRIP_TOKEN[$user]=$("$BIN" token create --user "$user" 2>/dev/null)
    done
fi

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
BASE=http://127.0.0.1:$PORT
started=$(date +%s%N)
"$BIN" serve --bind "127.0.0.1:$PORT" > "$WORK/serve.log" 2>&1 &
SERVER=$!
until curl -s -o /dev/null "$BASE/login"; do sleep 0.01; done
STARTUP_MS=$(( ($(date +%s%N) - started) / 1000000 ))

# Signs USER in with its one-time PASSWORD through the sign-in form, as a browser does, and
# prints the session cookie's value. The printed password signs in once; that session first
# chooses the password it keeps.
sign_in() {
    local user=$1 password=$2 jar=$WORK/cookies-$1 csrf session kept
    csrf=$(curl -s -c "$jar" "$BASE/login" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -1)
    curl -s -b "$jar" -c "$jar" -o /dev/null -d "csrf=$csrf&username=$user&password=$password&next=/" "$BASE/login"
    session=$(awk '$6 == "liaison_session" {print $7}' "$jar")
    [[ -n $session ]] || { log "could not sign in as $user"; return 1; }
    csrf=$(curl -s -b "$jar" "$BASE/account/password" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -1)
    kept="bench-$(date +%s%N)-kept"
    curl -s -b "$jar" -c "$jar" -o /dev/null -d "csrf=$csrf&new=$kept&repeat=$kept" "$BASE/account/password"
    [[ $(curl -s -o /dev/null -w '%{http_code}' -b "$jar" "$BASE/activities") == 200 ]] ||
        { log "could not choose $user's password"; return 1; }
    echo "$session"
}
SESSION=$(sign_in bench "$PASSWORD")
for user in "${TRIP_USERS[@]}"; do
    TRIP_SESSION[$user]=$(sign_in "$user" "${TRIP_PASSWORD[$user]}")
done

MIDDLE=$(( ACTIVITIES / 2 ))
ORGANIZATION=$(( ACTIVITIES / 100 > 0 ? ACTIVITIES / 100 : 1 ))
# The generated activities spread evenly over 2006-2025; the review of a full year beside a full
# year before reads about a tenth of them.
REVIEW_YEAR=2024
PAGES=(
    "list_p1=/activities"
    "list_kind=/activities?kind=conference"
    "search_en=/search?q=union"
    "search_zh=/search?q=%E5%B7%A5%E4%BC%9A"
    "detail=/activities/$MIDDLE"
    "organization=/organizations/$ORGANIZATION"
    "review=/review?year=$REVIEW_YEAR"
    "api_list=/api/v1/activities"
    "api_search_en=/api/v1/search?q=union"
)
# Every filter the lists offer, alone and a few together: the activities of a kind, a year, a
# country, a region class, a host unit, an organization, a tag, from or to a day, words in the
# titles; the other lists by each of theirs. The organization is a partner of about 50 activities.
PAGES+=(
    "list_year=/activities?year=2015"
    "list_country=/activities?country=LA"
    "list_region=/activities?region=foreign"
    "list_region_hk=/activities?region=hong_kong"
    "list_unit=/activities?unit=3"
    "list_organization=/activities?organization=$ORGANIZATION"
    "list_tag=/activities?tag=key+project"
    "list_from=/activities?from=2020-01-01"
    "list_to=/activities?to=2010-12-31"
    "list_words=/activities?q=union"
    "list_kind_country=/activities?kind=inbound_visit&country=LA"
    "list_country_year=/activities?country=VN&year=2020"
    "list_region_tag=/activities?region=foreign&tag=joint+program"
    "list_unit_kind=/activities?unit=5&kind=lecture"
    "list_organization_year=/activities?organization=$ORGANIZATION&year=2012"
    "list_country_from=/activities?country=LA&from=2024-01-01"
    "list_words_kind=/activities?q=union&kind=training_course"
    "organizations_country=/organizations?country=LA"
    "organizations_region=/organizations?region=foreign"
    "organizations_kind=/organizations?kind=trade_union"
    "organizations_words=/organizations?q=union"
    "people_category=/people?category=external"
    "people_organization=/people?organization=$ORGANIZATION"
    "people_unit=/people?unit=3"
    "people_nationality=/people?nationality=LA"
    "people_words=/people?q=wang"
    "gifts_status=/gifts?status=recorded"
    "gifts_direction_year=/gifts?direction=received&year=2020"
    "agreements_status=/agreements?status=in_force"
    "agreements_expiring=/agreements?expires_before=2026-12-31"
)
# The lists in their other orders: by title, by the last change, the people by when each was
# recorded.
PAGES+=(
    "list_sort_title=/activities?sort=title"
    "list_sort_updated=/activities?sort=-updated"
    "list_words_title=/activities?q=union&sort=title"
    "people_sort_created=/people?sort=-created"
)

# The trips' pages, each as the account that opens it ("name=account=path"): an approver's
# "waiting for me" (an officer's, which every application at the office's step waits for, and a
# leader's in charge), as a page and as JSON; the counts of the inboxes; an applicant's
# applications; the unit's, for its liaison officer; the office's board of every application
# with its counts by state, by one state and what is overdue; and one application.
TRIP_PAGES=()
if (( TRIPS > 0 )); then
    TRIP=$(( TRIPS / 2 ))
    TRIP_PAGES=(
        "trips_waiting=$APPROVER=/trips?view=waiting"
        "trips_waiting_leader=$LEADER=/trips?view=waiting"
        "api_trips_waiting=$APPROVER=/api/v1/trips?waiting_for=$APPROVER_ID"
        "api_trips_inbox=$APPROVER=/api/v1/trips/inbox"
        "trips_mine=$APPLICANT=/trips?view=mine"
        "trips_unit=$LIAISON=/trips?view=unit"
        "trips_board=$BOARD=/trips?view=all"
        "trips_board_state=$BOARD=/trips?view=all&status=in_approval"
        "trips_overdue=$BOARD=/trips?view=all&overdue=1"
        "trip=$BOARD=/trips/$TRIP"
        "api_trip=$BOARD=/api/v1/trips/$TRIP"
    )
fi

RESULTS=$WORK/results.tsv
: > "$RESULTS"
for page in "${PAGES[@]}" "${TRIP_PAGES[@]}"; do
    name=${page%%=*}; path=${page#*=}
    [[ -z ${ONLY:-} ]] || [[ $name =~ $ONLY ]] || continue
    session=$SESSION; token=$TOKEN
    if [[ $path != /* ]]; then
        user=${path%%=*}; path=${path#*=}
        session=${TRIP_SESSION[$user]}; token=${TRIP_TOKEN[$user]}
    fi
    if [[ $path == /api/* ]]; then header="Authorization: Bearer $token"; else header="Cookie: liaison_session=$session"; fi
    status=$(curl -s -o /dev/null -w '%{http_code}' -H "$header" "$BASE$path")
    [[ $status == 200 ]] || { log "$name: $path answered $status"; exit 1; }
    [[ $WARM == 0s ]] || wrk -t"$THREADS" -c"$CONNS" -d"$WARM" -H "$header" "$BASE$path" > /dev/null
    wrk -t"$THREADS" -c"$CONNS" -d"$DUR" --latency -H "$header" "$BASE$path" > "$WORK/wrk_$name.txt"
    awk -v name="$name" '
        function ms(v) { if (v ~ /us$/) return v/1000; if (v ~ /ms$/) return v+0; if (v ~ /s$/) return v*1000; return v }
        /Requests\/sec/ { rps = $2 } /^ +50%/ { p50 = ms($2) } /^ +99%/ { p99 = ms($2) }
        /Non-2xx/ { bad = $NF }
        END { printf "%s\t%.0f\t%.2f\t%.2f\t%d\n", name, rps, p50, p99, bad }' "$WORK/wrk_$name.txt" >> "$RESULTS"
done
PEAK_KB=$(awk '/^VmHWM/ {print $2}' "/proc/$SERVER/status")

echo
echo "## Liaison, $ACTIVITIES activities and $TRIPS trip applications, $(date -u +%F), $(nproc) CPUs, wrk -t$THREADS -c$CONNS -d$DUR ($PROFILE build, ${DATABASE%%://*})"
echo
echo "| page | req/s | p50 ms | p99 ms | errors |"
echo "|---|---:|---:|---:|---:|"
awk -F'\t' '{ printf "| %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5 }' "$RESULTS"
echo
echo "- load: ${LOAD//$'\n'/; }"
echo "- start-up on this database: $STARTUP_MS ms"
echo "- peak RSS of the server: $(( PEAK_KB / 1024 )) MiB"
LOAD_S=$(sed -n '1s/.* in \([0-9.]*\) s\.$/\1/p' <<< "$LOAD")

# The targets of docs/BENCHMARKS.md, each said met or missed.
source scripts/lib/targets.sh
targets_heading
slow=$(awk -F'\t' '$4 > 15 { printf "%s%s (%s ms)", sep, $1, $4; sep = ", " }' "$RESULTS")
echo "- p99 ≤ 15 ms on every page: $([[ -z $slow ]] && echo met || echo "**MISSED** by $slow")"
REVIEW_P50=$(awk -F'\t' '$1 == "review" { print $3 }' "$RESULTS")
if [[ -n $REVIEW_P50 ]]; then
    echo "- annual review p50 ≤ 50 ms: $(verdict "$REVIEW_P50 <= 50") ($REVIEW_P50 ms)"
else
    echo "- annual review p50 ≤ 50 ms: not measured (ONLY=${ONLY:-})"
fi
echo "- peak RSS ≤ 100 MiB: $(verdict "$PEAK_KB <= 100 * 1024") ($(( PEAK_KB / 1024 )) MiB)"
echo "- start-up ≤ 1 s: $(verdict "$STARTUP_MS <= 1000") ($STARTUP_MS ms)"
if [[ $ACTIVITIES == 100000 ]]; then
    echo "- 100,000 activities loaded in under a minute: $(verdict "${LOAD_S:-999} < 60") (${LOAD_S:-?} s)"
else
    echo "- 100,000 activities loaded in under a minute: not at this size ($ACTIVITIES in ${LOAD_S:-?} s)"
fi
echo "- every page ≥ 50 % of the limit's throughput: measured by \`--peers\`;" \
    "the list at 1,000,000 activities ≤ 1.5× slower than at 10,000: by \`--scale\`"
if awk -F'\t' '$5 > 0 { bad = 1 } END { exit !bad }' "$RESULTS"; then
    log "some requests failed"; exit 1
fi

# The smoke run proves the file benchmark runs too, with a server of its own.
if [[ $MODE == smoke ]]; then
    cleanup
    trap - EXIT
    exec scripts/bench-files.sh --smoke
fi

if [[ $MODE == peers ]]; then
    log "running the peers of ../shared/bench/peers in the same sitting"
    # The peers search their data for "robotics" and "机器人", words of 36 % and 43 % of their
    # activities; "union" and "工会" are words of 48 % and 37 % of Liaison's.
    urls="list_p1=$BASE/activities list_kind=$BASE/activities?kind=conference"
    urls+=" search_en=$BASE/search?q=union search_zh=$BASE/search?q=%E5%B7%A5%E4%BC%9A"
    urls+=" detail=$BASE/activities/4242"
    EXTRA_NAME=liaison EXTRA_PID=$SERVER EXTRA_HEADER="Cookie: liaison_session=$SESSION" EXTRA_URLS="$urls" \
        SYSTEMS="${SYSTEMS:-django limit}" bash ../shared/bench/peers/run_all.sh | tee "$WORK/peers.md" \
        || log "the peers' script ended with an error (a peer's optional file missing); measured what it could"
    echo
    echo "## Liaison's throughput as a share of each peer's, same sitting"
    echo
    awk -F'|' '
        NF > 5 && $4 ~ /^ *[0-9.]+ *$/ {
            who = $2; page = $3; gsub(/ /, "", who); gsub(/ /, "", page)
            rps[who, page] = $4 + 0; p99[who, page] = $6 + 0
            if (who == "liaison") pages[++n] = page
        }
        END {
            print "| page | Liaison req/s | p99 ms | limit req/s | Liaison / limit | ≥ 50 % | Django req/s | Liaison / Django |"
            print "|---|---:|---:|---:|---:|---|---:|---:|"
            for (i = 1; i <= n; i++) {
                page = pages[i]; ours = rps["liaison", page]
                limit = rps["limit", page]; django = rps["django", page]
                printf "| %s | %.0f | %.1f | %s | %s | %s | %s | %s |\n", page, ours, p99["liaison", page],
                    limit ? sprintf("%.0f", limit) : "-", limit ? sprintf("%.0f %%", 100 * ours / limit) : "-",
                    limit ? (ours >= limit / 2 ? "met" : "**MISSED**") : "-",
                    django ? sprintf("%.0f", django) : "-", django ? sprintf("%.1f×", ours / django) : "-"
            }
        }' "$WORK/peers.md"
fi
