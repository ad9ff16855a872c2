#!/usr/bin/env python3
"""Write the phrase table learned from GSC+ curators (knowledge/data/text_learned_gsc.json) and its clinically
vetted form, the default of the recogniser (knowledge/data/text_learned_vetted.json).

Input: ../shared/benchmarks/gsc-plus/ (228 PubMed abstracts annotated with HPO terms; Lobo et al. 2017,
extended from Groza et al. 2015; copy from the PhenoTagger repository, MIT) and the shipped HPO release.
What is learned and how: knowledge/textlearned.py; the vetting: knowledge/textvetting.py and
knowledge/data/text_learned_vetting.yaml. The table learned from ALL of GSC+ must never be scored
on GSC+; benchmarks/bench_text_gsc.py measures the approach by document-grouped cross-validation.

    .venv/bin/python scripts/build_text_learned.py          # (re)write the table
    .venv/bin/python scripts/build_text_learned.py --check  # exit 1 if a shipped table differs
    .venv/bin/python scripts/build_text_learned.py --vet-only  # re-vet the shipped raw table (no GSC+ needed)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ipexpath.knowledge import load_knowledge
from ipexpath.knowledge.textlearned import (
    PACKAGED,
    PACKAGED_VETTED,
    LearnedPhrases,
    build_from_gsc_plus,
    table_json,
)
from ipexpath.knowledge.textvetting import vet, vetted_json

ROOT = Path(__file__).resolve().parents[1]
GSC = ROOT.parent / "shared" / "benchmarks" / "gsc-plus"
OUT = ROOT / "src" / "ipexpath" / "knowledge" / "data" / PACKAGED
OUT_VETTED = OUT.parent / PACKAGED_VETTED


def main() -> int:
    """Build (or check) the table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--check", action="store_true", help="compare with the shipped file, write nothing")
    parser.add_argument("--gsc", type=Path, default=GSC, help="the GSC+ folder")
    parser.add_argument("--vet-only", action="store_true", help="re-vet the shipped raw table only")
    args = parser.parse_args()
    kb = load_knowledge()
    if args.vet_only:
        import json

        table = LearnedPhrases.from_dict(json.loads(OUT.read_text(encoding="utf-8")))
    else:
        table = build_from_gsc_plus(kb, args.gsc)
    vetting = vet(kb, table)
    texts = {OUT: table_json(kb, table), OUT_VETTED: vetted_json(kb, vetting)}
    if args.check:
        stale = [path for path, text in texts.items() if not path.exists() or path.read_text("utf-8") != text]
        print("up to date" if not stale else f"{', '.join(map(str, stale))} differ(s) from a rebuild")
        return 1 if stale else 0
    for path, text in texts.items():
        path.write_text(text, encoding="utf-8")
    kept = sum(d.kept for d in vetting.decisions)
    print(
        f"wrote {OUT}: {len(table.terms)} phrases, {len(table.drop)} dropped readings; "
        f"{OUT_VETTED}: {kept} of {len(vetting.decisions)} entries kept"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
