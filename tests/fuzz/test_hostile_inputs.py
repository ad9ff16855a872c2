"""Regression tests for the audit's hostile inputs (issue 18): each one gets exit 2 and one clear sentence."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from tests.fuzz.harness import check_invariant, invoke

LAUGHS = """a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
id: *c
observed: [HP:0002028]
"""

CASES = {
    "laughs.yaml": (LAUGHS, "aliases"),
    "inf.json": ('{"id": 1e999, "observed": ["HP:0002028"]}', "range"),
    "nan.json": ('{"id": NaN, "observed": ["HP:0002028"]}', "not a number"),
    "bigint.json": ('{"id": ' + "9" * 5000 + ', "observed": ["HP:0002028"]}', "digits"),
    "deep.json": ("[" * 100_000 + "]" * 100_000, "nested"),
    "deep.yaml": ("a: " + "[" * 100_000 + "]" * 100_000, "nested"),
    "surrogate.json": ('{"id": "\\ud800", "observed": ["HP:0002028"]}', "surrogate"),
    "intkey.yaml": ("1: x\nobserved: [HP:0002028]\n", "not text"),
    "nan.yaml": ("id: x\nage: .nan\nobserved: [HP:0002028]\n", "finite"),
    "date.yaml": ("id: 2020-13-45\nobserved: [HP:0002028]\n", "cannot be read"),
    "latin1.yaml": (b"id: caf\xe9\nobserved: [HP:0002028]\n", "UTF-8"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_case_file(tmp_path: Path, name: str) -> None:
    content, expected = CASES[name]
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8", "surrogatepass"))
    outcome = invoke(["case", str(path)])
    check_invariant(outcome)
    assert outcome.code == 2 and expected in outcome.err, outcome.err


@pytest.mark.parametrize("name", ["laughs.yaml", "intkey.yaml", "deep.yaml"])
def test_hostile_family_file(tmp_path: Path, name: str) -> None:
    content, _ = CASES[name]
    path = tmp_path / name
    path.write_text(str(content))
    outcome = invoke(["family", str(path)])
    check_invariant(outcome)
    assert outcome.code == 2


def test_fifo_and_device_are_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "case.yaml"
    os.mkfifo(fifo)
    for path in (str(fifo), "/dev/zero"):
        outcome = invoke(["case", path])
        check_invariant(outcome)
        assert outcome.code == 2 and "not a regular file" in outcome.err


def test_invalid_sex_refused_even_with_an_unknown_field(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text(
        '{"id": "p1", "subject": {"id": "s1", "sex": "BOGUS", "extra": 1}, '
        '"phenotypicFeatures": [{"type": {"id": "HP:0002028", "label": "x"}}]}'
    )
    outcome = invoke(["case", str(path)])
    check_invariant(outcome)
    assert outcome.code == 2 and "BOGUS" in outcome.err


def test_unknown_phenopacket_field_is_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text(
        '{"id": "p1", "subject": {"id": "s1", "sex": "MALE", "extra": 1}, '
        '"phenotypicFeatures": [{"type": {"id": "HP:0002028", "label": "x"}, "bogus": 2}]}'
    )
    outcome = invoke(["case", str(path)])
    check_invariant(outcome, allow_error=False)
    assert "subject.extra" in outcome.out and "phenotypicFeatures.bogus" in outcome.out


def test_escape_sequences_are_not_printed_raw(tmp_path: Path) -> None:
    outcome = invoke(["case", str(tmp_path / "\x1b[31mred\x1b]0;title\x07.yaml")])
    check_invariant(outcome)
    assert "\x1b" not in outcome.err and "\\x1b" in outcome.err


def test_family_nan_age_refused(tmp_path: Path) -> None:
    path = tmp_path / "f.yaml"
    path.write_text("individuals:\n  - {id: a, sex: male, affected: true, proband: true, age: .nan}\n")
    outcome = invoke(["family", str(path)])
    check_invariant(outcome)
    assert outcome.code == 2


def test_full_disk_is_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    def full(_fd: int, _data: object) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("ipexpath.report.output.os.write", full)
    outcome = invoke(["assess", "--hpo", "HP:0002028", "--sex", "male", "--out", str(tmp_path / "o")])
    check_invariant(outcome)
    assert outcome.code == 2 and "No space left" in outcome.err
    assert not (tmp_path / "o").exists()
