"""Registry data model: patients, diagnosis, phenotype, treatments, follow-up, OI score, vital status, audit.

Field lists follow the registry reference note (`treatment-followup.md` §4.7), which draws on the ESID level-1
dataset (Janssen et al. 2022, PMID 35333892), the CIEINR REDCap forms (BIH-CEI/cieinr) and the definitions of
Barzaghi et al. 2018 (J Allergy Clin Immunol 141:1036, PMID 29241729). Every registry row is soft-deleted
(never removed physically) and every change writes an `AuditEvent` (see `registry.audit`).
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

BARZAGHI = "Barzaghi et al. 2018, J Allergy Clin Immunol 141:1036, PMID 29241729"


class Sex(models.TextChoices):
    """Sex as the phenopacket schema spells it (Individual.sex)."""

    MALE = "male", "male"
    FEMALE = "female", "female"
    OTHER = "other", "other"
    UNKNOWN = "unknown", "unknown"


class Consent(models.TextChoices):
    """ESID level 1: consent signed, or not applicable only if the patient is deceased (PMID 35333892)."""

    GIVEN = "given", "consent given"
    WITHDRAWN = "withdrawn", "consent withdrawn"
    NOT_APPLICABLE_DECEASED = "not_applicable_deceased", "not applicable (deceased)"


class VitalStatus(models.TextChoices):
    """Phenopacket v2 VitalStatus.status."""

    ALIVE = "alive", "alive"
    DECEASED = "deceased", "deceased"
    UNKNOWN = "unknown", "unknown"


class DeathCategory(models.TextChoices):
    """Cause-of-death categories of the reference note §4.7 (CIEINR form 33; phenopacket VitalStatus)."""

    TRANSPLANT_RELATED = "transplant_related", "transplant-related"
    INFECTION = "infection", "infection"
    DISEASE_PROGRESSION = "disease_progression", "disease progression"
    OTHER = "other", "other"
    UNKNOWN = "unknown", "unknown"


class SoftDeleteQuerySet(models.QuerySet):  # type: ignore[type-arg]
    """Rows that are not soft-deleted."""

    def alive(self) -> SoftDeleteQuerySet:
        """Exclude soft-deleted rows."""
        return self.filter(deleted_at__isnull=True)


class LiveManager(models.Manager):  # type: ignore[type-arg]
    """Default manager: soft-deleted rows are invisible unless asked for through `all_objects`."""

    def get_queryset(self) -> SoftDeleteQuerySet:
        """Only rows without `deleted_at`."""
        return SoftDeleteQuerySet(self.model, using=self._db).filter(deleted_at__isnull=True)


class RegistryRecord(models.Model):
    """Common columns: creation/update stamps and soft deletion with a reason."""

    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_reason = models.TextField(blank=True, default="")

    objects: ClassVar[Any] = LiveManager()
    all_objects: ClassVar[Any] = models.Manager()

    class Meta:
        abstract = True

    def clean(self) -> None:
        """Refuse impossible dates (before birth, after death, out of order; `registry.chronology`): the web
        forms and API call this through `full_clean`, imports apply the same rules."""
        super().clean()
        from ipexpath.registry.chronology import Life, row_problem
        from ipexpath.registry.tables import TABLES

        patient = _owner(self)
        table = next((t.name for t in TABLES if t.model is type(self)), None)
        if patient is None or table is None:
            return
        values = {
            f.name: getattr(self, f.name)
            for f in self._meta.concrete_fields
            if isinstance(f, models.DateField) and not isinstance(f, models.DateTimeField)
        }
        values.update(
            kind=getattr(self, "kind", None),
            conditioning_intensity=getattr(self, "conditioning_intensity", None),
        )
        problem = row_problem(
            table, values, Life(patient.birth_year, patient.birth_month, patient.death_date)
        )
        transplant = getattr(self, "transplant", None) if getattr(self, "transplant_id", None) else None
        if (
            problem is None
            and transplant is not None
            and values.get("measured_on")
            and values["measured_on"] < transplant.day0
        ):
            raise ValidationError(
                {
                    "measured_on": f"{values['measured_on']} is before day 0 ({transplant.day0}) of the "
                    "transplant."
                }
            )
        if problem is not None:
            raise ValidationError({problem.column: problem.text})


def _owner(row: models.Model) -> Any:
    """The patient a row belongs to (directly, or through its transplant or visit); None when not set yet."""
    if getattr(row, "patient_id", None):
        return row.patient  # type: ignore[attr-defined]
    for link in ("transplant", "visit"):
        if getattr(row, f"{link}_id", None):
            return getattr(row, link).patient
    return None


class Centre(models.Model):
    """A documenting centre (ESID level 1 'documenting centre'); users and patients belong to centres."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)

    def __str__(self) -> str:
        return self.code


def pseudonym_problem(pseudonym: str) -> str | None:
    """Why a pseudonym cannot be used (a '/' or a control character, '.' or '..', spaces around it: the
    patient's page could not be reached), or None."""
    if pseudonym != pseudonym.strip() or not pseudonym:
        return "a pseudonym has no spaces before or after it and is not empty."
    if "/" in pseudonym or pseudonym in (".", "..") or any(ord(c) < 32 or ord(c) == 127 for c in pseudonym):
        return (
            f"'{pseudonym[:64]}' cannot be a pseudonym: use letters, digits, spaces and - _ . : "
            "(no '/', no control characters, not '.' or '..')."
        )
    return None


class Patient(RegistryRecord):
    """A pseudonymous patient: no names, birth year and month only (ESID level 1 stores month under 12 y)."""

    pseudonym = models.CharField(max_length=64, unique=True)
    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="patients")
    sex = models.CharField(max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    birth_year = models.PositiveSmallIntegerField()
    birth_month = models.PositiveSmallIntegerField(null=True, blank=True)
    consent = models.CharField(max_length=30, choices=Consent.choices, default=Consent.GIVEN)
    consent_date = models.DateField(null=True, blank=True)
    familial_case = models.BooleanField(null=True, blank=True)
    consanguinity = models.BooleanField(null=True, blank=True)
    vital_status = models.CharField(max_length=10, choices=VitalStatus.choices, default=VitalStatus.ALIVE)
    last_follow_up = models.DateField(null=True, blank=True, help_text="Date last known alive or of death.")
    death_date = models.DateField(null=True, blank=True)
    death_category = models.CharField(max_length=30, choices=DeathCategory.choices, blank=True, default="")
    cause_of_death = models.TextField(blank=True, default="")
    synthetic = models.BooleanField(default=False, help_text="True for simulated demo patients.")

    class Meta:
        ordering = ("pseudonym",)

    def __str__(self) -> str:
        return self.pseudonym

    def clean(self) -> None:
        """Refuse a death, last follow-up or consent before birth or in the future, and a last follow-up
        after death (`registry.chronology`)."""
        super().clean()
        from ipexpath.registry.chronology import Life, birth_problem, patient_problem

        if self.pseudonym is not None and (bad_name := pseudonym_problem(self.pseudonym)) is not None:
            raise ValidationError({"pseudonym": bad_name})
        if self.birth_year is None or (self.birth_month is not None and not 1 <= self.birth_month <= 12):
            return  # the field validation reports these
        born = birth_problem(self.birth_year, self.birth_month)
        if born is not None:
            raise ValidationError({born.column: born.text})
        values = {
            "death_date": self.death_date,
            "last_follow_up": self.last_follow_up,
            "consent_date": self.consent_date,
        }
        problem = patient_problem(Life(self.birth_year, self.birth_month, self.death_date), values)
        if problem is not None:
            raise ValidationError({problem.column: problem.text})
        later = self._recorded_after(self.death_date) if self.pk and self.death_date else None
        if later is not None:
            raise ValidationError(
                {
                    "death_date": f"{self.death_date} is before the {later[0]} of {later[1]} already "
                    "recorded; correct one of the two."
                }
            )

    def _recorded_after(self, death: Any) -> tuple[str, Any] | None:
        """The first treatment, measurement or visit of this patient dated after `death` (the rule imports
        apply row by row, `chronology.row_problem`), as (what, date); None when there is none."""
        patient_rows = (
            (
                "transplant",
                Hsct,
                ("day0", "neutrophil_engraftment", "platelet_engraftment", "graft_failure_date"),
            ),
            ("immunosuppression course", ImmunosuppressionCourse, ("start", "stop")),
            ("supportive care", SupportiveCare, ("start", "stop")),
            ("gene or cell therapy", GeneCellTherapy, ("infusion_date",)),
            ("visit", FollowUpVisit, ("visit_date",)),
            ("organ-involvement assessment", OiAssessment, ("assessed_on",)),
            ("phenotype onset", PhenotypeObservation, ("onset_date",)),
        )
        checks = [
            (what, model.objects.filter(patient=self), columns) for what, model, columns in patient_rows
        ]
        checks.append(
            (
                "chimerism measurement",
                ChimerismMeasurement.objects.filter(transplant__patient=self),
                ("measured_on",),
            )
        )
        for what, rows, columns in checks:
            for column in columns:
                day = rows.filter(**{f"{column}__gt": death}).order_by(column).values_list(column, flat=True)
                if day.first() is not None:
                    return what, day.first()
        return None


class Diagnosis(RegistryRecord):
    """IPEX or an IPEX-like disorder, its confirmation and the variant (ids of the IPEX knowledge file)."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="diagnoses")
    disease_id = models.CharField(max_length=40, help_text="OMIM id, e.g. OMIM:304790 (IPEX).")
    disease_label = models.CharField(max_length=200)
    gene = models.CharField(max_length=20, blank=True, default="")
    onset_date = models.DateField(null=True, blank=True)
    diagnosis_date = models.DateField(null=True, blank=True)
    genetic_confirmation = models.BooleanField(default=False)
    confirmation_date = models.DateField(
        null=True, blank=True, help_text="Date of the confirmatory genetic test (CIBMTR form 2402 rule)."
    )
    variant_hgvs = models.CharField(max_length=200, blank=True, default="")
    variant_class = models.CharField(max_length=40, blank=True, default="")
    assessment = models.ForeignKey(
        "StoredAssessment", on_delete=models.PROTECT, null=True, blank=True, related_name="diagnoses"
    )


class StoredAssessment(RegistryRecord):
    """An ipexpath assessment (assessment.json as written by `assess`) kept with the patient."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="assessments")
    ipexpath_version = models.CharField(max_length=40)
    assessment_json = models.JSONField()


class PhenotypeObservation(RegistryRecord):
    """An HPO term observed (or excluded) in the patient, with its onset when known."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="phenotypes")
    hpo_id = models.CharField(max_length=20)
    label = models.CharField(max_length=300)
    excluded = models.BooleanField(default=False)
    onset_date = models.DateField(null=True, blank=True)
    recorded_on = models.DateField(null=True, blank=True)


class DonorType(models.TextChoices):
    """Donor types as Barzaghi 2018 reports them (matched related/unrelated, haploidentical, mismatched)."""

    MATCHED_RELATED = "matched_related", "matched related"
    MATCHED_UNRELATED = "matched_unrelated", "matched unrelated"
    MISMATCHED_RELATED = "mismatched_related", "mismatched related"
    MISMATCHED_UNRELATED = "mismatched_unrelated", "mismatched unrelated"
    HAPLOIDENTICAL = "haploidentical", "haploidentical"
    UNKNOWN = "unknown", "unknown"


class StemCellSource(models.TextChoices):
    """Graft source (CIEINR form 30 `source_graft`)."""

    BONE_MARROW = "bone_marrow", "bone marrow"
    PERIPHERAL_BLOOD = "peripheral_blood", "mobilised peripheral blood stem cells"
    CORD_BLOOD = "cord_blood", "umbilical cord blood"
    OTHER = "other", "other"


class ConditioningIntensity(models.TextChoices):
    """Barzaghi 2018: 'full' (myeloablative: Bu+Cy; Bu > 14 mg/kg or AUC 80-90 mg*h/L + Flu; or treosulfan) vs
    'RIT' (reduced- or minimal-intensity conditioning)."""

    FULL = "full", "full (myeloablative)"
    RIT = "rit", "reduced-intensity transplant (RIC or MIC)"
    NONE = "none", "no conditioning (boost)"
    UNKNOWN = "unknown", "not recorded"


class HsctKind(models.TextChoices):
    """Barzaghi 2018: a boost is an infusion without conditioning; a second transplant has a new donor and
    conditioning."""

    FIRST = "first", "first transplant"
    SECOND = "second", "second or later transplant"
    BOOST = "boost", "boost (no conditioning)"


class GraftFailure(models.TextChoices):
    """Barzaghi 2018: primary = "absence of donor cells in peripheral blood posttransplant"; secondary =
    "reduction of neutrophil counts, occurring after engraftment, and absence of donor cells (below 5%)"."""

    NONE = "none", "none"
    PRIMARY = "primary", "primary graft failure"
    SECONDARY = "secondary", "secondary graft failure"


class Hsct(RegistryRecord):
    """One haematopoietic stem-cell transplant (or boost) with its procedure details and outcomes."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="transplants")
    sequence = models.PositiveSmallIntegerField(default=1)
    kind = models.CharField(max_length=10, choices=HsctKind.choices, default=HsctKind.FIRST)
    day0 = models.DateField()
    donor_type = models.CharField(max_length=30, choices=DonorType.choices, default=DonorType.UNKNOWN)
    hla_match = models.CharField(max_length=20, blank=True, default="", help_text="e.g. 10/10, 9/10, haplo.")
    stem_cell_source = models.CharField(max_length=20, choices=StemCellSource.choices, blank=True, default="")
    graft_manipulation = models.CharField(max_length=60, blank=True, default="")
    cd34_dose_per_kg = models.FloatField(
        null=True, blank=True, validators=[MinValueValidator(0)], help_text="CD34+ cells x 10^6/kg."
    )
    conditioning_intensity = models.CharField(
        max_length=10, choices=ConditioningIntensity.choices, default=ConditioningIntensity.UNKNOWN
    )
    conditioning_regimen = models.CharField(max_length=200, blank=True, default="")
    serotherapy = models.CharField(
        max_length=40, blank=True, default="", help_text="ATG, alemtuzumab or none."
    )
    gvhd_prophylaxis = models.CharField(max_length=200, blank=True, default="")
    neutrophil_engraftment = models.DateField(
        null=True, blank=True, help_text="First of 3 days with neutrophils > 1000/mm3 unsupported (Barzaghi)."
    )
    platelet_engraftment = models.DateField(
        null=True, blank=True, help_text="First of 3 days with platelets > 50,000/mm3 unsupported (Barzaghi)."
    )
    acute_gvhd_grade = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MaxValueValidator(4)],
        help_text="Overall grade 0-4 (MAGIC, Harris et al. 2016).",
    )
    acute_gvhd_system = models.CharField(
        max_length=80, blank=True, default="MAGIC (Harris et al. 2016, doi 10.1016/j.bbmt.2015.09.001)"
    )
    chronic_gvhd = models.CharField(
        max_length=20, blank=True, default="", help_text="none, mild, moderate, severe (NIH consensus)."
    )
    chronic_gvhd_system = models.CharField(
        max_length=80,
        blank=True,
        default="NIH consensus (Filipovich et al. 2005, doi 10.1016/j.bbmt.2005.09.004)",
    )
    graft_failure = models.CharField(max_length=10, choices=GraftFailure.choices, default=GraftFailure.NONE)
    graft_failure_date = models.DateField(null=True, blank=True)

    def clean(self) -> None:
        """The date rules, and a CD34 dose in the unit the field asks for."""
        super().clean()
        problem = implausible(self)
        if problem is not None:
            raise problem


# Bounds that catch a value typed in the wrong unit (grams for kilograms, metres for centimetres, an absolute
# cell count for a dose per kilogram); they are physical plausibility limits, not clinical thresholds.
PLAUSIBLE = {
    "weight_kg": (0.2, 300.0, "kilograms (7.9 for a baby of 7,900 g)"),
    "height_cm": (20.0, 250.0, "centimetres (84.5 for 0.845 m)"),
    "weight_z": (-15.0, 15.0, "standard deviations"),
    "height_z": (-15.0, 15.0, "standard deviations"),
    "cd34_dose_per_kg": (
        0.0,
        1000.0,
        "millions of CD34+ cells per kilogram of the recipient (5.2, not 5200000)",
    ),
}


def implausible(row: models.Model) -> ValidationError | None:
    """A ValidationError naming each value outside `PLAUSIBLE` (likely a unit mistake), or None."""
    errors = {}
    for name, (low, high, unit) in PLAUSIBLE.items():
        value = getattr(row, name, None)
        if value is not None and not low <= value <= high:
            errors[name] = f"{value:g} is not plausible in {unit}: check the unit."
    return ValidationError(errors) if errors else None


class ChimerismLineage(models.TextChoices):
    """Lineages for chimerism; Tregs matter in IPEX (Barzaghi 2018: remission with 100 % donor Tregs)."""

    WHOLE_BLOOD = "whole_blood", "whole blood"
    CD3 = "cd3", "T cells (CD3)"
    MYELOID = "myeloid", "myeloid (CD15/CD33)"
    CD19 = "cd19", "B cells (CD19)"
    CD56 = "cd56", "NK cells (CD56)"
    TREG = "treg", "regulatory T cells (CD4+CD25+FOXP3+)"


class ChimerismMeasurement(RegistryRecord):
    """Donor chimerism of one lineage at one date (full donor chimerism: > 95 % donor cells, Barzaghi)."""

    transplant = models.ForeignKey(Hsct, on_delete=models.PROTECT, related_name="chimerism")
    measured_on = models.DateField()
    lineage = models.CharField(max_length=20, choices=ChimerismLineage.choices)
    donor_percent = models.FloatField(validators=[MinValueValidator(0), MaxValueValidator(100)])
    method = models.CharField(max_length=40, blank=True, default="", help_text="STR, qPCR, ddPCR.")


class Response(models.TextChoices):
    """Response to immunosuppression ('beneficial' = partial or complete disappearance of signs, Barzaghi)."""

    COMPLETE = "complete", "complete"
    PARTIAL = "partial", "partial"
    NONE = "none", "none"
    NOT_EVALUABLE = "not_evaluable", "not evaluable"


class ImmunosuppressionCourse(RegistryRecord):
    """One course of an immunosuppressive drug (drug classes as in Barzaghi 2018, Fig 3)."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="immunosuppression")
    drug = models.CharField(max_length=80)
    drug_class = models.CharField(max_length=40, blank=True, default="")
    dose = models.CharField(max_length=80, blank=True, default="")
    start = models.DateField()
    stop = models.DateField(null=True, blank=True)
    stop_reason = models.CharField(max_length=200, blank=True, default="")
    response = models.CharField(max_length=20, choices=Response.choices, blank=True, default="")


class SupportiveKind(models.TextChoices):
    """Supportive care that shapes follow-up (GeneReviews NBK1118; CIEINR forms 24 and 28)."""

    INSULIN = "insulin", "insulin"
    ENTERAL_NUTRITION = "enteral_nutrition", "enteral nutrition"
    PARENTERAL_NUTRITION = "parenteral_nutrition", "parenteral nutrition"
    IMMUNOGLOBULIN = "immunoglobulin", "immunoglobulin replacement"
    THYROXINE = "thyroxine", "thyroid hormone replacement"
    OTHER = "other", "other"


class SupportiveCare(RegistryRecord):
    """An episode of supportive care (insulin is lifelong: T1D persists after HSCT, Gambineri 2018)."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="supportive_care")
    kind = models.CharField(max_length=30, choices=SupportiveKind.choices)
    detail = models.CharField(max_length=200, blank=True, default="")
    start = models.DateField()
    stop = models.DateField(null=True, blank=True)


class GeneCellTherapy(RegistryRecord):
    """Gene or cell therapy (e.g. autologous CD4^LVFOXP3 in a trial; CIEINR form 32)."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="gene_cell_therapy")
    product = models.CharField(max_length=120)
    trial_id = models.CharField(max_length=60, blank=True, default="")
    vector = models.CharField(max_length=60, blank=True, default="")
    infusion_date = models.DateField()
    response = models.CharField(max_length=60, blank=True, default="")
    complications = models.TextField(blank=True, default="")


class FollowUpVisit(RegistryRecord):
    """A follow-up visit: growth, autoimmunity, infections, quality of life (reference note §4.7)."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="visits")
    visit_date = models.DateField()
    weight_kg = models.FloatField(null=True, blank=True, validators=[MinValueValidator(0)])
    height_cm = models.FloatField(null=True, blank=True, validators=[MinValueValidator(0)])
    weight_z = models.FloatField(null=True, blank=True, help_text="Weight-for-age z-score as entered.")
    height_z = models.FloatField(null=True, blank=True, help_text="Height-for-age z-score as entered.")
    active_autoimmunity = models.BooleanField(
        null=True, blank=True, help_text="Autoimmunity other than type 1 diabetes active at this visit."
    )
    autoimmune_manifestations = models.JSONField(default=list, blank=True, help_text="HPO ids.")
    infections = models.TextField(blank=True, default="")
    qol_instrument = models.CharField(max_length=80, blank=True, default="")
    qol_score = models.FloatField(null=True, blank=True)

    def clean(self) -> None:
        """The date rules, and weight, height and z-scores in their units."""
        super().clean()
        problem = implausible(self)
        if problem is not None:
            raise problem


class LabValue(RegistryRecord):
    """A laboratory value measured at a visit, with its unit (LOINC code when known)."""

    visit = models.ForeignKey(FollowUpVisit, on_delete=models.PROTECT, related_name="labs")
    analyte = models.CharField(max_length=80)
    value = models.FloatField()
    unit = models.CharField(max_length=30)
    loinc = models.CharField(max_length=20, blank=True, default="")


class OiTimepoint(models.TextChoices):
    """Time points at which Barzaghi 2018 assessed the organ-involvement score."""

    ONSET = "onset", "at onset"
    PRE_IS = "pre_IS", "before immunosuppression"
    PRE_HSCT = "pre_HSCT", "before HSCT"
    POST_IS = "post_IS", "after immunosuppression"
    FOLLOW_UP = "follow_up", "follow-up"


class OiAssessment(RegistryRecord):
    """Barzaghi's organ-involvement score: five items, each present/absent/missing (missing stays missing)."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="oi_assessments")
    assessed_on = models.DateField()
    timepoint = models.CharField(max_length=12, choices=OiTimepoint.choices)
    assessor = models.CharField(max_length=120, blank=True, default="")
    intractable_diarrhea = models.BooleanField(null=True, blank=True)
    malnutrition = models.BooleanField(null=True, blank=True)
    liver_dysfunction = models.BooleanField(null=True, blank=True)
    respiratory_impairment = models.BooleanField(null=True, blank=True)
    kidney_dysfunction = models.BooleanField(null=True, blank=True)


class AuditEvent(models.Model):
    """Who changed what, when, with the row before and after (append-only; never updated or deleted)."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.CharField(max_length=150)
    action = models.CharField(max_length=20)  # create, update, delete, import, export, read, restore
    model = models.CharField(max_length=60)
    object_pk = models.CharField(max_length=40, blank=True, default="")
    patient_pseudonym = models.CharField(max_length=64, blank=True, default="", db_index=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    detail = models.TextField(blank=True, default="")
    source = models.CharField(
        max_length=80, blank=True, default="", help_text="cli, web address, import file."
    )

    class Meta:
        ordering = ("at", "id")

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Insert only: an audit row, once written, is never changed."""
        if self.pk is not None:
            raise RuntimeError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        """Refused: the audit trail is append-only."""
        raise RuntimeError("Audit events are append-only.")


# Every registry model, each after the models it points to: backups are written in this order, and rows are
# removed in the reverse order.
MODELS_PARENTS_FIRST: tuple[type[models.Model], ...] = (
    Centre,
    Patient,
    StoredAssessment,
    Diagnosis,
    PhenotypeObservation,
    Hsct,
    ChimerismMeasurement,
    ImmunosuppressionCourse,
    SupportiveCare,
    GeneCellTherapy,
    FollowUpVisit,
    LabValue,
    OiAssessment,
    AuditEvent,
)
