#!/usr/bin/env python3
"""Build the shipped case knowledge (published patients as compact arrays) from `../shared`.

Input: ../shared/benchmarks/phenopacket-store/cases.jsonl.gz (the curated patients of
src/ipexpath/knowledge/data/cases/ ship as phenopackets and are added at load time). Output: src/ipexpath/knowledge/data/case_knowledge.npz, with its
provenance (source checksum, number of cases and publications, skipped cases and why, build date).

    .venv/bin/python scripts/build_case_knowledge.py            # (re)write the shipped file
    .venv/bin/python scripts/build_case_knowledge.py --check    # exit 1 if the shipped file is stale
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from ipexpath.knowledge import load_knowledge
from ipexpath.knowledge.case_knowledge import DATA_FILE, CaseKnowledge, build_case_knowledge

ROOT = Path(__file__).resolve().parents[1]
STORE = ROOT.parent / "shared" / "benchmarks" / "phenopacket-store" / "cases.jsonl.gz"
OUT = ROOT / "src" / "ipexpath" / "knowledge" / "data" / DATA_FILE


def main() -> int:
    """Build (or check) the shipped case knowledge."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=STORE, help="phenopacket-store cases (.jsonl.gz)")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--check", action="store_true", help="only compare with the shipped file")
    args = parser.parse_args()
    if not args.store.exists():
        print(f"{args.store} not found (it lives in ../shared beside the repository).", file=sys.stderr)
        return 2
    knowledge, report = build_case_knowledge(
        args.store, load_knowledge(), build_date=dt.date.today().isoformat()
    )
    summary = {k: v for k, v in knowledge.provenance.items() if k != "source"}
    if args.check:
        shipped = CaseKnowledge.from_bytes(args.out.read_bytes(), str(args.out))
        same = shipped.provenance.get("content_sha256") == knowledge.provenance["content_sha256"]
        print("up to date" if same else f"{args.out} is stale: rebuild it with {Path(__file__).name}")
        return 0 if same else 1
    data = knowledge.to_bytes()
    args.out.write_bytes(data)
    print(json.dumps(summary, indent=2))
    print(f"wrote {args.out} ({len(data) / 1024:.0f} kB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
