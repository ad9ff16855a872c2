"""Sign-in with lockout: failed attempts are counted per user name, audited, and lock the name for a while."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from ipexpath.registry import audit
from ipexpath.registry.audit import acting_as
from ipexpath.web.middleware import client_address
from ipexpath.web.models import SignInThrottle

GENERIC_FAILURE = "The user name or password is not correct, or the account is locked."


@dataclass(frozen=True)
class SignInResult:
    """The signed-in user, or why not (one generic message: ASVS 2.2.x, no account enumeration)."""

    user: Any
    message: str
    locked: bool = False


def _window() -> dt.timedelta:
    return dt.timedelta(minutes=int(settings.LOCKOUT_MINUTES))


def is_locked(username: str) -> bool:
    """Is this user name locked out now?"""
    row = SignInThrottle.objects.filter(username=username).first()
    return bool(row and row.locked_until and row.locked_until > timezone.now())


def _fail(username: str, request: HttpRequest, why: str) -> bool:
    """Count one failure; returns True if the name is (now) locked. Every failure is audited."""
    now = timezone.now()
    with transaction.atomic():
        row, _ = SignInThrottle.objects.select_for_update().get_or_create(username=username)
        if now - row.window_start > _window():
            row.failures, row.window_start = 0, now
        row.failures += 1
        locked_now = row.failures >= int(settings.LOCKOUT_FAILURES)
        if locked_now and not (row.locked_until and row.locked_until > now):
            row.locked_until = now + _window()
        row.save()
    with acting_as(username[:150] or "(empty)", f"web {client_address(request)}"):
        audit.record("signin_failed", model="User", detail=why + (" (account locked)" if locked_now else ""))
    return locked_now


def sign_in(request: HttpRequest, username: str, password: str) -> SignInResult:
    """Check the credentials unless the name is locked; audit failures. Success is audited (and the failure
    count cleared) only when the sign-in is complete (`signed_in`), after the second factor if any."""
    username = username.strip()[:150]
    if is_locked(username):
        _fail(username, request, "sign-in attempt while locked")
        return SignInResult(None, GENERIC_FAILURE, locked=True)
    user = authenticate(request, username=username, password=password)
    if user is None:
        locked = _fail(username, request, "wrong user name or password")
        return SignInResult(None, GENERIC_FAILURE, locked=locked)
    return SignInResult(user, "")


def fail(request: HttpRequest, username: str, why: str) -> bool:
    """Count and audit a failure that is not a wrong password (a wrong second-factor code, a missing
    enrolment); returns True if the name is (now) locked."""
    return _fail(username.strip()[:150], request, why)


PENDING = "ipexpath_pending_signin"  # session key: the user who passed the password, waiting for the code
AUTH_AT = "ipexpath_auth_at"  # session key: when the user last proved who they are (sign-in, re-auth)
PENDING_SECONDS = 300


def await_second_factor(request: HttpRequest, user: Any, target: str) -> None:
    """Remember (in a new session id) that `user` passed the password and must now give a code."""
    request.session.cycle_key()
    request.session[PENDING] = {"user": user.pk, "at": time.time(), "next": target}


def pending_user(request: HttpRequest) -> tuple[Any, str]:
    """The user waiting for their second factor and where they were going, or (None, '') when none or the
    wait is over (5 minutes)."""
    from django.contrib.auth import get_user_model

    pending = request.session.get(PENDING)
    if not isinstance(pending, dict) or time.time() - float(pending.get("at", 0)) > PENDING_SECONDS:
        request.session.pop(PENDING, None)
        return None, ""
    user = get_user_model().objects.filter(pk=pending.get("user"), is_active=True).first()
    return user, str(pending.get("next") or "/")


def signed_in(request: HttpRequest, user: Any, how: str, device: Any = None) -> None:
    """Complete the sign-in: a new session id (ASVS 3.2.1), the verified device noted in the session,
    the time of authentication kept for re-authentication, the failure count cleared, audited."""
    from django.contrib.auth import login

    request.session.pop(PENDING, None)
    login(request, user)
    if device is not None:
        from django_otp import login as otp_login

        otp_login(request, device)
    request.session[AUTH_AT] = time.time()
    username = user.get_username()
    SignInThrottle.objects.filter(username=username).delete()
    with acting_as(username, f"web {client_address(request)}"):
        audit.record("signin", model="User", detail=f"signed in ({how})")
    from ipexpath.web.credentials import tell_at_sign_in

    tell_at_sign_in(request, user)


def reauthenticated(request: HttpRequest, how: str) -> None:
    """The signed-in user proved again who they are (before a sensitive action); audited."""
    request.session[AUTH_AT] = time.time()
    audit.record("reauthenticated", model="User", detail=how)


def recently_authenticated(request: HttpRequest) -> bool:
    """Did the user sign in or re-authenticate within IPEXPATH_REAUTH_MINUTES?"""
    at = request.session.get(AUTH_AT)
    return isinstance(at, int | float) and time.time() - at <= int(settings.REAUTH_MINUTES) * 60
