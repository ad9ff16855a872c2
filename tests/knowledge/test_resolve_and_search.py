"""Id resolution (alt/obsolete/unknown), term search and free-text recognition."""

from __future__ import annotations

import pytest

from ipexpath.errors import UnknownTermError
from ipexpath.knowledge import KnowledgeBase
from ipexpath.knowledge.resolve import resolve_term
from ipexpath.knowledge.search import search_terms
from ipexpath.knowledge.textmine import recognise


def test_current_id(kb: KnowledgeBase) -> None:
    assert resolve_term(kb, "hp_0002014").id == "HP:0002014"


def test_obsolete_id_is_replaced_with_a_note(kb: KnowledgeBase) -> None:
    resolved = resolve_term(kb, "HP:0000057")
    assert resolved.id == "HP:0008665" and resolved.original_id == "HP:0000057"
    assert resolved.note and "obsolete" in resolved.note


def test_alt_id_is_mapped(kb: KnowledgeBase) -> None:
    resolved = resolve_term(kb, "HP:0002569")  # alt_id of Dysphagia in hp.obo
    assert resolved.id == "HP:0002015"


@pytest.mark.parametrize("bad", ["HP:9999999", "HP:12", "diarrhea", ""])
def test_unknown_or_malformed(kb: KnowledgeBase, bad: str) -> None:
    with pytest.raises(UnknownTermError):
        resolve_term(kb, bad)


def test_search_exact_typo_and_synonym(kb: KnowledgeBase) -> None:
    assert search_terms(kb, "diarrhea")[0].id == "HP:0002014"
    assert search_terms(kb, "diarhea")[0].id == "HP:0002014"
    assert search_terms(kb, "diarrhoea")[0].id == "HP:0002014"
    assert search_terms(kb, "type 1 diabetes")[0].id == "HP:0100651"
    assert search_terms(kb, "HP:0002014")[0].label == "Diarrhea"
    assert search_terms(kb, "   ") == []


def test_text_recognition_with_negation_age_and_sex(kb: KnowledgeBase) -> None:
    result = recognise(kb, "persistent diarrhea, type 1 diabetes and eczema in a 3 month old boy")
    ids = {h.term_id for h in result.hits if not h.negated}
    assert {"HP:0002014", "HP:0100651", "HP:0000964"} <= ids
    assert result.sex == "MALE"
    assert result.age_days is not None and 85 < result.age_days < 95
    negated = recognise(kb, "Failure to thrive. No eczema, but recurrent infections.")
    states = {h.term_id: h.negated for h in negated.hits}
    assert states["HP:0000964"] is True
    assert states["HP:0001508"] is False
    assert states["HP:0002719"] is False


def test_term_that_starts_with_a_negation_word_is_not_negated(kb: KnowledgeBase) -> None:
    hits = {h.term_id: h.negated for h in recognise(kb, "Absent speech and no seizures.").hits}
    assert hits == {"HP:0001344": False, "HP:0001250": True}


def test_findings_of_relatives_are_family_history(kb: KnowledgeBase) -> None:
    result = recognise(kb, "Chronic diarrhea since 1 month. His maternal uncle died of diarrhea and sepsis.")
    observed, excluded = result.patient_terms()
    assert [h.term_id for h in observed] == ["HP:0002028"] and not excluded
    assert any(h.relative for h in result.hits)
    assert result.sex == "MALE"


def test_cited_abbreviations_and_stated_onset(kb: KnowledgeBase) -> None:
    from ipexpath.knowledge.lexicon import abbreviations

    result = recognise(kb, "Infant with T1DM and AIHA, no CMC; watery diarrhea since 3 weeks.")
    states = {h.term_id: h.negated for h in result.hits}
    assert states["HP:0100651"] is False and states["HP:0001890"] is False
    assert states["HP:0002728"] is True
    assert result.onset_days == 21.0
    assert recognise(kb, "Enteropathy from birth, eczema since 2 months.").onset_days == 0.0
    assert recognise(kb, "Recovered from 2 infections.").onset_days is None
    assert all(a.hpo in kb.term_index and a.source for a in abbreviations())
    assert search_terms(kb, "t1d")[0].id == "HP:0100651"
