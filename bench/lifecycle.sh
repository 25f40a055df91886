#!/usr/bin/env bash
# Issue 9's page target: with the demo organisation of PEOPLE people (10,000 by default: about
# 5,000 running mentorships and 70,000 sessions, counted and printed), the dashboard and a
# mentorship page of the demo mentor answer at p99 < 20 ms.
#
# End to end: build, generate the demo into a fresh database (SQLite, or with
# DATABASE=postgres a database of its own on POSTGRES_URL's server, dropped afterwards),
# start `lodestar serve` on 127.0.0.1:PORT, sign in as the demo mentor through the log-in
# form, warm up, run wrk RUNS times per page and connection count, print the medians with the
# load average, stop the server and delete the database. Only 127.0.0.1 is contacted. Needs
# wrk, curl, sqlite3 (or psql) and bc.
#
#   bench/lifecycle.sh
#   RUNS=1 DURATION=5s bench/lifecycle.sh            # quicker
#   LODESTAR_BIN=/path/to/lodestar bench/lifecycle.sh # skip the build
set -euo pipefail

PEOPLE=${PEOPLE:-10000}
PORT=${PORT:-18191}
TARGET_P99_MS=${TARGET_P99_MS:-20}
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

bench_setup lifecycle wrk curl bc
bench_build
bench_database
bench_machine
bench_demo "$PEOPLE"
bench_sql "SELECT '   running mentorships: ' || COUNT(*) FROM mentorships WHERE state IN ('active', 'paused');
           SELECT '   sessions: ' || COUNT(*) FROM meetings;"
PASSWORD=$(sed -n 's/.*with the password \(.*\):$/\1/p' "$WORK/demo.out")
EMAIL=$(awk '$1 == "mentor" && $2 ~ /@/ { print $2 }' "$WORK/demo.out")
MENTORSHIP=$(bench_sql "SELECT mm.mentorship_id FROM mentorship_members mm JOIN persons p ON p.id = mm.person_id
    JOIN mentorships m ON m.id = mm.mentorship_id WHERE p.email = '$EMAIL' AND m.state = 'active' LIMIT 1")

echo "== starting lodestar serve on 127.0.0.1:$PORT"
bench_serve

# Sign in as a browser does: the form's token comes with a cookie, both go back with the form.
JAR="$WORK/cookies"
CSRF=$(curl -s -c "$JAR" "$URL/login" | sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' | head -1)
curl -s -o /dev/null -b "$JAR" -c "$JAR" -X POST "$URL/login" \
    --data-urlencode "_csrf=$CSRF" --data-urlencode "email=$EMAIL" --data-urlencode "password=$PASSWORD" \
    --data-urlencode "next=/dashboard"
LODESTAR_COOKIE=$(awk '$6 ~ /session/ { print $6 "=" $7 }' "$JAR" | tail -1)
[[ -n "$LODESTAR_COOKIE" ]] || { echo "signing in as $EMAIL failed" >&2; exit 1; }
export LODESTAR_COOKIE
echo "   signed in as the demo mentor $EMAIL"

PAGES=("dashboard=/dashboard" "mentorship=/mentorships/$MENTORSHIP")
for page in "${PAGES[@]}"; do
    bench_probe "${page#*=}"
    echo "   GET ${page#*=} -> 200, $(wc -c <"$WORK/probe.out") bytes"
done
bench_wrk "${PAGES[@]}"
bench_summary "$TARGET_P99_MS" "${PAGES[@]%%=*}"
