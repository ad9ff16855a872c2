"""Similar published patients as evidence: ranks, the likelihood-ratio formula, neutrality for diseases
without patients, the nested fit recovering a known effect, and the shipped coefficients."""

from __future__ import annotations

import math

import numpy as np

from ipexpath.case import Case, Sex, Term
from ipexpath.knowledge import KnowledgeBase
from ipexpath.knowledge.case_knowledge import CaseKnowledge, TrainingCase
from ipexpath.suspect import RankingModel, rank_case
from ipexpath.suspect.model import ModelParameters
from ipexpath.suspect.ranking import CaseTerms, score_lr
from ipexpath.suspect.similar_evidence import (
    RANK_EDGES,
    SimilarEvidence,
    TrainingPairs,
    _design,
    _design_ref,
    ranks_of,
    shipped_similar_evidence,
    similar_evidence_log10,
)


def test_ranks_match_a_full_sort() -> None:
    rng = np.random.default_rng(1)
    scores = rng.normal(size=3000)
    scores[:5] = scores[5]  # ties: a tied disease counts only the strictly higher ones
    values = scores[rng.integers(0, 3000, 200)]
    expected = np.array([1 + np.count_nonzero(scores > v) for v in values])
    got = ranks_of(scores, values)
    exact = expected <= RANK_EDGES[-1]
    assert np.array_equal(got[exact], expected[exact])
    assert np.all(got[~exact] > RANK_EDGES[-1])


def test_log10_lr_is_the_difference_of_the_two_logistic_models() -> None:
    rng = np.random.default_rng(2)
    beta = tuple(rng.normal(size=2 * len(RANK_EDGES) + 3))
    beta_ref = tuple(rng.normal(size=len(RANK_EDGES) + 1))
    evidence = SimilarEvidence(beta, beta_ref)
    s, rank, pubs = rng.random(50), rng.integers(1, 500, 50), rng.integers(1, 40, 50)
    expected = (
        _design(s, rank, pubs) @ np.array(beta) - _design_ref(rank, pubs) @ np.array(beta_ref)
    ) / math.log(10)
    assert np.allclose(evidence.log10_lr(s, rank, pubs), expected)


def _patients(disease: str, gene: str, terms: tuple[str, ...], n: int, first_pmid: int) -> list[TrainingCase]:
    return [
        TrainingCase(f"{gene}{i}", disease, gene, gene, f"PMID:{first_pmid + i}", terms, (), 1, True)
        for i in range(n)
    ]


def test_diseases_without_patients_get_no_evidence(kb: KnowledgeBase) -> None:
    """Only diseases with published patients receive the term; the others keep their score exactly."""
    cases = _patients("OMIM:606367", "IL2RA", ("HP:0002240", "HP:0002028"), 3, 10)
    # log LR = 2 × similarity (natural log) at every rank, no publication effect
    model = RankingModel.build(
        kb,
        cases=CaseKnowledge.from_cases(cases, {"format": 1}),
        similar_evidence=SimilarEvidence(
            tuple([0.0] * len(RANK_EDGES) + [2.0] * len(RANK_EDGES) + [0.0, 0.0, 0.0]),
            (0.0,) * (len(RANK_EDGES) + 1),
        ),
    )
    terms = CaseTerms.from_case(
        Case(id="t", observed=(Term("HP:0002240", "x"), Term("HP:0002028", "y")), sex=Sex.MALE), model
    )
    base = score_lr(model, terms, similar=False)
    added = similar_evidence_log10(model, terms, base)
    d = kb.disease_index["OMIM:606367"]
    assert np.count_nonzero(added) == 1 and added[d] > 0  # identical patients: similarity 1, LR 10^(2/ln 10)
    assert math.isclose(added[d], 2.0 / math.log(10), rel_tol=1e-9)
    assert np.allclose(score_lr(model, terms) - base, added)
    # the explanation shows it as its own factor, and the rows still add up
    diff = rank_case(model, Case(id="t", observed=(Term("HP:0002240", "x"),)), top=20000)
    row = next(r for r in diff.results if r.disease_id == "OMIM:606367")
    factor = next(f for f in row.factors if f.name == "similar published patients")
    assert factor.log10_lr > 0 and "3 published patients" in factor.reason
    total = sum(e.log10_lr for e in row.explanation) + sum(f.log10_lr for f in row.factors)
    assert math.isclose(total, row.log10_lr, abs_tol=1e-3)


def test_fit_learns_that_resembling_the_patients_is_evidence(kb: KnowledgeBase) -> None:
    """Pairs where the truth is the most similar disease: the fitted LR grows with similarity."""
    cases = _patients("OMIM:606367", "IL2RA", ("HP:0002240", "HP:0002028"), 4, 100) + _patients(
        "OMIM:304790", "FOXP3", ("HP:0100651", "HP:0000964"), 4, 200
    )
    model = RankingModel.build(
        kb, ModelParameters(similar_evidence_weight=0.0), cases=CaseKnowledge.from_cases(cases, {"format": 1})
    )
    pairs = TrainingPairs()
    il2ra, ipex = kb.disease_index["OMIM:606367"], kb.disease_index["OMIM:304790"]
    for _ in range(20):
        for truth, observed in ((il2ra, ("HP:0002240",)), (ipex, ("HP:0100651",)), (il2ra, ("HP:0002028",))):
            terms = CaseTerms.from_case(
                Case(id="t", observed=tuple(Term(t, t) for t in observed), sex=Sex.MALE), model
            )
            pairs.add(model, terms, (truth,))
    evidence = pairs.fit({})
    assert evidence.provenance["positive_pairs"] == 60
    low, high = evidence.log10_lr(np.array([0.1, 0.6]), np.array([1, 1]), np.array([4, 4]))
    assert high > low


def test_shipped_coefficients_load_with_provenance() -> None:
    evidence = shipped_similar_evidence()
    assert evidence is not None
    assert len(evidence.beta) == 2 * len(RANK_EDGES) + 3 and len(evidence.beta_ref) == len(RANK_EDGES) + 1
    assert evidence.provenance["command"] == "scripts/fit_similar_evidence.py"
    assert evidence.provenance["cases"] > 1000
