"""Candidate features and the conditional-logit fit of the second-stage re-ranker studied for lr-9 (research).

Not shipped: measured with the nested, publication-grouped protocol of `bench_ranking_rerank.py` it equals
lr-8 once the rule for diseases without published patients is enforced (design note §0.8, "tried and not
adopted"). The model's log10 LR (without the similar-patient term) gives every disease group a score; the
candidates are the `TOP_BY_SCORE` best groups and the `TOP_BY_SIMILARITY` groups whose published patients
resemble the case most; each gets the features of `FEATURES`; the weights are those of a conditional logit
(softmax over a case's candidates, the diagnosis being the chosen alternative). `NUISANCE` features (has
published patients, number of publications / patients) carry the store's prior that diseases it holds are
diagnosed more often; the harness removes a share of that prior, estimated by a reference fit without the
similarity features.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from ipexpath.suspect.grouping import DiseaseGroups
    from ipexpath.suspect.model import RankingModel
    from ipexpath.suspect.ranking import CaseTerms

FloatVec = npt.NDArray[np.float64]
IntVec = npt.NDArray[np.int64]

TOP_BY_SCORE = 30
TOP_BY_SIMILARITY = 10
RIDGE = 1e-2

FEATURES: tuple[str, ...] = (
    "log10_lr",  # the model's log10 LR of the group (without the similar-patient term)
    "log_rank",  # ln of the group's rank by that score
    "gap_to_top_capped",  # min(top log10 LR − this one, 6): the first points of gap matter most
    "similarity",  # best IC-weighted Jaccard similarity to the group's published patients (0 without)
    "similarity_squared",
    "similarity_x_log_terms",  # similarity × ln(1 + number of observed findings)
    "similarity_x_log_publications",
    "similarity_rank_inverse",  # 1 / rank of the group by best similarity (0 without published patients)
    "similarity_share_of_best",  # similarity / the case's best similarity to any published patient
    "explained_share",  # share of the observed findings the disease explains (LR above the noise floor)
    "unexplained_information_share",  # IC of the unexplained findings / IC of all findings
    "max_finding_log10_lr",  # the strongest single finding
    "log_annotations",  # ln(1 + phenotype features annotated to the disease, after merging)
    # nuisance: fitted, dropped (weight 0) when applied
    "has_published_patients",
    "log_publications",
    "log_patients",
)
NUISANCE: tuple[str, ...] = ("has_published_patients", "log_publications", "log_patients")
SIMILARITY_FEATURES: tuple[str, ...] = (
    "similarity",
    "similarity_squared",
    "similarity_x_log_terms",
    "similarity_x_log_publications",
    "similarity_rank_inverse",
    "similarity_share_of_best",
)
_COL = {name: i for i, name in enumerate(FEATURES)}


@dataclass(frozen=True)
class Candidates:
    """The candidate groups of one case, their features and the model's group log10 LRs."""

    groups: IntVec
    features: FloatVec  # candidates × FEATURES
    group_scores: FloatVec  # all groups (without the similar-patient term)


def candidates(
    model: RankingModel, terms: CaseTerms, base: FloatVec, groups: DiseaseGroups | None = None
) -> Candidates:
    """Candidates and features of a case; `base` = the disease log10 LRs without the similar-patient term;
    `groups` = the disease groups ranked (the model's by default)."""
    from ipexpath.suspect.similar_evidence import best_similarity, ranks_of

    groups = groups if groups is not None else model.groups
    gscore = groups.group_scores(base)
    n_g = gscore.size
    k = min(TOP_BY_SCORE, n_g)
    top = np.argpartition(-gscore, k - 1)[:k]
    # group-level similarity: best over the members with published patients
    gsim = np.zeros(n_g)
    gpubs = np.zeros(n_g)
    gpat = np.zeros(n_g)
    profiles = model.case_profiles
    if profiles is not None and terms.observed:
        diseases, best = best_similarity(model, terms)
        if diseases.size:
            g_of = groups.group_of[diseases]
            np.maximum.at(gsim, g_of, best)
            np.maximum.at(gpubs, g_of, profiles.n_publications[diseases].astype(np.float64))
            np.maximum.at(gpat, g_of, profiles.n_patients[diseases].astype(np.float64))
    has = gpat > 0
    by_sim = np.flatnonzero(has)
    if by_sim.size:
        by_sim = by_sim[np.argsort(-gsim[by_sim], kind="stable")[:TOP_BY_SIMILARITY]]
    cand = np.unique(np.concatenate([top, by_sim])).astype(np.int64)
    x = np.zeros((cand.size, len(FEATURES)))
    sc = gscore[cand]
    top_score = float(gscore.max())
    rank = ranks_of(gscore, sc)  # exact up to 101
    x[:, _COL["log10_lr"]] = sc
    x[:, _COL["log_rank"]] = np.log(rank)
    x[:, _COL["gap_to_top_capped"]] = np.minimum(top_score - sc, 6.0)
    s = gsim[cand]
    n_obs = len(terms.observed)
    x[:, _COL["similarity"]] = s
    x[:, _COL["similarity_squared"]] = s**2
    x[:, _COL["similarity_x_log_terms"]] = s * math.log1p(n_obs)
    x[:, _COL["similarity_x_log_publications"]] = s * np.log1p(gpubs[cand])
    if by_sim.size:
        sim_rank = np.zeros(n_g)
        order = np.flatnonzero(has)[np.argsort(-gsim[has], kind="stable")]
        sim_rank[order] = 1.0 / np.arange(1, order.size + 1)
        x[:, _COL["similarity_rank_inverse"]] = sim_rank[cand]
        best_any = float(gsim.max())
        if best_any > 0:
            x[:, _COL["similarity_share_of_best"]] = s / best_any
    # per-finding evidence of each candidate's best member
    members = np.array([groups.best_member(int(g), base) for g in cand.tolist()], dtype=np.int64)
    if n_obs:
        floor = math.log10(model.params.unexplained_lr) + 1e-6
        per = np.stack([model.log10_lr_observed(t)[members] for t in terms.observed], axis=1)
        ic = model.patient_information[0][np.asarray(terms.observed)]
        explained = per > floor
        x[:, _COL["explained_share"]] = explained.mean(axis=1)
        total_ic = float(ic.sum())
        if total_ic > 0:
            x[:, _COL["unexplained_information_share"]] = (~explained * ic).sum(axis=1) / total_ic
        x[:, _COL["max_finding_log10_lr"]] = per.max(axis=1)
    x[:, _COL["log_annotations"]] = np.log1p(np.diff(model.direct_rows.indptr)[members])
    x[:, _COL["has_published_patients"]] = has[cand]
    x[:, _COL["log_publications"]] = np.log1p(gpubs[cand])
    x[:, _COL["log_patients"]] = np.log1p(gpat[cand])
    return Candidates(cand, x, gscore)


# ------------------------------------------------------------------------------------------ fitting
@dataclass
class Choice:
    """One case's candidates as a training example: features and which candidates are the diagnosis."""

    features: FloatVec
    chosen: npt.NDArray[np.bool_]


def fit_conditional_logit(examples: Sequence[Choice], ridge: float = RIDGE, iterations: int = 50) -> FloatVec:
    """Weights maximising Σ log softmax(x·w)[diagnosis] (Newton–Raphson, small ridge); a case with several
    correct candidates counts the sum of their probabilities. Cases without a correct candidate are
    skipped."""
    used = [e for e in examples if e.chosen.any()]
    if not used:
        return np.zeros(len(FEATURES))
    x = np.concatenate([e.features for e in used])
    y = np.concatenate([e.chosen for e in used]).astype(np.float64)
    sizes = np.array([e.features.shape[0] for e in used])
    owner = np.repeat(np.arange(len(used)), sizes)
    n_f = x.shape[1]
    w = np.zeros(n_f)
    for _ in range(iterations):
        u = x @ w
        peak = np.full(len(used), -np.inf)
        np.maximum.at(peak, owner, u)
        e = np.exp(u - peak[owner])
        total = np.bincount(owner, e, minlength=len(used))
        p = e / total[owner]
        # with several correct alternatives: q = p restricted to the correct ones, renormalised
        py = np.bincount(owner, p * y, minlength=len(used))
        q = p * y / py[owner]
        diff = q - p
        grad = x.T @ diff - ridge * w
        # Hessian of the log-likelihood (negative definite): −(E_p[xx'] − E_p[x]E_p[x]') + (same under q)
        mean_p = np.zeros((len(used), n_f))
        np.add.at(mean_p, owner, p[:, None] * x)
        mean_q = np.zeros((len(used), n_f))
        np.add.at(mean_q, owner, q[:, None] * x)
        h = -(x.T @ (x * p[:, None]) - mean_p.T @ mean_p)
        h += x.T @ (x * q[:, None]) - mean_q.T @ mean_q
        h -= ridge * np.eye(n_f)
        try:
            step = np.linalg.solve(h, -grad)
        except np.linalg.LinAlgError:
            break
        # damped step (the log-likelihood with several correct alternatives is not concave)
        norm = float(np.abs(step).max())
        if norm > 5.0:
            step *= 5.0 / norm
        w = w + step
        if norm < 1e-7:
            break
    return w
