"""REDCap exchange: a data dictionary (REDCap's 18 columns) and flat records with repeating instruments.

The column headers are REDCap's own (as in the CIEINR data dictionary, BIH-CEI/cieinr); every table except
`patient` is a repeating instrument (`redcap_repeat_instrument`, `redcap_repeat_instance`), the record id is
the patient pseudonym. Choices are written as "code, label | code, label", yes/no fields as REDCap `yesno`.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from django.db import models

from ipexpath.errors import InputError
from ipexpath.files import atomic_write_text
from ipexpath.registry.store import TableRows
from ipexpath.registry.tables import TABLE_BY_NAME, TABLES, Table, columns, data_fields, describe

DICTIONARY_HEADER = (
    "Variable / Field Name",
    "Form Name",
    "Section Header",
    "Field Type",
    "Field Label",
    "Choices, Calculations, OR Slider Labels",
    "Field Note",
    "Text Validation Type OR Show Slider Number",
    "Text Validation Min",
    "Text Validation Max",
    "Identifier?",
    "Branching Logic (Show field only if...)",
    "Required Field?",
    "Custom Alignment",
    "Question Number (surveys only)",
    "Matrix Group Name",
    "Matrix Ranking?",
    "Field Annotation",
)
RECORD_ID = "record_id"
REPEAT = ("redcap_repeat_instrument", "redcap_repeat_instance")


def variable(table: Table, column: str) -> str:
    """The REDCap variable name of a column (unique across instruments; REDCap allows [a-z0-9_])."""
    return column if table.name == "patient" else f"{table.name}_{column}"


def _dictionary_row(table: Table, column: str, field_: models.Field | None) -> dict[str, str]:  # type: ignore[type-arg]
    row = dict.fromkeys(DICTIONARY_HEADER, "")
    row["Variable / Field Name"] = variable(table, column)
    row["Form Name"] = table.name
    row["Field Label"] = column.replace("_", " ")
    row["Field Type"] = "text"
    if field_ is None:
        row["Required Field?"] = "y"
        return row
    if field_.choices:
        row["Field Type"] = "dropdown"
        row["Choices, Calculations, OR Slider Labels"] = " | ".join(
            f"{v}, {lab}" for v, lab in field_.choices
        )
    elif isinstance(field_, models.BooleanField):
        row["Field Type"] = "yesno"
    elif isinstance(field_, models.DateField):
        row["Text Validation Type OR Show Slider Number"] = "date_ymd"
    elif isinstance(field_, models.FloatField):
        row["Text Validation Type OR Show Slider Number"] = "number"
    elif isinstance(field_, models.IntegerField):
        row["Text Validation Type OR Show Slider Number"] = "integer"
    elif isinstance(field_, models.TextField):
        row["Field Type"] = "notes"
    if isinstance(field_, models.JSONField):
        row["Field Note"] = "HPO ids separated by ';' (BIOPORTAL:HP)"
    elif describe(table.name, field_) != field_.verbose_name:
        row["Field Note"] = describe(table.name, field_)
    if not (field_.null or field_.blank or field_.has_default()):
        row["Required Field?"] = "y"
    return row


def dictionary_text() -> str:
    """The REDCap data dictionary CSV (upload it in REDCap's Dictionary page)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=DICTIONARY_HEADER, lineterminator="\n")
    writer.writeheader()
    first = dict.fromkeys(DICTIONARY_HEADER, "")
    first.update(
        {
            "Variable / Field Name": RECORD_ID,
            "Form Name": "patient",
            "Field Type": "text",
            "Field Label": "Record ID (patient pseudonym)",
            "Identifier?": "",
        }
    )
    writer.writerow(first)
    for table in TABLES:
        fields = {f.name: f for f in data_fields(table)}
        for column in columns(table):
            if column in ("pseudonym", "patient"):
                continue
            writer.writerow(_dictionary_row(table, column, fields.get(column)))
    return buffer.getvalue()


def _yesno(table: Table, column: str, value: str, to_redcap: bool) -> str:
    fields = {f.name: f for f in data_fields(table)}
    if not isinstance(fields.get(column), models.BooleanField) or value == "":
        return value
    if to_redcap:
        return "1" if value == "yes" else "0"
    return value


def _all_variables() -> list[str]:
    names = [RECORD_ID, *REPEAT]
    for table in TABLES:
        names += [variable(table, c) for c in columns(table) if c not in ("pseudonym", "patient")]
    return names


def records_text(data: TableRows) -> str:
    """REDCap flat records CSV: one row per patient, one row per repeating instrument instance."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=_all_variables(), lineterminator="\n")
    writer.writeheader()
    for row in data.get("patient", []):
        out = {RECORD_ID: row["pseudonym"]}
        table = TABLE_BY_NAME["patient"]
        out.update(
            {variable(table, c): _yesno(table, c, v, True) for c, v in row.items() if c != "pseudonym"}
        )
        writer.writerow(out)
    for table in TABLES[1:]:
        counters: dict[str, int] = {}
        for row in data.get(table.name, []):
            pseudonym = row["patient"]
            counters[pseudonym] = counters.get(pseudonym, 0) + 1
            out = {RECORD_ID: pseudonym, REPEAT[0]: table.name, REPEAT[1]: str(counters[pseudonym])}
            out.update(
                {variable(table, c): _yesno(table, c, v, True) for c, v in row.items() if c != "patient"}
            )
            writer.writerow(out)
    return buffer.getvalue()


def write_redcap(data: TableRows, folder: Path) -> list[Path]:
    """Write `redcap_data_dictionary.csv` and `redcap_records.csv` into `folder`."""
    dictionary, records = folder / "redcap_data_dictionary.csv", folder / "redcap_records.csv"
    atomic_write_text(dictionary, dictionary_text())
    atomic_write_text(records, records_text(data))
    return [dictionary, records]


def read_redcap(path: Path) -> TableRows:
    """Read a REDCap flat records export (as written by `write_redcap` or REDCap's CSV raw export)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path.name} is not UTF-8 text (byte {exc.start}).") from exc
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames is None or RECORD_ID not in reader.fieldnames:
        raise InputError(f"{path.name} is not a REDCap records export: it has no '{RECORD_ID}' column.")
    data: TableRows = {table.name: [] for table in TABLES}
    for line, raw in enumerate(reader, start=2):
        if None in raw:
            raise InputError(f"{path.name}, line {line}: more cells than columns in the header.")
        record = (raw.get(RECORD_ID) or "").strip()
        instrument = (raw.get(REPEAT[0]) or "").strip() or "patient"
        table = TABLE_BY_NAME.get(instrument)
        if table is None:
            raise InputError(f"{path.name}, line {line}: unknown instrument '{instrument}'.")
        row = {"pseudonym" if table.name == "patient" else "patient": record}
        for column in columns(table):
            if column in ("pseudonym", "patient"):
                continue
            value = (raw.get(variable(table, column)) or "").strip()
            fields = {f.name: f for f in data_fields(table)}
            if isinstance(fields.get(column), models.BooleanField) and value in ("1", "0"):
                value = "yes" if value == "1" else "no"
            row[column] = value
        data[table.name].append(row)
    return data
