"""Cohort-level profiles: the cited cohort file, its frequencies, and their merge into the ranking model."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from tests.knowledge.test_curated_cases import RESERVED_DOIS, RESERVED_PMIDS

from ipexpath.case import Age, Case, Sex, Term
from ipexpath.knowledge import KnowledgeBase
from ipexpath.knowledge.case_knowledge import curated_cases_dir, iter_packets
from ipexpath.suspect import RankingModel, rank_case
from ipexpath.suspect.cohort_profiles import (
    build_cohort_profiles,
    cohort_frequency_text,
    load_cohort_sources,
    pooled_counts,
)
from ipexpath.suspect.model import ModelParameters

IPEX = "OMIM:304790"
KIDNEY = (
    "HP:0000077"  # "Renal abnormalities ... (IPEX 28% ...)": counted by Gambineri 2018, not annotated in HPOA
)


@pytest.fixture(scope="module")
def models(kb: KnowledgeBase) -> tuple[RankingModel, RankingModel]:
    """The annotation model without and with the cohort profiles (no published patients)."""
    without = RankingModel.build(kb, ModelParameters(cohort_weight=0.0), cases=None)
    return without, RankingModel.build(kb, ModelParameters(), cases=None)


def test_every_cohort_is_cited_and_not_reserved() -> None:
    sources = load_cohort_sources()
    assert {s.key for s in sources} >= {"gambineri2018", "duclauxloras2018"}
    for source in sources:
        assert source.pmid or source.doi, source.key
        assert source.pmid not in RESERVED_PMIDS, source.key
        assert (source.doi or "").lower() not in RESERVED_DOIS, source.key
        assert source.pmid != "32234571"  # Park 2020 pools published patients (leakage rule)


def test_every_feature_is_a_current_phenotype_term_with_its_number_quoted(kb: KnowledgeBase) -> None:
    for source in load_cohort_sources():
        assert source.disease_id in kb.disease_index, source.key
        for feature in source.features:
            index = kb.term_index.get(feature.term_id)
            assert index is not None and kb.term_ids[index] == feature.term_id, feature.term_id
            assert kb.is_phenotype(index), feature.term_id
            assert 0 <= feature.k <= feature.n
            quote = feature.quote.lower()
            numbers = set(re.findall(r"\d+", quote))
            spelled = re.search(rf"\b{_word(feature.k)}\b", quote) is not None
            assert str(feature.k) in numbers or spelled or _percent(feature.k, feature.n) & numbers, quote


def test_possible_overlaps_name_curated_publications() -> None:
    curated = {
        str(ref.get("id"))
        for _, packet in iter_packets(curated_cases_dir())
        for ref in ((packet or {}).get("metaData") or {}).get("externalReferences") or []
    }
    for source in load_cohort_sources():
        assert source.possible_overlap <= curated, (source.key, source.possible_overlap - curated)


def test_cohorts_of_one_feature_are_pooled(kb: KnowledgeBase) -> None:
    pooled = pooled_counts(kb, load_cohort_sources())
    skin = pooled[(kb.disease_index[IPEX], kb.term_index["HP:0000951"])]
    # 89 % of 88 (Gambineri) + 85 % of 30 (Duclaux-Loras) + 7 of 10 (Halabi-Tawil)
    assert skin == (78 + 26 + 7, 88 + 30 + 10)


def test_frequency_is_shrunk_and_propagated(kb: KnowledgeBase, models: tuple[RankingModel, ...]) -> None:
    without, _ = models
    d, kidney = kb.disease_index[IPEX], kb.term_index[KIDNEY]
    profiles = build_cohort_profiles(
        kb,
        load_cohort_sources(),
        without.is_phenotype,
        prior_strength=2.0,
        annotation_prior=(without.propagated, without.background),
    )
    own = float(without.propagated[d, kidney])  # glomerulonephritis 3/28 propagates to the kidney
    expected = (25 + 2.0 * own) / (88 + 2.0)  # 28 % of 88 = 25
    assert float(profiles.direct[d, kidney]) == pytest.approx(expected, rel=1e-5)
    # true-path rule: the parent "Abnormality of the urinary system" gets at least as much
    assert float(profiles.propagated[d, kb.term_index["HP:0000079"]]) >= expected - 1e-6


def test_model_merges_cohorts_by_maximum(kb: KnowledgeBase, models: tuple[RankingModel, ...]) -> None:
    without, with_cohorts = models
    d = kb.disease_index[IPEX]
    diff = (with_cohorts.propagated - without.propagated).tocsr()
    assert diff.min() >= -1e-6  # a cohort never lowers a frequency
    kidney = kb.term_index[KIDNEY]
    assert float(with_cohorts.propagated[d, kidney]) > float(without.propagated[d, kidney])
    diff.eliminate_zeros()
    assert set(diff.nonzero()[0].tolist()) == {d}  # only the cohorts' disease changes


def test_a_cohort_feature_raises_ipex_and_is_cited(
    kb: KnowledgeBase, models: tuple[RankingModel, ...]
) -> None:
    without, with_cohorts = models
    case = Case(
        id="test",
        observed=(Term("HP:0002028", "HP:0002028"), Term(KIDNEY, KIDNEY)),
        excluded=(),
        sex=Sex.MALE,
        age=Age.from_days(365.0),
        onset=Age.from_days(60.0),
    )
    before = next(r for r in rank_case(without, case, top=5).ipex_rows if r.disease_id == IPEX)
    after = next(r for r in rank_case(with_cohorts, case, top=5).ipex_rows if r.disease_id == IPEX)
    assert after.log10_lr > before.log10_lr
    text = with_cohorts.frequency_text(kb.disease_index[IPEX], kb.term_index[KIDNEY]) or ""
    assert "25 of 88 patients in a published cohort" in text and "PMID 30443250" in text
    assert cohort_frequency_text(IPEX, "HP:0000001") is None


def test_a_cohort_without_pmid_or_doi_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "cohorts.yaml"
    path.write_text("cohorts:\n  - {key: x, disease: 'OMIM:304790', citation: c, n: 3, features: []}\n")
    with pytest.raises(ValueError, match="neither a PMID nor a DOI"):
        load_cohort_sources(path)


def _percent(k: int, n: int) -> set[str]:
    """Printed percentages that round to k of n."""
    return {str(p) for p in range(101) if round(p * n / 100) == k}


def _word(k: int) -> str:
    """The number as the quote may spell it ('seven of 10')."""
    words = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
    return words[k] if k < len(words) else str(k)
