"""`--hsct`: a transplant stated on the command line is the same `Transplant` as the form's `hsct:` and a
phenopacket medicalAction, so a transplanted boy gets follow-up, never a new referral."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from tests.fuzz.harness import check_invariant, invoke

from ipexpath.report import example_inputs

EXAMPLE = example_inputs()
BOY = ["--hpo", "HP:0002028,HP:0000964,HP:0100651,HP:0001508,HP:0003212", "--sex", "male", "--age", "P3Y"]


def _json(argv: list[str]) -> dict:  # type: ignore[type-arg]
    outcome = invoke([*argv, "--json"])
    check_invariant(outcome, allow_error=False)
    return json.loads(outcome.out)  # type: ignore[no-any-return]


def test_hsct_flag_is_the_forms_transplant(tmp_path: Path) -> None:
    flags = _json(["case", *BOY, "--hsct", "P1Y2M"])
    form = tmp_path / "boy.yaml"
    form.write_text(
        "observed: [HP:0002028, HP:0000964, HP:0100651, HP:0001508, HP:0003212]\n"
        "sex: male\nage: P3Y\nhsct: P1Y2M\n",
        encoding="utf-8",
    )
    from_form = _json(["case", str(form)])
    assert [t["age_days"] for t in flags["transplants"]] == [t["age_days"] for t in from_form["transplants"]]
    assert flags["transplants"][0]["source"] == "command line (--hsct)"
    assert _json(["case", *BOY, "--hsct", "yes"])["transplants"] == [
        {"age_days": None, "source": "command line (--hsct)"}
    ]


def test_transplanted_boy_gets_follow_up_not_a_referral(tmp_path: Path) -> None:
    sys.path.insert(0, str(Path(__file__).parents[1] / "confirm"))
    from vcfmaker import Record, VcfSpec, foxp3_vep

    csq = foxp3_vep("c.100C>T", "p.Gln34Ter", "stop_gained", "A", exon="3/12", MAX_AF="")
    # hemizygous FOXP3 nonsense (likely pathogenic): without the flag he is referred for HSCT
    vcf = str(VcfSpec([Record("X", 49260000, "G", "A", f"CSQ={csq}", ["1"])]).write(tmp_path / "boy.vcf"))
    before = _json(["assess", *BOY, "--vcf", vcf, "--out", str(tmp_path / "before")])
    after = _json(["assess", *BOY, "--hsct", "P1Y2M", "--vcf", vcf, "--out", str(tmp_path / "after")])
    ids_before = {r["id"] for r in before["recommendations"]}
    ids_after = {r["id"] for r in after["recommendations"]}
    assert before["status"]["refer_for_hsct"] and "referral.hsct" in ids_before
    assert after["status"]["transplanted"] and not after["status"]["refer_for_hsct"]
    assert "referral.hsct" not in ids_after and "referral.after_hsct" in ids_after


def test_bad_hsct_values_are_clear_errors(tmp_path: Path) -> None:
    case = str(EXAMPLE.case)
    for argv, expected in (
        (["case", *BOY, "--hsct", "soon"], "neither 'yes' nor the age"),
        (["case", *BOY, "--hsct", "P5Y"], "later than the age now"),
        (["case", case, "--hsct", "P1Y"], "either a case file or --hsct"),
        (["rank", "--batch", case, "--out", str(tmp_path / "r.jsonl"), "--hsct", "P1Y"], "--hsct cannot be"),
    ):
        outcome = invoke(argv)
        check_invariant(outcome)
        assert outcome.code == 2 and expected in outcome.err, (argv, outcome.err)
    assert not list(tmp_path.iterdir())
