#!/usr/bin/env python3
"""Write the phrase table learned from GSC+ curators (knowledge/data/text_learned_gsc.json).

Input: ../shared/benchmarks/gsc-plus/ (228 PubMed abstracts annotated with HPO terms; Lobo et al. 2017,
extended from Groza et al. 2015; copy from the PhenoTagger repository, MIT) and the shipped HPO release.
What is learned and how: knowledge/textlearned.py. The table learned from ALL of GSC+ must never be scored
on GSC+; benchmarks/bench_text_gsc.py measures the approach by document-grouped cross-validation.

    .venv/bin/python scripts/build_text_learned.py          # (re)write the table
    .venv/bin/python scripts/build_text_learned.py --check  # exit 1 if the shipped table differs
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ipexpath.knowledge import load_knowledge
from ipexpath.knowledge.textlearned import PACKAGED, build_from_gsc_plus, table_json

ROOT = Path(__file__).resolve().parents[1]
GSC = ROOT.parent / "shared" / "benchmarks" / "gsc-plus"
OUT = ROOT / "src" / "ipexpath" / "knowledge" / "data" / PACKAGED


def main() -> int:
    """Build (or check) the table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--check", action="store_true", help="compare with the shipped file, write nothing")
    parser.add_argument("--gsc", type=Path, default=GSC, help="the GSC+ folder")
    args = parser.parse_args()
    kb = load_knowledge()
    table = build_from_gsc_plus(kb, args.gsc)
    text = table_json(kb, table)
    if args.check:
        same = OUT.exists() and OUT.read_text(encoding="utf-8") == text
        print("up to date" if same else f"{OUT} differs from a rebuild")
        return 0 if same else 1
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT}: {len(table.terms)} phrases, {len(table.drop)} dropped readings")
    return 0


if __name__ == "__main__":
    sys.exit(main())
