"""Batch re-ranking throughput: `rank --batch` on 1 and 2 local processes and on a 2-worker Dask LocalCluster.

The shared phenopacket-store cases are resampled (with new ids) up to the sizes asked for. Prints, with the
machine's load average before each run (the machine is shared):

* cases/s of the three settings on --compare-cases cases (model start-up included: the model store exists);
* the cost per case on 2 local processes as the batch grows over --sizes (flat is the goal).

    nice -n 10 .venv/bin/python benchmarks/bench_scale_rank.py --compare-cases 5000 --sizes 1000,5000,50000
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import tempfile
import time
from pathlib import Path

from ipexpath.batch.rerank import prepare_model
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


def _load() -> str:
    with open("/proc/loadavg", encoding="ascii") as handle:
        return " ".join(handle.read().split()[:3])


def _run(cases: Path, out: Path, scheduler: str, workers: int) -> tuple[int, float, int]:
    start = time.perf_counter()
    summary = run_batch(cases, out, top=10, scheduler=scheduler, workers=workers, progress=False)
    took = time.perf_counter() - start
    return summary.ranked, took, out.stat().st_size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--compare-cases", type=int, default=2000, help="0: only the cost-per-case curve")
    parser.add_argument("--sizes", default="", help="comma-separated batch sizes for the cost-per-case curve")
    args = parser.parse_args()
    prepare_model(None)  # knowledge cache and model store exist before anything is timed
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        cases = _resample(args.compare_cases, folder)
        settings = (("local", 1), ("local", 2), ("dask-local", 2)) if args.compare_cases else ()
        for scheduler, workers in settings:
            load = _load()
            ranked, took, size = _run(cases, folder / f"{scheduler}-{workers}.jsonl", scheduler, workers)
            print(
                f"{scheduler:<10} workers={workers}: {ranked:,} cases in {took:.1f} s = {ranked / took:,.1f} "
                f"cases/s ({size / ranked / 1000:.0f} kB/case; load average before: {load})",
                flush=True,
            )
        for size in [int(s) for s in args.sizes.split(",") if s]:
            subset = _resample(size, folder)
            load = _load()
            ranked, took, _ = _run(subset, folder / f"size-{size}.jsonl", "local", 2)
            print(
                f"batch of {size:,}: {1000 * took / ranked:.1f} ms per case, {ranked / took:,.1f} cases/s "
                f"(local, 2 workers; load average before: {load})",
                flush=True,
            )
            (folder / f"size-{size}.jsonl").unlink()


if __name__ == "__main__":
    main()
