"""VCF reading speed of `ipexpath.confirm`.

Run: .venv/bin/python benchmarks/bench_vcf.py [--indexed-records 5000000] [--plain-records 1000000]

In a temporary folder it generates (1) a bgzipped, tabix-indexed single-sample GRCh38 VCF with 5 million
records spread over chr1, chr2, chr10 and chrX (a few hundred of them inside the panel genes), and (2) a plain
1-million record VCF. It then times `read_variants` on both, `read_variants` + `classify_variants` on the
indexed file, and the `ipexpath classify --vcf` command end to end (new process): panel extraction by region
queries on the indexed file (target < 2 s) and the full scan of the unindexed file (target >= 200,000
records/s). bgzip + tabix use pysam (installed with hgvs via biocommons.seqrepo); reading uses cyvcf2 only.
Prints figures; tests never assert time.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ipexpath.confirm import EvaluationContext, classify_variants, load_panel, read_variants

HEADER = """##fileformat=VCFv4.2
##reference=GRCh38
##contig=<ID=chr1,length=248956422>
##contig=<ID=chr2,length=242193529>
##contig=<ID=chr10,length=133797422>
##contig=<ID=chrX,length=156040895>
##INFO=<ID=DP,Number=1,Type=Integer,Description="Total depth">
##INFO=<ID=AF,Number=A,Type=Float,Description="Allele frequency">
##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">
##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Read depth">
#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tPROBAND
"""

# (chrom, length) shares of the records; positions evenly spaced so that panel genes receive records.
CHROMS = (("chr1", 248_000_000), ("chr2", 242_000_000), ("chr10", 133_000_000), ("chrX", 156_000_000))


def write_vcf(path: Path, n_records: int) -> None:
    per_chrom = n_records // len(CHROMS)
    bases = "ACGT"
    with path.open("w", encoding="utf-8") as handle:
        handle.write(HEADER)
        for chrom, length in CHROMS:
            step = max(1, length // per_chrom)
            chunk = []
            for i in range(per_chrom):
                pos = 1 + i * step
                ref = bases[i % 4]
                alt = bases[(i + 1) % 4]
                gt = "1" if chrom == "chrX" and i % 3 == 0 else ("0/1" if i % 2 else "1/1")
                chunk.append(f"{chrom}\t{pos}\t.\t{ref}\t{alt}\t50\tPASS\tDP=30;AF=0.5\tGT:DP\t{gt}:30\n")
                if len(chunk) == 100_000:
                    handle.writelines(chunk)
                    chunk.clear()
            handle.writelines(chunk)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--indexed-records", type=int, default=5_000_000)
    parser.add_argument("--plain-records", type=int, default=1_000_000)
    args = parser.parse_args()
    import pysam

    panel = load_panel()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        start = time.perf_counter()
        big = folder / "big.vcf"
        write_vcf(big, args.indexed_records)
        indexed = Path(pysam.tabix_index(str(big), preset="vcf", force=True))
        plain = folder / "plain.vcf"
        write_vcf(plain, args.plain_records)
        took = time.perf_counter() - start
        size = indexed.stat().st_size / 1e6
        print(
            f"generated {args.indexed_records:,} + {args.plain_records:,} records "
            f"in {took:.1f} s ({size:.0f} MB bgzipped)"
        )

        best = cpu = float("inf")
        for _ in range(3):
            start, cpu_start = time.perf_counter(), time.process_time()
            result = read_variants(indexed, panel, build="GRCh38")
            best, cpu = min(best, time.perf_counter() - start), min(cpu, time.process_time() - cpu_start)
        print(f"indexed {args.indexed_records:,}-record VCF: {result.records_read:,} panel records, "
              f"{len(result.variants):,} variants extracted in {best:.3f} s wall, {cpu:.3f} s CPU "
              "(target < 2 s)")  # fmt: skip

        ctx = EvaluationContext(panel)
        classify_variants(result.variants[:1], ctx)  # warm: evidence file, transcripts, protein loaded once
        best = cpu = float("inf")
        for _ in range(3):
            start, cpu_start = time.perf_counter(), time.process_time()
            result = read_variants(indexed, panel, build="GRCh38")
            classified = classify_variants(result.variants, ctx)
            best, cpu = min(best, time.perf_counter() - start), min(cpu, time.process_time() - cpu_start)
        print(f"read + classify (in process): {len(classified):,} variants in {best:.3f} s wall, "
              f"{cpu:.3f} s CPU "
              "(target < 2 s)")  # fmt: skip

        best = cpu = float("inf")
        out = folder / "result.json"
        for _ in range(3):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            run = subprocess.run(
                [str(Path(sys.executable).with_name("ipexpath")), "classify", "--vcf", str(indexed),
                 "--sample", "PROBAND", "--output", str(out)],
                capture_output=True, text=True, check=False,
            )  # fmt: skip
            best = min(best, time.perf_counter() - start)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = min(cpu, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        size = out.stat().st_size / 1e6 if out.exists() else 0.0
        print(f"`ipexpath classify --vcf` end to end (new process, imports, {size:.0f} MB JSON): "
              f"{best:.2f} s wall, {cpu:.2f} s CPU (exit {run.returncode}; target < 2 s)")  # fmt: skip

        best = cpu = float("inf")
        for _ in range(3):
            start, cpu_start = time.perf_counter(), time.process_time()
            result = read_variants(plain, panel, build="GRCh38")
            best, cpu = min(best, time.perf_counter() - start), min(cpu, time.process_time() - cpu_start)
        rate, cpu_rate = args.plain_records / best, args.plain_records / cpu
        print(f"full scan of {args.plain_records:,}-record plain VCF: {best:.2f} s = {rate:,.0f} records/s "
              f"wall, "
              f"{cpu_rate:,.0f} records/s CPU ({result.records_read:,} panel records; target >= 200,000 "
              "records/s)")  # fmt: skip


if __name__ == "__main__":
    main()
