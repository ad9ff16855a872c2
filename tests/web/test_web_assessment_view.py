"""The assessment page reads the stored assessment.json: the conclusion as stored, the similar published
patients (a list of empty bullets before), the variant card with its REVIEW note, the family's chances, and
pathway notes reworded from command-line flags to the form's fields."""

from __future__ import annotations

from webworld import World

PAYLOAD = {
    "status": {"level": "likely", "reason": "IPEX ranked 1 with posterior 63%."},
    "differential": {
        "results": [
            {
                "rank": 1,
                "name": "IPEX",
                "disease_id": "OMIM:304790",
                "genes": ["FOXP3"],
                "posterior": 0.6267,
                "ipex": "IPEX",
            }
        ],
        "similar_patients": [
            {
                "case_id": "PMID_1_P1",
                "disease_name": "Netherton syndrome",
                "gene": "SPINK5",
                "pmid": "PMID:1",
                "link": "javascript:alert(1)",
                "similarity": 0.45,
                "shared_findings": ["Chronic diarrhea", "Failure to thrive"],
            }
        ],
    },
    "genetics": {
        "variants": [
            {
                "label": "FOXP3 c.1150G>A (p.Ala384Thr)",
                "zygosity": "hemizygous",
                "classification": "Uncertain significance",
                "points": 4,
                "card": {"applied": ["PM1"], "not_evaluated": ["PS2"]},
                "notes": ["REVIEW: ClinVar says Pathogenic/Likely pathogenic."],
            }
        ]
    },
    "family": {
        "family_id": "F1",
        "probability_label": "chance of carrying the familial variant",
        "persons": [
            {"id": "II-2", "name": "mother", "sex": "female", "affected": "unaffected", "p_variant": 0.5}
        ],
        "risks": {"pregnancies": [{"mother": "II-2", "p_affected_son": 0.25, "p_carrier_daughter": 0.25}]},
    },
    "notes": [
        "Coverage of the genetic test is unknown (no --covered): give --covered GENES|BED to count "
        "negative results."
    ],
}


def test_the_assessment_page_shows_what_the_stored_assessment_concluded(world: World) -> None:
    from ipexpath.registry.models import Patient, StoredAssessment

    stored = StoredAssessment.objects.create(
        patient=Patient.objects.get(pseudonym=world.patient_a),
        ipexpath_version="test",
        assessment_json=PAYLOAD,
    )
    page = world.client("clinician").get(f"/assessments/{stored.pk}/").content.decode()
    assert "<b>IPEX: likely</b> — IPEX ranked 1 with posterior 63%." in page
    assert "63%" in page and "Netherton syndrome" in page and "Chronic diarrhea, Failure to thrive" in page
    assert "javascript:" not in page  # only PubMed links become links
    assert "REVIEW: ClinVar says Pathogenic/Likely pathogenic." in page and "PM1" in page
    assert 'data-person="II-2"' in page and "50%" in page and "25%" in page
    assert "--covered" not in page and "What the test covered" in page
