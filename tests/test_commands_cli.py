"""The command line: exit codes 0/1/2, --version, --json, no tracebacks for bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ipexpath.case import example_case_path
from ipexpath.cli import main


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as info:
        main(argv)
    out, err = capsys.readouterr()
    return int(info.value.code or 0), out, err


def test_version_names_hpo_release(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["--version"], capsys)
    assert code == 0 and "HPO release 2025-01-16" in out


def test_help_everywhere(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["--help"], capsys)
    assert code == 0 and "case" in out and "terms" in out
    for command in ("case", "terms"):
        code, out, _ = run([command, "--help"], capsys)
        assert code == 0 and "--json" in out


def test_case_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["case", str(example_case_path()), "--json"], capsys)
    data = json.loads(out)
    assert code == 0 and data["sex"] == "MALE" and data["hpo_version"] == "2025-01-16"


def test_terms_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["terms", "diarrhea", "--json"], capsys)
    assert code == 0 and json.loads(out)["results"][0]["id"] == "HP:0002014"


@pytest.mark.parametrize(
    "argv",
    [
        ["case", "--hpo", "HP:9999999"],
        ["case", "--hpo", "not-an-id"],
        ["case"],
        ["case", "/nonexistent/case.json"],
        ["case", "--hpo", "HP:0002014", "--sex", "robot"],
        ["case", "--hpo", "HP:0002014", "--age", "yesterday"],
        ["terms", "diarrhea", "--hpo-dir", "/nonexistent/hpo"],
        ["nosuchcommand"],
    ],
)
def test_bad_input_exits_2_without_traceback(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(argv, capsys)
    assert code == 2
    assert "Traceback" not in err and err.strip()


def test_hpo_dir_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "hp.obo").write_text("format-version: 1.2\n")
    code, _, err = run(["terms", "diarrhea", "--hpo-dir", str(tmp_path)], capsys)
    assert code == 2 and "phenotype.hpoa" in err


def test_every_command_offers_json(capsys: pytest.CaptureFixture[str]) -> None:
    import importlib

    import click

    from ipexpath.cli import COMMAND_MODULES

    for command in COMMAND_MODULES:
        group = importlib.import_module(f"ipexpath.commands.{command}").command
        names = [[command, sub] for sub in group.commands] if isinstance(group, click.Group) else [[command]]
        for name in names:
            code, out, _ = run([*name, "--help"], capsys)
            assert code == 0 and "--json" in out, name


def test_text_without_any_term_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["case", "--text", "a patient seen today"], capsys)
    assert code == 2 and "No HPO term was recognised in the text" in err and "Traceback" not in err


def test_text_gives_terms_sex_age_and_onset(capsys: pytest.CaptureFixture[str]) -> None:
    text = "6 month old boy, T1D and diarrhea since 2 weeks"
    code, out, _ = run(["case", "--text", text, "--json"], capsys)
    data = json.loads(out)
    assert code == 0 and data["sex"] == "MALE" and data["onset_days"] == 14.0
    assert {"HP:0100651", "HP:0002014"} <= {t["id"] for t in data["observed"]}
