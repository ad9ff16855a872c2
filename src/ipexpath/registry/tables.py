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
                    "description": str(field.help_text or field.verbose_name),
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
