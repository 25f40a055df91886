#!/usr/bin/env bash
# Issue 10's slots target: for a mentor with a year of sessions (2–3 a week for 52 weeks,
# over six mentorships), GET /api/v1/mentorships/{id}/slots answers at p99 < 10 ms.
#
# End to end: build, generate the demo organisation of PEOPLE people into a fresh database
# (SQLite, or with DATABASE=postgres a database of its own on POSTGRES_URL's server, dropped
# afterwards), so the tables have the demo's ~75,000 sessions around ours, start
# `lodestar serve` on 127.0.0.1:PORT, then through the API: register a mentor and six
# mentees, send and accept six requests, publish the mentor's availability (weekdays
# 09:00–17:00 Europe/London, 30 and 60 minutes, 15-minute buffer, 24 hours' notice), and
# schedule SESSIONS_PER_YEAR sessions spread over the 52 weeks around today (half past,
# half to come, round-robin over the mentorships). Then, as a mentee (Asia/Tokyo), warm up
# and run wrk RUNS times per query and connection count: the default two weeks, and the
# longest range (31 days) of 60-minute slots. Prints the medians with the load average,
# stops the server and deletes the database. Only 127.0.0.1 is contacted. Needs wrk, curl,
# sqlite3 (or psql), bc, python3.
#
#   bench/slots.sh
#   DATABASE=postgres bench/slots.sh                  # on postgres://postgres@127.0.0.1:5432/test's server
#   DATABASE=postgres POSTGRES_URL=postgres://user@host/db bench/slots.sh
#   PEOPLE=0 RUNS=1 DURATION=5s bench/slots.sh        # quicker: no demo around the mentor
#   LODESTAR_BIN=/path/to/lodestar bench/slots.sh     # skip the build
set -euo pipefail

PEOPLE=${PEOPLE:-10000}
PORT=${PORT:-18231}
SESSIONS_PER_YEAR=${SESSIONS_PER_YEAR:-130}
TARGET_P99_MS=${TARGET_P99_MS:-10}
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

bench_setup slots wrk curl bc python3
bench_build
bench_database
bench_machine
if ((PEOPLE > 0)); then bench_demo "$PEOPLE"; fi
echo "== starting lodestar serve on 127.0.0.1:$PORT"
bench_serve

echo "== seeding the mentor, six mentorships and $SESSIONS_PER_YEAR sessions through the API"
python3 - "$URL" "$SESSIONS_PER_YEAR" >"$WORK/seed.out" <<'PY'
import datetime, json, sys, urllib.request

url, sessions = sys.argv[1], int(sys.argv[2])
PASSWORD = "kettle-orbit-umbrella-42"

def call(method, path, token=None, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url + path, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(req) as r:
        return json.loads(r.read() or b"null")

def person(name, zone, profile):
    email = name.lower().replace(" ", ".") + "@bench.example.org"
    made = call("POST", "/api/v1/auth/register", body={"name": name, "email": email, "password": PASSWORD})
    token = call("POST", "/api/v1/auth/login", body={"email": email, "password": PASSWORD})["token"]
    call("PATCH", "/api/v1/me/profile", token, dict(profile, time_zone=zone))
    return made["id"], token

mentor_id, mentor = person("Bench Mentor", "Europe/London",
    {"is_mentor": True, "mentor_capacity": 10, "mentor_skills": [{"skill": "leadership", "level": 5}]})
mentorships, mentee_token = [], None
for i in range(6):
    _, token = person(f"Bench Mentee {i}", "Asia/Tokyo", {"wants_mentor": True})
    mentee_token = mentee_token or token
    request = call("POST", "/api/v1/requests", token,
        {"mentor_id": mentor_id, "message": "Hello", "cadence": "weekly", "duration_weeks": 52})
    mentorships.append(call("POST", f"/api/v1/requests/{request['id']}/accept", mentor)["mentorship_id"])
days = [{"day": d, "from": "09:00", "to": "17:00"} for d in ["mon", "tue", "wed", "thu", "fri"]]
call("PUT", "/api/v1/me/availability", mentor, {"time_zone": "Europe/London", "weekly": days,
    "min_notice_hours": 24, "buffer_minutes": 15, "durations": [30, 60]})
today = datetime.datetime.now(datetime.timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
for n in range(sessions):
    # Spread over 52 weeks around today (26 back, 26 ahead), 2–3 a week, weekdays, 09:00–16:00 UTC.
    week = n * 52 // sessions - 26
    day = today + datetime.timedelta(weeks=week, days=(n * 2) % 5)
    start = day.replace(hour=9 + (n * 3) % 8, minute=30 * (n % 2))
    m = mentorships[n % len(mentorships)]
    call("POST", f"/api/v1/mentorships/{m}/sessions", mentor,
        {"starts_at": start.strftime("%Y-%m-%dT%H:%M:%SZ"), "duration_minutes": 60})
print(mentorships[0], mentee_token)
PY
read -r MENTORSHIP TOKEN <"$WORK/seed.out"
bench_sql "SELECT '   sessions in the database: ' || COUNT(*) FROM meetings;
    SELECT '   the mentor''s sessions: ' || COUNT(*) FROM meetings m JOIN mentorship_members mm ON mm.mentorship_id = m.mentorship_id
      JOIN persons p ON p.id = mm.person_id WHERE p.email = 'bench.mentor@bench.example.org';"

export LODESTAR_TOKEN=$TOKEN
QUERIES=("slots-14d-30min=/api/v1/mentorships/$MENTORSHIP/slots"
    "slots-31d-60min=/api/v1/mentorships/$MENTORSHIP/slots?duration=60&from=$(date -u +%F)&to=$(date -u -d '+30 days' +%F)")
for query in "${QUERIES[@]}"; do
    bench_probe "${query#*=}"
    echo "   ${query%%=*}: $(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["slots"]), "slots")' "$WORK/probe.out"), $(wc -c <"$WORK/probe.out") bytes"
done
bench_wrk "${QUERIES[@]}"
bench_summary "$TARGET_P99_MS" "${QUERIES[@]%%=*}"
