"""Template context: the signed-in user's role, centres and what they may do (for the navigation)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from ipexpath.web.access import role_of
from ipexpath.web.roles import Permission, allowed


def navigation(request: HttpRequest) -> dict[str, Any]:
    """`role` and `can` (permission name → bool) for every template."""
    user = getattr(request, "user", None)
    role = role_of(user) if user is not None and user.is_authenticated else None
    return {"role": role, "can": {p.value: allowed(role, p) for p in Permission}}
