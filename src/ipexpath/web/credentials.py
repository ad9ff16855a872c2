"""Credential changes: each is audited (action `credential`, visible to administrators on the Audit page)
and noted for the user, who is told at their next sign-in (OWASP ASVS 2.2.3 / 2.5.x: notify the user of a
credential change; there is no e-mail channel, so the notice is shown in the application)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from ipexpath.registry import audit
from ipexpath.web.models import CredentialNotice

AUDIT_ACTION = "credential"


def changed(user: Any, what: str, by: str) -> None:
    """Record that `what` happened to `user`'s credentials, done by `by` (audited, then shown to the user)."""
    name = user.get_username()
    CredentialNotice.objects.create(user=user, what=what[:200], by=by[:150])
    audit.record(AUDIT_ACTION, model="User", detail=f"{name}: {what} (by {by})")


def tell_at_sign_in(request: HttpRequest, user: Any) -> int:
    """Show the user the credential changes made since their last sign-in (once); returns how many."""
    from django.contrib import messages

    waiting = list(CredentialNotice.objects.filter(user=user, shown_at__isnull=True).order_by("at"))
    for notice in waiting:
        when = timezone.localtime(notice.at).strftime("%Y-%m-%d %H:%M")
        messages.warning(
            request,
            f"Since your last sign-in: {notice.what} on {when} UTC by {notice.by}. "
            "If you did not expect this, tell your administrator now.",
        )
    CredentialNotice.objects.filter(pk__in=[n.pk for n in waiting]).update(shown_at=timezone.now())
    return len(waiting)
