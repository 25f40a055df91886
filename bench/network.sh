#!/usr/bin/env bash
# Issue 12's targets: "who can introduce me" (`GET /api/v1/me/paths`) answers at p99 < 50 ms
# with 100,000 people and about 1,000,000 connections, and "For you"
# (`GET /api/v1/me/opportunities`) at p99 < 20 ms with 50,000 open opportunities.
#
# End to end: build, generate the demo organisation of PEOPLE people (100,000 by default,
# about ten connections each, clustered by organisation and industry) with OPPORTUNITIES
# opportunities (50,000) into a fresh database (SQLite, or with DATABASE=postgres a database
# of its own on POSTGRES_URL's server, dropped afterwards), and print the counts. Start
# `lodestar serve` on 127.0.0.1:PORT, sign in as the demo mentee through
# POST /api/v1/auth/login, warm up (the first query reads the network and the board into
# memory), run wrk RUNS times per route and connection count, print the medians with the
# load average, stop the server and delete the database. Only 127.0.0.1 is contacted. Needs
# wrk, curl, sqlite3 (or psql) and bc.
#
#   bench/network.sh
#   DATABASE=postgres bench/network.sh
#   PEOPLE=10000 OPPORTUNITIES=5000 RUNS=1 DURATION=5s bench/network.sh   # quicker
#   LODESTAR_BIN=/path/to/lodestar bench/network.sh                       # skip the build
set -euo pipefail

PEOPLE=${PEOPLE:-100000}
OPPORTUNITIES=${OPPORTUNITIES:-50000}
PORT=${PORT:-18252}
PATHS_P99_MS=${PATHS_P99_MS:-50}
FOR_YOU_P99_MS=${FOR_YOU_P99_MS:-20}
SETTLE=${SETTLE:-20}
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

bench_setup network wrk curl bc
bench_build
bench_database
bench_machine
bench_demo "$PEOPLE" --opportunities "$OPPORTUNITIES"
PASSWORD=$(sed -n 's/.*with the password \(.*\):$/\1/p' "$WORK/demo.out")
EMAIL=$(awk '$1 == "mentee" && $2 ~ /@/ { print $2 }' "$WORK/demo.out")
[[ -n "$EMAIL" && -n "$PASSWORD" ]] || { echo "no mentee login in the demo's output" >&2; cat "$WORK/demo.out" >&2; exit 1; }
MENTEE=$(bench_sql "SELECT id FROM persons WHERE email = '$EMAIL'")
bench_sql "SELECT '   people: ' || COUNT(*) FROM persons;
           SELECT '   accepted connections: ' || COUNT(*) FROM connections WHERE state = 'accepted';
           SELECT '   the mentee''s connections: ' || COUNT(*) FROM connections
             WHERE state = 'accepted' AND (low_id = '$MENTEE' OR high_id = '$MENTEE');
           SELECT '   open opportunities: ' || COUNT(*) FROM opportunities WHERE state = 'open';"

echo "== starting lodestar serve on 127.0.0.1:$PORT"
bench_serve
echo "   letting the start-up work settle for ${SETTLE}s"
sleep "$SETTLE"
TOKEN=$(curl -s -X POST -H 'Content-Type: application/json' \
    -d "{\"email\": \"$EMAIL\", \"password\": \"$PASSWORD\"}" "$URL/api/v1/auth/login" |
    sed -n 's/.*"token" *: *"\([^"]*\)".*/\1/p')
[[ -n "$TOKEN" ]] || { echo "POST /api/v1/auth/login as $EMAIL gave no token" >&2; exit 1; }
echo "   signed in as the demo mentee $EMAIL ($MENTEE)"
export LODESTAR_TOKEN=$TOKEN LODESTAR_COOKIE=

# Three kinds of query: an industry (thousands match), a skill at a level, an organisation.
PATHS=("paths-industry=/api/v1/me/paths?industry=Energy"
       "paths-skill=/api/v1/me/paths?skill=risk-management&min_level=3"
       "paths-org=/api/v1/me/paths?organisation=Castell+Energy")
FOR_YOU=("for-you=/api/v1/me/opportunities")
for query in "${PATHS[@]}" "${FOR_YOU[@]}"; do
    started=$(date +%s.%N)
    bench_probe "${query#*=}"
    echo "   GET ${query#*=} -> 200, $(grep -o '"target"' "$WORK/probe.out" | wc -l) paths /" \
        "$(grep -o '"reasons"' "$WORK/probe.out" | wc -l) opportunities," \
        "first answer and warm-up in $(echo "$(date +%s.%N) - $started" | bc | cut -c1-5) s"
done
bench_wrk "${PATHS[@]}"
mv "$WORK/results.txt" "$WORK/results-paths.txt"
bench_wrk "${FOR_YOU[@]}"
mv "$WORK/results.txt" "$WORK/results-for-you.txt"
status=0
cp "$WORK/results-paths.txt" "$WORK/results.txt"
bench_summary "$PATHS_P99_MS" "${PATHS[@]%%=*}" || status=1
cp "$WORK/results-for-you.txt" "$WORK/results.txt"
bench_summary "$FOR_YOU_P99_MS" "${FOR_YOU[@]%%=*}" || status=1
exit $status
