"""Case-derived disease profiles: how often published patients with each disease showed each feature.

For every disease with training cases (`ipexpath.knowledge.case_knowledge`), each feature of a patient is
propagated to its ancestors (a patient with "Focal seizure" has "Seizure"), counted once per patient, and
turned into a frequency with two safeguards:

* a cap per publication: a paper with n patients of the disease weighs min(1, cap / n) per patient, so one
  large cohort does not dominate the profile (`ModelParameters.case_cap_per_publication`);
* the small-sample shrinkage used for the HPOA n/m lines (lr-4): (n + s·m0) / (m + s), Laplace's rule with
  s = 2, m0 = 0.5, so 1 of 1 patient is 0.67, not "always".

Three research options (session 4, §0.10 of the design note; all off in the shipped model):

* assessed patients: the denominator of a term counts only the patients in whom it was assessed — stated
  present (the term or a descendant) or stated absent (the term or an ancestor excluded, so that a
  patient's excluded features lower the term's frequency) — instead of every patient of the disease;
* assessed publications: the same, per publication: a patient counts if some patient of the disease in the
  same paper had the term stated present or absent;
* information-content-weighted propagation: a patient's feature t counts at its ancestor a with weight
  IC(a)/IC(t) (IC = −ln background), not 1, so distant general ancestors gain little.

The model merges these profiles with the HPOA frequencies (element-wise maximum, `case_weight`), after the
background frequencies are computed, so a feature is not counted twice in the background. Raw counts are kept
for the explanations ("seen in 12 of 31 published patients, 7 publications").
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from ipexpath.knowledge.base import KnowledgeBase
from ipexpath.knowledge.case_knowledge import CaseKnowledge

IntVec = npt.NDArray[np.int64]


@dataclass(frozen=True, eq=False)
class CaseProfiles:
    """Disease × term case-derived frequencies and the raw counts behind them."""

    direct: sp.csc_matrix  # frequency at the patients' own terms
    propagated: sp.csc_matrix  # frequency at every ancestor (true-path rule)
    patients: sp.csr_matrix  # raw number of patients showing the term (or a descendant)
    publications: sp.csr_matrix  # number of publications with such a patient
    n_patients: IntVec  # per disease
    n_publications: IntVec  # per disease
    case_disease: IntVec  # per usable training case: disease index in the knowledge base
    case_terms: sp.csr_matrix  # per usable training case: propagated phenotype terms (0/1)
    case_rows: IntVec  # per usable training case: its row in the CaseKnowledge arrays

    @property
    def has_cases(self) -> npt.NDArray[np.bool_]:
        """Diseases with at least one training case."""
        return self.n_patients > 0

    def text(self, disease: int, term: int) -> str | None:
        """'seen in k of n published patients, p publications' (None if no patient of `disease` had it)."""
        k = int(self.patients[disease, term])
        if k == 0:
            return None
        n, p = int(self.n_patients[disease]), int(self.publications[disease, term])
        pubs = f"{p} publication" + ("s" if p != 1 else "")
        return f"seen in {k} of {n} published patients, {pubs}"


def build_case_profiles(
    kb: KnowledgeBase,
    knowledge: CaseKnowledge,
    is_phenotype: npt.NDArray[np.bool_],
    *,
    cap_per_publication: float,
    prior_strength: float,
    prior_mean: float,
    annotation_prior: tuple[sp.csc_matrix, npt.NDArray[np.float64]] | None = None,
    assessed: str = "",
    ic_weights: npt.NDArray[np.float64] | None = None,
) -> CaseProfiles:
    """Profiles of every disease of `kb` that has training cases in `knowledge`."""
    n_d, n_t = kb.n_diseases, kb.n_terms
    term_map = np.array([kb.term_index.get(t, -1) for t in knowledge.term_ids], dtype=np.int64)
    disease_map = np.array([kb.disease_index.get(d, -1) for d in knowledge.disease_ids], dtype=np.int64)
    case_d = disease_map[knowledge.case_disease]
    usable = np.flatnonzero(case_d >= 0)
    # propagated 0/1 case × term matrix (phenotype terms only)
    ptr, obs = knowledge.observed_ptr, knowledge.observed_term
    counts_per_case = np.diff(ptr)[usable]
    case_of_term = np.repeat(np.arange(usable.size), counts_per_case)
    starts = ptr[usable]
    offsets = np.arange(counts_per_case.sum()) - np.repeat(
        np.cumsum(counts_per_case) - counts_per_case, counts_per_case
    )
    terms = term_map[obs[np.repeat(starts, counts_per_case) + offsets]]
    ok = terms >= 0
    ok[ok] = is_phenotype[terms[ok]]
    case_of_term, terms = case_of_term[ok], terms[ok]
    anc_ptr, anc_idx = kb.ancestor_ptr, kb.ancestor_idx
    n_anc = np.diff(anc_ptr)[terms]
    anc_offsets = np.arange(n_anc.sum()) - np.repeat(np.cumsum(n_anc) - n_anc, n_anc)
    anc = anc_idx[np.repeat(anc_ptr[terms], n_anc) + anc_offsets].astype(np.int64)
    anc_case = np.repeat(case_of_term, n_anc)
    keep = is_phenotype[anc]
    n_c = usable.size
    prop = _binary(anc_case[keep], anc[keep], (n_c, n_t))
    counted = prop
    if ic_weights is not None:
        # weight IC(ancestor) / IC(observed term), the best over the patient's terms below the ancestor
        own_ic = np.repeat(ic_weights[terms], n_anc)
        ratio = np.where(own_ic > 0, ic_weights[anc] / np.maximum(own_ic, 1e-12), 1.0)
        counted = _max_matrix(anc_case[keep], anc[keep], np.clip(ratio[keep], 0.0, 1.0), (n_c, n_t))
    exact = _binary(case_of_term, terms, (n_c, n_t))
    disease_of = case_d[usable]
    pub_of = knowledge.case_pmid[usable].astype(np.int64)
    # per-publication cap: weight min(1, cap / number of this disease's patients in the paper)
    key = disease_of * (len(knowledge.pmids) + 1) + pub_of
    _, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
    weight = (
        np.minimum(1.0, cap_per_publication / counts[inverse]) if cap_per_publication > 0 else np.ones(n_c)
    )
    to_disease = sp.csr_matrix((weight, (disease_of, np.arange(n_c))), shape=(n_d, n_c))
    to_disease_raw = sp.csr_matrix((np.ones(n_c), (disease_of, np.arange(n_c))), shape=(n_d, n_c))
    weighted = (to_disease @ counted).tocsr()
    m = np.asarray(to_disease.sum(axis=1)).ravel()
    patients = (to_disease_raw @ prop).tocsr()
    n_patients = np.bincount(disease_of, minlength=n_d).astype(np.int64)
    # publications: (disease, paper) groups that have the term
    groups = sp.csr_matrix((np.ones(n_c), (inverse, np.arange(n_c))), shape=(counts.size, n_c))
    group_has = (groups @ prop).tocsr()
    group_has.data = np.ones_like(group_has.data)
    group_disease = np.zeros(counts.size, dtype=np.int64)
    group_disease[inverse] = disease_of
    group_to_disease = sp.csr_matrix(
        (np.ones(counts.size), (group_disease, np.arange(counts.size))), shape=(n_d, counts.size)
    )
    publications = (group_to_disease @ group_has).tocsr()
    n_publications = np.asarray(group_to_disease.sum(axis=1)).ravel().astype(np.int64)
    # shrunken frequency of every (disease, term) with n > 0
    coo = weighted.tocoo()
    if annotation_prior is None:
        mean: npt.NDArray[np.float64] | float = prior_mean
    else:
        # prior mean = what the annotations say: the disease's own (propagated) frequency, else the background
        annotated, background = annotation_prior
        own = np.asarray(annotated.tocsr()[coo.row, coo.col]).ravel()
        mean = np.where(own > 0, own, background[coo.col])
    denominator = m[coo.row]
    if assessed:
        stated = _assessed(kb, knowledge, usable, term_map, is_phenotype, prop)
        if assessed == "publications":
            group_stated = (groups @ stated).tocsr()
            group_stated.data = np.ones_like(group_stated.data)
            group_weight = np.bincount(inverse, weights=weight, minlength=counts.size)
            to_group_disease = sp.csr_matrix(
                (group_weight, (group_disease, np.arange(counts.size))), shape=(n_d, counts.size)
            )
            m_cells = (to_group_disease @ group_stated).tocsr()
        else:
            m_cells = (to_disease @ stated).tocsr()
        denominator = np.asarray(m_cells[coo.row, coo.col]).ravel()
    freq = (coo.data + prior_strength * mean) / (denominator + prior_strength)
    propagated = sp.csc_matrix((freq.astype(np.float32), (coo.row, coo.col)), shape=(n_d, n_t))
    exact_by_disease = (to_disease_raw @ exact).tocsr()
    exact_by_disease.data = np.ones_like(exact_by_disease.data)
    direct = propagated.multiply(exact_by_disease).tocsc().astype(np.float32)
    direct.eliminate_zeros()
    return CaseProfiles(
        direct=direct,
        propagated=propagated,
        patients=patients,
        publications=publications,
        n_patients=n_patients,
        n_publications=n_publications,
        case_disease=disease_of,
        case_terms=prop,
        case_rows=usable.astype(np.int64),
    )


def _assessed(
    kb: KnowledgeBase,
    knowledge: CaseKnowledge,
    usable: IntVec,
    term_map: IntVec,
    is_phenotype: npt.NDArray[np.bool_],
    prop: sp.csr_matrix,
) -> sp.csr_matrix:
    """0/1 case × term: the term was stated present (a descendant observed) or absent (an ancestor-or-self
    excluded) in the patient."""
    n_c, n_t = prop.shape
    if knowledge.excluded_ptr is None or knowledge.excluded_term is None:
        return prop
    x_ptr = knowledge.excluded_ptr
    per_case = np.diff(x_ptr)[usable]
    case_of = np.repeat(np.arange(n_c), per_case)
    offsets = np.arange(per_case.sum()) - np.repeat(np.cumsum(per_case) - per_case, per_case)
    terms = term_map[knowledge.excluded_term[np.repeat(x_ptr[usable], per_case) + offsets]]
    ok = terms >= 0
    ok[ok] = is_phenotype[terms[ok]]
    excluded = _binary(case_of[ok], terms[ok], (n_c, n_t))
    # descendants: transpose of the (term, ancestor-or-self) matrix
    anc_ptr, anc_idx = kb.ancestor_ptr, kb.ancestor_idx
    n_anc = np.diff(anc_ptr)
    below = sp.csr_matrix(
        (np.ones(anc_idx.size), (anc_idx.astype(np.int64), np.repeat(np.arange(n_t), n_anc))),
        shape=(n_t, n_t),
    )
    stated = (prop + excluded @ below).tocsr()
    stated.data = np.ones_like(stated.data)
    return stated


def _max_matrix(
    rows: npt.NDArray[np.int64],
    cols: npt.NDArray[np.int64],
    vals: npt.NDArray[np.float64],
    shape: tuple[int, int],
) -> sp.csr_matrix:
    """Matrix with the largest value given at each (row, col)."""
    key = rows * shape[1] + cols
    order = np.lexsort((-vals, key))
    key, vals = key[order], vals[order]
    first = np.ones(key.size, dtype=bool)
    first[1:] = key[1:] != key[:-1]
    return sp.csr_matrix(
        (vals[first], (key[first] // shape[1], key[first] % shape[1])), shape=shape, dtype=np.float64
    )


def _binary(
    rows: npt.NDArray[np.int64], cols: npt.NDArray[np.int64], shape: tuple[int, int]
) -> sp.csr_matrix:
    """0/1 matrix with ones at (rows, cols) (duplicates count once)."""
    matrix = sp.csr_matrix((np.ones(rows.size), (rows, cols)), shape=shape)
    matrix.sum_duplicates()
    matrix.data = np.ones_like(matrix.data)
    return matrix
