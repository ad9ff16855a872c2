"""The curated variant evidence: strict loading, every observation sourced, known rows present."""

from __future__ import annotations

import copy
import csv
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from ipexpath.confirm.evidence import (
    EvidenceFileError,
    FunctionalResult,
    load_evidence,
    parse_evidence,
    read_evidence,
)
from ipexpath.confirm.model import Zygosity
from ipexpath.confirm.panel import load_panel
from ipexpath.errors import InputError

GOOD: dict[str, Any] = {
    "version": "test",
    "curated_on": "2026-11-29",
    "sources": {"PMID:30443250": {"citation": "Gambineri 2018"}, "DOI:10.1000/xyz": {"citation": "A DOI"}},
    "variants": [
        {
            "gene": "FOXP3",
            "transcript": "NM_014009.4",
            "hgvs_c": "c.1150G>A",
            "hgvs_p": "p.Ala384Thr",
            "probands": [
                {"patient": "a", "sources": ["PMID:30443250"], "zygosity": "hemizygous"},
                {"patient": "b", "families": 3, "sources": ["DOI:10.1000/xyz"], "same_as": ["c"]},
                {"patient": "c", "families": 2, "sources": ["PMID:30443250"]},
            ],
            "segregation": [{"family": "a", "informative_meioses": 2, "sources": ["PMID:30443250"]}],
        }
    ],
}


def _bad(mutate: Any) -> str:
    document = copy.deepcopy(GOOD)
    mutate(document)
    with pytest.raises(EvidenceFileError) as info:
        parse_evidence(document, "test.yaml")
    return str(info.value)


def test_good_document_parses_and_counts_linked_probands_once() -> None:
    evidence = parse_evidence(copy.deepcopy(GOOD), "test.yaml")
    variant = evidence.find("FOXP3", "c.1150G>A")
    assert variant is not None
    # a (1) + linked group {b: 3, c: 2} counted once as its largest (3) = 4, not 6
    assert variant.unrelated_probands() == 4
    assert variant.informative_meioses() == 2
    assert variant.probands[0].zygosity is Zygosity.HEMIZYGOUS
    assert variant.sources() == ("PMID:30443250", "DOI:10.1000/xyz")


def test_observation_without_source_is_refused_with_a_clear_error() -> None:
    message = _bad(lambda d: d["variants"][0]["probands"][0].pop("sources"))
    assert "FOXP3 c.1150G>A" in message and "proband #1" in message and "no source" in message


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda d: d["variants"][0]["probands"][0].update(sources=["PMID 123"]), "not PMID:<number>"),
        (lambda d: d["variants"][0]["probands"][0].update(sources=["PMID:999"]), "not declared"),
        (lambda d: d["variants"][0]["segregation"][0].update(sources=[]), "no source"),
        (lambda d: d["variants"].append(copy.deepcopy(d["variants"][0])), "listed twice"),
        (lambda d: d["variants"][0]["probands"][1].update(patient="a"), "listed twice"),
        (lambda d: d["variants"][0].update(hgvs_c="1150G>A"), "not a c. change"),
        (lambda d: d["variants"][0].update(hgvs_p="A384T"), "three-letter"),
        (lambda d: d["variants"][0].update(transcript="NM_014009"), "versioned RefSeq"),
        (lambda d: d["variants"][0].update(colour="red"), "unknown field"),
        (lambda d: d["variants"][0]["probands"][0].update(zygosity="hemi"), "zygosity"),
        (lambda d: d["variants"][0]["probands"][0].update(families=0), "whole number >= 1"),
        (
            lambda d: d["variants"][0].update(
                functional=[
                    {
                        "assay": "x",
                        "result": "damaging",
                        "controls": "wt",
                        "strength": "BS3",
                        "sources": ["PMID:30443250"],
                    }
                ]
            ),
            "cannot be given BS3",
        ),
        (
            lambda d: d["variants"][0].update(
                clinvar=[
                    {
                        "variation_id": 1,
                        "classification": "P",
                        "review_status": "x",
                        "stars": 7,
                        "date": "2026-01-01",
                        "retrieved_from": "x",
                    }
                ]
            ),
            "stars are 0-4",
        ),
        (lambda d: d.pop("version"), "missing version"),
        (
            lambda d: d["variants"][0].update(
                unaffected_carriers=[
                    {"count": 1, "zygosity": "hemizygous", "adult": True, "description": "x", "sources": []}
                ]
            ),
            "must be heterozygous or homozygous",
        ),
    ],
)
def test_bad_rows_are_refused(mutate: Any, expected: str) -> None:
    assert expected in _bad(mutate)


def test_user_file_errors_are_input_errors(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    document = copy.deepcopy(GOOD)
    del document["variants"][0]["probands"][0]["sources"]
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    with pytest.raises(InputError, match=r"mine\.yaml"):
        read_evidence(path)
    path.write_text("variants: [unclosed", encoding="utf-8")
    with pytest.raises(InputError, match="not valid YAML"):
        read_evidence(path)
    with pytest.raises(InputError, match="does not exist"):
        read_evidence(tmp_path / "missing.yaml")


def test_bundled_file_loads_once_with_sources_for_everything() -> None:
    evidence = load_evidence()
    assert evidence is load_evidence()
    assert evidence.variants
    keys = [v.key for v in evidence.variants]
    assert len(keys) == len(set(keys))
    panel_genes = {gene.symbol for gene in load_panel().genes}
    for variant in evidence.variants:
        assert variant.gene in panel_genes, variant.key
        observations = (
            variant.probands
            + variant.de_novo
            + variant.segregation
            + variant.functional
            + variant.carrier_mothers
            + variant.unaffected_hemizygotes
            + variant.unaffected_carriers
        )
        for obs in observations:
            assert obs.sources and all(s in evidence.citations for s in obs.sources), variant.key
    # every declared source is used (no stale citations)
    used = {s for v in evidence.variants for s in v.sources()}
    assert used == set(evidence.citations)


def test_example_variant_a384t_has_its_published_evidence() -> None:
    evidence = load_evidence()
    a384t = evidence.find("FOXP3", "c.1150G>A")
    assert a384t is not None and a384t.hgvs_p == "p.Ala384Thr"
    assert a384t.transcript == "NM_014009.4"
    assert a384t.grch38 is not None and (a384t.grch38.pos, a384t.grch38.ref, a384t.grch38.alt) == (
        49251480,
        "C",
        "T",
    )
    assert evidence.at("GRCh38", "chrX", 49251480, "C", "T") is a384t
    assert a384t.unrelated_probands() >= 1
    assert "PMID:30443250" in a384t.sources()  # Gambineri 2018: one of the 5 recurrent FOXP3 mutations
    assert any(c.variation_id == 11410 and c.stars >= 2 for c in a384t.clinvar)


def test_benign_published_variant_records_healthy_hemizygous_men() -> None:
    a38s = load_evidence().find("FOXP3", "c.112G>T")
    assert a38s is not None
    assert a38s.unaffected_hemizygotes and a38s.unaffected_hemizygotes[0].adult
    assert a38s.functional[0].result is FunctionalResult.NO_EFFECT


TRUTH_FILES = ("acmg_truth_foxp3.tsv", "acmg_truth_ipexlike.tsv")
TRUTH_COLUMNS = (
    "gene transcript hgvs_c hgvs_p grch38 truth_class truth_group condition condition_matches_panel "
    "source_type source_id review_status stars source_date retrieved_from gnomad_ac gnomad_an "
    "gnomad_hemizygotes gnomad_af population_source population_qc_failed in_evidence_file note"
).split()


def _truth_rows(name: str) -> list[dict[str, str]]:
    path = Path(__file__).resolve().parents[2] / "benchmarks" / "data" / name
    with path.open(encoding="utf-8") as handle:
        reader = csv.DictReader(handle, delimiter="\t")
        assert reader.fieldnames == TRUTH_COLUMNS
        return list(reader)


@pytest.mark.parametrize("name", TRUTH_FILES)
def test_truth_set_rows_are_sourced_unique_and_flag_overlap_correctly(name: str) -> None:
    evidence = load_evidence()
    groups = {"P": "P_LP", "LP": "P_LP", "P/LP": "P_LP", "VUS": "VUS"}
    groups |= {"B": "B_LB", "LB": "B_LB", "B/LB": "B_LB"}
    source_types = {
        "clinvar_expert_panel",
        "clinvar_multiple_submitters",
        "clinvar_single_submitter",
        "clinvar_2021_extract",
        "publication",
    }
    rows = _truth_rows(name)
    assert rows
    keys = [(r["gene"], r["hgvs_c"]) for r in rows]
    assert len(keys) == len(set(keys))
    for row in rows:
        assert groups[row["truth_class"]] == row["truth_group"], row["hgvs_c"]
        assert row["source_type"] in source_types and row["source_id"] and row["retrieved_from"]
        if row["source_type"].startswith("clinvar_") and row["source_type"] != "clinvar_2021_extract":
            assert re.fullmatch(r"VCV\d{9}|rs\d+", row["source_id"]) and row["stars"] in {"1", "2", "3", "4"}
        if row["source_type"] == "publication":
            assert re.fullmatch(r"PMID:\d+|DOI:10\..+", row["source_id"])
        if row["gnomad_ac"]:
            assert int(row["gnomad_ac"]) <= int(row["gnomad_an"])
        expected = "yes" if evidence.find(row["gene"], row["hgvs_c"]) else "no"
        assert row["in_evidence_file"] == expected, row["hgvs_c"]


def test_truth_set_has_both_pathogenic_and_benign_foxp3_variants() -> None:
    groups = [row["truth_group"] for row in _truth_rows("acmg_truth_foxp3.tsv")]
    assert groups.count("P_LP") >= 15 and groups.count("B_LB") >= 1


def test_user_file_with_yaml_aliases_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "aliases.yaml"
    path.write_text("version: &v x\nvariants: []\ncurated_on: *v\n", encoding="utf-8")
    with pytest.raises(InputError, match="anchors and aliases"):
        read_evidence(path)


def test_bundled_evidence_uses_no_reserved_publication() -> None:
    """The papers issue 13 keeps for independent evaluation are not used at all (not even their variant data).

    The schema flag stays for users' own files: a reserved source there is listed by reserved_sources()."""
    evidence = load_evidence()
    document = copy.deepcopy(GOOD)
    document["sources"]["PMID:30443250"]["reserved_for_ranking"] = True
    parsed = parse_evidence(document, "test.yaml")
    variant = parsed.find("FOXP3", "c.1150G>A")
    assert variant is not None and parsed.reserved_sources(variant) == ("PMID:30443250",)
    old_style = parse_evidence(copy.deepcopy(GOOD), "test.yaml")  # the field is optional
    assert not old_style.citations["PMID:30443250"].reserved_for_ranking
    case_test = Path(__file__).resolve().parents[1] / "knowledge" / "test_curated_cases.py"
    reserved_text = case_test.read_text(encoding="utf-8")
    reserved_ids = set(re.findall(r'"(\d{7,8})"', reserved_text)) | {
        doi.lower() for doi in re.findall(r'"(10\.\d{4,}/[^"]+)"', reserved_text)
    }
    assert "11120765" in reserved_ids and "10.3389/fped.2024.1438816" in reserved_ids  # the list was read
    for ident, citation in evidence.citations.items():
        assert not citation.reserved_for_ranking, ident
        assert ident.split(":", 1)[1].lower() not in reserved_ids, ident
        assert (citation.doi or "").lower() not in reserved_ids, ident
    for variant in evidence.variants:
        assert evidence.reserved_sources(variant) == (), variant.hgvs_c


def test_second_pass_counts_follow_the_papers_and_link_re_reports() -> None:
    """Counts as the papers give them, re-reports linked.

    Liu 2011: four R274Q kindreds, plus one later case report. Bennett 2001's pedigree is one of Gambineri
    2018's two AAUGAA families (linked: 2, not 3). Foley 2021's three siblings are one family."""
    evidence = load_evidence()
    r274q = evidence.find("STAT1", "p.R274Q") or evidence.find("STAT1", "c.821G>A")
    assert r274q is not None and r274q.unrelated_probands() == 5
    assert any(f.strength.value == "PS3_Supporting" for f in r274q.functional)
    polya = evidence.find("FOXP3", "AAUAAA>AAUGAA")
    assert polya is not None and polya.hgvs_c == "c.*876A>G" and polya.unrelated_probands() == 2
    w631 = evidence.find("STAT5B", "c.1892G>A")
    assert w631 is not None and w631.unrelated_probands() == 1
    assert w631.segregation[0].affected_with_variant == 2
    assert {d.patient for v in evidence.for_gene("STAT3") for d in v.de_novo} >= {
        "Haapaniemi2015:K392R",
        "Haapaniemi2015:M394T",
    }
