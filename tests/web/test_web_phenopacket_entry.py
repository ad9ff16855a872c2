"""Case entry started from a phenopacket: the pathway's reader fills the form (terms added to those already
chosen, sex, ages), the typed free text stays, and a file that is not a phenopacket gets a sentence."""

from __future__ import annotations

import io

from webworld import World


def test_a_phenopacket_fills_the_case_form(world: World) -> None:
    from ipexpath.case import example_case_path

    client = world.client("clinician")
    url = f"/patients/{world.patient_a}/assess/"
    with example_case_path().open("rb") as handle:
        page = client.post(
            url,
            {
                "action": "fill-from-phenopacket",
                "phenopacket": handle,
                "hpo": ["HP:0002721"],
                "text": "Also eczema.",
            },
        )
    text = page.content.decode()
    assert page.status_code == 200 and "6 observed and 1 excluded terms" in text
    assert text.count('name="hpo"') == 7 and 'value="HP:0002721"' in text  # the term chosen before stays
    assert 'value="P4M"' in text and "Also eczema." in text
    junk = client.post(
        url, {"action": "fill-from-phenopacket", "phenopacket": io.BytesIO(b"\x89PNG not json")}
    )
    assert junk.status_code == 400 and "not a phenopacket in JSON" in junk.content.decode()
    none = client.post(url, {"action": "fill-from-phenopacket"})
    assert none.status_code == 400 and "No phenopacket was chosen" in none.content.decode()


def test_a_phenopacket_with_a_term_both_observed_and_excluded_gets_the_readers_sentence(
    world: World,
) -> None:
    import json

    packet = {
        "id": "x",
        "subject": {"id": "p", "sex": "MALE"},
        "phenotypicFeatures": [
            {"type": {"id": "HP:0002014"}},
            {"type": {"id": "HP:0002014"}, "excluded": True},
        ],
    }
    upload = io.BytesIO(json.dumps(packet).encode())
    upload.name = "both.json"
    client = world.client("clinician")
    page = client.post(
        f"/patients/{world.patient_a}/assess/",
        {"action": "fill-from-phenopacket", "phenopacket": upload},
    )
    text = page.content.decode()
    assert page.status_code == 400 and "HP:0002014 is listed both as observed and as excluded" in text
