"""Research harness for the second-stage re-ranker (lr-9): dump cross-validated candidate features once.

Usage:  .venv/bin/python benchmarks/bench_ranking_rerank.py dump [--out F.pkl] [--limit N]
        .venv/bin/python benchmarks/bench_ranking_rerank.py eval  [--dump F.pkl]

`dump` scores every case (phenopacket-store and curated) with (i) the model without case knowledge, (ii) the
outer-fold model (case knowledge from the other folds) and (iii) each inner pair model (case knowledge from
neither the case's fold nor one other fold: the training features of the nested fit), and stores the
candidates' features. `eval` fits variants with the nested protocol of `ipexpath bench` and prints strata.
No figure uses a re-ranker that saw the case's publication.
"""

from __future__ import annotations

import argparse
import math
import pickle
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from ipexpath.knowledge import load_knowledge
from ipexpath.knowledge.case_knowledge import curated_cases_dir
from ipexpath.suspect.benchmark import (
    _all_cases,
    _terms_and_truth,
    case_pmids,
    disease_references,
    fold_of,
    pessimistic_rank,
    split_half,
    training_pool,
)
from ipexpath.suspect.calibration import TEMPERATURES
from ipexpath.suspect.model import ModelParameters, RankingModel
from ipexpath.suspect.ranking import score_lr
from rerank_features import candidates

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT.parent / "shared" / "benchmarks" / "phenopacket-store" / "cases.jsonl.gz"
KEEP_NONCAND = 12


def scoring(model: RankingModel, plain: RankingModel, terms: Any, truth_groups: list[int]) -> dict[str, Any]:
    """What the offline study needs of one (model, case) scoring."""
    groups = plain.groups
    base = score_lr(model, terms, similar=False)
    c = candidates(model, terms, base, groups)
    gs = c.group_scores
    chosen = np.isin(c.groups, truth_groups)
    mask = groups.has_omim.copy()
    mask[c.groups] = False
    rest = np.sort(gs[mask])[::-1][:KEEP_NONCAND]
    nonc = np.ones(gs.size, dtype=bool)
    nonc[c.groups] = False
    scaled = gs[nonc] * math.log(10.0)
    peak = float(scaled.max())
    lse = [peak / t + math.log(float(np.exp((scaled - peak) / t).sum())) for t in TEMPERATURES]
    has_cases = bool(
        model.case_profiles is not None
        and any(model.case_profiles.n_patients[d] > 0 for g in truth_groups for d in groups.members[g])
    )
    return {
        "x": c.features.astype(np.float32),
        "chosen": chosen,
        "omim": groups.has_omim[c.groups],
        "rest": rest.astype(np.float64),
        "truth_scores": gs[truth_groups].astype(np.float64),
        "truth_in_cand": np.isin(truth_groups, c.groups),
        "lse_rest": np.array(lse),
        "has_cases": has_cases,
    }


def read_cases(
    path: Path, curated: Path, kb: Any, plain: RankingModel, folds: int, limit: int | None
) -> list[dict[str, Any]]:
    """Every store and curated case with its fold, truth, strata keys and its rank under `plain` (shared by
    the research harnesses so that they score the same cases the same way)."""
    groups = plain.groups
    refs = disease_references(kb)
    cases: list[dict[str, Any]] = []
    for raw, is_curated in _all_cases(path, curated, limit):
        if raw.packet is None:
            continue
        found = _terms_and_truth(raw.packet, raw.where, plain)
        fold = fold_of(raw.packet, folds, raw.where)
        if found is None:
            cases.append({"rankable": False, "curated": is_curated, "fold": fold, "id": raw.where})
            continue
        terms, truth = found
        if not terms.observed:
            continue
        pmids = case_pmids(raw.packet)
        tg = sorted({int(groups.group_of[d]) for d in truth})
        ps = groups.group_scores(score_lr(plain, terms))
        cases.append(
            {
                "rankable": True,
                "curated": is_curated,
                "fold": fold,
                "id": str(raw.packet.get("id") or raw.where),
                "terms": terms,
                "truth": truth,
                "truth_groups": tg,
                "truth_ids": [kb.disease_ids[d] for d in truth],
                "cited": any(pmids & refs.get(d, frozenset()) for d in truth),
                "half": split_half(set(pmids), raw.where),
                "n_obs": len(terms.observed),
                "plain_rank": min(pessimistic_rank(ps, groups.has_omim, g) for g in tg),
                "scorings": {},
            }
        )
    return cases


def dump(args: argparse.Namespace) -> None:
    """Score every case with the plain, outer and inner pair models and pickle the features."""
    kb = load_knowledge()
    params = ModelParameters()
    curated = curated_cases_dir()
    folds = 5
    t0 = time.time()
    pool, pool_fold = training_pool(args.cases, curated, kb, folds, args.limit)
    plain = RankingModel.build(kb, params, cases=None)
    _ = plain.null_log10_lr
    cases = read_cases(args.cases, curated, kb, plain, folds, args.limit)
    print(f"{len(cases)} cases read in {time.time() - t0:.0f} s", file=sys.stderr)
    for a in range(folds):
        for b in range(a, folds):
            keep = (pool_fold != a) & (pool_fold != b)
            model = RankingModel.build(kb, params, cases=pool.subset(keep))
            for c in cases:
                if not c["rankable"] or c["fold"] not in (a, b):
                    continue
                other = b if c["fold"] == a else a
                key = "outer" if a == b else other
                c["scorings"][key] = scoring(model, plain, c["terms"], c["truth_groups"])
            print(f"pair {a},{b} done at {time.time() - t0:.0f} s", file=sys.stderr)
    for c in cases:
        c.pop("terms", None)
    with open(args.out, "wb") as handle:
        pickle.dump({"cases": cases, "folds": folds}, handle)
    print(f"wrote {args.out} in {time.time() - t0:.0f} s", file=sys.stderr)


# ------------------------------------------------------------------------------------------ evaluation
def truth_rank(s: dict[str, Any], adj: np.ndarray) -> int:
    """Pessimistic rank of the best truth group among OMIM groups after adding `adj` to the candidates."""
    new = s["x"][:, 0].astype(np.float64) + adj
    best = 10**6
    chosen_idx = np.flatnonzero(s["chosen"])
    for i, in_cand in enumerate(s["truth_in_cand"].tolist()):
        if in_cand:
            # the i-th truth group's candidate position: truth groups are sorted, so are candidates
            j = int(chosen_idx[int(np.sum(s["truth_in_cand"][:i]))])
            score = new[j]
            others = np.ones(new.size, dtype=bool)
            others[j] = False
        else:
            score = float(s["truth_scores"][i])
            others = np.ones(new.size, dtype=bool)
        count = int(np.count_nonzero(others & s["omim"] & (new >= score)))
        count += int(np.count_nonzero(s["rest"] >= score))
        best = min(best, 1 + count)
    return best


def top_record(s: dict[str, Any], adj: np.ndarray) -> dict[str, Any]:
    """Calibration record of the re-ranked scores (top log10 LR, correct, lse per temperature)."""
    new = s["x"][:, 0].astype(np.float64) + adj
    top = int(np.argmax(new))
    lse = []
    for i, t in enumerate(TEMPERATURES):
        scaled = new * math.log(10.0) / t
        peak = max(float(scaled.max()), float(s["lse_rest"][i]))
        lse.append(peak + math.log(float(np.exp(scaled - peak).sum()) + math.exp(s["lse_rest"][i] - peak)))
    return {"top": float(new[top]), "correct": bool(s["chosen"][top]), "lse": lse}


FLOOR = True
REF2 = False
LAMBDA_MODE = False


def _adjust(x: np.ndarray, w_applied: np.ndarray, floor: float | None = None) -> np.ndarray:
    scale = w_applied[0] * math.log(10.0)
    if scale <= 1e-6:
        return np.zeros(x.shape[0])
    sc = x[:, 0].astype(np.float64)
    new = x.astype(np.float64) @ w_applied / scale
    new += float(sc.max()) - float(new.max())
    if FLOOR and floor is not None:
        low = new < floor + 0.1
        new[low] = floor + 0.1 * np.exp(np.minimum(new[low] - floor - 0.1, 0.0))
    out: np.ndarray = new - sc
    return out


def _floor(s: dict[str, Any]) -> float | None:
    """Best non-candidate score (the OMIM ones are stored; close enough for the floor)."""
    return float(s["rest"][0]) if s["rest"].size else None


def _applied(w: np.ndarray, alpha: float, drop_nuisance: bool, w_ref: np.ndarray | None = None) -> np.ndarray:
    from rerank_features import FEATURES, NUISANCE, SIMILARITY_FEATURES

    if REF2 and w_ref is not None:
        # u = u_ref without nuisance + alpha * (u_full - u_ref)
        base = w_ref.copy()
        for i, name in enumerate(FEATURES):
            if name in NUISANCE:
                base[i] = 0.0
        if LAMBDA_MODE:
            out = w.copy()
            for i, name in enumerate(FEATURES):
                if name in NUISANCE:
                    out[i] = w[i] - alpha * w_ref[i]
            return out
        return base + alpha * (w - w_ref)

    out = w.copy()
    for i, name in enumerate(FEATURES):
        if name in NUISANCE and drop_nuisance:
            out[i] = alpha * (w[i] - w_ref[i]) if w_ref is not None else 0.0
        elif name in SIMILARITY_FEATURES:
            out[i] *= alpha
    return out


def _fit(examples: list[tuple[np.ndarray, np.ndarray]], cols: np.ndarray) -> np.ndarray:
    from rerank_features import Choice, fit_conditional_logit

    chs = [Choice(x.astype(np.float64) * cols, y) for x, y in examples]
    w: np.ndarray = fit_conditional_logit(chs) * cols
    return w


def _top(ranks: list[int], k: int) -> float:
    return 100.0 * sum(1 for r in ranks if r <= k) / max(len(ranks), 1)


def nested(data: dict[str, Any], cfg: dict[str, Any]) -> tuple[dict[str, int], dict[str, Any], list[str]]:
    """Outer-fold ranks and calibration records of one variant; the inner choice of alpha per fold."""
    from rerank_features import FEATURES

    cases = [c for c in data["cases"] if c["rankable"]]
    folds = data["folds"]
    from rerank_features import SIMILARITY_FEATURES

    cols = np.array([0.0 if f in cfg.get("drop", ()) else 1.0 for f in FEATURES])
    refcols = np.array([0.0 if f in SIMILARITY_FEATURES else 1.0 for f in FEATURES])
    w_ref = None
    alphas = cfg.get("alphas", (1.0,))
    drop_n = cfg.get("drop_nuisance", True)
    ranks: dict[str, int] = {}
    records: dict[str, Any] = {}
    notes = []
    for k in range(folds):
        train = [c for c in cases if c["fold"] != k and k in c["scorings"]]
        if cfg.get("none"):
            w, alpha = np.zeros(len(FEATURES)), 0.0
        else:
            alpha = alphas[0]
            if len(alphas) > 1:
                # inner CV over the training folds: choose alpha by the rule, then by rankable top-1
                inner: dict[float, list[tuple[int, int, bool, bool]]] = {a: [] for a in alphas}
                for j in range(folds):
                    if j == k:
                        continue
                    fit_on = [
                        (c["scorings"][k]["x"], c["scorings"][k]["chosen"]) for c in train if c["fold"] != j
                    ]
                    w_in = _fit(fit_on, cols)
                    w_in_ref = _fit(fit_on, cols * refcols) if cfg.get("ref") else None
                    for c in train:
                        if c["fold"] != j:
                            continue
                        s = c["scorings"][k]
                        for a in alphas:
                            r = truth_rank(s, _adjust(s["x"], _applied(w_in, a, drop_n, w_in_ref), _floor(s)))
                            inner[a].append((r, c["plain_rank"], s["has_cases"], c["curated"]))
                best = None
                for a in alphas:
                    rows = [t for t in inner[a] if not t[3]]
                    without = [t for t in rows if not t[2]]
                    d1 = _top([t[0] for t in without], 1) - _top([t[1] for t in without], 1)
                    d10 = _top([t[0] for t in without], 10) - _top([t[1] for t in without], 10)
                    top1 = _top([t[0] for t in rows], 1)
                    ok = d1 >= -cfg.get("rule", 1.0) and d10 >= -cfg.get("rule", 1.0)
                    notes.append(
                        f"fold {k} alpha {a}: inner top1 {top1:.1f}, "
                        f"without {d1:+.2f}/{d10:+.2f} {'ok' if ok else 'x'}"
                    )
                    if ok and (best is None or top1 > best[0] + 1e-9):
                        best = (top1, a)
                alpha = best[1] if best else 0.0
                notes.append(f"fold {k}: chose alpha {alpha}")
            fit_on = [(c["scorings"][k]["x"], c["scorings"][k]["chosen"]) for c in train]
            w = _fit(fit_on, cols)
            w_ref = _fit(fit_on, cols * refcols) if cfg.get("ref") else None
        wa = _applied(w, alpha, drop_n, w_ref) if not cfg.get("none") else w
        for c in cases:
            if c["fold"] != k:
                continue
            s = c["scorings"]["outer"]
            adj = _adjust(s["x"], wa, _floor(s)) if not cfg.get("none") else np.zeros(s["x"].shape[0])
            ranks[c["id"]] = truth_rank(s, adj)
            records[c["id"]] = top_record(s, adj)
        if k == 0 and not cfg.get("none"):
            notes.append(
                "fold 0 weights: " + ", ".join(f"{f}={v:+.2f}" for f, v in zip(FEATURES, w, strict=True))
            )
    return ranks, records, notes


def strata(
    data: dict[str, Any], ranks: dict[str, int], key: str = "rank"
) -> dict[str, tuple[int, float, float, float]]:
    """(n, top-1, top-3, top-10) per stratum."""
    cases = [c for c in data["cases"] if c["rankable"]]
    store = [c for c in cases if not c["curated"]]
    cur = [c for c in cases if c["curated"]]
    groups = {
        "rankable": store,
        "uncited": [c for c in store if not c["cited"]],
        "with_cases": [c for c in store if c["scorings"]["outer"]["has_cases"]],
        "without_cases": [c for c in store if not c["scorings"]["outer"]["has_cases"]],
        "half_B": [c for c in store if c["half"] == "B"],
        "uncited_B": [c for c in store if c["half"] == "B" and not c["cited"]],
        "few_terms": [c for c in store if c["n_obs"] <= 2],
        "ipex_spectrum": cur,
        "ipex": [c for c in cur if "OMIM:304790" in c["truth_ids"]],
    }
    out = {}
    for name, rows in groups.items():
        rs = [ranks[c["id"]] if key == "rank" else c[key] for c in rows]
        out[name] = (len(rs), _top(rs, 1), _top(rs, 3), _top(rs, 10))
    by: dict[str, list[int]] = {}
    for c in store:
        by.setdefault(c["truth_ids"][0], []).append(ranks[c["id"]] if key == "rank" else c[key])
    out["macro"] = (
        len(by),
        float(np.mean([_top(v, 1) for v in by.values()])),
        0.0,
        float(np.mean([_top(v, 10) for v in by.values()])),
    )
    return out


def ece_cv(data: dict[str, Any], records: dict[str, Any]) -> tuple[float, float]:
    """ECE of the top posterior (rankable store cases), raw and calibrated on the other folds."""
    from ipexpath.suspect.calibration import Calibration, fit, predict, reliability

    cases = [c for c in data["cases"] if c["rankable"] and not c["curated"]]
    recs = [records[c["id"]] for c in cases]
    y = np.array([1.0 if r["correct"] else 0.0 for r in recs])
    raw = predict(recs, Calibration(1.0, None))
    after = np.zeros(len(recs))
    for k in range(data["folds"]):
        idx = [i for i, c in enumerate(cases) if c["fold"] == k]
        cal = fit([recs[i] for i, c in enumerate(cases) if c["fold"] != k])
        after[idx] = predict([recs[i] for i in idx], cal)
    return reliability(raw, y)["ece"], reliability(after, y)["ece"]


VARIANTS: dict[str, dict[str, Any]] = {
    "ref_alpha1": {"alphas": (1.0,), "ref": True},
    "ref_alpha0": {"alphas": (0.0,), "ref": True},
    "lam05": {"alphas": (0.5,), "ref": True},
    "lam025": {"alphas": (0.25,), "ref": True},
    "lam_nested": {"alphas": (1.0, 0.75, 0.5, 0.25, 0.0), "ref": True, "rule": 0.8},
    "ref_nested_alpha": {"alphas": (1.0, 0.75, 0.5, 0.25, 0.0), "ref": True},
    "no_rerank": {"none": True},
    "rerank_alpha1": {"alphas": (1.0,)},
    "rerank_nested_alpha": {"alphas": (1.0, 0.75, 0.5, 0.25, 0.0)},
    "rerank_no_similarity": {"alphas": (0.0,)},
    "rerank_keep_nuisance": {"alphas": (1.0,), "drop_nuisance": False},
}


def evaluate_all(args: argparse.Namespace) -> None:
    """Print strata for every variant."""
    with open(args.dump, "rb") as handle:
        data = pickle.load(handle)
    global REF2, LAMBDA_MODE
    REF2 = args.ref2 or args.lam
    LAMBDA_MODE = args.lam
    names = args.variants.split(",") if args.variants else list(VARIANTS)
    base = strata(data, {}, key="plain_rank")
    print("annotations_only", {k: tuple(round(v, 1) for v in t) for k, t in base.items()})
    for name in names:
        ranks, records, notes = nested(data, VARIANTS[name])
        st = strata(data, ranks)
        e0, e1 = ece_cv(data, records)
        print(name, {k: tuple(round(v, 1) for v in t) for k, t in st.items()}, f"ECE raw {e0} cv {e1}")
        w1 = st["without_cases"][1] - base["without_cases"][1]
        w10 = st["without_cases"][3] - base["without_cases"][3]
        print(f"   without vs annotations-only: {w1:+.2f} / {w10:+.2f}")
        for n in notes:
            print("   ", n)
        sys.stdout.flush()


def main() -> int:
    """Entry point."""
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("dump")
    d.add_argument("cases", nargs="?", type=Path, default=DEFAULT)
    d.add_argument("--out", type=Path, default=Path("/tmp/ranker-rerank-dump.pkl"))
    d.add_argument("--limit", type=int, default=None)
    e = sub.add_parser("eval")
    e.add_argument("--dump", type=Path, default=Path("/tmp/ranker-rerank-dump.pkl"))
    e.add_argument("--variants", default="")
    e.add_argument("--ref2", action="store_true")
    e.add_argument("--lam", action="store_true")
    args = parser.parse_args()
    if args.cmd == "dump":
        dump(args)
    else:
        evaluate_all(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
