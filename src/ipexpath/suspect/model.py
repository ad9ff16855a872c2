"""The likelihood-ratio ranking model: per-release arrays and the per-term likelihood-ratio vectors.

Built once per HPO release (`RankingModel.build(kb)`, ~1–2 s) from the knowledge-base annotation arrays:

* ``direct``  (disease × term, sparse): annotated frequency of each positive phenotype annotation;
* ``propagated`` (disease × term, sparse): for every ancestor of an annotation the maximum frequency of
  the annotations below it (true-path rule, no double counting; LIRICAL's "induced disease graph");
* ``negated`` (disease × term, sparse 0/1): explicit NOT annotations;
* ``background[t]`` = mean over diseases of ``propagated[:, t]`` (LIRICAL's background frequency);
* sex and onset factors per disease.

A case is scored as a sum of cached per-term log10-LR vectors over all diseases (see `log10_lr_observed`,
`log10_lr_excluded`), so ranking ~12,700 diseases costs a few vector additions. The modelling choices
are explained in docs/ranking-model.md.
"""

from __future__ import annotations

import math
import re
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from ipexpath.knowledge.base import ONSET, PHENOTYPIC_ABNORMALITY, KnowledgeBase
from ipexpath.knowledge.case_knowledge import CaseKnowledge, load_case_knowledge
from ipexpath.suspect import clinical
from ipexpath.suspect.case_profiles import CaseProfiles, build_case_profiles
from ipexpath.suspect.cohort_profiles import (
    CohortSource,
    build_cohort_profiles,
    cohort_frequency_text,
    load_cohort_sources,
)
from ipexpath.suspect.grouping import DiseaseGroups, build_groups
from ipexpath.suspect.similar_evidence import SimilarEvidence, shipped_similar_evidence

FloatVec = npt.NDArray[np.float64]
Float32Vec = npt.NDArray[np.float32]
IntVec = npt.NDArray[np.int64]
BoolVec = npt.NDArray[np.bool_]

MODEL_VERSION = "lr-8"
# Bounded cache of per-term vectors: 2,048 × 12,700 diseases × 4 bytes ≈ 100 MB per process at most.
TERM_CACHE_SIZE = 2048
# A term that annotates no disease still needs a finite background (LIRICAL uses 1e-4).
MIN_BACKGROUND = 1e-4


class ShippedCases:
    """Marker: build the model with the case knowledge shipped in the package (and the curated patients)."""


SHIPPED_CASES = ShippedCases()


@dataclass(frozen=True)
class ModelParameters:
    """Global hyper-parameters of the LR model (tuned on publication half A only, see the design note)."""

    # Frequency assumed when the HPOA line has none. LIRICAL uses 1.0; most frequency-less lines come from
    # OMIM clinical synopses, which list features seen in some but not all patients.
    default_frequency: float = 0.5
    # If > 0, the missing frequency depends on how many features the disease lists: a synopsis that lists
    # n features describes patients who show only some of them, so f = clip(budget / n, floor, 1)
    # (budget = expected number of annotated features a patient shows). 0 = use default_frequency.
    default_frequency_budget: float = 20.0
    default_frequency_floor: float = 0.05
    # Upper bound of an assumed frequency: a feature listed without a frequency is taken as at most "Very
    # frequent" (HP:0040281, 80–99 %, midpoint 0.895); only an explicit "Obligate" or n/n line gives 1.0.
    default_frequency_ceiling: float = 1.0
    # An "n/m" frequency from a handful of patients is an uncertain estimate (1/1 is not "always"): it is
    # replaced by the posterior mean under a Beta prior, (n + s·m0)/(m + s) with strength s and mean m0
    # (s = 2, m0 = 0.5 is Laplace's rule of succession). 0 keeps the raw ratio.
    cohort_prior_strength: float = 2.0
    cohort_prior_mean: float = 0.5
    # Query term more specific than a disease annotation (disease: "Seizure", patient: "Focal seizure"):
    # P(q | D) = f(a) · P(q | a) with P(q | a) ≈ bg(q)/bg(a), times this factor.
    specific_factor: float = 0.25
    # Disease and query share an ancestor t but neither subsumes the other (siblings/cousins):
    # P(q | D) = F_D(t) · bg(q)/bg(t) · related_factor — the disease's features under t are known
    # and are not q, so a match through a common ancestor is discounted.
    related_factor: float = 0.05
    # Noise floor: a finding that the disease does not explain at all (false positive / co-morbidity /
    # curation noise, BOQA's alpha) has LR = unexplained_lr instead of LIRICAL's hard 1/100.
    unexplained_lr: float = 0.1
    # Excluded terms: log10 LR of LIRICAL's (1 − F)/(1 − bg) rule multiplied by this weight
    # (curated "excluded" terms are often "not reported", see the design note).
    excluded_weight: float = 1.0
    # Lower bound on P(absent | D) for an excluded term the disease shows with frequency F (LIRICAL 0.01).
    excluded_floor: float = 0.7
    # Only a disease that shows the term at least this often is penalised by its exclusion ("usually shows").
    excluded_min_frequency: float = 0.8
    # Ancestors whose background is above this are too general to count as a "related" match
    # (organ-system level terms); the finding is then unexplained.
    related_max_background: float = 0.5
    # Grading of partial matches by the information lost: P(q | D) = F_D(t) · (bg(q)/bg(t))^exponent · factor,
    # i.e. LR = factor · F_D(t)/bg(q) · (bg(q)/bg(t))^exponent. Exponent 1 is "the patient's term is a
    # random specialisation of t"; larger values penalise distant ancestors more (graded by IC distance
    # instead of LIRICAL's direct-children-only rule).
    ancestor_exponent: float = 2.0
    # Tempering of the specificity reward: LR = F / bg(q)^exponent. 1 is the plain likelihood ratio; < 1
    # shrinks the reward for matching very rare terms (annotation and case terms are not independent
    # draws, and a single rare match should not outweigh several common ones).
    background_exponent: float = 1.0
    # Weight of Orphanet annotations borrowed by an OMIM disease from the Orphanet entries that describe the
    # same condition (`orphanet_partners`: same single gene, or the same name): Orphanet often lists features
    # (with frequency classes) that a sparse OMIM clinical synopsis lacks. Borrowed frequencies are multiplied
    # by this weight (Orphanet entries may be broader clinical entities); 0 switches borrowing off. Chosen on
    # publication half A only (0.3/0.5/1.0).
    orphanet_borrow: float = 0.5
    # Per-disease calibration (Phenomizer's p-value idea, Köhler et al. 2009, doi:10.1016/j.ajhg.2009.09.003,
    # in likelihood-ratio form): a disease with broad annotations gains evidence even from unrelated findings,
    # so for each observed term we subtract, times this weight, the disease's expected log10 LR for one
    # finding of a random other patient. 0 = off. Chosen on publication half A (0.3/0.5/0.7/1.0).
    null_weight: float = 0.5
    # The expectation is taken over the terms carrying most of the annotation weight (500 ≈ 55 %).
    null_terms: int = 500
    # The calibration corrects the accumulation of chance matches over many findings; it is applied from the
    # (k+1)-th observed finding on. k chosen on half A among 0/1/2 (53.6/53.5/53.8 top-1); with k = 0, cases
    # with one or two findings lost 8 top-1 points (breadth alone is a poor tie-break for them).
    null_free_terms: int = 2
    # Case-derived disease profiles (issue 13, `case_profiles.py`): weight of the published patients'
    # frequencies against the HPOA ones (element-wise maximum of HPOA and weight × case frequency); 0 = off.
    case_weight: float = 1.0
    # One publication weighs at most this many patients in a disease's profile (a large cohort would
    # otherwise dominate); set a priori.
    case_cap_per_publication: float = 10.0
    # Prior mean of the case-frequency shrinkage: False = 0.5 (Laplace, as the n/m lines); True = what the
    # annotations say (the disease's own frequency for the term, else the background frequency).
    case_prior_from_annotations: bool = True
    # Research options of the case profiles (session 4, design note §0.10; all off — none won under the
    # no-training-case rule): denominator over the patients in whom the term was assessed ("patients": stated
    # present or absent in the patient, using the published excluded features; "publications": in some patient
    # of the same paper; "" = all patients), and information-content-weighted propagation to ancestors.
    case_assessed_patients: bool = False
    case_assessed_publications: bool = False
    case_ic_propagation: bool = False
    # Similar published patients as evidence (lr-8, `similar_evidence.py`): weight of the learnt log10 LR of
    # the case's best similarity to each disease's published patients, given the disease's rank without it;
    # 1 is the likelihood ratio as fitted (set a priori, not tuned); 0 = off.
    similar_evidence_weight: float = 1.0
    # Cohort-level profiles (`cohort_profiles.py`, knowledge/data/cohort_profiles.yaml): weight of the feature
    # frequencies quoted from published cohort papers, merged like the case profiles; 0 = off.
    cohort_weight: float = 1.0
    use_sex: bool = True
    use_onset: bool = True

    def with_changes(self, **changes: float | bool) -> ModelParameters:
        """A copy with some parameters changed (for tuning)."""
        return replace(self, **changes)  # type: ignore[arg-type]


def _max_reduce(rows: IntVec, cols: IntVec, vals: FloatVec, shape: tuple[int, int]) -> sp.csc_matrix:
    """Sparse matrix keeping the maximum value for duplicated (row, col) pairs."""
    if rows.size == 0:
        return sp.csc_matrix(shape, dtype=np.float32)
    key = rows.astype(np.int64) * shape[1] + cols.astype(np.int64)
    order = np.lexsort((-vals, key))
    key_sorted = key[order]
    first = np.ones(key_sorted.size, dtype=bool)
    first[1:] = key_sorted[1:] != key_sorted[:-1]
    keep = order[first]
    matrix = sp.coo_matrix(
        (vals[keep].astype(np.float32), (rows[keep], cols[keep])), shape=shape, dtype=np.float32
    )
    return matrix.tocsc()


@dataclass(frozen=True, eq=False)
class RankingModel:
    """Per-release arrays for ranking every disease of the knowledge base (see module docstring)."""

    kb: KnowledgeBase
    params: ModelParameters
    direct: sp.csc_matrix
    propagated: sp.csc_matrix
    negated: sp.csc_matrix
    background: FloatVec
    is_phenotype: BoolVec
    omim_mask: BoolVec
    sex_log10_female: FloatVec
    sex_log10_male: FloatVec
    onset_distribution: npt.NDArray[np.float64]  # diseases × bins, rows sum to 1
    onset_background: FloatVec
    has_onset: BoolVec
    partners: dict[int, tuple[int, ...]]  # OMIM disease → Orphanet entries whose annotations it borrows
    case_knowledge: CaseKnowledge | None = None  # the published patients the profiles were built from
    case_profiles: CaseProfiles | None = None
    similar_evidence: SimilarEvidence | None = None  # coefficients of the similar-patient evidence
    _cache: OrderedDict[tuple[str, int], Float32Vec] = field(default_factory=OrderedDict, repr=False)
    _onset_cache: dict[tuple[str, int], FloatVec] = field(default_factory=dict, repr=False)

    # ------------------------------------------------------------------ build
    @classmethod
    def build(
        cls,
        kb: KnowledgeBase,
        params: ModelParameters | None = None,
        cases: CaseKnowledge | ShippedCases | None = SHIPPED_CASES,
        similar_evidence: SimilarEvidence | None = None,
        cohorts: tuple[CohortSource, ...] | None = None,
    ) -> RankingModel:
        """Build the model arrays for one knowledge base (a second or two).

        `cases`: the published patients to learn profiles from — the shipped ones by default, a subset for
        cross-validation, or None for none. `similar_evidence`: the coefficients of the similar-patient
        evidence (with the shipped cases, the shipped coefficients unless given; otherwise none unless given).
        `cohorts`: the cohort papers' frequencies (`cohort_profiles.py`; None = the shipped file).
        """
        params = params or ModelParameters()
        if isinstance(cases, ShippedCases):
            cases = load_case_knowledge(kb) if params.case_weight > 0 else None
            similar_evidence = similar_evidence or shipped_similar_evidence()
        n_d, n_t = kb.n_diseases, kb.n_terms
        pa = kb.term_index[PHENOTYPIC_ABNORMALITY]
        is_pheno = np.zeros(n_t, dtype=bool)
        anc_ptr, anc_idx = kb.ancestor_ptr, kb.ancestor_idx
        owner = np.repeat(np.arange(n_t), np.diff(anc_ptr))
        is_pheno[owner[anc_idx == pa]] = True

        freq = kb.ann_frequency.astype(np.float64)
        if params.cohort_prior_strength > 0:
            m = kb.ann_cohort.astype(np.float64)
            counted = m > 0
            s_, m0 = params.cohort_prior_strength, params.cohort_prior_mean
            freq[counted] = (freq[counted] * m[counted] + s_ * m0) / (m[counted] + s_)
        phen = (kb.ann_aspect == 0) & is_pheno[kb.ann_term]
        if params.default_frequency_budget > 0:
            n_feat = np.bincount(kb.ann_disease[phen & ~kb.ann_negated], minlength=n_d).astype(np.float64)
            per_disease = np.clip(
                params.default_frequency_budget / np.maximum(n_feat, 1.0),
                params.default_frequency_floor,
                params.default_frequency_ceiling,
            )
            freq = np.where(np.isnan(freq), per_disease[kb.ann_disease], freq)
        else:
            freq = np.where(np.isnan(freq), params.default_frequency, freq)
        positive = phen & ~kb.ann_negated & (freq > 0)
        # frequency 0 ("Excluded (0%)", HP:0040285) means the same as a NOT line
        negative = phen & (kb.ann_negated | (freq == 0))

        d_pos = kb.ann_disease[positive].astype(np.int64)
        t_pos = kb.ann_term[positive].astype(np.int64)
        f_pos = freq[positive]
        direct = _max_reduce(d_pos, t_pos, f_pos, (n_d, n_t))

        # propagate each annotation to its ancestors (phenotype subtree only)
        counts = np.diff(anc_ptr)[t_pos]
        starts = anc_ptr[t_pos]
        offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
        anc = anc_idx[np.repeat(starts, counts) + offsets].astype(np.int64)
        rows = np.repeat(d_pos, counts)
        vals = np.repeat(f_pos, counts)
        keep = is_pheno[anc]
        propagated = _max_reduce(rows[keep], anc[keep], vals[keep], (n_d, n_t))

        d_neg = kb.ann_disease[negative].astype(np.int64)
        t_neg = kb.ann_term[negative].astype(np.int64)
        negated = _max_reduce(d_neg, t_neg, np.ones(d_neg.size), (n_d, n_t))

        background = np.asarray(propagated.sum(axis=0)).ravel().astype(np.float64) / n_d
        background = np.maximum(background, MIN_BACKGROUND)
        # borrowing comes after the background, so that a feature is not counted twice in it
        partners = orphanet_partners(kb) if params.orphanet_borrow > 0 else {}
        if partners:
            direct = _borrow(direct, partners, params.orphanet_borrow)
            propagated = _borrow(propagated, partners, params.orphanet_borrow)
        profiles = None
        if cases is not None and params.case_weight > 0:
            profiles = build_case_profiles(
                kb,
                cases,
                is_pheno,
                cap_per_publication=params.case_cap_per_publication,
                prior_strength=params.cohort_prior_strength,
                prior_mean=params.cohort_prior_mean,
                annotation_prior=(propagated, background) if params.case_prior_from_annotations else None,
                assessed="publications"
                if params.case_assessed_publications
                else "patients"
                if params.case_assessed_patients
                else "",
                ic_weights=-np.log(background) if params.case_ic_propagation else None,
            )
            direct = _merge_max(direct, profiles.direct, params.case_weight)
            propagated = _merge_max(propagated, profiles.propagated, params.case_weight)
        if params.cohort_weight > 0:  # cohort papers' k/n (ipexprofile helper, issue 13)
            cohort = build_cohort_profiles(
                kb,
                load_cohort_sources() if cohorts is None else cohorts,
                is_pheno,
                prior_strength=params.cohort_prior_strength,
                annotation_prior=(propagated, background),
            )
            direct = _merge_max(direct, cohort.direct, params.cohort_weight)
            propagated = _merge_max(propagated, cohort.propagated, params.cohort_weight)

        omim = np.array([d.startswith("OMIM:") for d in kb.disease_ids], dtype=bool)
        female, male = _sex_factors(kb)
        onset_dist, onset_bg, has_onset = _onset_distributions(kb)
        return cls(
            kb=kb,
            params=params,
            direct=direct,
            propagated=propagated,
            negated=negated,
            background=background,
            is_phenotype=is_pheno,
            omim_mask=omim,
            sex_log10_female=female,
            sex_log10_male=male,
            onset_distribution=onset_dist,
            onset_background=onset_bg,
            has_onset=has_onset,
            partners=partners,
            case_knowledge=cases,
            case_profiles=profiles,
            similar_evidence=similar_evidence if profiles is not None else None,
        )

    def with_parameters(self, params: ModelParameters) -> RankingModel:
        """Same arrays with other parameters (rebuilds only if the default frequency changes)."""
        rebuild = (
            "default_frequency",
            "default_frequency_budget",
            "default_frequency_floor",
            "default_frequency_ceiling",
            "cohort_prior_strength",
            "cohort_prior_mean",
            "orphanet_borrow",
            "null_terms",
            "case_weight",
            "case_cap_per_publication",
            "case_prior_from_annotations",
            "cohort_weight",
            "case_assessed_patients",
            "case_assessed_publications",
            "case_ic_propagation",
        )
        if any(getattr(params, name) != getattr(self.params, name) for name in rebuild):
            return RankingModel.build(self.kb, params, self.case_knowledge, self.similar_evidence)
        return replace(self, params=params, _cache=OrderedDict(), _onset_cache={})

    # ------------------------------------------------------------------ helpers
    @cached_property
    def direct_rows(self) -> sp.csr_matrix:
        """`direct` in row (disease) order, for explanations."""
        return self.direct.tocsr()

    @cached_property
    def groups(self) -> DiseaseGroups:
        """One group per disease: OMIM entries with the Orphanet entries describing the same condition."""
        return build_groups(self.kb, self.partners, self.propagated)

    @cached_property
    def patient_information(self) -> tuple[FloatVec, FloatVec]:
        """Information content of every term (from the disease annotations) and each training patient's
        total over its propagated phenotype (for `similar.similarity_to_patients`)."""
        n_t = np.diff(self.propagated.indptr).astype(np.float64)
        ic = -np.log(np.maximum(n_t, 1.0) / self.n_diseases)
        ic[~self.is_phenotype] = 0.0
        if self.case_profiles is None:
            return ic, np.zeros(0)
        totals = np.asarray(self.case_profiles.case_terms @ ic).ravel()
        return ic, totals

    @cached_property
    def patients_of_term(self) -> sp.csr_matrix:
        """Term × training patient 0/1 matrix (the transpose of the profiles' case × term matrix)."""
        if self.case_profiles is None:
            return sp.csr_matrix((self.kb.n_terms, 0))
        return self.case_profiles.case_terms.T.tocsr()

    @cached_property
    def patients_by_disease(self) -> tuple[IntVec, IntVec, IntVec]:
        """Training patients sorted by disease: the order, each segment's disease and its start."""
        if self.case_profiles is None:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, empty
        disease = self.case_profiles.case_disease
        order = np.argsort(disease, kind="stable").astype(np.int64)
        sorted_disease = disease[order]
        starts = np.flatnonzero(np.r_[True, sorted_disease[1:] != sorted_disease[:-1]]).astype(np.int64)
        return order, sorted_disease[starts].astype(np.int64), starts

    @cached_property
    def _lines_by_disease(self) -> tuple[IntVec, IntVec]:
        """Annotation line numbers sorted by disease, and the CSR pointer into them."""
        order = np.argsort(self.kb.ann_disease, kind="stable").astype(np.int64)
        ptr = np.zeros(self.n_diseases + 1, dtype=np.int64)
        ptr[1:] = np.cumsum(np.bincount(self.kb.ann_disease, minlength=self.n_diseases))
        return order, ptr

    def annotation_lines(self, disease: int, term: int) -> list[int]:
        """Line numbers of the knowledge base's positive phenotype annotations of `disease` to `term`."""
        order, ptr = self._lines_by_disease
        lines = order[ptr[disease] : ptr[disease + 1]]
        kb = self.kb
        hit = lines[(kb.ann_term[lines] == term) & (kb.ann_aspect[lines] == 0) & ~kb.ann_negated[lines]]
        return hit.tolist()

    def frequency_text(self, disease: int, term: int) -> str | None:
        """How the annotation of `term` to `disease` states its frequency, as published (bin, n/m or %)."""
        lender = self.lender_of(disease, term)
        source = self.kb.disease_index[lender] if lender else disease
        lines = self.annotation_lines(source, term)
        kb = self.kb
        texts = sorted({frequency_label(float(kb.ann_frequency[i]), int(kb.ann_cohort[i])) for i in lines})
        seen = self.case_profiles.text(disease, term) if self.case_profiles is not None else None
        if seen:
            texts.append(seen)
        cohort = cohort_frequency_text(kb.disease_ids[disease], kb.term_ids[term])
        if cohort and self.params.cohort_weight > 0:
            texts.append(cohort)
        return "; ".join(texts) or None

    @cached_property
    def negated_rows(self) -> sp.csr_matrix:
        """`negated` in row (disease) order, for explanations."""
        return self.negated.tocsr()

    def lender_of(self, disease: int, term: int) -> str | None:
        """The Orphanet entry whose annotation `term` a disease borrowed (None if it is the disease's own)."""
        kb = self.kb
        own = kb.ann_term[(kb.ann_disease == disease) & (kb.ann_aspect == 0)]
        if term in set(own.tolist()):
            return None
        for source in self.partners.get(disease, ()):
            theirs = kb.ann_term[(kb.ann_disease == source) & (kb.ann_aspect == 0)]
            if term in set(theirs.tolist()):
                return kb.disease_ids[source]
        return None

    @cached_property
    def null_log10_lr(self) -> FloatVec:
        """Per disease: expected log10 LR of one finding of a random other patient (centred on the OMIM
        median), the calibration subtracted per observed term (see `ModelParameters.null_weight`)."""
        return null_log10_lr(self, self.params.null_terms)

    def negated_rows_of(self, disease: int) -> list[int]:
        """Terms a disease is annotated NOT to show."""
        csr = self.negated_rows
        return [int(t) for t in csr.indices[csr.indptr[disease] : csr.indptr[disease + 1]]]

    def inheritance_labels(self, disease: int) -> list[str]:
        """Labels of the disease's mode-of-inheritance annotations."""
        kb = self.kb
        sel = (kb.ann_disease == disease) & (kb.ann_aspect == 1)
        return sorted({kb.labels[t] for t in kb.ann_term[sel].tolist()})

    def onset_labels(self, disease: int) -> list[str]:
        """Labels of the disease's onset annotations (aspect C, under Onset)."""
        kb = self.kb
        sel = (kb.ann_disease == disease) & (kb.ann_aspect == 2)
        return sorted(
            {kb.labels[t] for t in kb.ann_term[sel].tolist() if kb.term_ids[t] in clinical.ONSET_TERM_BINS}
        )

    @property
    def n_diseases(self) -> int:
        """Number of diseases ranked (OMIM, Orphanet and DECIPHER entries of the release)."""
        return self.kb.n_diseases

    def phenotype_ancestors(self, term: int) -> npt.NDArray[np.int32]:
        """Proper ancestors of a term inside Phenotypic abnormality, the root HP:0000118 excluded."""
        anc = self.kb.ancestors(term)
        pa = self.kb.term_index[PHENOTYPIC_ABNORMALITY]
        return anc[(anc != term) & self.is_phenotype[anc] & (anc != pa)]

    def column(self, matrix: sp.csc_matrix, term: int) -> tuple[npt.NDArray[np.int32], Float32Vec]:
        """Row indices and values of one column of a CSC matrix."""
        lo, hi = matrix.indptr[term], matrix.indptr[term + 1]
        return matrix.indices[lo:hi], matrix.data[lo:hi]

    def _cached(self, key: tuple[str, int]) -> Float32Vec | None:
        vec = self._cache.get(key)
        if vec is not None:
            self._cache.move_to_end(key)
        return vec

    def _store(self, key: tuple[str, int], vec: Float32Vec) -> Float32Vec:
        self._cache[key] = vec
        if len(self._cache) > TERM_CACHE_SIZE:
            self._cache.popitem(last=False)
        return vec

    # ------------------------------------------------------------------ per-term likelihood ratios
    def log10_lr_observed(self, term: int) -> Float32Vec:
        """log10 LR of an observed term for every disease (cached)."""
        key = ("obs", term)
        hit = self._cached(key)
        if hit is not None:
            return hit
        p = self.params
        bg = self.background
        lr = np.full(self.n_diseases, p.unexplained_lr, dtype=np.float64)
        lam = p.ancestor_exponent
        # related (common ancestor) and query-more-specific (ancestor is itself an annotation)
        for anc in self.phenotype_ancestors(term).tolist():
            if bg[anc] > p.related_max_background:
                continue
            grade = (bg[term] / bg[anc]) ** lam / bg[term] ** p.background_exponent
            rows, vals = self.column(self.propagated, anc)
            _max_into(lr, rows, vals * (p.related_factor * grade))
            rows, vals = self.column(self.direct, anc)
            _max_into(lr, rows, vals * (p.specific_factor * grade))
        # exact match or query less specific than an annotation (propagated frequency)
        rows, vals = self.column(self.propagated, term)
        _max_into(lr, rows, vals / bg[term] ** p.background_exponent)
        # explicit NOT annotations of the term or of one of its ancestors
        for anc in self.kb.ancestors(term).tolist():
            rows, _ = self.column(self.negated, anc)
            if rows.size:
                lr[rows] = np.minimum(lr[rows], clinical.NOT_ANNOTATION_LR)
        return self._store(key, np.log10(lr).astype(np.float32))

    def log10_lr_excluded(self, term: int) -> Float32Vec:
        """log10 LR of an excluded term for every disease (cached): weighted (1 − F)/(1 − bg)."""
        key = ("exc", term)
        hit = self._cached(key)
        if hit is not None:
            return hit
        p = self.params
        bg = min(float(self.background[term]), 0.99)
        present = np.zeros(self.n_diseases, dtype=np.float64)
        rows, vals = self.column(self.propagated, term)
        present[rows] = vals
        present[present < p.excluded_min_frequency] = 0.0
        absent = np.maximum(1.0 - present, p.excluded_floor)
        log_lr = p.excluded_weight * (np.log10(absent) - math.log10(1.0 - bg))
        # disease documented NOT to have the term (or a broader one): the absence is expected
        for anc in self.kb.ancestors(term).tolist():
            rows, _ = self.column(self.negated, anc)
            if rows.size:
                log_lr[rows] = np.maximum(log_lr[rows], -p.excluded_weight * math.log10(1.0 - bg))
        return self._store(key, log_lr.astype(np.float32))

    def log10_lr_sex(self, sex: str) -> FloatVec:
        """Per-disease log10 LR of the patient's sex ('MALE', 'FEMALE'; anything else gives zeros)."""
        if not self.params.use_sex:
            return np.zeros(self.n_diseases)
        if sex == "FEMALE":
            return self.sex_log10_female
        if sex == "MALE":
            return self.sex_log10_male
        return np.zeros(self.n_diseases)

    def log10_lr_onset(self, onset_days: float | None, age_days: float | None) -> FloatVec:
        """Per-disease log10 LR of the onset (a point) or, failing that, of "onset ≤ age at last visit"."""
        if not self.params.use_onset or (onset_days is None and age_days is None):
            return np.zeros(self.n_diseases)
        key = (
            ("onset", onset_bin(onset_days))
            if onset_days is not None
            else ("age", onset_bin(age_days or 0.0))
        )
        hit = self._onset_cache.get(key)
        if hit is not None:
            return hit
        if onset_days is not None:
            b = onset_bin(onset_days)
            num = self.onset_distribution[:, b]
            den = self.onset_background[b]
        else:
            assert age_days is not None
            b = onset_bin(age_days)
            num = self.onset_distribution[:, : b + 1].sum(axis=1)
            den = float(self.onset_background[: b + 1].sum())
        out: FloatVec = np.log10(num / den)
        self._onset_cache[key] = out
        return out


# HPO frequency classes (HP:0040280–HP:0040284) by the midpoint the knowledge base stores for them, with the
# ranges of their HPO definitions: a class is shown as its range, never as its midpoint.
FREQUENCY_BINS: dict[float, str] = {
    1.0: "obligate, 100 %",
    0.895: "very frequent, 80–99 %",
    0.545: "frequent, 30–79 %",
    0.17: "occasional, 5–29 %",
    0.025: "very rare, 1–4 %",
}


def frequency_label(frequency: float, cohort: int) -> str:
    """An annotation's frequency as published: 'n/m patients', an HPO class range, 'x %' or 'not stated'."""
    if math.isnan(frequency):
        return "frequency not stated"
    if cohort > 0:
        return f"{round(frequency * cohort)}/{cohort} patients"
    for midpoint, label in FREQUENCY_BINS.items():
        if abs(frequency - midpoint) < 1e-6:
            return label
    return f"{frequency * 100:.3g} %"


def null_log10_lr(model: RankingModel, n_terms: int) -> FloatVec:
    """E[log10 LR(q | D)] per disease for a finding q drawn like an annotation of another disease.

    q ranges over the `n_terms` phenotype terms with the largest summed annotation frequency, weighted by
    that sum; the knowledge base alone defines it (never the cases). Computed on a copy of the model so the
    shared per-term cache is not flooded (~0.1 s).
    """
    weight = np.asarray(model.direct.sum(axis=0)).ravel().astype(np.float64)
    weight[~model.is_phenotype] = 0.0
    top = np.argsort(-weight, kind="stable")[:n_terms]
    share = weight[top] / weight[top].sum()
    scratch = replace(model, _cache=OrderedDict(), _onset_cache={})
    mu = np.zeros(model.n_diseases)
    for term, x in zip(top.tolist(), share.tolist(), strict=True):
        mu += x * scratch.log10_lr_observed(term)
    centred: FloatVec = mu - np.median(mu[model.omim_mask])
    return centred


def orphanet_partners(kb: KnowledgeBase) -> dict[int, tuple[int, ...]]:
    """OMIM disease → the Orphanet entries that describe the same condition (they lend their annotations).

    The release has no OMIM–Orphanet cross-references, so two offline rules are used, each strict:
    `single_gene_partners` (the gene's only OMIM disease and the Orphanet entries of that gene alone) and, for
    OMIM diseases without such partners, `same_name_partners`.
    """
    partners = single_gene_partners(kb)
    for disease, sources in same_name_partners(kb).items():
        partners.setdefault(disease, sources)
    return partners


def single_gene_partners(kb: KnowledgeBase) -> dict[int, tuple[int, ...]]:
    """OMIM disease → Orphanet entries of the same single gene, when the gene has exactly one OMIM disease.

    Both sides must be linked to that one gene only (genes_to_phenotype.txt), so a microdeletion or a
    multi-gene entry never lends its features.
    """
    genes_of = _genes_of(kb)
    omim_of_gene: dict[int, list[int]] = {}
    orpha_of_gene: dict[int, list[int]] = {}
    for d, genes in genes_of.items():
        if len(genes) != 1:
            continue
        (gene,) = genes
        if kb.disease_ids[d].startswith("OMIM:"):
            omim_of_gene.setdefault(gene, []).append(d)
        elif kb.disease_ids[d].startswith("ORPHA:"):
            orpha_of_gene.setdefault(gene, []).append(d)
    return {
        omims[0]: tuple(sorted(orpha_of_gene[gene]))
        for gene, omims in omim_of_gene.items()
        if len(omims) == 1 and gene in orpha_of_gene
    }


# Filler words of disease names, ignored with word order and punctuation when OMIM and Orphanet names are
# compared ("Ehlers-Danlos syndrome, vascular type" = "Vascular Ehlers-Danlos syndrome"). Numbers are kept, so
# members of a numbered series never match their series' umbrella entry.
_NAME_FILLER = frozenset(
    "a and autosomal deficiency disease dominant due form in linked of or recessive related syndrome the to "
    "type with x".split()
)


def disease_name_key(name: str) -> frozenset[str]:
    """The words of a disease name that identify it: lower case, punctuation and filler words removed."""
    return frozenset(w for w in re.findall(r"[a-z0-9]+", name.lower()) if w not in _NAME_FILLER)


def same_name_partners(kb: KnowledgeBase) -> dict[int, tuple[int, ...]]:
    """OMIM disease → the one Orphanet entry with the same name (`disease_name_key`), both sides unique.

    A pair is refused when both entries are linked to genes and share none. In the 2025-01-16 release: 849
    pairs, 622 of them for OMIM diseases without a single-gene partner, e.g. Jacobsen syndrome (OMIM:147791 ←
    ORPHA:2308), whose OMIM synopsis lacks most of the facial and limb features its Orphanet entry lists.
    """
    by_key: dict[frozenset[str], tuple[list[int], list[int]]] = {}
    for d, disease_id in enumerate(kb.disease_ids):
        side = 0 if disease_id.startswith("OMIM:") else 1 if disease_id.startswith("ORPHA:") else None
        key = disease_name_key(kb.disease_names[d])
        if side is not None and key:
            by_key.setdefault(key, ([], []))[side].append(d)
    genes_of = _genes_of(kb)
    out: dict[int, tuple[int, ...]] = {}
    for omims, orphas in by_key.values():
        if len(omims) != 1 or len(orphas) != 1:
            continue
        g_omim, g_orpha = genes_of.get(omims[0], set()), genes_of.get(orphas[0], set())
        if g_omim and g_orpha and not g_omim & g_orpha:
            continue
        out[omims[0]] = (orphas[0],)
    return out


def _genes_of(kb: KnowledgeBase) -> dict[int, set[int]]:
    genes_of: dict[int, set[int]] = {}
    for g, d in zip(kb.link_gene.tolist(), kb.link_disease.tolist(), strict=True):
        genes_of.setdefault(d, set()).add(g)
    return genes_of


def _borrow(matrix: sp.csc_matrix, partners: dict[int, tuple[int, ...]], weight: float) -> sp.csc_matrix:
    """Rows of `matrix` raised to `weight` × the rows of their partner entries (element-wise maximum)."""
    csr = matrix.tocsr()
    coo = csr.tocoo()
    rows, cols, vals = [coo.row.astype(np.int64)], [coo.col.astype(np.int64)], [coo.data.astype(np.float64)]
    for target, sources in partners.items():
        for source in sources:
            lo, hi = csr.indptr[source], csr.indptr[source + 1]
            rows.append(np.full(hi - lo, target, dtype=np.int64))
            cols.append(csr.indices[lo:hi].astype(np.int64))
            vals.append(weight * csr.data[lo:hi].astype(np.float64))
    return _max_reduce(np.concatenate(rows), np.concatenate(cols), np.concatenate(vals), matrix.shape)


def _merge_max(matrix: sp.csc_matrix, other: sp.csc_matrix, weight: float) -> sp.csc_matrix:
    """Element-wise maximum of `matrix` and `weight` × `other` (same shape, non-negative values)."""
    merged = matrix.maximum((other * weight).astype(np.float32)).tocsc().astype(np.float32)
    merged.sort_indices()
    return merged


def _max_into(target: FloatVec, rows: npt.NDArray[np.int32], values: npt.NDArray[np.floating]) -> None:
    """target[rows] = max(target[rows], values) for unique rows (one CSC column)."""
    if rows.size:
        target[rows] = np.maximum(target[rows], values)


def onset_bin(days: float) -> int:
    """Index of the onset bin (clinical.ONSET_BIN_NAMES) of an age in days; ≤ 0 days is congenital."""
    if days <= 0:
        return 0
    return int(np.searchsorted(np.asarray(clinical.ONSET_BIN_EDGES_DAYS), days, side="left"))


def _inheritance_sets(kb: KnowledgeBase) -> list[set[str]]:
    modes: list[set[str]] = [set() for _ in range(kb.n_diseases)]
    for d, t in zip(
        kb.ann_disease[kb.ann_aspect == 1].tolist(), kb.ann_term[kb.ann_aspect == 1].tolist(), strict=True
    ):
        modes[d].add(kb.term_ids[t])
    return modes


def _sex_factors(kb: KnowledgeBase) -> tuple[FloatVec, FloatVec]:
    """log10 LR of female and male sex per disease from its inheritance annotations."""
    female = np.zeros(kb.n_diseases)
    male = np.zeros(kb.n_diseases)
    not_x = {clinical.AUTOSOMAL_DOMINANT, clinical.AUTOSOMAL_RECESSIVE, clinical.MITOCHONDRIAL}
    for d, modes in enumerate(_inheritance_sets(kb)):
        other_route = bool(modes & not_x) or clinical.X_LINKED_DOMINANT in modes  # disease possible in a girl
        if modes & {clinical.Y_LINKED, clinical.MALE_LIMITED}:
            female[d] = math.log10(clinical.Y_LINKED_IN_FEMALE_LR)
        elif other_route:
            female[d] = 0.0
        elif clinical.X_LINKED_RECESSIVE in modes:
            female[d] = math.log10(clinical.XLR_IN_FEMALE_LR)
        elif clinical.X_LINKED in modes:
            female[d] = math.log10(clinical.X_LINKED_UNSPECIFIED_IN_FEMALE_LR)
        if clinical.FEMALE_LIMITED in modes:
            male[d] = math.log10(clinical.FEMALE_LIMITED_IN_MALE_LR)
    return female, male


def _onset_distributions(
    kb: KnowledgeBase,
) -> tuple[npt.NDArray[np.float64], FloatVec, BoolVec]:
    """Per-disease distribution over onset bins from onset annotations (aspect C, under HP:0003674)."""
    n_bins = len(clinical.ONSET_BIN_NAMES)
    raw = np.zeros((kb.n_diseases, n_bins))
    onset_root = kb.term_index.get(ONSET)
    term_bins = {kb.term_index[t]: b for t, b in clinical.ONSET_TERM_BINS.items() if t in kb.term_index}
    sel = np.flatnonzero((kb.ann_aspect == 2) & ~kb.ann_negated)
    for i in sel.tolist():
        t = int(kb.ann_term[i])
        span = term_bins.get(t)
        if span is None:
            if onset_root is None or not kb.is_under(t, ONSET):
                continue
            continue  # an onset term without a bin mapping (e.g. "Pediatric onset" variants): ignored
        lo, hi = span
        raw[int(kb.ann_disease[i]), lo : hi + 1] += 1.0 / (hi - lo + 1)
    has = raw.sum(axis=1) > 0
    dist = np.zeros_like(raw)
    dist[has] = raw[has] / raw[has].sum(axis=1, keepdims=True)
    background = dist[has].mean(axis=0) if has.any() else np.full(n_bins, 1.0 / n_bins)
    w = clinical.ONSET_BACKGROUND_WEIGHT
    dist[has] = (1 - w) * dist[has] + w * background
    dist[~has] = background
    return dist, background, has
