"""Ranking benchmark on the shared phenopacket-store file: both methods, all strata, speed and memory.

Usage:  .venv/bin/python benchmarks/bench_ranking.py [CASES] [--workers 2] [--limit N] [--json]
Default CASES: ../shared/benchmarks/phenopacket-store/cases.jsonl.gz (skipped with a message if absent).
Same numbers as `ipexpath bench CASES --workers 2`; this script adds load/build times and peak memory.
"""

from __future__ import annotations

import argparse
import itertools
import json
import resource
import sys
import time
from pathlib import Path

from ipexpath.commands.bench import render_summary
from ipexpath.knowledge import load_knowledge
from ipexpath.suspect.benchmark import iter_cases, run, summarise
from ipexpath.suspect.model import RankingModel

DEFAULT = (
    Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "phenopacket-store" / "cases.jsonl.gz"
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("cases", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if not args.cases.exists():
        print(f"{args.cases} not found; nothing to benchmark.")
        return 0
    t0 = time.perf_counter()
    kb = load_knowledge()
    t1 = time.perf_counter()
    model = RankingModel.build(kb)
    t2 = time.perf_counter()
    raw = itertools.islice(iter_cases(args.cases), args.limit)
    rows, seconds = run(raw, model, methods=("lr", "phenomizer"), workers=args.workers)
    summary = summarise(rows, seconds, kb.release_label, ("lr", "phenomizer"))
    # ru_maxrss is in KiB on Linux; children = the largest worker
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    summary["load_seconds"] = round(t1 - t0, 3)
    summary["build_seconds"] = round(t2 - t1, 3)
    summary["peak_rss_mb_main"] = round(own, 1)
    summary["peak_rss_mb_largest_worker"] = round(child, 1)
    summary["workers"] = args.workers
    if args.json:
        json.dump(summary, sys.stdout, indent=2)
        print()
        return 0
    print(render_summary(summary))
    print(
        f"\nload {summary['load_seconds']} s, model build {summary['build_seconds']} s, "
        f"scoring {summary['seconds']} s for {summary['cases']} cases with {args.workers} workers "
        f"(both methods): {summary['cases_per_second']} cases/s; peak RSS main {own:.0f} MB, "
        f"largest worker {child:.0f} MB; cases with the truth tied: {summary['cases_with_tied_truth']}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
