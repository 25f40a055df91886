#!/usr/bin/env bash
# Issue 10's slots target: for a mentor with a year of sessions (2–3 a week for 52 weeks,
# over six mentorships), GET /api/v1/mentorships/{id}/slots answers at p99 < 10 ms.
#
# End to end: build, generate the demo organisation of PEOPLE people into a fresh temporary
# SQLite database (so the tables have the demo's ~70,000 sessions around ours), start
# `lodestar serve` on 127.0.0.1:PORT, then through the API: register a mentor and six
# mentees, send and accept six requests, publish the mentor's availability (weekdays
# 09:00–17:00 Europe/London, 30 and 60 minutes, 15-minute buffer, 24 hours' notice), and
# schedule SESSIONS_PER_YEAR sessions spread over the 52 weeks around today (half past,
# half to come, round-robin over the mentorships). Then, as a mentee (Asia/Tokyo), warm up
# and run wrk RUNS times per query and connection count: the default two weeks, and the
# longest range (31 days) of 60-minute slots. Prints the medians, stops the server and
# deletes the database. Only 127.0.0.1 is contacted. Needs wrk, curl, sqlite3, bc, python3.
#
#   bench/slots.sh
#   PEOPLE=0 RUNS=1 DURATION=5s bench/slots.sh        # quicker: no demo around the mentor
#   LODESTAR_BIN=/path/to/lodestar bench/slots.sh     # skip the build
set -euo pipefail

PEOPLE=${PEOPLE:-10000}
PORT=${PORT:-18231}
CONNS=${CONNS:-"1 8"}
RUNS=${RUNS:-3}
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-3s}
SESSIONS_PER_YEAR=${SESSIONS_PER_YEAR:-130}
TARGET_P99_MS=${TARGET_P99_MS:-10}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-/tmp/bench-target}

for tool in wrk curl sqlite3 bc python3; do
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

WORK=$(mktemp -d /tmp/lodestar-slots-bench.XXXXXX)
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
if (( PEOPLE > 0 )); then
    echo "== generating $PEOPLE demo people into $DB"
    timeout 900 "$LODESTAR_BIN" --log warn --database-url "sqlite://$DB" demo --people "$PEOPLE" >"$WORK/demo.out" 2>"$WORK/demo.err" \
        || { tail -5 "$WORK/demo.err"; exit 1; }
    head -1 "$WORK/demo.out"
fi

echo "== starting lodestar serve on 127.0.0.1:$PORT"
"$LODESTAR_BIN" --log warn --database-url "sqlite://$DB" serve --bind "127.0.0.1:$PORT" --public-url "$URL" \
    >"$WORK/serve.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do
    curl -s -o /dev/null --max-time 1 "$URL/healthz" && break
    kill -0 "$SERVER_PID" 2>/dev/null || { tail -5 "$WORK/serve.log"; exit 1; }
    sleep 0.2
done

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
sqlite3 "$DB" "SELECT '   sessions in the database: ' || COUNT(*) FROM meetings;
    SELECT '   the mentor''s sessions: ' || COUNT(*) FROM meetings m JOIN mentorship_members mm ON mm.mentorship_id = m.mentorship_id
      JOIN persons p ON p.id = mm.person_id WHERE p.email = 'bench.mentor@bench.example.org';"

QUERIES=("/api/v1/mentorships/$MENTORSHIP/slots" "/api/v1/mentorships/$MENTORSHIP/slots?duration=60&from=$(date -u +%F)&to=$(date -u -d '+30 days' +%F)")
NAMES=("slots-14d-30min" "slots-31d-60min")
for i in "${!QUERIES[@]}"; do
    path=${QUERIES[$i]}
    code=$(curl -s -o "$WORK/probe.json" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "$URL$path")
    [[ "$code" == 200 ]] || { echo "GET $path answered $code: $(head -c 300 "$WORK/probe.json")" >&2; exit 1; }
    echo "   ${NAMES[$i]}: $(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["slots"]), "slots")' "$WORK/probe.json"), $(wc -c <"$WORK/probe.json") bytes"
    LODESTAR_TOKEN=$TOKEN timeout 60 wrk -t1 -c8 -d"$WARMUP" -s "$ROOT/bench/auth.lua" "$URL$path" >/dev/null
done

RESULTS="$WORK/results.txt"
: >"$RESULTS"
echo "== wrk -t1 -d$DURATION --latency, $RUNS runs per query and connection count"
for i in "${!QUERIES[@]}"; do
    for c in $CONNS; do
        for run in $(seq 1 "$RUNS"); do
            line=$(LODESTAR_TOKEN=$TOKEN timeout 120 wrk -t1 -c"$c" -d"$DURATION" --latency \
                -s "$ROOT/bench/auth.lua" "$URL${QUERIES[$i]}" | grep '^RESULT')
            echo "${NAMES[$i]} c=$c run=$run ${line#RESULT } load1=$(cut -d' ' -f1 /proc/loadavg)" | tee -a "$RESULTS"
        done
    done
done

echo "== medians over $RUNS runs (target p99 < $TARGET_P99_MS ms)"
status=0
for name in "${NAMES[@]}"; do
    for c in $CONNS; do
        median() { grep "^$name c=$c " "$RESULTS" | sed -n "s/.* $1=\([0-9.]*\).*/\1/p" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
        rps=$(median rps); p50=$(median p50_ms); p99=$(median p99_ms)
        bad=$(grep "^$name c=$c " "$RESULTS" | sed -n 's/.* non2xx=\([0-9]*\).*/\1/p' | paste -sd+ | bc)
        verdict=OK
        (( $(echo "$p99 < $TARGET_P99_MS" | bc) )) || { verdict=MISSED; status=1; }
        (( bad == 0 )) || { verdict="FAILED ($bad answers not 200)"; status=1; }
        printf '%-16s c=%-3s rps=%-6s p50=%-7s p99=%-7s %s\n' "$name" "$c" "$rps" "$p50" "$p99" "$verdict"
    done
done
exit $status
