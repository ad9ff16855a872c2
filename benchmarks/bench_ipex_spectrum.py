"""IPEX-spectrum stratum only, publication-grouped CV, with and without the cohort profiles (research).

Usage:  .venv/bin/python benchmarks/bench_ipex_spectrum.py [--folds 5] [--evidence nested|shipped|off]
        .venv/bin/python benchmarks/bench_ipex_spectrum.py --store [--evidence nested|off] [--workers 2]

Same folds as `ipexpath bench` (fold = hash of the first PMID): each curated patient is ranked by a model
whose case profiles were learnt from the other folds only (store and curated patients). It scores only the
curated patients, so it is quick (≈ 1 min per variant without the nested fit). `--evidence nested` refits the
similar-patient evidence inside each fold as `ipexpath bench` does (slow: 10 extra models, the whole store
scored); `shipped` uses the shipped coefficients (fitted on all store cases: a development shortcut, never a
figure to report); `off` switches the similar-patient evidence off.

Printed per variant: IPEX (FOXP3) patients, IPEX-like patients, all curated patients (top-1/3/10), the same
strata without the curated patients a cohort source may also contain (`possible_overlap` in
`knowledge/data/cohort_profiles.yaml`), and the rank of each IPEX patient. Leakage rule: every curated patient
is ranked by a model built without the cohorts that may include him.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ipexpath.knowledge import load_knowledge
from ipexpath.knowledge.base import KnowledgeBase
from ipexpath.knowledge.case_knowledge import curated_cases_dir, iter_packets
from ipexpath.suspect.benchmark import (
    RawCase,
    evidence_cases,
    fold_of,
    method_summary,
    run,
    run_cv,
    training_pool,
)
from ipexpath.suspect.cohort_profiles import load_cohort_sources
from ipexpath.suspect.model import ModelParameters, RankingModel
from ipexpath.suspect.similar_evidence import fit_nested, shipped_similar_evidence

STORE = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "phenopacket-store" / "cases.jsonl.gz"
IPEX = "OMIM:304790"


def main() -> int:
    """Rank the curated patients fold by fold for each variant and print the strata."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("cases", nargs="?", type=Path, default=STORE)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--evidence", choices=("nested", "shipped", "off"), default="shipped")
    parser.add_argument(
        "--store", action="store_true", help="the store strata with and without instead (slow)"
    )
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if not args.cases.exists():
        print(f"{args.cases} not found; nothing to benchmark.")
        return 0
    kb = load_knowledge()
    if args.store:
        return _store_strata(args.cases, kb, args.folds, args.workers, args.evidence)
    curated = curated_cases_dir()
    pool, pool_fold = training_pool(args.cases, curated, kb, args.folds)
    raws = [RawCase(where, packet, None) for where, packet in iter_packets(curated) if packet is not None]
    sources = load_cohort_sources()
    overlap = {ref for source in sources for ref in source.possible_overlap}
    variants = {
        "without cohort profiles": ModelParameters(cohort_weight=0.0),
        "with cohort profiles": ModelParameters(),
    }
    for name, params in variants.items():
        if args.evidence == "off":
            params = params.with_changes(similar_evidence_weight=0.0)
        plain = RankingModel.build(kb, params, cases=None)
        evidence: dict[int, Any] = {}
        if args.evidence == "nested":
            fit = list(evidence_cases(args.cases, curated, None, plain, args.folds))
            evidence = fit_nested(
                lambda c, p=params: RankingModel.build(kb, p, cases=c), pool, pool_fold, fit, args.folds
            )
        rows: list[dict[str, Any]] = []
        shipped = shipped_similar_evidence() if args.evidence == "shipped" else None
        for k in range(args.folds):
            test = [r for r in raws if fold_of(r.packet or {}, args.folds, r.where) == k]
            # leakage rule: each patient is ranked without the cohorts that may include him
            by_left_out: dict[frozenset[str], list[RawCase]] = {}
            for raw in test:
                refs = _references(raw.packet or {})
                left_out = frozenset(s.key for s in sources if s.possible_overlap & refs)
                by_left_out.setdefault(left_out, []).append(raw)
            for left_out, group in by_left_out.items():
                model = RankingModel.build(
                    kb,
                    params,
                    cases=pool.subset(pool_fold != k),
                    similar_evidence=evidence.get(k, shipped),
                    cohorts=tuple(s for s in sources if s.key not in left_out),
                )
                fold_rows, _ = run(group, plain, methods=("lr",), workers=1, case_model=model)
                for row, raw in zip(fold_rows, group, strict=True):
                    row["refs"] = _references(raw.packet or {})
                    row["left_out"] = sorted(left_out)
                rows.extend(fold_rows)
        _report(name, rows, overlap)
    return 0


def _store_strata(path: Path, kb: KnowledgeBase, folds: int, workers: int, evidence: str) -> int:
    """Store strata (publication-grouped CV as `ipexpath bench`) with and without the cohort profiles."""
    names = ("rankable", "uncited", "with_training_cases", "without_training_cases", "few_terms", "half_B")
    print(f"{'variant':<26}" + "".join(f"  {n[:26]:<28}" for n in names) + "(top-1 / top-3 / top-10, n)")
    for label, weight in (("without cohort profiles", 0.0), ("with cohort profiles", 1.0)):
        params = ModelParameters(cohort_weight=weight)
        if evidence == "off":
            params = params.with_changes(similar_evidence_weight=0.0)
        rows, _ = run_cv(path, kb, folds=folds, methods=("lr",), workers=workers, params=params)
        summary = method_summary(rows, "rank")
        cells = [
            " / ".join(f"{100 * summary[n][f'top{k}']:.1f}" for k in (1, 3, 10)) + f", {summary[n]['n']}"
            for n in names
        ]
        print(f"{label:<26}" + "".join(f"  {c:<28}" for c in cells), flush=True)
    return 0


def _references(packet: dict[str, Any]) -> set[str]:
    refs = (packet.get("metaData") or {}).get("externalReferences") or []
    return {str(r.get("id", "")) for r in refs}


def _report(name: str, rows: list[dict[str, Any]], overlap: set[str]) -> None:
    ipex = [r for r in rows if IPEX in r["truth"]]
    like = [r for r in rows if IPEX not in r["truth"]]
    clean = [r for r in rows if not (r["refs"] & overlap)]
    print(f"\n== {name}")
    for label, subset in (
        ("IPEX (FOXP3) patients", ipex),
        ("IPEX-like patients", like),
        ("all curated patients", rows),
        ("IPEX, no possible cohort overlap", [r for r in clean if IPEX in r["truth"]]),
        ("all, no possible cohort overlap", clean),
    ):
        print(f"  {label:<36} n={len(subset):>3}  top-1/3/10 = {_tops(subset)}")
    for r in sorted(ipex, key=lambda r: r["id"]):
        mark = f" (ranked without {', '.join(r['left_out'])})" if r["left_out"] else ""
        print(f"    {r['id']:<60} rank {r['rank']}  ({r['n_observed']} findings){mark}")


def _tops(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "–"
    ranks = [r["rank"] for r in rows]
    return " / ".join(
        f"{100 * sum(1 for x in ranks if x is not None and x <= k) / len(ranks):.1f}" for k in (1, 3, 10)
    )


if __name__ == "__main__":
    raise SystemExit(main())
