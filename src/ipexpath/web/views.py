"""The pages: sign-in, patients, case entry and assessment, registry entry, analysis, audit.

Every page names the permission it needs (`access.needs`); patients are looked up only among the user's
centres; every read of a patient record, every download and every change writes an audit row.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from ipexpath.errors import IpexpathError
from ipexpath.registry import audit
from ipexpath.registry.models import AuditEvent, StoredAssessment
from ipexpath.registry.oi import ITEMS, oi_score
from ipexpath.web import analysis_pages
from ipexpath.web.access import centres_of, needs, patients_for, visible_patient
from ipexpath.web.assessment_view import assessment_view
from ipexpath.web.assessments import CaseEntry, knowledge, run_and_store
from ipexpath.web.forms import (
    CaseEntryForm,
    ChimerismForm,
    DiagnosisForm,
    HsctForm,
    ImmunosuppressionForm,
    OiForm,
    PatientForm,
    PatientStatusForm,
    SupportiveCareForm,
    VisitForm,
    known_diseases,
)
from ipexpath.web.roles import Permission
from ipexpath.web.text_view import marked
from ipexpath.web.uploads import max_upload_bytes, max_vcf_bytes, save_vcf, too_large_message


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """The CSRF check failed: a plain page, no details."""
    return render(
        request, "web/error.html", {"message": "The form expired or came from elsewhere."}, status=403
    )


# ------------------------------------------------------------------------------------------------ patients
@needs(Permission.VIEW)
def patient_list(request: HttpRequest) -> HttpResponse:
    """Patients of the user's centres (search by pseudonym)."""
    query = request.GET.get("q", "").strip()[:64]
    # the centre's own patients first, then the synthetic demo cohort (else a new patient is on page 2)
    patients = patients_for(request.user).order_by("synthetic", "pseudonym")
    if query:
        patients = patients.filter(pseudonym__icontains=query)
    page = Paginator(patients, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "web/patient_list.html",
        {"page": page, "query": query, "centres": centres_of(request.user)},
    )


@needs(Permission.EDIT_REGISTRY)
@require_http_methods(["GET", "POST"])
def patient_new(request: HttpRequest) -> HttpResponse:
    """Add a pseudonymous patient to one of the user's centres."""
    form = PatientForm(request.POST or None, centres=centres_of(request.user))
    if request.method == "POST" and form.is_valid():
        patient = form.save()
        messages.success(request, f"Patient {patient.pseudonym} added.")
        return redirect("patient", pseudonym=patient.pseudonym)
    return render(request, "web/form.html", {"form": form, "title": "New patient"})


@needs(Permission.EDIT_REGISTRY)
@require_http_methods(["GET", "POST"])
def patient_status(request: HttpRequest, pseudonym: str) -> HttpResponse:
    """Update vital status, last contact, death, consent and family history (audited with before and after);
    a refused form keeps what was typed."""
    patient = visible_patient(request.user, pseudonym)
    form = PatientStatusForm(request.POST or None, instance=patient)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"Status of {patient.pseudonym} saved.")
        return redirect("patient", pseudonym=patient.pseudonym)
    return render(
        request,
        "web/form.html",
        {"form": form, "title": f"Vital status and last contact — {patient.pseudonym}"},
        status=400 if request.method == "POST" else 200,
    )


def oi_history(patient: Any) -> list[dict[str, Any]]:
    """The OI score at each assessment, partial scores kept partial (registry.oi)."""
    rows = []
    for a in patient.oi_assessments.order_by("assessed_on"):
        score = oi_score({name: getattr(a, name) for name, _ in ITEMS})
        rows.append({"assessment": a, "score": score, "text": score.text()})
    return rows


@needs(Permission.VIEW)
def patient_page(request: HttpRequest, pseudonym: str) -> HttpResponse:
    """One patient's registry record (audited read)."""
    patient = visible_patient(request.user, pseudonym)
    audit.record("read", patient, detail="patient page")
    context = {
        "patient": patient,
        "diagnoses": patient.diagnoses.all(),
        "phenotypes": patient.phenotypes.order_by("onset_date"),
        "assessments": patient.assessments.order_by("-created_at"),
        "transplants": patient.transplants.order_by("day0", "sequence").prefetch_related("chimerism"),
        "courses": patient.immunosuppression.order_by("start"),
        "supportive": patient.supportive_care.order_by("start"),
        "therapies": patient.gene_cell_therapy.order_by("infusion_date"),
        "visits": patient.visits.order_by("visit_date").prefetch_related("labs"),
        "oi": oi_history(patient),
    }
    return render(request, "web/patient.html", context)


def _registry_form(
    request: HttpRequest,
    pseudonym: str,
    form_class: type[Any],
    title: str,
    what: str,
    initial: dict[str, Any] | None = None,
    **fields: Any,
) -> HttpResponse:
    patient = visible_patient(request.user, pseudonym)
    # the row knows its patient before validation, so the registry's date rules (model clean) apply
    form = form_class(
        request.POST or None, instance=form_class._meta.model(patient=patient, **fields), initial=initial
    )
    if request.method == "POST" and form.is_valid():
        row = form.save(commit=False)
        row.patient = patient
        row.save()
        messages.success(request, f"{what} added to {patient.pseudonym}.")
        return redirect("patient", pseudonym=patient.pseudonym)
    return render(request, "web/form.html", {"form": form, "title": f"{title} — {patient.pseudonym}"})


@needs(Permission.EDIT_REGISTRY)
@require_http_methods(["GET", "POST"])
def hsct_new(request: HttpRequest, pseudonym: str) -> HttpResponse:
    """Add a transplant."""
    return _registry_form(request, pseudonym, HsctForm, "New HSCT", "Transplant")


@needs(Permission.EDIT_REGISTRY)
@require_http_methods(["GET", "POST"])
def chimerism_new(request: HttpRequest, pseudonym: str) -> HttpResponse:
    """Add a chimerism measurement after one of the patient's transplants."""
    patient = visible_patient(request.user, pseudonym)
    transplants = patient.transplants.order_by("day0", "sequence")
    if not transplants.exists():
        messages.error(request, "Record the transplant first: chimerism is measured after one.")
        return redirect("patient", pseudonym=patient.pseudonym)
    form = ChimerismForm(request.POST or None, transplants=transplants)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"Chimerism added to {patient.pseudonym}.")
        return redirect("patient", pseudonym=patient.pseudonym)
    return render(request, "web/form.html", {"form": form, "title": f"New chimerism — {patient.pseudonym}"})


@needs(Permission.EDIT_REGISTRY)
@require_http_methods(["GET", "POST"])
def visit_new(request: HttpRequest, pseudonym: str) -> HttpResponse:
    """Add a follow-up visit."""
    return _registry_form(request, pseudonym, VisitForm, "New follow-up visit", "Visit")


@needs(Permission.EDIT_REGISTRY)
@require_http_methods(["GET", "POST"])
def immunosuppression_new(request: HttpRequest, pseudonym: str) -> HttpResponse:
    """Add a course of immunosuppression (the start of the first one is time zero of the IS group)."""
    return _registry_form(
        request, pseudonym, ImmunosuppressionForm, "New immunosuppression course", "Immunosuppression course"
    )


@needs(Permission.EDIT_REGISTRY)
@require_http_methods(["GET", "POST"])
def supportive_new(request: HttpRequest, pseudonym: str) -> HttpResponse:
    """Add supportive care."""
    return _registry_form(request, pseudonym, SupportiveCareForm, "New supportive care", "Supportive care")


@needs(Permission.EDIT_REGISTRY)
@require_http_methods(["GET", "POST"])
def diagnosis_new(request: HttpRequest, pseudonym: str) -> HttpResponse:
    """Record the diagnosis; from an assessment (`?from=PK`), its finding fills the form and the diagnosis
    links to it. Genetic confirmation stays the clinician's decision (never set from the assessment)."""
    patient = visible_patient(request.user, pseudonym)
    source = request.GET.get("from") or request.POST.get("from") or ""
    stored = (
        StoredAssessment.objects.filter(pk=int(source), patient=patient).first() if source.isdigit() else None
    )
    initial: dict[str, Any] = {}
    if stored is not None:
        variant = (stored.assessment_json.get("status") or {}).get("variant") or {}
        if isinstance(variant, dict):
            initial = {
                "variant_hgvs": f"{variant.get('gene', '')} {variant.get('transcript', '')}:"
                f"{variant.get('hgvs_c', '')}".strip(" :")
                if variant.get("hgvs_c")
                else "",
                "variant_class": str(variant.get("classification") or "")[:40],
            }
            gene = str(variant.get("gene") or "")
            initial["disease"] = next((i for i, _, g in known_diseases() if g == gene), None)
    return _registry_form(
        request, pseudonym, DiagnosisForm, "Diagnosis", "Diagnosis", initial=initial, assessment=stored
    )


@needs(Permission.EDIT_REGISTRY)
@require_http_methods(["GET", "POST"])
def oi_new(request: HttpRequest, pseudonym: str) -> HttpResponse:
    """Add an organ-involvement assessment."""
    return _registry_form(request, pseudonym, OiForm, "New organ-involvement score", "OI assessment")


# What a registry row of each kind is corrected with: (form, what it is called). Chimerism is edited under
# its transplant (the form chooses among the patient's transplants).
EDITABLE: dict[str, tuple[Any, str]] = {
    "diagnosis": (DiagnosisForm, "Diagnosis"),
    "hsct": (HsctForm, "Transplant"),
    "chimerism": (ChimerismForm, "Chimerism"),
    "immunosuppression": (ImmunosuppressionForm, "Immunosuppression course"),
    "supportive": (SupportiveCareForm, "Supportive care"),
    "visits": (VisitForm, "Visit"),
    "oi": (OiForm, "OI assessment"),
}


@needs(Permission.EDIT_REGISTRY)
@require_http_methods(["GET", "POST"])
def row_edit(request: HttpRequest, pseudonym: str, kind: str, pk: int) -> HttpResponse:
    """Correct a registry row already entered (the same form and checks as adding it; audited with before and
    after); a refused form keeps what was typed and nothing is saved."""
    patient = visible_patient(request.user, pseudonym)
    if kind not in EDITABLE:
        raise Http404("No such kind of record.")
    form_class, what = EDITABLE[kind]
    model = form_class._meta.model
    owner = {"transplant__patient": patient} if kind == "chimerism" else {"patient": patient}
    row = model.objects.filter(pk=pk, **owner).first()
    if row is None:
        raise Http404("No such record for this patient.")
    extra = {"transplants": patient.transplants.order_by("day0", "sequence")} if kind == "chimerism" else {}
    form = form_class(request.POST or None, instance=row, **extra)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"{what} of {patient.pseudonym} corrected.")
        return redirect("patient", pseudonym=patient.pseudonym)
    return render(
        request,
        "web/form.html",
        {"form": form, "title": f"Correct: {what.lower()} — {patient.pseudonym}"},
        status=400 if request.method == "POST" else 200,
    )


# ------------------------------------------------------------------------------------------------ case entry
@needs(Permission.ASSESS)
def term_search(request: HttpRequest) -> HttpResponse:
    """Autocomplete: HPO terms for the typed words or id (typo-tolerant `knowledge.search`)."""
    from ipexpath.knowledge.search import search_terms

    query = request.GET.get("q", "")[:200]
    hits = search_terms(knowledge(), query, limit=10) if len(query.strip()) >= 2 else []
    return render(request, "web/_term_hits.html", {"hits": hits, "query": query})


@needs(Permission.ASSESS)
@require_POST
def text_preview(request: HttpRequest) -> HttpResponse:
    """Free text → recognised, negated, family-history, possible and unrecognised spans, highlighted, with a
    button to search a term by hand for each span that was not recognised (or only suspected)."""
    from ipexpath.web.text_view import marked, recognition

    text = request.POST.get("text", "")[:20_000]
    if not text.strip():
        return render(request, "web/_text_result.html", {"view": None, "live": True})
    return render(request, "web/_text_result.html", {"view": marked(recognition(text)), "live": True})


def _term_labels(ids: list[str]) -> list[dict[str, str]]:
    from ipexpath.knowledge.search import search_terms

    shown = []
    for term in ids:
        hits = search_terms(knowledge(), term, limit=1)
        shown.append({"id": term, "label": hits[0].label if hits else term})
    return shown


@needs(Permission.ASSESS)
@require_http_methods(["GET", "POST"])
def case_entry(request: HttpRequest, pseudonym: str) -> HttpResponse:
    """Enter a case for the patient and run the assessment (Suspect → Confirm → Counsel → Report)."""
    patient = visible_patient(request.user, pseudonym)
    form = CaseEntryForm(request.POST or None)
    hpo = [t.strip() for t in request.POST.getlist("hpo") if t.strip()][:200]
    excluded = [t.strip() for t in request.POST.getlist("excluded") if t.strip()][:200]
    if request.method == "GET" and request.GET.get("from"):
        earlier = _earlier_entry(patient, request.GET["from"])  # "revise this case": start from a stored one
        if earlier is not None:
            hpo, excluded = list(earlier.hpo), list(earlier.excluded)
            form = CaseEntryForm(initial=dataclasses.asdict(earlier) | {"hpo": None, "excluded": None})
    error = ""
    filled = ""
    if request.method == "POST" and request.POST.get("action") == "fill-from-phenopacket":
        try:
            packet_hpo, packet_excluded, form, filled = _fill_from_phenopacket(request)
            # terms chosen before are kept; the phenopacket's are added after them
            hpo = list(dict.fromkeys([*hpo, *packet_hpo]))
            excluded = list(dict.fromkeys([*excluded, *packet_excluded]))
        except IpexpathError as exc:
            error = str(exc)
    elif request.method == "POST" and getattr(request, "upload_too_large", False):
        error = too_large_message()
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        entry = CaseEntry(
            hpo=tuple(hpo),
            excluded=tuple(excluded),
            text=data["text"],
            sex=data["sex"],
            age=data["age"],
            onset=data["onset"],
            covered=data["covered"],
        )
        upload = request.FILES.get("vcf")
        work = Path(tempfile.mkdtemp(prefix="ipexpath-upload-"))
        try:
            vcf_path = save_vcf(upload, work) if upload is not None else None
            with transaction.atomic():
                stored = run_and_store(patient, entry, vcf_path, data["sample"] or None)
            messages.success(request, "Assessment stored.")
            return redirect("assessment", pk=stored.pk)
        except IpexpathError as exc:
            error = str(exc)
            if upload is not None:  # a browser cannot put a file back into the form: say so
                error += " The VCF file is not kept after a refusal: choose it again before running."
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return render(
        request,
        "web/case_entry.html",
        {
            "patient": patient,
            "form": form,
            "error": error,
            "filled": filled,
            "observed_terms": _term_labels(hpo),
            "excluded_terms": _term_labels(excluded),
            "registry_age": registry_age(patient),
            "max_mb": max_upload_bytes() // (1024 * 1024),
            "max_bytes": max_upload_bytes(),
            "max_vcf_mb": max_vcf_bytes() // (1024 * 1024),
            "max_vcf_lines": settings.MAX_VCF_LINES,
        },
        status=400 if error else 200,
    )


def registry_age(patient: Any, today: Any = None) -> str:
    """The patient's age today from the registry's birth year and month, as a check for the age typed (the
    registry keeps no birth day, so it is given in whole months, 'about')."""
    import datetime as dt

    today = today or dt.date.today()
    if not patient.birth_month:
        return f"The registry records birth in {patient.birth_year} (month not recorded)."
    months = (today.year - patient.birth_year) * 12 + today.month - patient.birth_month
    if months < 0:
        return ""
    born = f"{patient.birth_year}-{patient.birth_month:02d}"
    if months < 24:
        age = f"about {months} month{'s' if months != 1 else ''}" if months else "under 1 month"
    else:
        age = f"about {months // 12} years"
    return f"The registry records birth in {born}: the patient is {age} old today (check the age above)."


def _fill_from_phenopacket(request: HttpRequest) -> tuple[list[str], list[str], CaseEntryForm, str]:
    """The case-entry form filled from an uploaded phenopacket (read by the pathway's own reader, validated
    against the Phenopacket v2 schema): observed and excluded terms, sex, age and onset, for the user to check
    before running. The free text and the test fields typed so far are kept."""
    from ipexpath.case import case_from_phenopacket
    from ipexpath.errors import InputError
    from ipexpath.web.uploads import read_phenopacket

    upload = request.FILES.get("phenopacket")
    if upload is None:
        raise InputError(
            "No phenopacket was chosen.", "Choose a phenopacket file (.json), then 'Fill the form'."
        )
    case = case_from_phenopacket(read_phenopacket(upload), knowledge(), source="uploaded phenopacket")
    sex = case.sex.value.lower() if case.sex.value.lower() in ("male", "female", "other") else ""
    typed = {k: request.POST.get(k, "") for k in ("text", "covered", "sample")}
    form = CaseEntryForm(
        initial=typed
        | {
            "sex": sex,
            "age": case.age.iso8601 if case.age is not None else "",
            "onset": case.onset.iso8601 if case.onset is not None else "",
        }
    )
    note = (
        f"Filled from the phenopacket '{upload.name}': {len(case.observed)} observed and "
        f"{len(case.excluded)} excluded terms, sex and ages. Check them, add what is missing, then run."
    )
    return case.observed_ids, case.excluded_ids, form, note


def _earlier_entry(patient: Any, pk: str) -> CaseEntry | None:
    """The case entered for one of this patient's stored assessments (None if unknown or not stored)."""
    from ipexpath.web.assessments import entry_from_record

    if not pk.isdigit():
        return None
    stored = StoredAssessment.objects.filter(pk=int(pk), patient=patient).select_related("documents").first()
    record = getattr(getattr(stored, "documents", None), "case_entry", None)
    return entry_from_record(record) if record else None


# ------------------------------------------------------------------------------------------------ assessments
def _visible_assessment(request: HttpRequest, pk: int) -> StoredAssessment:
    found = (
        StoredAssessment.objects.filter(pk=pk, patient__in=patients_for(request.user))
        .select_related("patient")
        .first()
    )
    if found is None:
        raise Http404("No such assessment in your centres.")
    return found


@needs(Permission.VIEW)
def assessment_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The assessment: summary, the report and leaflet (framed), downloads."""
    stored = _visible_assessment(request, pk)
    audit.record("read", stored, detail="assessment page")
    documents = getattr(stored, "documents", None)
    payload = stored.assessment_json
    entry = getattr(documents, "case_entry", None) or {}
    recognition = entry.get("recognition")
    return render(
        request,
        "web/assessment.html",
        {
            "stored": stored,
            "patient": stored.patient,
            "documents": documents,
            "view": assessment_view(payload),
            "has_phenopacket": isinstance(payload.get("phenopacket"), dict),
            "entry": entry,
            "covered": ", ".join(g.strip() for g in str(entry.get("covered") or "").split(",") if g.strip()),
            "chosen_observed": _term_labels(entry.get("hpo", [])[:200]) if entry else [],
            "chosen_excluded": _term_labels(entry.get("excluded", [])[:200]) if entry else [],
            "text_view": marked(recognition) if isinstance(recognition, dict) else None,
        },
    )


DOCUMENTS = {
    "report.html": ("report_html", "text/html; charset=utf-8"),
    "leaflet.html": ("leaflet_html", "text/html; charset=utf-8"),
}
PDFS = {"report.pdf": "report_html", "leaflet.pdf": "leaflet_html"}
# The rendered report/leaflet carry their own inline styles; they run no script and load nothing.
DOCUMENT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; sandbox"
DOWNLOADS = (
    "report.html",
    "leaflet.html",
    "report.pdf",
    "leaflet.pdf",
    "assessment.json",
    "phenopacket.json",
)


def _json_response(data: Any) -> HttpResponse:
    import json

    body = json.dumps(data, indent=2, ensure_ascii=False)
    return HttpResponse(body, content_type="application/json; charset=utf-8")


def document_response(stored: StoredAssessment, name: str) -> HttpResponse:
    """One document of a stored assessment (Http404 for an unknown name or a missing rendering)."""
    if name == "assessment.json":
        return _json_response(stored.assessment_json)
    if name == "phenopacket.json":
        packet = stored.assessment_json.get("phenopacket")
        if not isinstance(packet, dict):
            raise Http404("This assessment was stored without a Phenopacket.")
        return _json_response(packet)
    if name not in DOCUMENTS and name not in PDFS:
        raise Http404("No such document.")
    documents = getattr(stored, "documents", None)
    if documents is None:
        raise Http404("This assessment was stored without rendered documents.")
    if name in PDFS:
        from ipexpath.report.pdf import render_pdf

        pdf = render_pdf(getattr(documents, PDFS[name]))  # IpexpathError when WeasyPrint/Pango is missing
        return HttpResponse(pdf.data, content_type="application/pdf")
    field, content_type = DOCUMENTS[name]
    response = HttpResponse(getattr(documents, field), content_type=content_type)
    response["Content-Security-Policy"] = DOCUMENT_CSP
    return response


@needs(Permission.VIEW)
def assessment_document(request: HttpRequest, pk: int, name: str) -> HttpResponseBase:
    """report.html/.pdf, leaflet.html/.pdf, assessment.json or phenopacket.json; `?download=1` as an
    attachment (audited either way)."""
    stored = _visible_assessment(request, pk)
    if name not in DOWNLOADS:
        raise Http404("No such document.")
    download = request.GET.get("download") == "1"
    audit.record("download" if download else "read", stored, detail=name)
    try:
        response = document_response(stored, name)
    except IpexpathError as exc:
        return render(request, "web/error.html", {"message": str(exc)}, status=503)
    if download:
        filename = f"{stored.patient.pseudonym}-{stored.pk}-{name}"
        safe = re.sub(r"[^A-Za-z0-9._-]", "_", filename)
        response["Content-Disposition"] = f'attachment; filename="{safe}"'
    return response


# ------------------------------------------------------------------------------------------------ analysis
@needs(Permission.ANALYSE)
def analysis_page(request: HttpRequest) -> HttpResponse:
    """The registry analysis: KM curves with numbers at risk, competing risks, Cox (registry.analysis)."""
    time_zero = request.GET.get("time_zero", "treatment")
    if time_zero not in analysis_pages.TIME_ZEROS:
        time_zero = "treatment"
    codes = list(centres_of(request.user).values_list("code", flat=True))
    report = analysis_pages.current_report(time_zero, codes)
    audit.record("read", model="Analysis", detail=f"analysis page, time zero {time_zero}")
    return render(
        request,
        "web/analysis.html",
        {
            "report": report,
            "results": analysis_pages.result_views(report.payload),
            "cohort": analysis_pages.cohort_rows(report.payload),
            "time_zeros": analysis_pages.TIME_ZEROS,
        },
    )


@needs(Permission.ANALYSE)
def analysis_figure(request: HttpRequest, time_zero: str, name: str) -> FileResponse:
    """One PNG figure of the current analysis."""
    codes = list(centres_of(request.user).values_list("code", flat=True))
    path = analysis_pages.figure_path(time_zero, name, codes)
    if path is None:
        raise Http404("No such figure.")
    return FileResponse(path.open("rb"), content_type="image/png")


# ------------------------------------------------------------------------------------------------ audit
@needs(Permission.AUDIT)
def audit_page(request: HttpRequest) -> HttpResponse:
    """The audit trail, newest first (read-only; filter by patient, actor or action)."""
    events = AuditEvent.objects.order_by("-at", "-id")
    filters = {}
    for key, field in (("patient", "patient_pseudonym"), ("actor", "actor"), ("action", "action")):
        value = request.GET.get(key, "").strip()[:150]
        if value:
            events = events.filter(**{field: value})
            filters[key] = value
    page = Paginator(events, 100).get_page(request.GET.get("page"))
    return render(request, "web/audit.html", {"page": page, "filters": filters})
