#!/usr/bin/env bash
# Issue 13's report target: a programme's report page answers at p99 < 50 ms for a programme
# of 20,000 people: the page `/programmes/{id}/report` (HTML with SVG charts), and the same
# report as JSON (`GET /api/v1/programmes/{id}/report`) and CSV (`…/report.csv`).
#
# End to end: build, generate the demo organisation of PEOPLE people (40,000 by default)
# into a fresh database (SQLite, or with DATABASE=postgres a database of its own on
# POSTGRES_URL's server, dropped afterwards). Start `lodestar serve` on 127.0.0.1:PORT, sign
# in as the demo admin, create a programme that started a year ago, and enrol MENTEES of the
# demo's mentees and MENTORS of its mentors in it, approved, each the way the programme's
# form reads (enrolments are written with SQL: the form's checks are not what is measured);
# the demo's mentorships of the enrolled mentees are counted as the programme's, so the
# report rests on the demo's two years of sessions, goals, check-ins, assessments, outcomes
# and ratings. Print what the report rests on and how long counting it took for the first
# answer, warm up, run wrk RUNS times per route and connection count, print the medians with
# the load average, stop the server and delete the database. Only 127.0.0.1 is contacted. Needs wrk, curl, jq, bc and sqlite3 (or psql).
#
#   bench/report.sh
#   DATABASE=postgres bench/report.sh
#   PEOPLE=8000 MENTEES=4000 MENTORS=1000 RUNS=1 DURATION=5s bench/report.sh   # quicker
#   LODESTAR_BIN=/path/to/lodestar bench/report.sh                              # skip the build
set -euo pipefail

PEOPLE=${PEOPLE:-40000}
MENTEES=${MENTEES:-16000}
MENTORS=${MENTORS:-4000}
PORT=${PORT:-18254}
TARGET_P99_MS=${TARGET_P99_MS:-50}
SETTLE=${SETTLE:-60}
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

bench_setup report wrk curl jq bc
bench_build
bench_database
bench_machine
bench_demo "$PEOPLE"
PASSWORD=$(sed -n 's/.*with the password \(.*\):$/\1/p' "$WORK/demo.out")
EMAIL=$(awk '$1 == "admin" && $2 ~ /@/ { print $2 }' "$WORK/demo.out")
[[ -n "$EMAIL" && -n "$PASSWORD" ]] || { echo "no admin login in the demo's output" >&2; exit 1; }

echo "== starting lodestar serve on 127.0.0.1:$PORT"
bench_serve
TOKEN=$(curl -s -X POST -H 'Content-Type: application/json' \
    -d "{\"email\": \"$EMAIL\", \"password\": \"$PASSWORD\"}" "$URL/api/v1/auth/login" | jq -r .token)
[[ -n "$TOKEN" && "$TOKEN" != null ]] || { echo "no token for $EMAIL" >&2; exit 1; }
api() { curl -s -X "$1" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' ${3:+-d "$3"} "$URL$2"; }

day() { date -u -d "$1 days" +%F; }
PROGRAMME=$(api POST /api/v1/programmes "{\"name\": \"Benchmark programme\", \"enrolment_opens\": \"$(day -400)\",
    \"enrolment_closes\": \"$(day -380)\", \"starts_on\": \"$(day -365)\", \"ends_on\": \"$(day 200)\",
    \"matching\": \"self_service\", \"purposes\": [\"career_development\"]}" | jq -r .id)
[[ -n "$PROGRAMME" && "$PROGRAMME" != null ]] || { echo "the programme was not created" >&2; exit 1; }

echo "== enrolling $MENTEES mentees and $MENTORS mentors"
if [[ "$DATABASE" == postgres ]]; then
    UUID="gen_random_uuid()::text"
else
    UUID="lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-7' || substr(hex(randomblob(2)), 2) || '-8' || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))"
fi
# The mentees with a mentorship first, so the programme has its share of the demo's history.
bench_sql "INSERT INTO programme_enrolments (id, programme_id, person_id, role, answers, state, created_at, updated_at)
           SELECT $UUID, '$PROGRAMME', id, 'mentee', '{}', 'approved', 0, 0 FROM
             (SELECT p.id FROM persons p WHERE p.wants_mentor = 1 AND p.is_mentor = 0
              ORDER BY (SELECT COUNT(*) FROM mentorship_members mm WHERE mm.person_id = p.id) DESC, p.id
              LIMIT $MENTEES) AS m;
           INSERT INTO programme_enrolments (id, programme_id, person_id, role, answers, state, created_at, updated_at)
           SELECT $UUID, '$PROGRAMME', id, 'mentor', '{}', 'approved', 0, 0 FROM
             (SELECT p.id FROM persons p WHERE p.is_mentor = 1
              ORDER BY (SELECT COUNT(*) FROM mentorship_members mm WHERE mm.person_id = p.id) DESC, p.id
              LIMIT $MENTORS) AS m;
           UPDATE mentorships SET programme_id = '$PROGRAMME' WHERE programme_id IS NULL AND id IN
             (SELECT mm.mentorship_id FROM mentorship_members mm JOIN programme_enrolments e
                ON e.person_id = mm.person_id AND e.programme_id = '$PROGRAMME' AND e.role = 'mentee'
              WHERE mm.role = 'mentee');"
# The rows above went in behind the server's back, as a bulk load: refresh the planner's
# statistics as `lodestar demo` does after its own (Db::settle_after_bulk_load).
bench_sql "ANALYZE" >/dev/null
bench_sql "SELECT '   enrolled: ' || role || ' ' || COUNT(*) FROM programme_enrolments
             WHERE programme_id = '$PROGRAMME' GROUP BY role ORDER BY role;
           SELECT '   mentorships in the programme: ' || COUNT(*) FROM mentorships WHERE programme_id = '$PROGRAMME';
           SELECT '   sessions held in them: ' || COUNT(*) FROM meetings mt JOIN mentorships m ON m.id = mt.mentorship_id
             WHERE m.programme_id = '$PROGRAMME' AND mt.state = 'held';
           SELECT '   check-ins of its mentees: ' || COUNT(*) FROM check_ins c JOIN programme_enrolments e
             ON e.person_id = c.person_id AND e.programme_id = '$PROGRAMME';
           SELECT '   assessments of its mentees: ' || COUNT(*) FROM skill_assessments a JOIN programme_enrolments e
             ON e.person_id = a.person_id AND e.programme_id = '$PROGRAMME';
           SELECT '   goals of its mentees: ' || COUNT(*) FROM goals g JOIN programme_enrolments e
             ON e.person_id = g.owner_id AND e.programme_id = '$PROGRAMME';"

# Let the server's start-up work end before measuring (housekeeping's and the lifecycle's
# first rounds run at start).
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

# The first answer counts the report (nothing is held yet): the baseline the held report is
# compared with. Later writes are answered from the report held before them while a recount
# of more than 250 ms runs in the background (lodestar-app's `snapshot`).
FIRST_MS=$(curl -s -o "$WORK/first.json" -w '%{time_total}' -H "Authorization: Bearer $TOKEN" \
    "$URL/api/v1/programmes/$PROGRAMME/report" | awk '{printf "%.0f", $1 * 1000}')
echo "   the first answer, counted: $FIRST_MS ms;" \
    "$(jq '[.dashboard[], .report[] | .figures[]] | length' "$WORK/first.json") figures," \
    "$(jq '[.dashboard[], .report[] | .figures[] | select(.suppressed)] | length' "$WORK/first.json") held back"

PAGES=("report-page=/programmes/$PROGRAMME/report")
QUERIES=("report-api=/api/v1/programmes/$PROGRAMME/report" "report-csv=/api/v1/programmes/$PROGRAMME/report.csv")
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
    echo "   GET ${query#*=} -> 200, $(wc -c <"$WORK/probe.out") bytes"
done
bench_wrk "${QUERIES[@]}"
cat "$WORK/results-pages.txt" "$WORK/results.txt" >"$WORK/results-all.txt"
mv "$WORK/results-all.txt" "$WORK/results.txt"
echo "== the report counted for the first answer: $FIRST_MS ms (the baseline the held report is compared with)"
bench_summary "$TARGET_P99_MS" "${PAGES[@]%%=*}" "${QUERIES[@]%%=*}"
