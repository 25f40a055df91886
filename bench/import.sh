#!/usr/bin/env bash
# Issue 13's target: a programme's participants file of 100,000 rows imports in under 30 s.
#
# End to end: build, generate the demo organisation of PEOPLE people (10,000 by default) into
# a fresh database (SQLite, or with DATABASE=postgres a database of its own on POSTGRES_URL's
# server, dropped afterwards), start `lodestar serve` on 127.0.0.1:PORT and sign in as the
# demo admin. Then RUNS times, each into a new cohort programme with a required choice and a
# scale on its form: write a CSV of ROWS participants, the demo's people first (they have
# accounts: enrolled) and the rest new to Lodestar (each an account and an invitation
# e-mail), and send it to POST /api/v1/programmes/{id}/participants/import, first with
# dry_run=true (checked and counted, nothing written), then for real (all of it written in
# one transaction). Prints each run's times as the client saw them, and the medians. Only
# 127.0.0.1 is contacted. Needs curl, bc, jq and sqlite3 (or psql).
#
#   bench/import.sh
#   DATABASE=postgres bench/import.sh
#   ROWS=20000 RUNS=1 bench/import.sh                    # quicker
#   LODESTAR_BIN=/path/to/lodestar bench/import.sh      # skip the build
set -euo pipefail

PEOPLE=${PEOPLE:-10000}
ROWS=${ROWS:-100000}
PORT=${PORT:-18254}
TARGET_S=${TARGET_S:-30}
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

bench_setup import curl bc jq
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

bench_sql "SELECT email FROM persons ORDER BY email;" >"$WORK/existing.txt"
EXISTING=$(wc -l <"$WORK/existing.txt")

DRY=()
APPLY=()
for run in $(seq 1 "$RUNS"); do
    PROGRAMME=$(api POST /api/v1/programmes "{\"name\": \"Imported cohort $run\", \"enrolment_opens\": \"$(day -1)\",
        \"enrolment_closes\": \"$(day 10)\", \"starts_on\": \"$(day 20)\", \"ends_on\": \"$(day 200)\",
        \"matching\": \"cohort\",
        \"questions\": [{\"kind\": \"single_choice\", \"text\": \"How would you like to meet?\", \"required\": true,
          \"options\": [\"Online\", \"In person\", \"Either\"], \"match_rule\": \"same\"},
          {\"kind\": \"scale\", \"text\": \"How confident are you?\"}]}" | jq -r .id)
    [[ -n "$PROGRAMME" && "$PROGRAMME" != null ]] || { echo "the programme was not created" >&2; exit 1; }
    awk -v rows="$ROWS" -v run="$run" 'BEGIN {
            print "name,email,role,department,How would you like to meet?,How confident are you?"
            split("Online,In person,Either", meet, ",")
            split("Finance,Research,Operations,Sales,People", dept, ",")
        }
        NR <= rows { printf ",%s,%s,,%s,%d\n", $1, (NR % 5 == 0 ? "mentor" : "mentee"), meet[1 + NR % 3], 1 + NR % 5; n = NR }
        END {
            for (i = n + 1; i <= rows; i++)
                printf "New Person %d,new%d-%d@import.example,%s,%s,%s,%d\n", i, run, i,
                    (i % 5 == 0 ? "mentor" : "mentee"), dept[1 + i % 5], meet[1 + i % 3], 1 + i % 5
        }' "$WORK/existing.txt" >"$WORK/participants.csv"
    path="/api/v1/programmes/$PROGRAMME/participants/import"
    post() {
        curl -s -o "$WORK/import.json" -w '%{http_code} %{time_total}' -X POST \
            -H "Authorization: Bearer $TOKEN" -H 'Content-Type: text/csv' \
            --data-binary "@$WORK/participants.csv" "$URL$path?dry_run=$1"
    }
    read -r status dry <<<"$(post true)"
    [[ "$status" == 200 ]] || { echo "the dry run answered $status: $(head -c 600 "$WORK/import.json")" >&2; exit 1; }
    checked=$(jq -c . "$WORK/import.json")
    read -r status took <<<"$(post false)"
    [[ "$status" == 200 ]] || { echo "the import answered $status: $(head -c 600 "$WORK/import.json")" >&2; exit 1; }
    printf '   run %d: %d rows (%d with accounts), %s MB: dry run %.2f s, import %.2f s (load %s); %s\n' \
        "$run" "$ROWS" "$(( EXISTING < ROWS ? EXISTING : ROWS ))" \
        "$(echo "scale=1; $(stat -c %s "$WORK/participants.csv") / 1000000" | bc)" \
        "$dry" "$took" "$(bench_load)" "$(jq -c . "$WORK/import.json")"
    [[ "$(jq -c 'del(.dry_run)' <<<"$checked")" == "$(jq -c 'del(.dry_run)' "$WORK/import.json")" ]] ||
        { echo "the dry run counted $checked" >&2; exit 1; }
    DRY+=("$dry")
    APPLY+=("$took")
done
bench_sql "SELECT '   enrolled in all: ' || COUNT(*) FROM programme_enrolments;
           SELECT '   invitations: ' || COUNT(*) FROM account_invitations;
           SELECT '   queued e-mails: ' || COUNT(*) FROM outbox;"
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
dry=$(median "${DRY[@]}")
took=$(median "${APPLY[@]}")
printf '== median for %d rows: dry run %.2f s, import %.2f s (target < %d s)\n' "$ROWS" "$dry" "$took" "$TARGET_S"
(( $(echo "$took < $TARGET_S" | bc) ))
