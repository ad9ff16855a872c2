"""The family editor page: a table of relatives and a form, the pedigree and the risks, updated by htmx.

Every change is checked by the counsel reader and the risk engine before it is saved (`web.family.counsel`);
a rejected change is shown next to the form with what was typed kept, and the saved family stays as it was.
Without JavaScript the same forms post normally and the page is shown again.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from ipexpath.errors import IpexpathError
from ipexpath.registry import audit
from ipexpath.registry.models import Patient
from ipexpath.web.access import needs, visible_patient
from ipexpath.web.family import (
    Counselled,
    Relative,
    counsel,
    pregnancy_rows,
    risk_rows,
    with_relative,
    without_relative,
)
from ipexpath.web.forms import RelativeForm
from ipexpath.web.models import FamilyRecord
from ipexpath.web.roles import Permission


def stored_family(patient: Patient) -> tuple[str, list[Relative]]:
    """The patient's saved family id and relatives ([] when none has been entered)."""
    record = FamilyRecord.objects.filter(patient=patient).first()
    if record is None:
        return patient.pseudonym, []
    return record.family_id, [Relative.from_entry(e) for e in record.relatives]


def save_family(patient: Patient, change: Any) -> tuple[list[Relative], Counselled]:
    """Apply `change` (relatives → relatives) to the saved family under a row lock, check it, save it and
    audit the change; raises (and saves nothing) when the reader or the risk engine rejects the result."""
    with transaction.atomic():
        record = FamilyRecord.objects.select_for_update().filter(patient=patient).first()
        family_id = record.family_id if record is not None else patient.pseudonym
        before = [Relative.from_entry(e) for e in record.relatives] if record is not None else []
        after = change(before)
        done = counsel(family_id, after)
        entries = [p.entry() for p in after]
        if record is None:
            record = FamilyRecord.objects.create(patient=patient, family_id=family_id, relatives=entries)
            audit.record("create", record, after={"relatives": entries}, detail="family editor")
        else:
            old = record.relatives
            record.relatives = entries
            record.save()
            audit.record("update", record, before={"relatives": old}, after={"relatives": entries},
                         detail="family editor")  # fmt: skip
    return after, done


def _context(
    patient: Patient,
    family_id: str,
    relatives: list[Relative],
    form: RelativeForm,
    done: Counselled | None = None,
    error: IpexpathError | None = None,
    saved: str = "",
) -> dict[str, Any]:
    problem = None
    if done is None and relatives:
        try:
            done = counsel(family_id, relatives)
        except IpexpathError as exc:  # a saved family that no longer reads (e.g. after a reader change)
            problem = exc
    return {
        "patient": patient,
        "base": reverse("family", args=[patient.pseudonym]),
        "family_id": family_id,
        "relatives": relatives,
        "form": form,
        "done": done,
        "risks": risk_rows(done, relatives) if done else [],
        "pregnancies": pregnancy_rows(done) if done else [],
        "error": error or problem,
        "saved": saved,
    }


def _show(request: HttpRequest, context: dict[str, Any], status: int = 200) -> HttpResponse:
    """The editor fragment for htmx (always 200, so htmx swaps the inline error in), else the whole page."""
    if request.headers.get("HX-Request"):
        return render(request, "web/_family_editor.html", context)
    return render(request, "web/family.html", context, status=status)


def _blank_form(relatives: list[Relative]) -> RelativeForm:
    return RelativeForm(initial={"proband": not relatives}, people=[p.id for p in relatives])


@needs(Permission.VIEW)
def family_page(request: HttpRequest, pseudonym: str) -> HttpResponse:
    """The family: pedigree drawing, relatives, risks; `?edit=ID` fills the form with that relative."""
    patient = visible_patient(request.user, pseudonym)
    audit.record("read", patient, detail="family page")
    family_id, relatives = stored_family(patient)
    chosen = next((p for p in relatives if p.id == request.GET.get("edit", "")), None)
    if chosen is not None:
        form = RelativeForm(
            initial={**chosen.as_dict(), "original": chosen.id}, people=[p.id for p in relatives]
        )
    else:
        form = _blank_form(relatives)
    return _show(request, _context(patient, family_id, relatives, form))


@needs(Permission.ASSESS)
@require_POST
def family_person(request: HttpRequest, pseudonym: str) -> HttpResponse:
    """Add a relative, or change one (`original` names who): checked, saved, risks and drawing recomputed."""
    patient = visible_patient(request.user, pseudonym)
    family_id, relatives = stored_family(patient)
    form = RelativeForm(request.POST, people=[p.id for p in relatives])
    error: IpexpathError | None = None
    if form.is_valid():
        data = form.cleaned_data
        person = Relative(
            id=data["id"].strip(),
            sex=data["sex"],
            name=data["name"].strip(),
            father=data["father"],
            mother=data["mother"],
            affected=data["affected"],
            age=data["age"].strip(),
            deceased=data["deceased"],
            proband=data["proband"],
            test=data["test"],
        )
        original = data["original"].strip()
        try:
            relatives, done = save_family(patient, lambda before: with_relative(before, person, original))
        except IpexpathError as exc:
            error = exc
        else:
            if not request.headers.get("HX-Request"):
                return redirect("family", pseudonym=patient.pseudonym)
            what = f"{person.id} {'changed' if original else 'added'}; risks recomputed."
            return _show(
                request, _context(patient, family_id, relatives, _blank_form(relatives), done, saved=what)
            )
    else:
        error = IpexpathError("Please correct the marked fields.")
    return _show(request, _context(patient, family_id, relatives, form, error=error), status=400)


@needs(Permission.ASSESS)
@require_POST
def family_remove(request: HttpRequest, pseudonym: str) -> HttpResponse:
    """Remove a relative (refused, with the reason, if they are someone's parent)."""
    patient = visible_patient(request.user, pseudonym)
    person_id = request.POST.get("person", "")[:40]
    try:
        relatives, done = save_family(patient, lambda before: without_relative(before, person_id))
    except IpexpathError as exc:
        family_id, relatives = stored_family(patient)
        context = _context(patient, family_id, relatives, _blank_form(relatives), error=exc)
        return _show(request, context, status=400)
    if not request.headers.get("HX-Request"):
        return redirect("family", pseudonym=patient.pseudonym)
    family_id, _ = stored_family(patient)
    context = _context(
        patient, family_id, relatives, _blank_form(relatives), done, saved=f"{person_id} removed."
    )
    return _show(request, context)
