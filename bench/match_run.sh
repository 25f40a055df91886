#!/usr/bin/env bash
# Issue 13's target: a programme's cohort match run for 20,000 mentees and 4,000 mentors goes
# from start to draft in under 10 s.
#
# End to end: build, generate the demo organisation of PEOPLE people (40,000 by default) into
# a fresh database (SQLite, or with DATABASE=postgres a database of its own on POSTGRES_URL's
# server, dropped afterwards), start `lodestar serve` on 127.0.0.1:PORT, sign in as the demo
# admin, create a cohort programme (five mentees a mentor, one matching question), and enrol
# MENTEES of the demo's mentees and MENTORS of its mentors in it, approved, each with an
# answer (enrolments are written with SQL: the form's checks are not what is measured). Then
# RUNS times: POST /api/v1/programmes/{id}/match-runs and read
# GET /api/v1/programmes/{id}/match-runs every 100 ms until the run is a draft. Prints each
# run's time as the client saw it (from the POST to the first read that says draft) and as
# the server recorded it (created to finished), the median, and how long reading the whole
# draft takes and how big it is. Only 127.0.0.1 is contacted. Needs curl, bc, jq and sqlite3
# (or psql).
#
#   bench/match_run.sh
#   DATABASE=postgres bench/match_run.sh
#   PEOPLE=8000 MENTEES=4000 MENTORS=800 RUNS=1 bench/match_run.sh   # quicker
#   LODESTAR_BIN=/path/to/lodestar bench/match_run.sh                # skip the build
set -euo pipefail

PEOPLE=${PEOPLE:-40000}
MENTEES=${MENTEES:-20000}
MENTORS=${MENTORS:-4000}
PORT=${PORT:-18253}
TARGET_S=${TARGET_S:-10}
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

bench_setup match_run curl bc jq
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
PROGRAMME=$(api POST /api/v1/programmes "{\"name\": \"Benchmark cohort\", \"enrolment_opens\": \"$(day -1)\",
    \"enrolment_closes\": \"$(day 10)\", \"starts_on\": \"$(day 20)\", \"ends_on\": \"$(day 200)\",
    \"matching\": \"cohort\", \"mentor_capacity\": 5,
    \"questions\": [{\"kind\": \"single_choice\", \"text\": \"How would you like to meet?\",
      \"options\": [\"Online\", \"In person\", \"Either\"], \"match_rule\": \"same\", \"weight\": 2}]}" | jq -r .id)
[[ -n "$PROGRAMME" && "$PROGRAMME" != null ]] || { echo "the programme was not created" >&2; exit 1; }

echo "== enrolling $MENTEES mentees and $MENTORS mentors"
if [[ "$DATABASE" == postgres ]]; then
    UUID="gen_random_uuid()::text"
    ANSWER="'{\"0\": \"' || (ARRAY['Online', 'In person', 'Either'])[1 + floor(random() * 3)::int] || '\"}'"
else
    UUID="lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-7' || substr(hex(randomblob(2)), 2) || '-8' || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))"
    ANSWER="'{\"0\": \"' || (CASE abs(random()) % 3 WHEN 0 THEN 'Online' WHEN 1 THEN 'In person' ELSE 'Either' END) || '\"}'"
fi
bench_sql "INSERT INTO programme_enrolments (id, programme_id, person_id, role, answers, state, created_at, updated_at)
           SELECT $UUID, '$PROGRAMME', id, 'mentee', $ANSWER, 'approved', 0, 0 FROM
             (SELECT id FROM persons WHERE wants_mentor = 1 AND is_mentor = 0 ORDER BY id LIMIT $MENTEES) AS m;
           INSERT INTO programme_enrolments (id, programme_id, person_id, role, answers, state, created_at, updated_at)
           SELECT $UUID, '$PROGRAMME', id, 'mentor', $ANSWER, 'approved', 0, 0 FROM
             (SELECT id FROM persons WHERE is_mentor = 1 ORDER BY id LIMIT $MENTORS) AS m;"
bench_sql "SELECT '   enrolled: ' || role || ' ' || COUNT(*) FROM programme_enrolments
           WHERE programme_id = '$PROGRAMME' GROUP BY role ORDER BY role;"

CLIENT=()
for run in $(seq 1 "$RUNS"); do
    started=$(date +%s.%N)
    RUN=$(api POST "/api/v1/programmes/$PROGRAMME/match-runs" '{}' | jq -r .id)
    [[ -n "$RUN" && "$RUN" != null ]] || { echo "the run did not start" >&2; exit 1; }
    while :; do
        state=$(api GET "/api/v1/programmes/$PROGRAMME/match-runs" | jq -r ".[] | select(.id == \"$RUN\") | .state")
        [[ "$state" == running ]] || break
        sleep 0.1
    done
    finished=$(date +%s.%N)
    [[ "$state" == draft ]] || { echo "run $run ended $state" >&2; api GET "/api/v1/match-runs/$RUN" | jq .error >&2; exit 1; }
    took=$(echo "$finished - $started" | bc)
    server=$(api GET "/api/v1/programmes/$PROGRAMME/match-runs" |
        jq -r ".[] | select(.id == \"$RUN\") | (.updated_at - .created_at) / 1000")
    read_started=$(date +%s.%N)
    api GET "/api/v1/match-runs/$RUN" >"$WORK/draft.json"
    read_took=$(echo "$(date +%s.%N) - $read_started" | bc)
    summary=$(jq -c '{certified, matched: .quality.matched, unmatched: .quality.unmatched,
        mean: (.quality.mean_score * 1000 | round / 1000), first_choice: (.quality.first_choice_share * 1000 | round / 1000)}' "$WORK/draft.json")
    printf '   run %d: start to draft %.2f s (server %.2f s, load %s); the draft %s MB read in %.2f s; %s\n' \
        "$run" "$took" "$server" "$(bench_load)" "$(echo "scale=1; $(stat -c %s "$WORK/draft.json") / 1000000" | bc)" \
        "$read_took" "$summary"
    CLIENT+=("$took")
done
median=$(printf '%s\n' "${CLIENT[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
printf '== median start to draft: %.2f s for %d mentees and %d mentors (target < %d s)\n' \
    "$median" "$MENTEES" "$MENTORS" "$TARGET_S"
(( $(echo "$median < $TARGET_S" | bc) ))
