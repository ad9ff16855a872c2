"""The Phenopacket v2 export: schema-valid by round trip, interpretation filled in."""

from __future__ import annotations

from dataclasses import replace

import pytest
from google.protobuf.json_format import MessageToDict, ParseDict
from phenopackets import Phenopacket

from ipexpath.conclusions import IpexStatus, StatusLevel
from ipexpath.confirm import AcmgClassification
from ipexpath.errors import IpexpathError
from ipexpath.report import Assessment, to_phenopacket
from ipexpath.report.phenopacket_export import iso_duration, validate_packet


def test_round_trip(example_assessment: Assessment) -> None:
    packet = to_phenopacket(example_assessment)
    message = ParseDict(packet, Phenopacket())
    assert MessageToDict(message) == packet
    assert packet["metaData"]["phenopacketSchemaVersion"] == "2.0"
    assert {r["id"] for r in packet["metaData"]["resources"]} >= {"hp", "omim", "geno"}


def test_subject_and_features(example_assessment: Assessment) -> None:
    packet = to_phenopacket(example_assessment)
    assert packet["subject"] == {
        "id": "III-1",
        "sex": "MALE",
        "timeAtLastEncounter": {"age": {"iso8601duration": "P4M"}},
    }
    excluded = [f for f in packet["phenotypicFeatures"] if f.get("excluded")]
    assert [f["type"]["id"] for f in excluded] == ["HP:0000821"]


def test_interpretation(example_assessment: Assessment) -> None:
    (interp,) = to_phenopacket(example_assessment)["interpretations"]
    top = example_assessment.top
    assert top is not None and interp["diagnosis"]["disease"]["id"] == top["disease_id"]
    expected = "SOLVED" if example_assessment.status.level == "confirmed" else "IN_PROGRESS"
    assert interp["progressStatus"] == expected
    assert "Not a diagnosis" in interp["summary"]


def test_genomic_interpretation_when_ipex_on_top(example_assessment: Assessment) -> None:
    ipex_first = replace(
        example_assessment,
        differential={
            **example_assessment.differential,
            "results": example_assessment.differential["ipex_and_ipex_like"],
        },
    )
    genomic = to_phenopacket(ipex_first)["interpretations"][0]["diagnosis"]["genomicInterpretations"]
    (foxp3,) = [
        g
        for g in genomic
        if g["variantInterpretation"]["variationDescriptor"]["geneContext"]["symbol"] == "FOXP3"
    ]
    vi = foxp3["variantInterpretation"]
    assert vi["acmgPathogenicityClassification"] in (
        "PATHOGENIC",
        "LIKELY_PATHOGENIC",
        "UNCERTAIN_SIGNIFICANCE",
    )
    descriptor = vi["variationDescriptor"]
    assert descriptor["allelicState"]["id"] == "GENO:0000134"
    assert {"syntax": "hgvs.c", "value": "NM_014009.4:c.1150G>A"} in descriptor["expressions"]
    assert descriptor["vcfRecord"]["chrom"] in ("chrX", "X")


def test_confirmed_is_solved_and_causative(example_assessment: Assessment) -> None:
    assert example_assessment.genetics is not None
    pathogenic = tuple(
        replace(f, classification=AcmgClassification.PATHOGENIC) if f.gene == "FOXP3" else f
        for f in example_assessment.genetics.findings
    )
    status = IpexStatus(StatusLevel.CONFIRMED, "test", 1, 0.9, "SOLVED", pathogenic[0])
    solved = replace(
        example_assessment,
        status=status,
        genetics=replace(example_assessment.genetics, findings=pathogenic),
        differential={
            **example_assessment.differential,
            "results": example_assessment.differential["ipex_and_ipex_like"],
        },
    )
    (interp,) = to_phenopacket(solved)["interpretations"]
    assert interp["progressStatus"] == "SOLVED"
    causative = [
        g for g in interp["diagnosis"]["genomicInterpretations"] if g["interpretationStatus"] == "CAUSATIVE"
    ]
    assert (
        causative and causative[0]["variantInterpretation"]["acmgPathogenicityClassification"] == "PATHOGENIC"
    )


def test_invalid_packet_refused() -> None:
    with pytest.raises(IpexpathError):
        validate_packet({"id": "x", "subject": {"sex": "NOT_A_SEX"}})


@pytest.mark.parametrize(("days", "text"), [(121.75, "P4M"), (10, "P10D"), (0, "P0D"), (400, "P1Y1M4D")])
def test_iso_duration(days: float, text: str) -> None:
    assert iso_duration(days) == text
