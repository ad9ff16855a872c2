"""The JSON API (django-ninja; OpenAPI at /api/openapi.json): every page action, same role checks.

Authentication: the browser session (CSRF-checked) or `Authorization: Bearer <token>` (`web.models.ApiToken`).
Each endpoint names its permission in `PERMISSIONS` (the role × endpoint matrix test reads it).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, File, Form, NinjaAPI, Schema, Status, UploadedFile
from ninja.security import HttpBearer, SessionAuth

from ipexpath.errors import InputError, IpexpathError
from ipexpath.registry import audit
from ipexpath.registry import models as m
from ipexpath.registry.audit import acting_as
from ipexpath.web.access import centres_of, check, patients_for, visible_patient
from ipexpath.web.middleware import client_address
from ipexpath.web.models import ApiToken
from ipexpath.web.roles import Permission

F = TypeVar("F", bound=Callable[..., Any])


class TokenExpired(Exception):
    """A bearer token past its expiry: a 401 that says so (and how to get a new one)."""


class TokenAuth(HttpBearer):
    """`Authorization: Bearer ipx_…` → the token's user (revoked or expired tokens and inactive users
    refused; an expired token is audited and answered with a 401 saying it expired)."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        """The user of a valid token, else None (401)."""
        found = (
            ApiToken.objects.filter(digest=ApiToken.hash(token), revoked=False).select_related("user").first()
        )
        if found is None or not found.user.is_active:
            return None
        if found.expired:
            with acting_as(found.user.get_username(), f"api {client_address(request)}"):
                audit.record(
                    "denied",
                    model="ApiToken",
                    detail=f"expired API token{f' ({found.name[:60]})' if found.name else ''} used; "
                    f"it expired on {found.expires_at:%Y-%m-%d %H:%M} UTC",
                )
            raise TokenExpired(
                f"This API token expired on {found.expires_at:%Y-%m-%d %H:%M} UTC. Ask an administrator "
                "for a new one (ipexpath users token NAME)."
            )
        request.user = found.user
        return found.user


api = NinjaAPI(
    title="ipexpath web API",
    version="1",
    description="Decision support for IPEX syndrome: patients, assessments, registry, analysis, audit. "
    "Session (with CSRF token) or bearer-token authentication; the same role checks as the pages.",
    auth=[SessionAuth(), TokenAuth()],
    docs_url=None,  # the interactive docs page loads scripts from a CDN; the schema is at /api/openapi.json
)

PERMISSIONS: dict[tuple[str, str], Permission] = {}


def endpoint(method: str, path: str, permission: Permission, **kwargs: Any) -> Callable[[F], F]:
    """Register an API operation that needs `permission`; the actor of audit rows is the API user."""

    def wrap(func: F) -> F:
        @functools.wraps(func)
        def guarded(request: HttpRequest, *args: Any, **kw: Any) -> Any:
            user = request.auth  # type: ignore[attr-defined]
            with acting_as(user.get_username(), f"api {client_address(request)}"):
                check(user, permission)
                return func(request, *args, **kw)

        PERMISSIONS[(method.upper(), path)] = permission
        getattr(api, method.lower())(path, **kwargs)(guarded)
        return func

    return wrap


@api.exception_handler(TokenExpired)
def _token_expired(request: HttpRequest, exc: TokenExpired) -> HttpResponse:
    response = api.create_response(request, {"detail": str(exc)}, status=401)
    response["WWW-Authenticate"] = 'Bearer error="invalid_token", error_description="The token expired"'
    return response


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or "Forbidden."}, status=403)


@api.exception_handler(IpexpathError)
def _not_available(request: HttpRequest, exc: IpexpathError) -> HttpResponse:
    """Not the caller's input (e.g. the PDF renderer is missing): 503."""
    return api.create_response(request, {"detail": str(exc)}, status=503)


@api.exception_handler(InputError)
def _bad_request(request: HttpRequest, exc: InputError) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc)}, status=400)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or "Not found."}, status=404)


class Error(Schema):
    """An error: one sentence."""

    detail: str


class PatientOut(Schema):
    """A patient row."""

    pseudonym: str
    centre: str
    sex: str
    birth_year: int
    birth_month: int | None
    vital_status: str
    synthetic: bool


class PatientIn(Schema):
    """A new patient."""

    pseudonym: str
    centre: str
    sex: str = "unknown"
    birth_year: int
    birth_month: int | None = None


class OiOut(Schema):
    """One OI score (Barzaghi 2018; partial scores have no value and no group)."""

    assessed_on: dt.date
    timepoint: str
    score: int | None
    points: int
    assessed_items: int
    group: str | None
    text: str


class PatientDetail(PatientOut):
    """A patient with everything recorded: status, diagnoses, phenotype, treatments (chimerism with its
    transplant), visits (laboratory values with their visit), OI score history and assessment ids."""

    status: dict[str, Any]
    diagnoses: list[dict[str, Any]]
    phenotypes: list[dict[str, Any]]
    transplants: list[dict[str, Any]]
    chimerism: list[dict[str, Any]]
    immunosuppression: list[dict[str, Any]]
    supportive_care: list[dict[str, Any]]
    gene_cell_therapy: list[dict[str, Any]]
    visits: list[dict[str, Any]]
    laboratory: list[dict[str, Any]]
    oi_history: list[OiOut]
    assessments: list[int]


class HsctIn(Schema):
    """A transplant (main fields)."""

    day0: dt.date
    kind: str = "first"
    sequence: int = 1
    donor_type: str = "unknown"
    hla_match: str = ""
    stem_cell_source: str = ""
    conditioning_intensity: str = "unknown"  # never assume reduced intensity (registry model default)
    conditioning_regimen: str = ""
    serotherapy: str = ""
    gvhd_prophylaxis: str = ""
    graft_manipulation: str = ""
    cd34_dose_per_kg: float | None = None
    neutrophil_engraftment: dt.date | None = None
    platelet_engraftment: dt.date | None = None
    acute_gvhd_grade: int | None = None
    chronic_gvhd: str = ""
    graft_failure: str = "none"
    graft_failure_date: dt.date | None = None


class ChimerismIn(Schema):
    """Donor chimerism of one lineage after a transplant (its sequence number; the first by default)."""

    transplant_sequence: int = 1
    measured_on: dt.date
    lineage: str
    donor_percent: float
    method: str = ""


class PatientStatusIn(Schema):
    """Vital status, last contact, death, consent and family history (every field replaces the stored one)."""

    vital_status: str
    last_follow_up: dt.date | None = None
    death_date: dt.date | None = None
    death_category: str = ""
    cause_of_death: str = ""
    consent: str = "given"
    consent_date: dt.date | None = None
    familial_case: bool | None = None
    consanguinity: bool | None = None


class VisitIn(Schema):
    """A follow-up visit."""

    visit_date: dt.date
    weight_kg: float | None = None
    height_cm: float | None = None
    weight_z: float | None = None
    height_z: float | None = None
    active_autoimmunity: bool | None = None
    autoimmune_manifestations: list[str] = Field(default_factory=list)
    infections: str = ""
    qol_instrument: str = ""
    qol_score: float | None = None


class OiIn(Schema):
    """An OI assessment: each item true, false or null (not assessed)."""

    assessed_on: dt.date
    timepoint: str = "follow_up"
    assessor: str = ""
    intractable_diarrhea: bool | None = None
    malnutrition: bool | None = None
    liver_dysfunction: bool | None = None
    respiratory_impairment: bool | None = None
    kidney_dysfunction: bool | None = None


class ImmunosuppressionIn(Schema):
    """A course of immunosuppression."""

    drug: str
    start: dt.date
    drug_class: str = ""
    dose: str = ""
    stop: dt.date | None = None
    stop_reason: str = ""
    response: str = ""


class SupportiveCareIn(Schema):
    """Supportive care (kind: insulin, enteral_nutrition, parenteral_nutrition, immunoglobulin, …)."""

    kind: str
    start: dt.date
    detail: str = ""
    stop: dt.date | None = None


class DiagnosisIn(Schema):
    """The diagnosis: an OMIM id of IPEX or an IPEX-like disorder of the knowledge file, dates, variant."""

    disease_id: str
    onset_date: dt.date | None = None
    diagnosis_date: dt.date | None = None
    genetic_confirmation: bool = False
    confirmation_date: dt.date | None = None
    variant_hgvs: str = ""
    variant_class: str = ""
    assessment: int | None = None


class Created(Schema):
    """The id of what was created."""

    id: int


class CaseIn(Schema):
    """A case entered through the API (no VCF: the page's upload handles files)."""

    hpo: list[str] = Field(default_factory=list)
    excluded: list[str] = Field(default_factory=list)
    text: str = ""
    sex: str = ""
    age: str = ""
    onset: str = ""


class TermOut(Schema):
    """An HPO term search hit."""

    id: str
    label: str
    matched: str
    score: float


class TextIn(Schema):
    """Free text to recognise."""

    text: str


class AuditOut(Schema):
    """One audit row."""

    at: dt.datetime
    actor: str
    source: str
    action: str
    model: str
    object_pk: str
    patient_pseudonym: str
    detail: str


def _patient_out(p: m.Patient) -> dict[str, Any]:
    return {
        "pseudonym": p.pseudonym,
        "centre": p.centre.code,
        "sex": p.sex,
        "birth_year": p.birth_year,
        "birth_month": p.birth_month,
        "vital_status": p.vital_status,
        "synthetic": p.synthetic,
    }


def _validated(instance: Any) -> Any:
    """full_clean the row (choices, lengths) and save it; a bad value is a 400 naming the field."""
    from django.core.exceptions import ValidationError

    try:
        instance.full_clean()
    except ValidationError as exc:
        fields = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
        raise InputError(f"Invalid value(s): {fields}") from None
    instance.save()
    return instance


@endpoint("GET", "/patients", Permission.VIEW, response=list[PatientOut])
def list_patients(request: HttpRequest, q: str = "", limit: int = 100) -> list[dict[str, Any]]:
    """Patients of the caller's centres (pseudonym filter, at most 1000)."""
    rows = patients_for(request.auth)  # type: ignore[attr-defined]
    if q:
        rows = rows.filter(pseudonym__icontains=q[:64])
    return [_patient_out(p) for p in rows.order_by("pseudonym")[: max(1, min(limit, 1000))]]


@endpoint("POST", "/patients", Permission.EDIT_REGISTRY, response={201: PatientOut, 400: Error, 403: Error})
def create_patient(request: HttpRequest, body: PatientIn) -> Status[dict[str, Any]]:
    """Add a patient to one of the caller's centres."""
    centre = centres_of(request.auth).filter(code=body.centre).first()  # type: ignore[attr-defined]
    if centre is None:
        raise InputError("You are not a member of that centre (or it does not exist).")
    if m.Patient.all_objects.filter(pseudonym=body.pseudonym).exists():
        raise InputError("A patient with that pseudonym already exists.")
    patient = m.Patient(
        pseudonym=body.pseudonym,
        centre=centre,
        sex=body.sex,
        birth_year=body.birth_year,
        birth_month=body.birth_month,
    )
    if body.birth_month is not None and not 1 <= body.birth_month <= 12:
        raise InputError("birth_month is 1 to 12.")
    with transaction.atomic():
        _validated(patient)
    return Status(201, _patient_out(patient))


@endpoint("GET", "/patients/{pseudonym}", Permission.VIEW, response={200: PatientDetail, 404: Error})
def get_patient(request: HttpRequest, pseudonym: str) -> dict[str, Any]:
    """One patient with treatments, visits and the OI score history (audited read)."""
    from ipexpath.web.views import oi_history

    patient = visible_patient(request.auth, pseudonym)  # type: ignore[attr-defined]
    audit.record("read", patient, detail="API patient")
    status = audit.snapshot(patient)
    return {
        **_patient_out(patient),
        "status": {key: status.get(key) for key in STATUS_FIELDS},
        "diagnoses": [audit.snapshot(d) for d in patient.diagnoses.order_by("pk")],
        "phenotypes": [audit.snapshot(f) for f in patient.phenotypes.order_by("pk")],
        "transplants": [audit.snapshot(h) for h in patient.transplants.order_by("day0")],
        "chimerism": [
            audit.snapshot(c)
            for c in m.ChimerismMeasurement.objects.filter(transplant__patient=patient).order_by(
                "measured_on"
            )
        ],
        "immunosuppression": [audit.snapshot(c) for c in patient.immunosuppression.order_by("start")],
        "supportive_care": [audit.snapshot(c) for c in patient.supportive_care.order_by("start")],
        "gene_cell_therapy": [audit.snapshot(g) for g in patient.gene_cell_therapy.order_by("infusion_date")],
        "visits": [audit.snapshot(v) for v in patient.visits.order_by("visit_date")],
        "laboratory": [
            audit.snapshot(lab) for lab in m.LabValue.objects.filter(visit__patient=patient).order_by("pk")
        ],
        "oi_history": [
            {
                "assessed_on": row["assessment"].assessed_on,
                "timepoint": row["assessment"].timepoint,
                "score": row["score"].value,
                "points": row["score"].points,
                "assessed_items": row["score"].assessed,
                "group": row["score"].group,
                "text": row["text"],
            }
            for row in oi_history(patient)
        ],
        "assessments": list(patient.assessments.order_by("pk").values_list("pk", flat=True)),
    }


STATUS_FIELDS = tuple(PatientStatusIn.model_fields)


@endpoint(
    "PUT",
    "/patients/{pseudonym}/status",
    Permission.EDIT_REGISTRY,
    response={200: dict[str, Any], 400: Error, 404: Error},
)
def put_status(request: HttpRequest, pseudonym: str, body: PatientStatusIn) -> Any:
    """Replace the patient's vital status, last contact, death, consent and family history (the page's
    checks: a death only with the status 'deceased', no treatment or visit after the date of death)."""
    from ipexpath.web.forms import PatientStatusForm

    patient = visible_patient(request.auth, pseudonym)  # type: ignore[attr-defined]
    values = body.dict()
    for key in ("familial_case", "consanguinity"):
        values[key] = {True: "true", False: "false", None: "unknown"}[values[key]]
    form = PatientStatusForm({k: "" if v is None else v for k, v in values.items()}, instance=patient)
    if not form.is_valid():
        problems = "; ".join(
            f"{k}: {' '.join(v)}" if k != "__all__" else " ".join(v) for k, v in form.errors.items()
        )
        raise InputError(f"Invalid value(s): {problems}")
    with transaction.atomic():
        form.save()
    saved = audit.snapshot(patient)
    return {key: saved.get(key) for key in STATUS_FIELDS}


@endpoint(
    "POST",
    "/patients/{pseudonym}/chimerism",
    Permission.EDIT_REGISTRY,
    response={201: Created, 400: Error, 404: Error},
)
def add_chimerism(request: HttpRequest, pseudonym: str, body: ChimerismIn) -> Status[Any]:
    """Add a chimerism measurement after the patient's transplant number `transplant_sequence`."""
    patient = visible_patient(request.auth, pseudonym)  # type: ignore[attr-defined]
    values = body.dict()
    sequence = values.pop("transplant_sequence")
    transplant = patient.transplants.filter(sequence=sequence).order_by("day0").first()
    if transplant is None:
        raise InputError(f"{patient.pseudonym} has no transplant number {sequence}.")
    with transaction.atomic():
        row = _validated(m.ChimerismMeasurement(transplant=transplant, **values))
    return Status(201, {"id": row.pk})


def _add(request: HttpRequest, pseudonym: str, model: type[Any], values: dict[str, Any]) -> Status[Any]:
    patient = visible_patient(request.auth, pseudonym)  # type: ignore[attr-defined]
    with transaction.atomic():
        row = _validated(model(patient=patient, **values))
    return Status(201, {"id": row.pk})


@endpoint(
    "POST",
    "/patients/{pseudonym}/hsct",
    Permission.EDIT_REGISTRY,
    response={201: Created, 400: Error, 404: Error},
)
def add_hsct(request: HttpRequest, pseudonym: str, body: HsctIn) -> Status[Any]:
    """Add a transplant."""
    return _add(request, pseudonym, m.Hsct, body.dict())


@endpoint(
    "POST",
    "/patients/{pseudonym}/visits",
    Permission.EDIT_REGISTRY,
    response={201: Created, 400: Error, 404: Error},
)
def add_visit(request: HttpRequest, pseudonym: str, body: VisitIn) -> Status[Any]:
    """Add a follow-up visit."""
    return _add(request, pseudonym, m.FollowUpVisit, body.dict())


@endpoint(
    "POST",
    "/patients/{pseudonym}/oi",
    Permission.EDIT_REGISTRY,
    response={201: Created, 400: Error, 404: Error},
)
def add_oi(request: HttpRequest, pseudonym: str, body: OiIn) -> Status[Any]:
    """Add an organ-involvement assessment."""
    return _add(request, pseudonym, m.OiAssessment, body.dict())


@endpoint(
    "POST",
    "/patients/{pseudonym}/immunosuppression",
    Permission.EDIT_REGISTRY,
    response={201: Created, 400: Error, 404: Error},
)
def add_immunosuppression(request: HttpRequest, pseudonym: str, body: ImmunosuppressionIn) -> Status[Any]:
    """Add a course of immunosuppression."""
    return _add(request, pseudonym, m.ImmunosuppressionCourse, body.dict())


@endpoint(
    "POST",
    "/patients/{pseudonym}/supportive-care",
    Permission.EDIT_REGISTRY,
    response={201: Created, 400: Error, 404: Error},
)
def add_supportive_care(request: HttpRequest, pseudonym: str, body: SupportiveCareIn) -> Status[Any]:
    """Add supportive care."""
    return _add(request, pseudonym, m.SupportiveCare, body.dict())


@endpoint(
    "POST",
    "/patients/{pseudonym}/diagnoses",
    Permission.EDIT_REGISTRY,
    response={201: Created, 400: Error, 404: Error},
)
def add_diagnosis(request: HttpRequest, pseudonym: str, body: DiagnosisIn) -> Status[Any]:
    """Record the diagnosis (the disease must be IPEX or an IPEX-like disorder of the knowledge file; the
    assessment, when given, must be one of this patient's)."""
    from ipexpath.web.forms import known_diseases

    values = body.dict()
    known = {i: (label, gene) for i, label, gene in known_diseases()}
    if values["disease_id"] not in known:
        raise InputError(
            f"{values['disease_id'][:40]} is not IPEX or an IPEX-like disorder in ipexpath's knowledge file.",
            "Use the OMIM id, e.g. OMIM:304790 for IPEX.",
        )
    values["disease_label"], values["gene"] = known[values["disease_id"]]
    patient = visible_patient(request.auth, pseudonym)  # type: ignore[attr-defined]
    pk = values.pop("assessment")
    stored = None
    if pk is not None:
        stored = m.StoredAssessment.objects.filter(pk=pk, patient=patient).first()
        if stored is None:
            raise InputError(f"Assessment {pk} is not one of {patient.pseudonym}'s.")
    return _add(request, pseudonym, m.Diagnosis, values | {"assessment": stored})


@endpoint(
    "POST",
    "/patients/{pseudonym}/assessments",
    Permission.ASSESS,
    response={201: Created, 400: Error, 404: Error},
)
def assess(request: HttpRequest, pseudonym: str, body: CaseIn) -> Status[Any]:
    """Run the assessment for a case given as terms and/or free text; stores it with the patient."""
    from ipexpath.web.assessments import CaseEntry, run_and_store

    patient = visible_patient(request.auth, pseudonym)  # type: ignore[attr-defined]
    entry = CaseEntry(
        hpo=tuple(body.hpo[:200]),
        excluded=tuple(body.excluded[:200]),
        text=body.text[:20_000],
        sex=body.sex,
        age=body.age,
        onset=body.onset,
    )
    with transaction.atomic():
        stored = run_and_store(patient, entry)
    return Status(201, {"id": stored.pk})


class CaseVcfIn(Schema):
    """The case fields sent with a VCF (multipart form): terms as comma-separated HPO ids."""

    hpo: str = Field("", max_length=4000, description="Observed HPO ids, comma-separated.")
    excluded: str = Field("", max_length=4000, description="Excluded HPO ids, comma-separated.")
    text: str = Field("", max_length=20_000)
    sex: str = Field("", max_length=10)
    age: str = Field("", max_length=40)
    onset: str = Field("", max_length=40)
    covered: str = Field("", max_length=2000, description="Genes the test covered, e.g. FOXP3,IL2RA.")
    sample: str = Field("", max_length=200, description="For a multi-sample VCF: the patient's sample.")


NO_FILE = File(None)  # the multipart field 'vcf' (optional in the schema; its absence is a 400 that says so)


def _ids(text: str) -> tuple[str, ...]:
    return tuple(t.strip() for t in text.split(",") if t.strip())[:200]


@endpoint(
    "POST",
    "/patients/{pseudonym}/assessments/vcf",
    Permission.ASSESS,
    response={201: Created, 400: Error, 404: Error, 413: Error},
)
def assess_with_vcf(
    request: HttpRequest,
    pseudonym: str,
    case: Form[CaseVcfIn],
    vcf: UploadedFile | None = NO_FILE,
) -> Status[Any]:
    """Run the assessment with a VCF (multipart upload; the same size limit, name and header checks as the
    case-entry page); stores it with the patient."""
    import shutil
    import tempfile
    from pathlib import Path

    from ipexpath.web.assessments import CaseEntry, covered_genes, run_and_store
    from ipexpath.web.uploads import save_vcf, too_large_message

    patient = visible_patient(request.auth, pseudonym)  # type: ignore[attr-defined]
    if getattr(request, "upload_too_large", False):
        return Status(413, {"detail": too_large_message()})
    if vcf is None:
        raise InputError("No VCF was sent (multipart field 'vcf').")
    entry = CaseEntry(
        hpo=_ids(case.hpo),
        excluded=_ids(case.excluded),
        text=case.text,
        sex=case.sex,
        age=case.age,
        onset=case.onset,
        covered=covered_genes(case.covered) or "",
    )
    work = Path(tempfile.mkdtemp(prefix="ipexpath-api-upload-"))
    try:
        path = save_vcf(vcf, work)
        with transaction.atomic():
            stored = run_and_store(patient, entry, path, case.sample or None)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return Status(201, {"id": stored.pk})


class RelativeIo(Schema):
    """One relative (the family file's fields): sex male/female/unknown, affected unknown/affected/unaffected,
    test ''/found/not-found, age as '34', '8 mo' or 'P1Y6M' (at death when deceased)."""

    id: str = Field(..., max_length=40)
    sex: str = Field("unknown", max_length=10)
    name: str = Field("", max_length=80)
    father: str = Field("", max_length=40)
    mother: str = Field("", max_length=40)
    affected: str = Field("unknown", max_length=12)
    age: str = Field("", max_length=20)
    deceased: bool = False
    proband: bool = False
    test: str = Field("", max_length=12)


class FamilyIn(Schema):
    """The whole family (replaces the saved one when it reads and its risks compute)."""

    relatives: list[RelativeIo] = Field(..., max_length=60)


class RiskOut(Schema):
    """One person's chance of carrying the familial variant (exact, X-linked recessive model)."""

    id: str
    p_variant: float
    prior_p_variant: float


class FamilyOut(Schema):
    """The saved family with its risks and the pedigree drawing (SVG text)."""

    family_id: str
    relatives: list[RelativeIo]
    risks: list[RiskOut]
    pregnancies: list[dict[str, Any]]
    svg: str


def _family_out(family_id: str, relatives: list[Any], done: Any) -> dict[str, Any]:
    return {
        "family_id": family_id,
        "relatives": [r.as_dict() for r in relatives],
        "risks": [
            {"id": r.id, "p_variant": r.p_variant, "prior_p_variant": r.prior_p_variant}
            for r in (done.risks.individuals if done else ())
        ],
        "pregnancies": [p.to_dict() for p in (done.risks.pregnancies if done else ())],
        "svg": done.svg if done else "",
    }


@endpoint("GET", "/patients/{pseudonym}/family", Permission.VIEW, response={200: FamilyOut, 404: Error})
def get_family(request: HttpRequest, pseudonym: str) -> Any:
    """The patient's family, its exact carrier risks and the pedigree drawing (audited read)."""
    from ipexpath.web.family import counsel
    from ipexpath.web.family_pages import stored_family

    patient = visible_patient(request.auth, pseudonym)  # type: ignore[attr-defined]
    audit.record("read", patient, detail="API family")
    family_id, relatives = stored_family(patient)
    return _family_out(family_id, relatives, counsel(family_id, relatives) if relatives else None)


@endpoint(
    "PUT",
    "/patients/{pseudonym}/family",
    Permission.ASSESS,
    response={200: FamilyOut, 400: Error, 404: Error},
)
def put_family(request: HttpRequest, pseudonym: str, body: FamilyIn) -> Any:
    """Replace the family: checked by the family reader (parents' sex, loops, ids) and the risk engine first;
    nothing is saved when it is refused (400 with the reason)."""
    from ipexpath.web.family import Relative
    from ipexpath.web.family_pages import save_family

    patient = visible_patient(request.auth, pseudonym)  # type: ignore[attr-defined]
    relatives = [Relative(**r.dict()) for r in body.relatives]
    after, done = save_family(patient, lambda before: relatives)
    family_id = m.Patient.objects.get(pk=patient.pk).family.family_id
    return _family_out(family_id, after, done)


@endpoint("GET", "/assessments/{pk}", Permission.VIEW, response={200: dict[str, Any], 404: Error})
def get_assessment(request: HttpRequest, pk: int) -> Any:
    """The stored assessment JSON (audited download)."""
    stored = m.StoredAssessment.objects.filter(
        pk=pk,
        patient__in=patients_for(request.auth),  # type: ignore[attr-defined]
    ).first()
    if stored is None:
        raise Http404("No such assessment in your centres.")
    audit.record("download", stored, detail="API assessment.json")
    return stored.assessment_json


@endpoint(
    "GET",
    "/assessments/{pk}/documents/{name}",
    Permission.VIEW,
    response={200: None, 404: Error, 503: Error},
    openapi_extra={
        "responses": {
            "200": {
                "description": "The document: report.pdf, leaflet.pdf (application/pdf), report.html, "
                "leaflet.html (text/html), assessment.json or phenopacket.json (application/json).",
            }
        }
    },
)
def get_document(request: HttpRequest, pk: int, name: str) -> Any:
    """Download one document of a stored assessment (audited download)."""
    from ipexpath.web.views import DOWNLOADS, document_response

    stored = m.StoredAssessment.objects.filter(
        pk=pk,
        patient__in=patients_for(request.auth),  # type: ignore[attr-defined]
    ).first()
    if stored is None or name not in DOWNLOADS:
        raise Http404("No such assessment document in your centres.")
    audit.record("download", stored, detail=f"API {name}")
    response = document_response(stored, name)
    response["Content-Disposition"] = f'attachment; filename="assessment-{stored.pk}-{name}"'
    return response


@endpoint("GET", "/terms", Permission.ASSESS, response=list[TermOut])
def terms(request: HttpRequest, q: str, limit: int = 10) -> list[dict[str, Any]]:
    """HPO term search (ids, labels, synonyms, abbreviations; typo-tolerant)."""
    from ipexpath.knowledge.search import search_terms
    from ipexpath.web.assessments import knowledge

    return [h.to_dict() for h in search_terms(knowledge(), q[:200], limit=max(1, min(limit, 50)))]


@endpoint("POST", "/text", Permission.ASSESS, response=dict[str, Any])
def text(request: HttpRequest, body: TextIn) -> Any:
    """Recognise HPO terms in free text (observed, negated, family history, unrecognised spans)."""
    from ipexpath.knowledge.textmine import recognise
    from ipexpath.web.assessments import knowledge

    return recognise(knowledge(), body.text[:20_000]).to_dict()


@endpoint("GET", "/registry/analysis", Permission.ANALYSE, response={200: dict[str, Any], 400: Error})
def analysis(request: HttpRequest, time_zero: str = "treatment") -> Any:
    """The registry survival analysis of the caller's centres (JSON of the analysis report)."""
    from ipexpath.web.analysis_pages import TIME_ZEROS, current_report

    if time_zero not in TIME_ZEROS:
        raise InputError(f"time_zero is one of {', '.join(TIME_ZEROS)}.")
    audit.record("read", model="Analysis", detail=f"API analysis, time zero {time_zero}")
    codes = list(centres_of(request.auth).values_list("code", flat=True))  # type: ignore[attr-defined]
    return current_report(time_zero, codes).payload


@endpoint("GET", "/audit", Permission.AUDIT, response=list[AuditOut])
def audit_events(request: HttpRequest, patient: str = "", limit: int = 100) -> Any:
    """The audit trail, newest first (read-only)."""
    rows = m.AuditEvent.objects.order_by("-at", "-id")
    if patient:
        rows = rows.filter(patient_pseudonym=patient[:64])
    return list(rows[: max(1, min(limit, 1000))])
