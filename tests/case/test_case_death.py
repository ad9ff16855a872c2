"""The patient's death (vital status) is read from every input, kept through every output, and changes the
advice: no treatment or referral, a leaflet for a bereaved family. Free text only raises a check."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest

from ipexpath.case import read_case
from ipexpath.case.readers import DEATH_CHECK
from ipexpath.cli import main
from ipexpath.errors import InputError
from ipexpath.knowledge import KnowledgeBase

sys.path.insert(0, str(Path(__file__).parents[1] / "confirm"))
from vcfmaker import Record, VcfSpec, foxp3_vep

TRIAD = "HP:0002028,HP:0100651,HP:0000964,HP:0003212"  # chronic diarrhoea, T1D, eczema, high IgE


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as info:
        main(argv)
    out, err = capsys.readouterr()
    return int(info.value.code or 0), out, err


def _form(tmp_path: Path, extra: str) -> Path:
    path = tmp_path / "case.yaml"
    path.write_text(f"id: boy\nsex: male\nage: P8M\nobserved: [HP:0002028, HP:0100651]\n{extra}\n")
    return path


def test_form_deceased_with_age_at_death(kb: KnowledgeBase, tmp_path: Path) -> None:
    case = read_case(_form(tmp_path, "deceased: P7M"), kb)
    assert case.death is not None and case.death.age is not None
    assert round(case.death.age.days) == 213 and case.death.source == "case form"
    assert read_case(_form(tmp_path, "deceased: yes"), kb).death is not None
    assert read_case(_form(tmp_path, "deceased: no"), kb).death is None


@pytest.mark.parametrize(
    ("value", "message"),
    [("P9M", "later than the age given"), ("soon", "must be yes or the age at death"), ("7", "unit")],
)
def test_form_deceased_bad_values_are_refused(
    kb: KnowledgeBase, tmp_path: Path, value: str, message: str
) -> None:
    with pytest.raises(InputError, match=message):
        read_case(_form(tmp_path, f"deceased: {value}"), kb)


def test_case_json_reads_back_with_the_death(
    kb: KnowledgeBase, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(["case", "--hpo", TRIAD, "--sex", "male", "--deceased", "P5M", "--json"], capsys)
    assert code == 0, err
    exported = tmp_path / "case.json"
    exported.write_text(out)
    case = read_case(exported, kb)
    assert case.death is not None and case.death.age is not None and round(case.death.age.days) == 152
    assert case.death.source == "command line (--deceased)"


def test_text_saying_the_patient_died_is_a_check_not_a_silent_change(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, err = _run(
        ["assess", "--text", "Boy with chronic diarrhoea and type 1 diabetes. Died at 5 months.",
         "--out", str(tmp_path / "o"), "--json"],
        capsys,
    )  # fmt: skip
    assert code == 0, err
    data = json.loads(out)
    assert not data["status"]["deceased"]
    assert any(
        check.startswith(DEATH_CHECK) and "Died at 5 months" in check for check in data["status"]["checks"]
    )
    code, out, err = _run(
        ["case", "--text", "Boy with chronic diarrhoea. His brother died at 5 months."], capsys
    )
    assert code == 0 and DEATH_CHECK not in out


def _assess_deceased(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], *how: str
) -> tuple[dict[str, Any], str]:
    csq = foxp3_vep("c.100C>T", "p.Gln34Ter", "stop_gained", "A", exon="3/12", MAX_AF="")
    vcf = VcfSpec([Record("X", 49260000, "G", "A", f"CSQ={csq}", ["1"])]).write(tmp_path / "boy.vcf")
    out = tmp_path / "o"
    code, stdout, err = _run(["assess", *how, "--vcf", str(vcf), "--out", str(out), "--json"], capsys)
    assert code == 0, err
    leaflet = re.sub(r"<[^>]+>", " ", (out / "leaflet.html").read_text(encoding="utf-8"))
    return json.loads(stdout), leaflet


def test_deceased_from_the_command_line_reaches_advice_leaflet_and_phenopacket(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data, leaflet = _assess_deceased(
        tmp_path, capsys, "--hpo", TRIAD, "--sex", "male", "--age", "P8M", "--deceased", "P8M"
    )
    status = data["status"]
    assert status["deceased"] and not status["refer_for_hsct"] and not status["refer_to_specialist"]
    assert not {r["category"] for r in data["recommendations"]} & {"referral", "treatment"}
    for gone in ("What treatment is there?", "emergency help", "Day-to-day care"):
        assert gone not in leaflet
    subject = data["phenopacket"]["subject"]
    assert subject["vitalStatus"] == {
        "status": "DECEASED",
        "timeOfDeath": {"age": {"iso8601duration": "P8M"}},
    }


def test_assessment_json_reads_back_as_a_deceased_case(
    kb: KnowledgeBase, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _assess_deceased(tmp_path, capsys, "--hpo", TRIAD, "--sex", "male", "--deceased", "yes")
    case = read_case(tmp_path / "o" / "assessment.json", kb)
    assert case.death is not None and case.death.source == "phenopacket subject.vitalStatus"
