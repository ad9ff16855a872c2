"""Reading cases: phenopacket, YAML form, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ipexpath.case import Sex, example_case_path, read_case, require_observed
from ipexpath.case.model import FindingLevel
from ipexpath.errors import InputError, UnknownTermError
from ipexpath.knowledge import KnowledgeBase


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_bundled_example(kb: KnowledgeBase) -> None:
    case = read_case(example_case_path(), kb)
    assert case.sex is Sex.MALE
    assert "HP:0002028" in case.observed_ids and case.excluded_ids == ["HP:0000821"]
    assert case.age_days is not None and 115 < case.age_days < 125
    assert case.onset_days is not None and case.onset_days < 35


def test_yaml_form_with_obsolete_id_and_redundant_ancestor(kb: KnowledgeBase, tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "case.yaml",
        "id: boy\nsex: male\nage: 3 months\nobserved:\n  - HP:0002014\n"
        "  - HP:0002028   # chronic diarrhea (more specific)\n  - HP:0000057\nexcluded: [HP:0000964]\n",
    )
    case = read_case(path, kb)
    assert case.observed_ids == ["HP:0002028", "HP:0008665"]
    levels = {f.level for f in case.findings}
    assert FindingLevel.WARNING in levels
    assert any("obsolete" in f.message for f in case.findings)


def test_yaml_form_with_text(kb: KnowledgeBase, tmp_path: Path) -> None:
    path = _write(tmp_path, "case.yaml", "sex: male\ntext: chronic diarrhea and no eczema\n")
    case = read_case(path, kb)
    assert "HP:0002028" in case.observed_ids and "HP:0000964" in case.excluded_ids


def test_yaml_form_onset_from_text_unless_given(kb: KnowledgeBase, tmp_path: Path) -> None:
    path = _write(tmp_path, "case.yaml", "sex: male\ntext: T1DM and chronic diarrhea since 2 weeks\n")
    case = read_case(path, kb)
    assert case.onset_days == 14.0 and "HP:0100651" in case.observed_ids
    given = _write(tmp_path, "given.yaml", "onset: P1M\ntext: chronic diarrhea since 2 weeks\n")
    assert read_case(given, kb).onset_days != 14.0


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("bad.json", '{"id": "x", "phenotypicFeatures": [', "not valid JSON"),
        ("bad.yaml", "observed:\n  - HP:0002014\n sex: male\n", "not valid YAML"),
        (
            "empty.json",
            '{"id": "x", "subject": {"id": "p"}, "phenotypicFeatures": []}',
            "no phenotypic features",
        ),
        ("list.yaml", "- HP:0002014\n", "mapping"),
        ("keys.yaml", "observd: [HP:0002014]\n", "unknown keys"),
        (
            "schema.json",
            '{"id": "x", "subject": {"sex": "BOY"}, "phenotypicFeatures": [{"type": {"id": "HP:0002014"}}]}',
            "not a valid GA4GH Phenopacket",
        ),
    ],
)
def test_malformed_files(kb: KnowledgeBase, tmp_path: Path, name: str, text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        read_case(_write(tmp_path, name, text), kb)


def test_unknown_id_is_an_error_but_lenient_mode_drops_it(kb: KnowledgeBase, tmp_path: Path) -> None:
    packet = {
        "id": "x",
        "subject": {"id": "p", "sex": "FEMALE"},
        "phenotypicFeatures": [
            {"type": {"id": "HP:9999999", "label": "made up"}},
            {"type": {"id": "HP:0002014"}},
        ],
    }
    path = _write(tmp_path, "p.json", json.dumps(packet))
    with pytest.raises(UnknownTermError, match="HP:9999999"):
        read_case(path, kb)
    case = read_case(path, kb, lenient=True)
    assert case.observed_ids == ["HP:0002014"] and case.sex is Sex.FEMALE


def test_only_excluded_terms_cannot_be_ranked(kb: KnowledgeBase, tmp_path: Path) -> None:
    case = read_case(_write(tmp_path, "c.yaml", "excluded: [HP:0002014]\n"), kb)
    with pytest.raises(InputError, match="only excluded"):
        require_observed(case)


def test_missing_file(kb: KnowledgeBase, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        read_case(tmp_path / "missing.json", kb)
