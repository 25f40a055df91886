#!/usr/bin/env bash
# 10,000 anonymous page views must add 0 session rows.
#
# Starts a release `lodestar serve` on a fresh SQLite database on 127.0.0.1:PORT, counts the
# rows of the sessions table, sends REQUESTS anonymous GETs (a third each to /login, / and
# /register, several at a time) with curl, checks every answer was 200, counts again and
# prints the difference. Exit status 1 when any row was added or an answer was not 200.
# Only 127.0.0.1 is contacted. Needs curl and python3.
#
#   bench/anonymous_sessions.sh
#   REQUESTS=1000 bench/anonymous_sessions.sh
#   LODESTAR_BIN=/path/to/lodestar bench/anonymous_sessions.sh    # skip the build
set -euo pipefail

REQUESTS=${REQUESTS:-10000}
PARALLEL=${PARALLEL:-16}
PORT=${PORT:-18191}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-/tmp/bench-target}

for tool in curl python3; do
    command -v "$tool" >/dev/null || { echo "needs $tool" >&2; exit 1; }
done
if [[ -z "${LODESTAR_BIN:-}" ]]; then
    echo "== building (release, CARGO_TARGET_DIR=$CARGO_TARGET_DIR)"
    (cd "$ROOT" && timeout 1200 cargo build --release -p lodestar --quiet)
    LODESTAR_BIN=$CARGO_TARGET_DIR/release/lodestar
fi

WORK=$(mktemp -d)
SERVER_PID=
cleanup() {
    if [[ -n "$SERVER_PID" ]]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

DB=$WORK/anonymous.db
BASE=http://127.0.0.1:$PORT
echo "== serving a fresh database on $BASE"
LODESTAR_LOG=warn "$LODESTAR_BIN" --database-url "sqlite://$DB" serve --bind "127.0.0.1:$PORT" >"$WORK/server.out" 2>"$WORK/server.err" &
SERVER_PID=$!
for _ in $(seq 1 100); do
    curl -fsS "$BASE/healthz" >/dev/null 2>&1 && break
    sleep 0.1
done
curl -fsS "$BASE/healthz" >/dev/null || { echo "the server did not start:"; cat "$WORK/server.err"; exit 1; }

count_sessions() {
    python3 - "$DB" <<'PY'
import sqlite3, sys
con = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
print(con.execute("SELECT COUNT(*) FROM sessions").fetchone()[0])
PY
}

BEFORE=$(count_sessions)
echo "== session rows before: $BEFORE"

# One curl config line per request, the three pages in turn.
PAGES=(/login / /register)
for i in $(seq 0 $((REQUESTS - 1))); do
    echo "url = \"$BASE${PAGES[$((i % 3))]}\""
    echo "output = /dev/null"
done >"$WORK/urls"

echo "== $REQUESTS anonymous GETs of ${PAGES[*]} ($PARALLEL at a time)"
START=$(date +%s.%N)
curl --silent --no-progress-meter --parallel --parallel-max "$PARALLEL" --write-out '%{http_code}\n' --config "$WORK/urls" >"$WORK/codes" 2>/dev/null
END=$(date +%s.%N)
OK=$(grep -c '^200$' "$WORK/codes" || true)
SECONDS_TAKEN=$(python3 -c "print(f'{$END - $START:.1f}')")
echo "   $OK of $REQUESTS answered 200 in $SECONDS_TAKEN s"

AFTER=$(count_sessions)
ADDED=$((AFTER - BEFORE))
echo "== session rows after: $AFTER (added: $ADDED)"
if [[ "$ADDED" -ne 0 || "$OK" -ne "$REQUESTS" ]]; then
    echo "FAILED: anonymous page views must add no session rows and all be answered"
    exit 1
fi
echo "OK: $REQUESTS anonymous page views added 0 session rows"
