"""Middleware: security headers (CSP without inline scripts) and the audit actor of each request."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from ipexpath.registry.audit import acting_as

# No inline scripts or styles, nothing from other origins: the app works offline and an injected
# <script> cannot run (OWASP ASVS 14.4.3). The report/leaflet documents set their own, stricter policy.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; frame-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'self'"
)


def client_address(request: HttpRequest) -> str:
    """Where the request came from: REMOTE_ADDR, or — only when REMOTE_ADDR is one of the proxies named in
    IPEXPATH_TRUSTED_PROXIES — the right-most address of X-Forwarded-For that is not a trusted proxy (a
    client can write anything into that header, so it is believed only from our own proxy; ASVS 7.1)."""
    from django.conf import settings

    remote = str(request.META.get("REMOTE_ADDR") or "unknown")
    trusted: frozenset[str] = getattr(settings, "TRUSTED_PROXIES", frozenset())
    if remote not in trusted:
        return remote
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR") or "")
    for hop in reversed([h.strip() for h in forwarded.split(",")][:20]):
        try:
            address = str(ipaddress.ip_address(hop))
        except ValueError:
            return remote  # a malformed entry: stop believing the chain
        if address not in trusted:
            return address
    return remote


class SecurityHeadersMiddleware:
    """Adds the Content-Security-Policy and Permissions-Policy headers, and no-store on pages."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if not request.path.startswith("/static/"):
            # Patient data must not stay in shared caches or the browser's back-forward cache (ASVS 8.2.1).
            response.headers.setdefault("Cache-Control", "no-store")
        return response


class AuditActorMiddleware:
    """Attributes every registry change made during the request to the signed-in user and their address."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        name = user.get_username() if user is not None and user.is_authenticated else "anonymous"
        with acting_as(name, f"web {client_address(request)}"):
            return self.get_response(request)
