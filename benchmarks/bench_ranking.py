"""Speed and memory of the shipped ranking model on the shared phenopacket-store file (no accuracy figures).

Usage:  .venv/bin/python benchmarks/bench_ranking.py [CASES] [--workers 2] [--limit N] [--json]
Default CASES: ../shared/benchmarks/phenopacket-store/cases.jsonl.gz (skipped with a message if absent).

The shipped model learnt its case profiles from these very cases, so its ranks here would be training-set
figures (meaningless, ~99 % top-1) and are discarded: accuracy comes only from the publication-grouped
cross-validation of `ipexpath bench CASES --workers 2`. This script measures what the user pays: knowledge
load, model build (with the shipped case knowledge), scoring speed (LR model only, as `rank` runs it, 2
workers) and peak memory per process.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import resource
import sys
import time
from pathlib import Path

from ipexpath.knowledge import load_knowledge
from ipexpath.suspect.benchmark import iter_cases, run
from ipexpath.suspect.model import RankingModel

DEFAULT = (
    Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "phenopacket-store" / "cases.jsonl.gz"
)


def main() -> int:
    """Measure load, build, scoring speed and peak memory."""
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
    load_before = os.getloadavg()[0]
    cpu_before = _cpu_seconds()
    rows, seconds = run(raw, model, methods=("lr",), workers=args.workers)
    cpu = _cpu_seconds() - cpu_before
    load_after = os.getloadavg()[0]
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # the largest worker
    summary = {
        "cases": len(rows),
        "workers": args.workers,
        "load_seconds": round(t1 - t0, 3),
        "build_seconds": round(t2 - t1, 3),
        "scoring_seconds": round(seconds, 2),
        "cases_per_second": round(len(rows) / seconds, 1) if seconds > 0 else None,
        "scoring_cpu_seconds": round(cpu, 2),
        "cases_per_cpu_second": round(len(rows) / cpu, 1) if cpu > 0 else None,
        "load_average_1min": [round(load_before, 2), round(load_after, 2)],
        "peak_rss_mb_main": round(own, 1),
        "peak_rss_mb_largest_worker": round(child, 1),
        "case_knowledge": None if model.case_knowledge is None else model.case_knowledge.provenance,
    }
    if args.json:
        json.dump(summary, sys.stdout, indent=2)
        print()
        return 0
    print(
        f"load {summary['load_seconds']} s, model build {summary['build_seconds']} s (shipped case knowledge "
        f"included), scoring {summary['scoring_seconds']} s for {summary['cases']} cases with {args.workers} "
        f"workers: {summary['cases_per_second']} cases/s wall clock "
        f"({summary['scoring_cpu_seconds']} s of CPU, "
        f"{summary['cases_per_cpu_second']} cases per CPU-second; load average {load_before:.1f} → "
        f"{load_after:.1f} on {os.cpu_count()} cores); peak RSS main {own:.0f} MB, largest worker "
        f"{child:.0f} MB. Accuracy: `ipexpath bench` (cross-validated), not this script."
    )
    return 0


def _cpu_seconds() -> float:
    """User + system CPU time of this process and its finished children (the workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


if __name__ == "__main__":
    sys.exit(main())
