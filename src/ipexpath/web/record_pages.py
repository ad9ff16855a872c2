"""Sensitive actions on records, each behind a fresh authentication (ASVS 3.7.1) and audited: delete a
patient's record (soft deletion with a reason), delete a patient's family, export the registry of one's
centres. They are pages only (not API operations): each needs the person at the keyboard to
re-authenticate."""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from ipexpath.registry import audit
from ipexpath.web.access import fresh_authentication, needs, patients_for, visible_patient
from ipexpath.web.roles import Permission

EXPORT_FORMATS = {
    "csv": "CSV tables with a data dictionary",
    "redcap": "REDCap data dictionary and records",
    "phenopacket": "GA4GH Phenopackets (one JSON file per patient)",
}


@needs(Permission.DELETE)
@fresh_authentication
@require_http_methods(["GET", "POST"])
def patient_delete(request: HttpRequest, pseudonym: str) -> HttpResponse:
    """Delete a patient's record: hidden everywhere, kept in the database with the reason (soft deletion,
    audited with before and after)."""
    patient = visible_patient(request.user, pseudonym)
    error = ""
    if request.method == "POST":
        reason = request.POST.get("reason", "").strip()[:500]
        if request.POST.get("confirm") != patient.pseudonym:
            error = "Type the patient's pseudonym exactly to confirm."
        elif not reason:
            error = "Give the reason for deleting the record."
        else:
            audit.soft_delete(patient, reason)
            messages.success(request, f"The record of {patient.pseudonym} was deleted ({reason}).")
            return redirect("patients")
    return render(
        request,
        "web/confirm_delete.html",
        {"patient": patient, "what": "record", "error": error, "reason": True},
        status=400 if error else 200,
    )


@needs(Permission.ASSESS)
@fresh_authentication
@require_http_methods(["GET", "POST"])
def family_delete(request: HttpRequest, pseudonym: str) -> HttpResponse:
    """Delete the patient's whole family (all relatives; audited with before and after)."""
    from ipexpath.web.models import FamilyRecord

    patient = visible_patient(request.user, pseudonym)
    error = ""
    if request.method == "POST":
        if request.POST.get("confirm") != patient.pseudonym:
            error = "Type the patient's pseudonym exactly to confirm."
        else:
            record = FamilyRecord.objects.filter(patient=patient).first()
            if record is not None and record.relatives:
                before = {"relatives": record.relatives}
                record.relatives = []
                record.save()
                audit.record(
                    "delete", record, before=before, after={"relatives": []}, detail="family deleted"
                )
            messages.success(request, f"The family of {patient.pseudonym} was deleted.")
            return redirect("family", pseudonym=patient.pseudonym)
    return render(
        request,
        "web/confirm_delete.html",
        {"patient": patient, "what": "family", "error": error, "reason": False},
        status=400 if error else 200,
    )


@needs(Permission.EXPORT)
@fresh_authentication
@require_http_methods(["GET", "POST"])
def registry_export(request: HttpRequest) -> HttpResponse:
    """Export the registry of the user's centres as a zip (CSV, REDCap or Phenopackets; audited)."""
    from ipexpath.registry import csv_io, phenopacket_io, redcap
    from ipexpath.registry.store import export_tables

    if request.method == "GET":
        return render(request, "web/export.html", {"formats": EXPORT_FORMATS})
    fmt = request.POST.get("format", "")
    if fmt not in EXPORT_FORMATS:
        return render(
            request, "web/export.html", {"formats": EXPORT_FORMATS, "error": "Choose a format."}, status=400
        )
    patients = patients_for(request.user)
    if request.POST.get("synthetic") != "1":
        patients = patients.filter(synthetic=False)
    data = export_tables(list(patients))
    writer = {
        "csv": csv_io.write_csv,
        "redcap": redcap.write_redcap,
        "phenopacket": phenopacket_io.write_phenopackets,
    }
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory(prefix="ipexpath-export-") as work:
        files = writer[fmt](data, Path(work))
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in files:
                archive.write(path, path.name)
    count = len(data["patient"])
    audit.record("export", model="Patient", detail=f"web {fmt} export of {count} patients")
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="ipexpath-registry-{fmt}-{stamp}.zip"'
    return response
