"""Role × endpoint matrix: every page and API operation is listed with the roles allowed; a new endpoint that
is not in the matrix fails the test, and each cell is checked against the running application."""

from __future__ import annotations

import pytest
from webworld import ROLES, World

ALL = frozenset(ROLES)
VIEW = ALL
ASSESS = frozenset({"clinician", "genetic_counsellor", "administrator"})
EDIT = frozenset({"clinician", "registry_coordinator", "administrator"})
ANALYSE = frozenset({"clinician", "genetic_counsellor", "registry_coordinator", "administrator"})
AUDIT = frozenset({"administrator"})
DELETE = EXPORT = frozenset({"registry_coordinator", "administrator"})
USERS = frozenset({"administrator"})
PUBLIC = frozenset({"anyone"})

MISSING = "NO-SUCH-PATIENT"
# (method, path to call) → roles allowed. A patient that does not exist answers 404 to an allowed role and
# 403 to a role that is not allowed (the role check comes first), so no cell runs a real change.
PAGES: dict[tuple[str, str], frozenset[str]] = {
    ("GET", "signin/"): PUBLIC,
    ("GET", "signin/code/"): PUBLIC,
    ("POST", "signout/"): PUBLIC,
    ("GET", "reauth/"): VIEW,
    ("GET", "users/"): USERS,
    ("POST", "users/<str:username>/reset-factor/"): USERS,
    ("POST", "users/<str:username>/active/"): USERS,
    ("GET", "patients/<str:pseudonym>/delete/"): DELETE,
    ("GET", "patients/<str:pseudonym>/family/delete/"): ASSESS,
    ("GET", "registry/export/"): EXPORT,
    ("GET", ""): VIEW,
    ("GET", "patients/new/"): EDIT,
    ("GET", "patients/<str:pseudonym>/"): VIEW,
    ("GET", "patients/<str:pseudonym>/assess/"): ASSESS,
    ("GET", "patients/<str:pseudonym>/status/"): EDIT,
    ("GET", "patients/<str:pseudonym>/<str:kind>/<int:pk>/edit/"): EDIT,
    ("GET", "patients/<str:pseudonym>/hsct/new/"): EDIT,
    ("GET", "patients/<str:pseudonym>/chimerism/new/"): EDIT,
    ("GET", "patients/<str:pseudonym>/visits/new/"): EDIT,
    ("GET", "patients/<str:pseudonym>/oi/new/"): EDIT,
    ("GET", "patients/<str:pseudonym>/diagnosis/new/"): EDIT,
    ("GET", "patients/<str:pseudonym>/immunosuppression/new/"): EDIT,
    ("GET", "patients/<str:pseudonym>/supportive/new/"): EDIT,
    ("GET", "patients/<str:pseudonym>/family/"): VIEW,
    ("POST", "patients/<str:pseudonym>/family/person/"): ASSESS,
    ("POST", "patients/<str:pseudonym>/family/remove/"): ASSESS,
    ("GET", "terms/"): ASSESS,
    ("POST", "text/"): ASSESS,
    ("GET", "assessments/<int:pk>/"): VIEW,
    ("GET", "assessments/<int:pk>/<str:name>"): VIEW,
    ("GET", "registry/analysis/"): ANALYSE,
    ("GET", "registry/analysis/<str:time_zero>/<str:name>"): ANALYSE,
    ("GET", "audit/"): AUDIT,
}
API: dict[tuple[str, str], frozenset[str]] = {
    ("GET", "/patients"): VIEW,
    ("POST", "/patients"): EDIT,
    ("GET", "/patients/{pseudonym}"): VIEW,
    ("PUT", "/patients/{pseudonym}/status"): EDIT,
    ("POST", "/patients/{pseudonym}/hsct"): EDIT,
    ("POST", "/patients/{pseudonym}/chimerism"): EDIT,
    ("POST", "/patients/{pseudonym}/visits"): EDIT,
    ("POST", "/patients/{pseudonym}/oi"): EDIT,
    ("POST", "/patients/{pseudonym}/immunosuppression"): EDIT,
    ("POST", "/patients/{pseudonym}/supportive-care"): EDIT,
    ("POST", "/patients/{pseudonym}/diagnoses"): EDIT,
    ("POST", "/patients/{pseudonym}/assessments"): ASSESS,
    ("POST", "/patients/{pseudonym}/assessments/vcf"): ASSESS,
    ("GET", "/patients/{pseudonym}/family"): VIEW,
    ("PUT", "/patients/{pseudonym}/family"): ASSESS,
    ("GET", "/assessments/{pk}"): VIEW,
    ("GET", "/assessments/{pk}/documents/{name}"): VIEW,
    ("GET", "/terms"): ASSESS,
    ("POST", "/text"): ASSESS,
    ("GET", "/registry/analysis"): ANALYSE,
    ("GET", "/audit"): AUDIT,
}


def _page_routes() -> set[str]:
    from ipexpath.web.urls import urlpatterns

    return {str(p.pattern) for p in urlpatterns if not str(p.pattern).startswith("api/")}


def test_every_page_is_in_the_matrix() -> None:
    assert _page_routes() == {path for _, path in PAGES}


def test_every_api_operation_is_in_the_matrix() -> None:
    from ipexpath.web.api import PERMISSIONS, api

    schema = api.get_openapi_schema()
    operations = {
        (method.upper(), path.removeprefix("/api"))
        for path, item in schema["paths"].items()
        for method in item
    }
    assert operations == set(API)
    assert set(PERMISSIONS) == set(API)


def test_the_matrix_agrees_with_the_role_table() -> None:
    from ipexpath.web.api import PERMISSIONS
    from ipexpath.web.roles import Role, allowed

    for key, roles in API.items():
        assert {r.value for r in Role if allowed(r, PERMISSIONS[key])} == roles, key


def _page_call(client: object, method: str, path: str) -> int:
    concrete = (
        path.replace("<str:pseudonym>", MISSING)
        .replace("<int:pk>", "999999")
        .replace("<str:name>", "report.html")
        .replace("<str:time_zero>", "treatment")
        .replace("<str:username>", "no-such-user")
        .replace("<str:kind>", "hsct")
    )
    url = "/" + concrete
    if path == "registry/analysis/<str:time_zero>/<str:name>":
        url = "/registry/analysis/treatment/not-a-figure.png"
    call = client.get if method == "GET" else client.post  # type: ignore[attr-defined]
    return int(call(url).status_code)


@pytest.mark.parametrize("role", ROLES)
def test_pages_obey_the_matrix(world: World, role: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from ipexpath.web import analysis_pages

    monkeypatch.setattr(
        analysis_pages, "current_report", lambda tz, codes: analysis_pages.AnalysisReport(tz, None, {}, [])
    )  # type: ignore[arg-type]
    client = world.client(role)
    for (method, path), roles in PAGES.items():
        if roles is PUBLIC:
            continue
        status = _page_call(client, method, path)
        if role in roles:
            assert status != 403, (role, method, path, status)
        else:
            assert status == 403, (role, method, path, status)


def _api_call(client: object, method: str, path: str) -> int:
    url = "/api" + path.replace("{pseudonym}", MISSING).replace("{pk}", "999999").replace(
        "{name}", "report.pdf"
    )
    bodies = {
        "/patients": {"pseudonym": "X", "centre": "no-such-centre", "birth_year": 2020},
        "/patients/{pseudonym}/hsct": {"day0": "2026-01-01"},
        "/patients/{pseudonym}/chimerism": {
            "measured_on": "2026-01-01",
            "lineage": "cd3",
            "donor_percent": 90,
        },
        "/patients/{pseudonym}/visits": {"visit_date": "2026-01-01"},
        "/patients/{pseudonym}/oi": {"assessed_on": "2026-01-01"},
        "/patients/{pseudonym}/immunosuppression": {"drug": "sirolimus", "start": "2026-01-01"},
        "/patients/{pseudonym}/supportive-care": {"kind": "insulin", "start": "2026-01-01"},
        "/patients/{pseudonym}/diagnoses": {"disease_id": "OMIM:304790"},
        "/patients/{pseudonym}/assessments": {"hpo": ["HP:0002721"]},
        "/text": {"text": ""},
    }
    if method == "GET":
        query = {"/terms": {"q": "diarrhea"}, "/registry/analysis": {"time_zero": "nonsense"}}.get(path, {})
        return int(client.get(url, query).status_code)  # type: ignore[attr-defined]
    if method == "PUT":
        body: dict[str, object] = {"relatives": [{"id": "P", "sex": "male"}]}
        if path.endswith("/status"):
            body = {"vital_status": "alive"}
        return int(client.put(url, body, content_type="application/json").status_code)  # type: ignore[attr-defined]
    if path.endswith("/vcf"):
        return int(client.post(url, {"hpo": "HP:0002721"}).status_code)  # type: ignore[attr-defined]
    return int(client.post(url, bodies.get(path, {}), content_type="application/json").status_code)  # type: ignore[attr-defined]


@pytest.mark.parametrize("role", ROLES)
def test_api_obeys_the_matrix(world: World, role: str) -> None:
    client = world.client(role)
    for (method, path), roles in API.items():
        status = _api_call(client, method, path)
        if role in roles:
            assert status not in (401, 403), (role, method, path, status)
        else:
            assert status == 403, (role, method, path, status)


def test_api_token_authentication(world: World) -> None:
    from django.contrib.auth import get_user_model

    from ipexpath.web.models import ApiToken

    token = ApiToken.issue(get_user_model().objects.get(username="read_only"))
    client = world.client()
    ok = client.get("/api/patients", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert ok.status_code == 200 and [p["pseudonym"] for p in ok.json()] == [world.patient_a]
    refused = client.post(
        f"/api/patients/{world.patient_a}/visits",
        {"visit_date": "2026-01-01"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert refused.status_code == 403
    assert client.get("/api/patients", HTTP_AUTHORIZATION="Bearer ipx_wrong").status_code == 401


def test_api_session_writes_need_the_csrf_token(world: World) -> None:
    client = world.client("clinician", csrf=True)
    response = client.post(
        f"/api/patients/{world.patient_a}/visits",
        {"visit_date": "2026-01-01"},
        content_type="application/json",
    )
    assert response.status_code in (401, 403)


def test_api_adds_a_visit_and_shows_the_oi_history(world: World) -> None:
    client = world.client("registry_coordinator")
    made = client.post(
        f"/api/patients/{world.patient_a}/oi",
        {
            "assessed_on": "2026-01-01",
            "timepoint": "pre_HSCT",
            "intractable_diarrhea": True,
            "malnutrition": True,
            "liver_dysfunction": True,
            "respiratory_impairment": False,
            "kidney_dysfunction": False,
        },
        content_type="application/json",
    )
    assert made.status_code == 201
    detail = client.get(f"/api/patients/{world.patient_a}").json()
    assert detail["oi_history"][0]["score"] == 3 and detail["oi_history"][0]["group"] == "3-5"
    bad = client.post(
        f"/api/patients/{world.patient_a}/hsct",
        {"day0": "2026-01-01", "donor_type": "a stranger"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "donor_type" in bad.json()["detail"]
