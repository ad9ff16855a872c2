"""`ipexpath assess` and `ipexpath demo` on the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ipexpath.cli import main
from ipexpath.report import example_inputs


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as info:
        main(argv)
    out, err = capsys.readouterr()
    return int(info.value.code or 0), out, err


def test_assess_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ex = example_inputs()
    argv = [
        "assess",
        str(ex.case),
        "--vcf",
        str(ex.vcf),
        "--family",
        str(ex.family),
        "--out",
        str(tmp_path / "o"),
    ]
    code, out, err = run([*argv, "--json"], capsys)
    assert code == 0, err
    data = json.loads(out)
    assert data["kind"] == "ipexpath assessment" and data["genetics"]["variants"]
    assert sorted(p.name for p in (tmp_path / "o").iterdir()) == [
        "assessment.json",
        "leaflet.html",
        "report.html",
    ]


def test_assess_flags_without_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        [
            "assess",
            "--hpo",
            "HP:0002028,HP:0000964,HP:0100651",
            "--sex",
            "male",
            "--out",
            str(tmp_path / "o"),
        ],
        capsys,
    )
    assert code == 0, err
    assert "report.html" in out and (tmp_path / "o" / "leaflet.html").exists()


def test_demo_prints_paths_and_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["demo", "--out", str(tmp_path / "demo")], capsys)
    assert code == 0, err
    assert "FICTIONAL" in out and "DECISION SUPPORT" in out and "IPEX:" in out
    for name in ("report.html", "leaflet.html", "assessment.json"):
        assert str(tmp_path / "demo" / name) in out
    assert len(out.splitlines()) <= 30  # one screen


def test_bad_family_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ex = example_inputs()
    bad = tmp_path / "family.yaml"
    bad.write_text("family: X\nindividuals:\n  - {id: A, sex: male, father: NOBODY}\n", encoding="utf-8")
    code, _, err = run(["assess", str(ex.case), "--family", str(bad), "--out", str(tmp_path / "o")], capsys)
    assert code == 2 and "Traceback" not in err
    assert not (tmp_path / "o").exists()


def test_missing_vcf_is_input_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ex = example_inputs()
    code, _, err = run(
        ["assess", str(ex.case), "--vcf", str(tmp_path / "none.vcf"), "--out", str(tmp_path / "o")], capsys
    )
    assert code == 2 and "does not exist" in err
    assert not (tmp_path / "o").exists()


def test_help(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["assess", "--help"], capsys)
    assert code == 0 and "--vcf" in out and "--family" in out and "--out" in out and "--json" in out
    code, out, _ = run(["demo", "--help"], capsys)
    assert code == 0 and "--out" in out


@pytest.mark.parametrize(
    "case_args",
    [
        ["--hpo", "HP:0002028"],
        ["--text", "3 month old with chronic diarrhea, eczema and type 1 diabetes"],
    ],
)
def test_assess_without_a_stated_sex_writes_the_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], case_args: list[str]
) -> None:
    """Issue 18 item 1: the phenopacket export wrote UNKNOWN_SEX, which the round-trip check dropped."""
    code, _, err = run(["assess", *case_args, "--out", str(tmp_path / "o")], capsys)
    assert code == 0, err
    packet = json.loads((tmp_path / "o" / "assessment.json").read_text(encoding="utf-8"))["phenopacket"]
    assert "sex" not in packet["subject"]
