# shellcheck shell=bash
# What the end-to-end benchmarks share (sourced by bench/slots.sh, bench/lifecycle.sh,
# bench/growth.sh, bench/network.sh and bench/live.sh): a scratch folder removed on exit, the release build, a
# fresh database on SQLite or PostgreSQL (dropped on exit), the demo organisation,
# `lodestar serve` on 127.0.0.1, wrk runs with the load average around each, and their
# medians.
#
# Variables read (each script sets its defaults before sourcing): PORT, DATABASE (sqlite or
# postgres), POSTGRES_URL (a database on the server where ours is created and dropped;
# default $LODESTAR_TEST_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test),
# LODESTAR_BIN (skip the build), CARGO_TARGET_DIR (/tmp/bench-target), CONNS, RUNS,
# DURATION, WARMUP. Set: ROOT, URL, WORK, DB_URL, SERVER_PID, LODESTAR_BIN.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-/tmp/bench-target}
DATABASE=${DATABASE:-sqlite}
CONNS=${CONNS:-"1 8"}
RUNS=${RUNS:-3}
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-3s}
URL="http://127.0.0.1:$PORT"
WORK=
SERVER_PID=
PG_ADMIN_URL=
PG_DATABASE=
BENCH_NAME=

# bench_setup NAME TOOL...: checks the tools (and the database's client, for bench_sql), that
# PORT is free, and makes WORK.
bench_setup() {
    local tool
    BENCH_NAME=$1
    shift
    if [[ "$DATABASE" == postgres ]]; then set -- "$@" psql; else set -- "$@" sqlite3; fi
    for tool in "$@"; do
        command -v "$tool" >/dev/null || { echo "needs $tool: apt-get install -y $tool" >&2; exit 1; }
    done
    case "$DATABASE" in
        sqlite | postgres) ;;
        *) echo "DATABASE is sqlite or postgres" >&2; exit 1 ;;
    esac
    if curl -s -o /dev/null --max-time 1 "$URL/healthz"; then
        echo "something already listens on 127.0.0.1:$PORT; set PORT=..." >&2; exit 1
    fi
    WORK=$(mktemp -d "/tmp/lodestar-$BENCH_NAME-bench.XXXXXX")
    trap bench_cleanup EXIT
    trap "exit 130" INT TERM
}

bench_cleanup() {
    bench_stop
    if [[ -n "$PG_DATABASE" ]]; then
        psql "$PG_ADMIN_URL" -qc "DROP DATABASE IF EXISTS $PG_DATABASE WITH (FORCE)" >/dev/null || true
    fi
    [[ -n "$WORK" ]] && rm -rf "$WORK"
}

# bench_build: the release binary, unless LODESTAR_BIN names one; with EXAMPLE set, that
# example of lodestar-app too (live.sh's load generator), in the same cargo run.
bench_build() {
    local also=()
    [[ -n "${EXAMPLE:-}" ]] && also=(-p lodestar-app --example "$EXAMPLE")
    [[ -n "${LODESTAR_BIN:-}" && -z "${EXAMPLE:-}" ]] && return 0
    echo "== building (release, CARGO_TARGET_DIR=$CARGO_TARGET_DIR)"
    (cd "$ROOT" && timeout 3600 cargo build --release --quiet -p lodestar --bin lodestar "${also[@]}")
    LODESTAR_BIN=${LODESTAR_BIN:-$CARGO_TARGET_DIR/release/lodestar}
}

# The machine and the load, for the record.
bench_machine() {
    echo "== machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')," \
        "$(awk '/MemTotal/ {printf "%.0f GB", $2 / 1048576}' /proc/meminfo) RAM, $(uname -sr)," \
        "$DATABASE$([[ "$DATABASE" == postgres ]] && psql "$DB_URL" -Atc 'SHOW server_version' | sed 's/^/ /')," \
        "load $(cut -d' ' -f1-3 /proc/loadavg)"
}

# bench_database: a fresh, empty database in DB_URL. On PostgreSQL, a database of our own
# made on POSTGRES_URL's server and dropped on exit.
bench_database() {
    if [[ "$DATABASE" == sqlite ]]; then
        DB_URL="sqlite://$WORK/bench.db"
        return
    fi
    PG_ADMIN_URL=${POSTGRES_URL:-${LODESTAR_TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}}
    local base=${PG_ADMIN_URL%%\?*} query=
    [[ "$PG_ADMIN_URL" == *\?* ]] && query="?${PG_ADMIN_URL#*\?}"
    PG_DATABASE="lodestar_bench_${BENCH_NAME}_$$"
    psql "$PG_ADMIN_URL" -qc "CREATE DATABASE $PG_DATABASE" >/dev/null
    DB_URL="${base%/*}/$PG_DATABASE$query"
}

# bench_sql SQL: runs SQL on the benchmark's database (SQLite or PostgreSQL), rows on stdout.
bench_sql() {
    if [[ "$DATABASE" == sqlite ]]; then
        # Waits for the server's writes rather than failing on a locked database.
        sqlite3 -cmd ".timeout 30000" "${DB_URL#sqlite://}" "$1"
    else
        psql "$DB_URL" -qAt -c "$1"
    fi
}

# bench_demo PEOPLE [ARG...]: the demo organisation into the database (more `lodestar demo`
# arguments after PEOPLE); its output in $WORK/demo.out.
bench_demo() {
    echo "== generating $1 demo people ($DATABASE)${2:+ with ${*:2}}"
    timeout 3600 "$LODESTAR_BIN" --log warn --database-url "$DB_URL" demo --people "$1" "${@:2}" \
        >"$WORK/demo.out" 2>"$WORK/demo.err" || { tail -5 "$WORK/demo.err"; exit 1; }
    head -2 "$WORK/demo.out"
}

# bench_serve: `lodestar serve` on 127.0.0.1:PORT, logging at warn to $WORK/serve.log,
# once /healthz answers.
bench_serve() {
    "$LODESTAR_BIN" --log warn --database-url "$DB_URL" serve --bind "127.0.0.1:$PORT" \
        --public-url "$URL" --data-dir "$WORK/data" >"$WORK/serve.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 1 150); do
        curl -s -o /dev/null --max-time 1 "$URL/healthz" && return 0
        kill -0 "$SERVER_PID" 2>/dev/null || { tail -5 "$WORK/serve.log"; exit 1; }
        sleep 0.2
    done
    echo "the server did not start" >&2; exit 1
}

bench_stop() {
    if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    SERVER_PID=
}

bench_load() { cut -d' ' -f1 /proc/loadavg; }

# bench_probe PATH: GET PATH with the credentials wrk will send (LODESTAR_TOKEN or
# LODESTAR_COOKIE), into $WORK/probe.out; anything but 200 stops the script. Then warms the
# path up with wrk for WARMUP.
bench_probe() {
    local auth code
    if [[ -n "${LODESTAR_TOKEN:-}" ]]; then auth="Authorization: Bearer $LODESTAR_TOKEN"; else auth="Cookie: $LODESTAR_COOKIE"; fi
    code=$(curl -s -o "$WORK/probe.out" -w '%{http_code}' -H "$auth" "$URL$1")
    [[ "$code" == 200 ]] || { echo "GET $1 answered $code: $(head -c 300 "$WORK/probe.out")" >&2; exit 1; }
    timeout 60 wrk -t1 -c8 -d"$WARMUP" -s "$ROOT/bench/auth.lua" "$URL$1" >/dev/null
}

# bench_wrk NAME=PATH...: wrk (-t1, bench/auth.lua) RUNS times per path and per connection
# count in CONNS, one line each in $WORK/results.txt with the 1-minute load average before
# and after the run.
bench_wrk() {
    local pair name path c run before line
    : >"$WORK/results.txt"
    echo "== wrk -t1 -d$DURATION --latency, $RUNS runs per path and connection count"
    for pair in "$@"; do
        name=${pair%%=*}; path=${pair#*=}
        for c in $CONNS; do
            for run in $(seq 1 "$RUNS"); do
                before=$(bench_load)
                line=$(timeout 120 wrk -t1 -c"$c" -d"$DURATION" --latency -s "$ROOT/bench/auth.lua" "$URL$path" | grep '^RESULT')
                echo "$name c=$c run=$run ${line#RESULT } load_before=$before load_after=$(bench_load)" | tee -a "$WORK/results.txt"
            done
        done
    done
}

# bench_summary TARGET_P99_MS NAME...: the medians of bench_wrk's runs per name and
# connection count, with the range of the load; exit status 1 when a median p99 misses
# the target or an answer was not 2xx.
bench_summary() {
    local target=$1 name c rows rps p50 p99 bad loads verdict status=0
    shift
    echo "== medians over $RUNS runs ($DATABASE; target p99 < $target ms)"
    median() { sed -n "s/.* $1=\([0-9.]*\).*/\1/p" <<<"$rows" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
    for name in "$@"; do
        for c in $CONNS; do
            rows=$(grep "^$name c=$c " "$WORK/results.txt")
            rps=$(median rps); p50=$(median p50_ms); p99=$(median p99_ms)
            bad=$(sed -n 's/.* non2xx=\([0-9]*\).*/\1/p' <<<"$rows" | paste -sd+ | bc)
            loads=$(sed -n 's/.* load_before=\([0-9.]*\) load_after=\([0-9.]*\).*/\1\n\2/p' <<<"$rows" | sort -g | sed -n '1p;$p' | paste -sd-)
            verdict=OK
            (($(echo "$p99 < $target" | bc))) || { verdict=MISSED; status=1; }
            ((bad == 0)) || { verdict="FAILED ($bad answers not 2xx)"; status=1; }
            printf '%-16s c=%-3s rps=%-6s p50=%-7s p99=%-7s load=%-9s %s\n' "$name" "$c" "$rps" "$p50" "$p99" "$loads" "$verdict"
        done
    done
    return $status
}
