"""Forms of the pages: new patient, HSCT, follow-up visit, OI assessment, case entry."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms

from ipexpath.registry import models as m

DATE = forms.DateInput(attrs={"type": "date"})


class PatientForm(forms.ModelForm):  # type: ignore[type-arg]
    """A new pseudonymous patient in one of the user's centres."""

    class Meta:
        model = m.Patient
        fields: ClassVar[list[str]] = ["pseudonym", "centre", "sex", "birth_year", "birth_month", "consent"]

    def __init__(self, *args: Any, centres: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["centre"].queryset = centres  # type: ignore[attr-defined]
        self.fields["pseudonym"].help_text = "A pseudonym, never a name (e.g. the centre's registry number)."

    def clean_birth_month(self) -> int | None:
        """1-12 or empty."""
        month = self.cleaned_data.get("birth_month")
        if month is not None and not 1 <= month <= 12:
            raise forms.ValidationError("A month is 1 to 12.")
        return month


class HsctForm(forms.ModelForm):  # type: ignore[type-arg]
    """One transplant (the main fields; Barzaghi 2018 definitions in the help texts)."""

    class Meta:
        model = m.Hsct
        fields: ClassVar[list[str]] = [
            "sequence",
            "kind",
            "day0",
            "donor_type",
            "hla_match",
            "stem_cell_source",
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
        widgets: ClassVar[dict[str, Any]] = {"visit_date": DATE}


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
        widgets: ClassVar[dict[str, Any]] = {"start": DATE, "stop": DATE}


class SupportiveCareForm(forms.ModelForm):  # type: ignore[type-arg]
    """Supportive care (insulin, enteral or parenteral nutrition, immunoglobulin, thyroxine …)."""

    class Meta:
        model = m.SupportiveCare
        fields: ClassVar[list[str]] = ["kind", "detail", "start", "stop"]
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
