"""Hostile names, ids and free text are shown as text, never as markup (HTML escaping everywhere)."""

from __future__ import annotations

import pytest
from webworld import World

HOSTILE = [
    '<script>alert("x")</script>',
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "{{ 7*7 }}{% debug %}",
]


@pytest.mark.parametrize("payload", HOSTILE)
def test_hostile_pseudonym_is_escaped(world: World, payload: str) -> None:
    from ipexpath.registry.models import Centre, Patient

    Patient.objects.create(pseudonym=payload, centre=Centre.objects.get(code="centre-a"), birth_year=2020)
    client = world.client("clinician")
    listing = client.get("/").content.decode()
    assert payload not in listing or "<" not in payload
    assert "<script>alert" not in listing and "<img src=x" not in listing
    from urllib.parse import quote

    page = client.get("/patients/" + quote(payload, safe="") + "/")
    if page.status_code == 200:
        text = page.content.decode()
        assert (
            "<script>alert" not in text
            and "<img src=x" not in text
            and "49" not in text.split("<h1>")[1][:40]
        )


@pytest.mark.parametrize("payload", HOSTILE)
def test_hostile_free_text_and_search_are_escaped(world: World, payload: str) -> None:
    client = world.client("clinician")
    text = client.post("/text/", {"text": f"diarrhea and {payload} eczema"}).content.decode()
    assert "<script>alert" not in text and "<img src=x" not in text
    hits = client.get("/terms/", {"q": payload}).content.decode()
    assert "<script>alert" not in hits and "<img src=x" not in hits


def test_hostile_visit_text_and_audit_filters_are_escaped(world: World) -> None:
    client = world.client("administrator")
    response = client.post(
        f"/patients/{world.patient_a}/visits/new/", {"visit_date": "2026-01-01", "infections": HOSTILE[0]}
    )
    assert response.status_code == 302
    page = client.get(f"/patients/{world.patient_a}/").content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    audit = client.get("/audit/", {"actor": HOSTILE[1]}).content.decode()
    assert "<img src=x" not in audit


def test_hostile_api_input_comes_back_as_json_text(world: World) -> None:
    client = world.client("clinician")
    made = client.post(
        "/api/patients",
        {"pseudonym": HOSTILE[1], "centre": "centre-a", "birth_year": 2020},
        content_type="application/json",
    )
    assert made.status_code == 201 and made["Content-Type"].startswith("application/json")
    assert made.json()["pseudonym"] == HOSTILE[1]
    # a '/' would make the patient's page unreachable: refused, as on the page
    slashed = client.post(
        "/api/patients",
        {"pseudonym": HOSTILE[0], "centre": "centre-a", "birth_year": 2020},
        content_type="application/json",
    )
    assert slashed.status_code == 400 and "cannot be a pseudonym" in slashed.json()["detail"]
