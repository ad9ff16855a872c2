"""A relative's diagnosis, death or carrier state stated in free text reaches the family history."""

from __future__ import annotations

import pytest

from ipexpath.knowledge.base import KnowledgeBase
from ipexpath.knowledge.textmine import recognise


def test_relative_with_ipex_and_no_hpo_term_is_kept(kb: KnowledgeBase) -> None:
    text = "Girl with diarrhoea. Her brother died at 8 months of IPEX. Mother healthy."
    result = recognise(kb, text)
    assert result.family_history_note() == (
        "From the text, said of relatives (not the patient's features): "
        "'Her brother died at 8 months of IPEX'."
    )
    observed, _ = result.patient_terms()
    assert [h.term_id for h in observed] == ["HP:0002014"]


def test_carrier_mother_and_relative_findings_are_both_quoted_in_text_order(kb: KnowledgeBase) -> None:
    text = "Boy with diabetes. His mother is a FOXP3 carrier; his maternal uncle had diarrhoea."
    note = recognise(kb, text).family_history_note()
    assert note == (
        "From the text, said of relatives (not the patient's features): 'His mother is a FOXP3 carrier'; "
        "'his maternal uncle had diarrhoea' (Diarrhea)."
    )


def test_a_relative_without_a_family_fact_adds_nothing(kb: KnowledgeBase) -> None:
    assert recognise(kb, "Boy with diarrhoea. Mother healthy. Father present.").family_history_note() is None


@pytest.mark.parametrize(
    ("text", "sex"),
    [
        ("Boy with diarrhoea. His mother is a carrier. Her brother died of IPEX.", "MALE"),
        ("Girl with diarrhoea; her brother died.", "FEMALE"),
        ("He has diarrhoea.", "MALE"),
        ("She has diarrhoea; his uncle died.", None),
        ("Boy and girl twins with diarrhoea.", None),
    ],
)
def test_sex_from_a_noun_outranks_pronouns_that_may_name_a_relative(
    kb: KnowledgeBase, text: str, sex: str | None
) -> None:
    assert recognise(kb, text).sex == sex


@pytest.mark.parametrize(
    "text",
    [
        "According to his mother, he has diarrhea.",
        "Per his mother, he has diarrhea.",
        "Diarrhea was noticed by the parents.",
        "Diarrhea reported by the mother since 2 weeks.",
        "His mother brought him for diarrhea.",
    ],
)
def test_a_parent_telling_the_history_through_determiners_is_the_informant(
    kb: KnowledgeBase, text: str
) -> None:
    result = recognise(kb, text)
    assert [h.term_id for h in result.patient_terms()[0]] == ["HP:0002014"]
    assert result.family_history == ()


@pytest.mark.parametrize(
    "text",
    ["His mother has diarrhea.", "Diarrhea in his mother.", "Mother reports that his brother had diarrhea."],
)
def test_a_relatives_own_finding_stays_family_history(kb: KnowledgeBase, text: str) -> None:
    result = recognise(kb, text)
    assert [h.term_id for h in result.family_history] == ["HP:0002014"]
    assert result.patient_terms() == ([], [])
