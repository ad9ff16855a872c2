"""Sessions (OWASP ASVS 4.0.3 V3): a new session id at sign-in, sign-out ends the session on the server,
sign-out only by POST, and an idle session expires."""

from __future__ import annotations

from webworld import PASSWORD, World


def _sign_in(client: object, username: str) -> int:
    return int(client.post("/signin/", {"username": username, "password": PASSWORD}).status_code)  # type: ignore[attr-defined]


def test_sign_in_issues_a_new_session_id(world: World) -> None:
    client = world.client()
    client.get("/signin/")
    client.cookies["ipexpath_session"] = "attacker-chosen-session-id"  # session fixation attempt
    assert _sign_in(client, "clinician") == 302
    assert client.cookies["ipexpath_session"].value != "attacker-chosen-session-id"
    assert client.get("/").status_code == 200


def test_sign_out_ends_the_session_on_the_server(world: World) -> None:
    from django.contrib.sessions.models import Session

    client = world.client()
    assert _sign_in(client, "clinician") == 302
    stolen = client.cookies["ipexpath_session"].value
    assert client.get("/signout/").status_code == 405  # a link or an image cannot sign anyone out
    assert client.post("/signout/").status_code == 302
    assert not Session.objects.filter(session_key=stolen).exists()
    replay = world.client()
    replay.cookies["ipexpath_session"] = stolen
    assert replay.get("/").status_code == 302  # back to sign-in


def test_an_idle_session_expires(world: World) -> None:
    import datetime as dt

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    client = world.client()
    assert _sign_in(client, "clinician") == 302
    key = client.cookies["ipexpath_session"].value
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    assert client.get("/").status_code == 302


def test_configuration_debug_off_no_cors_charset_and_no_browser_storage(world: World) -> None:
    """ASVS 14.3.2 (debug off), 14.5.3 (no CORS grant), 14.4.1 (charset), 8.2.2 (htmx keeps no history copy of
    pages in the browser's localStorage)."""
    from django.conf import settings

    assert settings.DEBUG is False
    client = world.client("clinician")
    page = client.get("/")
    assert "Access-Control-Allow-Origin" not in page and "charset=utf-8" in page["Content-Type"]
    assert '"historyCacheSize": 0' in page.content.decode()
    api = client.get("/api/patients", HTTP_ORIGIN="https://elsewhere.example")
    assert api.status_code == 200 and "Access-Control-Allow-Origin" not in api
    assert "charset=utf-8" in api["Content-Type"] or api["Content-Type"] == "application/json"
