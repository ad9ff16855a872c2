"""Second sign-in factor (TOTP via django-otp, recovery codes) and re-authentication before sensitive actions:
known answers for codes computed from the enrolled key, replay and lockout, enforcement for administrators,
the `users enrol-mfa`/`reset-mfa` commands, and each sensitive page (delete a record or a family, export,
users)."""

from __future__ import annotations

import base64
import io
import json
import os
import subprocess
import sys
import time
import zipfile
from typing import Any

import pytest
from webworld import PASSWORD, World


def _code(key: str, at: float | None = None) -> str:
    """The authenticator's current code for a base32 key (django-otp's RFC 6238 implementation)."""
    from django_otp.oath import TOTP

    totp = TOTP(base64.b32decode(key))
    totp.time = time.time() if at is None else at
    return f"{totp.token():06d}"


def _enrol(username: str) -> Any:
    from django.contrib.auth import get_user_model

    from ipexpath.web.second_factor import enrol

    return enrol(get_user_model().objects.get(username=username))


def _password(client: Any, username: str) -> Any:
    return client.post("/signin/", {"username": username, "password": PASSWORD, "next": "/"})


def test_an_administrator_without_a_second_factor_cannot_sign_in(world: World) -> None:
    from ipexpath.registry.models import AuditEvent

    response = _password(world.client(), "administrator")
    assert response.status_code == 403 and "second sign-in factor" in response.content.decode()
    assert "_auth_user_id" not in response.wsgi_request.session
    assert AuditEvent.objects.filter(action="signin_failed", actor="administrator").exists()
    assert _password(world.client(), "clinician").status_code == 302  # other roles: password only


def test_sign_in_with_the_authenticator_code(world: World) -> None:
    from ipexpath.registry.models import AuditEvent

    enrolment = _enrol("administrator")
    assert enrolment.uri.startswith("otpauth://totp/ipexpath%3Aadministrator?secret=" + enrolment.key)
    client = world.client()
    step = _password(client, "administrator")
    assert step.status_code == 302 and step["Location"] == "/signin/code/"
    assert client.get("/").status_code == 302  # not signed in yet
    wrong = client.post("/signin/code/", {"code": "000000" if _code(enrolment.key) != "000000" else "111111"})
    assert wrong.status_code == 401
    time.sleep(1.1)  # django-otp refuses every code for 1 s after a failure (then 2, 4, … s)
    done = client.post("/signin/code/", {"code": _code(enrolment.key)})
    assert done.status_code == 302 and done["Location"] == "/"
    assert client.get("/audit/").status_code == 200
    assert AuditEvent.objects.filter(action="signin", detail="signed in (authenticator code)").count() == 1
    # The same code cannot be used twice (django-otp keeps the last time step used).
    again = world.client()
    _password(again, "administrator")
    assert again.post("/signin/code/", {"code": _code(enrolment.key)}).status_code == 401


def test_a_recovery_code_works_once(world: World) -> None:
    enrolment = _enrol("clinician")
    assert len(enrolment.recovery_codes) == 10 and len(set(enrolment.recovery_codes)) == 10
    code = enrolment.recovery_codes[3]
    client = world.client()
    _password(client, "clinician")
    done = client.post("/signin/code/", {"code": code.lower().replace("-", " ")})
    assert done.status_code == 302
    assert "9 left" in client.get("/").content.decode()
    second = world.client()
    _password(second, "clinician")
    assert second.post("/signin/code/", {"code": code}).status_code == 401
    from ipexpath.web.models import RecoveryCode

    assert code not in json.dumps(list(RecoveryCode.objects.values()), default=str)  # only hashes stored


def test_wrong_codes_count_towards_the_lockout(world: World) -> None:
    enrolment = _enrol("clinician")
    client = world.client()
    _password(client, "clinician")
    for _ in range(4):
        assert client.post("/signin/code/", {"code": "not-a-code"}).status_code == 401
    locked = client.post("/signin/code/", {"code": "not-a-code"})
    assert locked.status_code == 401 and "locked" in locked.content.decode()
    fresh = world.client()
    assert _password(fresh, "clinician").status_code == 401  # the name is locked now
    assert fresh.post("/signin/code/", {"code": _code(enrolment.key)}).status_code == 302  # → back to sign-in
    assert fresh.get("/").status_code == 302


def test_the_wait_for_the_code_expires(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    from ipexpath.web import signin

    enrolment = _enrol("clinician")
    client = world.client()
    _password(client, "clinician")
    real = time.time
    monkeypatch.setattr(signin.time, "time", lambda: real() + signin.PENDING_SECONDS + 1)
    late = client.post("/signin/code/", {"code": _code(enrolment.key)})
    assert late.status_code == 302 and late["Location"] == "/signin/"


def _signed_in(world: World, username: str) -> Any:
    client = world.client()
    assert _password(client, username).status_code == 302
    return client


def test_sensitive_pages_ask_for_the_password_again_after_the_window(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ipexpath.registry.models import AuditEvent
    from ipexpath.web import signin

    client = _signed_in(world, "registry_coordinator")
    assert client.get(f"/patients/{world.patient_a}/delete/").status_code == 200  # just signed in
    real = time.time
    monkeypatch.setattr(signin.time, "time", lambda: real() + 6 * 60)
    stale = client.get(f"/patients/{world.patient_a}/delete/")
    assert stale.status_code == 302
    assert stale["Location"] == f"/reauth/?next=/patients/{world.patient_a}/delete/"
    posted = client.post(f"/patients/{world.patient_a}/delete/", {"confirm": world.patient_a, "reason": "x"})
    assert posted.status_code == 302 and posted["Location"].startswith("/reauth/")  # nothing deleted
    assert client.get(f"/patients/{world.patient_a}/").status_code == 200
    wrong = client.post("/reauth/", {"password": "not my password", "next": "/registry/export/"})
    assert wrong.status_code == 401
    right = client.post("/reauth/", {"password": PASSWORD, "next": "/registry/export/"})
    assert right.status_code == 302 and right["Location"] == "/registry/export/"
    assert client.get("/registry/export/").status_code == 200
    assert AuditEvent.objects.filter(action="reauthenticated", actor="registry_coordinator").count() == 1


def test_reauthentication_needs_the_code_when_enrolled(world: World) -> None:
    enrolment = _enrol("administrator")
    client = world.client("administrator")  # a session without a recent authentication
    assert client.get("/users/")["Location"] == "/reauth/?next=/users/"
    page = client.get("/reauth/?next=/users/").content.decode()
    assert 'name="code"' in page
    assert client.post("/reauth/", {"password": PASSWORD, "next": "/users/"}).status_code == 401
    done = client.post("/reauth/", {"password": PASSWORD, "code": _code(enrolment.key), "next": "/users/"})
    assert done.status_code == 302 and done["Location"] == "/users/"
    assert client.get("/users/").status_code == 200


def test_deleting_a_record_is_a_soft_deletion_with_a_reason(world: World) -> None:
    from ipexpath.registry.models import AuditEvent, Patient

    client = _signed_in(world, "registry_coordinator")
    url = f"/patients/{world.patient_a}/delete/"
    assert client.post(url, {"confirm": "wrong", "reason": "duplicate"}).status_code == 400
    assert client.post(url, {"confirm": world.patient_a, "reason": ""}).status_code == 400
    done = client.post(url, {"confirm": world.patient_a, "reason": "duplicate record"})
    assert done.status_code == 302
    assert client.get(f"/patients/{world.patient_a}/").status_code == 404
    row = Patient.all_objects.get(pseudonym=world.patient_a)
    assert row.deleted_at is not None and row.deleted_reason == "duplicate record"
    assert AuditEvent.objects.filter(action="delete", patient_pseudonym=world.patient_a).exists()
    other = _signed_in(world, "clinician")
    assert other.get(f"/patients/{world.patient_b}/delete/").status_code == 403  # clinicians may not


def test_deleting_the_family(world: World) -> None:
    from ipexpath.registry.models import AuditEvent

    client = _signed_in(world, "clinician")
    base = f"/patients/{world.patient_a}/family/"
    person = {"id": "II-1", "sex": "male", "affected": "affected", "proband": "on"}
    assert client.post(base + "person/", person).status_code in (200, 302)
    assert "II-1" in client.get(base).content.decode()
    done = client.post(base + "delete/", {"confirm": world.patient_a})
    assert done.status_code == 302
    assert 'id="no-family"' in client.get(base).content.decode()
    event = AuditEvent.objects.get(action="delete", model="FamilyRecord")
    assert event.before["relatives"][0]["id"] == "II-1" and event.after == {"relatives": []}


def test_exporting_the_registry_of_ones_centres(world: World) -> None:
    from ipexpath.registry.models import AuditEvent

    client = _signed_in(world, "registry_coordinator")
    response = client.post("/registry/export/", {"format": "csv", "synthetic": "1"})
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="ipexpath-registry-csv-')
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    patients = archive.read("patient.csv").decode()
    assert world.patient_a in patients and world.patient_b not in patients  # only the user's centres
    assert "data_dictionary.csv" in archive.namelist()
    assert AuditEvent.objects.filter(action="export", detail="web csv export of 1 patients").exists()
    assert client.post("/registry/export/", {"format": "nonsense"}).status_code == 400
    # the synthetic demo patients are left out unless asked for (the box is not ticked by default)
    from ipexpath.registry.models import Centre, Patient

    Patient.objects.create(
        pseudonym="SYN-00001", centre=Centre.objects.get(code="centre-a"), birth_year=2020, synthetic=True
    )
    plain = zipfile.ZipFile(io.BytesIO(client.post("/registry/export/", {"format": "csv"}).content))
    assert "SYN-00001" not in plain.read("patient.csv").decode()
    assert 'name="synthetic" value="1">' in client.get("/registry/export/").content.decode()


def test_administrators_reset_a_second_factor_and_deactivate_accounts(world: World) -> None:
    from django.contrib.auth import get_user_model

    from ipexpath.web.second_factor import is_enrolled

    admin_key = _enrol("administrator").key
    _enrol("clinician")
    client = world.client()
    _password(client, "administrator")
    client.post("/signin/code/", {"code": _code(admin_key)})
    page = client.get("/users/").content.decode()
    assert "10 recovery codes left" in page and "Reset second factor" in page
    assert client.post("/users/clinician/reset-factor/").status_code == 302
    assert not is_enrolled(get_user_model().objects.get(username="clinician"))
    reader = _signed_in(world, "read_only")
    assert client.post("/users/read_only/active/", {"active": "0"}).status_code == 302
    assert reader.get("/").status_code == 302  # the session ended
    assert _password(world.client(), "read_only").status_code == 401
    assert client.post("/users/administrator/active/", {"active": "0"}).status_code == 302
    assert get_user_model().objects.get(username="administrator").is_active  # not oneself


def test_users_mfa_commands_enrol_and_reset(world: World) -> None:
    env = {**os.environ}

    def cli(*args: str) -> Any:
        done = subprocess.run(
            [sys.executable, "-m", "ipexpath.cli", "users", *args], env=env, capture_output=True, text=True
        )
        return done

    enrolled = cli("enrol-mfa", "administrator", "--json")
    assert enrolled.returncode == 0, enrolled.stderr
    data = json.loads(enrolled.stdout)
    assert len(data["recovery_codes"]) == 10 and data["uri"].startswith("otpauth://totp/")
    client = world.client()
    _password(client, "administrator")
    assert client.post("/signin/code/", {"code": _code(data["key"])}).status_code == 302
    listed = json.loads(cli("list", "--json").stdout)
    assert {u["user"]: u["second_factor"] for u in listed["users"]}["administrator"] is True
    assert cli("reset-mfa", "administrator").returncode == 0
    assert _password(world.client(), "administrator").status_code == 403
    missing = cli("enrol-mfa", "nobody")
    assert missing.returncode == 2 and "No user 'nobody'" in missing.stderr
    assert "Traceback" not in missing.stderr
