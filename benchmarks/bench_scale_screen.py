"""Cohort screening: a generated, fictional N-sample cohort VCF with planted variants (`batch.synthetic`).

Writes the cohort (bgzipped, tabix-indexed, with a PED file), screens it with `ipexpath screen` on the
settings asked for, and checks the findings against the planted ones: every planted variant found in every
carrier with the right zygosity (hemizygous males, heterozygous and homozygous females, heterozygous and
homozygous autosomal carriers), and no other finding (the common background variants must not appear).
Prints samples × panel records per second, with the machine's load average before each run.

    nice -n 10 .venv/bin/python benchmarks/bench_scale_screen.py --samples 10000
"""

from __future__ import annotations

import argparse
import csv
import tempfile
import time
from pathlib import Path

from ipexpath.batch.screen import screen_cohort
from ipexpath.batch.synthetic import write_cohort


def _load() -> str:
    with open("/proc/loadavg", encoding="ascii") as handle:
        return " ".join(handle.read().split()[:3])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--samples", type=int, default=10_000)
    parser.add_argument("--settings", default="local:1,local:2,dask-local:2")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        start = time.perf_counter()
        cohort = write_cohort(folder, args.samples)
        print(
            f"cohort: {args.samples:,} samples, {cohort.records} records, {len(cohort.expected)} planted "
            f"carrier calls, written in {time.perf_counter() - start:.1f} s",
            flush=True,
        )
        expected = {k: z.value for k, z in cohort.expected.items()}
        for setting in args.settings.split(","):
            scheduler, workers = setting.split(":")
            for ped in (cohort.ped, None):
                out = folder / f"findings-{scheduler}-{workers}.tsv"
                load = _load()
                start = time.perf_counter()
                summary = screen_cohort(
                    cohort.vcf,
                    out,
                    ped=ped,
                    scheduler=scheduler,
                    workers=int(workers),
                    report=("P", "LP", "VUS"),
                )
                took = time.perf_counter() - start
                with out.open(encoding="utf-8") as handle:
                    rows = list(csv.DictReader(handle, delimiter="\t"))
                found = {
                    (r["sample"], r["chrom"].removeprefix("chr"), int(r["pos"]), r["ref"], r["alt"]): r[
                        "zygosity"
                    ]
                    for r in rows
                }
                missed = {k for k in expected if k not in found}
                wrong = {k for k in expected if k in found and found[k] != expected[k]}
                false = {k for k in found if k not in expected}
                rate = summary.samples * summary.records / took
                print(
                    f"{scheduler:<10} workers={workers} sex from {'PED' if ped else 'chrX calls'}: "
                    f"{took:.1f} s, "
                    f"{rate:,.0f} samples x records/s; planted calls found {len(expected) - len(missed)}/"
                    f"{len(expected)}, wrong zygosity {len(wrong)}, false findings {len(false)}; "
                    f"sex sources {summary.sex_sources} (load average before: {load})",
                    flush=True,
                )


if __name__ == "__main__":
    main()
