"""Sign-in with lockout: failed attempts are counted per user name, audited, and lock the name for a while."""

from __future__ import annotations

import datetime as dt
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
    """Check the credentials unless the name is locked; audit failures and successes."""
    username = username.strip()[:150]
    if is_locked(username):
        _fail(username, request, "sign-in attempt while locked")
        return SignInResult(None, GENERIC_FAILURE, locked=True)
    user = authenticate(request, username=username, password=password)
    if user is None:
        locked = _fail(username, request, "wrong user name or password")
        return SignInResult(None, GENERIC_FAILURE, locked=locked)
    SignInThrottle.objects.filter(username=username).delete()
    with acting_as(username, f"web {client_address(request)}"):
        audit.record("signin", model="User", detail="signed in")
    return SignInResult(user, "")
