#!/usr/bin/env bash
# Issue 11's growth target: for a mentee with two years of weekly check-ins, at 10,000
# people, the progress page and the career gap answer at p99 < 20 ms: the page
# `/people/{id}/progress` (HTML with SVG charts), the API `GET /api/v1/people/{id}/progress`
# and `GET /api/v1/me/career/gap` (the demo mentee's path to their target role).
#
# End to end: build, generate the demo organisation of PEOPLE people (10,000 by default)
# into a fresh database (SQLite, or with DATABASE=postgres a database of its own on
# POSTGRES_URL's server, dropped afterwards). The demo mentee keeps about 100 weekly
# check-ins over two years and six goals (crates/lodestar-app/src/demo/growth.rs); their
# counts, and the demo's totals, are printed. Start `lodestar serve` on 127.0.0.1:PORT, sign
# in as the demo mentee through the log-in form (for the page) and through
# POST /api/v1/auth/login (a bearer token, for the API), warm up, run wrk RUNS times per
# route and connection count, print the medians with the load average, stop the server and
# delete the database. Only 127.0.0.1 is contacted. Needs wrk, curl, sqlite3 (or psql) and
# bc.
#
#   bench/growth.sh
#   DATABASE=postgres bench/growth.sh                 # on postgres://postgres@127.0.0.1:5432/test's server
#   RUNS=1 DURATION=5s bench/growth.sh               # quicker
#   LODESTAR_BIN=/path/to/lodestar bench/growth.sh   # skip the build
set -euo pipefail

PEOPLE=${PEOPLE:-10000}
PORT=${PORT:-18251}
TARGET_P99_MS=${TARGET_P99_MS:-20}
SETTLE=${SETTLE:-20}
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

bench_setup growth wrk curl bc
bench_build
bench_database
bench_machine
bench_demo "$PEOPLE"
PASSWORD=$(sed -n 's/.*with the password \(.*\):$/\1/p' "$WORK/demo.out")
EMAIL=$(awk '$1 == "mentee" && $2 ~ /@/ { print $2 }' "$WORK/demo.out")
[[ -n "$EMAIL" && -n "$PASSWORD" ]] || { echo "no mentee login in the demo's output" >&2; cat "$WORK/demo.out" >&2; exit 1; }
MENTEE=$(bench_sql "SELECT id FROM persons WHERE email = '$EMAIL'")
bench_sql "SELECT '   the demo mentee''s check-ins: ' || COUNT(*) || ' over ' || COALESCE((MAX(created_at) - MIN(created_at)) / 86400000, 0) || ' days'
             FROM check_ins WHERE person_id = '$MENTEE';
           SELECT '   the demo mentee''s goals: ' || COUNT(*) FROM goals WHERE owner_id = '$MENTEE';
           SELECT '   check-ins in the demo: ' || COUNT(*) FROM check_ins;
           SELECT '   goals in the demo: ' || COUNT(*) FROM goals;"

echo "== starting lodestar serve on 127.0.0.1:$PORT"
bench_serve
# Let the server's start-up work end before measuring: the first rounds of its periodic
# work run at start (housekeeping's planner refresh, the lifecycle's reminders and checks),
# and on PostgreSQL they stall requests measured meanwhile by up to 100 ms.
echo "   letting the start-up work settle for ${SETTLE}s"
sleep "$SETTLE"

# Sign in as a browser does: the form's token comes with a cookie, both go back with the form.
JAR="$WORK/cookies"
CSRF=$(curl -s -c "$JAR" "$URL/login" | sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' | head -1)
curl -s -o /dev/null -b "$JAR" -c "$JAR" -X POST "$URL/login" \
    --data-urlencode "_csrf=$CSRF" --data-urlencode "email=$EMAIL" --data-urlencode "password=$PASSWORD" \
    --data-urlencode "next=/dashboard"
COOKIE=$(awk '$6 ~ /session/ { print $6 "=" $7 }' "$JAR" | tail -1)
[[ -n "$COOKIE" ]] || { echo "signing in as $EMAIL failed" >&2; exit 1; }
# And as an API client: a bearer token.
TOKEN=$(curl -s -X POST -H 'Content-Type: application/json' \
    -d "{\"email\": \"$EMAIL\", \"password\": \"$PASSWORD\"}" "$URL/api/v1/auth/login" |
    sed -n 's/.*"token" *: *"\([^"]*\)".*/\1/p')
[[ -n "$TOKEN" ]] || { echo "POST /api/v1/auth/login as $EMAIL gave no token" >&2; exit 1; }
echo "   signed in as the demo mentee $EMAIL ($MENTEE)"

# Each route with its credentials: the page with the cookie, the API with the token
# (bench/auth.lua sends the token when LODESTAR_TOKEN is set, else the cookie).
PAGES=("progress-page=/people/$MENTEE/progress")
QUERIES=("progress-api=/api/v1/people/$MENTEE/progress" "career-gap=/api/v1/me/career/gap")
export LODESTAR_COOKIE=$COOKIE LODESTAR_TOKEN=
for page in "${PAGES[@]}"; do
    bench_probe "${page#*=}"
    echo "   GET ${page#*=} -> 200, $(wc -c <"$WORK/probe.out") bytes, $(grep -o '<svg' "$WORK/probe.out" | wc -l) SVG charts"
done
bench_wrk "${PAGES[@]}"
mv "$WORK/results.txt" "$WORK/results-pages.txt"
export LODESTAR_TOKEN=$TOKEN
for query in "${QUERIES[@]}"; do
    bench_probe "${query#*=}"
    echo "   GET ${query#*=} -> 200, $(wc -c <"$WORK/probe.out") bytes," \
        "$(grep -o '"date" *: *"' "$WORK/probe.out" | wc -l) points on the confidence chart"
done
bench_wrk "${QUERIES[@]}"
cat "$WORK/results-pages.txt" "$WORK/results.txt" >"$WORK/results-all.txt"
mv "$WORK/results-all.txt" "$WORK/results.txt"
bench_summary "$TARGET_P99_MS" "${PAGES[@]%%=*}" "${QUERIES[@]%%=*}"
