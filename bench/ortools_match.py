#!/usr/bin/env python3
"""Solve a Lodestar matching problem file with OR-Tools' min-cost flow, as a reference.

    python3 bench/ortools_match.py PROBLEM.json [--repeats 3]

Reads the problem file that `lodestar match generate` writes (and `lodestar match solve`
reads): {"mentees": [ids], "mentors": [{"id", "capacity"}], "pairs": [[i, j, score], ...],
"min_score": ..., "objective": "max_total", "method": "optimal"}. Only the max_total
objective of the optimal method is supported (the others are not a plain min-cost flow).

The maximum-weight capacitated assignment as a min-cost flow, with integer costs:

    mentee i (supply 1) --[cap 1, cost -round(score * 10^6)]--> mentor j
    mentee i            --[cap 1, cost 0]-------------------->  sink      ("unmatched")
    mentor j            --[cap capacity_j, cost 0]----------->  sink      (demand = #mentees)

Scores are compared as Lodestar does, as integers round(score * 10^6); pairs scoring below
min_score are left out, as Lodestar leaves them out. A minimum-cost flow sends each mentee
either to one mentor or to "unmatched", so -cost is the maximum total score.

Only SimpleMinCostFlow.solve() is timed (OR-Tools builds its internal graph inside that call;
adding the arcs from numpy arrays beforehand is not timed). Each repeat builds a fresh
SimpleMinCostFlow. Status must be OPTIMAL, every repeat must give the same cost, and the flow
is checked (each mentee sent once, no mentor over capacity, the arcs' scores add up to the
cost); any failure exits non-zero.

Prints one JSON line on standard output: total score in integer units (10^-6) and as a
number, matched mentees, the median solve time in seconds, each repeat's time, and the
untimed parse and build times.
"""

import argparse
import json
import statistics
import sys
import time

import numpy as np
from ortools import __version__ as ORTOOLS_VERSION
from ortools.graph.python import min_cost_flow

WEIGHT_SCALE = 1_000_000


def load(path):
    started = time.perf_counter()
    with open(path, "rb") as f:
        problem = json.load(f)
    method = problem.get("method", "optimal")
    objective = problem.get("objective", "max_total")
    if method != "optimal" or objective != "max_total":
        sys.exit(f"{path}: only method=optimal, objective=max_total is supported "
                 f"(got method={method!r}, objective={objective!r})")
    min_score = float(problem.get("min_score", 0.0))
    n = len(problem["mentees"])
    capacities = np.array([int(m["capacity"]) for m in problem["mentors"]], dtype=np.int64)
    m = len(capacities)
    listed = np.array(problem["pairs"], dtype=np.float64).reshape(-1, 3)
    del problem
    keep = listed[:, 2] >= min_score
    mentee = listed[keep, 0].astype(np.int64)
    mentor = listed[keep, 1].astype(np.int64)
    weight = np.rint(listed[keep, 2] * WEIGHT_SCALE).astype(np.int64)
    if len(mentee) and (mentee.min() < 0 or mentee.max() >= n or mentor.min() < 0 or mentor.max() >= m):
        sys.exit(f"{path}: a pair refers to a mentee or mentor that is not listed")
    return n, capacities, mentee, mentor, weight, len(listed), time.perf_counter() - started


def build(n, capacities, mentee, mentor, weight):
    """Nodes: mentees 0..n-1, mentors n..n+m-1, sink n+m."""
    m = len(capacities)
    sink = n + m
    flow = min_cost_flow.SimpleMinCostFlow()
    pair_arcs = flow.add_arcs_with_capacity_and_unit_cost(
        mentee, n + mentor, np.ones(len(mentee), dtype=np.int64), -weight)
    everyone = np.arange(n, dtype=np.int64)
    flow.add_arcs_with_capacity_and_unit_cost(
        everyone, np.full(n, sink, dtype=np.int64), np.ones(n, dtype=np.int64),
        np.zeros(n, dtype=np.int64))
    flow.add_arcs_with_capacity_and_unit_cost(
        n + np.arange(m, dtype=np.int64), np.full(m, sink, dtype=np.int64), capacities,
        np.zeros(m, dtype=np.int64))
    supplies = np.zeros(n + m + 1, dtype=np.int64)
    supplies[:n] = 1
    supplies[sink] = -n
    flow.set_nodes_supplies(np.arange(n + m + 1, dtype=np.int64), supplies)
    return flow, pair_arcs


def check(flow, pair_arcs, n, capacities, mentee, mentor, weight):
    """The flow is an assignment and its score is the reported cost."""
    used = flow.flows(pair_arcs) == 1
    per_mentee = np.bincount(mentee[used], minlength=n)
    per_mentor = np.bincount(mentor[used], minlength=len(capacities))
    total = int(weight[used].sum())
    problems = []
    if per_mentee.max(initial=0) > 1:
        problems.append("a mentee is matched twice")
    if np.any(per_mentor > capacities):
        problems.append("a mentor is over capacity")
    if total != -flow.optimal_cost():
        problems.append(f"the matched pairs score {total}, the cost says {-flow.optimal_cost()}")
    if problems:
        sys.exit("OR-Tools flow check failed: " + "; ".join(problems))
    return total, int(used.sum())


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("problem")
    parser.add_argument("--repeats", type=int, default=3,
                        help="solve this many times, each on a freshly built flow (default 3)")
    args = parser.parse_args()
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")

    n, capacities, mentee, mentor, weight, listed, load_seconds = load(args.problem)
    seconds, build_seconds, totals = [], [], set()
    for _ in range(args.repeats):
        started = time.perf_counter()
        flow, pair_arcs = build(n, capacities, mentee, mentor, weight)
        build_seconds.append(time.perf_counter() - started)
        started = time.perf_counter()
        status = flow.solve()
        seconds.append(time.perf_counter() - started)
        if status != flow.OPTIMAL:
            sys.exit(f"OR-Tools min-cost flow status {status}, not OPTIMAL")
        total, matched = check(flow, pair_arcs, n, capacities, mentee, mentor, weight)
        totals.add(total)
        del flow, pair_arcs
    if len(totals) != 1:
        sys.exit(f"OR-Tools gave different totals over the repeats: {sorted(totals)}")

    print(json.dumps({
        "solver": f"ortools {ORTOOLS_VERSION} SimpleMinCostFlow",
        "mentees": n,
        "mentors": len(capacities),
        "pairs": listed,
        "arcs": len(mentee),
        "matched": matched,
        "total_units": total,
        "total_score": total / WEIGHT_SCALE,
        "status": "OPTIMAL",
        "seconds": statistics.median(seconds),
        "repeats": [round(s, 6) for s in seconds],
        "load_seconds": round(load_seconds, 3),
        "build_seconds": round(statistics.median(build_seconds), 3),
    }))


if __name__ == "__main__":
    main()
