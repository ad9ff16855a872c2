"""Warm `assess` time on the bundled example family and the sizes of the written reports.

Run: .venv/bin/python benchmarks/bench_assess.py [--repeat N]
"Warm" = the HPO knowledge cache exists and the process has loaded it once; each timed run is the whole
`ipexpath assess` work (ranking model, ranking, VCF, classification, family risks, testing plan, rendering
and writing the three files). Prints figures only; tests never assert wall time.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from ipexpath.case import read_case
from ipexpath.knowledge import load_knowledge
from ipexpath.report import example_inputs, run_assessment, write_outputs


def main() -> None:
    """Time the example assessment a few times and print the median and the file sizes."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    start = time.perf_counter()
    kb = load_knowledge()
    load = time.perf_counter() - start
    example = example_inputs()
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.repeat):
            t0 = time.perf_counter()
            case = read_case(example.case, kb)
            assessment = run_assessment(kb, case, vcf=example.vcf, family=example.family)
            outputs = write_outputs(assessment, Path(tmp) / f"run{i}")
            times.append(time.perf_counter() - t0)
        sizes = {p.name: p.stat().st_size for p in (outputs.report, outputs.leaflet, outputs.json)}
    print(f"knowledge load (cached index): {load:.2f} s")
    print(
        f"assess on the example, warm: median {statistics.median(times):.2f} s over {len(times)} runs "
        f"(min {min(times):.2f} s, max {max(times):.2f} s)"
    )
    for name, size in sizes.items():
        print(f"{name}: {size / 1024:.1f} KiB")


if __name__ == "__main__":
    main()
