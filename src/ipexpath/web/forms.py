"""Forms of the pages: new patient, HSCT, follow-up visit, OI assessment, case entry."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms

from ipexpath.registry import models as m

DATE = forms.DateInput(attrs={"type": "date"})


class YesNoNotKnownSelect(forms.NullBooleanSelect):
    """Yes / no / not known: a question left blank is not known, not 'no'."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.choices = [("unknown", "not known"), ("true", "yes"), ("false", "no")]


PATIENT_LABELS: dict[str, str] = {
    "birth_month": "Birth month (1–12)",
    "consent_date": "Date of consent",
    "familial_case": "Familial case (another affected relative)",
    "consanguinity": "Parents consanguineous",
    "vital_status": "Vital status",
    "last_follow_up": "Last contact (date last known alive)",
    "death_date": "Date of death",
    "death_category": "Cause of death (category)",
    "cause_of_death": "Cause of death (as written)",
}
PATIENT_WIDGETS: dict[str, Any] = {
    "consent_date": DATE,
    "last_follow_up": DATE,
    "death_date": DATE,
    "familial_case": YesNoNotKnownSelect(),
    "consanguinity": YesNoNotKnownSelect(),
    "cause_of_death": forms.Textarea(attrs={"rows": 2}),
}


class PatientForm(forms.ModelForm):  # type: ignore[type-arg]
    """A new pseudonymous patient in one of the user's centres."""

    class Meta:
        model = m.Patient
        fields: ClassVar[list[str]] = [
            "pseudonym",
            "centre",
            "sex",
            "birth_year",
            "birth_month",
            "consent",
            "consent_date",
            "familial_case",
            "consanguinity",
        ]
        labels: ClassVar[dict[str, str]] = PATIENT_LABELS
        widgets: ClassVar[dict[str, Any]] = PATIENT_WIDGETS

    def __init__(self, *args: Any, centres: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["centre"].queryset = centres  # type: ignore[attr-defined]
        if centres is not None and centres.count() == 1:  # one centre: chosen already
            self.fields["centre"].initial = centres.first().pk
        self.fields["pseudonym"].help_text = "A pseudonym, never a name (e.g. the centre's registry number)."
        self.fields[
            "birth_month"
        ].help_text = "The registry keeps year and month only; leave empty if the month is not known."

    def clean_birth_month(self) -> int | None:
        """1-12 or empty."""
        month = self.cleaned_data.get("birth_month")
        if month is not None and not 1 <= month <= 12:
            raise forms.ValidationError("A month is 1 to 12.")
        return month


class PatientStatusForm(forms.ModelForm):  # type: ignore[type-arg]
    """Consent, family history, vital status and last contact of a patient already in the registry (the
    end of follow-up of every survival analysis)."""

    class Meta:
        model = m.Patient
        fields: ClassVar[list[str]] = [
            "vital_status",
            "last_follow_up",
            "death_date",
            "death_category",
            "cause_of_death",
            "consent",
            "consent_date",
            "familial_case",
            "consanguinity",
        ]
        labels: ClassVar[dict[str, str]] = PATIENT_LABELS
        widgets: ClassVar[dict[str, Any]] = PATIENT_WIDGETS
        help_texts: ClassVar[dict[str, str]] = {
            "last_follow_up": "The survival analysis follows an alive patient up to this date (or to a later "
            "visit).",
            "death_date": "Only for a deceased patient; the survival analysis needs it.",
        }

    def clean(self) -> dict[str, Any]:
        """A date or cause of death only with the vital status 'deceased'."""
        data = super().clean() or {}
        died = data.get("vital_status") == m.VitalStatus.DECEASED
        if died and not data.get("death_date"):
            raise forms.ValidationError(
                "Give the date of death for a deceased patient (the survival analysis needs it; imports ask "
                "for it too)."
            )
        if not died and (data.get("death_date") or data.get("death_category") or data.get("cause_of_death")):
            raise forms.ValidationError(
                "A date or cause of death is given but the vital status is not 'deceased': choose "
                "'deceased', or clear the death fields."
            )
        return data


CHRONIC_GVHD = [
    ("", "not recorded"),
    ("none", "none"),
    ("mild", "mild"),
    ("moderate", "moderate"),
    ("severe", "severe"),
]


class HsctForm(forms.ModelForm):  # type: ignore[type-arg]
    """One transplant (Barzaghi 2018 definitions in the help texts)."""

    chronic_gvhd = forms.ChoiceField(
        choices=CHRONIC_GVHD, required=False, label="Chronic GvHD (NIH consensus severity)"
    )

    class Meta:
        model = m.Hsct
        fields: ClassVar[list[str]] = [
            "sequence",
            "kind",
            "day0",
            "donor_type",
            "hla_match",
            "stem_cell_source",
            "graft_manipulation",
            "cd34_dose_per_kg",
            "conditioning_intensity",
            "conditioning_regimen",
            "serotherapy",
            "gvhd_prophylaxis",
            "neutrophil_engraftment",
            "platelet_engraftment",
            "acute_gvhd_grade",
            "chronic_gvhd",
            "graft_failure",
            "graft_failure_date",
        ]
        labels: ClassVar[dict[str, str]] = {
            "sequence": "Transplant number (1 = first)",
            "kind": "Kind",
            "day0": "Day 0 (date of the infusion)",
            "donor_type": "Donor",
            "hla_match": "HLA match",
            "stem_cell_source": "Stem-cell source",
            "graft_manipulation": "Graft manipulation",
            "cd34_dose_per_kg": "CD34+ cell dose (× 10⁶/kg recipient weight)",
            "conditioning_intensity": "Conditioning intensity",
            "conditioning_regimen": "Conditioning regimen (drugs, doses or AUC)",
            "serotherapy": "Serotherapy",
            "gvhd_prophylaxis": "GvHD prophylaxis",
            "neutrophil_engraftment": "Neutrophil engraftment (date)",
            "platelet_engraftment": "Platelet engraftment (date)",
            "acute_gvhd_grade": "Acute GvHD, overall grade (0–4)",
            "graft_failure": "Graft failure",
            "graft_failure_date": "Date of graft failure",
        }
        help_texts: ClassVar[dict[str, str]] = {
            "graft_manipulation": "E.g. none, αβ T-cell depleted, CD34+ selected.",
        }
        widgets: ClassVar[dict[str, Any]] = {
            "day0": DATE,
            "neutrophil_engraftment": DATE,
            "platelet_engraftment": DATE,
            "graft_failure_date": DATE,
        }

    def clean_acute_gvhd_grade(self) -> int | None:
        """Overall grade 0-4 (MAGIC)."""
        grade = self.cleaned_data.get("acute_gvhd_grade")
        if grade is not None and grade > 4:
            raise forms.ValidationError("The overall acute GvHD grade is 0 to 4.")
        return grade


class ChimerismForm(forms.ModelForm):  # type: ignore[type-arg]
    """Donor chimerism of one lineage after one of the patient's transplants (Tregs too: Barzaghi 2018)."""

    class Meta:
        model = m.ChimerismMeasurement
        fields: ClassVar[list[str]] = ["transplant", "measured_on", "lineage", "donor_percent", "method"]
        labels: ClassVar[dict[str, str]] = {
            "transplant": "After the transplant",
            "measured_on": "Measured on",
            "donor_percent": "Donor cells (%)",
            "method": "Method",
        }
        widgets: ClassVar[dict[str, Any]] = {"measured_on": DATE}

    def __init__(self, *args: Any, transplants: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["transplant"]
        field.queryset = transplants  # type: ignore[attr-defined]
        field.label_from_instance = lambda h: f"#{h.sequence} {h.get_kind_display()}, day 0 {h.day0}"  # type: ignore[attr-defined]
        if transplants is not None and transplants.count() == 1:
            field.initial = transplants.first().pk


class VisitForm(forms.ModelForm):  # type: ignore[type-arg]
    """A follow-up visit (growth, autoimmunity, infections)."""

    class Meta:
        model = m.FollowUpVisit
        fields: ClassVar[list[str]] = [
            "visit_date",
            "weight_kg",
            "height_cm",
            "weight_z",
            "height_z",
            "active_autoimmunity",
            "infections",
            "qol_instrument",
            "qol_score",
        ]
        labels: ClassVar[dict[str, str]] = {
            "visit_date": "Visit date",
            "weight_kg": "Weight (kg)",
            "height_cm": "Height (cm)",
            "weight_z": "Weight-for-age z-score",
            "height_z": "Height-for-age z-score",
            "active_autoimmunity": "Active autoimmunity other than type 1 diabetes",
            "infections": "Infections",
            "qol_instrument": "Quality-of-life instrument",
            "qol_score": "Quality-of-life score",
        }
        help_texts: ClassVar[dict[str, str]] = {
            "weight_z": "As entered (the registry does not compute it).",
            "height_z": "As entered (the registry does not compute it).",
            "active_autoimmunity": "A 'yes' after treatment ends disease-free survival in the analysis "
            "(Barzaghi 2018 counted remission, or T1D only, as disease-free).",
        }
        widgets: ClassVar[dict[str, Any]] = {"visit_date": DATE, "active_autoimmunity": YesNoNotKnownSelect()}

    manifestations = forms.CharField(
        required=False,
        max_length=2000,
        label="Autoimmune manifestations (HPO ids)",
        help_text="HPO ids separated by commas, e.g. HP:0001891, HP:0002960.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["manifestations"].initial = ", ".join(self.instance.autoimmune_manifestations or [])
        self.order_fields([*self.Meta.fields[:6], "manifestations"])

    def clean_manifestations(self) -> list[str]:
        """HPO ids (HP: and seven digits), each once."""
        import re

        text = str(self.cleaned_data.get("manifestations") or "")
        ids = [t.strip().upper() for t in re.split(r"[,;\s]+", text) if t.strip()]
        bad = [t for t in ids if not re.fullmatch(r"HP:\d{7}", t)]
        if bad:
            raise forms.ValidationError(f"Not an HPO id: {', '.join(bad[:5])} (write HP: and seven digits).")
        return list(dict.fromkeys(ids))

    def save(self, commit: bool = True) -> Any:
        """The visit with its manifestations."""
        row = super().save(commit=False)
        row.autoimmune_manifestations = self.cleaned_data.get("manifestations") or []
        if commit:
            row.save()
        return row


class NotAssessedSelect(forms.NullBooleanSelect):
    """Yes / no / not assessed: an OI item left blank is missing, not 'no' (Django's label says 'Unknown')."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.choices = [("unknown", "not assessed"), ("true", "yes"), ("false", "no")]


class OiForm(forms.ModelForm):  # type: ignore[type-arg]
    """Barzaghi's five OI items: yes / no / not assessed (missing stays missing)."""

    class Meta:
        model = m.OiAssessment
        fields: ClassVar[list[str]] = [
            "assessed_on",
            "timepoint",
            "assessor",
            "intractable_diarrhea",
            "malnutrition",
            "liver_dysfunction",
            "respiratory_impairment",
            "kidney_dysfunction",
        ]
        labels: ClassVar[dict[str, str]] = {
            "assessed_on": "Assessed on",
            "timepoint": "Time point",
            "intractable_diarrhea": "Intractable diarrhoea",
            "liver_dysfunction": "Liver dysfunction",
            "respiratory_impairment": "Respiratory impairment",
            "kidney_dysfunction": "Kidney dysfunction",
        }
        widgets: ClassVar[dict[str, Any]] = {
            "assessed_on": DATE,
            **{
                item: NotAssessedSelect()
                for item in (
                    "intractable_diarrhea",
                    "malnutrition",
                    "liver_dysfunction",
                    "respiratory_impairment",
                    "kidney_dysfunction",
                )
            },
        }


class CaseEntryForm(forms.Form):
    """The case: chosen terms (hidden inputs added by the autocomplete), free text, sex, ages, the test."""

    hpo = forms.CharField(required=False, widget=forms.MultipleHiddenInput)
    excluded = forms.CharField(required=False, widget=forms.MultipleHiddenInput)
    text = forms.CharField(
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Clinical description; negation ('no eczema') and family history are recognised.",
    )
    sex = forms.ChoiceField(
        choices=[("", "not stated"), ("male", "male"), ("female", "female"), ("other", "other")],
        required=False,
    )
    age = forms.CharField(required=False, max_length=40, help_text="Age now: P3M, '3 months', '2 years'.")
    onset = forms.CharField(required=False, max_length=40, help_text="Age at onset of symptoms, e.g. P1M.")
    covered = forms.CharField(
        required=False,
        max_length=2000,
        help_text="What the genetic test covered: gene symbols (e.g. FOXP3, IL2RA); leave empty if unknown.",
    )
    sample = forms.CharField(required=False, max_length=200, help_text="For a multi-sample VCF: the patient.")

    def clean_covered(self) -> str:
        """Gene symbols only (comma-separated); anything else is refused here, before the assessment."""
        from ipexpath.errors import InputError
        from ipexpath.web.assessments import covered_genes

        text = str(self.cleaned_data.get("covered", ""))
        try:
            return covered_genes(text) or ""
        except InputError as exc:
            raise forms.ValidationError(str(exc)) from None


class RelativeForm(forms.Form):
    """One relative of the family editor; father and mother are chosen among the people already entered."""

    original = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)
    id = forms.CharField(max_length=40, label="Id", help_text="E.g. II-3 (generation-position).")
    name = forms.CharField(
        required=False, max_length=80, label="Relationship", help_text="E.g. maternal uncle; never a name."
    )
    sex = forms.ChoiceField(choices=[("male", "male"), ("female", "female"), ("unknown", "unknown")])
    father = forms.ChoiceField(required=False)
    mother = forms.ChoiceField(required=False)
    affected = forms.ChoiceField(
        choices=[
            ("unknown", "not known"),
            ("affected", "affected (IPEX features)"),
            ("unaffected", "unaffected"),
        ]
    )
    age = forms.CharField(required=False, max_length=20, help_text="Age now, or at death: 34, '8 mo', P1Y6M.")
    deceased = forms.BooleanField(required=False)
    proband = forms.BooleanField(required=False, label="Proband (the patient)")
    test = forms.ChoiceField(
        required=False,
        label="Familial variant test",
        choices=[("", "not tested"), ("found", "variant found"), ("not-found", "variant not found")],
    )

    def __init__(self, *args: Any, people: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "—"), *((p, p) for p in people or [])]
        self.fields["father"].choices = choices  # type: ignore[attr-defined]
        self.fields["mother"].choices = choices  # type: ignore[attr-defined]


class ImmunosuppressionForm(forms.ModelForm):  # type: ignore[type-arg]
    """One course of immunosuppression (drug, dose, start/stop, why it stopped, response)."""

    class Meta:
        model = m.ImmunosuppressionCourse
        fields: ClassVar[list[str]] = [
            "drug",
            "drug_class",
            "dose",
            "start",
            "stop",
            "stop_reason",
            "response",
        ]
        labels: ClassVar[dict[str, str]] = {
            "drug_class": "Drug class",
            "stop_reason": "Why it stopped",
            "response": "Response",
        }
        help_texts: ClassVar[dict[str, str]] = {
            "drug": "E.g. sirolimus, tacrolimus, ciclosporin, steroids.",
            "dose": "With its unit, e.g. 1 mg/m²/day, trough 8–12 ng/mL.",
            "stop": "Leave empty while the course goes on.",
            "response": "Beneficial = partial or complete disappearance of signs (Barzaghi 2018).",
        }
        widgets: ClassVar[dict[str, Any]] = {"start": DATE, "stop": DATE}


class SupportiveCareForm(forms.ModelForm):  # type: ignore[type-arg]
    """Supportive care (insulin, enteral or parenteral nutrition, immunoglobulin, thyroxine …)."""

    class Meta:
        model = m.SupportiveCare
        fields: ClassVar[list[str]] = ["kind", "detail", "start", "stop"]
        help_texts: ClassVar[dict[str, str]] = {"stop": "Leave empty while it goes on."}
        widgets: ClassVar[dict[str, Any]] = {"start": DATE, "stop": DATE}


def known_diseases() -> list[tuple[str, str, str]]:
    """IPEX and the IPEX-like disorders of ipexpath's cited knowledge file: (OMIM id, label, gene)."""
    from ipexpath.knowledge.ipex import load_ipex_knowledge

    k = load_ipex_knowledge()
    rows = [(k.ipex.omim, f"{k.ipex.short_name}", k.ipex.gene)]
    rows += [(r.omim, r.disease, r.gene) for r in k.ipex_like if r.omim]
    return rows


class DiagnosisForm(forms.ModelForm):  # type: ignore[type-arg]
    """The diagnosis: IPEX or an IPEX-like disorder (chosen from the knowledge file, as imports check), its
    dates, genetic confirmation (CIBMTR form 2402 rule, a clinician's decision) and the variant."""

    disease = forms.ChoiceField(label="Disease", choices=())

    class Meta:
        model = m.Diagnosis
        fields: ClassVar[list[str]] = [
            "onset_date",
            "diagnosis_date",
            "genetic_confirmation",
            "confirmation_date",
            "variant_hgvs",
            "variant_class",
        ]
        labels: ClassVar[dict[str, str]] = {
            "onset_date": "Onset of symptoms (date)",
            "diagnosis_date": "Diagnosis date",
            "genetic_confirmation": "Genetically confirmed",
            "confirmation_date": "Confirmation date",
            "variant_hgvs": "Variant (HGVS)",
            "variant_class": "Variant class (ACMG/AMP)",
        }
        widgets: ClassVar[dict[str, Any]] = {
            "onset_date": DATE,
            "diagnosis_date": DATE,
            "confirmation_date": DATE,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["disease"].choices = [
            (i, f"{label} ({i}, {gene})") for i, label, gene in known_diseases()
        ]
        if self.instance.pk and self.instance.disease_id:  # correcting a diagnosis: its disease is chosen
            self.fields["disease"].initial = self.instance.disease_id
        self.order_fields(["disease", *self.Meta.fields])

    def save(self, commit: bool = True) -> Any:
        """The row with the chosen disease's id, label and gene."""
        row = super().save(commit=False)
        chosen = self.cleaned_data["disease"]
        for disease_id, label, gene in known_diseases():
            if disease_id == chosen:
                row.disease_id, row.disease_label, row.gene = disease_id, label, gene
        if commit:
            row.save()
        return row
