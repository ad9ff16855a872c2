"""`ipexpath registry …`: treatment and follow-up registry (import, export, OI score, analysis, backup)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import click

from ipexpath.commands.options import emit_json, json_option
from ipexpath.errors import InputError

FORMATS = ("csv", "redcap", "phenopacket")


def _ready() -> None:
    from ipexpath.registry.bootstrap import configure, migrate

    configure()
    migrate()


def _database_label() -> str:
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        return f"SQLite {db['NAME']}"
    return f"{db['ENGINE'].rsplit('.', 1)[-1]} database '{db['NAME']}' on {db.get('HOST') or 'localhost'}"


@click.group("registry")
def command() -> None:
    """The IPEX treatment and follow-up registry (SQLite by default; IPEXPATH_DATABASE_URL selects one)."""


@command.command("init")
@json_option
def init(as_json: bool) -> None:
    """Create or upgrade the registry database."""
    _ready()
    if as_json:
        emit_json({"database": _database_label(), "status": "ready"})
    else:
        click.echo(f"Registry ready: {_database_label()}.")


def _read_import(path: Path, fmt: str, centre: str | None) -> Any:
    from ipexpath.registry import csv_io, phenopacket_io, redcap

    if not path.exists():
        raise InputError(f"'{path}' does not exist.")
    if fmt == "auto":
        if path.is_dir():
            fmt = "csv" if (path / "patient.csv").is_file() else "phenopacket"
        elif path.suffix.lower() == ".json":
            fmt = "phenopacket"
        else:
            fmt = "redcap"
    if fmt == "csv":
        if not path.is_dir():
            raise InputError("A CSV import is a folder holding patient.csv and the other tables.")
        return csv_io.read_csv(path), fmt
    if fmt == "redcap":
        if not path.is_file():
            raise InputError("A REDCap import is one records CSV file.")
        return redcap.read_redcap(path), fmt
    files = sorted(path.glob("*.json")) if path.is_dir() else [path]
    if not files:
        raise InputError(f"'{path}' holds no phenopacket .json files.")
    if not centre:
        raise InputError("A phenopacket import needs --centre CODE (phenopackets do not name the centre).")
    return phenopacket_io.read_phenopackets(files, centre), fmt


@command.command("import")
@click.argument("source", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(("auto", *FORMATS)), default="auto", show_default=True)
@click.option("--centre", default=None, help="Centre code for imported phenopackets.")
@json_option
def import_(source: Path, fmt: str, centre: str | None, as_json: bool) -> None:
    """Import patients (CSV folder, REDCap records CSV, or phenopacket files) in one transaction."""
    _ready()
    from ipexpath.registry.store import import_tables

    data, used = _read_import(source, fmt, centre)
    summary = import_tables(data, detail=f"import {used} {source.name}")
    if as_json:
        emit_json({"format": used, "rows": summary.rows, "audit_rows": summary.audit_rows})
        return
    rows = ", ".join(f"{n} {table}" for table, n in summary.rows.items() if n)
    click.echo(f"Imported {summary.patients} patient(s) from {source.name} ({used}): {rows}.")


@command.command("export")
@click.argument("out", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(FORMATS), required=True)
@click.option("--include-synthetic/--no-synthetic", default=True, show_default=True)
@json_option
def export(out: Path, fmt: str, include_synthetic: bool, as_json: bool) -> None:
    """Export the registry into folder OUT as phenopackets, CSV tables + data dictionary, or REDCap files."""
    _ready()
    from ipexpath.registry import audit, csv_io, phenopacket_io, redcap
    from ipexpath.registry.models import Patient
    from ipexpath.registry.staging import write_folder
    from ipexpath.registry.store import export_tables

    patients = Patient.objects.select_related("centre")
    if not include_synthetic:
        patients = patients.filter(synthetic=False)
    data = export_tables(list(patients))
    writer = {
        "csv": csv_io.write_csv,
        "redcap": redcap.write_redcap,
        "phenopacket": phenopacket_io.write_phenopackets,
    }
    written = write_folder(out, lambda stage: [p.name for p in writer[fmt](data, stage)])
    audit.record("export", model="Patient", detail=f"{fmt} export of {len(data['patient'])} patients")
    if as_json:
        emit_json({"format": fmt, "files": [p.name for p in written], "patients": len(data["patient"])})
    else:
        click.echo(f"Exported {len(data['patient'])} patient(s) as {fmt} into {out} ({len(written)} files).")


@command.command("oi")
@click.argument("patient")
@json_option
def oi(patient: str, as_json: bool) -> None:
    """The organ-involvement score history of one patient (Barzaghi 2018)."""
    _ready()
    from ipexpath.registry import audit
    from ipexpath.registry.models import Patient
    from ipexpath.registry.oi import SOURCE, oi_score

    found = Patient.objects.filter(pseudonym=patient).first()
    if found is None:
        raise InputError(f"No patient '{patient}' in the registry.")
    audit.record("read", found, detail="OI score history")
    history = []
    for a in found.oi_assessments.order_by("assessed_on"):
        score = oi_score(
            {
                name: getattr(a, name)
                for name in (
                    "intractable_diarrhea",
                    "malnutrition",
                    "liver_dysfunction",
                    "respiratory_impairment",
                    "kidney_dysfunction",
                )
            }
        )
        history.append(
            {
                "date": a.assessed_on.isoformat(),
                "timepoint": a.timepoint,
                "assessor": a.assessor,
                "score": score.value,
                "points": score.points,
                "assessed_items": score.assessed,
                "group": score.group,
                "present": list(score.present),
                "missing": list(score.missing),
                "text": score.text(),
            }
        )
    if as_json:
        emit_json({"patient": patient, "source": SOURCE, "history": history})
        return
    click.echo(f"Organ-involvement score of {patient} ({SOURCE}):")
    if not history:
        click.echo("  no assessment recorded.")
    for h in history:
        click.echo(f"  {h['date']}  {h['timepoint']:<9}  {h['text']}")


@command.command("analyse")
@click.option("--out", "out", type=click.Path(path_type=Path), required=True, help="Folder for the report.")
@click.option(
    "--time-zero",
    type=click.Choice(("treatment", "birth", "diagnosis")),
    default="treatment",
    show_default=True,
    help="Origin of survival times (treatment start, as Barzaghi 2018).",
)
@json_option
def analyse(out: Path, time_zero: str, as_json: bool) -> None:
    """Survival analysis report (HTML + PNG + JSON): KM with numbers at risk, competing risks, Cox."""
    _ready()
    from ipexpath.registry import audit
    from ipexpath.registry.analysis import analyse as run
    from ipexpath.registry.analysis_report import write_report
    from ipexpath.registry.models import Patient

    result = run(time_zero)
    synthetic = Patient.objects.filter(synthetic=True).exists()
    files = write_report(result, out, synthetic)
    audit.record("export", model="Analysis", detail=f"analysis report, time zero {time_zero}")
    if as_json:
        emit_json({"files": [p.name for p in files], "results": result.results, "warnings": result.warnings})
        return
    click.echo(f"Analysis of {result.n_patients} patients written to {out / 'analysis.html'}.")
    for warning in result.warnings:
        click.echo(f"  note: {warning}")


@command.command("demo")
@json_option
def demo(as_json: bool) -> None:
    """Load the SYNTHETIC demo cohort (simulated from Barzaghi 2018) into the registry."""
    _ready()
    from ipexpath.registry.models import Patient
    from ipexpath.registry.store import import_tables
    from ipexpath.registry.synthetic import simulate

    if Patient.all_objects.filter(synthetic=True).exists():
        message = "The synthetic demo cohort is already loaded."
        emit_json({"status": "already loaded"}) if as_json else click.echo(message)
        return
    summary = import_tables(simulate(), detail="synthetic demo cohort")
    if as_json:
        emit_json({"rows": summary.rows})
    else:
        click.echo(
            f"Loaded {summary.patients} SYNTHETIC patients (simulated from Barzaghi et al. 2018, "
            "PMID 29241729). Next: ipexpath registry analyse --out DIR"
        )


@command.command("backup")
@click.argument("file", type=click.Path(path_type=Path))
@json_option
def backup(file: Path, as_json: bool) -> None:
    """Write the whole registry (rows, soft-deleted rows and audit trail) to a gzipped JSON file."""
    _ready()
    from django.core import serializers

    from ipexpath.files import atomic_write_bytes
    from ipexpath.registry import models as m

    objects: list[Any] = []
    for model in m.MODELS_PARENTS_FIRST:
        manager: Any = getattr(model, "all_objects", None) or model.objects
        objects.extend(manager.order_by("pk"))
    text = serializers.serialize("json", objects)
    atomic_write_bytes(file, gzip.compress(text.encode("utf-8")))
    if as_json:
        emit_json({"rows": len(objects), "file": file.name})
    else:
        click.echo(f"Backed up {len(objects)} rows to {file}.")


@command.command("restore")
@click.argument("file", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@json_option
def restore(file: Path, as_json: bool) -> None:
    """Restore a backup into an empty registry (refused if the registry already has patients)."""
    _ready()
    from django.core import serializers
    from django.core.serializers.base import DeserializationError
    from django.db import transaction

    from ipexpath.registry.models import AuditEvent, Patient

    if Patient.all_objects.exists():
        raise InputError(
            "The registry is not empty; restore only into a new database.",
            "Point IPEXPATH_DATABASE_URL at an empty database, or restore on a fresh install.",
        )
    try:
        text = gzip.decompress(file.read_bytes()).decode("utf-8")
        with transaction.atomic():
            count = 0
            for obj in serializers.deserialize("json", text):
                if isinstance(obj.object, AuditEvent):
                    AuditEvent.objects.bulk_create([obj.object])
                else:
                    obj.save()
                count += 1
    except (OSError, EOFError, UnicodeDecodeError, DeserializationError, json.JSONDecodeError) as exc:
        raise InputError(f"'{file.name}' is not an ipexpath registry backup: {exc}.") from exc
    if as_json:
        emit_json({"rows": count, "file": file.name})
    else:
        click.echo(f"Restored {count} rows from {file.name}.")
