"""The registry commands end to end on a throwaway database (SQLite, or PostgreSQL in CI's second run)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from ipexpath.cli import cli


def run(*args: str) -> tuple[int, str]:
    """Run `ipexpath ARGS` in-process; (exit code as main() maps it, output)."""
    from ipexpath.errors import InputError

    result = CliRunner().invoke(cli, list(args), catch_exceptions=True)
    if isinstance(result.exception, InputError):
        return 2, str(result.exception)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def _wipe(audit_trail: bool = False) -> None:
    """Remove every patient row (and centres and the audit trail when asked): a fresh registry."""
    from ipexpath.registry import models as m

    kept = () if audit_trail else (m.Centre, m.AuditEvent)
    for model in reversed(m.MODELS_PARENTS_FIRST):
        if model not in kept:
            manager = getattr(model, "all_objects", model.objects)
            manager.all()._raw_delete(manager.db)


def _counts() -> dict[str, int]:
    from ipexpath.registry import models as m

    return {
        "patients": m.Patient.objects.count(),
        "visits": m.FollowUpVisit.objects.count(),
        "audit": m.AuditEvent.objects.count(),
    }


def test_demo_then_analyse_writes_the_report(registry: str, tmp_path: Path) -> None:
    code, out = run("registry", "demo")
    assert code == 0 and "SYNTHETIC" in out
    assert _counts()["patients"] == 92
    code, _ = run("registry", "demo")  # second time: nothing added
    assert code == 0 and _counts()["patients"] == 92
    code, out = run("registry", "analyse", "--out", str(tmp_path / "report"))
    assert code == 0, out
    names = {p.name for p in (tmp_path / "report").iterdir()}
    assert {
        "analysis.html",
        "analysis.json",
        "overall_survival.png",
        "transplant_related_mortality.png",
    } <= names
    report = json.loads((tmp_path / "report" / "analysis.json").read_text())
    assert report["synthetic"] is True
    assert set(report["results"]) >= {
        "overall_survival",
        "transplant_related_mortality",
        "hsct_vs_is",
        "survival_by_oi_group",
        "disease_free_survival",
    }
    assert "time_varying_cox" in report["results"]["hsct_vs_is"]
    assert "Synthetic data" in (tmp_path / "report" / "analysis.html").read_text()
    code, out = run("registry", "oi", "SYN-00001", "--json")
    assert code == 0 and json.loads(out)["history"][0]["timepoint"] == "pre_HSCT"


@pytest.mark.parametrize("fmt", ["csv", "redcap", "phenopacket"])
def test_export_then_import_round_trip(registry: str, tmp_path: Path, fmt: str) -> None:
    from ipexpath.registry.store import export_tables

    run("registry", "demo")
    code, out = run("registry", "export", str(tmp_path / "out"), "--format", fmt)
    assert code == 0, out
    before = export_tables()
    # a fresh registry: remove everything, then import what was exported
    _wipe(audit_trail=False)
    source = tmp_path / "out" / "redcap_records.csv" if fmt == "redcap" else tmp_path / "out"
    code, out = run("registry", "import", str(source), "--format", fmt, "--centre", "synthetic-demo")
    assert code == 0, out
    after = export_tables()
    assert before["visit"]
    for table, rows in before.items():
        assert after[table] == rows, table


def test_a_bad_row_rolls_back_the_whole_import_and_names_the_place(registry: str, tmp_path: Path) -> None:
    run("registry", "demo")
    run("registry", "export", str(tmp_path / "csv"), "--format", "csv")
    from ipexpath.registry import models as m

    _wipe(audit_trail=False)
    path = tmp_path / "csv" / "hsct.csv"
    rows = list(csv.DictReader(path.open()))
    rows[4]["donor_type"] = "cousin"
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    audit_before = m.AuditEvent.objects.count()
    code, message = run("registry", "import", str(tmp_path / "csv"))
    assert code == 2
    assert "hsct row 5, column 'donor_type'" in message and "matched_related" in message
    assert m.Patient.all_objects.count() == 0 and m.AuditEvent.objects.count() == audit_before


def test_import_refuses_existing_patients_and_unknown_diseases(registry: str, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "patient.csv").write_text("pseudonym,centre,sex,birth_year\nP-1,c1,male,2021\n")
    (folder / "diagnosis.csv").write_text("patient,disease_id,disease_label\nP-1,OMIM:999999,made up\n")
    code, message = run("registry", "import", str(folder))
    assert code == 2 and "not IPEX or an IPEX-like disorder" in message
    (folder / "diagnosis.csv").write_text("patient,disease_id,disease_label\nP-1,OMIM:304790,IPEX\n")
    assert run("registry", "import", str(folder))[0] == 0
    code, message = run("registry", "import", str(folder))
    assert code == 2 and "already in the registry" in message
    (folder / "patient.csv").write_text(
        "pseudonym,centre,sex,birth_year,vital_status\nP-2,c1,male,2021,deceased\n"
    )
    (folder / "diagnosis.csv").unlink()
    code, message = run("registry", "import", str(folder))
    assert code == 2 and "needs a death_date" in message


def test_changes_are_audited_and_deletion_is_soft(registry: str) -> None:
    from ipexpath.registry import audit
    from ipexpath.registry import models as m

    centre = m.Centre.objects.create(code="c1", name="Centre 1")
    with audit.acting_as("dr.test", "unit test"):
        patient = m.Patient.objects.create(pseudonym="P-9", centre=centre, birth_year=2022, sex="male")
        patient.vital_status = "deceased"
        patient.death_date = patient.created_at.date()
        patient.save()
        audit.soft_delete(patient, "entered twice")
    events = list(m.AuditEvent.objects.filter(patient_pseudonym="P-9").order_by("id"))
    assert [e.action for e in events] == ["create", "update", "delete"]
    assert {e.actor for e in events} == {"dr.test"}
    assert events[1].before["vital_status"] == "alive" and events[1].after["vital_status"] == "deceased"
    assert events[2].detail == "entered twice"
    assert not m.Patient.objects.filter(pseudonym="P-9").exists()
    assert m.Patient.all_objects.filter(pseudonym="P-9").exists()
    with pytest.raises(RuntimeError):
        events[0].delete()


def test_backup_and_restore(registry: str, tmp_path: Path) -> None:
    from ipexpath.registry.store import export_tables

    run("registry", "demo")
    before = export_tables()
    counts = _counts()
    assert run("registry", "backup", str(tmp_path / "b.json.gz"))[0] == 0
    code, message = run("registry", "restore", str(tmp_path / "b.json.gz"))
    assert code == 2 and "not empty" in message

    _wipe(audit_trail=True)
    assert run("registry", "restore", str(tmp_path / "b.json.gz"))[0] == 0
    assert export_tables() == before and _counts() == counts
    (tmp_path / "junk.gz").write_bytes(b"not a backup")
    assert run("registry", "restore", str(tmp_path / "junk.gz"))[0] == 2


def test_the_data_dictionaries_say_what_each_column_means_with_its_unit() -> None:
    """A coordinator reading data_dictionary.csv (or REDCap's) finds units and meanings, not the column
    name repeated ('weight kg', 'day0')."""
    from ipexpath.registry.redcap import dictionary_text
    from ipexpath.registry.tables import dictionary_rows

    rows = {(r["table"], r["column"]): r["description"] for r in dictionary_rows()}
    assert rows[("visit", "weight_kg")] == "Weight in kilograms."
    assert rows[("hsct", "day0")].startswith("Day 0: date of the stem-cell infusion")
    assert "unit" in rows[("lab", "value")] and "required when deceased" in rows[("patient", "death_date")]
    bare = [key for key, text in rows.items() if text.replace(" ", "_") == key[1]]
    assert not bare, bare
    assert "Weight in kilograms." in dictionary_text()
