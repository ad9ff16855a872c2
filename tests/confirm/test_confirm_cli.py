"""`ipexpath classify` end to end: JSON shape, bad input (exit 2, nothing written), re-ranking."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from vcfmaker import Record, VcfSpec, foxp3_vep

from ipexpath.cli import cli
from ipexpath.confirm import classify_variants, load_panel, parse_hgvs_variant, rerank_with_genotype
from ipexpath.confirm.acmg.context import EvaluationContext
from ipexpath.confirm.genetic_test import GeneticTest
from ipexpath.confirm.model import Zygosity
from ipexpath.suspect.ranking_file import RankedDisease
from ipexpath.types import Sex

EXAMPLE = (
    Path(__file__).resolve().parents[2] / "src" / "ipexpath" / "confirm" / "data" / "example_proband.vcf"
)
CLASSES = {"Pathogenic", "Likely pathogenic", "Uncertain significance", "Likely benign", "Benign"}


def run(*args: str) -> tuple[int, str, str]:
    from ipexpath.cli import main

    runner = CliRunner()
    result = runner.invoke(cli, list(args), standalone_mode=False, catch_exceptions=True)
    if result.exception is None:
        return 0, result.stdout, result.stderr
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    return int(exit_info.value.code or 0), result.stdout, str(result.exception)


def test_example_vcf_json_shape() -> None:
    code, out, _ = run("classify", "--vcf", str(EXAMPLE), "--json")
    assert code == 0
    data = json.loads(out)
    assert data["build"]["used"] == "GRCh38"
    genes = [v["gene"] for v in data["variants"]]
    assert genes[0] == "FOXP3" and len(genes) == 4
    for v in data["variants"]:
        assert {
            "gene",
            "hgvs_c",
            "hgvs_p",
            "consequence",
            "zygosity",
            "criteria",
            "points",
            "classification",
        } <= set(v)
        assert v["classification"] in CLASSES
        for c in v["criteria"]:
            assert {"code", "strength", "points", "evidence"} <= set(c)
    foxp3 = data["variants"][0]
    assert foxp3["hgvs_p"] == "p.Ala384Thr" and foxp3["zygosity"] == "hemizygous"
    assert sum(1 for v in data["variants"] if v["classification"] == "Benign") == 3


def test_hgvs_text_output() -> None:
    code, out, _ = run("classify", "--variant", "NM_014009.4:c.1150G>A", "--override", "PS3=moderate:assay x")
    assert code == 0
    assert "PM1" in out and "PS3_Moderate" in out and "Clinician override" in out


@pytest.mark.parametrize(
    "args",
    [
        ("--variant", "NM_000546.6:c.743G>A"),
        ("--variant", "NM_014009.4:c.11x50G>A"),
        ("--vcf", str(EXAMPLE), "--sample", "NOBODY"),
        ("--vcf", "does-not-exist.vcf"),
        ("--variant", "NM_014009.4:c.1150G>A", "--override", "PS3=huge:x"),
        ("--variant", "NM_014009.4:c.1150C>T"),  # reference base no Ala384 codon carries
        ("--variant", "NM_014009.4:c.1150G>A p.Ala384Val"),  # G>A at codon position 1 of Ala gives Thr only
        ("--variant", "NP_054728.2:p.Gly384Thr"),  # residue 384 is Ala
        ("--variant", "NM_014009.4:c.1400G>A"),  # beyond the 1,296-nt CDS
        ("--variant", "NC_000023.11:g.1000C>T"),  # not in a panel gene
        ("--variant", "NC_000023.11:g.49251480C"),  # malformed g.
        (),
    ],
)
def test_bad_input_exit_2(args: tuple[str, ...], tmp_path: Path) -> None:
    out_file = tmp_path / "result.json"
    code, _, _ = run("classify", *args, "--output", str(out_file))
    assert code == 2
    assert not out_file.exists()


def test_grch37_declared_as_grch38(tmp_path: Path) -> None:
    record = Record("X", 49107940, "C", "T", "CSQ=" + foxp3_vep("c.1150G>A", "p.Ala384Thr"), ["1"])
    path = VcfSpec([record], build="GRCh37").write(tmp_path / "b37.vcf")
    out_file = tmp_path / "r.json"
    code, _, _ = run("classify", "--vcf", str(path), "--build", "GRCh38", "--output", str(out_file))
    assert code == 2 and not out_file.exists()


def test_output_written_on_success(tmp_path: Path) -> None:
    out_file = tmp_path / "r.json"
    code, _, _ = run("classify", "--variant", "NM_014009.4:c.1189C>T", "--output", str(out_file))
    assert code == 0 and json.loads(out_file.read_text())["variants"][0]["hgvs_p"] == "p.Arg397Trp"


def test_trio_with_family_file(tmp_path: Path) -> None:
    record = Record(
        "X", 49251480, "C", "T", "CSQ=" + foxp3_vep("c.1150G>A", "p.Ala384Thr"), ["1", "0/0", "0"]
    )
    vcf = VcfSpec([record], samples=("PROBAND", "MOTHER", "FATHER")).write(tmp_path / "trio.vcf")
    ped = tmp_path / "trio.ped"
    ped.write_text("F1 PROBAND FATHER MOTHER 1 2\nF1 MOTHER 0 0 2 1\nF1 FATHER 0 0 1 1\n")
    code, out, err = run("classify", "--vcf", str(vcf), "--sample", "PROBAND", "--family", str(ped), "--json")
    assert code == 0, err
    pm6 = next(c for c in json.loads(out)["variants"][0]["criteria"] if c["code"] == "PM6")
    assert pm6["points"] == 1 and "De novo" in pm6["evidence"]


def test_rerank_with_genotype() -> None:
    panel = load_panel()
    variant = parse_hgvs_variant("NM_014009.4:c.136C>T p.(Gln46Ter)", panel, zygosity=Zygosity.HEMIZYGOUS)
    from dataclasses import replace

    from ipexpath.confirm import PopulationData

    variant = replace(variant, exon="3/12", population=PopulationData(af_checked=True))
    classified = classify_variants([variant], EvaluationContext(panel))
    assert classified[0].classification.label == "Likely pathogenic"
    rows = [
        RankedDisease(1, "OMIM:606367", "CD25 deficiency", 0.5, 3.0, ("IL2RA",)),
        RankedDisease(2, "OMIM:304790", "IPEX", 0.3, 2.8, ("FOXP3",)),
        RankedDisease(3, "OMIM:999999", "Other", 0.2, 2.5),
    ]
    test = GeneticTest("sequencing", frozenset({"FOXP3", "IL2RA"}), frozenset({"FOXP3"}))
    out = [r.to_dict() for r in rerank_with_genotype(rows, classified, panel, Sex.MALE, test)]
    assert [r["disease_id"] for r in out] == ["OMIM:304790", "OMIM:999999", "OMIM:606367"]
    assert out[0]["previous_rank"] == 2 and out[0]["rank_change"] == "up 1"
    assert out[-1]["genotype_log10_lr"] < 0 and "less likely" in out[-1]["genotype_explanation"]
    assert sum(r["posterior"] for r in out) == pytest.approx(1.0)


def test_vcf_with_ranking_reranks(tmp_path: Path) -> None:
    ranking = {
        "results": [
            {
                "rank": 1,
                "disease_id": "OMIM:606367",
                "name": "CD25 deficiency",
                "posterior": 0.6,
                "log10_lr": 9.0,
                "genes": ["IL2RA"],
            },
            {
                "rank": 2,
                "disease_id": "OMIM:304790",
                "name": "IPEX",
                "posterior": 0.4,
                "log10_lr": 8.8,
                "genes": ["FOXP3"],
            },
        ],
        "case": {"sex": "male"},
    }
    path = tmp_path / "rank.json"
    path.write_text(json.dumps(ranking))
    # coverage not stated: the example's benign deep-intronic IL2RA call does not lower CD25 deficiency
    code, out, err = run("classify", "--vcf", str(EXAMPLE), "--ranking", str(path), "--json")
    assert code == 0, err
    data = json.loads(out)
    pp4 = next(c for c in data["variants"][0]["criteria"] if c["code"] == "PP4")
    assert not pp4["points"] and "rank 2" in pp4["evidence"]
    assert [r["disease_id"] for r in data["differential"]] == ["OMIM:606367", "OMIM:304790"]
    assert data["differential"][0]["posterior"] == pytest.approx(0.6)
    assert "coverage was not stated" in data["differential"][0]["genotype_explanation"]
    # IL2RA stated as covered: its negative result counts and IPEX comes first
    code, out, err = run(
        "classify", "--vcf", str(EXAMPLE), "--ranking", str(path), "--covered", "FOXP3,IL2RA", "--json"
    )
    assert code == 0, err
    data = json.loads(out)
    top = data["differential"][0]
    assert top["disease_id"] == "OMIM:304790" and top["previous_rank"] == 2
    assert "IL2RA, which the test covered" in data["differential"][1]["genotype_explanation"]


def test_text_output_shows_sources_and_what_is_missing() -> None:
    code, out, _ = run("classify", "--variant", "NM_014009.4:c.1150G>A")
    assert code == 0
    assert "Sources: PMID:30443250 https://pubmed.ncbi.nlm.nih.gov/30443250/" in out
    assert "To reclassify: Evidence still missing for this variant" in out
