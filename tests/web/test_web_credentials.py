"""Credential changes are told to the user and audited (OWASP ASVS 2.2.3; no e-mail channel): a second
factor removed on the Users page, a password reset and API tokens issued or revoked on the command line each
write a `credential` audit row (administrators read it on the Audit page) and a notice that the user sees
once, at their next sign-in."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

from webworld import PASSWORD, World

NEW_PASSWORD = "another long passphrase 77"


def _cli(*args: str, stdin: str | None = None) -> Any:
    return subprocess.run(
        [sys.executable, "-m", "ipexpath.cli", "users", *args],
        env={**os.environ},
        input=stdin,
        capture_output=True,
        text=True,
    )


def _sign_in(world: World, username: str, password: str = PASSWORD) -> tuple[Any, Any]:
    client = world.client()
    response = client.post("/signin/", {"username": username, "password": password, "next": "/"}, follow=True)
    return client, response


def test_a_second_factor_removed_by_an_administrator_is_told_once_and_audited(world: World) -> None:
    from django.contrib.auth import get_user_model

    from ipexpath.registry.models import AuditEvent
    from ipexpath.web.second_factor import enrol

    enrol(get_user_model().objects.get(username="clinician"))
    admin = world.client("administrator")
    session = admin.session
    import time

    session["ipexpath_auth_at"] = time.time()  # just signed in: no re-authentication asked
    session.save()
    assert admin.post("/users/clinician/reset-factor/").status_code == 302
    row = AuditEvent.objects.get(action="credential")
    assert row.actor == "administrator" and "clinician: your second sign-in factor was removed" in row.detail
    assert "credential" in admin.get("/audit/?action=credential").content.decode()
    _, first = _sign_in(world, "clinician")
    text = first.content.decode()
    assert "Since your last sign-in: your second sign-in factor was removed" in text
    assert "by administrator (Users page)" in text and "tell your administrator" in text
    _, second = _sign_in(world, "clinician")
    assert "Since your last sign-in" not in second.content.decode()  # shown once


def test_password_reset_and_token_commands_notify_the_user(world: World) -> None:
    from ipexpath.registry.models import AuditEvent

    weak = _cli("set-password", "clinician", "--password-stdin", stdin="short\n")
    assert (
        weak.returncode == 2 and "does not meet the rules" in weak.stderr and "Traceback" not in weak.stderr
    )
    done = _cli("set-password", "clinician", "--password-stdin", stdin=NEW_PASSWORD + "\n")
    assert done.returncode == 0, done.stderr
    issued = _cli("token", "clinician", "--label", "lab sync")
    assert issued.returncode == 0, issued.stderr
    token = issued.stdout.strip()
    api = world.client()
    assert api.get("/api/patients", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
    assert _cli("revoke-tokens", "clinician").returncode == 0
    assert api.get("/api/patients", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401
    details = list(
        AuditEvent.objects.filter(action="credential").order_by("at").values_list("detail", flat=True)
    )
    assert [d.split(": ", 1)[1].split(" (by")[0].split(", expiring")[0] for d in details] == [
        "your password was reset",
        "an API token was issued (lab sync)",
        "1 API token(s) were revoked",
    ]
    assert ", expiring 20" in details[1]
    assert _sign_in(world, "clinician")[1].request["PATH_INFO"] == "/signin/"  # the old password is refused
    _, page = _sign_in(world, "clinician", NEW_PASSWORD)
    text = page.content.decode()
    assert text.count("Since your last sign-in") == 3 and "your password was reset" in text


def test_api_tokens_expire_and_an_expired_token_is_refused_with_a_clear_401(world: World) -> None:
    """A token lasts 90 days by default (--days N otherwise, 1 to 365); the expiry is shown when it is
    issued, in `users tokens` and on the Users page; past it the API answers 401 saying the token expired,
    and the refusal is audited with the token's user."""
    import datetime as dt
    import json
    import time

    from django.utils import timezone

    from ipexpath.registry.models import AuditEvent
    from ipexpath.web.models import ApiToken

    issued = _cli("token", "clinician", "--label", "lab sync")
    assert issued.returncode == 0, issued.stderr
    token = issued.stdout.strip()
    row = ApiToken.objects.get(digest=ApiToken.hash(token))
    assert abs((row.expires_at - row.created_at) - dt.timedelta(days=90)) < dt.timedelta(seconds=1)
    assert f"expires on {row.expires_at:%Y-%m-%d %H:%M} UTC" in issued.stderr
    short = json.loads(_cli("token", "read_only", "--days", "7", "--json").stdout)
    assert short["expires_at"].startswith(f"{timezone.now() + dt.timedelta(days=7):%Y-%m-%d}")
    refused = _cli("token", "clinician", "--days", "0")
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    listed = _cli("tokens", "clinician")
    assert (
        listed.returncode == 0 and "active" in listed.stdout and f"{row.expires_at:%Y-%m-%d}" in listed.stdout
    )

    api = world.client()
    assert api.get("/api/patients", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
    ApiToken.objects.filter(pk=row.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    expired = api.get("/api/patients", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert expired.status_code == 401 and "This API token expired on" in expired.json()["detail"]
    assert "invalid_token" in expired["WWW-Authenticate"]
    denied = AuditEvent.objects.filter(action="denied", model="ApiToken").get()
    assert denied.actor == "clinician" and "expired API token (lab sync)" in denied.detail
    assert json.loads(_cli("tokens", "clinician", "--json").stdout)["tokens"][0]["state"] == "expired"

    admin = world.client("administrator")
    session = admin.session
    session["ipexpath_auth_at"] = time.time()  # just signed in: no re-authentication asked
    session.save()
    users = admin.get("/users/").content.decode()
    row.refresh_from_db()
    assert f"lab sync: expired, expired {row.expires_at:%Y-%m-%d}" in users
