"""What one command writes, the next one reads with the same schema: real outputs fed into the next step.

case --json → case / rank / assess;  rank --json → classify --ranking;  assess → assessment.json → case,
and its phenopacket → case;  family file (YAML and PED) → family / classify --family / assess --family;
rank --batch results → rank --batch --compare.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest
from tests.fuzz.harness import check_invariant, invoke

from ipexpath.report import example_inputs

EXAMPLE = example_inputs()
CASE = str(EXAMPLE.case)
VCF = str(EXAMPLE.vcf)
FAMILY = str(EXAMPLE.family)


def run_json(argv: list[str]) -> Any:
    """`ipexpath argv… --json`, which must succeed; its parsed standard output."""
    outcome = invoke([*argv, "--json"])
    check_invariant(outcome, allow_error=False)
    return json.loads(outcome.out)


def _terms(case: dict[str, Any]) -> tuple[Any, ...]:
    """What a case says about the patient (not where it was read from)."""
    keys = ("sex", "age_days", "onset_days", "family_history", "covered", "observed", "excluded")
    return tuple(json.dumps(case[k], sort_keys=True) for k in keys)


@pytest.fixture(scope="module")
def case_export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`ipexpath case EXAMPLE --json`, saved as a file."""
    path = tmp_path_factory.mktemp("case") / "case.json"
    path.write_text(json.dumps(run_json(["case", CASE])), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def assessment(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder `ipexpath assess` wrote for the example family (case, VCF and family file)."""
    out = tmp_path_factory.mktemp("assess") / "out"
    run_json(["assess", CASE, "--vcf", VCF, "--family", FAMILY, "--out", str(out)])
    return out


def test_case_json_reads_back_as_the_same_case(case_export: Path) -> None:
    again = run_json(["case", str(case_export)])
    assert _terms(again) == _terms(json.loads(case_export.read_text()))
    assert again["id"] == "ipexpath-example-proband"


def test_a_transplant_survives_the_case_json_round_trip(tmp_path: Path) -> None:
    form = tmp_path / "boy.yaml"
    form.write_text("observed: [HP:0002024, HP:0100651]\nsex: male\nage: P1Y\nhsct: P8M\n", encoding="utf-8")
    exported = tmp_path / "boy.json"
    exported.write_text(json.dumps(run_json(["case", str(form)])), encoding="utf-8")
    again = run_json(["case", str(exported)])
    assert [round(t["age_days"]) for t in again["transplants"]] == [244]  # 8 months, kept: no new referral
    assert again["transplants"][0]["source"] == "case form"


def test_case_json_ranks_like_the_original(case_export: Path) -> None:
    original = run_json(["rank", CASE, "--top", "5"])
    from_export = run_json(["rank", str(case_export), "--top", "5"])
    top = [(r["disease_id"], round(r["posterior"], 9)) for r in original["results"]]
    assert [(r["disease_id"], round(r["posterior"], 9)) for r in from_export["results"]] == top
    assert top[0][0] == "OMIM:304790"  # IPEX first, as for the phenopacket


def test_rank_json_is_a_ranking_for_classify(tmp_path: Path) -> None:
    ranking = tmp_path / "rank.json"
    ranking.write_text(json.dumps(run_json(["rank", CASE, "--top", "20"])), encoding="utf-8")
    from_file = run_json(["classify", "--vcf", VCF, "--ranking", str(ranking)])
    from_case = run_json(["classify", "--vcf", VCF, "--case", CASE])
    assert from_file["differential"] and from_file["differential"][0]["disease_id"] == "OMIM:304790"
    assert [r["disease_id"] for r in from_file["differential"][:5]] == [
        r["disease_id"] for r in from_case["differential"][:5]
    ]
    assert from_file["variants"] == from_case["variants"]


def test_classify_output_file_equals_its_json(tmp_path: Path) -> None:
    out = tmp_path / "variants.json"
    printed = run_json(["classify", "--vcf", VCF, "--output", str(out)])
    assert json.loads(out.read_text(encoding="utf-8")) == printed


def test_assessment_json_and_its_phenopacket_read_back_as_the_case(assessment: Path, tmp_path: Path) -> None:
    written = json.loads((assessment / "assessment.json").read_text(encoding="utf-8"))
    original = run_json(["case", CASE])
    assert _terms(run_json(["case", str(assessment / "assessment.json")])) == _terms(original)
    packet = tmp_path / "phenopacket.json"
    packet.write_text(json.dumps(written["phenopacket"]), encoding="utf-8")
    assert _terms(run_json(["case", str(packet)])) == _terms(original)
    assert _terms(written["case"]) == _terms(original)


def test_assessment_json_can_be_assessed_again(assessment: Path, tmp_path: Path) -> None:
    first = json.loads((assessment / "assessment.json").read_text(encoding="utf-8"))
    again = run_json(["assess", str(assessment / "assessment.json"), "--out", str(tmp_path / "again")])
    assert (
        again["differential"]["results"][0]["disease_id"] == first["differential"]["results"][0]["disease_id"]
    )


@pytest.mark.parametrize("suffix", [".yaml", ".ped"])
def test_family_file_is_read_alike_by_family_classify_and_assess(
    tmp_path: Path, case_export: Path, suffix: str
) -> None:
    family = str(EXAMPLE.family.with_suffix(suffix))
    risks = run_json(["family", family])
    assert {"III-1", "II-2", "I-2"} <= {p["id"] for p in risks["individuals"]}
    classified = run_json(["classify", "--vcf", VCF, "--family", family])
    assert classified["sex"] == "male" and classified["variants"]
    case = CASE
    if suffix == ".ped":  # a PED file cannot flag the proband: the case takes the child's id instead
        data = json.loads(case_export.read_text(encoding="utf-8"))
        case = str(tmp_path / "III-1.json")
        Path(case).write_text(json.dumps({**data, "id": "III-1"}), encoding="utf-8")
    assessed = run_json(["assess", case, "--vcf", VCF, "--family", family, "--out", str(tmp_path / "out")])
    assert assessed["family"]["proband"] == "III-1"


def test_ped_without_the_case_id_says_how_to_name_the_proband(tmp_path: Path) -> None:
    family = str(EXAMPLE.family.with_suffix(".ped"))
    outcome = invoke(["assess", CASE, "--family", family, "--out", str(tmp_path / "out")])
    check_invariant(outcome)
    assert outcome.code == 2 and "a PED file cannot mark a proband" in outcome.err
    assert not (tmp_path / "out").exists()


def test_batch_results_compare_with_themselves(tmp_path: Path, store_path: Path) -> None:
    cases = tmp_path / "cases.jsonl"
    with gzip.open(store_path, "rt", encoding="utf-8") as handle:
        cases.write_text("".join(next(handle) for _ in range(2)), encoding="utf-8")
    first = tmp_path / "first.jsonl"
    summary = run_json(["rank", "--batch", str(cases), "--out", str(first), "--workers", "1", "--top", "3"])
    assert summary["ranked"] == 2 and summary["errors"] == 0
    second = tmp_path / "second.jsonl"
    argv = ["rank", "--batch", str(cases), "--out", str(second), "--workers", "1", "--top", "3"]
    compared = run_json([*argv, "--compare", str(first)])
    assert compared["changes"] == []
    rows = [json.loads(line) for line in second.read_text(encoding="utf-8").splitlines()]
    assert all(len(r["results"]) == 3 for r in rows)
