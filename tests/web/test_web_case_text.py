"""Issue 12 item 4 on the web: the case view shows what the free text gave (observed, negated, family
history, possible, not recognised), and the case can be revised by hand from it; the live preview offers a
term search for each span that was not recognised."""

from __future__ import annotations

import re

from webworld import World

TEXT = (
    "Boy aged 3 months with watery diarrhea and eczema. No fever. His maternal uncle had diabetes. "
    "Possible enteropathy. Strongly positive anti-flibbertigibbet antibodies."
)


def test_the_case_view_shows_recognised_negated_family_and_unrecognised_spans(world: World) -> None:
    from ipexpath.registry.models import StoredAssessment

    client = world.client("clinician")
    response = client.post(
        f"/patients/{world.patient_a}/assess/",
        {"hpo": ["HP:0001508"], "excluded": ["HP:0002721"], "text": TEXT, "sex": "male", "age": "P3M"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    stored = StoredAssessment.objects.get(patient__pseudonym=world.patient_a)
    page = client.get(f"/assessments/{stored.pk}/").content.decode()
    section = page[page.index('id="case-as-entered"') :]
    assert "HP:0001508" in section and "HP:0002721" in section  # the terms chosen by hand
    assert re.search(r'<mark class="observed"[^>]*>diarrhea</mark>', section)
    assert re.search(r'<mark class="excluded"[^>]*>fever</mark>', section)
    assert re.search(r'<mark class="family"[^>]*>diabetes</mark>', section)
    assert re.search(r'<mark class="possible"[^>]*>enteropathy</mark>', section)
    assert re.search(r'<mark class="unrecognised"[^>]*>[^<]*anti-flibbertigibbet antibodies</mark>', section)
    assert "2 observed, 1 negated, 1 family history, 1 possible, 1 not recognised" in section
    assert "find-term" not in section  # the stored view is read-only
    # what the assessment used agrees with the marks: observed in, negated excluded, relative's left out
    case = stored.assessment_json
    assert "HP:0001945" in str(case) and "HP:0002014" in str(case)
    revise = client.get(f"/patients/{world.patient_a}/assess/?from={stored.pk}").content.decode()
    assert "anti-flibbertigibbet" in revise
    assert 'value="HP:0001508"' in revise and 'value="HP:0002721"' in revise
    elsewhere = f"/patients/{world.patient_b}/assess/?from={stored.pk}"
    other = world.client("other").get(elsewhere).content.decode()
    assert "anti-flibbertigibbet" not in other  # another patient's case is not offered


def test_the_live_preview_offers_a_term_search_for_what_was_not_recognised(world: World) -> None:
    page = world.client("clinician").post("/text/", {"text": TEXT}).content.decode()
    assert 'class="find-term" data-text="Strongly positive anti-flibbertigibbet antibodies"' in page
    assert 'data-kind="hpo" data-id="HP:0002242"' in page  # a possible finding can be added as observed
    assert "not recognised — no HPO term found" in page
