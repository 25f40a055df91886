#!/usr/bin/env bash
# Target (a): `lodestar demo --people N` on a fresh SQLite database, timed RUNS times, each
# on a new database in a temporary folder. Prints wall time and peak RSS per run and the
# medians. Touches nothing outside the temporary folder (and the build's target dir).
#
#   bench/demo.sh                 # 100,000 people, 3 runs, builds first
#   PEOPLE=10000 RUNS=5 bench/demo.sh
#   LODESTAR_BIN=/path/to/lodestar bench/demo.sh   # skip the build
#
# Each run is limited to RUN_TIMEOUT seconds (default 300); a run that hits it counts as failed.
set -euo pipefail

PEOPLE=${PEOPLE:-100000}
RUNS=${RUNS:-3}
RUN_TIMEOUT=${RUN_TIMEOUT:-300}
TARGET_SECONDS=${TARGET_SECONDS:-60}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-/tmp/bench-target}

if [[ -z "${LODESTAR_BIN:-}" ]]; then
    echo "== building (release, CARGO_TARGET_DIR=$CARGO_TARGET_DIR)"
    (cd "$ROOT" && timeout 1200 cargo build --release -p lodestar --quiet)
    LODESTAR_BIN=$CARGO_TARGET_DIR/release/lodestar
fi
[[ -x /usr/bin/time ]] || { echo "needs GNU time (/usr/bin/time): apt-get install -y time" >&2; exit 1; }

WORK=$(mktemp -d /tmp/lodestar-demo-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

echo "== machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "== load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== lodestar demo --people $PEOPLE, $RUNS runs on fresh databases in $WORK"

times=()
rss=()
anons=()
for run in $(seq 1 "$RUNS"); do
    db="$WORK/run$run.db"
    stats="$WORK/run$run.time"
    set +e
    timeout "$RUN_TIMEOUT" /usr/bin/time -f '%e %M %U %S' -o "$stats" \
        "$LODESTAR_BIN" --log warn --database-url "sqlite://$db" demo --people "$PEOPLE" \
        >"$WORK/run$run.out" 2>"$WORK/run$run.err" &
    runner=$!
    # Peak RSS from GNU time includes file-backed pages of the memory-mapped database
    # (RssFile, page cache the kernel can reclaim); also sample the anonymous part.
    anon=0
    while kill -0 "$runner" 2>/dev/null; do
        # timeout -> time -> lodestar
        timer=$(pgrep -P "$runner" 2>/dev/null || true)
        child=$([[ -n "$timer" ]] && pgrep -P "$timer" 2>/dev/null || true)
        for p in $child; do
            a=$(awk '/^RssAnon/ {print $2}' "/proc/$p/status" 2>/dev/null || true)
            [[ -n "$a" && "$a" -gt "$anon" ]] && anon=$a
        done
        sleep 0.2
    done
    wait "$runner"
    status=$?
    set -e
    if [[ $status -ne 0 ]]; then
        echo "run $run: FAILED (exit $status; timeout is ${RUN_TIMEOUT}s)"; grep -v 'slow statement' "$WORK/run$run.err" | cut -c1-300 | tail -5
        times+=("$RUN_TIMEOUT"); rss+=(0); anons+=(0)
        continue
    fi
    read -r wall maxrss user sys < <(tail -1 "$stats")
    people=$(sqlite3 "$db" 'SELECT COUNT(*) FROM persons' 2>/dev/null || echo '?')
    size=$(du -m "$db" | cut -f1)
    printf 'run %d: %6.2f s wall, %6.2f s user, %5.2f s sys, peak RSS %4d MB (anonymous %d MB), %s rows in persons, %s MB file, load %s\n' \
        "$run" "$wall" "$user" "$sys" $((maxrss / 1024)) $((anon / 1024)) "$people" "$size" "$(cut -d' ' -f1 /proc/loadavg)"
    times+=("$wall"); rss+=("$maxrss"); anons+=("$anon")
    rm -f "$db" "$db-wal" "$db-shm"
done

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
mt=$(median "${times[@]}")
mr=$(median "${rss[@]}")
ma=$(median "${anons[@]}")
verdict=$(awk -v t="$mt" -v limit="$TARGET_SECONDS" 'BEGIN {print (t < limit ? "MET" : "MISSED")}')
printf 'SUMMARY people=%d runs=%d median_wall_s=%.2f median_peak_rss_mb=%d median_peak_anon_mb=%d target=<%ss %s\n' \
    "$PEOPLE" "$RUNS" "$mt" $((${mr%.*} / 1024)) $((${ma%.*} / 1024)) "$TARGET_SECONDS" "$verdict"
