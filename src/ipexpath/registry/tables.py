"""The registry as flat tables: one per model, rows keyed by patient pseudonym — the shape CSV, REDCap and
imports share, and the source of the data dictionary (generated from the models, so they cannot disagree).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models

from ipexpath.registry import models as m


@dataclass(frozen=True)
class Table:
    """One exported table: its model, how a row points at its owner, and the columns that identify it."""

    name: str
    model: type[m.RegistryRecord]
    label: str
    # How a row names its parent: "patient" (pseudonym), or a (parent table, key columns) pair.
    parent: str = "patient"
    parent_keys: tuple[str, ...] = ()


TABLES: tuple[Table, ...] = (
    Table("patient", m.Patient, "Patient", parent=""),
    Table("diagnosis", m.Diagnosis, "Diagnosis"),
    Table("phenotype", m.PhenotypeObservation, "Phenotype (HPO terms)"),
    Table("hsct", m.Hsct, "Haematopoietic stem-cell transplant"),
    Table("chimerism", m.ChimerismMeasurement, "Chimerism", parent="hsct", parent_keys=("hsct_sequence",)),
    Table("immunosuppression", m.ImmunosuppressionCourse, "Immunosuppression course"),
    Table("supportive_care", m.SupportiveCare, "Supportive care"),
    Table("gene_cell_therapy", m.GeneCellTherapy, "Gene or cell therapy"),
    Table("visit", m.FollowUpVisit, "Follow-up visit"),
    Table("lab", m.LabValue, "Laboratory value", parent="visit", parent_keys=("visit_date",)),
    Table("oi_assessment", m.OiAssessment, "Organ-involvement score assessment"),
)
TABLE_BY_NAME = {table.name: table for table in TABLES}
_INTERNAL = {"id", "created_at", "updated_at", "deleted_at", "deleted_reason", "assessment"}
_LINKS = {"patient", "transplant", "visit", "centre"}


def data_fields(table: Table) -> list[models.Field]:  # type: ignore[type-arg]
    """The model fields a table carries as columns (no internal ids, stamps or links)."""
    return [
        field
        for field in table.model._meta.concrete_fields
        if field.name not in _INTERNAL and field.name not in _LINKS
    ]


def columns(table: Table) -> list[str]:
    """Column names of a table, identifying columns first."""
    head = ["patient"] if table.parent else ["pseudonym", "centre"]
    head += list(table.parent_keys)
    return head + [field.name for field in data_fields(table) if field.name != "pseudonym"]


def field_type(field: models.Field) -> str:  # type: ignore[type-arg]
    """A plain type name for the data dictionary."""
    if isinstance(field, models.BooleanField):
        return "yes/no (empty = unknown)" if field.null else "yes/no"
    if isinstance(field, models.DateField):
        return "date (YYYY-MM-DD)"
    if isinstance(field, models.FloatField):
        return "number"
    if isinstance(field, models.PositiveSmallIntegerField | models.IntegerField):
        return "integer"
    if isinstance(field, models.JSONField):
        return "list of HPO ids separated by ';'"
    return "text"


# What a column means, with its unit, where the model field has no help text (the data dictionaries would
# otherwise repeat the column name).
DESCRIPTIONS: dict[tuple[str, str], str] = {
    ("patient", "pseudonym"): "The patient's pseudonym, never a name (no '/').",
    ("patient", "sex"): "Sex as the phenopacket schema spells it.",
    ("patient", "birth_year"): "Year of birth (1900 to this year).",
    ("patient", "birth_month"): "Month of birth, 1-12 (empty if not known); the registry keeps no birth day.",
    ("patient", "consent"): "Consent (ESID level 1): signed, withdrawn, or not applicable only if deceased.",
    ("patient", "consent_date"): "Date the consent was signed.",
    ("patient", "familial_case"): "Another affected relative (familial case).",
    ("patient", "consanguinity"): "Parents consanguineous.",
    ("patient", "vital_status"): "Alive, deceased or unknown at the last contact.",
    ("patient", "death_date"): "Date of death (required when deceased).",
    ("patient", "death_category"): "Cause-of-death category (transplant-related deaths are the event of the "
    "transplant-related mortality analysis).",
    ("patient", "cause_of_death"): "Cause of death as written.",
    ("diagnosis", "disease_label"): "Name of the disease (IPEX or an IPEX-like disorder).",
    ("diagnosis", "gene"): "Gene symbol (HGNC).",
    ("diagnosis", "onset_date"): "Date of the first symptoms.",
    ("diagnosis", "diagnosis_date"): "Date of diagnosis (time zero of the 'diagnosis' analysis).",
    ("diagnosis", "genetic_confirmation"): "Diagnosis confirmed by a genetic test (a clinician's decision).",
    ("diagnosis", "variant_hgvs"): "The causal variant in HGVS, e.g. FOXP3 NM_014009.4:c.1150G>A.",
    ("diagnosis", "variant_class"): "ACMG/AMP class of the variant.",
    ("phenotype", "hpo_id"): "HPO term id, e.g. HP:0002028.",
    ("phenotype", "label"): "HPO term label.",
    ("phenotype", "excluded"): "yes = the finding was looked for and is absent.",
    ("phenotype", "onset_date"): "Date the finding began.",
    ("phenotype", "recorded_on"): "Date the finding was recorded.",
    ("hsct", "sequence"): "Transplant number, 1 = the first (boosts numbered too).",
    (
        "hsct",
        "kind",
    ): "First transplant, second or later (new donor, conditioning) or boost (no conditioning).",
    ("hsct", "day0"): "Day 0: date of the stem-cell infusion.",
    ("hsct", "donor_type"): "Donor type (Barzaghi 2018 categories).",
    ("hsct", "stem_cell_source"): "Graft source.",
    ("hsct", "graft_manipulation"): "E.g. none, alpha-beta T-cell depleted, CD34+ selected.",
    (
        "hsct",
        "conditioning_intensity",
    ): "Full (myeloablative) or reduced-intensity (RIC or MIC), by Barzaghi's mapping; none for a boost.",
    ("hsct", "conditioning_regimen"): "Drugs with doses or AUC, e.g. busulfan/fludarabine/ATG.",
    ("hsct", "gvhd_prophylaxis"): "GvHD prophylaxis drugs.",
    ("hsct", "acute_gvhd_system"): "Grading system of the acute GvHD grade.",
    ("hsct", "chronic_gvhd_system"): "Grading system of the chronic GvHD severity.",
    ("hsct", "graft_failure"): "None, primary or secondary graft failure (Barzaghi 2018 definitions).",
    ("hsct", "graft_failure_date"): "Date of graft failure.",
    ("chimerism", "lineage"): "Cell lineage measured.",
    ("chimerism", "donor_percent"): "Donor cells, percent (0-100).",
    ("chimerism", "measured_on"): "Date of the measurement (on or after day 0).",
    ("immunosuppression", "drug"): "Drug, e.g. sirolimus, tacrolimus, ciclosporin, steroids.",
    ("immunosuppression", "drug_class"): "Drug class, e.g. mTOR inhibitor, calcineurin inhibitor.",
    ("immunosuppression", "dose"): "Dose with its unit, e.g. 1 mg/m2/day.",
    ("immunosuppression", "start"): "Start date (the first course is time zero of the IS group).",
    ("immunosuppression", "stop"): "Stop date (empty while the course goes on).",
    ("immunosuppression", "stop_reason"): "Why the course stopped.",
    ("immunosuppression", "response"): "Response (beneficial = partial or complete disappearance of signs).",
    ("supportive_care", "kind"): "Kind of supportive care.",
    ("supportive_care", "detail"): "Detail, e.g. insulin regimen, feed.",
    ("supportive_care", "start"): "Start date.",
    ("supportive_care", "stop"): "Stop date (empty while it goes on).",
    ("gene_cell_therapy", "product"): "Product, e.g. autologous CD4^LVFOXP3 T cells.",
    ("gene_cell_therapy", "infusion_date"): "Date of infusion.",
    ("visit", "visit_date"): "Date of the visit.",
    ("visit", "weight_kg"): "Weight in kilograms.",
    ("visit", "height_cm"): "Height (or length) in centimetres.",
    ("visit", "infections"): "Infections since the last visit, as written.",
    ("visit", "qol_instrument"): "Quality-of-life instrument, e.g. PedsQL.",
    ("visit", "qol_score"): "Quality-of-life score on the instrument's own scale.",
    ("lab", "analyte"): "What was measured, e.g. HbA1c, IgE.",
    ("lab", "value"): "The measured value, in `unit`.",
    ("lab", "unit"): "Unit of the value as reported (UCUM where possible), e.g. %, kU/L.",
    ("lab", "loinc"): "LOINC code of the test, when known.",
    ("gene_cell_therapy", "trial_id"): "Clinical-trial registration id, e.g. NCT number.",
    ("gene_cell_therapy", "vector"): "Vector, e.g. lentiviral.",
    ("gene_cell_therapy", "response"): "Response, as written.",
    ("gene_cell_therapy", "complications"): "Complications, as written.",
    (
        "oi_assessment",
        "intractable_diarrhea",
    ): "OI item: intractable diarrhoea (yes / no / empty = not assessed).",
    ("oi_assessment", "malnutrition"): "OI item: malnutrition (yes / no / empty = not assessed).",
    ("oi_assessment", "liver_dysfunction"): "OI item: liver dysfunction (yes / no / empty = not assessed).",
    ("oi_assessment", "respiratory_impairment"): "OI item: respiratory impairment (yes / no / empty = not "
    "assessed).",
    ("oi_assessment", "kidney_dysfunction"): "OI item: kidney dysfunction (yes / no / empty = not assessed).",
    ("oi_assessment", "assessed_on"): "Date of the organ-involvement assessment.",
    ("oi_assessment", "timepoint"): "When, relative to treatment (Barzaghi 2018 time points).",
    ("oi_assessment", "assessor"): "Who assessed.",
}


def describe(table: str, field: models.Field) -> str:  # type: ignore[type-arg]
    """The data dictionary's description of a column: its help text, else `DESCRIPTIONS`, else its name."""
    return str(field.help_text or DESCRIPTIONS.get((table, field.name)) or field.verbose_name)


def dictionary_rows() -> list[dict[str, str]]:
    """The CSV data dictionary: table, column, type, required, allowed values, description."""
    rows: list[dict[str, str]] = []
    for table in TABLES:
        fields = {field.name: field for field in data_fields(table)}
        for name in columns(table):
            field = fields.get(name)
            if field is None:
                rows.append(
                    {
                        "table": table.name,
                        "column": name,
                        "type": "date (YYYY-MM-DD)" if name.endswith("_date") else "text/integer",
                        "required": "yes",
                        "allowed_values": "",
                        "description": _KEY_TEXT.get(name, ""),
                    }
                )
                continue
            required = not (field.null or field.blank or field.has_default())
            rows.append(
                {
                    "table": table.name,
                    "column": name,
                    "type": field_type(field),
                    "required": "yes" if required else "no",
                    "allowed_values": " | ".join(
                        f"{value} = {label}" for value, label in field.choices or ()
                    ),
                    "description": describe(table.name, field),
                }
            )
    return rows


_KEY_TEXT = {
    "pseudonym": "Pseudonymous patient id (no names, no hospital numbers).",
    "centre": "Code of the documenting centre.",
    "patient": "Pseudonym of the patient the row belongs to.",
    "hsct_sequence": "Sequence number of the transplant the measurement belongs to.",
    "visit_date": "Date of the visit the laboratory value belongs to.",
}
