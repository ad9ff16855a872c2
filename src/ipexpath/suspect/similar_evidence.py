"""Similar published patients as evidence: a likelihood ratio learnt on cross-validated ranks (lr-8).

For a disease D with training patients, the evidence is how similar the case is to D's most similar published
patient (`similar.similarity_to_patients`, IC-weighted Jaccard), *given how the annotation-and-profile model
already ranks D* for this case:

    log LR(D) = log p(s_D | D is the diagnosis, rank_D, pubs_D) − log p(s_D | D is not, rank_D, pubs_D)

estimated as the difference of two logistic regressions over (case, disease) pairs, one with the similarity
and one without (rank bin and number of publications only). Conditioning on the rank removes the double
counting with the case-derived profiles (a disease that already ranks first because its patients' features
match gains little from also resembling one of them), and the reference model removes the prior that
diseases with many published patients are diagnosed more often in the store (the "evidence prior" rejected
in lr-5). Under the fitted model, a disease's LR averages 1 over the cases it is not the diagnosis of, at
every rank; diseases without training patients get LR 1 (no evidence), so they neither gain nor lose mass.

The pairs come from cross-validation grouped by publication: each case is scored by a model that learnt
from the other publications only. `ipexpath bench` refits the coefficients inside each outer fold on the
training folds alone (nested); the shipped coefficients (`data/similar_evidence.json`) are the fit on all
folds, written by `scripts/fit_similar_evidence.py`. Design note: docs/ranking-model.md §0.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from ipexpath.knowledge.case_knowledge import CaseKnowledge
    from ipexpath.suspect.model import RankingModel
    from ipexpath.suspect.ranking import CaseTerms

FloatVec = npt.NDArray[np.float64]
IntVec = npt.NDArray[np.int64]

# Rank bins of the disease in the model without this evidence: 1, 2, 3, 4–5, 6–10, 11–30, 31–100, > 100.
RANK_EDGES: tuple[int, ...] = (1, 2, 3, 4, 6, 11, 31, 101)
# Negative (case, disease) pairs kept for the fit: one in NEGATIVE_STRIDE, weighted by it (memory).
NEGATIVE_STRIDE = 5
RIDGE = 1e-3
DATA_FILE = "similar_evidence.json"


@dataclass(frozen=True)
class SimilarEvidence:
    """Coefficients of the two logistic models (natural-log units) and where they came from."""

    # rank-bin intercepts, rank-bin × similarity, similarity², ln(1 + publications), similarity × the same
    beta: tuple[float, ...]
    beta_ref: tuple[float, ...]  # rank-bin intercepts, ln(1+pubs)
    provenance: dict[str, Any] = field(default_factory=dict, compare=False)

    def log10_lr(self, similarity: FloatVec, rank: IntVec, publications: IntVec) -> FloatVec:
        """log10 LR of each disease's best similarity given its rank and its number of publications."""
        n_bins = len(RANK_EDGES)
        beta, ref = np.asarray(self.beta), np.asarray(self.beta_ref)
        b = _rank_bin(rank)
        s = similarity.astype(np.float64)
        ln = np.log1p(publications.astype(np.float64))
        # the same as _design(...) @ beta − _design_ref(...) @ beta_ref, without building the matrices
        full = (
            beta[b]
            + beta[n_bins + b] * s
            + beta[2 * n_bins] * s**2
            + (beta[2 * n_bins + 1] + beta[-1] * s) * ln
        )
        out: FloatVec = (full - ref[b] - ref[n_bins] * ln) / math.log(10.0)
        return out

    def to_json(self) -> str:
        """The data file's text."""
        body = {"beta": list(self.beta), "beta_ref": list(self.beta_ref), "provenance": self.provenance}
        return json.dumps(body, indent=1) + "\n"


@cache
def shipped_similar_evidence() -> SimilarEvidence | None:
    """The coefficients fitted on all folds (None if the data file is missing)."""
    try:
        text = (resources.files("ipexpath.suspect") / "data" / DATA_FILE).read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    body = json.loads(text)
    return SimilarEvidence(tuple(body["beta"]), tuple(body["beta_ref"]), body.get("provenance", {}))


def _rank_bin(rank: IntVec) -> IntVec:
    out: IntVec = np.searchsorted(np.asarray(RANK_EDGES), rank, side="right") - 1
    return out


def _design(similarity: FloatVec, rank: IntVec, publications: IntVec) -> FloatVec:
    onehot = np.zeros((similarity.size, len(RANK_EDGES)))
    onehot[np.arange(similarity.size), _rank_bin(rank)] = 1.0
    ln = np.log1p(publications.astype(np.float64))
    s = similarity.astype(np.float64)
    out: FloatVec = np.column_stack([onehot, onehot * s[:, None], s**2, ln, s * ln])
    return out


def _design_ref(rank: IntVec, publications: IntVec) -> FloatVec:
    onehot = np.zeros((rank.size, len(RANK_EDGES)))
    onehot[np.arange(rank.size), _rank_bin(rank)] = 1.0
    out: FloatVec = np.column_stack([onehot, np.log1p(publications.astype(np.float64))])
    return out


def ranks_of(scores: FloatVec, values: FloatVec) -> IntVec:
    """1 + the number of diseases scoring strictly higher than each value (exact up to RANK_EDGES[-1])."""
    k = min(RANK_EDGES[-1], scores.size)
    top = np.sort(np.partition(scores.astype(np.float32), scores.size - k)[scores.size - k :])
    greater = k - np.searchsorted(top, values.astype(np.float32), side="right")
    out: IntVec = (1 + greater).astype(np.int64)
    return out


def best_similarity(model: RankingModel, terms: CaseTerms) -> tuple[IntVec, FloatVec]:
    """(diseases with training patients, the case's best similarity to each one's patients)."""
    from ipexpath.suspect.similar import similarity_to_patients

    order, diseases, starts = model.patients_by_disease
    sims = similarity_to_patients(model, terms)
    if not sims.size:
        return diseases, np.zeros(diseases.size)
    best: FloatVec = np.maximum.reduceat(sims[order], starts)
    return diseases, best


def similar_evidence_log10(model: RankingModel, terms: CaseTerms, base: FloatVec) -> FloatVec:
    """Per-disease log10 LR of the similar-patient evidence (0 for diseases without training patients)."""
    out = np.zeros(model.n_diseases)
    evidence = model.similar_evidence
    profiles = model.case_profiles
    if evidence is None or profiles is None or not terms.observed:
        return out
    diseases, best = best_similarity(model, terms)
    if not diseases.size:
        return out
    rank = ranks_of(base, base[diseases])
    out[diseases] = model.params.similar_evidence_weight * evidence.log10_lr(
        best, rank, profiles.n_publications[diseases]
    )
    return out


@dataclass
class TrainingPairs:
    """(case, disease) pairs of cross-validated cases: similarity, rank, publications and truth."""

    similarity: list[FloatVec] = field(default_factory=list)
    rank: list[IntVec] = field(default_factory=list)
    publications: list[IntVec] = field(default_factory=list)
    y: list[FloatVec] = field(default_factory=list)
    cases: int = 0

    def add(self, model: RankingModel, terms: CaseTerms, truth: Sequence[int]) -> None:
        """Add one case scored by `model` (which never saw the case's publication)."""
        from ipexpath.suspect.ranking import score_lr

        profiles = model.case_profiles
        if profiles is None or not terms.observed:
            return
        base = score_lr(model, terms, similar=False)
        diseases, best = best_similarity(model, terms)
        if not diseases.size:
            return
        y = np.isin(diseases, np.asarray(truth)).astype(np.float64)
        keep = (y > 0) | (np.arange(diseases.size) % NEGATIVE_STRIDE == self.cases % NEGATIVE_STRIDE)
        self.similarity.append(best[keep].astype(np.float32))
        self.rank.append(ranks_of(base, base[diseases[keep]]).astype(np.int16))
        self.publications.append(profiles.n_publications[diseases[keep]].astype(np.int32))
        self.y.append(y[keep].astype(np.int8))
        self.cases += 1

    def fit(self, provenance: dict[str, Any]) -> SimilarEvidence:
        """The two logistic regressions (Newton–Raphson, small ridge); a negative weighs NEGATIVE_STRIDE."""
        s = np.concatenate(self.similarity).astype(np.float64)
        rank = np.concatenate(self.rank).astype(np.int64)
        pubs = np.concatenate(self.publications).astype(np.int64)
        y = np.concatenate(self.y).astype(np.float64)
        w = np.where(y > 0, 1.0, float(NEGATIVE_STRIDE))
        beta = _logistic(_design(s, rank, pubs), y, w)
        beta_ref = _logistic(_design_ref(rank, pubs), y, w)
        info = {**provenance, "cases": self.cases, "positive_pairs": int(y.sum()), "pairs": int(y.size)}
        return SimilarEvidence(
            tuple(round(float(b), 6) for b in beta), tuple(round(float(b), 6) for b in beta_ref), info
        )


def _logistic(x: FloatVec, y: FloatVec, w: FloatVec, iterations: int = 30) -> FloatVec:
    beta = np.zeros(x.shape[1])
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-np.clip(x @ beta, -30, 30)))
        gradient = x.T @ (w * (y - p)) - RIDGE * beta
        hessian = (x * (w * p * (1 - p))[:, None]).T @ x + RIDGE * np.eye(x.shape[1])
        step = np.linalg.solve(hessian, gradient)
        beta += step
        if float(np.abs(step).max()) < 1e-7:
            break
    return beta


def fit_cross_validated(
    build: Callable[[CaseKnowledge], RankingModel],
    pool: CaseKnowledge,
    pool_fold: IntVec,
    cases: Iterable[tuple[CaseTerms, tuple[int, ...], int]],
    folds: int,
    provenance: dict[str, Any],
) -> SimilarEvidence:
    """Fit on all folds: the cases of each fold scored by a model built from the other folds' cases."""
    by_fold = _by_fold(cases, folds)
    pairs = TrainingPairs()
    for k in range(folds):
        model = build(pool.subset(pool_fold != k))
        for terms, truth in by_fold[k]:
            pairs.add(model, terms, truth)
    return pairs.fit({**provenance, "folds": folds})


def fit_nested(
    build: Callable[[CaseKnowledge], RankingModel],
    pool: CaseKnowledge,
    pool_fold: IntVec,
    cases: Iterable[tuple[CaseTerms, tuple[int, ...], int]],
    folds: int,
) -> dict[int, SimilarEvidence]:
    """Per outer fold k, the fit on the other folds only: their cases scored by models that saw neither their
    own fold nor fold k. One model per pair of folds {a, b} serves outer fold b (scoring fold a) and outer
    fold a (scoring fold b)."""
    by_fold = _by_fold(cases, folds)
    pairs = {k: TrainingPairs() for k in range(folds)}
    for a in range(folds):
        for b in range(a + 1, folds):
            model = build(pool.subset((pool_fold != a) & (pool_fold != b)))
            for terms, truth in by_fold[a]:
                pairs[b].add(model, terms, truth)
            for terms, truth in by_fold[b]:
                pairs[a].add(model, terms, truth)
    return {k: pairs[k].fit({"outer_fold": k, "folds": folds}) for k in range(folds)}


def _by_fold(
    cases: Iterable[tuple[CaseTerms, tuple[int, ...], int]], folds: int
) -> dict[int, list[tuple[CaseTerms, tuple[int, ...]]]]:
    out: dict[int, list[tuple[CaseTerms, tuple[int, ...]]]] = {k: [] for k in range(folds)}
    for terms, truth, fold in cases:
        if fold in out:
            out[fold].append((terms, truth))
    return out
