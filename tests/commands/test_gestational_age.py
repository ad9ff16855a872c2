"""`--age`/`--onset` (and the case form's `age:`/`onset:`) take a gestational age as clinicians write it.

It is held as the package's one `Age` (days before term birth at 40+0 weeks, negative) and written to the
Phenopacket as `gestationalAge` {weeks, days}; a phenopacket's gestationalAge is read back to the same days.
Ambiguous forms (corrected or postmenstrual age, "born at 32 weeks", a bare "32+3", beyond term) are exit 2:
rows in tests/test_cli_bad_input.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.fuzz.harness import check_invariant, invoke

FORMS = [
    ("32 weeks gestation", -56.0),
    ("32 weeks' gestation", -56.0),
    ("32+3 weeks of gestation", -53.0),
    ("GA 32+3", -53.0),
    ("GA: 32w3d", -53.0),
    ("ga 32 weeks 3 days", -53.0),
    ("gestational age 28 weeks", -84.0),
    ("32/40", -56.0),
    ("32+3/40", -53.0),
    ("40+0 weeks gestation", 0.0),
]


@pytest.mark.parametrize(("written", "days"), FORMS, ids=[w for w, _ in FORMS])
def test_gestational_age_forms_are_read(written: str, days: float) -> None:
    outcome = invoke(["case", "--hpo", "HP:0002014", "--age", written, "--onset", written, "--json"])
    check_invariant(outcome, allow_error=False)
    case = json.loads(outcome.out)
    assert case["age_days"] == days and case["onset_days"] == days


def test_postnatal_ages_are_unchanged() -> None:
    """'32 weeks' alone stays 32 weeks after birth (as before); only a form that says gestation is one."""
    outcome = invoke(["case", "--hpo", "HP:0002014", "--age", "32 weeks", "--json"])
    assert json.loads(outcome.out)["age_days"] == 224.0


def test_case_form_gestational_onset(tmp_path: Path) -> None:
    form = tmp_path / "fetus.yaml"
    form.write_text("id: f1\nsex: male\nage: GA 32+3\nonset: 30 weeks gestation\nobserved: [HP:0001789]\n")
    case = json.loads(invoke(["case", str(form), "--json"]).out)
    assert (case["age_days"], case["onset_days"]) == (-53.0, -70.0)


def test_gestational_age_goes_to_the_phenopacket_and_back(tmp_path: Path) -> None:
    """Before: an age before birth was exported as the ISO duration of a negative number ('P-1Y11M…'),
    which no phenopacket reader accepts, and a phenopacket's gestationalAge days were dropped."""
    out = tmp_path / "out"
    argv = [
        "assess",
        "--hpo",
        "HP:0002014,HP:0000819",
        "--sex",
        "male",
        "--age",
        "GA 32+3",
        "--out",
        str(out),
    ]
    check_invariant(invoke(argv), allow_error=False)
    packet = json.loads((out / "assessment.json").read_text())["phenopacket"]
    assert packet["subject"]["timeAtLastEncounter"] == {"gestationalAge": {"weeks": 32, "days": 3}}
    again = invoke(["case", str(out / "assessment.json"), "--json"])
    check_invariant(again, allow_error=False)
    assert json.loads(again.out)["age_days"] == -53.0


def test_age_type_round_trip() -> None:
    from ipexpath.types import Age

    assert Age.from_gestation(32, 3).days == -53.0
    assert Age.from_gestation(32, 3).gestation == (32, 3)
    assert Age.from_days(10).gestation is None
