"""Registry rules a clinician relies on: survival time zero per treatment group, the pre-HSCT OI score that
counts, left truncation from birth, and impossible dates refused (exit 2, nothing written)."""

from __future__ import annotations

import datetime as dt

import pytest

from ipexpath.registry.store import RegistryInputError, TableRows, import_tables


def _boy() -> TableRows:
    """A transplanted boy (IS from 2019-06-01, HSCT 2020-01-01, transplant-related death 2021-01-01) and a
    boy on immunosuppression only, seen at a visit after his recorded last follow-up."""
    return {
        "patient": [
            {
                "pseudonym": "T-1",
                "centre": "c1",
                "sex": "male",
                "birth_year": "2019",
                "birth_month": "3",
                "consent": "given",
                "vital_status": "deceased",
                "death_date": "2021-01-01",
                "last_follow_up": "2021-01-01",
                "death_category": "transplant_related",
            },
            {
                "pseudonym": "I-1",
                "centre": "c1",
                "sex": "male",
                "birth_year": "2018",
                "birth_month": "1",
                "consent": "given",
                "last_follow_up": "2022-01-01",
            },
        ],
        "diagnosis": [
            {
                "patient": "T-1",
                "disease_id": "OMIM:304790",
                "disease_label": "IPEX",
                "diagnosis_date": "2019-05-01",
            }
        ],
        "immunosuppression": [
            {"patient": "T-1", "drug": "rapamycin", "start": "2019-06-01", "stop": "2020-01-01"},
            {"patient": "I-1", "drug": "rapamycin", "start": "2019-01-01"},
        ],
        "hsct": [{"patient": "T-1", "sequence": "1", "day0": "2020-01-01", "conditioning_intensity": "full"}],
        "visit": [
            {"patient": "T-1", "visit_date": "2019-09-01", "active_autoimmunity": "yes"},  # before HSCT
            {"patient": "T-1", "visit_date": "2020-06-01", "active_autoimmunity": "no"},
            {"patient": "I-1", "visit_date": "2023-01-01", "active_autoimmunity": "no"},
        ],
        "oi_assessment": [
            {
                "patient": "T-1",
                "assessed_on": "2019-12-20",
                "timepoint": "pre_HSCT",
                "intractable_diarrhea": "yes",
                "malnutrition": "yes",
                "liver_dysfunction": "yes",
                "respiratory_impairment": "no",
                "kidney_dysfunction": "no",
            },
            {  # labelled pre-HSCT but dated after day 0: must not replace the real one
                "patient": "T-1",
                "assessed_on": "2020-06-01",
                "timepoint": "pre_HSCT",
                **dict.fromkeys(
                    (
                        "intractable_diarrhea",
                        "malnutrition",
                        "liver_dysfunction",
                        "respiratory_impairment",
                        "kidney_dysfunction",
                    ),
                    "no",
                ),
            },
        ],
    }


def test_time_zero_is_the_groups_own_treatment_and_dfs_starts_there(registry: str) -> None:
    from ipexpath.registry.analysis import patient_frame

    import_tables(_boy(), detail="test")
    frame = patient_frame("treatment").set_index("pseudonym")
    boy = frame.loc["T-1"]
    assert boy["group"] == "HSCT"
    assert boy["time"] == pytest.approx(366 / 365.25)  # HSCT day 0 to death (2020 is a leap year)
    assert boy["t_first_treatment"] == pytest.approx(580 / 365.25)  # from IS start, for the Cox models
    # The active visit before the transplant is not a DFS event after HSCT; the event is the death.
    assert (boy["dfs_time"], boy["dfs_event"]) == (pytest.approx(366 / 365.25), 1)
    assert boy["oi_group"] == "3-5" and boy["oi_pre_hsct"] == 3  # the assessment before day 0
    assert boy["transplant_related"] == 1
    other = frame.loc["I-1"]
    assert other["group"] == "IS only"
    assert other["time"] == pytest.approx(1461 / 365.25)  # to the later visit, not the stale last follow-up


def test_birth_time_zero_enters_patients_at_diagnosis(registry: str) -> None:
    from ipexpath.registry.analysis import analyse, patient_frame

    import_tables(_boy(), detail="test")
    boy = patient_frame("birth").set_index("pseudonym").loc["T-1"]
    born = dt.date(2019, 3, 15)
    assert boy["entry"] == pytest.approx((dt.date(2019, 5, 1) - born).days / 365.25)
    assert boy["time"] == pytest.approx((dt.date(2021, 1, 1) - born).days / 365.25)
    result = analyse("birth")
    assert "delayed entry" in result.results["time_zero"]["rule"]


def _with(change: dict[str, dict[str, str]]) -> TableRows:
    data = _boy()
    for table, values in change.items():
        data[table][0].update(values)
    return data


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"hsct": {"day0": "2021-02-01"}},
            "hsct row 1, column 'day0': 2021-02-01 is after the patient's death",
        ),
        (
            {"visit": {"visit_date": "2019-02-10"}},
            "visit row 1, column 'visit_date': 2019-02-10 is before the",
        ),
        ({"patient": {"last_follow_up": "2021-03-01"}}, "is after the death on 2021-01-01"),
        (
            {"patient": {"death_date": "2019-02-01"}},
            "column 'death_date': 2019-02-01 is before the patient's birth",
        ),
        (
            {"immunosuppression": {"stop": "2019-05-01"}},
            "column 'stop': 2019-05-01 is before start 2019-06-01",
        ),
        ({"hsct": {"neutrophil_engraftment": "2019-12-01"}}, "is before day0 2020-01-01"),
        ({"hsct": {"acute_gvhd_grade": "7"}}, "column 'acute_gvhd_grade'"),
        ({"hsct": {"kind": "boost"}}, "a boost is an infusion without conditioning"),
        (
            {"hsct": {"kind": "second", "conditioning_intensity": "none"}},
            "a second transplant is an infusion from a different donor with conditioning",
        ),
        ({"visit": {"visit_date": "2031-01-01"}}, "is in the future"),
        ({"immunosuppression": {"start": "2019-02-30"}}, "column 'start'"),
        ({"patient": {"pseudonym": "I-1"}}, "appears twice in the import"),
    ],
)
def test_impossible_records_are_refused_and_nothing_is_written(
    registry: str, change: dict[str, dict[str, str]], message: str
) -> None:
    from ipexpath.registry import models as m

    data = _with(change)
    with pytest.raises(RegistryInputError) as caught:
        import_tables(data, detail="test")
    assert message in str(caught.value)
    assert m.Patient.all_objects.count() == 0 and m.Hsct.all_objects.count() == 0
    assert m.AuditEvent.objects.count() == 0


def test_chimerism_before_the_transplant_and_out_of_range_are_refused(registry: str) -> None:
    data = _boy()
    data["chimerism"] = [
        {
            "patient": "T-1",
            "hsct_sequence": "1",
            "measured_on": "2019-12-01",
            "lineage": "treg",
            "donor_percent": "99",
        }
    ]
    with pytest.raises(RegistryInputError, match="before day 0"):
        import_tables(data, detail="test")
    data["chimerism"][0].update(measured_on="2020-04-01", donor_percent="120")
    with pytest.raises(RegistryInputError, match="donor_percent"):
        import_tables(data, detail="test")
    data["chimerism"][0]["donor_percent"] = "100"
    assert import_tables(data, detail="test").rows["chimerism"] == 1


def test_a_boost_without_conditioning_is_recorded_as_none(registry: str) -> None:
    from ipexpath.registry import models as m

    data = _boy()
    data["hsct"].append({"patient": "T-1", "sequence": "2", "kind": "boost", "day0": "2020-06-01"})
    import_tables(data, detail="test")
    kinds = dict(m.Hsct.objects.values_list("kind", "conditioning_intensity"))
    assert kinds == {"first": "full", "boost": "none"}


def test_rows_saved_one_by_one_get_the_same_date_rules(registry: str) -> None:
    """The web forms and API validate rows with full_clean: the model's clean applies the import's rules."""
    from django.core.exceptions import ValidationError

    from ipexpath.registry import models as m

    import_tables(_boy(), detail="test")
    boy = m.Patient.objects.get(pseudonym="T-1")
    late = m.Hsct(patient=boy, sequence=2, kind="second", day0=dt.date(2021, 2, 1))
    with pytest.raises(ValidationError, match="after the patient's death on 2021-01-01"):
        late.full_clean()
    course = m.ImmunosuppressionCourse(
        patient=boy, drug="tacrolimus", start=dt.date(2019, 8, 1), stop=dt.date(2019, 7, 1)
    )
    with pytest.raises(ValidationError, match="is before start"):
        course.full_clean()
    transplant = m.Hsct.objects.get(patient=boy)
    early = m.ChimerismMeasurement(
        transplant=transplant, measured_on=dt.date(2019, 12, 1), lineage="treg", donor_percent=99
    )
    with pytest.raises(ValidationError, match="before day 0"):
        early.full_clean()
    boy.last_follow_up = dt.date(2021, 5, 1)
    with pytest.raises(ValidationError, match="after the death on 2021-01-01"):
        boy.full_clean()
    m.ImmunosuppressionCourse(patient=boy, drug="tacrolimus", start=dt.date(2019, 8, 1)).full_clean()  # fine


def test_the_web_transplant_form_refuses_a_transplant_after_death(registry: str) -> None:
    """The web form is built with the patient already on the row (web/views.py), so the date rules apply."""
    from ipexpath.registry import models as m
    from ipexpath.web.forms import HsctForm

    import_tables(_boy(), detail="test")
    boy = m.Patient.objects.get(pseudonym="T-1")
    fields = {"sequence": 2, "kind": "second", "donor_type": "unknown", "graft_failure": "none"}
    form = HsctForm(
        {**fields, "day0": "2021-03-01", "conditioning_intensity": "full"}, instance=m.Hsct(patient=boy)
    )
    assert not form.is_valid()
    assert "after the patient's death on 2021-01-01" in form.errors["day0"][0]
    form = HsctForm(
        {**fields, "day0": "2020-10-01", "conditioning_intensity": "full"}, instance=m.Hsct(patient=boy)
    )
    assert form.is_valid(), form.errors


def test_no_age_is_negative_when_treated_in_the_birth_month(registry: str) -> None:
    """A neonate born in March 2019 (day not stored) transplanted on 5 March and dying on 9 March: the
    birth day is taken as the 15th only when no recorded date is earlier, so the age at treatment is 0, the
    time from birth is 4 days (not negative, not dropped) and the report says ages are approximate."""
    from ipexpath.registry.analysis import analyse, patient_frame

    data = _boy()
    data["patient"][0].update(death_date="2019-03-09", last_follow_up="2019-03-09")
    data["diagnosis"][0]["diagnosis_date"] = "2019-03-02"
    data["immunosuppression"] = [data["immunosuppression"][1]]
    data["hsct"][0]["day0"] = "2019-03-05"
    data["visit"] = [data["visit"][2]]
    data["oi_assessment"] = []
    import_tables(data, detail="test")
    treated = patient_frame("treatment").set_index("pseudonym").loc["T-1"]
    assert treated["age_at_treatment"] == pytest.approx(3 / 365.25)  # from 2 March, the first record
    birth = patient_frame("birth").set_index("pseudonym").loc["T-1"]
    assert birth["usable"] and birth["time"] == pytest.approx(7 / 365.25)
    result = analyse("treatment")
    ages = [row["age_range_years"][0] for row in result.cohort_table if row["age_range_years"]]
    assert min(ages) >= 0
    assert "approximate" in result.results["time_zero"]["birth_dates"]


def test_the_synthetic_cohort_has_no_negative_age(registry: str) -> None:
    from ipexpath.registry.analysis import patient_frame
    from ipexpath.registry.synthetic import simulate

    import_tables(simulate(), detail="test")
    for time_zero in ("treatment", "birth"):
        frame = patient_frame(time_zero)
        assert frame["usable"].all()
        assert (frame["age_at_treatment"].dropna() >= 0).all()
        assert (frame["time"] > 0).all() and (frame["entry"] >= 0).all()


def test_diagnosis_time_zero_says_which_date_it_uses(registry: str) -> None:
    """The diagnosis time zero is the recorded diagnosis date; it said 'the confirmatory genetic test',
    which the registry records separately."""
    from ipexpath.registry.analysis import patient_frame

    data = _boy()
    data["diagnosis"][0]["confirmation_date"] = "2019-08-01"
    import_tables(data, detail="test")
    boy = patient_frame("diagnosis").set_index("pseudonym").loc["T-1"]
    assert boy["origin"] == dt.date(2019, 5, 1)  # diagnosis_date, not confirmation_date
    from ipexpath.registry.analysis import _origin_rule

    assert "recorded separately as the confirmation date" in _origin_rule("diagnosis")
