"""Phenomizer-style baseline (Köhler et al., AJHG 2009): Resnik similarity, best-match average.

IC(t) = −ln(n_t / N), n_t = number of diseases annotated to t or a descendant (true-path rule), N the
number of diseases. sim(q, d) = IC(MICA(q, d)); score(Q → D) = (1/|Q|) Σ_q max_{d ∈ A(D)} sim(q, d)
(query → disease direction). max_{d ∈ A(D)} IC(MICA(q, d)) equals the largest IC among the ancestors
of q that D is annotated to by propagation, so a term costs a few sparse-column maxima.
Not implemented: the p-values of the original (score distributions of random queries); excluded terms,
sex and age are not used (as in the original).
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from ipexpath.knowledge.base import PHENOTYPIC_ABNORMALITY, KnowledgeBase

if TYPE_CHECKING:
    from ipexpath.suspect.ranking import CaseTerms

TERM_CACHE_SIZE = 2048


@dataclass(frozen=True, eq=False)
class PhenomizerModel:
    """Annotation-based information content and the disease × term propagated annotation pattern."""

    kb: KnowledgeBase
    annotated: sp.csc_matrix  # disease × term, 1 where the disease is annotated to the term by propagation
    ic: npt.NDArray[np.float64]
    is_phenotype: npt.NDArray[np.bool_]
    _cache: OrderedDict[int, npt.NDArray[np.float32]] = field(default_factory=OrderedDict, repr=False)

    @classmethod
    def build(cls, kb: KnowledgeBase, propagated: sp.csc_matrix | None = None) -> PhenomizerModel:
        """Build from the knowledge base (or reuse the LR model's propagated matrix)."""
        if propagated is None:
            from ipexpath.suspect.model import RankingModel

            propagated = RankingModel.build(kb).propagated
        annotated = propagated.copy()
        annotated.data = np.ones_like(annotated.data)
        n_t = np.diff(annotated.indptr).astype(np.float64)
        n = kb.n_diseases
        ic = np.where(n_t > 0, -np.log(np.maximum(n_t, 1.0) / n), 0.0)
        pa = kb.term_index[PHENOTYPIC_ABNORMALITY]
        owner = np.repeat(np.arange(kb.n_terms), np.diff(kb.ancestor_ptr))
        is_pheno = np.zeros(kb.n_terms, dtype=bool)
        is_pheno[owner[kb.ancestor_idx == pa]] = True
        return cls(kb=kb, annotated=annotated, ic=ic, is_phenotype=is_pheno)

    def term_similarity(self, term: int) -> npt.NDArray[np.float32]:
        """max_{d ∈ A(D)} Resnik(term, d) for every disease D (cached)."""
        hit = self._cache.get(term)
        if hit is not None:
            self._cache.move_to_end(term)
            return hit
        best = np.zeros(self.kb.n_diseases, dtype=np.float64)
        anc = self.kb.ancestors(term)
        anc = anc[self.is_phenotype[anc]]
        # visit ancestors by increasing IC so that later (more informative) ones overwrite
        for a in anc[np.argsort(self.ic[anc])].tolist():
            lo, hi = self.annotated.indptr[a], self.annotated.indptr[a + 1]
            best[self.annotated.indices[lo:hi]] = self.ic[a]
        vec = best.astype(np.float32)
        self._cache[term] = vec
        if len(self._cache) > TERM_CACHE_SIZE:
            self._cache.popitem(last=False)
        return vec

    def score(self, terms: CaseTerms) -> npt.NDArray[np.float64]:
        """Best-match average similarity of the observed terms to every disease (0 if none)."""
        total = np.zeros(self.kb.n_diseases, dtype=np.float64)
        for t in terms.observed:
            total += self.term_similarity(t)
        if terms.observed:
            total /= len(terms.observed)
        return total
