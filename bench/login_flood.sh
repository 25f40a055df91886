#!/usr/bin/env bash
# Login flood: 500 concurrent wrong-password logins against one real account. The server's
# peak memory must stay under 200 MB and /healthz must keep answering (p99 under 100 ms)
# while the flood lasts.
#
# Builds (or uses LODESTAR_BIN), starts `lodestar serve` on a fresh SQLite database on
# 127.0.0.1:PORT, registers one account, then per run fires N logins at once with a wrong
# password while a second client polls /healthz every 10 ms. Prints, per run, how the
# logins were answered, the /healthz latencies during the flood and the server's peak
# resident memory (VmHWM from /proc), then the medians. Each run uses a fresh server.
#
# MODE=spread (default): each login comes from its own client address (X-Forwarded-For
#   behind --trust-proxy), as from a botnet, so that the per-address limits let every one
#   through to the password check: this is what the hashing limit has to hold.
# MODE=one: every login from 127.0.0.1: the per-(account, address) delay answers most.
#
# Only 127.0.0.1 is contacted. Needs curl and python3.
#
#   bench/login_flood.sh
#   N=200 RUNS=1 MODE=one bench/login_flood.sh
set -euo pipefail

N=${N:-500}
RUNS=${RUNS:-3}
MODE=${MODE:-spread}
PORT=${PORT:-18192}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BASE="http://127.0.0.1:$PORT"
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}

for tool in curl python3; do
    command -v "$tool" >/dev/null || { echo "needs $tool" >&2; exit 1; }
done
if [[ -z "${LODESTAR_BIN:-}" ]]; then
    echo "== building (release, CARGO_TARGET_DIR=$CARGO_TARGET_DIR)"
    (cd "$ROOT" && timeout 1800 cargo build --release -p lodestar --quiet)
    LODESTAR_BIN=$CARGO_TARGET_DIR/release/lodestar
fi
if curl -s -o /dev/null --max-time 1 "$BASE/healthz"; then
    echo "something already listens on 127.0.0.1:$PORT; set PORT=..." >&2; exit 1
fi

WORK=$(mktemp -d /tmp/lodestar-login-flood.XXXXXX)
SERVER_PID=
stop_server() {
    if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    SERVER_PID=
}
cleanup() {
    stop_server
    rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

# The client: N logins released together by a barrier, /healthz polled every 10 ms from
# just before the release until the last login is answered. Prints one RESULT line.
cat >"$WORK/flood.py" <<'PY'
import http.client, json, sys, threading, time

base_port, n, mode = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
statuses, lock = {}, threading.Lock()
barrier = threading.Barrier(n + 1)
done = threading.Event()
health = []

def login(i):
    headers = {"content-type": "application/json", "connection": "close"}
    if mode == "spread":
        headers["x-forwarded-for"] = f"198.18.{i // 250}.{i % 250 + 1}"
    body = json.dumps({"email": "owner@example.org", "password": f"wrong-guess-{i}"})
    conn = http.client.HTTPConnection("127.0.0.1", base_port, timeout=120)
    barrier.wait()
    try:
        conn.request("POST", "/api/v1/auth/login", body, headers)
        status = conn.getresponse().status
    except Exception as e:  # a refused or reset connection counts as an answer too
        status = type(e).__name__
    with lock:
        statuses[status] = statuses.get(status, 0) + 1

def poll_health():
    conn = http.client.HTTPConnection("127.0.0.1", base_port, timeout=10)
    while not done.is_set():
        started = time.perf_counter()
        try:
            conn.request("GET", "/healthz")
            response = conn.getresponse()
            response.read()
            ok = response.status == 200
        except Exception:
            conn = http.client.HTTPConnection("127.0.0.1", base_port, timeout=10)
            ok = False
        health.append(((time.perf_counter() - started) * 1000, ok))
        time.sleep(0.01)

threads = [threading.Thread(target=login, args=(i,)) for i in range(n)]
for t in threads:
    t.start()
poller = threading.Thread(target=poll_health)
poller.start()
time.sleep(0.05)
started = time.perf_counter()
barrier.wait()
for t in threads:
    t.join()
flood_s = time.perf_counter() - started
done.set()
poller.join()

lat = sorted(ms for ms, _ in health)
def pct(p):
    return lat[min(len(lat) - 1, int(round(p / 100 * (len(lat) - 1))))] if lat else float("nan")
failed = sum(1 for _, ok in health if not ok)
answers = " ".join(f"{k}:{v}" for k, v in sorted(statuses.items(), key=lambda kv: str(kv[0])))
print(f"RESULT flood_s={flood_s:.2f} health_n={len(lat)} health_failed={failed} "
      f"health_p50_ms={pct(50):.1f} health_p99_ms={pct(99):.1f} health_max_ms={lat[-1] if lat else float('nan'):.1f} "
      f"answers={answers}")
PY

echo "== machine: $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg); N=$N MODE=$MODE RUNS=$RUNS"
: >"$WORK/results"
for run in $(seq 1 "$RUNS"); do
    rm -f "$WORK"/bench.db*
    "$LODESTAR_BIN" --log warn --database-url "sqlite://$WORK/bench.db" serve \
        --bind "127.0.0.1:$PORT" --public-url "$BASE" --trust-proxy \
        >"$WORK/serve.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 1 100); do
        curl -s -o /dev/null --max-time 1 "$BASE/healthz" && break
        sleep 0.2
    done
    curl -sf -o /dev/null --max-time 30 -X POST "$BASE/api/v1/auth/register" \
        -H 'content-type: application/json' \
        -d '{"name":"Owner","email":"owner@example.org","password":"kettle-orbit-umbrella-42"}'
    idle_kb=$(awk '/VmRSS/ {print $2}' "/proc/$SERVER_PID/status")
    line=$(timeout 300 python3 "$WORK/flood.py" "$PORT" "$N" "$MODE")
    peak_kb=$(awk '/VmHWM/ {print $2}' "/proc/$SERVER_PID/status")
    threads=$(awk '/Threads/ {print $2}' "/proc/$SERVER_PID/status")
    owner=$(curl -s -o /dev/null -w '%{http_code}' --max-time 30 -X POST "$BASE/api/v1/auth/login" \
        -H 'content-type: application/json' -H 'x-forwarded-for: 192.0.2.200' \
        -d '{"email":"owner@example.org","password":"kettle-orbit-umbrella-42"}')
    stop_server
    echo "run $run: $line idle_rss_mb=$((idle_kb / 1024)) peak_rss_mb=$((peak_kb / 1024)) threads_after=$threads owner_login_after=$owner"
    echo "$line peak_rss_mb=$((peak_kb / 1024))" >>"$WORK/results"
done

python3 - "$WORK/results" <<'PY'
import re, statistics, sys
rows = [dict(re.findall(r"(\w+)=([0-9.]+)", line)) for line in open(sys.argv[1])]
def med(key):
    return statistics.median(float(r[key]) for r in rows)
print(f"MEDIAN of {len(rows)}: peak_rss_mb={med('peak_rss_mb'):.0f} "
      f"health_p99_ms={med('health_p99_ms'):.1f} health_p50_ms={med('health_p50_ms'):.1f} "
      f"health_max_ms={med('health_max_ms'):.1f} flood_s={med('flood_s'):.2f}")
PY
