"""Server errors: every request gets an id; an unexpected error is logged without patient data and answered
with a friendly page (or JSON for the API) that quotes the id, so support can find the log line.

What is logged (logger `ipexpath.web.errors`, standard error): the request id, the view name, the HTTP
method, the exception's type and the traceback frames (file, line, function). Never the URL or query string
(they carry pseudonyms and search words), the request body, the exception's message (it may quote a value of
the case) or local variables (OWASP ASVS 7.1.1/7.1.2, 7.4.1).
"""

from __future__ import annotations

import logging
import re
import secrets
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader

LOG = logging.getLogger("ipexpath.web.errors")
REQUEST_ID_HEADER = "X-Request-Id"
_ID = re.compile(r"^[0-9a-f]{16}$")


def request_id(request: HttpRequest) -> str:
    """The request's id (16 hex characters), made on first use."""
    found = getattr(request, "request_id", None)
    if isinstance(found, str) and _ID.match(found):
        return found
    made = secrets.token_hex(8)
    request.request_id = made  # type: ignore[attr-defined]
    return made


class RequestIdMiddleware:
    """Gives each request an id and returns it in the X-Request-Id header (never taken from the client)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        ident = request_id(request)
        response = self.get_response(request)
        response.headers.setdefault(REQUEST_ID_HEADER, ident)
        return response


def view_name(request: HttpRequest) -> str:
    """The URL pattern's name (e.g. 'patient', 'api-1:get_patient'), never the URL itself."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "(unresolved)"
    return str(match.view_name or getattr(match, "_func_path", "") or "(unnamed)")


def _where(filename: str) -> str:
    """A frame's file shortened to the package path (ipexpath/web/views.py, django/…)."""
    parts = Path(filename).parts
    for anchor in ("site-packages", "src"):
        if anchor in parts:
            return "/".join(parts[len(parts) - parts[::-1].index(anchor) :])
    return Path(filename).name


def frames(tb: TracebackType | None, limit: int = 40) -> list[str]:
    """The traceback as 'file:line in function' lines (no source text, no variables), innermost last."""
    return [f"{_where(f.filename)}:{f.lineno} in {f.name}" for f in traceback.extract_tb(tb)[-limit:]]


def log_server_error(
    request: HttpRequest, exc_type: type[BaseException] | None, tb: TracebackType | None
) -> str:
    """Log one unexpected error (see the module note for what is and is not written); returns the id."""
    ident = request_id(request)
    kind = f"{exc_type.__module__}.{exc_type.__qualname__}" if exc_type is not None else "(unknown)"
    LOG.error(
        "server error request_id=%s view=%s method=%s exception=%s\n  %s",
        ident,
        view_name(request),
        request.method or "",
        kind,
        "\n  ".join(frames(tb)) or "(no traceback)",
    )
    return ident


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: log the error, then a friendly page (JSON under /api/) with the request id."""
    exc_type, _, tb = sys.exc_info()
    ident = log_server_error(request, exc_type, tb)
    message = (
        "Something went wrong on the server; the last action may not have been completed. If it happens "
        f"again, give the reference {ident} to your administrator."
    )
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": message, "request_id": ident}, status=500)
    else:
        body = loader.get_template("web/500.html").render({"request_id": ident})
        response = HttpResponse(body, status=500, content_type="text/html; charset=utf-8")
    response[REQUEST_ID_HEADER] = ident
    return response
