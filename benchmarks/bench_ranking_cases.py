"""Case-knowledge variants on publication-grouped cross-validation (research; ~2 min per variant on 2 cores).

Usage:  .venv/bin/python benchmarks/bench_ranking_cases.py [--workers 2] [--folds 5] [--variants a,b,…]

Every variant is scored on the same folds as `ipexpath bench` (each fold ranked by a model whose case
profiles were learnt from the other folds' publications only). Printed per variant: rankable, uncited,
half A / half B, diseases with / without training cases, the IPEX spectrum (curated patients) and the macro
average. The similar-patient evidence is refitted inside each fold on the other folds (nested), as in
`ipexpath bench`. Research only: the shipped parameters were set a priori (design note §0).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ipexpath.knowledge import load_knowledge
from ipexpath.suspect.benchmark import method_summary, run_cv
from ipexpath.suspect.model import ModelParameters

DEFAULT = (
    Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "phenopacket-store" / "cases.jsonl.gz"
)
BASE = ModelParameters()
VARIANTS: dict[str, ModelParameters] = {
    "no_cases": BASE.with_changes(case_weight=0.0, similar_evidence_weight=0.0),
    "lr-8": BASE,
    "lr-7 (no similar evidence)": BASE.with_changes(similar_evidence_weight=0.0),
    "cap3": BASE.with_changes(case_cap_per_publication=3.0),
    "no_cap": BASE.with_changes(case_cap_per_publication=0.0),
    "similar0.5": BASE.with_changes(similar_evidence_weight=0.5),
    "similar1.5": BASE.with_changes(similar_evidence_weight=1.5),
    # session 4 (§0.10): case-profile options, fixed a priori, on lr-8 and on lr-7 (no nested similar-evidence
    # fit: about a fifth of the cost, which was all a loaded machine allowed)
    "assessed_patients": BASE.with_changes(case_assessed_patients=True),
    "assessed_publications": BASE.with_changes(case_assessed_publications=True),
    "ic_propagation": BASE.with_changes(case_ic_propagation=True),
    "lr-7 assessed_patients": BASE.with_changes(similar_evidence_weight=0.0, case_assessed_patients=True),
    "lr-7 assessed_publications": BASE.with_changes(
        similar_evidence_weight=0.0, case_assessed_publications=True
    ),
    "lr-7 ic_propagation": BASE.with_changes(similar_evidence_weight=0.0, case_ic_propagation=True),
}
STRATA = (
    "rankable",
    "uncited",
    "half_A",
    "half_B",
    "with_training_cases",
    "without_training_cases",
    "ipex_spectrum",
    "ipex_patients",
)


def main() -> int:
    """Run the variants and print one line per variant and stratum."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("cases", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument(
        "--with-no-cases",
        action="store_true",
        help="also score the model without case knowledge in the same run (its with/without-training strata)",
    )
    parser.add_argument("--decimals", type=int, default=1)
    args = parser.parse_args()
    if not args.cases.exists():
        print(f"{args.cases} not found; nothing to benchmark.")
        return 0
    kb = load_knowledge()
    print(f"{'variant':<28}" + "".join(f"{s[:14]:>16}" for s in (*STRATA, "macro_rankable")))
    for name in args.variants.split(","):
        methods = ("lr", "lr_no_cases") if args.with_no_cases else ("lr",)
        rows, _ = run_cv(
            args.cases, kb, folds=args.folds, methods=methods, workers=args.workers, params=VARIANTS[name]
        )
        keys = [(name, "rank")] + (
            [("  same run, no case knowledge", "rank_lr_no_cases")] * args.with_no_cases
        )
        for label, key in keys:
            summary = method_summary(rows, key)
            cells = []
            for stratum in (*STRATA, "macro_rankable"):
                s = summary[stratum]
                d = args.decimals
                top1, top10 = (s["top1"] * 100, s["top10"] * 100) if s.get("top1") is not None else (0, 0)
                cells.append(f"{top1:5.{d}f}/{top10:5.{d}f}" if s.get("top1") is not None else "-")
            print(f"{label:<28}" + "".join(f"{c:>16}" for c in cells), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
