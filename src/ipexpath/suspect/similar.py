"""Similar published patients: the training patients whose phenotype is closest to the case.

Similarity is the information-content-weighted Jaccard index of the two ancestor-closed phenotype sets,
sim(Q, P) = Σ_{t ∈ Q ∩ P} IC(t) / Σ_{t ∈ Q ∪ P} IC(t), with IC(t) = −ln(share of diseases annotated to t or
a descendant) (Resnik's annotation-based information content, as in the Phenomizer baseline). A shared rare
feature counts far more than a shared "Abnormality of the nervous system". Patients come from the model's
case knowledge (phenopacket-store and the curated IPEX / IPEX-like patients), each with its disease, gene and
publication so that a clinician can read the paper.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from ipexpath.suspect.model import RankingModel
    from ipexpath.suspect.ranking import CaseTerms

DEFAULT_SIMILAR = 5


@dataclass(frozen=True)
class SimilarPatient:
    """One published patient similar to the case."""

    case_id: str
    disease_id: str
    disease_name: str
    gene: str
    pmid: str
    similarity: float  # 0–1
    shared: tuple[str, ...]  # the case's findings this patient also had (or a more specific one)
    curated: bool  # from the curated IPEX / IPEX-like collection

    @property
    def link(self) -> str:
        """PubMed link of the publication (a doi.org link for a curated paper cited by DOI only)."""
        if self.pmid.startswith("DOI:"):
            return f"https://doi.org/{self.pmid.removeprefix('DOI:')}"
        return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid.removeprefix('PMID:')}/"

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "case_id": self.case_id,
            "disease_id": self.disease_id,
            "disease_name": self.disease_name,
            "gene": self.gene,
            "pmid": self.pmid,
            "link": self.link,
            "similarity": round(self.similarity, 4),
            "shared_findings": list(self.shared),
            "curated": self.curated,
        }


def similarity_to_patients(model: RankingModel, terms: CaseTerms) -> np.ndarray:
    """IC-weighted Jaccard similarity of the case to every usable training patient (empty without any)."""
    profiles = model.case_profiles
    if profiles is None or not terms.observed:
        return np.zeros(0)
    ic, totals = model.patient_information
    kb = model.kb
    closure = np.unique(np.concatenate([kb.ancestors(t) for t in terms.observed]))
    closure = closure[model.is_phenotype[closure] & (ic[closure] > 0)]
    weights = ic[closure]
    # Σ IC over the shared terms, through the term → patients index (only the case's terms are visited)
    inter = np.asarray(model.patients_of_term[closure].T @ weights).ravel()
    union = totals + weights.sum() - inter
    out: np.ndarray = np.where(union > 0, inter / np.maximum(union, 1e-12), 0.0)
    return out


def similar_patients(
    model: RankingModel, terms: CaseTerms, k: int = DEFAULT_SIMILAR
) -> tuple[SimilarPatient, ...]:
    """The `k` most similar training patients (none without case knowledge)."""
    profiles, knowledge = model.case_profiles, model.case_knowledge
    sims = similarity_to_patients(model, terms)
    if profiles is None or knowledge is None or not sims.size or k <= 0:
        return ()
    kb = model.kb
    order = np.argsort(-sims, kind="stable")[:k]
    out = []
    for i in order.tolist():
        if sims[i] <= 0:
            break
        row = int(profiles.case_rows[i])
        lo, hi = profiles.case_terms.indptr[i], profiles.case_terms.indptr[i + 1]
        has = set(profiles.case_terms.indices[lo:hi].tolist())
        shared = tuple(kb.labels[t] for t in terms.observed if t in has)
        d = int(profiles.case_disease[i])
        out.append(
            SimilarPatient(
                case_id=knowledge.case_ids[row],
                disease_id=kb.disease_ids[d],
                disease_name=kb.disease_names[d],
                gene=knowledge.genes[knowledge.case_gene[row]],
                pmid=knowledge.pmids[knowledge.case_pmid[row]],
                similarity=float(sims[i]),
                shared=shared,
                curated=bool(knowledge.case_curated[row]),
            )
        )
    return tuple(out)
