#!/usr/bin/env bash
# Recommendations: with PEOPLE demo people on SQLite (45,000 gives about 20,000 mentors with
# places), GET /api/v1/me/recommendations?limit=10 for a mentee must answer with p99 <= 10 ms.
#
# Builds (or uses LODESTAR_BIN), generates the demo into a temporary database, serves it on
# 127.0.0.1:PORT, logs in as the demo mentee, waits until the background cohort match has
# priced the mentors (`spread_by_demand`), then runs wrk RUNS times per connection count and
# prints the medians. Only 127.0.0.1 is contacted. Needs wrk and curl.
#
#   bench/recommendations.sh
#   PEOPLE=10000 RUNS=1 bench/recommendations.sh     # quicker
set -euo pipefail

PEOPLE=${PEOPLE:-45000}
PORT=${PORT:-18191}
CONNS=${CONNS:-"1 8 16"}
RUNS=${RUNS:-3}
DURATION=${DURATION:-15s}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BASE="http://127.0.0.1:$PORT"
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-/tmp/bench-target}

for tool in wrk curl; do
    command -v "$tool" >/dev/null || { echo "needs $tool: apt-get install -y $tool" >&2; exit 1; }
done
if [[ -z "${LODESTAR_BIN:-}" ]]; then
    echo "== building (release, CARGO_TARGET_DIR=$CARGO_TARGET_DIR)"
    (cd "$ROOT" && timeout 1200 cargo build --release -p lodestar --quiet)
    LODESTAR_BIN=$CARGO_TARGET_DIR/release/lodestar
fi
if curl -s -o /dev/null --max-time 1 "$BASE/healthz"; then
    echo "something already listens on 127.0.0.1:$PORT; set PORT=..." >&2; exit 1
fi

WORK=$(mktemp -d /tmp/lodestar-reco-bench.XXXXXX)
DB="sqlite://$WORK/bench.db"
SERVER_PID=
cleanup() {
    if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

echo "== machine: $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== generating $PEOPLE demo people"
timeout 900 "$LODESTAR_BIN" --log warn --database-url "$DB" demo --people "$PEOPLE" >"$WORK/demo.out" 2>/dev/null
head -1 "$WORK/demo.out"
PASSWORD=$(sed -n 's/.*with the password \(.*\):$/\1/p' "$WORK/demo.out")
EMAIL=$(awk '$1 == "mentee" {print $2}' "$WORK/demo.out")

"$LODESTAR_BIN" --log warn --database-url "$DB" serve --bind "127.0.0.1:$PORT" --public-url "$BASE" >"$WORK/serve.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do
    curl -s -o /dev/null --max-time 1 "$BASE/healthz" && break
    sleep 0.2
done
TOKEN=$(curl -s --max-time 10 -X POST "$BASE/api/v1/auth/login" -H 'content-type: application/json' \
    -d "{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\"}" | sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
[[ -n "$TOKEN" ]] || { echo "login as $EMAIL failed" >&2; exit 1; }
export LODESTAR_TOKEN=$TOKEN
URL="$BASE/api/v1/me/recommendations?limit=10"

echo "== first request (reads the cohort), then waiting for the mentors' prices"
start=$(date +%s.%N)
curl -s -o "$WORK/first.json" --max-time 120 -H "Authorization: Bearer $TOKEN" "$URL"
echo "   first answer after $(echo "$(date +%s.%N) - $start" | bc) s"
for _ in $(seq 1 600); do
    curl -s -o "$WORK/probe.json" --max-time 30 -H "Authorization: Bearer $TOKEN" "$URL"
    grep -q '"spread_by_demand":true' "$WORK/probe.json" && break
    sleep 1
done
grep -q '"spread_by_demand":true' "$WORK/probe.json" || { echo "prices never arrived" >&2; exit 1; }
echo "   priced after $(echo "$(date +%s.%N) - $start" | bc) s; $(grep -o '"name"' "$WORK/probe.json" | wc -l) mentors in the answer"
timeout 60 wrk -t1 -c8 -d3s -s "$ROOT/bench/auth.lua" "$URL" >/dev/null

RESULTS="$WORK/results.txt"
for c in $CONNS; do
    for run in $(seq 1 "$RUNS"); do
        line=$(timeout 120 wrk -t1 -c"$c" -d"$DURATION" --latency -s "$ROOT/bench/auth.lua" "$URL" | grep '^RESULT')
        echo "c=$c run=$run ${line#RESULT } load1=$(cut -d' ' -f1 /proc/loadavg)" | tee -a "$RESULTS"
    done
done

echo
echo "== summary (median of $RUNS runs; target p99 <= 10 ms)"
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p"; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
printf '%5s %10s %9s %9s  %s\n' conns 'req/s' 'p50 ms' 'p99 ms' verdict
for c in $CONNS; do
    rows=$(grep "^c=$c " "$RESULTS")
    rps=$(field rps <<<"$rows" | median); p50=$(field p50_ms <<<"$rows" | median); p99=$(field p99_ms <<<"$rows" | median)
    printf '%5s %10.0f %9.2f %9.2f  %s\n' "$c" "$rps" "$p50" "$p99" "$(awk -v p="$p99" 'BEGIN {print (p <= 10 ? "MET" : "MISSED")}')"
done
