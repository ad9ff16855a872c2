"""Fit the shipped coefficients of the similar-patient evidence (`suspect/data/similar_evidence.json`).

Usage:  .venv/bin/python scripts/fit_similar_evidence.py [CASES] [--folds 5]
Default CASES: ../shared/benchmarks/phenopacket-store/cases.jsonl.gz, plus the curated IPEX / IPEX-like
patients. Every case is scored by a model whose case knowledge comes from the other folds' publications
(5-fold, grouped by publication), and the two logistic models of `similar_evidence.py` are fitted on all
folds' (case, disease) pairs (~2 min on 2 cores). `ipexpath bench` refits them inside each fold (nested), so
the benchmark figures never use these shipped values.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from ipexpath.knowledge import load_knowledge
from ipexpath.knowledge.case_knowledge import CaseKnowledge, curated_cases_dir
from ipexpath.suspect.benchmark import evidence_cases, training_pool
from ipexpath.suspect.model import ModelParameters, RankingModel
from ipexpath.suspect.similar_evidence import DATA_FILE, fit_cross_validated

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT.parent / "shared" / "benchmarks" / "phenopacket-store" / "cases.jsonl.gz"
OUT = ROOT / "src" / "ipexpath" / "suspect" / "data" / DATA_FILE


def main() -> int:
    """Fit on all folds and write the data file."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("cases", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    if not args.cases.exists():
        print(f"{args.cases} not found; nothing to fit.", file=sys.stderr)
        return 2
    kb = load_knowledge()
    params = ModelParameters()
    curated = curated_cases_dir()
    pool, pool_fold = training_pool(args.cases, curated, kb, args.folds)
    plain = RankingModel.build(kb, params, cases=None)
    cases = list(evidence_cases(args.cases, curated, None, plain, args.folds))

    def build(subset: CaseKnowledge) -> RankingModel:
        return RankingModel.build(kb, params, cases=subset)

    evidence = fit_cross_validated(
        build,
        pool,
        pool_fold,
        cases,
        args.folds,
        {
            "command": "scripts/fit_similar_evidence.py",
            "source": args.cases.name,
            "curated_patients": int(pool.case_curated.sum()),
            "training_cases": pool.n_cases,
            "hpo": kb.release_label,
            "date": dt.date.today().isoformat(),
        },
    )
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(evidence.to_json(), encoding="utf-8")
    print(f"wrote {OUT} ({evidence.provenance['cases']} cases, {evidence.provenance['pairs']} pairs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
