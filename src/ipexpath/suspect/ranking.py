"""Rank every disease for a case: posterior, log10 likelihood ratio and a per-term explanation.

`score_case` turns a case into a vector of log10 LRs over all diseases (a sum of cached per-term vectors
plus sex and onset factors); `rank_case` adds the posterior (uniform prior over the diseases ranked), the
ranking and the explanation rows a clinician can check.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from enum import Enum
from typing import Any

import numpy as np
import numpy.typing as npt

from ipexpath.case.model import Case
from ipexpath.suspect import clinical
from ipexpath.suspect.calibration import SHIPPED, Calibration, for_findings
from ipexpath.suspect.ipex_flags import IpexFlag, ipex_flags
from ipexpath.suspect.model import FloatVec, RankingModel, onset_bin
from ipexpath.suspect.phenomizer import PhenomizerModel
from ipexpath.suspect.similar import (
    DEFAULT_SIMILAR,
    SimilarPatient,
    similar_patients,
)
from ipexpath.suspect.similar_evidence import best_similarity, similar_evidence_log10

DEFAULT_TOP = 10


class Method(Enum):
    """Ranking method: the likelihood-ratio model or the Phenomizer-style baseline."""

    LR = "lr"
    PHENOMIZER = "phenomizer"


class MatchKind(Enum):
    """How a case term relates to the disease's annotations."""

    EXACT = "exact"
    QUERY_LESS_SPECIFIC = "query_less_specific"  # the case term is an ancestor of a disease feature
    QUERY_MORE_SPECIFIC = "query_more_specific"  # the case term is a descendant of a disease feature
    RELATED = "related"  # the two share a (not too general) ancestor
    UNMATCHED = "unmatched"
    CONTRADICTED = "contradicted"  # the disease is annotated NOT to show it
    EXCLUDED_ABSENT_IN_DISEASE = "excluded_absent_in_disease"  # excluded, and the disease does not show it
    EXCLUDED_DISEASE_FEATURE = "excluded_disease_feature"  # excluded, but the disease usually shows it
    EXCLUDED_NOT_IN_DISEASE = "excluded_not_in_disease"  # excluded, and the disease is annotated NOT


@dataclass(frozen=True)
class CaseTerms:
    """The parts of a case the scorers use, as term indices of the knowledge base."""

    observed: tuple[int, ...]
    excluded: tuple[int, ...]
    sex: str  # "MALE", "FEMALE" or other
    onset_days: float | None
    age_days: float | None

    @classmethod
    def from_case(cls, case: Case, model: RankingModel) -> CaseTerms:
        """Map a Case to term indices (ids unknown to this release are skipped)."""
        index = model.kb.term_index
        obs = tuple(index[t.id] for t in case.observed if t.id in index)
        exc = tuple(index[t.id] for t in case.excluded if t.id in index)
        return cls(obs, exc, case.sex.value, case.onset_days, case.age_days)

    @classmethod
    def from_ids(
        cls,
        model: RankingModel,
        observed: list[str],
        excluded: list[str] | None = None,
        sex: str = "UNKNOWN_SEX",
        onset_days: float | None = None,
        age_days: float | None = None,
    ) -> CaseTerms:
        """Build from HPO ids (for tests and library use); unknown ids are skipped."""
        index = model.kb.term_index
        return cls(
            tuple(index[t] for t in observed if t in index),
            tuple(index[t] for t in excluded or [] if t in index),
            sex,
            onset_days,
            age_days,
        )


def score_lr(model: RankingModel, terms: CaseTerms, *, similar: bool = True) -> FloatVec:
    """Total log10 LR of every disease (observed + excluded terms, sex, onset, calibration and, unless
    `similar` is false, the similar-published-patient evidence)."""
    total = np.zeros(model.n_diseases, dtype=np.float64)
    for t in terms.observed:
        total += model.log10_lr_observed(t)
    for t in terms.excluded:
        total += model.log10_lr_excluded(t)
    total += model.log10_lr_sex(terms.sex)
    total += model.log10_lr_onset(terms.onset_days, terms.age_days)
    total += calibration_log10(model, terms)
    if similar and model.params.similar_evidence_weight > 0 and model.similar_evidence is not None:
        total += similar_evidence_log10(model, terms, total)
    return total


def calibration_log10(model: RankingModel, terms: CaseTerms) -> FloatVec | float:
    """The per-disease calibration: −weight × (n_observed − k) × expected log10 LR of a random finding."""
    counted = len(terms.observed) - model.params.null_free_terms
    if model.params.null_weight <= 0 or counted <= 0:
        return 0.0
    return -model.params.null_weight * counted * model.null_log10_lr


@dataclass(frozen=True)
class Explanation:
    """One case term against one disease: which disease feature it matched and with which LR."""

    term: str
    label: str
    match: MatchKind
    disease_term: str | None
    disease_term_label: str | None
    frequency: float | None
    lr: float
    log10_lr: float
    borrowed_from: str | None = None  # Orphanet entry of the same condition that lists this feature
    # the frequency as the source states it ("frequent, 30–79 %", "3/7 patients"); `frequency` is the model's
    frequency_source: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        out: dict[str, Any] = {
            "term": self.term,
            "label": self.label,
            "match": self.match.value,
            "disease_term": self.disease_term,
            "disease_term_label": self.disease_term_label,
            "frequency": None if self.frequency is None else round(self.frequency, 4),
            "lr": _round_sig(self.lr),
            "log10_lr": round(self.log10_lr, 4),
        }
        if self.borrowed_from:
            out["borrowed_from"] = self.borrowed_from
        if self.frequency_source:
            out["frequency_source"] = self.frequency_source
        return out


@dataclass(frozen=True)
class Factor:
    """A non-phenotype factor (sex, onset) of the likelihood ratio, with its reason."""

    name: str
    log10_lr: float
    reason: str

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "factor": self.name,
            "lr": _round_sig(10**self.log10_lr),
            "log10_lr": round(self.log10_lr, 4),
            "reason": self.reason,
        }


@dataclass(frozen=True)
class DiseaseScore:
    """One row of the differential."""

    rank: int
    disease_id: str
    name: str
    posterior: float
    log10_lr: float
    score: float  # the value ranked on (log10 LR for the LR model, similarity for the baseline)
    flag: IpexFlag | None
    genes: tuple[str, ...]
    explanation: tuple[Explanation, ...]
    factors: tuple[Factor, ...]
    # other ids of the same disease (e.g. the Orphanet entry of an OMIM disease), one row per disease
    cross_references: tuple[str, ...] = ()
    # the id whose annotations gave the row its score, when it is not `disease_id` (e.g. the Orphanet entry)
    scored_as: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON form (the `results` rows of `ipexpath rank --json`)."""
        return {
            "rank": self.rank,
            "disease_id": self.disease_id,
            "cross_references": list(self.cross_references),
            "scored_as": self.scored_as,
            "name": self.name,
            "posterior": _round_sig(self.posterior),
            "log10_lr": round(self.log10_lr, 4),
            "score": round(self.score, 6),
            "ipex": None if self.flag is None else self.flag.value,
            "genes": list(self.genes),
            "explanation": [e.to_dict() for e in self.explanation],
            "factors": [f.to_dict() for f in self.factors],
        }


@dataclass(frozen=True)
class Differential:
    """The ranked differential for one case."""

    case_id: str
    method: Method
    hpo_version: str
    model_version: str
    n_diseases: int
    prior: float
    n_observed: int
    n_excluded: int
    results: tuple[DiseaseScore, ...]
    ipex_rows: tuple[DiseaseScore, ...]  # IPEX and IPEX-like rows, whatever their rank
    notes: tuple[str, ...]
    # posterior mass of "none of the diseases ranked explains the case" (calibration, see calibration.py)
    unexplained_posterior: float = 0.0
    calibration: Calibration = SHIPPED
    # cited share of IPEX-like (FOXP3-negative) patients among patients with an IPEX picture
    ipex_like_share: str | None = None
    similar_patients: tuple[SimilarPatient, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of `ipexpath rank --json`."""
        return {
            "case_id": self.case_id,
            "hpo_version": self.hpo_version,
            "method": self.method.value,
            "model_version": self.model_version,
            "prior": {
                "kind": "uniform",
                "value": self.prior,
                "over": f"{self.n_diseases} diseases of the HPO annotations (OMIM, Orphanet, DECIPHER; an "
                "Orphanet entry describing an OMIM disease counts once, with it)",
            },
            "posterior_calibration": {
                "temperature": self.calibration.temperature,
                "unexplained_log10_lr": self.calibration.unexplained_log10_lr,
                "unexplained_posterior": _round_sig(self.unexplained_posterior),
                "method": "posterior ∝ LR^(1/T), with an 'unexplained / not in the knowledge base' row; T "
                "and the row's LR depend on the number of observed findings (≤ 2, 3–5, 6–10, > 10); fitted "
                "on publication-grouped cross-validation (docs/ranking-model.md)",
            },
            "n_observed": self.n_observed,
            "n_excluded": self.n_excluded,
            "results": [r.to_dict() for r in self.results],
            "ipex_and_ipex_like": [r.to_dict() for r in self.ipex_rows],
            "ipex_like_share": self.ipex_like_share,
            "similar_patients": [p.to_dict() for p in self.similar_patients],
            "notes": list(self.notes),
        }


def _round_sig(x: float, digits: int = 4) -> float:
    if x == 0 or not math.isfinite(x):
        return x
    return float(f"{x:.{digits}g}")


def posteriors(log10_lr: FloatVec) -> FloatVec:
    """Posterior probabilities under a uniform prior: LR_D / Σ LR (computed stably in log space)."""
    shifted = (log10_lr - log10_lr.max()) * math.log(10)
    w = np.exp(shifted)
    out: FloatVec = w / w.sum()
    return out


def order_by_score(scores: FloatVec) -> npt.NDArray[np.int64]:
    """Disease indices best first (stable: equal scores keep knowledge-base order)."""
    return np.argsort(-scores, kind="stable")


def rank_case(
    model: RankingModel,
    case: Case,
    *,
    top: int = DEFAULT_TOP,
    method: Method = Method.LR,
    phenomizer: PhenomizerModel | None = None,
    similar: int = DEFAULT_SIMILAR,
    explain_ipex_rows: bool = True,
) -> Differential:
    """Rank all diseases for `case`; the top `top` rows plus every IPEX / IPEX-like row are explained.

    `explain_ipex_rows=False` (batch re-ranking) leaves the IPEX / IPEX-like rows below the top without
    explanation and factors: only their rank and scores are needed there.
    """
    terms = CaseTerms.from_case(case, model)
    notes: list[str] = []
    if not terms.observed:
        notes.append(
            "The case has no usable observed feature: the ranking rests on excluded terms, sex and "
            "age only and is not informative."
        )
    if method is Method.PHENOMIZER:
        pheno = phenomizer or PhenomizerModel.build(model.kb)
        scores = pheno.score(terms)
        log10_lr = score_lr(model, terms)
        notes.append(
            "Phenomizer-style baseline: ranked by Resnik best-match average similarity; posterior "
            "and log10_lr are the LR model's values for the same disease, shown for comparison."
        )
    else:
        scores = score_lr(model, terms)
        log10_lr = scores
    groups = model.groups
    group_scores = groups.group_scores(scores)
    group_lr = groups.group_scores(log10_lr)
    calibration = for_findings(len(terms.observed))
    post, unexplained = calibration.posteriors(group_lr)
    order = order_by_score(group_scores)
    rank_of = np.empty_like(order)
    rank_of[order] = np.arange(1, order.size + 1)
    flags = ipex_flags()
    ctx = _RowContext(model, terms, rank_of, post, group_lr, group_scores, scores, flags)
    rows = tuple(ctx.row(int(g)) for g in order[: max(top, 0)].tolist())
    flagged = {int(groups.group_of[model.kb.disease_index[i]]) for i in flags if i in model.kb.disease_index}
    ipex_rows = tuple(
        ctx.row(g, explained=explain_ipex_rows) for g in sorted(flagged, key=lambda g: rank_of[g])
    )
    return Differential(
        case_id=case.id,
        method=method,
        hpo_version=model.kb.release_label,
        model_version=model_version(model),
        n_diseases=groups.n_groups,
        prior=1.0 / groups.n_groups,
        n_observed=len(terms.observed),
        n_excluded=len(terms.excluded),
        results=rows,
        ipex_rows=ipex_rows,
        notes=tuple(notes),
        unexplained_posterior=unexplained,
        calibration=calibration,
        ipex_like_share=clinical.ipex_like_share_text()
        if any(r.flag is IpexFlag.IPEX for r in ipex_rows)
        else None,
        similar_patients=similar_patients(model, terms) if similar else (),
    )


def model_version(model: RankingModel) -> str:
    """Model version and parameters, for reports."""
    from ipexpath.suspect.model import MODEL_VERSION

    return MODEL_VERSION


@dataclass(frozen=True)
class _RowContext:
    """What every row of one differential is built from (group-level ranks and posteriors)."""

    model: RankingModel
    terms: CaseTerms
    rank_of: npt.NDArray[np.int64]
    post: FloatVec
    group_lr: FloatVec
    group_scores: FloatVec
    scores: FloatVec  # per disease id, to find the member that scored
    flags: dict[str, IpexFlag]

    def row(self, g: int, explained: bool = True) -> DiseaseScore:
        """The differential row of disease group `g` (without explanation and factors if not `explained`)."""
        model, groups, kb = self.model, self.model.groups, self.model.kb
        shown = groups.members[g][0]
        d = groups.best_member(g, self.scores)
        ids = [kb.disease_ids[m] for m in groups.members[g]]
        flag = next((self.flags[i] for i in ids if i in self.flags), None)
        genes = sorted({gene for i in ids for gene in kb.disease_genes(i)})
        return DiseaseScore(
            rank=int(self.rank_of[g]),
            disease_id=kb.disease_ids[shown],
            name=kb.disease_names[shown],
            posterior=float(self.post[g]),
            log10_lr=float(self.group_lr[g]),
            score=float(self.group_scores[g]),
            flag=flag,
            genes=tuple(genes),
            explanation=explain(model, self.terms, d) if explained else (),
            factors=_factors(model, self.terms, d) if explained else (),
            cross_references=tuple(ids[1:]),
            scored_as=None if d == shown else kb.disease_ids[d],
        )


# ---------------------------------------------------------------------------------------------- explanation
def _annotations(model: RankingModel, d: int) -> dict[int, float]:
    """Direct positive phenotype annotations of a disease: term → frequency used by the model."""
    csr = model.direct_rows
    lo, hi = csr.indptr[d], csr.indptr[d + 1]
    return dict(zip(csr.indices[lo:hi].tolist(), csr.data[lo:hi].tolist(), strict=True))


def _best_below(model: RankingModel, anns: dict[int, float], term: int) -> tuple[int, float] | None:
    """The disease annotation at or below `term` with the highest frequency (ties: the most specific)."""
    best: tuple[int, float] | None = None
    for a, f in anns.items():
        if (best is None or f > best[1]) and term in set(model.kb.ancestors(a).tolist()):
            best = (a, f)
    return best


def explain(model: RankingModel, terms: CaseTerms, d: int) -> tuple[Explanation, ...]:
    """Per-term explanation rows for disease index `d` (LR values are the model's own)."""
    kb = model.kb
    p = model.params
    anns = _annotations(model, d)
    negated = set(model.negated_rows_of(d))
    rows: list[Explanation] = []
    for q in terms.observed:
        log_lr = float(model.log10_lr_observed(q)[d])
        kind, dterm, freq = MatchKind.UNMATCHED, None, None
        anc_q = kb.ancestors(q).tolist()
        bad = [x for x in anc_q if x in negated]
        prop = float(model.propagated[d, q])
        if bad:
            kind, dterm = MatchKind.CONTRADICTED, bad[0]
        elif prop > 0 and prop / model.background[q] ** p.background_exponent >= 10**log_lr * 0.999:
            if q in anns:
                kind, dterm, freq = MatchKind.EXACT, q, anns[q]
            else:
                hit = _best_below(model, anns, q)
                kind = MatchKind.QUERY_LESS_SPECIFIC
                dterm, freq = hit if hit else (q, prop)
        else:
            best_val = p.unexplained_lr
            for a in model.phenotype_ancestors(q).tolist():
                if model.background[a] > p.related_max_background:
                    continue
                bgq = model.background[q]
                grade = (bgq / model.background[a]) ** p.ancestor_exponent / bgq**p.background_exponent
                spec = anns.get(a, 0.0) * p.specific_factor * grade
                rel = float(model.propagated[d, a]) * p.related_factor * grade
                if spec > best_val and spec >= rel:
                    best_val, kind, dterm, freq = spec, MatchKind.QUERY_MORE_SPECIFIC, a, anns[a]
                elif rel > best_val:
                    hit = _best_below(model, anns, a)
                    best_val, kind = rel, MatchKind.RELATED
                    dterm, freq = hit if hit else (a, float(model.propagated[d, a]))
        row = _explanation(kb.term_ids, kb.labels, q, kind, dterm, freq, log_lr)
        if dterm is not None:
            lender = model.lender_of(d, dterm) if model.partners.get(d) else None
            row = replace(row, borrowed_from=lender, frequency_source=model.frequency_text(d, dterm))
        rows.append(row)
    for q in terms.excluded:
        log_lr = float(model.log10_lr_excluded(q)[d])
        prop = float(model.propagated[d, q])
        anc_q = kb.ancestors(q).tolist()
        if any(x in negated for x in anc_q):
            kind, dterm, freq = MatchKind.EXCLUDED_NOT_IN_DISEASE, q, 0.0
        elif prop > 0:
            hit = _best_below(model, anns, q)
            kind = MatchKind.EXCLUDED_DISEASE_FEATURE
            dterm, freq = hit if hit else (q, prop)
        else:
            kind, dterm, freq = MatchKind.EXCLUDED_ABSENT_IN_DISEASE, None, None
        row = _explanation(kb.term_ids, kb.labels, q, kind, dterm, freq, log_lr)
        if dterm is not None and kind is MatchKind.EXCLUDED_DISEASE_FEATURE:
            row = replace(row, frequency_source=model.frequency_text(d, dterm))
        rows.append(row)
    return tuple(rows)


def _explanation(
    ids: list[str],
    labels: list[str],
    q: int,
    kind: MatchKind,
    dterm: int | None,
    freq: float | None,
    log_lr: float,
) -> Explanation:
    return Explanation(
        term=ids[q],
        label=labels[q],
        match=kind,
        disease_term=None if dterm is None else ids[dterm],
        disease_term_label=None if dterm is None else labels[dterm],
        frequency=freq,
        lr=10**log_lr,
        log10_lr=log_lr,
    )


def _factors(model: RankingModel, terms: CaseTerms, d: int) -> tuple[Factor, ...]:
    out: list[Factor] = []
    sex_lr = float(model.log10_lr_sex(terms.sex)[d])
    if terms.sex in ("MALE", "FEMALE"):
        modes = ", ".join(model.inheritance_labels(d)) or "no inheritance annotated"
        out.append(Factor("sex", sex_lr, f"{terms.sex.lower()} patient; disease inheritance: {modes}"))
    onset_lr = float(model.log10_lr_onset(terms.onset_days, terms.age_days)[d])
    if model.params.use_onset and (terms.onset_days is not None or terms.age_days is not None):
        if terms.onset_days is not None:
            what = f"onset {clinical.ONSET_BIN_NAMES[onset_bin(terms.onset_days)]}"
        else:
            assert terms.age_days is not None
            what = f"onset at or before age ({clinical.ONSET_BIN_NAMES[onset_bin(terms.age_days)]})"
        annotated = model.onset_labels(d)
        ann_text = ", ".join(annotated) if annotated else "no onset annotated (background distribution)"
        out.append(Factor("onset", onset_lr, f"{what}; disease onset: {ann_text}"))
    similar = _similar_factor(model, terms, d)
    if similar is not None:
        out.append(similar)
    calibration = calibration_log10(model, terms)
    free, weight = model.params.null_free_terms, model.params.null_weight
    counted = len(terms.observed) - free
    if not isinstance(calibration, float):
        value = float(calibration[d])
        out.append(
            Factor(
                "calibration",
                value,
                "breadth of the disease's annotations: a disease that matches random findings well gets less "
                f"credit per finding ({counted} findings beyond the first {free} × weight {weight})",
            )
        )
    return tuple(out)


def _similar_factor(model: RankingModel, terms: CaseTerms, d: int) -> Factor | None:
    """The similar-published-patient evidence of disease `d` as a factor (None without training patients)."""
    profiles = model.case_profiles
    if (
        profiles is None
        or model.similar_evidence is None
        or model.params.similar_evidence_weight <= 0
        or not terms.observed
        or profiles.n_patients[d] == 0
    ):
        return None
    base = score_lr(model, terms, similar=False)
    value = float(similar_evidence_log10(model, terms, base)[d])
    diseases, best = best_similarity(model, terms)
    where = np.flatnonzero(diseases == d)
    similarity = float(best[where[0]]) if where.size else 0.0
    n, p = int(profiles.n_patients[d]), int(profiles.n_publications[d])
    return Factor(
        "similar published patients",
        value,
        f"the most similar of its {n} published patients ({p} publication{'s' if p != 1 else ''}) has "
        f"similarity {similarity:.2f} with this case; learnt likelihood ratio given the disease's rank "
        "without this evidence",
    )
