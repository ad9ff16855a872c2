"""Web tests: the Django test client on a throwaway database, with one user per role in centre A, a
clinician of centre B, and a patient in each centre (see webworld.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.conf import settings
from webworld import PASSWORD, ROLES, World, wipe

from ipexpath.registry.bootstrap import migrate

__all__ = ["PASSWORD", "ROLES", "World"]


@pytest.fixture(scope="session")
def web_db() -> str:
    """The test database, migrated once."""
    migrate()
    return str(settings.DATABASES["default"]["NAME"])


@pytest.fixture()
def world(web_db: str) -> Iterator[World]:
    """Users of every role in centre A (named after their role), 'other' (clinician) in centre B, a patient
    in each centre."""
    from ipexpath.registry.models import Centre, Patient
    from ipexpath.web.accounts import create_user, parse_role

    wipe()
    for role in ROLES:
        create_user(role, parse_role(role), ["centre-a"], PASSWORD)
    create_user("other", parse_role("clinician"), ["centre-b"], PASSWORD)
    world = World()
    Patient.objects.create(
        pseudonym=world.patient_a, centre=Centre.objects.get(code="centre-a"), birth_year=2025
    )
    Patient.objects.create(
        pseudonym=world.patient_b, centre=Centre.objects.get(code="centre-b"), birth_year=2024
    )
    yield world
    wipe()
