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


def _both_ways_packet(case_id: str = "x") -> dict[str, object]:
    """A phenopacket listing diarrhea (HP:0002014) both as observed and as excluded."""
    return {
        "id": case_id,
        "subject": {"id": "p", "sex": "MALE"},
        "phenotypicFeatures": [
            {"type": {"id": "HP:0002014", "label": "Diarrhea"}},
            {"type": {"id": "HP:0000821"}},
            {"type": {"id": "hp:0002014"}, "excluded": True},
        ],
    }


def test_a_term_both_observed_and_excluded_is_refused(kb: KnowledgeBase, tmp_path: Path) -> None:
    from tests.fuzz.harness import check_invariant, invoke

    path = _write(tmp_path, "p.json", json.dumps(_both_ways_packet()))
    with pytest.raises(InputError, match=r"HP:0002014 is listed both as observed and as excluded"):
        read_case(path, kb)
    outcome = invoke(["case", str(path)])  # the same exit 2 as `--hpo X --excluded X`
    check_invariant(outcome)
    assert outcome.code == 2 and "HP:0002014" in outcome.err and "both as observed" in outcome.err
    form = _write(tmp_path, "c.yaml", "observed: [HP:0002014]\nexcluded: [HP:0002014]\n")
    with pytest.raises(InputError, match="HP:0002014 is listed both"):
        read_case(form, kb)
    exported = _write(tmp_path, "e.json", json.dumps({"hpo_version": "x", "observed": [
        {"id": "HP:0002014"}], "excluded": [{"id": "HP:0002014"}]}))  # fmt: skip
    with pytest.raises(InputError, match="HP:0002014 is listed both"):
        read_case(exported, kb)
    case = read_case(path, kb, lenient=True)  # a batch of published cases keeps it, with a warning
    assert case.observed_ids == ["HP:0002014", "HP:0000821"] and case.excluded_ids == []
    assert any("both observed and excluded" in f.message for f in case.findings)


@pytest.mark.parametrize(
    ("case_id", "message"),
    [("A" * 201, "201 characters long; at most 200"), ("P1\nrm -rf", "control character")],
)
def test_case_id_is_limited(kb: KnowledgeBase, tmp_path: Path, case_id: str, message: str) -> None:
    packet = _both_ways_packet(case_id)
    packet["phenotypicFeatures"] = [{"type": {"id": "HP:0002014"}}]
    with pytest.raises(InputError, match=message):
        read_case(_write(tmp_path, "p.json", json.dumps(packet)), kb)
    form = _write(tmp_path, "c.yaml", json.dumps({"id": case_id, "observed": ["HP:0002014"]}))
    with pytest.raises(InputError, match=message):
        read_case(form, kb)
    assert read_case(_write(tmp_path, "ok.yaml", "id: " + "A" * 200 + "\nobserved: [HP:0002014]\n"), kb)
