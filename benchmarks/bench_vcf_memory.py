"""Peak memory of reading a VCF against the number of records inside the panel genes (issue 18).

Run: .venv/bin/python benchmarks/bench_vcf_memory.py [--records 10000 100000]

For each size it writes a VEP-annotated single-sample GRCh38 VCF whose records all fall inside the LRBA
region (the largest panel gene, 771 kb), the patient carrying one record in 1,000 (het), and reads it with
`read_variants` in a fresh subprocess, once plain and once bgzipped + tabix-indexed. Reported: peak resident
memory of that subprocess (ru_maxrss), time, records read and variants kept. Memory should be flat in the
number of panel records: records are streamed, only the patient's calls are kept (at most
`MAX_PANEL_VARIANTS`). Prints figures; tests never assert time or memory.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

HEADER = (
    "##fileformat=VCFv4.2\n##reference=GRCh38\n##contig=<ID=chr4,length=190214555>\n"
    '##INFO=<ID=CSQ,Number=.,Type=String,Description="Consequence annotations from Ensembl VEP. '
    'Format: Allele|Consequence|IMPACT|SYMBOL|Gene|Feature_type|Feature|BIOTYPE|EXON|HGVSc|HGVSp|MAX_AF">\n'
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n'
    "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tPROBAND\n"
)
START, END = 150_264_435, 151_015_755  # LRBA (GRCh38)

_CHILD = textwrap.dedent(
    """
    import json, resource, sys, time
    from ipexpath.confirm import load_panel, read_variants
    panel = load_panel()
    start = time.process_time()
    result = read_variants(sys.argv[1], panel, build="GRCh38")
    took = time.process_time() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"records": result.records_read, "variants": len(result.variants),
                      "indexed": result.indexed, "seconds": took, "peak_mb": peak}))
    """
)


def write_vcf(path: Path, n: int) -> None:
    step = max(1, (END - START) // n)
    bases = "ACGT"
    with path.open("w", encoding="utf-8") as handle:
        handle.write(HEADER)
        for i in range(n):
            pos = START + i * step
            ref, alt = bases[i % 4], bases[(i + 1) % 4]
            gt = "0/1" if i % 1000 == 0 else "0/0"
            csq = f"{alt}|intron_variant|MODIFIER|LRBA|ENSG00000198589|Transcript|ENST00000357115.9|" \
                  f"protein_coding||ENST00000357115.9:c.{i}+5{ref}>{alt}||0.001"  # fmt: skip
            handle.write(f"chr4\t{pos}\t.\t{ref}\t{alt}\t50\tPASS\tCSQ={csq}\tGT\t{gt}\n")


def measure(path: Path) -> dict[str, float]:
    proc = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path)], capture_output=True, text=True, check=True
    )
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, nargs="+", default=[10_000, 100_000])
    args = parser.parse_args()
    import pysam

    with tempfile.TemporaryDirectory() as tmp:
        for n in args.records:
            plain = Path(tmp) / f"panel{n}.vcf"
            write_vcf(plain, n)
            copy = Path(tmp) / f"idx{n}.vcf"
            copy.write_bytes(plain.read_bytes())
            indexed = Path(pysam.tabix_index(str(copy), preset="vcf", force=True))
            for label, path in (("plain", plain), ("indexed", indexed)):
                row = measure(path)
                print(
                    f"{n:>8,} panel records, {label:<7}: peak {row['peak_mb']:.0f} MB, "
                    f"{row['seconds']:.2f} s CPU, "
                    f"{int(row['records']):,} records read, {int(row['variants']):,} variants kept"
                )


if __name__ == "__main__":
    main()
