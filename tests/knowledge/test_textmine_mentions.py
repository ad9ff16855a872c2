"""Concept-recognition behaviours measured on GSC+ (issue 12 item 7): every mention kept, subtypes written
with a hyphen, abbreviations defined in the text, word windows bounded by names. Expected outcomes are fixed
in advance from the HPO release's own names."""

from __future__ import annotations

import pytest

from ipexpath.knowledge.base import KnowledgeBase
from ipexpath.knowledge.textmine import recognise

ECZEMA = "HP:0000964"
BDA1 = "HP:0009371"  # Type A1 brachydactyly
AUTISTIC = "HP:0000729"  # Autistic behavior ("Autism spectrum disorder" is an EXACT synonym)


def test_every_mention_is_kept_but_findings_once(kb: KnowledgeBase) -> None:
    text = "Eczema since birth. The eczema worsened; eczema again at 2 years."
    result = recognise(kb, text)
    assert [h.term_id for h in result.hits] == [ECZEMA]  # one finding for the case
    spans = [h.span for h in result.mentions if h.term_id == ECZEMA]
    assert [text[a:b].lower() for a, b in spans] == ["eczema"] * 3  # three mentions, in text order
    assert spans == sorted(spans)
    assert len(result.repeats) == 2


def test_a_negated_repeat_stays_a_separate_finding(kb: KnowledgeBase) -> None:
    result = recognise(kb, "Eczema at 3 months. No eczema now.")
    assert sorted(h.negated for h in result.hits if h.term_id == ECZEMA) == [False, True]


def test_subtype_letter_and_digit_joined_by_a_hyphen(kb: KnowledgeBase) -> None:
    # "type A-1" is how the text writes HPO's "Type A1"; the span covers the digit
    result = recognise(kb, "Brachydactyly type A-1 was recorded.")
    assert [h.term_id for h in result.hits] == [BDA1]
    assert result.hits[0].text == "Brachydactyly type A-1"
    # a letter and a number that are not a subtype stay two words
    assert BDA1 not in {h.term_id for h in recognise(kb, "brachydactyly type A, 1 family").mentions}


def test_abbreviation_defined_in_the_text_names_its_term(kb: KnowledgeBase) -> None:
    text = "Brachydactyly type A-1 (BDA-1; MIM 112500) is dominant. We mapped BDA-1 to 2q. BDA is other."
    mentions = recognise(kb, text).mentions
    used = [(text[h.span[0] : h.span[1]], h.term_id) for h in mentions if h.term_id == BDA1]
    assert used == [("Brachydactyly type A-1", BDA1), ("BDA-1", BDA1), ("BDA-1", BDA1)]
    assert not any(text[h.span[0] : h.span[1]] == "BDA" for h in mentions)


def test_abbreviation_needs_capitals_and_a_matching_initial(kb: KnowledgeBase) -> None:
    # "(see)" is no abbreviation; "(XYZ)" does not start with a letter of the long form
    for text in ("Eczema (see) was seen; see below.", "Eczema (XYZ) was seen; XYZ again."):
        mentions = recognise(kb, text).mentions
        assert [h.term_id for h in mentions] == [ECZEMA]


def test_abbreviation_glued_to_a_word_is_not_a_use(kb: KnowledgeBase) -> None:
    text = "autism spectrum disorder (AUSD) and AUSD-like traits, AUSD again"
    uses = [h for h in recognise(kb, text).mentions if text[h.span[0] : h.span[1]].startswith("AUSD")]
    assert [text[h.span[0] : h.span[1]] for h in uses] == ["AUSD", "AUSD"]  # not the "-like" use
    assert uses[0].term_id == AUTISTIC


def test_windows_bounded_by_names_find_the_same_long_matches(kb: KnowledgeBase) -> None:
    # words that never share a name stop the window early; names spread over several words still match
    result = recognise(kb, "Increased circulating IgE concentration and severe intellectual disability")
    assert {h.term_id for h in result.hits} == {"HP:0003212", "HP:0010864"}
    assert recognise(kb, "serum IgE elevated").hits[0].term_id == "HP:0003212"


def test_sex_from_words(kb: KnowledgeBase) -> None:
    assert recognise(kb, "He has eczema.").sex == "MALE"
    assert recognise(kb, "Her eczema improved.").sex == "FEMALE"
    assert recognise(kb, "She and her brother; he too.").sex is None
    assert recognise(kb, "Anderson score normal; the hero").sex is None  # parts of words do not count


def test_nested_mentions_are_terms_the_longer_one_implies(kb: KnowledgeBase) -> None:
    # Intellectual disability is an ancestor of "Intellectual disability, severe": kept as a mention
    nested = recognise(kb, "severe intellectual disability").nested
    assert [h.term_id for h in nested] == ["HP:0001249"]
    # the HPO does not place Basal cell carcinoma under Carcinoma, nor Vestibular schwannoma ("acoustic
    # neuroma") under Neuroma: the shorter reading is dropped
    for text, outer, rejected in (
        ("basal cell carcinoma", "HP:0002671", "HP:0030731"),
        ("acoustic neuroma", "HP:0009588", "HP:0030430"),
    ):
        result = recognise(kb, text)
        assert [h.term_id for h in result.hits] == [outer]
        assert rejected not in {h.term_id for h in result.mentions}


def test_a_name_without_its_grade_names_the_parent(kb: KnowledgeBase) -> None:
    # "Severe psychomotor retardation" names Severe global developmental delay (HP:0011344), whose one
    # parent is Global developmental delay (HP:0001263); no name of the release says "psychomotor retardation"
    assert recognise(kb, "psychomotor retardation").hits[0].term_id == "HP:0001263"
    assert recognise(kb, "severe psychomotor retardation").hits[0].term_id == "HP:0011344"
    # where the release has a name with these words, it wins over the derived one
    assert recognise(kb, "intellectual disability").hits[0].term_id == "HP:0001249"


def test_adjective_read_as_the_noun_that_is_a_whole_name(kb: KnowledgeBase) -> None:
    # "myoclonic" → Myoclonus (a one-word name), not "myoclonia" (a word of longer names only)
    assert [h.term_id for h in recognise(kb, "myoclonic jerks and ataxic gait").hits][:1] == ["HP:0001336"]
    assert recognise(kb, "myoclonic").hits[0].term_id == "HP:0001336"
    assert recognise(kb, "myoclonic seizures").hits[0].term_id == "HP:0032794"  # Myoclonic seizure


def test_word_splitter_offsets_and_punctuation() -> None:
    from ipexpath.knowledge.context import words

    text = "No fever, rash; IgE 4,500 IU/mL: high-grade."
    got = [
        (w.text, w.start, w.comma_before, w.sentence_before, w.hyphen_before, w.colon_before)
        for w in words(text)
    ]
    assert got == [
        ("No", 0, False, True, False, False),
        ("fever", 3, False, False, False, False),
        ("rash", 10, True, False, False, False),
        ("IgE", 16, False, True, False, False),
        ("4,500", 20, False, False, False, False),
        ("IU", 26, False, False, False, False),
        ("mL", 29, False, False, True, False),
        ("high", 33, False, False, False, True),
        ("grade", 38, False, False, True, False),
    ]
    # a run of punctuation after the last word (findall stops at the last word; timing in bench_text_limits)
    assert [w.text for w in words("eczema" + "!" * 20_000)] == ["eczema"]
    assert words("!" * 20_000) == []


def test_abbreviation_of_part_of_the_term_is_not_the_term(kb: KnowledgeBase) -> None:
    # "IgE" abbreviates "immunoglobulin E", not "elevated immunoglobulin E": a later "IgE" is no raised IgE
    text = "Elevated immunoglobulin E (IgE) at 3 months. IgE was measured again."
    uses = [h for h in recognise(kb, text).mentions if text[h.span[0] : h.span[1]] == "IgE"]
    assert all(h.term_id != "HP:0003212" for h in uses)


LIP = "HP:0000159"  # Abnormal lip morphology
ANUS = "HP:0004378"  # Abnormality of the anus
KIDNEY = "HP:0000077"  # Abnormality of the kidney
COORDINATION = "HP:0011443"  # Abnormality of coordination
THUMB_APLASIA_HYPOPLASIA = "HP:0009601"  # Aplasia/Hypoplasia of the thumb


def test_a_phrase_does_not_join_words_across_and(kb: KnowledgeBase) -> None:
    # "abnormalities and lip": the words of "Abnormal lip morphology" are split by "and"
    text = "Facial abnormalities and lip pits were present."
    assert LIP not in {h.term_id for h in recognise(kb, text).mentions}
    # a name written with "/" or "or" still reads across a coordinator
    text = "aplasia or hypoplasia of the thumb"
    assert THUMB_APLASIA_HYPOPLASIA in {h.term_id for h in recognise(kb, text).mentions}


def test_a_list_shares_its_head_noun(kb: KnowledgeBase) -> None:
    found = {h.term_id for h in recognise(kb, "He had anal, renal, limb and ear anomalies.").mentions}
    assert {ANUS, KIDNEY} <= found
    # "motor coordination" is a two-word item: "coordination" does not take "disturbances" of the next one
    text = "problems with motor coordination, and sleep disturbances"
    assert COORDINATION not in {h.term_id for h in recognise(kb, text).mentions}


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("He is unable to walk.", "HP:0002540"),  # Inability to walk
        ("duplication of the ureters", "HP:0000073"),  # Ureteral duplication (ureteral → ureter)
        ("lachrymal duct stenosis", "HP:0007678"),  # British spelling
        ("CNS tumours", "HP:0100006"),  # Neoplasm of the central nervous system (tumour = neoplasm)
    ],
)
def test_general_clinical_phrasing(kb: KnowledgeBase, text: str, term: str) -> None:
    assert term in {h.term_id for h in recognise(kb, text).mentions}, text


def test_an_adjective_before_its_noun_ends_no_name(kb: KnowledgeBase) -> None:
    # "retinal" qualifies "pigment": no Aplasia of the retina; the root term is never reported
    found = {
        h.term_id for h in recognise(kb, "absence of retinal pigment; other phenotypic abnormality").mentions
    }
    assert "HP:0010728" not in found
    assert "HP:0000118" not in found
    assert "HP:0010728" in {h.term_id for h in recognise(kb, "absence of the retina").mentions}
