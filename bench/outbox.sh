#!/usr/bin/env bash
# Outbox throughput: the e-mail sender must deliver at least 200 e-mails a second to a local
# SMTP server.
#
# Per run: a fresh SQLite database (or DATABASE=postgres with LODESTAR_TEST_DATABASE_URL, a
# database whose public schema this script empties) gets N queued e-mails (one in ten with a calendar
# invitation, through the same notifications::push the events use); a local aiosmtpd that
# accepts and discards each message is started; the sender delivers batch after batch until
# the outbox is empty. Prints each run's rate and the median; checks that the SMTP server
# received exactly N messages.
#
# Needs python3 with aiosmtpd (LODESTAR_TEST_PYTHON to name another Python).
#
#   bench/outbox.sh
#   N=1000 RUNS=1 bench/outbox.sh
set -euo pipefail

N=${N:-5000}
RUNS=${RUNS:-3}
PORT=${PORT:-18193}
DATABASE=${DATABASE:-sqlite}
PYTHON=${LODESTAR_TEST_PYTHON:-python3}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}

"$PYTHON" -c 'import aiosmtpd' || { echo "needs $PYTHON with aiosmtpd (pip install aiosmtpd)" >&2; exit 1; }
echo "== building (release, CARGO_TARGET_DIR=$CARGO_TARGET_DIR)"
(cd "$ROOT" && timeout 1800 cargo build --release -p lodestar-app --example outbox_bench --quiet)
BIN=$CARGO_TARGET_DIR/release/examples/outbox_bench

WORK=$(mktemp -d /tmp/lodestar-outbox-bench.XXXXXX)
SINK=""
stop_sink() {
    if [[ -n "$SINK" ]]; then kill -TERM "$SINK" 2>/dev/null || true; wait "$SINK" 2>/dev/null || true; SINK=""; fi
}
trap 'stop_sink; rm -rf "$WORK"' EXIT

rates=()
for run in $(seq 1 "$RUNS"); do
    case $DATABASE in
        sqlite) URL="sqlite://$WORK/run$run.db" ;;
        postgres)
            URL=${LODESTAR_TEST_DATABASE_URL:?set LODESTAR_TEST_DATABASE_URL}
            PGOPTIONS='-c client_min_messages=warning' psql "$URL" -qc 'DROP SCHEMA public CASCADE; CREATE SCHEMA public;' ;;
        *) echo "DATABASE is sqlite or postgres" >&2; exit 1 ;;
    esac
    "$PYTHON" "$ROOT/crates/lodestar-app/tests/smtp/sink.py" --port "$PORT" >"$WORK/sink.out" &
    SINK=$!
    for _ in $(seq 1 100); do grep -q ready "$WORK/sink.out" 2>/dev/null && break; sleep 0.1; done
    grep -q ready "$WORK/sink.out" || { echo "the SMTP server did not start" >&2; exit 1; }
    result=$("$BIN" "smtp://127.0.0.1:$PORT?tls=none" "$URL" "$N")
    stop_sink
    received=$(tail -n 1 "$WORK/sink.out")
    rate=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["per_second"])' "$result")
    echo "run $run: $result; the SMTP server received $received"
    [[ "$received" == "$N" ]] || { echo "expected $N messages at the SMTP server" >&2; exit 1; }
    rates+=("$rate")
done
median=$(printf '%s\n' "${rates[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
echo "median of $RUNS runs: $median e-mails a second (N=$N, $DATABASE)"
