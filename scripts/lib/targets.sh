# The benchmarks' verdicts on the targets of docs/BENCHMARKS.md, sourced by scripts/bench.sh and
# scripts/bench-writes.sh so that both print them alike.

# The heading of a run's targets: they are set for the release build at 100,000 activities, and
# a run of another kind or size shows them for the record only. Reads MODE and ACTIVITIES.
targets_heading() {
    echo
    if [[ $MODE == smoke || $ACTIVITIES != 100000 ]]; then
        echo "### Targets (set for the release build at 100,000 activities; shown here for the record)"
    else
        echo "### Targets"
    fi
    echo
}

# "met" when the awk condition $1 holds, else "**MISSED**".
verdict() { if awk "BEGIN { exit !($1) }"; then echo "met"; else echo "**MISSED**"; fi; }
