#!/usr/bin/env bash
# Issue 9's page target: with the demo organisation of PEOPLE people (10,000 by default: about
# 5,000 running mentorships and 70,000 sessions, counted and printed), the dashboard and a
# mentorship page of the demo mentor answer at p99 < 20 ms.
#
# End to end: build, generate the demo into a fresh temporary SQLite database, start
# `lodestar serve` on 127.0.0.1:PORT, sign in as the demo mentor through the log-in form,
# warm up, run wrk RUNS times per page and connection count, print the medians, stop the server
# and delete the database. Only 127.0.0.1 is contacted. Needs wrk, curl, sqlite3 and bc.
#
#   bench/lifecycle.sh
#   RUNS=1 DURATION=5s bench/lifecycle.sh            # quicker
#   LODESTAR_BIN=/path/to/lodestar bench/lifecycle.sh # skip the build
set -euo pipefail

PEOPLE=${PEOPLE:-10000}
PORT=${PORT:-18191}
CONNS=${CONNS:-"1 8"}
RUNS=${RUNS:-3}
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-3s}
TARGET_P99_MS=${TARGET_P99_MS:-20}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-/tmp/bench-target}

for tool in wrk curl sqlite3 bc; do
    command -v "$tool" >/dev/null || { echo "needs $tool: apt-get install -y $tool" >&2; exit 1; }
done
if [[ -z "${LODESTAR_BIN:-}" ]]; then
    echo "== building (release, CARGO_TARGET_DIR=$CARGO_TARGET_DIR)"
    (cd "$ROOT" && timeout 1200 cargo build --release -p lodestar --quiet)
    LODESTAR_BIN=$CARGO_TARGET_DIR/release/lodestar
fi
URL="http://127.0.0.1:$PORT"
if curl -s -o /dev/null --max-time 1 "$URL/healthz"; then
    echo "something already listens on 127.0.0.1:$PORT; set PORT=..." >&2; exit 1
fi

WORK=$(mktemp -d /tmp/lodestar-lifecycle-bench.XXXXXX)
SERVER_PID=
cleanup() {
    if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

echo "== machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
DB="$WORK/bench.db"
echo "== generating $PEOPLE demo people into $DB"
timeout 900 "$LODESTAR_BIN" --log warn --database-url "sqlite://$DB" demo --people "$PEOPLE" >"$WORK/demo.out" 2>"$WORK/demo.err" \
    || { tail -5 "$WORK/demo.err"; exit 1; }
head -2 "$WORK/demo.out"
sqlite3 "$DB" "SELECT '   running mentorships: ' || COUNT(*) FROM mentorships WHERE state IN ('active', 'paused');
               SELECT '   sessions: ' || COUNT(*) FROM meetings;"
PASSWORD=$(sed -n 's/.*with the password \(.*\):$/\1/p' "$WORK/demo.out")
EMAIL=$(awk '$1 == "mentor" && $2 ~ /@/ { print $2 }' "$WORK/demo.out")
MENTORSHIP=$(sqlite3 "$DB" "SELECT mm.mentorship_id FROM mentorship_members mm JOIN persons p ON p.id = mm.person_id
    JOIN mentorships m ON m.id = mm.mentorship_id WHERE p.email = '$EMAIL' AND m.state = 'active' LIMIT 1")

echo "== starting lodestar serve on 127.0.0.1:$PORT"
"$LODESTAR_BIN" --log warn --database-url "sqlite://$DB" serve --bind "127.0.0.1:$PORT" --public-url "$URL" \
    >"$WORK/serve.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do
    curl -s -o /dev/null --max-time 1 "$URL/healthz" && break
    kill -0 "$SERVER_PID" 2>/dev/null || { tail -5 "$WORK/serve.log"; exit 1; }
    sleep 0.2
done

# Sign in as a browser does: the form's token comes with a cookie, both go back with the form.
JAR="$WORK/cookies"
CSRF=$(curl -s -c "$JAR" "$URL/login" | sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' | head -1)
curl -s -o /dev/null -b "$JAR" -c "$JAR" -X POST "$URL/login" \
    --data-urlencode "_csrf=$CSRF" --data-urlencode "email=$EMAIL" --data-urlencode "password=$PASSWORD" \
    --data-urlencode "next=/dashboard"
COOKIE=$(awk '$6 ~ /session/ { print $6 "=" $7 }' "$JAR" | tail -1)
[[ -n "$COOKIE" ]] || { echo "signing in as $EMAIL failed" >&2; exit 1; }
echo "   signed in as the demo mentor $EMAIL"

PAGES=("/dashboard" "/mentorships/$MENTORSHIP")
for path in "${PAGES[@]}"; do
    code=$(curl -s -o "$WORK/probe.html" -w '%{http_code}' -H "Cookie: $COOKIE" "$URL$path")
    [[ "$code" == 200 ]] || { echo "GET $path answered $code" >&2; exit 1; }
    echo "   GET $path -> 200, $(wc -c <"$WORK/probe.html") bytes"
    LODESTAR_COOKIE=$COOKIE timeout 60 wrk -t1 -c8 -d"$WARMUP" -s "$ROOT/bench/auth.lua" "$URL$path" >/dev/null
done

RESULTS="$WORK/results.txt"
: >"$RESULTS"
echo "== wrk -t1 -d$DURATION --latency, $RUNS runs per page and connection count"
for path in "${PAGES[@]}"; do
    name=${path%%/[0-9a-f]*-*}
    for c in $CONNS; do
        for run in $(seq 1 "$RUNS"); do
            line=$(LODESTAR_COOKIE=$COOKIE timeout 120 wrk -t1 -c"$c" -d"$DURATION" --latency \
                -s "$ROOT/bench/auth.lua" "$URL$path" | grep '^RESULT')
            echo "$name c=$c run=$run ${line#RESULT } load1=$(cut -d' ' -f1 /proc/loadavg)" | tee -a "$RESULTS"
        done
    done
done

echo "== medians over $RUNS runs (target p99 < $TARGET_P99_MS ms)"
status=0
for path in "${PAGES[@]}"; do
    name=${path%%/[0-9a-f]*-*}
    for c in $CONNS; do
        median() { grep "^$name c=$c " "$RESULTS" | sed -n "s/.* $1=\([0-9.]*\).*/\1/p" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
        rps=$(median rps); p50=$(median p50_ms); p99=$(median p99_ms)
        bad=$(grep "^$name c=$c " "$RESULTS" | sed -n 's/.* non2xx=\([0-9]*\).*/\1/p' | paste -sd+ | bc)
        verdict=OK
        (( $(echo "$p99 < $TARGET_P99_MS" | bc) )) || { verdict=MISSED; status=1; }
        (( bad == 0 )) || { verdict="FAILED ($bad answers not 200)"; status=1; }
        printf '%-14s c=%-3s rps=%-6s p50=%-7s p99=%-7s %s\n' "$name" "$c" "$rps" "$p50" "$p99" "$verdict"
    done
done
exit $status
