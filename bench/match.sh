#!/usr/bin/env bash
# The matching engine against OR-Tools' min-cost flow, on the same candidate graphs in the
# same run, plus the end-to-end cohort pipeline.
#
# Targets (2-CPU machine):
#   small: 10,000 mentees x 2,000 mentors, capacity 5, 50 candidates each (0.5 M pairs),
#          correlated scores: solved in <= 0.15 s
#   large: 100,000 x 20,000, capacity 5, 55 candidates each (5.5 M pairs), correlated
#          "popular mentor" scores: solved in <= 2 s
#   cohort 100,000 x 20,000 end to end (`lodestar match cohort`): <= 6 s, peak RSS <= 1.5 GB
#
# What it does:
#  1. builds the release binary (or uses LODESTAR_BIN);
#  2. finds a Python with OR-Tools (ORTOOLS_PYTHON, else python3 if it imports ortools, else
#     `pip install ortools` into a venv inside the temporary folder);
#  3. `lodestar match generate` writes both problems (fixed seed) into a mktemp folder;
#  4. per size, RUNS times, interleaved: `lodestar match solve` then bench/ortools_match.py on
#     the same file. Lodestar's figure is `stats.solve_seconds` from the result file: solver,
#     checking its optimality certificate, and building the result (quality report and
#     assignment list), not reading the file. OR-Tools' is its solve() call alone. Every total
#     (integer units of 10^-6) must be the same, or the script exits 1: two independent
#     exact solvers agreeing;
#  5. the criterion bench (`cargo bench -p lodestar-match --bench solve`) for the same two
#     graphs (same generator, arguments and seed): `max_weight` alone, graph already built;
#     its median is Lodestar's pure solver time (skip with CRITERION=0);
#  6. COHORT_RUNS x `lodestar match cohort` per size in COHORTS under GNU time (0 to skip);
#  7. a summary: medians, ratios OR-Tools / Lodestar, target verdicts, load averages.
#
#   bench/match.sh
#   RUNS=5 bench/match.sh
#   SIZES=small CRITERION=0 COHORT_RUNS=0 bench/match.sh      # quick
#   LODESTAR_BIN=/path/to/lodestar ORTOOLS_PYTHON=/path/to/venv/bin/python bench/match.sh
#
# Knobs: RUNS (3), ORTOOLS_REPEATS (1 solve per OR-Tools run), SIZES ("small large"), SEED (1),
# CRITERION (1), COHORTS ("10000x2000 100000x20000"), COHORT_RUNS (3), STEP_TIMEOUT (900 s per
# step), CARGO_TARGET_DIR (/tmp/bench-target). Contacts only PyPI (when it installs OR-Tools);
# the temporary folder is deleted on exit. Needs GNU time (/usr/bin/time).
set -euo pipefail

RUNS=${RUNS:-3}
ORTOOLS_REPEATS=${ORTOOLS_REPEATS:-1}
SIZES=${SIZES:-"small large"}
SEED=${SEED:-1}
CRITERION=${CRITERION:-1}
COHORTS=${COHORTS:-"10000x2000 100000x20000"}
COHORT_RUNS=${COHORT_RUNS:-3}
STEP_TIMEOUT=${STEP_TIMEOUT:-900}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-/tmp/bench-target}

# name: mentees mentors capacity arcs_per_mentee target_seconds criterion_bench
declare -A SIZE=(
    [small]="10000 2000 5 50 0.15 correlated_10k_x_2k"
    [large]="100000 20000 5 55 2 correlated_100k_x_20k"
)
# mentees x mentors: target_seconds target_peak_rss_kB ("-" for none)
declare -A COHORT_TARGET=(
    [100000x20000]="6 1572864"
)

[[ -x /usr/bin/time ]] || { echo "needs GNU time (/usr/bin/time): apt-get install -y time" >&2; exit 1; }
for s in $SIZES; do
    [[ -n "${SIZE[$s]:-}" ]] || { echo "unknown size $s (small, large)" >&2; exit 1; }
done

WORK=$(mktemp -d /tmp/lodestar-match-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
load() { cut -d' ' -f1 /proc/loadavg; }
LOADS=()
note_load() { LOADS+=("$(load)"); }

echo "== machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "== tree: $(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo '?')$(cd "$ROOT" && [[ -n "$(git status --porcelain -- crates 2>/dev/null)" ]] && echo ' (crates/ modified)' || true)"
echo "== load before: $(cut -d' ' -f1-3 /proc/loadavg)"

if [[ -z "${LODESTAR_BIN:-}" ]]; then
    echo "== building (release, CARGO_TARGET_DIR=$CARGO_TARGET_DIR)"
    (cd "$ROOT" && timeout 1800 cargo build --release -p lodestar --quiet)
    LODESTAR_BIN=$CARGO_TARGET_DIR/release/lodestar
fi

if [[ -n "${ORTOOLS_PYTHON:-}" ]]; then
    PY=$ORTOOLS_PYTHON
elif python3 -c 'import ortools, numpy' 2>/dev/null; then
    PY=python3
else
    echo "== installing ortools into $WORK/venv (PyPI)"
    timeout 120 python3 -m venv "$WORK/venv"
    timeout 900 "$WORK/venv/bin/pip" install --quiet ortools
    PY=$WORK/venv/bin/python
fi
echo "== OR-Tools $("$PY" -c 'import ortools; print(ortools.__version__)'), $("$PY" --version)"

json_get() { "$PY" -c 'import json, sys; d = json.load(open(sys.argv[1])); print(eval(sys.argv[2], {}, {"d": d}))' "$1" "$2"; }
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

declare -A PROBLEM PAIRS
for s in $SIZES; do
    read -r n m cap k _ _ <<<"${SIZE[$s]}"
    PROBLEM[$s]=$WORK/$s.json
    timeout "$STEP_TIMEOUT" "$LODESTAR_BIN" match generate --mentees "$n" --mentors "$m" --capacity "$cap" \
        --arcs-per-mentee "$k" --scores correlated --seed "$SEED" -o "${PROBLEM[$s]}" 2>"$WORK/$s.gen.err"
    PAIRS[$s]=$(sed -n 's/.*, \([0-9]*\) pairs to .*/\1/p' "$WORK/$s.gen.err")
    echo "== $s: $n mentees x $m mentors, capacity $cap, $k candidates each: ${PAIRS[$s]} pairs ($(du -m "${PROBLEM[$s]}" | cut -f1) MB)"
done

FAILED=0
declare -A LS_MED LW_MED OR_MED EQUAL TOTAL
for s in $SIZES; do
    echo "== $s: $RUNS interleaved runs (lodestar match solve, then OR-Tools)"
    ls_times=(); lw_times=(); or_times=(); totals=()
    for run in $(seq 1 "$RUNS"); do
        note_load
        out=$WORK/$s.result.json
        timeout "$STEP_TIMEOUT" /usr/bin/time -f '%e %M' -o "$WORK/$s.time" \
            "$LODESTAR_BIN" match solve -i "${PROBLEM[$s]}" -o "$out" 2>"$WORK/$s.solve.err" \
            || { echo "lodestar match solve failed:"; tail -5 "$WORK/$s.solve.err"; exit 1; }
        read -r wall rss < <(tail -1 "$WORK/$s.time")
        ls=$(json_get "$out" 'd["stats"]["solve_seconds"]')
        lt=$(json_get "$out" 'round(d["total_score"] * 10**6)')
        certified=$(json_get "$out" 'd["stats"]["certified"]')
        lmatched=$(json_get "$out" 'len(d["assignments"])')
        rm -f "$out"
        or=$(timeout "$STEP_TIMEOUT" "$PY" "$ROOT/bench/ortools_match.py" "${PROBLEM[$s]}" --repeats "$ORTOOLS_REPEATS") \
            || { echo "OR-Tools failed"; exit 1; }
        os=$(jq -r .seconds <<<"$or")
        ot=$(jq -r .total_units <<<"$or")
        omatched=$(jq -r .matched <<<"$or")
        printf '  run %d: lodestar %.3f s (process %.2f s wall, %d MB, certified %s, %d matched, total %s) | OR-Tools %.3f s (%d matched, total %s) | load %s\n' \
            "$run" "$ls" "$wall" $((rss / 1024)) "$certified" "$lmatched" "$lt" "$os" "$omatched" "$ot" "$(load)"
        ls_times+=("$ls"); lw_times+=("$wall"); or_times+=("$os"); totals+=("$lt" "$ot")
        note_load
    done
    LS_MED[$s]=$(median "${ls_times[@]}")
    LW_MED[$s]=$(median "${lw_times[@]}")
    OR_MED[$s]=$(median "${or_times[@]}")
    distinct=$(printf '%s\n' "${totals[@]}" | sort -u | wc -l)
    TOTAL[$s]=${totals[0]}
    if [[ $distinct -eq 1 ]]; then
        EQUAL[$s]=yes
    else
        EQUAL[$s]=NO
        FAILED=1
        echo "  TOTALS DIFFER: $(printf '%s\n' "${totals[@]}" | sort -u | tr '\n' ' ')"
    fi
done

declare -A CR_MED
if [[ $CRITERION == 1 ]]; then
    filter=$(for s in $SIZES; do read -r _ _ _ _ _ b <<<"${SIZE[$s]}"; printf '%s$|' "$b"; done)
    filter=${filter%|}
    echo "== criterion: cargo bench -p lodestar-match --bench solve -- --noplot '$filter' (load $(load))"
    note_load
    mkdir -p "$WORK/criterion"
    (cd "$ROOT" && CRITERION_HOME=$WORK/criterion timeout $((2 * STEP_TIMEOUT)) \
        cargo bench --quiet -p lodestar-match --bench solve -- --noplot "$filter") >"$WORK/criterion.out" 2>&1 \
        || { echo "criterion bench failed:"; tail -20 "$WORK/criterion.out"; exit 1; }
    note_load
    grep -E 'time:|correlated' "$WORK/criterion.out" | sed 's/^/  /'
    for s in $SIZES; do
        read -r _ _ _ _ _ b <<<"${SIZE[$s]}"
        CR_MED[$s]=$(json_get "$WORK/criterion/max_weight/$b/new/estimates.json" 'd["median"]["point_estimate"] / 1e9')
    done
fi

declare -A CO_WALL CO_RSS CO_LINE
if [[ $COHORT_RUNS -gt 0 ]]; then
    for c in $COHORTS; do
        n=${c%x*}; m=${c#*x}
        echo "== cohort $n x $m: $COHORT_RUNS x lodestar match cohort --mentees $n --mentors $m"
        walls=(); rsss=()
        for run in $(seq 1 "$COHORT_RUNS"); do
            note_load
            timeout "$STEP_TIMEOUT" /usr/bin/time -f '%e %M %U %S' -o "$WORK/cohort.time" \
                "$LODESTAR_BIN" match cohort --mentees "$n" --mentors "$m" \
                >"$WORK/cohort.out" 2>"$WORK/cohort.err" \
                || { echo "lodestar match cohort failed:"; tail -5 "$WORK/cohort.err"; exit 1; }
            read -r wall rss user sys < <(tail -1 "$WORK/cohort.time")
            summary=$(grep '^matched ' "$WORK/cohort.err")
            printf '  run %d: %.2f s wall (%.2f s user, %.2f s sys), peak RSS %d MB, load %s\n' \
                "$run" "$wall" "$user" "$sys" $((rss / 1024)) "$(load)"
            grep -v '^matched ' "$WORK/cohort.err" | sed 's/^/    /'
            echo "    $summary"
            walls+=("$wall"); rsss+=("$rss")
            note_load
            grep -q 'optimal over all allowed pairs' <<<"$summary" || FAILED=1
        done
        CO_WALL[$c]=$(median "${walls[@]}")
        CO_RSS[$c]=$(median "${rsss[@]}")
        CO_LINE[$c]=$summary
    done
fi

verdict() { awk -v t="$1" -v limit="$2" 'BEGIN {print (t <= limit ? "yes" : "NO")}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
echo
echo "== SUMMARY (medians of $RUNS runs; load average 1 min, sampled before and after each run: $(median "${LOADS[@]}") median, $(printf '%s\n' "${LOADS[@]}" | sort -g | head -1)-$(printf '%s\n' "${LOADS[@]}" | sort -g | tail -1))"
printf '%-6s %9s %8s %12s %12s %10s %12s %12s %8s %10s\n' size pairs target 'lodestar_max' 'lodestar_cli' ortools 'ratio_max' 'ratio_cli' 'met?' 'totals=='
for s in $SIZES; do
    read -r _ _ _ _ target _ <<<"${SIZE[$s]}"
    cr=${CR_MED[$s]:-}
    if [[ -n "$cr" ]]; then
        met="$(verdict "$cr" "$target")/$(verdict "${LS_MED[$s]}" "$target")"
        printf '%-6s %9s %7ss %11.4fs %11.4fs %9.4fs %12s %12s %8s %10s\n' "$s" "${PAIRS[$s]}" "$target" "$cr" "${LS_MED[$s]}" \
            "${OR_MED[$s]}" "$(ratio "${OR_MED[$s]}" "$cr")" "$(ratio "${OR_MED[$s]}" "${LS_MED[$s]}")" "$met" "${EQUAL[$s]}"
    else
        printf '%-6s %9s %7ss %12s %11.4fs %9.4fs %12s %12s %8s %10s\n' "$s" "${PAIRS[$s]}" "$target" - "${LS_MED[$s]}" \
            "${OR_MED[$s]}" - "$(ratio "${OR_MED[$s]}" "${LS_MED[$s]}")" "-/$(verdict "${LS_MED[$s]}" "$target")" "${EQUAL[$s]}"
    fi
done
echo "  lodestar_max: criterion median of max_weight alone; lodestar_cli: stats.solve_seconds of"
echo "  \`lodestar match solve\` (solver + certificate check + result building); met?: max/cli <= target"
for c in $COHORTS; do
    [[ -n "${CO_WALL[$c]:-}" ]] || continue
    read -r tw trss <<<"${COHORT_TARGET[$c]:-- -}"
    v=""
    [[ $tw != - ]] && v=" target <= ${tw} s: $(verdict "${CO_WALL[$c]}" "$tw"), <= $((trss / 1024)) MB: $(verdict "${CO_RSS[$c]}" "$trss")"
    printf 'cohort %s: median %.2f s wall, peak RSS %d MB;%s\n  %s\n' "$c" "${CO_WALL[$c]}" $((${CO_RSS[$c]%.*} / 1024)) "$v" "${CO_LINE[$c]}"
done
if [[ $FAILED -ne 0 ]]; then
    echo "FAILED: totals differ between Lodestar and OR-Tools, or a cohort was not certified optimal"
    exit 1
fi
