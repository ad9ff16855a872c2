"""Term search ranking (exact names and abbreviations first, word sets before spelling accidents) and the
`terms --batch` JSON-lines format (issue 12 items 5-6)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ipexpath.cli import main
from ipexpath.knowledge.base import KnowledgeBase
from ipexpath.knowledge.search import search_terms


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("T1DM", "HP:0100651"),
        ("AIHA", "HP:0001890"),
        ("type 1 diabetes", "HP:0100651"),
        ("chronic diarrhoea", "HP:0002028"),
        ("diarhea", "HP:0002014"),
        ("HP:0002014", "HP:0002014"),
    ],
)
def test_exact_names_and_abbreviations_come_first(kb: KnowledgeBase, query: str, first: str) -> None:
    assert search_terms(kb, query)[0].id == first


def test_ige_finds_ige_terms_only(kb: KnowledgeBase) -> None:
    labels = [h.label for h in search_terms(kb, "IgE", limit=5)]
    assert all("IgE" in label for label in labels), labels


def test_multi_word_query_matches_word_sets_not_spelling_accidents(kb: KnowledgeBase) -> None:
    hits = search_terms(kb, "autoimmune enteropathy", limit=10)
    assert "enteropathy" in hits[0].matched.lower()
    assert "HP:0000741" not in {h.id for h in hits}  # Apathy


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as info:
        main(argv)
    out, err = capsys.readouterr()
    return int(info.value.code or 0), out, err


def test_batch_json_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    notes = tmp_path / "notes.jsonl"
    notes.write_text(
        json.dumps({"id": "a", "text": "no hepatomegaly, Coombs-positive haemolytic anaemia"})
        + "\n"
        + "{not json\n"
        + json.dumps({"id": 7, "text": "His brother has eczema. TPO-Ab positive."})
        + "\n"
        + json.dumps({"id": "c"})
        + "\n",
        encoding="utf-8",
    )
    code, out, err = _run(["terms", "--batch", str(notes), "--json"], capsys)
    assert code == 2
    assert "line 2" in err and "line 4" in err and "2 of 4 lines" in err
    lines = [json.loads(line) for line in out.splitlines()]
    assert [line["id"] for line in lines] == ["a", "7"]
    assert set(lines[0]) == {"id", "hits", "unrecognised"}
    first = {hit["id"]: hit for hit in lines[0]["hits"]}
    assert first["HP:0002240"]["excluded"] is True and first["HP:0004844"]["excluded"] is False
    hit = first["HP:0004844"]
    assert {"id", "label", "text", "start", "end", "excluded", "family_history"} <= set(hit)
    assert hit["text"] == "Coombs-positive haemolytic anaemia"
    assert lines[1]["hits"][0]["family_history"] is True
    assert any("TPO" in span["text"] for span in lines[1]["unrecognised"])


def test_batch_of_good_lines_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    notes = tmp_path / "notes.jsonl"
    notes.write_text(json.dumps({"id": "x", "text": "chronic diarrhea"}) + "\n", encoding="utf-8")
    code, out, _ = _run(["terms", "--batch", str(notes)], capsys)
    assert code == 0 and "HP:0002028" in out


def test_empty_text_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(["terms", "--text", "   "], capsys)
    assert code == 2 and "empty" in err and "Traceback" not in err
