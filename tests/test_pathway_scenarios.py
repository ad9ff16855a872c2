"""Issue 10: the clinical situations where the steps must agree, each run through the real command line.

Every test builds its own inputs (a tiny annotated VCF, a family file) so that it does not depend on how the
bundled example's FOXP3 variant is classified (a VUS today; curated evidence may make it P/LP).
"""

from __future__ import annotations

import html
import itertools
import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest

from ipexpath.cli import main
from ipexpath.numbers import percent
from ipexpath.report import example_inputs

sys.path.insert(0, str(Path(__file__).parent / "confirm"))
from vcfmaker import Record, VcfSpec, foxp3_vep, vep

IPEX = "OMIM:304790"
CD25 = "OMIM:606367"  # IL2RA deficiency (IPEX-like)
TRIAD = "HP:0002028,HP:0100651,HP:0000964,HP:0003212"  # chronic diarrhoea, T1D, eczema, high IgE
EXAMPLE_FAMILY = example_inputs().family


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as info:
        main(argv)
    out, err = capsys.readouterr()
    return int(info.value.code or 0), out, err


def nonsense_vcf(path: Path, genotype: str) -> Path:
    """FOXP3 c.100C>T p.(Gln34Ter), absent from gnomAD: likely pathogenic by PVS1 + PM2_Supporting."""
    csq = foxp3_vep("c.100C>T", "p.Gln34Ter", "stop_gained", "A", exon="3/12", MAX_AF="")
    return VcfSpec([Record("X", 49260000, "G", "A", f"CSQ={csq}", [genotype])]).write(path)


def vus_vcf(path: Path) -> Path:
    """A FOXP3 missense outside the critical domains with no other evidence: uncertain significance."""
    csq = foxp3_vep("c.500A>G", "p.Asn167Ser", "missense_variant", "G", exon="5/12")
    return VcfSpec([Record("X", 49258000, "T", "C", f"CSQ={csq}", ["1"])]).write(path)


def no_panel_call_vcf(path: Path) -> Path:
    """A VCF whose only call is outside the panel genes."""
    return VcfSpec([Record("1", 1500000, "G", "A", ".", ["0/1"])], annotation_headers=()).write(path)


def assess(capsys: pytest.CaptureFixture[str], out: Path, *args: str) -> dict[str, Any]:
    code, stdout, err = run(["assess", *args, "--out", str(out), "--json"], capsys)
    assert code == 0, err
    data: dict[str, Any] = json.loads(stdout)
    return data


def row(data: dict[str, Any], disease: str, key: str = "differential") -> dict[str, Any]:
    diff = data[key]
    return next(r for r in (*diff["results"], *diff["ipex_and_ipex_like"]) if r["disease_id"] == disease)


def recommendation_ids(data: dict[str, Any]) -> set[str]:
    return {r["id"] for r in data["recommendations"]}


# ----------------------------------------------------------------------------------- 1. heterozygous girl
def test_heterozygous_girl_is_a_carrier_finding(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    vcf = nonsense_vcf(tmp_path / "girl.vcf", "0/1")
    data = assess(
        capsys, tmp_path / "o", "--hpo", TRIAD, "--sex", "female", "--age", "P6M", "--vcf", str(vcf)
    )
    status = data["status"]
    assert status["carrier_finding"] and status["level"] != "likely" and not status["refer_for_hsct"]
    assert "Carrier finding, does not explain the phenotype" in status["reason"]
    assert status["variant"]["classification"] == "Likely pathogenic"  # one class name everywhere
    assert "Likely pathogenic" in status["reason"] and "uncertain significance" not in status["reason"]
    before, after = row(data, IPEX, "differential_phenotype_only"), row(data, IPEX)
    assert after["posterior"] < before["posterior"]  # IPEX goes down
    ids = recommendation_ids(data)
    assert "workup.ipex_like" in ids and "referral.hsct" not in ids
    leaflet = (tmp_path / "o" / "leaflet.html").read_text(encoding="utf-8")
    assert not re.search(r"\bhis FOXP3", leaflet) and "one of her two copies" in leaflet
    assert "What treatment is there?" not in leaflet  # IPEX's transplant and prognosis are not hers


# ----------------------------------------------------------------------------------- 2. coverage
def test_uncovered_genes_are_not_tested(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    vcf = no_panel_call_vcf(tmp_path / "other.vcf")
    data = assess(capsys, tmp_path / "o", "--hpo", TRIAD, "--sex", "male", "--age", "P4M", "--vcf", str(vcf))
    assert data["genetics"]["test"]["coverage_known"] is False
    assert any("Coverage of the genetic test is unknown" in n for n in data["notes"])
    for disease in (IPEX, CD25):  # nothing was called, so nothing counts as tested: LR 1
        assert row(data, disease)["genotype_log10_lr"] == 0.0
        assert row(data, disease)["posterior"] == pytest.approx(
            row(data, disease, "differential_phenotype_only")["posterior"], rel=1e-3
        )


def test_covered_negative_gene_lowers_only_its_disease(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    vcf = no_panel_call_vcf(tmp_path / "other.vcf")
    base = ["--hpo", TRIAD, "--sex", "male", "--age", "P4M", "--vcf", str(vcf)]
    data = assess(capsys, tmp_path / "o", *base, "--covered", "FOXP3")
    test = data["genetics"]["test"]
    assert test["covered"] == ["FOXP3"] and "IL2RA" in data["genetics"]["not_tested"]
    ipex = row(data, IPEX)
    assert ipex["genotype_log10_lr"] == pytest.approx(-1.30103, abs=1e-4)  # log10(1 - 0.95)
    assert "test covered" in ipex["genotype_explanation"]
    assert (
        row(data, CD25)["genotype_log10_lr"] == 0.0
        and "not tested" in row(data, CD25)["genotype_explanation"]
    )
    # a boy whose FOXP3 was sequenced with nothing reportable is no longer "IPEX likely" on that picture
    before = assess(capsys, tmp_path / "o0", *base)
    assert before["status"]["level"] == "likely" and before["status"]["refer_to_specialist"]
    assert not before["status"]["refer_for_hsct"]  # likely is not confirmed: HSCT waits for the diagnosis
    assert data["status"]["level"] != "likely" and not data["status"]["refer_to_specialist"]


def test_covered_accepts_a_bed_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bed = tmp_path / "panel.bed"
    bed.write_text("chrX\t49250000\t49270000\tFOXP3\nchr10\t6010000\t6070000\tIL2RA\n", encoding="utf-8")
    vcf = no_panel_call_vcf(tmp_path / "other.vcf")
    code, out, err = run(["classify", "--vcf", str(vcf), "--covered", str(bed), "--json"], capsys)
    assert code == 0, err
    assert json.loads(out)["genetic_test"]["covered"] == ["FOXP3", "IL2RA"]


def test_covered_with_an_unknown_gene_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    vcf = no_panel_call_vcf(tmp_path / "other.vcf")
    code, _, err = run(["classify", "--vcf", str(vcf), "--covered", "FOXP3,NOTAGENE"], capsys)
    assert code == 2 and "NOTAGENE" in err and "Traceback" not in err


# ----------------------------------------------------------------------------------- 3. VUS in the family
def test_vus_is_never_counselled_as_the_familial_variant(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    vcf = vus_vcf(tmp_path / "vus.vcf")
    data = assess(
        capsys, tmp_path / "o", "--hpo", TRIAD, "--sex", "male", "--age", "P5M", "--vcf", str(vcf),
        "--family", str(EXAMPLE_FAMILY),
    )  # fmt: skip
    assert data["status"]["variant"]["classification"] == "Uncertain significance"
    family = data["family"]
    assert family["variant_status"] == "uncertain" and family["testing_plan"] == []
    assert "not calculated" in family["probability_label"]
    # no figures: the X-linked engine would read the affected uncle as carrying the VUS (>99.99%) and the
    # unaffected cousins as not — the co-segregation the plan below must first test
    assert all(p["p_variant"] is None for p in family["individuals"])
    assert "pregnancies" not in family["risks"] and "co-segregation" in family["risks"]["not_calculated"]
    plan = " ".join(family["classification_plan"])
    assert "II-3" in plan and "segregates" in plan  # the affected uncle's stored DNA
    assert "PS2" in plan and "II-2" in plan  # the parents, for de novo status
    ids = recommendation_ids(data)
    assert "family.vus_not_predictive" in ids and "family.cascade_testing_professional" not in ids
    leaflet = (tmp_path / "o" / "leaflet.html").read_text(encoding="utf-8")
    assert "almost certainly a carrier" not in leaflet and "almost certain" not in leaflet
    assert "has a baby boy" not in leaflet  # no pregnancy figures for a VUS
    assert not data["leaflet"]["relatives"]
    report = (tmp_path / "o" / "report.html").read_text(encoding="utf-8")
    assert 'id="risks-not-calculated"' in report and "&gt;99.99%" not in report.split("4. Family")[-1]


# ----------------------------------------------------------------------------------- 4. testing order
def test_plp_family_tests_adults_first_and_defers_girls(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    vcf = nonsense_vcf(tmp_path / "boy.vcf", "1")
    data = assess(
        capsys, tmp_path / "o", "--hpo", TRIAD, "--sex", "male", "--age", "P5M", "--vcf", str(vcf),
        "--family", str(EXAMPLE_FAMILY),
    )  # fmt: skip
    assert data["status"]["level"] == "confirmed" and data["status"]["refer_for_hsct"]
    family = data["family"]
    assert family["variant_status"] == "pathogenic"
    plan = family["testing_plan"]
    persons = {p["id"]: p for p in family["individuals"]}
    adults = [s for s in plan if not persons[s["id"]]["minor"]]
    assert plan and not persons[plan[0]["id"]]["minor"]  # an adult first
    assert all(not s["deferred"] for s in adults)
    girls = [s for s in plan if persons[s["id"]]["minor"] and persons[s["id"]]["sex"] == "female"]
    assert girls and all(s["deferred"] and "Botkin" in s["reason"] for s in girls)
    assert max(s["order"] for s in adults) < min(s["order"] for s in girls)
    assert all("information" in s["reason"] or s["deferred"] or s["order"] > 1 for s in plan)
    mothers = {q["mother"] for q in family["risks"]["pregnancies"]}
    assert not mothers & {pid for pid, p in persons.items() if p["minor"]}  # no figures for children
    ids = recommendation_ids(data)
    assert {"family.prenatal_pgt", "family.testing_children"} <= ids
    # an affected maternal uncle makes the mother an (almost) certain carrier: no de novo recurrence paragraph
    assert persons["II-2"]["p_variant"] >= 0.995 and "family.germline_mosaicism" not in ids


def test_mother_of_an_isolated_case_is_tested_first(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    family = tmp_path / "isolated.yaml"
    family.write_text(
        """family: ISO
individuals:
  - {id: F, sex: male, affected: unaffected, age: 35}
  - {id: M, sex: female, affected: unaffected, age: 33}
  - {id: GM, sex: female, affected: unaffected, age: 60}
  - {id: GF, sex: male, affected: unaffected, age: 62}
  - {id: AUNT, sex: female, father: GF, mother: GM, affected: unaffected, age: 30}
  - {id: M2, sex: female, father: GF, mother: GM, affected: unaffected, age: 33}
  - {id: P, sex: male, father: F, mother: M2, affected: affected, proband: true, test: found, age: 0.4}
  - {id: S, sex: female, father: F, mother: M2, affected: unaffected, age: 4}
""",
        encoding="utf-8",
    )
    code, out, err = run(["family", str(family), "--json"], capsys)
    assert code == 0, err
    plan = json.loads(out)["testing_plan"]
    assert plan[0]["id"] == "M2" and plan[0]["priority"] == "mother_of_isolated_case"
    assert "inherited or arose de novo" in plan[0]["reason"]
    assert plan[-1]["id"] == "S" and plan[-1]["deferred"]


# ----------------------------------------------------------------------------------- 5. de novo families
def test_de_novo_recurrence_includes_germline_mosaicism(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    family = tmp_path / "denovo.yaml"
    family.write_text(
        """family: DN
individuals:
  - {id: F, sex: male, affected: unaffected, age: 35}
  - {id: M, sex: female, affected: unaffected, age: 30, test: not-found}
  - {id: P, sex: male, father: F, mother: M, affected: affected, proband: true, test: found, age: 0.5}
""",
        encoding="utf-8",
    )
    code, out, err = run(["family", str(family), "--json"], capsys)
    assert code == 0, err
    data = json.loads(out)
    son = next(q for q in data["pregnancies"] if q["mother"] == "M")["p_affected_son"]
    # Rahbari et al. 2016: 1.3% of de novo mutations are shared by siblings (model_defaults.yaml)
    assert 0.01 < son < 0.02
    assert "Rahbari" in data["model"]["sources"]["germline_mosaicism_prior"]
    code, text, _ = run(["family", str(family)], capsys)
    assert "<0.0001%" not in text and "1.3%" in text


# ----------------------------------------------------------------------------------- 8. rank → classify seam
def test_rank_json_feeds_classify_ranking(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ex = example_inputs()
    code, out, err = run(["rank", str(ex.case), "--top", "0", "--json"], capsys)
    assert code == 0, err
    ranking = tmp_path / "rank.json"
    ranking.write_text(out, encoding="utf-8")  # the real output of `rank --json`
    code, out, err = run(["classify", "--vcf", str(ex.vcf), "--ranking", str(ranking), "--json"], capsys)
    assert code == 0, err
    data = json.loads(out)
    foxp3 = next(v for v in data["variants"] if v["gene"] == "FOXP3")
    pp4 = next(c for c in foxp3["criteria"] if c["code"] == "PP4")
    assert "not in the phenotype differential" not in pp4["evidence"]
    ipex = next(r for r in data["differential"] if r["disease_id"] == IPEX)
    assert ipex["previous_rank"] >= 1 and ipex["rank"] >= 1


def test_classify_refuses_a_ranking_that_is_not_rank_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"results": [{"disease_id": "OMIM:304790"}]}), encoding="utf-8")
    code, _, err = run(["classify", "--vcf", str(example_inputs().vcf), "--ranking", str(bad)], capsys)
    assert code == 2 and "rank" in err and "Traceback" not in err


# ----------------------------------------------------------------------------------- 9. one number formatter
@pytest.mark.parametrize(
    ("p", "text"),
    [
        (1.0, "100%"),
        (0.0, "0%"),
        (0.999999, ">99.99%"),
        (0.99996, ">99.99%"),
        (0.9995, "99.95%"),
        (0.985, "98.5%"),
        (0.5, "50%"),
        (0.013, "1.3%"),
        (0.0042, "0.42%"),
        (3e-7, "<0.01%"),
    ],
)
def test_one_probability_style(p: float, text: str) -> None:
    assert percent(p) == text


def test_no_output_says_100_percent_below_certainty(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ex = example_inputs()
    code, out, err = run(["demo", "--out", str(tmp_path / "d")], capsys)
    assert code == 0, err
    data = json.loads((tmp_path / "d" / "assessment.json").read_text(encoding="utf-8"))
    certain = any(r["posterior"] == 1.0 for r in data["differential"]["results"])
    for text in (out, (tmp_path / "d" / "report.html").read_text(encoding="utf-8")):
        if not certain:
            assert "100.00%" not in text and " 100% " not in text
    assert ex.case.is_file()


def test_case_form_states_coverage(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case = tmp_path / "case.yaml"
    case.write_text(
        f"id: form-case\nsex: male\nage: P4M\nobserved: [{TRIAD}]\ncovered: [FOXP3, IL2RA]\n",
        encoding="utf-8",
    )
    vcf = no_panel_call_vcf(tmp_path / "other.vcf")
    data = assess(capsys, tmp_path / "o", str(case), "--vcf", str(vcf))
    assert data["genetics"]["test"]["covered"] == ["FOXP3", "IL2RA"]
    assert row(data, CD25)["genotype_log10_lr"] < 0


# ------------------------------------------------------------------------- 10. clinical review (round 2)
def assess_with_text(
    capsys: pytest.CaptureFixture[str], out: Path, *args: str
) -> tuple[dict[str, Any], str, str]:
    """Run `assess` as a clinician would (terminal summary), and read the JSON and leaflet it wrote."""
    code, stdout, err = run(["assess", *args, "--out", str(out)], capsys)
    assert code == 0, err
    data: dict[str, Any] = json.loads((out / "assessment.json").read_text(encoding="utf-8"))
    leaflet = (out / "leaflet.html").read_text(encoding="utf-8")
    return data, stdout, leaflet


def ctla4_record(genotype: str = "0/1") -> Record:
    """CTLA4 c.151C>T p.(Arg51Ter), absent from gnomAD: PVS1 in a haploinsufficient gene."""
    csq = vep(
        Allele="T", Consequence="stop_gained", IMPACT="HIGH", SYMBOL="CTLA4", Gene="1493",
        Feature_type="Transcript", Feature="NM_005214.5", BIOTYPE="protein_coding", EXON="2/4",
        HGVSc="NM_005214.5:c.151C>T", HGVSp="NP_005205.2:p.Arg51Ter", MANE_SELECT="NM_005214.5", MAX_AF="",
    )  # fmt: skip
    return Record("2", 203870000, "C", "T", f"CSQ={csq}", [genotype])


def ctla4_vcf(path: Path) -> Path:
    """The CTLA4 nonsense variant alone, heterozygous."""
    return VcfSpec([ctla4_record()]).write(path)


def test_deceased_proband_gets_no_treatment_advice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    family = tmp_path / "dead.yaml"
    family.write_text(
        """family: DEAD
individuals:
  - {id: F, name: father, sex: male, affected: unaffected, age: 35}
  - {id: M, name: mother, sex: female, affected: unaffected, age: 30}
  - {id: P, sex: male, father: F, mother: M, affected: affected, proband: true, deceased: true, age: 0.7}
""",
        encoding="utf-8",
    )
    vcf = nonsense_vcf(tmp_path / "boy.vcf", "1")
    data, text, leaflet = assess_with_text(
        capsys, tmp_path / "o", "--hpo", TRIAD, "--sex", "male", "--age", "P8M", "--vcf", str(vcf),
        "--family", str(family),
    )  # fmt: skip
    status = data["status"]
    assert status["level"] == "confirmed" and status["deceased"] and not status["refer_for_hsct"]
    categories = {r["category"] for r in data["recommendations"]}
    assert "referral" not in categories and "treatment" not in categories
    assert "family" in categories  # the family is still counselled: mother first
    assert data["family"]["testing_plan"][0]["id"] == "M"
    assert "Refer early" not in text and "deceased" in text
    assert "your son had IPEX" in leaflet
    assert "We are very sorry that your son has died." in leaflet  # round 5: the family is bereaved
    for gone in ("What treatment is there?", "emergency help", "Day-to-day care"):
        assert gone not in leaflet


def test_ipex_like_molecular_finding_is_named_everywhere(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    vcf = ctla4_vcf(tmp_path / "ctla4.vcf")
    data, text, leaflet = assess_with_text(
        capsys, tmp_path / "o", "--hpo", TRIAD, "--sex", "male", "--age", "P6M", "--vcf", str(vcf)
    )
    status = data["status"]
    assert status["ipex_like_finding"]["gene"] == "CTLA4"
    assert status["level"] in ("possible", "not supported") and not status["refer_for_hsct"]
    assert "CTLA4 c.151C>T" in status["reason"] and "CTLA-4" in status["reason"]
    assert "workup.ipex_like_finding" in recommendation_ids(data)
    assert "CTLA4 c.151C>T" in text  # the terminal summary no longer says only "no FOXP3 variant"
    assert "CTLA4 gene" in leaflet and "did not find a harmful change" not in leaflet
    assert "What treatment is there?" not in leaflet


def test_first_row_of_a_flat_differential_is_not_likely(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # diarrhoea, eczema and diabetes without their IPEX-typical qualifiers: IPEX first, but a few percent
    data = assess(
        capsys, tmp_path / "o", "--hpo", "HP:0002014,HP:0000964,HP:0000819", "--excluded", "HP:0002240",
        "--sex", "male", "--age", "P6M",
    )  # fmt: skip
    status = data["status"]
    assert status["ipex_rank"] == 1 and status["ipex_posterior"] < 0.25
    assert status["level"] == "possible" and not status["refer_for_hsct"]
    assert "referral.hsct" not in recommendation_ids(data)


@pytest.mark.parametrize(
    ("sex", "genotype", "carrier"),
    [("female", "1/1", False), ("male", "0/1", False), ("unknown", "0/1", True)],
)
def test_foxp3_call_that_does_not_fit_the_sex_is_a_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], sex: str, genotype: str, carrier: bool
) -> None:
    vcf = nonsense_vcf(tmp_path / "x.vcf", genotype)
    data, text, leaflet = assess_with_text(
        capsys, tmp_path / "o", "--hpo", TRIAD, "--sex", sex, "--age", "P6M", "--vcf", str(vcf)
    )
    status = data["status"]
    assert status["level"] != "confirmed" and status["checks"]
    assert status["checks"][0].startswith("Check:") and status["checks"][0] in text
    assert status["carrier_finding"] is carrier
    if sex != "male":  # the male's referral rests on his phenotype alone (IPEX likely), as without a VCF
        assert not status["refer_for_hsct"]
    assert "very likely causes IPEX" not in leaflet and "need to check this result" in leaflet


def test_no_targeted_testing_before_a_familial_variant_is_known(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    family = tmp_path / "untested.yaml"
    family.write_text(
        """family: NT
individuals:
  - {id: F, name: father, sex: male, affected: unaffected, age: 35}
  - {id: M, name: mother, sex: female, affected: unaffected, age: 30}
  - {id: P, sex: male, father: F, mother: M, affected: affected, proband: true, age: 0.5}
  - {id: S, name: sister, sex: female, father: F, mother: M, affected: unaffected, age: 4}
""",
        encoding="utf-8",
    )
    code, out, err = run(["family", str(family), "--json"], capsys)
    assert code == 0, err
    counsel = json.loads(out)
    assert counsel["testing_plan"] == [] and "test an affected family member first" in (
        counsel["testing_plan_note"].lower()
    )
    mother = next(r for r in counsel["individuals"] if r["id"] == "M")["p_variant"]
    assert 0.05 < mother < 0.95  # the family-history chance is still given
    # the same family through assess, with no VCF: no targeted tests, and the leaflet does not offer one
    data, text, leaflet = assess_with_text(
        capsys, tmp_path / "o", "--hpo", TRIAD, "--sex", "male", "--age", "P6M", "--family", str(family)
    )
    fam = data["family"]
    assert fam["testing_plan"] == [] and fam["targeted_testing"] is False
    assert "none is known in the family yet" in fam["probability_label"]
    ids = recommendation_ids(data)
    assert "family.prenatal_pgt" in ids and "family.cascade_testing_professional" not in ids
    assert "the family's FOXP3 variant" not in text
    assert "No change has been found in the family yet" in leaflet and "A blood test can tell" not in leaflet


# ------------------------------------------------------------------------- 11. clinical review (round 3)
def test_true_ranks_after_genotype_follow_the_shown_posteriors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # adult-onset, milder picture (enteropathy, hypothyroidism, nephrotic syndrome; Rubio-Cabezas 2009 V408M
    # family) with a hemizygous LP FOXP3 variant: IPEX was shown "ranked 3" at 23% below a 6% row ranked 2,
    # and no row was ranked 1 (the true ranks used the uncalibrated posterior of every disease)
    vcf = nonsense_vcf(tmp_path / "man.vcf", "1")
    data, text, leaflet = assess_with_text(
        capsys, tmp_path / "o", "--hpo", "HP:0002028,HP:0000821,HP:0000100", "--sex", "male",
        "--age", "P25Y", "--onset", "P18Y", "--vcf", str(vcf),
    )  # fmt: skip
    rows = data["differential"]["results"]
    assert [r["rank"] for r in rows] == list(range(1, len(rows) + 1))
    assert all(a["posterior"] >= b["posterior"] for a, b in itertools.pairwise(rows))
    assert rows[0]["disease_id"] == IPEX and data["status"]["ipex_rank"] == 1
    assert re.search(r"^\s+1\. .*OMIM:304790", text, flags=re.M)
    # an adult reads about himself: no infant care, no "fatal in the first year", later-onset treatment text
    assert "the patient has IPEX" in leaflet and "your son" not in leaflet
    assert "wet nappies" not in leaflet and "fatal in the first year" not in leaflet
    assert "starts later in life or is milder" in leaflet


def test_unknown_sex_is_stated_before_a_referral(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data, text, leaflet = assess_with_text(
        capsys, tmp_path / "o", "--hpo", TRIAD, "--sex", "unknown", "--age", "P4M"
    )
    status = data["status"]
    assert status["level"] == "likely" and not status["refer_for_hsct"]
    assert status["checks"] and "sex is not stated" in status["checks"][0] and status["checks"][0] in text
    assert "referral.hsct" not in recommendation_ids(data) and "Refer early" not in text
    assert "your child has a change" in leaflet and "your child have" not in leaflet


def test_girl_with_a_foxp3_vus_is_not_called_a_carrier(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    vcf = VcfSpec(
        [Record("X", 49258000, "T", "C", "CSQ=" + foxp3_vep("c.500T>C", "p.Asn167Ser", allele="C"), ["0/1"])]
    ).write(tmp_path / "vus.vcf")
    data, _, leaflet = assess_with_text(
        capsys, tmp_path / "o", "--hpo", TRIAD, "--sex", "female", "--age", "P8M", "--vcf", str(vcf)
    )
    assert data["status"]["variant"]["classification"] == "Uncertain significance"
    assert not data["status"]["carrier_finding"]
    assert "workup.ipex_like" in recommendation_ids(data)  # IPEX-like disorders affect both sexes
    assert "Girls with one changed copy are carriers" not in leaflet
    assert "Doctors do not yet know if this change causes illness" in leaflet
    # one source of the wording: every paragraph of the JSON leaflet is what the family reads
    shown = html.unescape(re.sub(r"\s+", " ", leaflet))
    for section in data["leaflet"]["sections"]:
        for paragraph in section["paragraphs"]:
            assert paragraph in shown, paragraph


def test_second_finding_in_an_ipex_like_gene_reaches_the_family(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csq = foxp3_vep("c.100C>T", "p.Gln34Ter", "stop_gained", "A", exon="3/12", MAX_AF="")
    foxp3 = Record("X", 49260000, "G", "A", f"CSQ={csq}", ["1"])
    vcf = VcfSpec([ctla4_record(), foxp3]).write(tmp_path / "two.vcf")
    data, text, leaflet = assess_with_text(
        capsys, tmp_path / "o", "--hpo", TRIAD, "--sex", "male", "--age", "P6M", "--vcf", str(vcf)
    )
    status = data["status"]
    assert status["level"] == "confirmed" and status["ipex_like_finding"]["gene"] == "CTLA4"
    assert "also: CTLA4 c.151C>T" in text
    assert "also found a harmful change in his CTLA4 gene" in leaflet
    assert "What treatment is there?" in leaflet  # IPEX is confirmed: its treatment stays
    finding = next(r for r in data["recommendations"] if r["id"] == "workup.ipex_like_finding")
    assert "rather than for IPEX" not in finding["text"] and "as well as for IPEX" in finding["text"]


def test_de_novo_variant_keeps_germline_mosaicism_for_the_family(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    family = tmp_path / "denovo.yaml"
    family.write_text(
        """family: DN
individuals:
  - {id: GF, name: maternal grandfather, sex: male, affected: unaffected, age: 60}
  - {id: GM, name: maternal grandmother, sex: female, affected: unaffected, age: 58}
  - {id: F, name: father, sex: male, affected: unaffected, age: 35}
  - {id: M, name: mother, sex: female, father: GF, mother: GM, affected: unaffected, age: 30, test: not-found}
  - {id: A, name: maternal aunt, sex: female, father: GF, mother: GM, affected: unaffected, age: 28}
  - {id: P, sex: male, father: F, mother: M, affected: affected, proband: true, age: 0.5}
""",
        encoding="utf-8",
    )
    vcf = nonsense_vcf(tmp_path / "boy.vcf", "1")
    data, _, leaflet = assess_with_text(
        capsys, tmp_path / "o", "--hpo", TRIAD, "--sex", "male", "--age", "P6M", "--vcf", str(vcf),
        "--family", str(family),
    )  # fmt: skip
    fam = data["family"]
    persons = {p["id"]: p for p in fam["individuals"]}
    # mother negative in blood: P(germline mosaic) = 3.8% and ≈1.3% for her next son (Rahbari et al. 2016)
    assert persons["M"]["p_germline_mosaic"] == pytest.approx(0.038, abs=0.002)
    son = next(q for q in fam["risks"]["pregnancies"] if q["mother"] == "M")["p_affected_son"]
    assert 0.01 < son < 0.02
    assert persons["A"]["p_variant"] < 1e-4  # the maternal line is cleared with the mother's negative test
    assert "family.germline_mosaicism" in recommendation_ids(data)
    assert "Her blood test did not find the change. It may still be in some of her egg cells." in leaflet
    assert "about 1 in 77" in leaflet  # her next son: 1.3%


def test_obligate_carrier_family_gets_no_de_novo_paragraph(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    family = tmp_path / "obligate.yaml"
    family.write_text(
        """family: OB
individuals:
  - {id: GF, name: maternal grandfather, sex: male, affected: unaffected, age: 60}
  - {id: GM, name: maternal grandmother, sex: female, affected: unaffected, age: 58}
  - {id: U, name: uncle, sex: male, father: GF, mother: GM, affected: affected, deceased: true, age: 1}
  - {id: F, name: father, sex: male, affected: unaffected, age: 35}
  - {id: M, name: mother, sex: female, father: GF, mother: GM, affected: unaffected, age: 30}
  - {id: P, sex: male, father: F, mother: M, affected: affected, proband: true, age: 0.5}
  - {id: D, name: sister, sex: female, father: F, mother: M, affected: unaffected, age: 19}
""",
        encoding="utf-8",
    )
    vcf = nonsense_vcf(tmp_path / "boy.vcf", "1")
    data, _, leaflet = assess_with_text(
        capsys, tmp_path / "o", "--hpo", TRIAD, "--sex", "male", "--age", "P6M", "--vcf", str(vcf),
        "--family", str(family),
    )  # fmt: skip
    persons = {p["id"]: p for p in data["family"]["individuals"]}
    assert persons["M"]["p_variant"] > 0.9999  # an affected brother and an affected son: obligate carrier
    assert persons["D"]["p_variant"] == pytest.approx(0.5, abs=1e-3)  # her daughter: 1 in 2
    preg = {q["mother"]: q["p_affected_son"] for q in data["family"]["risks"]["pregnancies"]}
    assert preg["M"] == pytest.approx(0.5, abs=1e-3) and preg["D"] == pytest.approx(0.25, abs=1e-3)
    assert "family.germline_mosaicism" not in recommendation_ids(data)  # not a de novo family
    assert "egg cells" not in leaflet
    assert "She almost surely carries the change." in leaflet
    assert "If the sister has a baby boy, his chance of having IPEX is about 1 in 4." in leaflet


def test_prenatal_case_speaks_of_the_baby(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fetus = tmp_path / "fetus.json"
    fetus.write_text(
        json.dumps(
            {
                "id": "fetus-1",
                "subject": {
                    "id": "fetus-1",
                    "sex": "MALE",
                    "timeAtLastEncounter": {"gestationalAge": {"weeks": 24}},
                },
                "phenotypicFeatures": [
                    {"type": {"id": "HP:0001789", "label": "Hydrops fetalis"}},
                    {"type": {"id": "HP:0010952", "label": "Fetal echogenic bowel"}},
                ],
                "metaData": {
                    "created": "2024-01-01T00:00:00Z",
                    "createdBy": "test",
                    "phenopacketSchemaVersion": "2.0",
                },
            }
        ),
        encoding="utf-8",
    )
    vcf = nonsense_vcf(tmp_path / "fetus.vcf", "1")
    data, _, leaflet = assess_with_text(capsys, tmp_path / "o", str(fetus), "--vcf", str(vcf))
    assert data["status"]["level"] == "confirmed"
    assert "your baby has IPEX" in leaflet and "your son" not in leaflet
    assert "wet nappies" not in leaflet and "Day-to-day care" not in leaflet
    report = (tmp_path / "o" / "report.html").read_text(encoding="utf-8")
    assert "24 weeks of gestation" in report
    assert "family.at_risk_males" in recommendation_ids(data)  # care planned from birth (GeneReviews)


def test_transplanted_boy_is_not_referred_again(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    packet = tmp_path / "transplanted.json"
    packet.write_text(
        json.dumps(
            {
                "id": "tx-1",
                "subject": {
                    "id": "tx-1",
                    "sex": "MALE",
                    "timeAtLastEncounter": {"age": {"iso8601duration": "P3Y"}},
                },
                "phenotypicFeatures": [{"type": {"id": t}} for t in TRIAD.split(",")],
                "medicalActions": [
                    {
                        "procedure": {
                            "code": {
                                "id": "NCIT:C46089",
                                "label": "Allogeneic Hematopoietic Stem Cell Transplantation",
                            },
                            "performed": {"age": {"iso8601duration": "P1Y2M"}},
                        }
                    }
                ],
                "metaData": {
                    "created": "2024-01-01T00:00:00Z",
                    "createdBy": "test",
                    "phenopacketSchemaVersion": "2.0",
                },
            }
        ),
        encoding="utf-8",
    )
    vcf = nonsense_vcf(tmp_path / "boy.vcf", "1")
    data, text, leaflet = assess_with_text(capsys, tmp_path / "o", str(packet), "--vcf", str(vcf))
    status = data["status"]
    assert status["level"] == "confirmed" and status["transplanted"] and not status["refer_for_hsct"]
    assert data["case"]["transplants"][0]["age_days"] == pytest.approx(426.1, abs=1)  # 1 year 2 months
    ids = recommendation_ids(data)
    assert "referral.hsct" not in ids and "referral.after_hsct" in ids
    assert "Refer early" not in text and "HSCT is recorded in the treatment history" in text
    assert "Your son has had a stem cell transplant." in leaflet
    report = (tmp_path / "o" / "report.html").read_text(encoding="utf-8")
    assert "4. After HSCT: follow-up" in report and "Refer early for evaluation" not in report
    # the YAML form says the same with `hsct:`
    form = tmp_path / "form.yaml"
    form.write_text(f"id: tx-2\nsex: male\nage: P3Y\nobserved: [{TRIAD}]\nhsct: P1Y2M\n", encoding="utf-8")
    again = assess(capsys, tmp_path / "o2", str(form), "--vcf", str(vcf))
    assert again["status"]["transplanted"] and "referral.hsct" not in recommendation_ids(again)
    bad = tmp_path / "bad.yaml"
    bad.write_text(f"id: tx-3\nsex: male\nobserved: [{TRIAD}]\nhsct: soon\n", encoding="utf-8")
    code, _, err = run(["assess", str(bad), "--out", str(tmp_path / "o3")], capsys)
    assert code == 2 and "hsct" in err and "Traceback" not in err


def test_ipex_like_first_without_a_test_asks_for_a_panel(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # splenomegaly and lymphopenia besides the triad: CD25 deficiency ranks first, no genetic test yet
    data = assess(
        capsys, tmp_path / "o", "--hpo", f"{TRIAD},HP:0001744,HP:0001888", "--sex", "male", "--age", "P8M"
    )
    assert data["differential"]["results"][0]["disease_id"] == CD25
    first = next(r for r in data["recommendations"] if r["id"] == "workup.foxp3_sequencing")
    assert first["title"] == "Gene panel or exome covering FOXP3 and the IPEX-like genes"
    assert (
        "IL2RA" in first["text"]
        and "CTLA4" in first["text"]
        and "barzaghi_passerini_2021" in first["sources"]
    )
    # IPEX first in a boy: FOXP3 sequencing stays the first test (the panel is in its limitations)
    boy = assess(capsys, tmp_path / "o2", "--hpo", TRIAD, "--sex", "male", "--age", "P4M")
    first = next(r for r in boy["recommendations"] if r["id"] == "workup.foxp3_sequencing")
    assert first["title"] == "FOXP3 gene sequencing" and "panel" in first["detail"]


def test_family_history_from_free_text_reaches_the_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (
        "4 month old boy with watery diarrhoea since 3 weeks of age, neonatal diabetes and eczema. "
        "No hepatomegaly. His maternal uncle died in infancy of intractable diarrhoea."
    )
    data = assess(capsys, tmp_path / "o", "--text", text)
    assert "maternal uncle" in (data["case"]["family_history"] or "")
    assert "HP:0002240" in {t["id"] for t in data["case"]["excluded"]}  # the negation
    report = (tmp_path / "o" / "report.html").read_text(encoding="utf-8")
    page_one = report.split('id="answer-family"', 1)[1].split("</div>", 1)[0]
    assert "maternal uncle" in page_one and "Draw the pedigree" in page_one


def test_phenopacket_keeps_every_finding_and_the_transplant(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csq = foxp3_vep("c.100C>T", "p.Gln34Ter", "stop_gained", "A", exon="3/12", MAX_AF="")
    vcf = VcfSpec([ctla4_record(), Record("X", 49260000, "G", "A", f"CSQ={csq}", ["1"])]).write(
        tmp_path / "2.vcf"
    )
    form = tmp_path / "case.yaml"
    form.write_text(f"id: both\nsex: male\nage: P3Y\nobserved: [{TRIAD}]\nhsct: P1Y\n", encoding="utf-8")
    data = assess(capsys, tmp_path / "o", str(form), "--vcf", str(vcf))
    packet = data["phenopacket"]
    genes = {
        g["variantInterpretation"]["variationDescriptor"]["geneContext"]["symbol"]
        for i in packet["interpretations"]
        for g in i["diagnosis"].get("genomicInterpretations", [])
    }
    assert genes == {"FOXP3", "CTLA4"}  # the CTLA4 finding beside confirmed IPEX is not dropped
    ctla4 = next(i for i in packet["interpretations"] if i["id"].endswith("ctla4"))
    assert ctla4["diagnosis"]["disease"]["id"] == "OMIM:616100"
    assert packet["medicalActions"][0]["procedure"]["code"]["id"] == "NCIT:C46089"
    assert packet["medicalActions"][0]["procedure"]["performed"]["age"]["iso8601duration"] == "P1Y"


# ------------------------------------------------------------------------- 12. clinical review (round 4)
def test_foxp3_vus_boy_is_referred_to_a_specialist_not_for_hsct(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A hemizygous VUS with IPEX likely: early specialist referral, HSCT only once the VUS is resolved."""
    vcf = vus_vcf(tmp_path / "vus.vcf")
    data, text, leaflet = assess_with_text(
        capsys, tmp_path / "o", "--hpo", TRIAD, "--sex", "male", "--age", "P4M", "--vcf", str(vcf)
    )
    status = data["status"]
    assert status["level"] == "likely" and status["variant"]["classification"] == "Uncertain significance"
    assert status["refer_to_specialist"] and not status["refer_for_hsct"]
    ids = recommendation_ids(data)
    assert "referral.specialist_referral" in ids and "referral.hsct" not in ids
    referral = next(r for r in data["recommendations"] if r["id"] == "referral.specialist_referral")
    assert "not yet established" in referral["text"]
    assert "uncertain significance" in referral["detail"] and "TSDR" in referral["detail"]
    assert {"genereviews", "richards_2015", "tsdr_2023"} <= set(referral["sources"])
    report = (tmp_path / "o" / "report.html").read_text(encoding="utf-8")
    assert "Refer early for evaluation for" not in report and "Refer early for evaluation for" not in text
    assert "HSCT once IPEX is confirmed" in report and "HSCT once IPEX is confirmed" in text
    assert "IPEX is likely. More tests are needed" in leaflet and "found the cause" not in leaflet


def test_ipex_like_ranked_above_ipex_is_named_in_the_referral(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """IPEX likely (≥ 25%) but CD25 deficiency ranked first: the referral says the gene test decides."""
    data = assess(
        capsys, tmp_path / "o", "--hpo", f"{TRIAD},HP:0002716", "--sex", "male", "--age", "P6M"
    )  # + lymphadenopathy
    status = data["status"]
    assert status["level"] == "likely" and status["ipex_rank"] == 2
    assert row(data, CD25)["rank"] == 1
    assert status["refer_to_specialist"] and not status["refer_for_hsct"]
    pending = " ".join(status["pending"])
    assert CD25 in pending and "ranks above IPEX" in pending and "No genetic result yet" in pending
    referral = next(r for r in data["recommendations"] if r["id"] == "referral.specialist_referral")
    assert "gambineri_2018" in referral["sources"] and CD25 in referral["detail"]


def test_shares_after_a_genotype_add_up_everywhere(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """After a P/LP result the 'not explained' share is renormalised with the diseases (it had stayed at its
    phenotype value, so the terminal showed 99.26% + 2.6% + …); terminal, report and JSON show one figure."""
    vcf = nonsense_vcf(tmp_path / "boy.vcf", "1")
    data, text, _ = assess_with_text(
        capsys, tmp_path / "o", "--hpo", TRIAD, "--sex", "male", "--age", "P4M", "--vcf", str(vcf)
    )
    after = data["differential"]["posterior_calibration"]
    before = data["differential_phenotype_only"]["posterior_calibration"]
    assert after["unexplained_posterior_phenotype_only"] == before["unexplained_posterior"]
    assert after["unexplained_posterior"] < before["unexplained_posterior"] / 10  # IPEX took the mass
    for diff in (data["differential"], data["differential_phenotype_only"]):
        shown = sum(r["posterior"] for r in diff["results"])
        assert shown + diff["posterior_calibration"]["unexplained_posterior"] <= 1.0 + 1e-9
    # z = 1 + Σ p (LR − 1): the rows with genotype LR 1 are divided by the same z as the unexplained row
    plain = next(r for r in data["differential"]["results"] if r["genotype_log10_lr"] == 0.0)
    z = plain["posterior_before_genotype"] / plain["posterior"]
    assert after["unexplained_posterior"] == pytest.approx(before["unexplained_posterior"] / z, rel=1e-6)
    share, pheno = percent(after["unexplained_posterior"]), percent(before["unexplained_posterior"])
    report = html.unescape((tmp_path / "o" / "report.html").read_text(encoding="utf-8"))
    assert f"{share} not explained by a known disease ({pheno} on the phenotype alone)" in text
    assert f"{share} of the probability after the genotype ({pheno} of the phenotype probability)" in report


def test_family_json_is_read_back_with_the_same_schema(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`family --json`, assessment.json's family and the family file share one schema (`individuals`, each
    row a family-file entry plus its risk); each is read back by `family` and `assess --family` unchanged."""
    code, out, err = run(["family", str(EXAMPLE_FAMILY), "--json"], capsys)
    assert code == 0, err
    first = json.loads(out)
    proband = next(r for r in first["individuals"] if r["id"] == "III-1")
    assert proband["proband"] and proband["test"] == "found" and proband["mother"] == "II-2"
    written = tmp_path / "family_out.json"
    written.write_text(out, encoding="utf-8")
    code, out2, err = run(["family", str(written), "--json"], capsys)
    assert code == 0, err
    again = json.loads(out2)
    assert again["individuals"] == first["individuals"] and again["family"] == first["family"]
    # assessment.json: its family reads back as the same family with the same risks
    data = assess(
        capsys, tmp_path / "o", "--hpo", TRIAD, "--sex", "male", "--age", "P5M", "--family", str(written)
    )
    fam = data["family"]
    assert "persons" not in fam and {r["id"] for r in fam["individuals"]} == {
        r["id"] for r in first["individuals"]
    }
    assert "individuals" not in fam["risks"]  # one list of people, not two
    p_first = {r["id"]: r["p_variant"] for r in first["individuals"]}
    assert {r["id"]: r["p_variant"] for r in fam["individuals"]} == pytest.approx(p_first)
    code, out3, err = run(["family", str(tmp_path / "o" / "assessment.json"), "--json"], capsys)
    assert code == 0, err
    assert {r["id"]: r["p_variant"] for r in json.loads(out3)["individuals"]} == pytest.approx(p_first)
    # an assessment.json written before the schema was unified ('persons') is still read
    old = tmp_path / "old_assessment.json"
    old_family = {**{k: v for k, v in fam.items() if k != "individuals"}, "persons": fam["individuals"]}
    old.write_text(json.dumps({"kind": "ipexpath assessment", "family": old_family}), encoding="utf-8")
    code, out4, err = run(["family", str(old), "--json"], capsys)
    assert code == 0, err
    assert {r["id"]: r["p_variant"] for r in json.loads(out4)["individuals"]} == pytest.approx(p_first)


@pytest.mark.parametrize(
    ("form", "where"),
    [
        ("age: 5\n", "age"),
        ("age: '5'\n", "age"),
        ("age: 5 months\nonset: 2\n", "onset"),
        ("age: P5M\nhsct: 1\n", "hsct"),
    ],
)
def test_bare_number_age_in_a_form_asks_for_a_unit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], form: str, where: str
) -> None:
    """'age: 5' was read as 5 years: for an infant it is as likely months. Exit 2, nothing written."""
    case = tmp_path / "infant.yaml"
    case.write_text(f"id: infant\nsex: male\n{form}observed:\n  - HP:0002028\n", encoding="utf-8")
    out = tmp_path / "o"
    code, _, err = run(["assess", str(case), "--out", str(out)], capsys)
    assert code == 2 and where in err and "Traceback" not in err
    assert "no unit" in err and "P" in err and "months" in err and "years" in err
    assert not out.exists()
    code, _, err = run(["rank", "--hpo", "HP:0002028", "--age", "5"], capsys)
    assert code == 2 and "--age" in err and "no unit" in err


def test_age_with_a_unit_is_read_as_written(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for text, days in (("P5M", 152.2), ("5 months", 152.2), ("P5Y", 1826.2), ("5 years", 1826.2)):
        case = tmp_path / "c.yaml"
        case.write_text(f"id: c\nsex: male\nage: {text}\nobserved:\n  - HP:0002028\n", encoding="utf-8")
        code, out, err = run(["case", str(case), "--json"], capsys)
        assert code == 0, err
        assert json.loads(out)["age_days"] == pytest.approx(days, abs=0.2)


CONSANGUINEOUS_FAMILY = """family: CONS-1
individuals:
  - {id: A, sex: male, affected: unaffected, age: 80}
  - {id: B, sex: female, affected: unaffected, age: 78}
  - {id: C, sex: male, father: A, mother: B, affected: unaffected, age: 58}
  - {id: X, sex: female, affected: unaffected, age: 56}
  - {id: D, sex: female, father: A, mother: B, affected: unaffected, age: 55}
  - {id: Y, sex: male, affected: unaffected, age: 57}
  - {id: F, sex: male, father: C, mother: X, affected: unaffected, age: 32}
  - {id: M, sex: female, father: Y, mother: D, affected: unaffected, age: 30}
  - {id: U, sex: male, father: Y, mother: D, affected: unknown, age: 28}
  - {id: Z, sex: female, affected: unaffected, age: 33}
  - {id: H, sex: male, father: F, mother: Z, affected: unaffected, age: 6}
  - {id: HS, sex: female, father: F, mother: Z, affected: unaffected, age: 25}
  - {id: P, sex: male, father: F, mother: M, affected: affected, proband: true, age: 5 mo}
  - {id: S, sex: female, father: F, mother: M, affected: unaffected, age: 19}
"""


def test_consanguinity_half_siblings_and_an_uncle_of_unknown_status(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """First-cousin parents (common grandparents A and B), half-siblings via the father, a maternal uncle
    whose status is unknown. X-linked answers a reader can check by hand: the father passes no X to his sons
    and his X is not the affected boy's, so he and his other children are not at risk; the uncle (status
    unknown, so not conditioned) has half his mother's chance, the full sister half her mother's."""
    family = tmp_path / "cons.yaml"
    family.write_text(CONSANGUINEOUS_FAMILY, encoding="utf-8")
    vcf = nonsense_vcf(tmp_path / "boy.vcf", "1")
    data, text, leaflet = assess_with_text(
        capsys, tmp_path / "o", "--hpo", TRIAD, "--sex", "male", "--age", "P5M", "--vcf", str(vcf),
        "--family", str(family),
    )  # fmt: skip
    p = {r["id"]: r["p_variant"] for r in data["family"]["individuals"]}
    assert p["F"] < 1e-6 and p["H"] < 1e-6 and p["HS"] < 1e-4  # the father's line carries no risk
    assert p["U"] == pytest.approx(p["D"] / 2, abs=0.005) and p["S"] == pytest.approx(p["M"] / 2, abs=0.005)
    assert 0.05 < p["D"] < p["M"] < 1.0
    svg = data["family"]["pedigree_svg"]
    assert svg.count("<line") > 0 and "U" in svg
    # the terminal names relatives by their relationship, never an id twice ('D D 27%')
    assert f"grandmother (mother's side) D {percent(p['D'])}" in text and " D D " not in text
    assert "Half-brother" in html.unescape(leaflet) and "He very likely does not have the change." in leaflet


def test_adult_woman_with_a_foxp3_pathogenic_variant_is_counselled_as_a_carrier(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A 30-year-old woman: 'in a female', 'Women with one changed copy', and her own carrier counselling
    (each son 1 in 2, prenatal options) although no family file was given; never an IPEX referral."""
    vcf = nonsense_vcf(tmp_path / "woman.vcf", "0/1")
    data, _, leaflet = assess_with_text(
        capsys, tmp_path / "o", "--hpo", "HP:0002028,HP:0100651,HP:0000964", "--sex", "female",
        "--age", "P30Y", "--vcf", str(vcf),
    )  # fmt: skip
    status = data["status"]
    assert (
        status["carrier_finding"] and "in a female" in status["reason"] and "a girl" not in status["reason"]
    )
    assert not status["refer_for_hsct"] and not status["refer_to_specialist"]
    counselling = next(r for r in data["recommendations"] if r["id"] == "family.carrier_counselling")
    assert "each son has a 50% chance" in counselling["text"] and "prenatal" in counselling["text"]
    assert {"genereviews", "msd_consumer_xlinked"} <= set(counselling["sources"])
    assert "Women with one changed copy are carriers" in leaflet and "Girls with one" not in leaflet
    # a girl of 6 gets her own health statement, reproductive counselling later (Botkin et al. 2015)
    girl = assess(
        capsys, tmp_path / "g", "--hpo", TRIAD, "--sex", "female", "--age", "P6Y", "--vcf", str(vcf)
    )
    girl_counselling = next(r for r in girl["recommendations"] if r["id"] == "family.carrier_counselling")
    assert (
        "carrier_female_health" in girl_counselling["detail"]
        and "testing_children" in girl_counselling["detail"]
    )
    assert "each son" not in girl_counselling["text"] and "prenatal" not in girl_counselling["text"]


def test_sex_taken_from_the_vcf_is_shown_as_such(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """No sex stated, a haploid chrX call: the report's header said 'unknown sex' beside 'confirmed … in a
    male'. Now the header and a check line say the sex was taken from the VCF; the leaflet does not say
    'found the cause' before the doctors have checked."""
    vcf = nonsense_vcf(tmp_path / "boy.vcf", "1")
    data, text, leaflet = assess_with_text(
        capsys, tmp_path / "o", "--hpo", TRIAD, "--age", "P4M", "--vcf", str(vcf)
    )
    assert data["status"]["level"] == "confirmed"
    assert any("taken as male from haploid chrX calls" in c for c in data["status"]["checks"])
    assert "taken as male from haploid chrX calls" in text
    report = html.unescape((tmp_path / "o" / "report.html").read_text(encoding="utf-8"))
    assert "male (not stated; taken from haploid chrX calls in the VCF)" in report
    assert "found the cause" not in leaflet and "need to check" in leaflet


# ------------------------------------------------------------------------- 13. clinical review (round 5)
def test_foxp3_variant_without_the_ipex_picture_is_not_confirmed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Seizures and developmental delay with an incidental hemizygous LP FOXP3 nonsense variant: the terminal
    said 'IPEX: CONFIRMED … Refer early for evaluation for HSCT' with IPEX ranked 1059 (<0.01%). GeneReviews
    establishes the diagnosis in a male 'with typical clinical findings' and the variant: now IPEX is
    possible, a specialist looks for the missing features first, and the leaflet has no infant-care advice."""
    vcf = nonsense_vcf(tmp_path / "boy.vcf", "1")
    data, text, leaflet = assess_with_text(
        capsys, tmp_path / "o", "--hpo", "HP:0001250,HP:0001263", "--sex", "male", "--age", "P2Y",
        "--vcf", str(vcf),
    )  # fmt: skip
    status = data["status"]
    assert status["level"] == "possible" and status["atypical_phenotype"]
    assert not status["refer_for_hsct"] and status["refer_to_specialist"]
    assert "typical clinical findings" in status["reason"] and "Likely pathogenic" in status["reason"]
    ids = recommendation_ids(data)
    assert "referral.hsct" not in ids and "referral.specialist_referral" in ids
    assert not any(r["category"] == "treatment" for r in data["recommendations"])
    referral = next(r for r in data["recommendations"] if r["id"] == "referral.specialist_referral")
    assert {"genereviews", "consonni_2021", "seattle_childrens"} <= set(referral["sources"])
    assert "CONFIRMED" not in text and "Refer early for evaluation for" not in text
    assert "not the usual signs of IPEX" in leaflet and "found the cause" not in leaflet
    for gone in ("What treatment is there?", "Day-to-day care", "wet nappies"):
        assert gone not in leaflet
    statuses = {
        g["variantInterpretation"]["variationDescriptor"]["geneContext"]["symbol"]: g["interpretationStatus"]
        for i in data["phenopacket"]["interpretations"]
        for g in i["diagnosis"].get("genomicInterpretations", [])
    }
    assert statuses == {"FOXP3": "CANDIDATE"}  # the Phenopacket does not call it causative either
    # the same variant with the triad stays confirmed (the picture fits)
    fits = assess(capsys, tmp_path / "o2", "--hpo", TRIAD, "--sex", "male", "--age", "P4M", "--vcf", str(vcf))
    assert fits["status"]["level"] == "confirmed" and not fits["status"]["atypical_phenotype"]


def lrba_record(genotype: str, pos: int = 150500000, c: str = "c.1000C>T", p: str = "p.Arg334Ter") -> Record:
    """An LRBA nonsense variant absent from gnomAD (PVS1 + PM2_Supporting: likely pathogenic)."""
    csq = vep(
        Allele="A", Consequence="stop_gained", IMPACT="HIGH", SYMBOL="LRBA", Gene="987",
        Feature_type="Transcript", Feature="NM_001364905.1", BIOTYPE="protein_coding", EXON="10/58",
        HGVSc=f"NM_001364905.1:{c}", HGVSp=f"NP_001351834.1:{p}", MANE_SELECT="NM_001364905.1", MAX_AF="",
        STRAND="-1",
    )  # fmt: skip
    return Record("4", pos, "G", "A", f"CSQ={csq}", [genotype])


CHR4 = ["##contig=<ID=chr4,length=190214555>"]
IPEX_LIKE_PICTURE = f"{TRIAD},HP:0001903"  # + anaemia


def test_one_lrba_allele_is_not_a_diagnosis_and_two_need_their_phase(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """LRBA deficiency is autosomal recessive. One heterozygous LP variant was listed as 'Likely pathogenic,
    heterozygous' with the disease beside it and left out of the leaflet; two heterozygous LP variants were
    counted as biallelic by the re-rank but ignored by the status ('IPEX likely', referral for IPEX). Now one
    allele is named a carrier state everywhere, and two are the lead finding with a phase check (PM3)."""
    one = VcfSpec([lrba_record("0/1")], extra_headers=CHR4).write(tmp_path / "one.vcf")
    data, text, leaflet = assess_with_text(
        capsys,
        tmp_path / "o1",
        "--hpo",
        IPEX_LIKE_PICTURE,
        "--sex",
        "male",
        "--age",
        "P2Y",
        "--vcf",
        str(one),
    )
    finding = next(v for v in data["genetics"]["variants"] if v["gene"] == "LRBA")
    assert finding["role"] == "not sufficient" and "carrier state, not the diagnosis" in finding["meaning"]
    assert data["status"]["ipex_like_finding"] is None
    assert "carrier state, not the diagnosis" in text
    assert "one changed copy of his LRBA gene" in leaflet and "not expected to cause illness" in leaflet
    report = html.unescape((tmp_path / "o1" / "report.html").read_text(encoding="utf-8"))
    assert "For this patient" in report and "carrier state, not the diagnosis" in report
    two = VcfSpec(
        [lrba_record("0/1"), lrba_record("0/1", 150600000, "c.2000C>T", "p.Gln667Ter")], extra_headers=CHR4
    ).write(tmp_path / "two.vcf")
    data, text, leaflet = assess_with_text(
        capsys,
        tmp_path / "o2",
        "--hpo",
        IPEX_LIKE_PICTURE,
        "--sex",
        "male",
        "--age",
        "P2Y",
        "--vcf",
        str(two),
    )
    status = data["status"]
    assert status["ipex_like_finding"]["gene"] == "LRBA" and status["level"] != "likely"
    assert not status["refer_to_specialist"] and not status["refer_for_hsct"]
    assert any("in trans" in c and "Test both parents" in c for c in status["checks"])
    assert "in trans" in text and "phase unknown" in data["genetics"]["variants"][0]["meaning"]
    assert "First step: IPEX-like disorder: LRBA finding" in text  # the terminal no longer ends in silence
    assert "A test of both parents can tell." in leaflet
    lrba = [
        g["interpretationStatus"]
        for i in data["phenopacket"]["interpretations"]
        for g in i["diagnosis"].get("genomicInterpretations", [])
        if g["variantInterpretation"]["variationDescriptor"]["geneContext"]["symbol"] == "LRBA"
    ]
    assert lrba == ["CANDIDATE", "CANDIDATE"]  # phase unknown: not causative until the parents are tested
    # a homozygous LRBA variant needs no phase
    hom = VcfSpec([lrba_record("1/1")], extra_headers=CHR4).write(tmp_path / "hom.vcf")
    data = assess(capsys, tmp_path / "o3", "--hpo", IPEX_LIKE_PICTURE, "--sex", "male", "--age", "P2Y",
                  "--vcf", str(hom))  # fmt: skip
    assert data["status"]["ipex_like_finding"]["gene"] == "LRBA" and data["status"]["checks"] == []


def test_infant_boy_at_risk_is_tested_first_and_named_to_the_family(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two affected brothers (one died untested), a maternal aunt with a 4-month-old son of unknown status,
    a paternal half-brother. The infant cousin came 4th, after three adults ('Test next: GM, A, M, AC'), and
    the leaflet's test order left him out (all minors were dropped, not only girls). GeneReviews: clarify
    at-risk males right after birth. The dead brother was 'almost certain' yet 'probably had the change', and
    a mother of two affected sons 'may carry' it."""
    family = tmp_path / "f.yaml"
    family.write_text(
        """family: F1
individuals:
  - {id: GF, sex: male, affected: unaffected, age: 62}
  - {id: GM, sex: female, affected: unknown, age: 60}
  - {id: F, sex: male, affected: unaffected, age: 34}
  - {id: X, sex: female, affected: unaffected, age: 33}
  - {id: HB, sex: male, father: F, mother: X, affected: unaffected, age: 8}
  - {id: M, sex: female, father: GF, mother: GM, affected: unaffected, age: 31}
  - {id: A, sex: female, father: GF, mother: GM, affected: unaffected, age: 29}
  - {id: AH, sex: male, affected: unaffected, age: 30}
  - {id: AC, sex: male, father: AH, mother: A, affected: unknown, age: 4 mo}
  - {id: B, sex: male, father: F, mother: M, affected: affected, deceased: true, age: 8 mo}
  - {id: P, sex: male, father: F, mother: M, affected: affected, proband: true, age: 5 mo}
  - {id: S, sex: female, father: F, mother: M, affected: unaffected, age: 5}
""",
        encoding="utf-8",
    )
    vcf = nonsense_vcf(tmp_path / "boy.vcf", "1")
    data, text, leaflet = assess_with_text(
        capsys, tmp_path / "o", "--hpo", TRIAD, "--sex", "male", "--age", "P5M", "--vcf", str(vcf),
        "--family", str(family),
    )  # fmt: skip
    plan = data["family"]["testing_plan"]
    assert (
        plan[0]["id"] == "AC"
        and plan[0]["priority"] == "infant_boy"
        and "right after birth" in plan[0]["reason"]
    )
    assert "Test next: AC," in text
    assert plan[-1]["id"] == "S" and plan[-1]["deferred"]
    p = {r["id"]: r["p_variant"] for r in data["family"]["individuals"]}
    assert p["AC"] == pytest.approx(p["A"] / 2, abs=0.01) and p["HB"] < 1e-6  # X-linked: not via the father
    shown = html.unescape(re.sub(r"\s+", " ", leaflet))
    order = shown.split("may suggest tests in this order:", 1)[1]
    assert order.index("Cousin on the mother's side") < order.index("Mother")
    assert "Sister" not in order.split("Testing children", 1)[0]  # a girl's carrier test waits
    assert "A test soon can tell. Then care can start early if he has it." in shown
    assert "He almost surely had the change." in shown and "He probably had" not in shown
    assert "She very likely carries the change." in shown  # the mother, 98.7%
    # the change is known to cause IPEX: the leaflet no longer says testing is "most useful once" it is
    assert "most useful once" not in shown and "known to cause IPEX, so a test can tell who has it" in shown


def test_identical_twin_and_adopted_brother_reach_the_family(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Twins and adoption were not family-file fields: an identical twin got a brother's 1 in 2 (not his
    twin's genotype) and an adopted brother, well at 6, counted as the mother's healthy son. Now `twin`/
    `twin_type` and `adopted` flow from the file through the engine, plan, terminal, leaflet and drawing."""
    family = tmp_path / "tw.yaml"
    family.write_text(
        """family: TW
individuals:
  - {id: F, sex: male, affected: unaffected, age: 35}
  - {id: M, sex: female, affected: unaffected, age: 33}
  - {id: P, sex: male, father: F, mother: M, affected: affected, proband: true, age: 6 mo, twin: T,
     twin_type: monozygotic}
  - {id: T, sex: male, father: F, mother: M, affected: unknown, age: 6 mo}
  - {id: AB, sex: male, father: F, mother: M, affected: unaffected, age: 6, adopted: in}
""",
        encoding="utf-8",
    )
    vcf = nonsense_vcf(tmp_path / "boy.vcf", "1")
    data, text, leaflet = assess_with_text(
        capsys, tmp_path / "o", "--hpo", TRIAD, "--sex", "male", "--age", "P6M", "--vcf", str(vcf),
        "--family", str(family),
    )  # fmt: skip
    rows = {r["id"]: r for r in data["family"]["individuals"]}
    assert rows["T"]["p_variant"] > 0.999 and rows["T"]["twin_type"] == "monozygotic"
    assert rows["AB"]["p_variant"] < 1e-4 and rows["AB"]["adopted"] == "in"
    assert data["family"]["testing_plan"][0]["id"] == "T"
    assert "identical twin brother T" in text and "adopted brother AB" in text
    shown = html.unescape(re.sub(r"\s+", " ", leaflet))
    assert "Identical twins have the same genes." in shown
    assert "Adopted into the family, so not at risk from the family's genes." in shown
    assert "stroke-dasharray" in data["family"]["pedigree_svg"]
    # the family file written by `family --json` reads back with its twins and adoption
    code, out, err = run(["family", str(family), "--json"], capsys)
    assert code == 0, err
    again = tmp_path / "again.json"
    again.write_text(out, encoding="utf-8")
    code, out2, err = run(["family", str(again), "--json"], capsys)
    assert code == 0, err
    assert json.loads(out2)["individuals"] == json.loads(out)["individuals"]


def test_foxp3_vus_beside_an_ipex_like_finding_is_told_to_the_family(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A hemizygous FOXP3 VUS beside a pathogenic CTLA4 variant: the status leads with CTLA4 (right), but the
    leaflet named only CTLA4 — the FOXP3 change the report lists was never told to the family."""
    vcf = VcfSpec([ctla4_record(), Record("X", 49258000, "T", "C", "CSQ=" + foxp3_vep(
        "c.500T>C", "p.Asn167Ser", allele="C"), ["1"])]).write(tmp_path / "two.vcf")  # fmt: skip
    data, _, leaflet = assess_with_text(
        capsys, tmp_path / "o", "--hpo", TRIAD, "--sex", "male", "--age", "P6M", "--vcf", str(vcf)
    )
    status = data["status"]
    assert status["ipex_like_finding"]["gene"] == "CTLA4" and not status["refer_for_hsct"]
    assert status["variant"]["classification"] == "Uncertain significance"
    assert "CTLA4 gene" in leaflet and "also found a change in his FOXP3 gene" in leaflet
    assert "harmful change in his FOXP3" not in leaflet  # a VUS is never called harmful
