"""Registry entry that was missing from the pages: the diagnosis (filled from an assessment, linked to it,
the disease chosen from the knowledge file; genetic confirmation left to the clinician), immunosuppression
courses (time zero of the IS group) and supportive care, on the pages and through the API."""

from __future__ import annotations

from webworld import World

VARIANT = {
    "gene": "FOXP3",
    "transcript": "NM_014009.4",
    "hgvs_c": "c.1150G>A",
    "classification": "Likely pathogenic",
}


def test_the_diagnosis_is_recorded_from_an_assessment(world: World) -> None:
    from ipexpath.registry.models import Diagnosis, Patient, StoredAssessment

    patient = Patient.objects.get(pseudonym=world.patient_a)
    stored = StoredAssessment.objects.create(
        patient=patient,
        ipexpath_version="test",
        assessment_json={"status": {"level": "confirmed", "reason": "r", "variant": VARIANT}},
    )
    client = world.client("registry_coordinator")
    assert f"/diagnosis/new/?from={stored.pk}" in client.get(f"/assessments/{stored.pk}/").content.decode()
    url = f"/patients/{world.patient_a}/diagnosis/new/?from={stored.pk}"
    form = client.get(url).content.decode()
    assert 'value="FOXP3 NM_014009.4:c.1150G&gt;A"' in form and 'value="Likely pathogenic"' in form
    assert '<option value="OMIM:304790" selected>' in form
    sent = {
        "disease": "OMIM:304790",
        "variant_hgvs": "FOXP3 NM_014009.4:c.1150G>A",
        "diagnosis_date": "2026-02-01",
    }
    assert client.post(url, sent).status_code == 302
    row = Diagnosis.objects.get(patient=patient)
    assert (row.disease_id, row.gene, row.assessment_id, row.genetic_confirmation) == (
        "OMIM:304790",
        "FOXP3",
        stored.pk,
        False,
    )
    assert (
        f'from <a href="/assessments/{stored.pk}/">'
        in client.get(f"/patients/{world.patient_a}/").content.decode()
    )
    refused = client.post(url, sent | {"disease": "OMIM:999999"})
    assert refused.status_code == 200 and "Select a valid choice" in refused.content.decode()


def test_immunosuppression_and_supportive_care_pages_and_api(world: World) -> None:
    from ipexpath.registry.models import ImmunosuppressionCourse, SupportiveCare

    client = world.client("clinician")
    base = f"/patients/{world.patient_a}"
    done = client.post(f"{base}/immunosuppression/new/", {"drug": "sirolimus", "start": "2026-01-10"})
    assert done.status_code == 302
    stop_first = client.post(
        f"{base}/immunosuppression/new/", {"drug": "tacrolimus", "start": "2026-03-01", "stop": "2026-02-01"}
    )
    assert stop_first.status_code == 200 and 'value="tacrolimus"' in stop_first.content.decode()  # kept
    assert (
        client.post(f"{base}/supportive/new/", {"kind": "insulin", "start": "2026-01-05"}).status_code == 302
    )
    page = client.get(f"{base}/").content.decode()
    assert "sirolimus" in page and "2026-01-10" in page and "2026-01-05" in page
    api = f"/api{base}"
    made = client.post(
        f"{api}/immunosuppression",
        {"drug": "steroids", "start": "2026-01-02"},
        content_type="application/json",
    )
    assert made.status_code == 201
    assert ImmunosuppressionCourse.objects.count() == 2 and SupportiveCare.objects.count() == 1
    unknown = client.post(f"{api}/diagnoses", {"disease_id": "OMIM:100100"}, content_type="application/json")
    assert unknown.status_code == 400 and "not IPEX or an IPEX-like disorder" in unknown.json()["detail"]
    ok = client.post(f"{api}/diagnoses", {"disease_id": "OMIM:304790"}, content_type="application/json")
    assert ok.status_code == 201
