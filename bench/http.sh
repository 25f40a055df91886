#!/usr/bin/env bash
# Target (b): with PEOPLE demo people on SQLite, GET /api/v1/people?skill=SKILL&role=mentor and
# GET /api/v1/me must each sustain >= 5,000 requests/s with p99 < 10 ms.
#
# End to end: build, generate the demo organisation into a fresh temporary database, start
# `lodestar serve` on 127.0.0.1:PORT, log in as the demo admin, warm up, run wrk RUNS times per
# endpoint and connection count, check that a profile edit shows in the directory at once
# (prints OK or FAILED; FAILED makes the exit status 1), print the medians, stop the server and
# delete the database.
# Only 127.0.0.1 is contacted. Needs wrk, curl, sqlite3 and bc (apt-get install -y wrk curl sqlite3 bc).
#
# With BASELINE_BIN set (A/B): the demo is generated twice with the same seed and size (one
# database per binary, identical data, checked), the baseline serves on PORT+1 next to the
# binary under test on PORT, and the wrk runs are interleaved: for each endpoint, connection
# count and run, both binaries are measured back to back, the baseline first on odd runs and
# second on even ones. The summary gives both medians and the ratio new/baseline.
#
#   bench/http.sh
#   CONNS="16" RUNS=1 DURATION=10s bench/http.sh          # quicker
#   LODESTAR_BIN=/path/to/lodestar bench/http.sh           # skip the build
#   LODESTAR_LOG=warn bench/http.sh                        # server log level (default: info, as shipped)
#   BASELINE_BIN=/path/to/old/lodestar bench/http.sh       # A/B against an older build
set -euo pipefail

PEOPLE=${PEOPLE:-10000}
PORT=${PORT:-18181}
SKILL=${SKILL:-python}
CONNS=${CONNS:-"8 16 32"}
RUNS=${RUNS:-3}
DURATION=${DURATION:-15s}
THREADS=${THREADS:-1}
WARMUP=${WARMUP:-3s}
SERVER_LOG_LEVEL=${LODESTAR_LOG:-info}
TARGET_RPS=${TARGET_RPS:-5000}
TARGET_P99_MS=${TARGET_P99_MS:-10}
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

# One entry per binary: `new` is LODESTAR_BIN on PORT, `base` (A/B only) BASELINE_BIN on PORT+1.
declare -A BIN SERVER_PORT DB_FILE SERVER_PID TOKEN
BIN[new]=$LODESTAR_BIN
SERVER_PORT[new]=$PORT
if [[ -n "${BASELINE_BIN:-}" ]]; then
    [[ -x "$BASELINE_BIN" ]] || { echo "BASELINE_BIN=$BASELINE_BIN is not executable" >&2; exit 1; }
    AB=1
    LABELS=(base new)
    BIN[base]=$BASELINE_BIN
    SERVER_PORT[base]=$((PORT + 1))
    DB_FILE[new]=new.db
    DB_FILE[base]=base.db
else
    AB=
    LABELS=(new)
    DB_FILE[new]=bench.db
fi
base_url() { echo "http://127.0.0.1:${SERVER_PORT[$1]}"; }
for l in "${LABELS[@]}"; do
    if curl -s -o /dev/null --max-time 1 "$(base_url "$l")/healthz"; then
        echo "something already listens on 127.0.0.1:${SERVER_PORT[$l]}; set PORT=..." >&2; exit 1
    fi
done

WORK=$(mktemp -d /tmp/lodestar-http-bench.XXXXXX)
stop_server() {
    local pid=${SERVER_PID[$1]:-}
    if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
    fi
    SERVER_PID[$1]=
}
cleanup() {
    for l in "${LABELS[@]}"; do stop_server "$l"; done
    rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

echo "== machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
[[ -n "$AB" ]] && echo "== A/B: new = $LODESTAR_BIN on 127.0.0.1:$PORT, base = $BASELINE_BIN on 127.0.0.1:$((PORT + 1))"
for l in "${LABELS[@]}"; do
    echo "== generating $PEOPLE demo people into $WORK/${DB_FILE[$l]}${AB:+ ($l binary)}"
    timeout 600 "${BIN[$l]}" --log warn --database-url "sqlite://$WORK/${DB_FILE[$l]}" demo --people "$PEOPLE" \
        >"$WORK/demo-$l.out" 2>"$WORK/demo-$l.err" \
        || { grep -v 'slow statement' "$WORK/demo-$l.err" | cut -c1-300 | tail -5; exit 1; }
    head -1 "$WORK/demo-$l.out"
done
PASSWORD=$(sed -n 's/.*with the password \(.*\):$/\1/p' "$WORK/demo-new.out")
EMAIL=admin@demo.lodestar.test

if [[ -n "$AB" ]]; then
    # The same seed gives the same people, skills and languages (skill and admin ids differ:
    # they are made when the database is created), so compare those by content.
    fingerprint() {
        sqlite3 "$1" "
            SELECT id, email, name, headline, role_title, industry, listed, is_mentor, wants_mentor
              FROM persons WHERE email <> '$EMAIL' ORDER BY id;
            SELECT ps.person_id, ps.relation, s.slug, ps.level FROM person_skills ps
              JOIN skills s ON s.id = ps.skill_id JOIN persons p ON p.id = ps.person_id
             WHERE p.email <> '$EMAIL' ORDER BY 1, 2, 3;
            SELECT l.person_id, l.language FROM person_languages l JOIN persons p ON p.id = l.person_id
             WHERE p.email <> '$EMAIL' ORDER BY 1, 2;" | md5sum | cut -c1-16
    }
    fp_new=$(fingerprint "$WORK/${DB_FILE[new]}")
    fp_base=$(fingerprint "$WORK/${DB_FILE[base]}")
    [[ "$fp_new" == "$fp_base" ]] || { echo "the two demo databases differ ($fp_base vs $fp_new)" >&2; exit 1; }
    echo "   both databases hold the same people, skills and languages (fingerprint $fp_new)"
fi

for l in "${LABELS[@]}"; do
    url=$(base_url "$l")
    echo "== starting ${AB:+$l: }lodestar serve on 127.0.0.1:${SERVER_PORT[$l]} (log level $SERVER_LOG_LEVEL, to $WORK/serve-$l.log)"
    "${BIN[$l]}" --log "$SERVER_LOG_LEVEL" --database-url "sqlite://$WORK/${DB_FILE[$l]}" serve \
        --bind "127.0.0.1:${SERVER_PORT[$l]}" --public-url "$url" >"$WORK/serve-$l.log" 2>&1 &
    SERVER_PID[$l]=$!
    for _ in $(seq 1 100); do
        curl -s -o /dev/null --max-time 1 "$url/healthz" && break
        kill -0 "${SERVER_PID[$l]}" 2>/dev/null || { tail -5 "$WORK/serve-$l.log"; exit 1; }
        sleep 0.2
    done

    LOGIN=$(curl -s --max-time 10 -X POST "$url/api/v1/auth/login" -H 'content-type: application/json' \
        -d "{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\"}")
    TOKEN[$l]=$(printf '%s' "$LOGIN" | sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
    [[ -n "${TOKEN[$l]}" ]] || { echo "login failed: $LOGIN" >&2; exit 1; }
done

PEOPLE_PATH="/api/v1/people?skill=$SKILL&role=mentor"
ME_PATH="/api/v1/me"
path_of() { if [[ $1 == me ]]; then echo "$ME_PATH"; else echo "$PEOPLE_PATH"; fi; }
for l in "${LABELS[@]}"; do
    for name in people me; do
        path=$(path_of "$name")
        code=$(curl -s -o "$WORK/probe-$l-$name.json" -w '%{http_code}' --max-time 10 \
            -H "Authorization: Bearer ${TOKEN[$l]}" "$(base_url "$l")$path")
        [[ "$code" == 200 ]] || { echo "GET $path answered $code: $(head -c 300 "$WORK/probe-$l-$name.json")" >&2; exit 1; }
        printf '   %sGET %s -> 200, %s bytes' "${AB:+$l: }" "$path" "$(wc -c <"$WORK/probe-$l-$name.json")"
        total=$(sed -n 's/^{"total":\([0-9]*\),.*/\1/p' "$WORK/probe-$l-$name.json")
        [[ -n "$total" ]] && printf ', total=%s matches' "$total"
        echo
    done
done

echo "== warm-up ($WARMUP per endpoint${AB:+ and binary})"
for l in "${LABELS[@]}"; do
    for name in people me; do
        LODESTAR_TOKEN=${TOKEN[$l]} timeout 60 wrk -t"$THREADS" -c16 -d"$WARMUP" -s "$ROOT/bench/auth.lua" \
            "$(base_url "$l")$(path_of "$name")" >/dev/null
    done
done

server_cpu_ticks() { awk '{print $14 + $15}' "/proc/${SERVER_PID[$1]}/stat"; }
HZ=$(getconf CLK_TCK)
RESULTS="$WORK/results.txt"
: >"$RESULTS"
# One wrk run against binary $1; appends a result line.
measure() {
    local l=$1 name=$2 c=$3 run=$4 before start line elapsed cpu load
    before=$(server_cpu_ticks "$l"); start=$(date +%s.%N)
    line=$(LODESTAR_TOKEN=${TOKEN[$l]} timeout 120 wrk -t"$THREADS" -c"$c" -d"$DURATION" --latency \
        -s "$ROOT/bench/auth.lua" "$(base_url "$l")$(path_of "$name")" | grep '^RESULT')
    elapsed=$(echo "$(date +%s.%N) - $start" | bc)
    cpu=$(echo "scale=0; ($(server_cpu_ticks "$l") - $before) * 100 / $HZ / $elapsed" | bc)
    load=$(cut -d' ' -f1 /proc/loadavg)
    echo "$name c=$c run=$run ${AB:+bin=$l }${line#RESULT } server_cpu=${cpu}% load1=$load" | tee -a "$RESULTS"
}
echo "== wrk -t$THREADS -d$DURATION --latency, $RUNS runs per endpoint and connection count${AB:+, base and new interleaved}"
for name in people me; do
    for c in $CONNS; do
        for run in $(seq 1 "$RUNS"); do
            if [[ -z "$AB" ]]; then
                measure new "$name" "$c" "$run"
            elif (( run % 2 )); then
                measure base "$name" "$c" "$run"; measure new "$name" "$c" "$run"
            else
                measure new "$name" "$c" "$run"; measure base "$name" "$c" "$run"
            fi
        done
    done
done

# A profile edit must show in the directory at once: search for a fresh word (so the empty
# answer is cached), put it in the admin's headline, search again (must find the admin), change
# the headline again, and search again (must find nobody).
write_check() {
    local l=$1 url auth word other code before found gone
    url=$(base_url "$l"); auth="Authorization: Bearer ${TOKEN[$l]}"
    word="cachecheck$(date +%s%N)"; other="recheck$(date +%s%N)"  # words match by prefix
    directory_total() { curl -s --max-time 10 -H "$auth" "$url/api/v1/people?q=$1" | sed -n 's/^{"total":\([0-9]*\),.*/\1/p'; }
    set_headline() {
        curl -s -o "$WORK/patch-$l.json" -w '%{http_code}' --max-time 10 -X PATCH -H "$auth" \
            -H 'content-type: application/json' -d "{\"headline\":\"Bench write check $1\"}" "$url/api/v1/me/profile"
    }
    before=$(directory_total "$word")
    code=$(set_headline "$word")
    found=$(directory_total "$word")
    [[ "$code" == 200 ]] && code=$(set_headline "$other")
    gone=$(directory_total "$word")
    if [[ "$before" == 0 && "$code" == 200 && "$found" == 1 && "$gone" == 0 ]]; then
        WRITE_CHECK[$l]=OK
    else
        WRITE_CHECK[$l]=FAILED
    fi
    echo "   ${AB:+$l: }q=$word matched ${before:-?} before the edit, ${found:-?} right after it, ${gone:-?} after the next edit (PATCH -> $code): ${WRITE_CHECK[$l]}"
}
declare -A WRITE_CHECK
echo "== write check: PATCH /api/v1/me/profile, then GET /api/v1/people?q=<the new word>"
for l in "${LABELS[@]}"; do write_check "$l"; done

for l in "${LABELS[@]}"; do stop_server "$l"; done

echo
field() { sed -n "s/.* $1=\([^ %]*\).*/\1/p"; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
verdict() {
    awk -v r="$1" -v p="$2" -v b="$3" -v tr="$TARGET_RPS" -v tp="$TARGET_P99_MS" \
        'BEGIN {print (r >= tr && p < tp && b == 0 ? "MET" : "MISSED")}'
}
if [[ -z "$AB" ]]; then
    echo "== summary (median of $RUNS runs; target >= $TARGET_RPS req/s and p99 < $TARGET_P99_MS ms)"
    printf '%-8s %5s %10s %9s %9s %8s %9s  %s\n' endpoint conns 'req/s' 'p50 ms' 'p99 ms' 'non2xx' 'srv cpu' verdict
    for name in people me; do
        for c in $CONNS; do
            rows=$(grep "^$name c=$c " "$RESULTS")
            rps=$(field rps <<<"$rows" | median)
            p50=$(field p50_ms <<<"$rows" | median)
            p99=$(field p99_ms <<<"$rows" | median)
            bad=$(field non2xx <<<"$rows" | awk '{s+=$1} END {print s}')
            cpu=$(field server_cpu <<<"$rows" | median)
            printf '%-8s %5s %10.0f %9.2f %9.2f %8s %8s%%  %s\n' "$name" "$c" "$rps" "$p50" "$p99" "$bad" "$cpu" \
                "$(verdict "$rps" "$p99" "$bad")"
        done
    done
else
    echo "== summary (median of $RUNS interleaved runs each; ratio = new / base; target >= $TARGET_RPS req/s and p99 < $TARGET_P99_MS ms)"
    printf '%-8s %5s %9s %9s %7s %9s %9s %7s %7s %8s  %s\n' endpoint conns 'base r/s' 'new r/s' ratio \
        'base p99' 'new p99' ratio non2xx 'load1' 'verdict base -> new'
    declare -A rps p99 bad
    for name in people me; do
        for c in $CONNS; do
            for l in base new; do
                rows=$(grep "^$name c=$c run=[0-9]* bin=$l " "$RESULTS")
                rps[$l]=$(field rps <<<"$rows" | median)
                p99[$l]=$(field p99_ms <<<"$rows" | median)
                bad[$l]=$(field non2xx <<<"$rows" | awk '{s+=$1} END {print s}')
            done
            load=$(grep "^$name c=$c " "$RESULTS" | field load1 | median)
            printf '%-8s %5s %9.0f %9.0f %6.2fx %9.2f %9.2f %6.2fx %7s %8.2f  %s -> %s\n' "$name" "$c" \
                "${rps[base]}" "${rps[new]}" "$(echo "scale=4; ${rps[new]} / ${rps[base]}" | bc)" \
                "${p99[base]}" "${p99[new]}" "$(echo "scale=4; ${p99[new]} / ${p99[base]}" | bc)" \
                "$((${bad[base]} + ${bad[new]}))" "$load" \
                "$(verdict "${rps[base]}" "${p99[base]}" "${bad[base]}")" "$(verdict "${rps[new]}" "${p99[new]}" "${bad[new]}")"
        done
    done
fi
checks=()
for l in "${LABELS[@]}"; do checks+=("${AB:+$l: }${WRITE_CHECK[$l]}"); done
echo "write check (a profile edit is seen by the directory at once): $(IFS=,; echo "${checks[*]}" | sed 's/,/, /g')"
for l in "${LABELS[@]}"; do
    # In A/B mode the binary under test decides the exit status.
    if [[ "${WRITE_CHECK[$l]}" != OK && ( $l == new || -z "$AB" ) ]]; then exit 1; fi
done
