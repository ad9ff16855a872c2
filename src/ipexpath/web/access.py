"""Who may see what: a user's role and centres, the patients visible to them, and the view guards."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

from ipexpath.registry.models import Centre, Patient
from ipexpath.web.roles import Permission, Role, allowed

View = TypeVar("View", bound=Callable[..., HttpResponse])
User = AbstractBaseUser | AnonymousUser


def role_of(user: Any) -> Role | None:
    """The user's role, or None (no membership: the user may do nothing)."""
    if user is None or not user.is_authenticated:
        return None
    membership = getattr(user, "membership", None)
    try:
        return Role(membership.role) if membership is not None else None
    except ValueError:
        return None


def centres_of(user: Any) -> Any:
    """The centres whose patients the user may see (a QuerySet of Centre)."""
    if role_of(user) is None:
        return Centre.objects.none()
    return user.membership.centres.all()


def patients_for(user: Any) -> Any:
    """Live patients of the user's centres (a QuerySet of Patient)."""
    return Patient.objects.filter(centre__in=centres_of(user)).select_related("centre")


def visible_patient(user: Any, pseudonym: str) -> Patient:
    """The patient if the user may see them; 404 otherwise (another centre's patient is not revealed)."""
    found = patients_for(user).filter(pseudonym=pseudonym).first()
    if found is None:
        _denied("patient not in the user's centres (or no such patient)", pseudonym)
        raise Http404("No such patient in your centres.")
    return found


def _denied(why: str, patient: str = "") -> None:
    """Audit a refused request (OWASP ASVS 7.2.2): who, from where (the current actor), what was refused."""
    from ipexpath.registry import audit

    audit.record("denied", model="Access", detail=why[:200], patient=patient[:64])


def check(user: Any, permission: Permission) -> None:
    """Raise PermissionDenied unless the user's role grants `permission`."""
    if not allowed(role_of(user), permission):
        _denied(f"role may not {permission.value}")
        raise PermissionDenied(f"Your role may not {permission.value.replace('_', ' ')}.")


def needs(permission: Permission) -> Callable[[View], View]:
    """Page decorator: sign-in required (redirect), then the role must grant `permission` (403)."""

    def wrap(view: View) -> View:
        @functools.wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect(f"/signin/?next={request.path}")
            check(request.user, permission)
            return view(request, *args, **kwargs)

        guarded.permission = permission  # type: ignore[attr-defined]
        return guarded  # type: ignore[return-value]

    return wrap


def fresh_authentication(view: View) -> View:
    """Page decorator for sensitive actions (ASVS 3.7.1): the user must have signed in or re-authenticated
    within IPEXPATH_REAUTH_MINUTES, else they are sent to /reauth/ and brought back to this page (a POST
    comes back as the page's GET, which shows the confirmation form again)."""

    @functools.wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        from ipexpath.web.signin import recently_authenticated

        if not recently_authenticated(request):
            from urllib.parse import quote

            return redirect(f"/reauth/?next={quote(request.path)}")
        return view(request, *args, **kwargs)

    guarded.fresh_authentication = True  # type: ignore[attr-defined]
    return guarded  # type: ignore[return-value]
