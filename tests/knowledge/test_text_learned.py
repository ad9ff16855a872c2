"""The phrase table learned from GSC+ curators (knowledge/textlearned.py): how it acts on a text, and that the
shipped table is what its script rebuilds from ../shared (provenance)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ipexpath.knowledge.base import KnowledgeBase
from ipexpath.knowledge.lexicon import NameKind
from ipexpath.knowledge.textlearned import (
    PACKAGED,
    Annotated,
    LearnedPhrases,
    build_from_gsc_plus,
    learn,
    packaged_learned,
    table_json,
)
from ipexpath.knowledge.textmine import recognise

GSC = Path(__file__).resolve().parents[3] / "shared" / "benchmarks" / "gsc-plus"
SHIPPED = Path(__file__).resolve().parents[2] / "src" / "ipexpath" / "knowledge" / "data" / PACKAGED


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


def test_terms_uses_the_learned_table_only_when_asked(capsys: pytest.CaptureFixture[str]) -> None:
    text = "The boy had outbursts of laughter."
    code, out, _ = _run(["terms", "--text", text, "--learned-phrases", "--json"], capsys)
    assert code == 0
    assert [h["id"] for h in json.loads(out)["hits"]] == ["HP:0000749"]
    assert json.loads(out)["hits"][0]["matched"] == NameKind.LEARNED.value
    code, out, _ = _run(["terms", "--text", text, "--json"], capsys)
    assert code == 0 and json.loads(out)["hits"] == []
    code, _, err = _run(["terms", "diarrhea", "--learned-phrases"], capsys)
    assert code == 2 and "--text or --batch" in err
