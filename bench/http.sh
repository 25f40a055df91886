#!/usr/bin/env bash
# Target (b): with PEOPLE demo people on SQLite, GET /api/v1/people?skill=SKILL&role=mentor and
# GET /api/v1/me must each sustain >= 5,000 requests/s with p99 < 10 ms.
#
# End to end: build, generate the demo organisation into a fresh temporary database, start
# `lodestar serve` on 127.0.0.1:PORT, log in as the demo admin, warm up, run wrk RUNS times per
# endpoint and connection count, print the medians, stop the server and delete the database.
# Only 127.0.0.1 is contacted. Needs wrk, curl and sqlite3 (apt-get install -y wrk curl sqlite3).
#
#   bench/http.sh
#   CONNS="16" RUNS=1 DURATION=10s bench/http.sh          # quicker
#   LODESTAR_BIN=/path/to/lodestar bench/http.sh           # skip the build
#   LODESTAR_LOG=warn bench/http.sh                        # server log level (default: info, as shipped)
set -euo pipefail

PEOPLE=${PEOPLE:-10000}
PORT=${PORT:-18181}
SKILL=${SKILL:-python}
CONNS=${CONNS:-"8 16 32"}
RUNS=${RUNS:-3}
DURATION=${DURATION:-15s}
THREADS=${THREADS:-1}
WARMUP=${WARMUP:-3s}
SERVER_LOG_LEVEL=${LODESTAR_LOG:-info}
TARGET_RPS=${TARGET_RPS:-5000}
TARGET_P99_MS=${TARGET_P99_MS:-10}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BASE="http://127.0.0.1:$PORT"
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-/tmp/bench-target}

for tool in wrk curl sqlite3; do
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

WORK=$(mktemp -d /tmp/lodestar-http-bench.XXXXXX)
DB="sqlite://$WORK/bench.db"
SERVER_PID=
cleanup() {
    if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

echo "== machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== generating $PEOPLE demo people into $WORK/bench.db"
timeout 600 "$LODESTAR_BIN" --log warn --database-url "$DB" demo --people "$PEOPLE" >"$WORK/demo.out" 2>"$WORK/demo.err" \
    || { grep -v 'slow statement' "$WORK/demo.err" | cut -c1-300 | tail -5; exit 1; }
head -1 "$WORK/demo.out"
PASSWORD=$(sed -n 's/.*with the password \(.*\):$/\1/p' "$WORK/demo.out")
EMAIL=admin@demo.lodestar.test

echo "== starting lodestar serve on 127.0.0.1:$PORT (log level $SERVER_LOG_LEVEL, to $WORK/serve.log)"
"$LODESTAR_BIN" --log "$SERVER_LOG_LEVEL" --database-url "$DB" serve --bind "127.0.0.1:$PORT" \
    --public-url "$BASE" >"$WORK/serve.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do
    curl -s -o /dev/null --max-time 1 "$BASE/healthz" && break
    kill -0 "$SERVER_PID" 2>/dev/null || { tail -5 "$WORK/serve.log"; exit 1; }
    sleep 0.2
done

LOGIN=$(curl -s --max-time 10 -X POST "$BASE/api/v1/auth/login" -H 'content-type: application/json' \
    -d "{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\"}")
TOKEN=$(printf '%s' "$LOGIN" | sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
[[ -n "$TOKEN" ]] || { echo "login failed: $LOGIN" >&2; exit 1; }
export LODESTAR_TOKEN=$TOKEN

PEOPLE_URL="$BASE/api/v1/people?skill=$SKILL&role=mentor"
ME_URL="$BASE/api/v1/me"
for url in "$PEOPLE_URL" "$ME_URL"; do
    code=$(curl -s -o "$WORK/probe.json" -w '%{http_code}' --max-time 10 -H "Authorization: Bearer $TOKEN" "$url")
    [[ "$code" == 200 ]] || { echo "GET $url answered $code: $(head -c 300 "$WORK/probe.json")" >&2; exit 1; }
    printf '   GET %s -> 200, %s bytes' "${url#"$BASE"}" "$(wc -c <"$WORK/probe.json")"
    total=$(sed -n 's/^{"total":\([0-9]*\),.*/\1/p' "$WORK/probe.json")
    [[ -n "$total" ]] && printf ', total=%s matches' "$total"
    echo
done

echo "== warm-up ($WARMUP per endpoint)"
for url in "$PEOPLE_URL" "$ME_URL"; do
    timeout 60 wrk -t"$THREADS" -c16 -d"$WARMUP" -s "$ROOT/bench/auth.lua" "$url" >/dev/null
done

server_cpu_ticks() { awk '{print $14 + $15}' "/proc/$SERVER_PID/stat"; }
HZ=$(getconf CLK_TCK)
RESULTS="$WORK/results.txt"
: >"$RESULTS"
echo "== wrk -t$THREADS -d$DURATION --latency, $RUNS runs per endpoint and connection count"
for name in people me; do
    url=$PEOPLE_URL; [[ $name == me ]] && url=$ME_URL
    for c in $CONNS; do
        for run in $(seq 1 "$RUNS"); do
            before=$(server_cpu_ticks); start=$(date +%s.%N)
            line=$(timeout 120 wrk -t"$THREADS" -c"$c" -d"$DURATION" --latency -s "$ROOT/bench/auth.lua" "$url" | grep '^RESULT')
            elapsed=$(echo "$(date +%s.%N) - $start" | bc)
            cpu=$(echo "scale=0; ($(server_cpu_ticks) - $before) * 100 / $HZ / $elapsed" | bc)
            load=$(cut -d' ' -f1 /proc/loadavg)
            echo "$name c=$c run=$run ${line#RESULT } server_cpu=${cpu}% load1=$load" | tee -a "$RESULTS"
        done
    done
done

kill "$SERVER_PID" 2>/dev/null || true
wait "$SERVER_PID" 2>/dev/null || true
SERVER_PID=

echo
echo "== summary (median of $RUNS runs; target >= $TARGET_RPS req/s and p99 < $TARGET_P99_MS ms)"
printf '%-8s %5s %10s %9s %9s %8s %9s  %s\n' endpoint conns 'req/s' 'p50 ms' 'p99 ms' 'non2xx' 'srv cpu' verdict
field() { sed -n "s/.* $1=\([^ %]*\).*/\1/p"; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
for name in people me; do
    for c in $CONNS; do
        rows=$(grep "^$name c=$c " "$RESULTS")
        rps=$(field rps <<<"$rows" | median)
        p50=$(field p50_ms <<<"$rows" | median)
        p99=$(field p99_ms <<<"$rows" | median)
        bad=$(field non2xx <<<"$rows" | awk '{s+=$1} END {print s}')
        cpu=$(field server_cpu <<<"$rows" | median)
        verdict=$(awk -v r="$rps" -v p="$p99" -v tr="$TARGET_RPS" -v tp="$TARGET_P99_MS" -v b="$bad" \
            'BEGIN {print (r >= tr && p < tp && b == 0 ? "MET" : "MISSED")}')
        printf '%-8s %5s %10.0f %9.2f %9.2f %8s %8s%%  %s\n' "$name" "$c" "$rps" "$p50" "$p99" "$bad" "$cpu" "$verdict"
    done
done
