"""A result stated as normal ("EEG was normal", "normal renal function", "thyroid function tests were
normal") never becomes an observed abnormality: the lexicon needs the abnormal word (abnormal, elevated,
low, …), so ConText needs no "normal" trigger. Checked on 2026-11-30 over ~170 such phrases, none gave an
observed term; these tests pin a representative set, and that the abnormal wording is still recognised."""

from __future__ import annotations

import pytest

from ipexpath.knowledge.base import KnowledgeBase
from ipexpath.knowledge.textmine import recognise

NORMAL_RESULTS = [
    "EEG was normal.",
    "EEG normal.",
    "normal renal function",
    "Renal function was normal.",
    "thyroid function tests were normal",
    "normal thyroid function",
    "Liver function tests were within normal limits.",
    "Serum immunoglobulins were within normal limits.",
    "Immunoglobulin levels were normal.",
    "Serum IgE was normal.",
    "normal IgG",
    "Echocardiogram was normal.",
    "Brain MRI was normal.",
    "normal growth",
    "Head circumference was normal.",
    "normal platelet count",
    "Lymphocyte counts were normal.",
    "normal eosinophil count",
    "Hearing was normal.",
    "normal psychomotor development",
    "Neurological examination was normal.",
    "Blood glucose was normal.",
    "normal C-peptide",
    "Transaminases were normal.",
    "Creatinine was normal.",
    "Urinalysis was normal.",
    "Duodenal biopsy showed normal villi.",
    "FOXP3 expression was normal.",
    "normal Treg numbers",
    "Electrolytes were normal.",
    "Blood pressure was normal.",
]


@pytest.mark.parametrize("text", NORMAL_RESULTS)
def test_a_normal_result_gives_no_observed_abnormality(kb: KnowledgeBase, text: str) -> None:
    seen, _ = recognise(kb, text).patient_terms()
    assert [h.term_id for h in seen] == []


def test_normal_results_beside_real_findings_leave_only_the_findings(kb: KnowledgeBase) -> None:
    text = (
        "Chronic diarrhea. EEG was normal, normal renal function; thyroid function tests were normal. "
        "Eczema and diabetes; liver function tests were within normal limits, immunoglobulins were normal."
    )
    seen, negated = recognise(kb, text).patient_terms()
    assert sorted(h.term_id for h in seen) == ["HP:0000819", "HP:0000964", "HP:0002028"]
    assert negated == []


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("EEG was abnormal.", "HP:0002353"),
        ("abnormal renal function", "HP:0012211"),
        # "tests" is a filler word: the HPO's EXACT synonym "Abnormal thyroid function" of HP:0002926
        ("Thyroid function tests were abnormal.", "HP:0002926"),
    ],
)
def test_the_abnormal_wording_is_still_observed(kb: KnowledgeBase, text: str, term: str) -> None:
    seen, _ = recognise(kb, text).patient_terms()
    assert [h.term_id for h in seen] == [term]
