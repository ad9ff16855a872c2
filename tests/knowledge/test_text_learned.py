"""The phrase table learned from GSC+ curators (knowledge/textlearned.py) and its clinical vetting
(knowledge/textvetting.py): how they act on a text, known decisions of the vetting rules, and that the shipped
tables are what the script rebuilds (provenance)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ipexpath.knowledge.base import KnowledgeBase
from ipexpath.knowledge.lexicon import NameKind
from ipexpath.knowledge.textlearned import (
    ANY_PHRASE,
    PACKAGED,
    PACKAGED_VETTED,
    Annotated,
    LearnedPhrases,
    build_from_gsc_plus,
    learn,
    packaged_learned,
    packaged_vetted,
    table_json,
)
from ipexpath.knowledge.textmine import TextResult, recognise
from ipexpath.knowledge.textvetting import Rule, vet, vetted_json, vetting_policy

GSC = Path(__file__).resolve().parents[3] / "shared" / "benchmarks" / "gsc-plus"
SHIPPED = Path(__file__).resolve().parents[2] / "src" / "ipexpath" / "knowledge" / "data" / PACKAGED
SHIPPED_VETTED = SHIPPED.parent / PACKAGED_VETTED


def test_learned_phrases_add_replace_and_drop(kb: KnowledgeBase) -> None:
    table = LearnedPhrases(
        terms={
            frozenset({"laughter", "outburst"}): "HP:0000749",  # added where nothing matched
            frozenset({"renal", "malformation"}): "HP:0000077",  # replaces Abnormal renal morphology
        },
        drop=frozenset({(frozenset({"eczema"}), "HP:0000964", False)}),
    )
    text = "Outbursts of laughter, renal malformations and eczema."
    plain = {h.term_id for h in recognise(kb, text).hits}
    assert plain == {"HP:0012210", "HP:0000964"}
    learned = recognise(kb, text, table)
    assert {h.term_id for h in learned.hits} == {"HP:0000749", "HP:0000077"}
    assert {h.name_kind for h in learned.hits} == {NameKind.LEARNED}
    assert all(
        h.score < 1 and "learned from GSC+" in line
        for h, line in zip(learned.hits, learned.describe(), strict=True)
    )


def test_learn_keeps_conventions_seen_in_two_documents(kb: KnowledgeBase) -> None:
    text = "The boy had outbursts of laughter."
    span = (text.index("outbursts"), text.index("."))
    documents = [Annotated(f"d{k}", text, ((*span, "HP:0000749"),)) for k in range(2)]
    assert learn(kb, documents).terms == {frozenset({"laughter", "outburst"}): "HP:0000749"}
    assert learn(kb, documents[:1]).terms == {}  # one document is not a convention


@pytest.mark.skipif(not GSC.is_dir(), reason="../shared/benchmarks/gsc-plus is not beside the repository")
def test_shipped_table_matches_a_rebuild(kb: KnowledgeBase) -> None:
    table = build_from_gsc_plus(kb, GSC)
    assert SHIPPED.read_text(encoding="utf-8") == table_json(kb, table)
    assert packaged_learned() == table
    assert "228 abstracts" in table.source


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    from ipexpath.cli import main

    with pytest.raises(SystemExit) as info:
        main(argv)
    out, err = capsys.readouterr()
    return int(info.value.code or 0), out, err


def test_terms_uses_the_vetted_table_only_when_asked(capsys: pytest.CaptureFixture[str]) -> None:
    text = "The boy had outbursts of laughter."
    code, out, _ = _run(["terms", "--text", text, "--learned-phrases", "--json"], capsys)
    assert code == 0
    assert [h["id"] for h in json.loads(out)["hits"]] == ["HP:0000749"]
    assert json.loads(out)["hits"][0]["matched"] == "phrase learned from GSC+ curators, vetted"
    code, out, _ = _run(["terms", "--text", text, "--learned-phrases"], capsys)
    assert code == 0 and "via phrase learned from GSC+ curators, vetted" in out and "please check" in out
    code, out, _ = _run(["terms", "--text", text, "--json"], capsys)
    assert code == 0 and json.loads(out)["hits"] == []
    code, _, err = _run(["terms", "diarrhea", "--learned-phrases"], capsys)
    assert code == 2 and "--text or --batch" in err


# --- clinical vetting (knowledge/textvetting.py) ---

CLEFT_LIP, UNILATERAL_CLEFT_LIP = "HP:0410030", "HP:0100333"
VESTIBULAR_SCHWANNOMA, PREAURICULAR_PIT = "HP:0009588", "HP:0004467"
ID_SEVERE, ID_PROFOUND = "HP:0010864", "HP:0002187"


def _vetted(kb: KnowledgeBase, text: str) -> set[str]:
    return {h.term_id for h in recognise(kb, text, packaged_vetted()).hits}


def test_vetted_table_keeps_what_the_words_say(kb: KnowledgeBase) -> None:
    assert _vetted(kb, "acoustic neuroma") == {VESTIBULAR_SCHWANNOMA}  # kept: the words' own term
    assert _vetted(kb, "outbursts of laughter") == {"HP:0000749"}  # Paroxysmal bursts of laughter
    assert "HP:0000598" in _vetted(kb, "ear anomalies")  # broader than the outer-ear synonym: kept


def test_vetted_table_drops_curators_conventions(kb: KnowledgeBase) -> None:
    raw = packaged_learned()
    assert {h.term_id for h in recognise(kb, "cleft lip", raw).hits} == {UNILATERAL_CLEFT_LIP}
    assert _vetted(kb, "cleft lip") == {CLEFT_LIP}  # laterality not written
    assert _vetted(kb, "pits") == set()  # a bare word is no Preauricular pit
    assert _vetted(kb, "laughter") == set()  # no Inappropriate laughter
    assert _vetted(kb, "severe mental retardation") == {ID_SEVERE}  # not profound
    assert _vetted(kb, "joint contractures") == {"HP:0034392"}  # Joint contracture, written, not dropped
    assert _vetted(kb, "intracranial calcifications") == {"HP:0430048"}  # nor Intracranial calcification
    assert _vetted(kb, "lip pits") == {"HP:0100267"}  # Lip pit, not dropped where written


def _assertions(result: TextResult) -> list[tuple[str, tuple[int, int], bool, bool, bool]]:
    return [(h.term_id, h.span, h.negated, h.relative, h.uncertain) for h in result.hits]


@pytest.mark.parametrize(
    "text",
    [
        "no hepatomegaly, Coombs-positive haemolytic anaemia",
        "denies rash, has diarrhea",
        "neonatal diabetes, elevated IgE, hyper-IgE, IgE 4,500 IU/mL (high), hypothyroid",
        "anti-enterocyte antibodies; intractable diarrhoea; watery diarrhoea; low IgA",
        "no fever, rash or diarrhoea. Possible eczema. Hepatomegaly was ruled out.",
        "His maternal uncle died in infancy. The boy has eczema; his brother had diarrhoea and diabetes.",
        "Infant boy with enteropathy, type 1 diabetes, autoimmune hemolytic anemia, eczema; EEG was normal.",
    ],
)
def test_vetted_table_leaves_ipex_phrases_and_scope_unchanged(kb: KnowledgeBase, text: str) -> None:
    assert _assertions(recognise(kb, text, packaged_vetted())) == _assertions(recognise(kb, text))


def test_vetting_rules_decide_known_entries(kb: KnowledgeBase) -> None:
    table = LearnedPhrases(
        terms={
            frozenset({"acoustic", "neuroma"}): VESTIBULAR_SCHWANNOMA,  # the words' own term
            frozenset({"anomaly", "ear"}): "HP:0000598",  # broader than the words' term
            frozenset({"acoustic", "neurinoma"}): VESTIBULAR_SCHWANNOMA,  # narrower, "acoustic" written
            frozenset({"cleft", "lip"}): UNILATERAL_CLEFT_LIP,  # narrower, laterality not written
            frozenset({"mental", "retardation", "severe"}): ID_PROFOUND,  # another grade
            frozenset({"pit"}): PREAURICULAR_PIT,  # a bare word
            frozenset({"lesion", "skin"}): "HP:0011355",  # Localized skin lesion: extent not written
            frozenset({"appearance", "facial"}): "HP:0001999",  # Abnormal facial shape: no abnormality said
            frozenset({"laughter", "outburst"}): "HP:0000749",  # a paraphrase
        },
        drop=frozenset(
            {
                (ANY_PHRASE, CLEFT_LIP, False),  # wherever written
                (ANY_PHRASE, "HP:0010614", True),  # Fibroma as a nested reading only
                (frozenset({"lip", "pit"}), "HP:0100267", False),  # the term's own label
            }
        ),
    )
    rules = {(frozenset(d.words), d.term_id, d.nested): d.rule for d in vet(kb, table).decisions}
    assert rules == {
        (frozenset({"acoustic", "neuroma"}), VESTIBULAR_SCHWANNOMA, None): Rule.SAME,
        (frozenset({"anomaly", "ear"}), "HP:0000598", None): Rule.BROADER,
        (frozenset({"acoustic", "neurinoma"}), VESTIBULAR_SCHWANNOMA, None): Rule.SAID,
        (frozenset({"cleft", "lip"}), UNILATERAL_CLEFT_LIP, None): Rule.NARROWER,
        (frozenset({"mental", "retardation", "severe"}), ID_PROFOUND, None): Rule.OTHER,
        (frozenset({"pit"}), PREAURICULAR_PIT, None): Rule.BARE_WORD,
        (frozenset({"lesion", "skin"}), "HP:0011355", None): Rule.QUALIFIER,
        (frozenset({"appearance", "facial"}), "HP:0001999", None): Rule.UNSAID_ABNORMAL,
        (frozenset({"laughter", "outburst"}), "HP:0000749", None): Rule.NEW,
        (ANY_PHRASE, CLEFT_LIP, False): Rule.DROP_ANYWHERE,
        (ANY_PHRASE, "HP:0010614", True): Rule.DROP_NESTED,
        (frozenset({"lip", "pit"}), "HP:0100267", False): Rule.DROP_WRITTEN,
    }
    vetted = vet(kb, table).table
    assert (
        vetted.vetted and set(vetted.terms) <= set(table.terms) and vetted.drop <= table.drop
    )  # only removes


def test_hand_denials_are_reasoned_and_needed(kb: KnowledgeBase) -> None:
    decisions = {(d.words, d.term_id, d.nested): d for d in vet(kb, packaged_learned()).decisions}
    policy = vetting_policy()
    assert policy.deny
    for key, reason in policy.deny.items():
        assert len(reason) > 20, key
        assert decisions[key].rule is Rule.HAND, key  # an entry of the shipped table the rules keep


def test_shipped_vetted_table_matches_a_rebuild(kb: KnowledgeBase) -> None:
    vetting = vet(kb, packaged_learned())
    assert SHIPPED_VETTED.read_text(encoding="utf-8") == vetted_json(kb, vetting)
    assert packaged_vetted() == vetting.table
    assert len(vetting.decisions) == len(packaged_learned().terms) + len(packaged_learned().drop)
