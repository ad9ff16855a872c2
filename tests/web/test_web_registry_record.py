"""A registry coordinator enters a whole patient through the pages, as published (the IPEX case report the
reference note cites, treatment-followup.md: a cord graft after treosulfan/fludarabine/thiotepa/ATG rejected,
a second transplant from the 6/10 mother, αβ T-cell depleted, after busulfan/fludarabine/cyclophosphamide,
full donor chimerism): every value typed is shown on the patient's page and returned by the API; the death
and the last contact can be recorded; impossible statuses are refused with the typed values kept."""

from __future__ import annotations

from webworld import World

PATIENT = "PUB-IPEX-1"


def _post(client: object, path: str, data: dict[str, str]) -> None:
    response = client.post(f"/patients/{PATIENT}/{path}", data)  # type: ignore[attr-defined]
    assert response.status_code == 302, response.content.decode()[-2000:]


def _enter_the_patient(client: object) -> None:
    response = client.post(  # type: ignore[attr-defined]
        "/patients/new/",
        {
            "pseudonym": PATIENT,
            "centre": __import__("ipexpath.registry.models", fromlist=["Centre"])
            .Centre.objects.get(code="centre-a")
            .pk,
            "sex": "male",
            "birth_year": "2015",
            "birth_month": "3",
            "consent": "given",
            "consent_date": "2015-06-02",
            "familial_case": "true",
            "consanguinity": "false",
        },
    )
    assert response.status_code == 302
    _post(
        client,
        "diagnosis/new/",
        {
            "disease": "OMIM:304790",
            "onset_date": "2015-04-10",
            "diagnosis_date": "2015-07-01",
            "genetic_confirmation": "on",
            "confirmation_date": "2015-07-20",
            "variant_hgvs": "FOXP3 c.1150G>A",
            "variant_class": "Pathogenic",
        },
    )
    _post(
        client,
        "immunosuppression/new/",
        {
            "drug": "sirolimus",
            "drug_class": "mTOR inhibitor",
            "dose": "1 mg/m²/day",
            "start": "2015-07-05",
            "stop": "2015-10-01",
            "stop_reason": "conditioning for HSCT",
            "response": "partial",
        },
    )
    _post(client, "supportive/new/", {"kind": "insulin", "detail": "basal-bolus", "start": "2015-05-01"})
    _post(
        client,
        "hsct/new/",
        {
            "sequence": "1",
            "kind": "first",
            "day0": "2015-10-10",
            "donor_type": "mismatched_unrelated",
            "hla_match": "5/6",
            "stem_cell_source": "cord_blood",
            "graft_manipulation": "none",
            "cd34_dose_per_kg": "0.21",
            "conditioning_intensity": "full",
            "conditioning_regimen": "treosulfan/fludarabine/thiotepa",
            "serotherapy": "ATG",
            "gvhd_prophylaxis": "ciclosporin/MMF",
            "chronic_gvhd": "",
            "graft_failure": "primary",
            "graft_failure_date": "2015-11-20",
        },
    )
    _post(
        client,
        "hsct/new/",
        {
            "sequence": "2",
            "kind": "second",
            "day0": "2016-01-15",
            "donor_type": "haploidentical",
            "hla_match": "6/10",
            "stem_cell_source": "peripheral_blood",
            "graft_manipulation": "αβ T-cell depleted",
            "cd34_dose_per_kg": "12.5",
            "conditioning_intensity": "full",
            "conditioning_regimen": "busulfan/fludarabine/cyclophosphamide 1 g/m²",
            "serotherapy": "ATG (Grafalon)",
            "neutrophil_engraftment": "2016-01-29",
            "platelet_engraftment": "2016-02-10",
            "acute_gvhd_grade": "2",
            "chronic_gvhd": "mild",
            "graft_failure": "none",
        },
    )
    from ipexpath.registry.models import Hsct

    second = Hsct.objects.get(sequence=2)
    _post(
        client,
        "chimerism/new/",
        {
            "transplant": str(second.pk),
            "measured_on": "2016-04-15",
            "lineage": "treg",
            "donor_percent": "100",
            "method": "STR",
        },
    )
    _post(
        client,
        "visits/new/",
        {
            "visit_date": "2017-01-20",
            "weight_kg": "11.2",
            "height_cm": "84.5",
            "weight_z": "-1.4",
            "height_z": "-0.9",
            "active_autoimmunity": "false",
            "manifestations": "hp:0001891, HP:0001891",
            "infections": "CMV reactivation",
            "qol_instrument": "PedsQL",
            "qol_score": "78",
        },
    )
    _post(
        client,
        "oi/new/",
        {
            "assessed_on": "2015-10-01",
            "timepoint": "pre_HSCT",
            "assessor": "Dr A",
            "intractable_diarrhea": "true",
            "malnutrition": "true",
            "liver_dysfunction": "false",
            "respiratory_impairment": "false",
            "kidney_dysfunction": "false",
        },
    )


def test_every_field_typed_is_shown_and_returned(world: World) -> None:
    client = world.client("registry_coordinator")
    _enter_the_patient(client)
    status = client.get(f"/patients/{PATIENT}/status/").content.decode()
    assert '<option value="true" selected>yes</option>' in status  # the form shows what is stored
    _post(
        client,
        "status/",
        {
            "vital_status": "alive",
            "last_follow_up": "2018-03-01",
            "consent": "given",
            "consent_date": "2015-06-02",
            "familial_case": "true",
            "consanguinity": "false",
        },
    )
    page = client.get(f"/patients/{PATIENT}/").content.decode()
    for shown in (
        "born 2015-03",
        "last contact: 2018-03-01",
        "familial case: yes",
        "parents consanguineous: no",
        "2015-06-02",  # consent date
        "onset 2015-04-10",
        "(2015-07-20)",  # confirmation date
        "mTOR inhibitor",
        "conditioning for HSCT",
        "umbilical cord blood",
        "CD34+ 0.21 × 10⁶/kg",
        "treosulfan/fludarabine/thiotepa",
        "ATG; ciclosporin/MMF",
        "primary graft failure (2015-11-20)",
        "αβ T-cell depleted",
        "haploidentical (6/10)",
        "2016-01-29; 2016-02-10",
        "regulatory T cells (CD4+CD25+FOXP3+) 100.0 % donor (STR)",
        "HP:0001891",
        "CMV reactivation",
        "78.0 (PedsQL)",
        "2 of 5 (low, 0-2)",
        "Dr A",
        "basal-bolus",
    ):
        assert shown in page, shown
    assert page.count("HP:0001891") == 1  # the same id typed twice is kept once
    detail = client.get(f"/api/patients/{PATIENT}").json()
    assert detail["status"]["last_follow_up"] == "2018-03-01" and detail["status"]["familial_case"] is True
    assert detail["diagnoses"][0]["confirmation_date"] == "2015-07-20"
    assert detail["immunosuppression"][0]["stop_reason"] == "conditioning for HSCT"
    assert detail["supportive_care"][0]["detail"] == "basal-bolus"
    assert [h["graft_manipulation"] for h in detail["transplants"]] == ["none", "αβ T-cell depleted"]
    assert detail["chimerism"][0]["lineage"] == "treg" and detail["chimerism"][0]["donor_percent"] == 100
    assert detail["visits"][0]["qol_score"] == 78 and detail["visits"][0]["autoimmune_manifestations"] == [
        "HP:0001891"
    ]


def test_death_is_recorded_and_impossible_statuses_are_refused(world: World) -> None:
    from ipexpath.registry.models import AuditEvent, Patient

    client = world.client("registry_coordinator")
    _enter_the_patient(client)
    # a death before the visit already recorded: refused, nothing saved, the typed cause kept
    refused = client.post(
        f"/patients/{PATIENT}/status/",
        {
            "vital_status": "deceased",
            "death_date": "2016-12-01",
            "death_category": "infection",
            "cause_of_death": "adenovirus pneumonia",
            "consent": "not_applicable_deceased",
        },
    )
    text = refused.content.decode()
    assert refused.status_code == 400 and "before the visit of 2017-01-20" in text
    assert "adenovirus pneumonia" in text
    assert Patient.objects.get(pseudonym=PATIENT).vital_status == "alive"
    # a date of death with the status still 'alive'
    alive = client.post(
        f"/patients/{PATIENT}/status/",
        {"vital_status": "alive", "death_date": "2017-02-01", "consent": "given"},
    )
    assert alive.status_code == 400 and "not &#x27;deceased&#x27;" in alive.content.decode()
    # the death itself
    _post(
        client,
        "status/",
        {
            "vital_status": "deceased",
            "death_date": "2017-03-01",
            "last_follow_up": "2017-03-01",
            "death_category": "infection",
            "cause_of_death": "adenovirus pneumonia",
            "consent": "not_applicable_deceased",
        },
    )
    page = client.get(f"/patients/{PATIENT}/").content.decode()
    assert "died 2017-03-01 (cause: infection — adenovirus pneumonia)" in page
    change = AuditEvent.objects.filter(model="Patient", action="update", patient_pseudonym=PATIENT).last()
    assert change.before["vital_status"] == "alive" and change.after["death_date"] == "2017-03-01"
    # a visit after the death is refused from then on
    late = client.post(f"/patients/{PATIENT}/visits/new/", {"visit_date": "2017-04-01"})
    assert late.status_code == 200 and "after the patient&#x27;s death" in late.content.decode()


def test_status_api_has_the_pages_checks(world: World) -> None:
    client = world.client("registry_coordinator")
    url = f"/api/patients/{world.patient_a}/status"
    bad = client.put(
        url, {"vital_status": "alive", "death_date": "2025-06-01"}, content_type="application/json"
    )
    assert bad.status_code == 400 and "deceased" in bad.json()["detail"]
    ok = client.put(
        url,
        {"vital_status": "deceased", "death_date": "2025-06-01", "death_category": "transplant_related"},
        content_type="application/json",
    )
    assert ok.status_code == 200 and ok.json()["death_date"] == "2025-06-01"
    detail = client.get(f"/api/patients/{world.patient_a}").json()
    assert detail["vital_status"] == "deceased" and detail["status"]["death_category"] == "transplant_related"


def test_a_single_centre_user_has_the_centre_chosen_and_sees_new_patients_first(world: World) -> None:
    from ipexpath.registry.models import Centre, Patient

    client = world.client("registry_coordinator")
    form = client.get("/patients/new/").content.decode()
    centre = Centre.objects.get(code="centre-a")
    assert f'<option value="{centre.pk}" selected>' in form
    for n in range(60):  # more synthetic patients than one page holds
        Patient.objects.create(pseudonym=f"SYN-{n:05d}", centre=centre, birth_year=2010, synthetic=True)
    listing = client.get("/").content.decode()
    assert world.patient_a in listing  # the centre's own patient is on the first page


def test_odd_patients_are_refused_on_the_form_not_saved_unreachable(world: World) -> None:
    """A pseudonym with '/' was saved and then answered a server error (its page could not be addressed);
    a birth in the future or before 1900 was accepted. Each is now refused with the typed values kept."""
    from ipexpath.registry.models import Centre, Patient

    client = world.client("registry_coordinator")
    centre = str(Centre.objects.get(code="centre-a").pk)
    for pseudonym, year, month, why in (
        ("ODD/1", "2020", "1", "cannot be a pseudonym"),
        ("..", "2020", "1", "cannot be a pseudonym"),
        ("FUT-1", "2099", "1", "not a plausible birth year"),
        ("OLD-1", "1066", "", "not a plausible birth year"),
        ("NEXT-1", str(__import__("datetime").date.today().year + 0), "13", "A month is 1 to 12"),
    ):
        response = client.post(
            "/patients/new/",
            {
                "pseudonym": pseudonym,
                "centre": centre,
                "birth_year": year,
                "birth_month": month,
                "sex": "male",
            },
        )
        assert response.status_code == 200 and why in response.content.decode(), pseudonym
        assert not Patient.objects.filter(pseudonym=pseudonym).exists()
    ok = client.post(
        "/patients/new/",
        {"pseudonym": "OK 1", "centre": centre, "birth_year": "2020", "sex": "male", "consent": "given"},
    )
    assert ok.status_code == 302 and client.get("/patients/OK%201/").status_code == 200


def test_a_deceased_patient_needs_the_date_of_death(world: World) -> None:
    client = world.client("registry_coordinator")
    refused = client.post(
        f"/patients/{world.patient_a}/status/",
        {"vital_status": "deceased", "death_category": "infection", "consent": "not_applicable_deceased"},
    )
    assert refused.status_code == 400 and "Give the date of death" in refused.content.decode()


def test_the_analysis_page_names_its_results_time_zero_and_approximate_ages(world: World) -> None:
    from ipexpath.registry.store import import_tables
    from ipexpath.registry.synthetic import CohortSpec, simulate

    import_tables(
        simulate(CohortSpec(n_hsct=12, n_is=12, seed=3, visits_per_patient=1, centre="centre-a")),
        detail="test",
    )
    page = world.client("registry_coordinator").get("/registry/analysis/").content.decode()
    assert "The analysis covers the patients of your centres" in page
    assert "median age at treatment (years, approximate)" in page and "Ages are approximate" in page
    assert "median follow-up from time zero" in page
    assert "Disease-free survival</h3>" in page and "HSCT vs immunosuppression</h3>" in page
    assert "day 0 of the first HSCT" in page  # the time zero rule itself, not only its heading


def test_values_in_the_wrong_unit_are_refused_with_the_unit_named(world: World) -> None:
    """7,900 typed as kilograms (grams meant) or a CD34 dose as an absolute count were stored as typed."""
    client = world.client("registry_coordinator")
    page = client.post(
        f"/patients/{world.patient_a}/visits/new/",
        {"visit_date": "2025-09-01", "weight_kg": "7900", "height_cm": "0.845"},
    )
    text = page.content.decode()
    assert page.status_code == 200 and "7900 is not plausible in kilograms" in text
    assert "0.845 is not plausible in centimetres" in text and 'value="7900"' in text
    api = client.post(
        f"/api/patients/{world.patient_a}/hsct",
        {"day0": "2025-06-01", "cd34_dose_per_kg": 5200000},
        content_type="application/json",
    )
    assert api.status_code == 400 and "millions of CD34+ cells per kilogram" in api.json()["detail"]
    ok = client.post(
        f"/patients/{world.patient_a}/visits/new/", {"visit_date": "2025-09-01", "weight_kg": "7.9"}
    )
    assert ok.status_code == 302


def test_case_entry_shows_the_age_the_registry_implies(world: World) -> None:
    """The age typed for an assessment can be checked against the registry's birth month."""
    import datetime as dt
    from types import SimpleNamespace

    from ipexpath.web.views import registry_age

    today = dt.date(2026, 11, 30)
    june = SimpleNamespace(birth_year=2026, birth_month=6)
    assert registry_age(june, today).startswith("The registry records birth in 2026-06:")
    assert registry_age(june, today).endswith(
        "the patient is about 5 months old today (check the age above)."
    )
    assert "about 3 years" in registry_age(SimpleNamespace(birth_year=2023, birth_month=1), today)
    assert "under 1 month" in registry_age(SimpleNamespace(birth_year=2026, birth_month=11), today)
    assert "month not recorded" in registry_age(SimpleNamespace(birth_year=2020, birth_month=None), today)
    page = world.client("clinician").get(f"/patients/{world.patient_a}/assess/").content.decode()
    assert 'id="registry-age">The registry records birth in 2025 (month not recorded).' in page


def test_a_row_entered_wrongly_can_be_corrected_and_the_change_is_audited(world: World) -> None:
    """A mistyped day 0, a visit weight or the diagnosis could only be added to, never corrected."""
    from ipexpath.registry.models import AuditEvent, Diagnosis, FollowUpVisit, Hsct

    client = world.client("registry_coordinator")
    _enter_the_patient(client)
    first = Hsct.objects.get(sequence=1)
    form = client.get(f"/patients/{PATIENT}/hsct/{first.pk}/edit/").content.decode()
    assert 'value="2015-10-10"' in form and "treosulfan/fludarabine/thiotepa" in form  # the stored values
    values = {
        "sequence": "1",
        "kind": "first",
        "day0": "2015-10-12",
        "donor_type": "mismatched_unrelated",
        "conditioning_intensity": "full",
        "graft_failure": "primary",
        "graft_failure_date": "2015-10-01",  # before the new day 0: refused, nothing saved
    }
    refused = client.post(f"/patients/{PATIENT}/hsct/{first.pk}/edit/", values)
    assert refused.status_code == 400 and Hsct.objects.get(pk=first.pk).day0.isoformat() == "2015-10-10"
    _post(client, f"hsct/{first.pk}/edit/", values | {"graft_failure_date": "2015-11-20"})
    first.refresh_from_db()
    assert first.day0.isoformat() == "2015-10-12" and first.conditioning_regimen.startswith("treosulfan")
    change = AuditEvent.objects.filter(model="Hsct", action="update", object_pk=str(first.pk)).get()
    assert change.before["day0"] == "2015-10-10" and change.after["day0"] == "2015-10-12"
    visit = FollowUpVisit.objects.get()
    edit = client.get(f"/patients/{PATIENT}/visits/{visit.pk}/edit/").content.decode()
    assert 'value="HP:0001891"' in edit  # the manifestations typed before
    _post(client, f"visits/{visit.pk}/edit/", {"visit_date": "2017-01-20", "weight_kg": "11.4"})
    assert FollowUpVisit.objects.get().weight_kg == 11.4
    diagnosis = Diagnosis.objects.get()
    shown = client.get(f"/patients/{PATIENT}/diagnosis/{diagnosis.pk}/edit/").content.decode()
    assert '<option value="OMIM:304790" selected>' in shown
    page = client.get(f"/patients/{PATIENT}/").content.decode()
    assert page.count('class="edit-row"') >= 8
    assert world.client("read_only").get(f"/patients/{PATIENT}/hsct/{first.pk}/edit/").status_code == 403
    other = world.client("registry_coordinator").get(f"/patients/{world.patient_a}/hsct/{first.pk}/edit/")
    assert other.status_code == 404  # a row is corrected only under its own patient
