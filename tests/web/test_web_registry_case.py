"""What the registry already records of a patient reaches his assessment: a transplanted boy is never told
to seek an HSCT referral, and the registry's sex is used when the entry leaves it out (or contradicts it)."""

from __future__ import annotations

import datetime as dt

from webworld import World

CLASSIC = {"hpo": ["HP:0002024", "HP:0100651", "HP:0000964"], "age": "P6M", "onset": "P1M"}


def _transplant_and_sex(world: World) -> None:
    from ipexpath.registry.models import Hsct, Patient

    patient = Patient.objects.get(pseudonym=world.patient_a)
    patient.sex = "male"
    patient.save()
    Hsct.objects.create(patient=patient, day0=dt.date(2025, 9, 1))


def test_a_transplanted_boy_in_the_registry_gets_follow_up_not_a_referral(world: World) -> None:
    from ipexpath.registry.models import StoredAssessment

    _transplant_and_sex(world)
    response = world.client("clinician").post(f"/patients/{world.patient_a}/assess/", CLASSIC)
    assert response.status_code == 302, response.content.decode()[:2000]
    stored = StoredAssessment.objects.get(patient__pseudonym=world.patient_a)
    text = str(stored.assessment_json)
    assert "HSCT is recorded in the treatment history: no new referral" in text
    assert "Refer early" not in text
    assert "registry HSCT record 1 (day 0 2025-09-01)" in text
    assert "'sex': 'MALE'" in text  # the sex came from the registry (the entry left it out)


def test_an_entered_sex_that_contradicts_the_registry_is_refused(world: World) -> None:
    from ipexpath.registry.models import StoredAssessment

    _transplant_and_sex(world)
    page = world.client("clinician").post(f"/patients/{world.patient_a}/assess/", CLASSIC | {"sex": "female"})
    assert "differs from the registry record (male)" in page.content.decode()
    assert not StoredAssessment.objects.filter(patient__pseudonym=world.patient_a).exists()
