"""Why the ranking fails: the benchmark's misses broken down by cause (a study, not a test).

For every rankable published case (OMIM truth in the knowledge base, ≥ 1 known observed term) it scores the
case once with the default model and reports, for the cited and uncited strata:

* top-1 / top-10 by the share of the case's findings that the true disease does not explain at all (its
  log10 LR is at the noise floor, `unexplained_lr`, or below): the annotation gap;
* top-1 / top-10 by the number of phenotype annotations of the true disease;
* how concentrated the misses are: the diseases with most uncited misses (rank > 10), with the disease most
  often ranked first instead;
* the findings most often left unexplained by the true disease in uncited cases.

Only published, aggregated figures are printed (disease and HPO names, counts), never a case.

Usage:  .venv/bin/python benchmarks/bench_ranking_failures.py [CASES]     (about 15 s)
"""

from __future__ import annotations

import argparse
import itertools
import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ipexpath.knowledge import load_knowledge
from ipexpath.suspect.benchmark import pessimistic_rank, rankable_cases
from ipexpath.suspect.model import RankingModel
from ipexpath.suspect.ranking import score_lr

DEFAULT = (
    Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "phenopacket-store" / "cases.jsonl.gz"
)
MISS = 10  # a case "misses" when its true disease ranks below this


@dataclass(frozen=True)
class Outcome:
    """One scored case: rank of its best-ranked true disease and what explains it."""

    cited: bool
    rank: int
    truth: int
    first: int  # the OMIM disease ranked first
    n_annotations: int
    unexplained: tuple[int, ...]  # observed terms the true disease explains only at the noise floor
    n_observed: int


def score_all(path: Path) -> tuple[RankingModel, list[Outcome]]:
    """Score every rankable case of `path` once."""
    model = RankingModel.build(
        load_knowledge(), cases=None
    )  # annotations only: these cases are its training data
    omim = model.omim_mask
    n_annotations = np.diff(model.direct_rows.indptr)
    floor = math.log10(model.params.unexplained_lr) + 1e-6
    outcomes: list[Outcome] = []
    for case in rankable_cases(path, model):
        scores = score_lr(model, case.terms)
        rank, truth = min((pessimistic_rank(scores, omim, d), d) for d in case.truth)
        first = int(np.argmax(np.where(omim, scores, -np.inf)))
        unexplained = tuple(t for t in case.terms.observed if model.log10_lr_observed(t)[truth] <= floor)
        outcomes.append(
            Outcome(
                case.cited,
                rank,
                truth,
                first,
                int(n_annotations[truth]),
                unexplained,
                len(case.terms.observed),
            )
        )
    return model, outcomes


def _line(label: str, group: list[Outcome]) -> str:
    if not group:
        return f"  {label:28s} n=    0"
    ranks = np.array([o.rank for o in group])
    top1, top10 = np.mean(ranks <= 1), np.mean(ranks <= MISS)
    return f"  {label:28s} n={ranks.size:5d}  top-1 {top1:6.1%}  top-10 {top10:6.1%}"


def _bands(
    title: str, outcomes: list[Outcome], key: Callable[[Outcome], float], edges: list[float], fmt: str
) -> None:
    print(title)
    for cited in (True, False):
        stratum = [o for o in outcomes if o.cited is cited]
        for lo, hi in itertools.pairwise(edges):
            label = ("cited " if cited else "uncited ") + fmt.format(lo, hi)
            print(_line(label, [o for o in stratum if lo <= key(o) < hi]))


def main() -> int:
    """Print the failure breakdown."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("cases", nargs="?", type=Path, default=DEFAULT)
    args = parser.parse_args()
    if not args.cases.exists():
        print(f"{args.cases} not found; nothing to analyse.")
        return 0
    model, outcomes = score_all(args.cases)
    kb = model.kb
    print(f"{len(outcomes)} rankable cases (HPO {kb.release_label}); a miss is rank > {MISS}")
    print(_line("cited", [o for o in outcomes if o.cited]))
    print(_line("uncited", [o for o in outcomes if not o.cited]))
    _bands(
        "\nBy the share of findings the true disease does not explain:",
        outcomes,
        lambda o: len(o.unexplained) / o.n_observed,
        [0.0, 0.2, 0.4, 0.6, 1.01],
        "unexplained {:.0%}-{:.0%}",
    )
    _bands(
        "\nBy the number of phenotype annotations of the true disease:",
        outcomes,
        lambda o: o.n_annotations,
        [0, 10, 20, 40, 80, 100_000],
        "annotations {:.0f}-{:.0f}",
    )
    uncited = [o for o in outcomes if not o.cited]
    share = np.mean([len(o.unexplained) / o.n_observed for o in uncited]) if uncited else 0.0
    print(f"\nUncited cases: mean share of findings unexplained by the true disease {share:.1%}")
    per_disease = Counter(o.truth for o in uncited)
    misses = [o for o in uncited if o.rank > MISS]
    print(
        f"Uncited cases come from {len(per_disease)} diseases; {len(misses)} miss the top {MISS}. "
        "Diseases with most misses (misses / cases, usual rank-1 disease instead):"
    )
    for disease, n_miss in Counter(o.truth for o in misses).most_common(12):
        instead = Counter(o.first for o in misses if o.truth == disease).most_common(1)[0][0]
        print(
            f"  {n_miss:4d} / {per_disease[disease]:4d}  {kb.disease_ids[disease]:12s} "
            f"{kb.disease_names[disease][:45]:45s} instead: {kb.disease_names[instead][:40]}"
        )
    print("Findings most often unexplained by the true disease (uncited cases):")
    for term, n in Counter(t for o in uncited for t in o.unexplained).most_common(12):
        print(f"  {n:5d}  {kb.term_ids[term]}  {kb.labels[term]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
