"""Gradient-boosted and slot-preserving second stages on nested publication-grouped folds (research).

Usage:  .venv/bin/python benchmarks/bench_ranking_rerank.py dump --out /tmp/rerank.pkl      (~5 min)
        .venv/bin/python benchmarks/bench_ranking_lambdarank.py --dump /tmp/rerank.pkl [--variants a,b]
        .venv/bin/python benchmarks/bench_ranking_lambdarank.py --dump-lr8 /tmp/lr8.pkl    (~18 min)
        .venv/bin/python benchmarks/bench_ranking_lambdarank.py --dump /tmp/lr8.pkl \
            --variants lr8,lr8:gbm:extra:with

Needs `lightgbm` (pip install lightgbm==4.7.0; not a dependency of the package: nothing of this ships, design
note §0.9). Same candidates, features and nested protocol as `bench_ranking_rerank.py`: the model applied to
outer fold k is trained on the other folds' cases as scored by the pair models that saw neither fold k nor
the case's own fold, so no figure uses a model that saw the case's publication. The lr-8 dump also stores
each case's outer-fold lr-8 scores with the similar-patient evidence fitted as `ipexpath bench` fits it
(nested, on the pair models), so `lr8` reproduces the figures of `ipexpath bench`. Variants
`lr8:KIND:SET:WHICH` re-order lr-8's candidates with (WHICH = with) or without published patients among
the places they hold: KIND gbm (LambdaRank) or logit (conditional logit), SET a feature set of `SLOT_SETS`.
Hyper-parameters are fixed a priori (no tuning on the folds).
"""

from __future__ import annotations

import argparse
import math
import pickle
import sys
from pathlib import Path
from typing import Any

import numpy as np

from bench_ranking_rerank import strata, truth_rank
from rerank_features import FEATURES, NUISANCE, SIMILARITY_FEATURES

EXTRA = ("similarity_top3_mean", "similarity_mean", "best_patient_log_findings", "similarity_second")
COL = {name: i for i, name in enumerate(FEATURES)}
BIG = 1000.0
RANK_PARAMS: dict[str, Any] = {
    "objective": "lambdarank",
    "lambdarank_truncation_level": 20,
    "eval_at": [10],
    "label_gain": [0.0, 1.0],
    "num_leaves": 15,
    "learning_rate": 0.05,
    "min_data_in_leaf": 50,
    "feature_fraction": 0.9,
    "bagging_fraction": 0.8,
    "bagging_freq": 1,
    "lambda_l2": 1.0,
    "num_threads": 1,
    "verbose": -1,
    "seed": 7,
}
BINARY_PARAMS: dict[str, Any] = {
    "objective": "binary",
    "num_leaves": 15,
    "learning_rate": 0.05,
    "min_data_in_leaf": 100,
    "lambda_l2": 1.0,
    "num_threads": 1,
    "verbose": -1,
    "seed": 7,
}
ROUNDS = 300

NO_NUISANCE = [f for f in FEATURES if f not in NUISANCE]
NO_CASE_KNOWLEDGE = [f for f in NO_NUISANCE if f not in SIMILARITY_FEATURES]


def _matrix(scorings: list[dict[str, Any]], names: list[str], impute: dict[str, float] | None) -> np.ndarray:
    x = np.concatenate([s["x"] for s in scorings]).astype(np.float64)
    if impute is not None:
        no = x[:, COL["has_published_patients"]] < 0.5
        for name, value in impute.items():
            x[no, COL[name]] = value
    return x[:, [COL[n] for n in names]]


def _imputation(scorings: list[dict[str, Any]]) -> dict[str, float]:
    """Mean similarity features of the wrong candidates with published patients (training folds only)."""
    x = np.concatenate([s["x"] for s in scorings]).astype(np.float64)
    y = np.concatenate([s["chosen"] for s in scorings])
    sel = (x[:, COL["has_published_patients"]] > 0.5) & ~y
    return {n: float(x[sel, COL[n]].mean()) for n in SIMILARITY_FEATURES}


def _rank_adjust(s: dict[str, Any], u: np.ndarray) -> np.ndarray:
    """Candidates re-ordered by u above every non-candidate; ties broken by the base score."""
    x0 = s["x"][:, 0].astype(np.float64)
    out: np.ndarray = BIG + u + 1e-6 * x0 - x0
    return out


def fit_rank(train: list[dict[str, Any]], names: list[str], impute: bool, params: dict[str, Any]) -> Any:
    """A LambdaRank model on the training scorings (cases without a correct candidate dropped)."""
    import lightgbm as lgb

    used = [s for s in train if s["chosen"].any()]
    imp = _imputation(used) if impute else None
    x = _matrix(used, names, imp)
    y = np.concatenate([s["chosen"] for s in used]).astype(np.float64)
    sizes = [s["x"].shape[0] for s in used]
    data = lgb.Dataset(x, y, group=sizes, feature_name=names, free_raw_data=False)
    booster = lgb.train(params, data, num_boost_round=ROUNDS)
    return booster, imp


def _slots(s: dict[str, Any], with_patients: bool = True) -> np.ndarray:
    """Candidates that may be permuted: OMIM groups with published patients (or, `with_patients` false,
    without); a permutation among them leaves the rank of every group of the other kind unchanged."""
    has = s["x"][:, COL["has_published_patients"]] > 0.5
    out: np.ndarray = np.flatnonzero((has if with_patients else ~has) & s["omim"])
    return out


def permute_slots(cand: np.ndarray, s: dict[str, Any], u: np.ndarray, with_patients: bool) -> None:
    """Re-assign, in place, the scores the permutable candidates hold in the order of u (best u first)."""
    idx = _slots(s, with_patients)
    if idx.size > 1:
        cand[idx[np.argsort(-u[idx], kind="stable")]] = np.sort(cand[idx])[::-1]


def fit_lr(train: list[dict[str, Any]], names: list[str]) -> tuple[Any, Any]:
    """Two boosted classifiers on candidates with published patients: with and without the similarity
    features; the difference of their log-odds is a log likelihood ratio of the similarity given the rest."""
    import lightgbm as lgb

    x = np.concatenate([s["x"] for s in train]).astype(np.float64)
    y = np.concatenate([s["chosen"] for s in train]).astype(np.float64)
    sel = x[:, COL["has_published_patients"]] > 0.5
    ref_names = [n for n in names if n not in SIMILARITY_FEATURES]
    full = lgb.train(
        BINARY_PARAMS, lgb.Dataset(x[sel][:, [COL[n] for n in names]], y[sel]), num_boost_round=ROUNDS
    )
    ref = lgb.train(
        BINARY_PARAMS, lgb.Dataset(x[sel][:, [COL[n] for n in ref_names]], y[sel]), num_boost_round=ROUNDS
    )
    return full, ref


def run(data: dict[str, Any], variant: str) -> dict[str, int]:
    """Outer-fold ranks of one variant (nested: fold k's model never saw fold k)."""
    cases = [c for c in data["cases"] if c["rankable"]]
    ranks: dict[str, int] = {}
    for k in range(data["folds"]):
        train = [c["scorings"][k] for c in cases if c["fold"] != k and k in c["scorings"]]
        test = [c for c in cases if c["fold"] == k]
        if variant == "base":
            for c in test:
                s = c["scorings"]["outer"]
                ranks[c["id"]] = truth_rank(s, np.zeros(s["x"].shape[0]))
            continue
        if variant.startswith("rank"):
            names = {
                "rank_no_nuisance": NO_NUISANCE,
                "rank_no_case_knowledge": NO_CASE_KNOWLEDGE,
                "rank_imputed": NO_NUISANCE,
                "rank_all": list(FEATURES),
            }[variant]
            booster, imp = fit_rank(train, names, variant == "rank_imputed", RANK_PARAMS)
            for c in test:
                s = c["scorings"]["outer"]
                u = booster.predict(_matrix([s], names, imp))
                ranks[c["id"]] = truth_rank(s, _rank_adjust(s, u))
        elif variant in ("slot_with", "slot_without"):
            w = variant == "slot_with"
            names = NO_NUISANCE if w else NO_CASE_KNOWLEDGE
            predict = fit_slot_model(train, names, "gbm", w)
            for c in test:
                s = c["scorings"]["outer"]
                x0 = s["x"][:, 0].astype(np.float64)
                cand = x0.copy()
                permute_slots(cand, s, predict(_features(s, names)), w)
                ranks[c["id"]] = truth_rank(s, cand - x0)
        elif variant.startswith("boosted_lr"):
            names = NO_NUISANCE + (["log_publications"] if variant == "boosted_lr_pubs" else [])
            full, ref = fit_lr(train, names)
            ref_names = [n for n in names if n not in SIMILARITY_FEATURES]
            for c in test:
                s = c["scorings"]["outer"]
                x = s["x"].astype(np.float64)
                has = x[:, COL["has_published_patients"]] > 0.5
                adj = np.zeros(x.shape[0])
                if has.any():
                    lf = full.predict(x[has][:, [COL[n] for n in names]], raw_score=True)
                    lr = ref.predict(x[has][:, [COL[n] for n in ref_names]], raw_score=True)
                    adj[has] = (lf - lr) / np.log(10.0)
                ranks[c["id"]] = truth_rank(s, adj)
        print(f"  {variant}: fold {k} done", file=sys.stderr, flush=True)
    return ranks


VARIANTS = (
    "base",
    "rank_no_case_knowledge",
    "rank_no_nuisance",
    "rank_imputed",
    "boosted_lr",
    "boosted_lr_pubs",
    "slot_with",
    "slot_without",
)


# ------------------------------------------------------------------ on top of lr-8 (dump from --dump-lr8)
def truth_rank8(s: dict[str, Any], cand_scores: np.ndarray) -> int:
    """Pessimistic rank of the best truth group among OMIM groups, candidates scored `cand_scores` (lr-8)."""
    best = 10**6
    chosen_idx = np.flatnonzero(s["chosen"])
    for i, in_cand in enumerate(s["truth_in_cand"].tolist()):
        others = np.ones(cand_scores.size, dtype=bool)
        if in_cand:
            j = int(chosen_idx[int(np.sum(s["truth_in_cand"][:i]))])
            score = cand_scores[j]
            others[j] = False
        else:
            score = float(s["lr8_truth"][i])
        count = int(np.count_nonzero(others & s["omim"] & (cand_scores >= score)))
        count += int(np.count_nonzero(s["lr8_rest"] >= score))
        best = min(best, 1 + count)
    return best


def _features(s: dict[str, Any], names: list[str]) -> np.ndarray:
    """The named features of a scoring's candidates (EXTRA ones only in the lr-8 dump)."""
    x2 = s.get("x2", np.zeros((s["x"].shape[0], len(EXTRA))))
    x = np.concatenate([s["x"].astype(np.float64), x2], axis=1)
    cols = {n: i for i, n in enumerate((*FEATURES, *EXTRA))}
    out: np.ndarray = x[:, [cols[n] for n in names]]
    return out


def fit_slot_model(
    train: list[dict[str, Any]], names: list[str], kind: str, with_patients: bool = True
) -> Any:
    """Ranker among the permutable candidates: LambdaRank ("gbm") or a conditional logit ("logit")."""
    xs, ys, sizes = [], [], []
    for s in train:
        idx = _slots(s, with_patients)
        if idx.size < 2 or not s["chosen"][idx].any():
            continue
        xs.append(_features(s, names)[idx])
        ys.append(s["chosen"][idx])
        sizes.append(idx.size)
    if kind == "logit":
        w = _fit_logit(xs, ys)
        return lambda x: x @ w
    import lightgbm as lgb

    data = lgb.Dataset(np.concatenate(xs), np.concatenate(ys).astype(np.float64), group=sizes)
    booster = lgb.train(RANK_PARAMS, data, num_boost_round=ROUNDS)
    return lambda x: booster.predict(x)


def _fit_logit(xs: list[np.ndarray], ys: list[np.ndarray]) -> np.ndarray:
    """Conditional logit on standardised features (weights returned on the raw scale)."""
    import rerank_features as rf

    allx = np.concatenate(xs)
    mu, sd = allx.mean(axis=0), allx.std(axis=0) + 1e-9
    old = rf.FEATURES
    rf.FEATURES = tuple(str(i) for i in range(allx.shape[1]))  # fit_conditional_logit sizes by FEATURES
    try:
        w = rf.fit_conditional_logit([rf.Choice((x - mu) / sd, y) for x, y in zip(xs, ys, strict=True)])
    finally:
        rf.FEATURES = old
    out: np.ndarray = w / sd
    return out


SLOT_SETS: dict[str, list[str]] = {
    "base": NO_NUISANCE,
    "extra": [*NO_NUISANCE, *EXTRA],
    "extra_pubs": [*NO_NUISANCE, *EXTRA, "log_publications", "log_patients"],
}


def run8(data: dict[str, Any], variant: str) -> dict[str, int]:
    """lr-8 ranks, optionally with its candidates with published patients re-ordered among their own slots."""
    cases = [c for c in data["cases"] if c["rankable"]]
    ranks: dict[str, int] = {}
    for k in range(data["folds"]):
        test = [c for c in cases if c["fold"] == k]
        if variant in ("lr8", "lr8_check"):
            for c in test:
                s = c["scorings"]["outer"]
                ranks[c["id"]] = s["lr8_rank"] if variant == "lr8" else truth_rank8(s, s["lr8_cand"])
            continue
        _, kind, feats, which = variant.split(":")
        names = SLOT_SETS[feats]
        train = [c["scorings"][k] for c in cases if c["fold"] != k and k in c["scorings"]]
        kinds = {"with": (True,), "without": (False,), "both": (True, False)}[which]
        predict = {w: fit_slot_model(train, names if w else NO_CASE_KNOWLEDGE, kind, w) for w in kinds}
        for c in test:
            s = c["scorings"]["outer"]
            cand = s["lr8_cand"].astype(np.float64).copy()
            for w in kinds:
                permute_slots(cand, s, predict[w](_features(s, names if w else NO_CASE_KNOWLEDGE)), w)
            ranks[c["id"]] = truth_rank8(s, cand)
        print(f"  {variant}: fold {k} done", file=sys.stderr, flush=True)
    return ranks


# ------------------------------------------------------------------ dump with the real nested lr-8 scores


def _extra(model: Any, terms: Any, groups: Any, cand: np.ndarray) -> np.ndarray:
    """More similarity features per candidate group (from its member with the best similarity)."""
    from ipexpath.suspect.similar import similarity_to_patients

    out = np.zeros((cand.size, len(EXTRA)))
    order, diseases, starts = model.patients_by_disease
    sims = similarity_to_patients(model, terms)
    if not sims.size or not diseases.size:
        return out
    ends = np.r_[starts[1:], order.size]
    n_feat = np.asarray(model.case_profiles.case_terms.sum(axis=1)).ravel()
    row_of = {int(d): i for i, d in enumerate(diseases.tolist())}
    best_by_group: dict[int, tuple[float, int]] = {}
    for d, i in row_of.items():
        g = int(groups.group_of[d])
        b = float(sims[order[starts[i] : ends[i]]].max())
        if g not in best_by_group or b > best_by_group[g][0]:
            best_by_group[g] = (b, i)
    for j, g in enumerate(cand.tolist()):
        hit = best_by_group.get(int(g))
        if hit is None:
            continue
        i = hit[1]
        idx = order[starts[i] : ends[i]]
        v = np.sort(sims[idx])[::-1]
        out[j] = (
            float(v[:3].mean()),
            float(v.mean()),
            math.log1p(float(n_feat[idx[int(np.argmax(sims[idx]))]])),
            float(v[1]) if v.size > 1 else 0.0,
        )
    return out


def dump_lr8(path: Path, out: Path) -> None:
    """Like `bench_ranking_rerank.py dump`, plus the outer-fold lr-8 scores with the nested similar-patient
    evidence of `ipexpath bench` (fit on the pair models that saw neither fold) and extra features."""
    import time

    from bench_ranking_rerank import read_cases, scoring
    from ipexpath.knowledge import load_knowledge
    from ipexpath.knowledge.case_knowledge import curated_cases_dir
    from ipexpath.suspect.benchmark import pessimistic_rank, training_pool
    from ipexpath.suspect.model import ModelParameters, RankingModel
    from ipexpath.suspect.ranking import score_lr
    from ipexpath.suspect.similar_evidence import TrainingPairs

    kb = load_knowledge()
    params = ModelParameters()
    curated = curated_cases_dir()
    folds = 5
    t0 = time.time()
    pool, pool_fold = training_pool(path, curated, kb, folds)
    plain = RankingModel.build(kb, params, cases=None)
    groups = plain.groups
    cases = read_cases(path, curated, kb, plain, folds, None)
    print(f"{len(cases)} cases read in {time.time() - t0:.0f} s", file=sys.stderr, flush=True)
    pairs = {k: TrainingPairs() for k in range(folds)}
    for a in range(folds):
        for b in range(a + 1, folds):
            model = RankingModel.build(kb, params, cases=pool.subset((pool_fold != a) & (pool_fold != b)))
            for c in cases:
                if not c["rankable"] or c["fold"] not in (a, b):
                    continue
                other = b if c["fold"] == a else a
                sc = scoring(model, plain, c["terms"], c["truth_groups"])
                sc["x2"] = _extra(model, c["terms"], groups, _cand_groups(model, c["terms"], groups))
                c["scorings"][other] = sc
                pairs[other].add(model, c["terms"], c["truth"])
            print(f"pair {a},{b} done at {time.time() - t0:.0f} s", file=sys.stderr, flush=True)
    for k in range(folds):
        evidence = pairs[k].fit({"outer_fold": k})
        model = RankingModel.build(kb, params, cases=pool.subset(pool_fold != k), similar_evidence=evidence)
        for c in cases:
            if not c["rankable"] or c["fold"] != k:
                continue
            sc = scoring(model, plain, c["terms"], c["truth_groups"])
            cg = _cand_groups(model, c["terms"], groups)
            sc["x2"] = _extra(model, c["terms"], groups, cg)
            full = groups.group_scores(score_lr(model, c["terms"]))
            mask = groups.has_omim.copy()
            mask[cg] = False
            sc["lr8_cand"] = full[cg]
            sc["lr8_rest"] = np.sort(full[mask])[::-1][:12]
            sc["lr8_truth"] = full[c["truth_groups"]]
            sc["lr8_rank"] = min(pessimistic_rank(full, groups.has_omim, g) for g in c["truth_groups"])
            c["scorings"]["outer"] = sc
        print(f"outer {k} done at {time.time() - t0:.0f} s", file=sys.stderr, flush=True)
    for c in cases:
        c.pop("terms", None)
    with open(out, "wb") as handle:
        pickle.dump({"cases": cases, "folds": folds}, handle)
    print(f"wrote {out} in {time.time() - t0:.0f} s", file=sys.stderr, flush=True)


def _cand_groups(model: Any, terms: Any, groups: Any) -> np.ndarray:
    from ipexpath.suspect.ranking import score_lr
    from rerank_features import candidates

    return candidates(model, terms, score_lr(model, terms, similar=False), groups).groups


def main() -> int:
    """Print the strata of every variant, with the annotation model's in the same table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dump", type=Path, default=Path("/tmp/ranker-rerank-dump.pkl"))
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--dump-lr8", type=Path, default=None, help="write the lr-8 dump here and stop")
    args = parser.parse_args()
    if args.dump_lr8 is not None:
        dump_lr8(
            Path(__file__).resolve().parents[2] / "shared/benchmarks/phenopacket-store/cases.jsonl.gz",
            args.dump_lr8,
        )
        return 0
    with open(args.dump, "rb") as handle:
        data = pickle.load(handle)
    plain = strata(data, {}, key="plain_rank")

    def line(name: str, st: dict[str, tuple[int, float, float, float]]) -> None:
        cells = {k: f"{t[1]:.1f}/{t[3]:.1f}" for k, t in st.items()}
        d1 = st["without_cases"][1] - plain["without_cases"][1]
        d10 = st["without_cases"][3] - plain["without_cases"][3]
        print(f"{name:<24} {cells}  without Δ {d1:+.2f}/{d10:+.2f}", flush=True)

    line("annotations_only", plain)
    for name in args.variants.split(","):
        line(name, strata(data, run8(data, name) if name.startswith("lr8") else run(data, name)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
