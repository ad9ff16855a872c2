"""Leave-one-publication-out ranking benchmark: how the model does when a case's own paper never fed the HPO.

About half of the phenopacket-store cases come from papers that the HPO curators used to annotate the
very disease of the case ("cited" cases). For each such publication this script rebuilds the ranking model
from the knowledge base without every annotation line citing that paper, then ranks its cases (OMIM ranks,
ties pessimistic). Uncited cases are ranked with the full model, as in `ipexpath bench`.

Usage:  .venv/bin/python benchmarks/bench_ranking_lopo.py [CASES] [--limit-publications N]
Takes about 6 minutes for the ~600 cited publications of the shared file (one model build each).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from ipexpath.knowledge import load_knowledge
from ipexpath.suspect.benchmark import knowledge_without_references, pessimistic_rank, rankable_cases
from ipexpath.suspect.model import RankingModel
from ipexpath.suspect.ranking import CaseTerms, score_lr

DEFAULT = (
    Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "phenopacket-store" / "cases.jsonl.gz"
)


def main() -> int:
    """Print top-1/3/10 of cited cases under leave-one-publication-out, beside the full-model figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("cases", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--limit-publications", type=int, default=None)
    args = parser.parse_args()
    if not args.cases.exists():
        print(f"{args.cases} not found; nothing to benchmark.")
        return 0
    kb = load_knowledge()
    full = RankingModel.build(kb, cases=None)  # annotations only: these cases are its training data
    omim = full.omim_mask
    groups: dict[frozenset[str], list[tuple[CaseTerms, tuple[int, ...]]]] = {}
    for case in rankable_cases(args.cases, full):
        if case.cited:
            groups.setdefault(case.pmids, []).append((case.terms, case.truth))
    publications = list(groups.items())[: args.limit_publications]
    full_ranks: list[int] = []
    lopo_ranks: list[int] = []
    start = time.perf_counter()
    for pmids, items in publications:
        model = RankingModel.build(knowledge_without_references(kb, set(pmids)), cases=None)
        for terms, truth in items:
            s_full, s_lopo = score_lr(full, terms), score_lr(model, terms)
            full_ranks.append(min(pessimistic_rank(s_full, omim, d) for d in truth))
            lopo_ranks.append(min(pessimistic_rank(s_lopo, omim, d) for d in truth))
    seconds = time.perf_counter() - start
    for label, ranks in (("full model", full_ranks), ("leave-publication-out", lopo_ranks)):
        r = np.array(ranks)
        print(
            f"cited rankable cases, {label:22s} n={r.size}  top-1 {np.mean(r <= 1):.3f}  "
            f"top-3 {np.mean(r <= 3):.3f}  top-10 {np.mean(r <= 10):.3f}"
        )
    print(f"{len(publications)} publications, {seconds:.0f} s (HPO {kb.release_label})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
