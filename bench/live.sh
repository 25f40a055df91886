#!/usr/bin/env bash
# Live updates (issue 10): 2,000 open event streams on one process stay under 150 MB, and an
# event caused at 200 a second reaches the open stream of the person it is for at p99 under
# 50 ms.
#
# End to end: build the release binary and the load generator
# (crates/lodestar-app/examples/live_load.rs), generate the demo organisation of PEOPLE people
# into a fresh database (SQLite, or with DATABASE=postgres a database of its own on
# POSTGRES_URL's server, dropped afterwards), start `lodestar serve` on 127.0.0.1:PORT, then
# RUNS times: open
# STREAMS streams of GET /api/v1/me/events (one per person, bearer tokens minted in the
# database, no password hashing), sample the server's RSS, cause RATE events a second for
# SECONDS seconds through the API and time each from its request to its arrival on the
# stream. Between runs the server is restarted (a fresh process, the same database). Only
# 127.0.0.1 is contacted; the database is deleted afterwards.
#
#   bench/live.sh                                   # SQLite, notifications
#   RUNS=1 SECONDS_PER_RUN=10 bench/live.sh         # quicker
#   KIND=message bench/live.sh                      # messages instead
#   DATABASE=postgres bench/live.sh                 # on postgres://postgres@127.0.0.1:5432/test's server
#   DATABASE=postgres POSTGRES_URL=postgres://user@host/db bench/live.sh
#
# KIND=notification pauses and resumes active demo mentorships as their mentor; the mentee's
# stream gets mentorship_paused / mentorship_resumed. KIND=message posts to each
# mentorship's thread (POST /api/v1/threads/{id}/messages) and waits for `message` events.
# Those two notices are not e-mailed (as a message is not at once) unless EMAIL=1.
set -euo pipefail

PEOPLE=${PEOPLE:-4000}
STREAMS=${STREAMS:-2000}
RATE=${RATE:-200}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-20}
RUNS=${RUNS:-3}
KIND=${KIND:-notification}
EMAIL=${EMAIL:-0}
PORT=${PORT:-18201}
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

bench_setup live curl python3
if [[ -z "${LODESTAR_BIN:-}" || -z "${LIVE_LOAD_BIN:-}" ]]; then
    EXAMPLE=live_load bench_build
    LIVE_LOAD_BIN=$CARGO_TARGET_DIR/release/examples/live_load
fi
NEEDED_FILES=$((STREAMS + 1000))
if (($(ulimit -n) < NEEDED_FILES)); then
    ulimit -n "$NEEDED_FILES" 2>/dev/null || { echo "ulimit -n must be at least $NEEDED_FILES" >&2; exit 1; }
fi
bench_database
bench_machine
bench_demo "$PEOPLE"
email=()
[[ "$EMAIL" == 1 ]] && email=(--email)

for run in $(seq 1 "$RUNS"); do
    bench_serve
    before=$(bench_load)
    echo "== run $run/$RUNS: $STREAMS streams, $RATE $KIND events/s for $SECONDS_PER_RUN s (load $before)"
    timeout $((SECONDS_PER_RUN + 300)) "$LIVE_LOAD_BIN" --url "$URL" --database-url "$DB_URL" \
        --pid "$SERVER_PID" --streams "$STREAMS" --rate "$RATE" --seconds "$SECONDS_PER_RUN" \
        --kind "$KIND" "${email[@]}" | tee "$WORK/run-$run.out"
    echo "LOAD before=$before after=$(bench_load)" | tee -a "$WORK/run-$run.out"
    grep -q '^RESULT' "$WORK/run-$run.out" || { echo "run $run failed" >&2; tail -20 "$WORK/serve.log"; exit 1; }
    if grep -qiE 'panicked|error' "$WORK/serve.log"; then
        echo "--- server log ---"; grep -iE 'panicked|error' "$WORK/serve.log" | head -20
    fi
    bench_stop
done

echo "== summary ($DATABASE, $KIND; median of $RUNS runs)"
python3 - "$WORK"/run-*.out <<'EOF'
import re, statistics, sys
runs, loads = [], []
for path in sys.argv[1:]:
    for line in open(path):
        if line.startswith("RESULT"):
            runs.append(dict(kv.split("=") for kv in line.split()[1:]))
        elif line.startswith("LOAD"):
            loads += [float(kv.split("=")[1]) for kv in line.split()[1:]]
def med(key):
    values = [float(r[key]) for r in runs if r[key] not in ("?", "nan")]
    return statistics.median(values) if values else float("nan")
for r in runs:
    print("   " + " ".join(f"{k}={v}" for k, v in r.items()))
print(f"streams {med('streams'):.0f}, RSS with them open {med('rss_open_mb'):.0f} MB ({med('anon_open_mb'):.0f} MB anonymous; "
      f"{med('rss_before_mb'):.0f} MB and {med('anon_before_mb'):.0f} MB before them), peak under load {med('rss_peak_mb'):.0f} MB "
      f"({med('anon_peak_mb'):.0f} MB anonymous), "
      f"{med('rate'):.0f} events/s, p50 {med('p50_ms'):.2f} ms, p90 {med('p90_ms'):.2f} ms, p99 {med('p99_ms'):.2f} ms, "
      f"max {med('max_ms'):.2f} ms, lost {med('lost'):.0f}, errors {med('errors'):.0f}; "
      f"the causing requests answered in p50 {med('answer_p50_ms'):.2f} ms, p99 {med('answer_p99_ms'):.2f} ms; "
      f"from the row's creation to the stream p50 {med('made_p50_ms'):.0f} ms, p99 {med('made_p99_ms'):.0f} ms")
ok = med('rss_open_mb') < 150 and med('rss_peak_mb') < 150 and med('p99_ms') < 50 and med('lost') == 0 and med('errors') == 0
print(f"1-minute load average around the runs: {min(loads):.2f}–{max(loads):.2f}")
print("targets (RSS < 150 MB, p99 < 50 ms, nothing lost):", "met" if ok else "NOT met")
EOF
