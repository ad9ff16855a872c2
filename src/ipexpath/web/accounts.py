"""Create accounts: a user with a role, their centres, and a password checked against the rules."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from ipexpath.errors import InputError
from ipexpath.registry.models import Centre
from ipexpath.web.models import Membership
from ipexpath.web.roles import Role, parse_role

__all__ = ["create_user", "parse_role", "set_password"]


def create_user(name: str, role: Role, centres: Iterable[str], password: str) -> Any:
    """Create the user with `role` in `centres` (created if new); the password must pass the rules."""
    name = name.strip()
    if not name or len(name) > 150 or any(c.isspace() for c in name):
        raise InputError("A user name is 1 to 150 characters without spaces.")
    codes = [c.strip() for c in centres if c.strip()]
    if not codes:
        raise InputError("Give at least one --centre CODE.", "Every user belongs to one or more centres.")
    model = get_user_model()
    if model.objects.filter(username=name).exists():
        raise InputError(f"A user '{name}' already exists.")
    candidate = model(username=name)
    try:
        validate_password(password, candidate)
    except ValidationError as exc:
        raise InputError("The password does not meet the rules: " + " ".join(exc.messages)) from None
    with transaction.atomic():
        user = model.objects.create_user(username=name, password=password)
        membership = Membership.objects.create(user=user, role=role.value)
        for code in codes:
            centre, _ = Centre.objects.get_or_create(code=code, defaults={"name": code})
            membership.centres.add(centre)
    return user


def set_password(user: Any, password: str) -> None:
    """Give `user` a new password checked against the same rules as a new account's."""
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise InputError("The password does not meet the rules: " + " ".join(exc.messages)) from None
    user.set_password(password)
    user.save(update_fields=["password"])
