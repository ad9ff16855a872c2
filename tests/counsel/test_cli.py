"""`ipexpath family`: JSON shape, flags overriding the model, SVG output and exit code 2 on bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import FIXTURES
from ipexpath.cli import main

EXAMPLE = Path(__file__).parents[2] / "src" / "ipexpath" / "counsel" / "data" / "example_family.yaml"


def run(args: list[str], capsys) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(["family", *args])
    out, err = capsys.readouterr()
    return int(exc.value.code or 0), out, err


def test_json_shape(capsys):
    code, out, _ = run([str(EXAMPLE), "--json"], capsys)
    assert code == 0
    data = json.loads(out)
    assert {"model", "individuals", "pregnancies", "testing_plan"} <= data.keys()
    ind = {i["id"]: i for i in data["individuals"]}
    assert {"id", "sex", "p_variant"} <= ind["II-2"].keys()
    assert ind["III-2"]["p_variant"] == pytest.approx(0.5, abs=1e-3)
    # 0.2 without germline mosaicism; the grandmother may be a germline mosaic (1.6%), so slightly less
    assert ind["II-5"]["p_variant"] == pytest.approx(0.2, abs=2e-3)
    preg = {p["mother"]: p for p in data["pregnancies"]}
    assert {"mother", "p_affected_son", "p_carrier_daughter"} <= preg["II-5"].keys()
    assert "I-2" not in preg  # 64 years old: above the reproductive age limit
    assert "III-2" not in preg  # a 6-year-old girl: no future-pregnancy figures for children
    plan = data["testing_plan"]
    assert plan[0]["id"] == "II-5"  # the adult aunt before the young sisters
    assert {s["id"] for s in plan if s["deferred"]} == {"III-2", "III-3"}
    assert data["model"]["sources"]["phenocopy_fraction"].startswith("Gambineri")


def test_flags_override_defaults(capsys):
    flags = ["--mutation-rate", "1e-5", "--fitness", "0.1", "--penetrance", "0.9", "--phenocopy", "0.3"]
    tested = ["--tested", "III-2=not-found", "--sensitivity", "0.95"]
    code, out, _ = run([str(EXAMPLE), "--json", "--no-plan", *flags, *tested], capsys)
    assert code == 0
    data = json.loads(out)
    assert data["model"]["mutation_rate_egg"] == 1e-5
    assert data["model"]["fitness"] == 0.1
    assert data["model"]["phenocopy_fraction"] == 0.3
    assert data["model"]["penetrance_male"]["curve"] == [[0.0, 0.9]]
    ind = {i["id"]: i for i in data["individuals"]}
    # negative test with sensitivity 0.95 in a 1/2 prior daughter: 0.5*0.05 / (0.5*0.05 + 0.5) = 1/21
    assert ind["III-2"]["p_variant"] == pytest.approx(1 / 21, abs=2e-3)


def test_text_output_and_svg(tmp_path, capsys):
    svg = tmp_path / "out" / "family.svg"
    code, out, _ = run([str(EXAMPLE), "--svg", str(svg)], capsys)
    assert code == 0
    assert "Future pregnancies" in out and "Testing plan" in out and "III-1" in out
    assert svg.read_text().startswith("<?xml")


@pytest.mark.parametrize(
    "args",
    [
        [str(FIXTURES / "cycle.ped")],
        [str(FIXTURES / "female_father.ped")],
        [str(FIXTURES / "duplicate.ped")],
        [str(FIXTURES / "missing_parent.ped")],
        [str(FIXTURES / "bad_sex.ped")],
        [str(FIXTURES / "own_ancestor.yaml")],
        [str(FIXTURES / "ok_trio.ped"), "--tested", "Z=found"],
        [str(FIXTURES / "ok_trio.ped"), "--tested", "A=maybe"],
        [str(FIXTURES / "ok_trio.ped"), "--fitness", "1.5"],
        [str(FIXTURES / "nope.ped")],
    ],
)
def test_bad_input_exits_2_without_traceback(args, capsys):
    code, _, err = run(args, capsys)
    assert code == 2
    assert "Error:" in err and "Traceback" not in err


def test_impossible_evidence_is_explained(capsys):
    """An affected man with children under fitness 0 and a definitive positive test cannot happen."""
    code, _, err = run([str(FIXTURES / "ok_trio.ped"), "--tested", "A=found", "--phenocopy", "0"], capsys)
    assert code == 2
    assert "impossible" in err
