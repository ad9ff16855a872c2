"""Batch re-ranking throughput: `rank --batch` on 1 and 2 local processes and on a 2-worker Dask LocalCluster.

The shared phenopacket-store cases are resampled (with new ids) up to --cases; prints cases/s per setting and
the cost per case as the batch grows.

    .venv/bin/python benchmarks/bench_scale_rank.py --cases 50000 --sizes 1000,10000,50000
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import tempfile
import time
from pathlib import Path

from ipexpath.batch.run import run_batch

SHARED = Path(__file__).resolve().parents[1].parent / "shared/benchmarks/phenopacket-store/cases.jsonl.gz"


def _resample(n: int, folder: Path) -> Path:
    path = folder / f"cases-{n}.jsonl"
    with gzip.open(SHARED, "rt", encoding="utf-8") as source, path.open("w", encoding="utf-8") as sink:
        lines = source.read().splitlines()
        for i, line in zip(range(n), itertools.cycle(lines), strict=False):
            packet = json.loads(line)
            packet["id"] = f"{packet.get('id', 'case')}#{i}"
            sink.write(json.dumps(packet) + "\n")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=5000)
    parser.add_argument("--sizes", default="", help="comma-separated batch sizes for the cost-per-case curve")
    args = parser.parse_args()
    settings = (("local", 1), ("local", 2), ("dask-local", 2))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        cases = _resample(args.cases, folder)
        for scheduler, workers in settings:
            out = folder / f"{scheduler}-{workers}.jsonl"
            t = time.perf_counter()
            summary = run_batch(cases, out, top=10, scheduler=scheduler, workers=workers, progress=False)
            took = time.perf_counter() - t
            print(
                f"{scheduler:<10} workers={workers}: {summary.ranked:,} cases in {took:.1f} s = "
                f"{summary.ranked / took:,.0f} cases/s (start-up included)"
            )
        for size in [int(s) for s in args.sizes.split(",") if s]:
            subset = _resample(size, folder)
            t = time.perf_counter()
            run_batch(
                subset, folder / f"size-{size}.jsonl", top=10, scheduler="local", workers=2, progress=False
            )
            took = time.perf_counter() - t
            print(f"batch of {size:,}: {1000 * took / size:.2f} ms per case (local, 2 workers)")


if __name__ == "__main__":
    main()
