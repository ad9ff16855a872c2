"""CSV exchange: one file per table (patient.csv, hsct.csv, …) plus `data_dictionary.csv`."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ipexpath.errors import InputError
from ipexpath.files import atomic_write_text
from ipexpath.registry.store import TableRows
from ipexpath.registry.tables import TABLES, columns, dictionary_rows

MAX_CSV_BYTES = 500 * 1024 * 1024
DICTIONARY_COLUMNS = ("table", "column", "type", "required", "allowed_values", "description")


def _csv_text(header: list[str] | tuple[str, ...], rows: list[dict[str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(header), lineterminator="\n", extrasaction="raise")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def write_csv(data: TableRows, folder: Path) -> list[Path]:
    """Write every table and the data dictionary into `folder`; returns the files written."""
    written = []
    for table in TABLES:
        path = folder / f"{table.name}.csv"
        atomic_write_text(path, _csv_text(columns(table), data.get(table.name, [])))
        written.append(path)
    path = folder / "data_dictionary.csv"
    atomic_write_text(path, _csv_text(DICTIONARY_COLUMNS, dictionary_rows()))
    written.append(path)
    return written


def read_csv(folder: Path) -> TableRows:
    """Read the tables present in `folder` (patient.csv is required); unknown files are ignored."""
    if not (folder / "patient.csv").is_file():
        raise InputError(
            f"'{folder}' has no patient.csv.", "Export a registry with --format csv to see the layout."
        )
    data: TableRows = {}
    for table in TABLES:
        path = folder / f"{table.name}.csv"
        if not path.is_file():
            continue
        if path.stat().st_size > MAX_CSV_BYTES:
            raise InputError(f"{path.name} is larger than {MAX_CSV_BYTES // 2**20} MB.")
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputError(
                f"{path.name} is not UTF-8 text (byte {exc.start}).", "Save it as UTF-8 CSV."
            ) from exc
        reader = csv.DictReader(io.StringIO(text))
        if reader.fieldnames is None:
            raise InputError(f"{path.name} is empty; it needs at least a header line.")
        rows = []
        for line, row in enumerate(reader, start=2):
            if None in row:
                raise InputError(f"{path.name}, line {line}: more cells than columns in the header.")
            rows.append({key: value or "" for key, value in row.items()})
        data[table.name] = rows
    return data
