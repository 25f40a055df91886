#!/usr/bin/env bash
# Live updates (issue 10): 2,000 open event streams on one process stay under 150 MB, and an
# event caused at 200 a second reaches the open stream of the person it is for at p99 under
# 50 ms.
#
# End to end: build the release binary and the load generator
# (crates/lodestar-app/examples/live_load.rs), generate the demo organisation of PEOPLE people
# into a fresh database, start `lodestar serve` on 127.0.0.1:PORT, then RUNS times: open
# STREAMS streams of GET /api/v1/me/events (one per person, bearer tokens minted in the
# database, no password hashing), sample the server's RSS, cause RATE events a second for
# SECONDS seconds through the API and time each from its request to its arrival on the
# stream. Between runs the server is restarted (a fresh process, the same database). Only
# 127.0.0.1 is contacted; the database is deleted afterwards.
#
#   bench/live.sh                                   # SQLite, notifications
#   RUNS=1 SECONDS_PER_RUN=10 bench/live.sh         # quicker
#   KIND=message bench/live.sh                      # once threads exist: messages instead
#   DATABASE=postgres LODESTAR_TEST_DATABASE_URL=postgres://…/scratch bench/live.sh
#                                                   # empties that database's public schema
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
DATABASE=${DATABASE:-sqlite}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-/tmp/bench-target}

command -v curl >/dev/null || { echo "needs curl" >&2; exit 1; }
if [[ -z "${LODESTAR_BIN:-}" || -z "${LIVE_LOAD_BIN:-}" ]]; then
    echo "== building (release, CARGO_TARGET_DIR=$CARGO_TARGET_DIR)"
    (cd "$ROOT" && timeout 3600 cargo build --release --quiet -p lodestar -p lodestar-app \
        --bin lodestar --example live_load)
    LODESTAR_BIN=$CARGO_TARGET_DIR/release/lodestar
    LIVE_LOAD_BIN=$CARGO_TARGET_DIR/release/examples/live_load
fi
URL="http://127.0.0.1:$PORT"
if curl -s -o /dev/null --max-time 1 "$URL/healthz"; then
    echo "something already listens on 127.0.0.1:$PORT; set PORT=..." >&2; exit 1
fi
NEEDED_FILES=$((STREAMS + 1000))
if (( $(ulimit -n) < NEEDED_FILES )); then
    ulimit -n "$NEEDED_FILES" 2>/dev/null || { echo "ulimit -n must be at least $NEEDED_FILES" >&2; exit 1; }
fi

WORK=$(mktemp -d /tmp/lodestar-live-bench.XXXXXX)
SERVER_PID=
stop_server() {
    if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    SERVER_PID=
}
cleanup() { stop_server; rm -rf "$WORK"; }
trap cleanup EXIT INT TERM

case "$DATABASE" in
    sqlite) DB_URL="sqlite://$WORK/bench.db" ;;
    postgres)
        DB_URL=${LODESTAR_TEST_DATABASE_URL:?set LODESTAR_TEST_DATABASE_URL for DATABASE=postgres}
        psql "$DB_URL" -q -c "DROP SCHEMA public CASCADE; CREATE SCHEMA public;" ;;
    *) echo "DATABASE is sqlite or postgres" >&2; exit 1 ;;
esac

echo "== machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== generating $PEOPLE demo people ($DATABASE)"
timeout 900 "$LODESTAR_BIN" --log warn --database-url "$DB_URL" demo --people "$PEOPLE" >"$WORK/demo.out" 2>"$WORK/demo.err" \
    || { tail -5 "$WORK/demo.err"; exit 1; }
head -2 "$WORK/demo.out"

start_server() {
    "$LODESTAR_BIN" --log warn --database-url "$DB_URL" serve --bind "127.0.0.1:$PORT" \
        --public-url "$URL" --data-dir "$WORK/data" >"$WORK/serve.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 1 150); do
        curl -s -o /dev/null --max-time 1 "$URL/healthz" && return 0
        kill -0 "$SERVER_PID" 2>/dev/null || { tail -5 "$WORK/serve.log"; exit 1; }
        sleep 0.2
    done
    echo "the server did not start" >&2; exit 1
}

for run in $(seq 1 "$RUNS"); do
    start_server
    echo "== run $run/$RUNS: $STREAMS streams, $RATE $KIND events/s for $SECONDS_PER_RUN s (load $(cut -d' ' -f1 /proc/loadavg))"
    timeout $((SECONDS_PER_RUN + 300)) "$LIVE_LOAD_BIN" --url "$URL" --database-url "$DB_URL" \
        --pid "$SERVER_PID" --streams "$STREAMS" --rate "$RATE" --seconds "$SECONDS_PER_RUN" \
        --kind "$KIND" $([[ "$EMAIL" == 1 ]] && echo --email) | tee "$WORK/run-$run.out"
    grep -q '^RESULT' "$WORK/run-$run.out" || { echo "run $run failed" >&2; tail -20 "$WORK/serve.log"; exit 1; }
    if grep -qiE 'panicked|error' "$WORK/serve.log"; then
        echo "--- server log ---"; grep -iE 'panicked|error' "$WORK/serve.log" | head -20
    fi
    stop_server
done

echo "== summary ($DATABASE, $KIND; median of $RUNS runs)"
python3 - "$WORK"/run-*.out <<'EOF'
import re, statistics, sys
runs = []
for path in sys.argv[1:]:
    for line in open(path):
        if line.startswith("RESULT"):
            runs.append(dict(kv.split("=") for kv in line.split()[1:]))
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
print("targets (RSS < 150 MB, p99 < 50 ms, nothing lost):", "met" if ok else "NOT met")
EOF
