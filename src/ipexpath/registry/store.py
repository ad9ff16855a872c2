"""Write registry tables into the database in one transaction, and read them back out.

Every import format (CSV, REDCap, phenopacket) is first turned into `TableRows` (column → text, as in a CSV
file); this module checks each value against the model field it goes into and writes everything or nothing.
A bad row rolls the whole import back and the message names the table, the row and the column.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

from ipexpath.errors import InputError
from ipexpath.knowledge.ipex import load_ipex_knowledge
from ipexpath.registry import audit
from ipexpath.registry import models as m
from ipexpath.registry.chronology import Life, birth_problem, patient_problem, row_problem
from ipexpath.registry.tables import TABLE_BY_NAME, TABLES, Table, columns, data_fields

Row = dict[str, str]
TableRows = dict[str, list[Row]]  # table name -> rows (each row: column -> text as in a CSV cell)
MAX_PATIENTS_PER_IMPORT = 200_000

_TRUE = {"yes", "y", "true", "1", "present"}
_FALSE = {"no", "n", "false", "0", "absent"}


class RegistryInputError(InputError):
    """A value in an import that cannot go into the registry (names where it is)."""


@dataclass
class ImportSummary:
    """What an import wrote: rows per table and audit rows."""

    rows: dict[str, int] = field(default_factory=dict)
    audit_rows: int = 0

    @property
    def patients(self) -> int:
        """Number of patients created."""
        return self.rows.get("patient", 0)


def _where(table: str, index: int, column: str | None = None) -> str:
    place = f"{table} row {index}"
    return f"{place}, column '{column}'" if column else place


def _convert(field_: models.Field, text: str | None, where: str) -> Any:  # type: ignore[type-arg]
    """The Python value of one cell for `field_`, validated (choices, ranges); a clear error otherwise."""
    raw = (text or "").strip()
    if raw == "":
        if field_.null:
            return None
        if field_.has_default():
            return field_.get_default()
        if field_.blank:
            return ""
        raise RegistryInputError(f"{where}: a value is required.")
    try:
        if isinstance(field_, models.BooleanField):
            low = raw.lower()
            if low in _TRUE:
                return True
            if low in _FALSE:
                return False
            raise ValidationError(f"'{raw}' is not yes or no")
        if isinstance(field_, models.JSONField):
            return [item.strip() for item in raw.split(";") if item.strip()]
        if isinstance(field_, models.FloatField):
            value = float(raw)
            if value != value or value in (float("inf"), float("-inf")):
                raise ValidationError(f"'{raw}' is not a finite number")
            field_.run_validators(value)
            return value
        return field_.clean(raw, None)
    except (ValidationError, ValueError, OverflowError) as exc:
        message = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        allowed = ""
        if field_.choices:
            allowed = " Allowed: " + ", ".join(str(value) for value, _ in field_.choices) + "."
        raise RegistryInputError(f"{where}: {message}.{allowed}") from exc


def _build(table: Table, row: Row, index: int) -> dict[str, Any]:
    unknown = set(row) - set(columns(table))
    if unknown:
        raise RegistryInputError(
            f"{_where(table.name, index)}: unknown column(s) {', '.join(sorted(unknown))}.",
            "See data_dictionary.csv for the columns of each table.",
        )
    return {
        f.name: _convert(f, row.get(f.name), _where(table.name, index, f.name)) for f in data_fields(table)
    }


def _check_patient(values: dict[str, Any], where: str) -> None:
    today = dt.date.today()
    year, month = values["birth_year"], values["birth_month"]
    if not 1900 <= year <= today.year:
        raise RegistryInputError(f"{where}, column 'birth_year': {year} is not a plausible birth year.")
    if month is not None and not 1 <= month <= 12:
        raise RegistryInputError(f"{where}, column 'birth_month': {month} is not a month (1-12).")
    born = birth_problem(year, month)
    if born is not None:
        raise RegistryInputError(f"{where}, column '{born.column}': {born.text}")
    bad_name = m.pseudonym_problem(str(values["pseudonym"]))
    if bad_name is not None:
        raise RegistryInputError(f"{where}, column 'pseudonym': {bad_name}")
    if values["vital_status"] == m.VitalStatus.DECEASED and values["death_date"] is None:
        raise RegistryInputError(f"{where}: a deceased patient needs a death_date.")
    if values["death_date"] is not None and values["vital_status"] != m.VitalStatus.DECEASED:
        raise RegistryInputError(f"{where}: death_date is given but vital_status is not 'deceased'.")
    problem = patient_problem(Life(year, month, values["death_date"]), values)
    if problem is not None:
        raise RegistryInputError(f"{where}, column '{problem.column}': {problem.text}")


def _check_dates(table: str, values: dict[str, Any], patient: m.Patient, where: str) -> None:
    """The chronology rules (`registry.chronology`); a boost without a conditioning entry gets 'none'."""
    problem = row_problem(table, values, Life(patient.birth_year, patient.birth_month, patient.death_date))
    if problem is not None:
        raise RegistryInputError(f"{where}, column '{problem.column}': {problem.text}")
    if table == "hsct" and values.get("kind") == m.HsctKind.BOOST:
        values["conditioning_intensity"] = m.ConditioningIntensity.NONE


def _check_diagnosis(values: dict[str, Any], where: str, known: frozenset[str]) -> None:
    if values["disease_id"] not in known:
        raise RegistryInputError(
            f"{where}, column 'disease_id': {values['disease_id']} is not IPEX or an IPEX-like disorder "
            "in ipexpath's knowledge file.",
            "Use the OMIM id, e.g. OMIM:304790 for IPEX.",
        )


def _pseudonym(row: Row, table: Table, index: int) -> str:
    key = "pseudonym" if table.name == "patient" else "patient"
    value = (row.get(key) or "").strip()
    if not value:
        raise RegistryInputError(f"{_where(table.name, index, key)}: the patient pseudonym is missing.")
    return value


def import_tables(data: Mapping[str, Iterable[Row]], detail: str) -> ImportSummary:
    """Create the patients and all their rows in one transaction; nothing is written if any row is bad."""
    unknown = set(data) - set(TABLE_BY_NAME)
    if unknown:
        raise RegistryInputError(f"Unknown table(s) in the import: {', '.join(sorted(unknown))}.")
    rows = {name: list(data.get(name, ())) for name in TABLE_BY_NAME}
    if len(rows["patient"]) > MAX_PATIENTS_PER_IMPORT:
        raise RegistryInputError(
            f"The import has {len(rows['patient']):,} patients; "
            f"at most {MAX_PATIENTS_PER_IMPORT:,} per import."
        )
    known_diseases = load_ipex_knowledge().disease_ids(include_differentials=True)
    summary = ImportSummary()
    try:
        with transaction.atomic():
            _write(rows, known_diseases, summary, detail)
    except IntegrityError as exc:
        raise RegistryInputError(f"The import conflicts with the registry's contents: {exc}.") from exc
    return summary


def _write(rows: dict[str, list[Row]], known: frozenset[str], summary: ImportSummary, detail: str) -> None:
    patient_table = TABLE_BY_NAME["patient"]
    centres: dict[str, m.Centre] = {}
    patients: list[m.Patient] = []
    seen: set[str] = set()
    for index, row in enumerate(rows["patient"], start=1):
        where = _where("patient", index)
        pseudonym = _pseudonym(row, patient_table, index)
        if pseudonym in seen:
            raise RegistryInputError(f"{where}: patient '{pseudonym}' appears twice in the import.")
        seen.add(pseudonym)
        centre_code = (row.get("centre") or "").strip()
        if not centre_code:
            raise RegistryInputError(f"{where}, column 'centre': the centre code is missing.")
        if centre_code not in centres:
            centres[centre_code] = m.Centre.objects.get_or_create(
                code=centre_code, defaults={"name": centre_code}
            )[0]
        values = _build(patient_table, row, index)
        values["pseudonym"] = pseudonym
        _check_patient(values, where)
        patients.append(m.Patient(centre=centres[centre_code], **values))
    existing = set(m.Patient.all_objects.filter(pseudonym__in=seen).values_list("pseudonym", flat=True))
    if existing:
        raise RegistryInputError(
            f"{len(existing)} patient(s) of the import are already in the registry, "
            f"e.g. '{sorted(existing)[0]}'.",
            "Import only new patients; change existing ones one by one so that each change is audited.",
        )
    created = m.Patient.objects.bulk_create(patients, batch_size=2000)
    by_pseudonym = {p.pseudonym: p for p in created}
    summary.rows["patient"] = len(created)
    summary.audit_rows += audit.record_created(created, detail)

    parents: dict[str, dict[tuple[str, str], models.Model]] = {}
    for table in TABLES[1:]:
        objects: list[models.Model] = []
        for index, row in enumerate(rows[table.name], start=1):
            where = _where(table.name, index)
            pseudonym = _pseudonym(row, table, index)
            patient = by_pseudonym.get(pseudonym)
            if patient is None:
                raise RegistryInputError(
                    f"{where}: patient '{pseudonym}' is not among the imported patients."
                )
            values = _build(table, row, index)
            _check_dates(table.name, values, patient, where)
            if table.name == "diagnosis":
                _check_diagnosis(values, where, known)
            if table.parent == "patient":
                objects.append(table.model(patient=patient, **values))
                continue
            key_column = table.parent_keys[0]
            key = (pseudonym, (row.get(key_column) or "").strip())
            owner = parents.get(table.parent, {}).get(key)
            if owner is None:
                raise RegistryInputError(
                    f"{where}, column '{key_column}': patient '{pseudonym}' has no {table.parent} '{key[1]}'."
                )
            link = "transplant" if table.parent == "hsct" else "visit"
            day0 = getattr(owner, "day0", None)
            if day0 is not None and values.get("measured_on") and values["measured_on"] < day0:
                raise RegistryInputError(
                    f"{where}, column 'measured_on': {values['measured_on']} is before day 0 ({day0}) of "
                    f"transplant {key[1]}; donor chimerism is measured after the transplant."
                )
            objects.append(table.model(**{link: owner}, **values))
        made = table.model.objects.bulk_create(objects, batch_size=2000)
        if table.name in ("hsct", "visit"):
            key_field = "sequence" if table.name == "hsct" else "visit_date"
            index_by_key: dict[tuple[str, str], models.Model] = {}
            for obj in made:
                key = (obj.patient.pseudonym, str(getattr(obj, key_field)))  # type: ignore[attr-defined]
                if key in index_by_key:
                    raise RegistryInputError(
                        f"{table.name}: patient '{key[0]}' has two rows with {key_field} {key[1]}; "
                        f"{key_field} must be unique per patient."
                    )
                index_by_key[key] = obj
            parents[table.name] = index_by_key
        summary.rows[table.name] = len(made)
        summary.audit_rows += audit.record_created(made, detail)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ";".join(str(item) for item in value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def export_tables(patients: Iterable[m.Patient] | None = None) -> TableRows:
    """All (or the given) live patients and their live rows as text tables, ready for CSV or REDCap."""
    selected = list(patients) if patients is not None else list(m.Patient.objects.select_related("centre"))
    ids = [p.pk for p in selected]
    out: TableRows = {table.name: [] for table in TABLES}
    patient_table = TABLE_BY_NAME["patient"]
    for patient in selected:
        row = {"pseudonym": patient.pseudonym, "centre": patient.centre.code}
        row.update({f.name: _cell(getattr(patient, f.name)) for f in data_fields(patient_table)})
        out["patient"].append(row)
    for table in TABLES[1:]:
        fields = [f for f in data_fields(table) if f.name != "pseudonym"]
        if table.parent == "patient":
            query = table.model.objects.filter(patient_id__in=ids).select_related("patient")
            for obj in query.order_by("patient__pseudonym", "pk"):
                row = {"patient": obj.patient.pseudonym}
                row.update({f.name: _cell(getattr(obj, f.name)) for f in fields})
                out[table.name].append(row)
        else:
            link = "transplant" if table.parent == "hsct" else "visit"
            key_attr = "sequence" if table.parent == "hsct" else "visit_date"
            query = table.model.objects.filter(
                **{f"{link}__patient_id__in": ids, f"{link}__deleted_at__isnull": True}
            ).select_related(f"{link}__patient")
            for obj in query.order_by(f"{link}__patient__pseudonym", "pk"):
                owner = getattr(obj, link)
                row = {
                    "patient": owner.patient.pseudonym,
                    table.parent_keys[0]: _cell(getattr(owner, key_attr)),
                }
                row.update({f.name: _cell(getattr(obj, f.name)) for f in fields})
                out[table.name].append(row)
    return out
