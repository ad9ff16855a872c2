"""With IPEXPATH_HTTPS=1 (TLS at the proxy): `__Host-` Secure cookies, HSTS, the HTTPS redirect; without it
(plain-HTTP loopback) the cookies keep working unprefixed. Settings are read at start, so the HTTPS case runs
in a fresh process on the same test database."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from webworld import PASSWORD, World

PROBE = """
import json, os, django
django.setup()
from django.test import Client
client = Client(HTTP_HOST="localhost", REMOTE_ADDR="127.0.0.1")
plain = client.get("/signin/")
page = client.get("/signin/", secure=True)
form = {"username": "clinician", "password": os.environ["PROBE_PASSWORD"]}
signed = client.post("/signin/", form, secure=True)
after = client.get("/", secure=True)
print(json.dumps({
    "plain_status": plain.status_code, "plain_location": plain.get("Location", ""),
    "hsts": page.get("Strict-Transport-Security", ""),
    "csrf_cookie": page.cookies.output(), "signin_status": signed.status_code,
    "session_cookie": signed.cookies.output(), "after": after.status_code,
}))
"""


def test_https_uses_host_prefixed_secure_cookies_hsts_and_the_redirect(world: World) -> None:
    env = {**os.environ, "IPEXPATH_HTTPS": "1", "PROBE_PASSWORD": PASSWORD}
    env["DJANGO_SETTINGS_MODULE"] = "ipexpath.web.settings"
    done = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["plain_status"] == 301 and seen["plain_location"].startswith("https://")
    assert seen["hsts"] == "max-age=31536000; includeSubDomains"
    csrf = seen["csrf_cookie"]
    assert "__Host-ipexpath_csrf=" in csrf and "Secure" in csrf and "Path=/" in csrf and "Domain" not in csrf
    session = seen["session_cookie"]
    assert "__Host-ipexpath_session=" in session and "Secure" in session and "HttpOnly" in session
    assert "Domain" not in session and "Path=/" in session
    assert seen["signin_status"] == 302 and seen["after"] == 200


def test_plain_http_loopback_keeps_unprefixed_cookies(world: World) -> None:
    client = world.client()
    page = client.get("/signin/")
    assert page.status_code == 200
    cookie = page.cookies["ipexpath_csrf"]
    assert not cookie["secure"] and "__Host-ipexpath_csrf" not in page.cookies
