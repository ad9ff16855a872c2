"""Web tests' shared world: Django configured on this process's throwaway database (tests/testdb.py, shared
with the registry tests), the users and patients of the fixture, and the test client."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import testdb  # noqa: F401  (configures Django on this process's throwaway database)

PASSWORD = "correct horse battery staple 42"
ROLES = ("clinician", "genetic_counsellor", "registry_coordinator", "read_only", "administrator")


def wipe() -> None:
    """Remove every row the web and registry tests write (children first)."""
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.models import Session

    from ipexpath.registry import models as m
    from ipexpath.web import models as w

    for model in (w.AssessmentDocuments, w.FamilyRecord, w.ApiToken, w.SignInThrottle):
        model.objects.all()._raw_delete(model.objects.db)
    w.Membership.centres.through.objects.all().delete()
    w.Membership.objects.all()._raw_delete(w.Membership.objects.db)
    Session.objects.all().delete()
    get_user_model().objects.all().delete()
    for model in reversed(m.MODELS_PARENTS_FIRST):
        manager: Any = getattr(model, "all_objects", model.objects)
        manager.all()._raw_delete(manager.db)


@dataclass
class World:
    """The fixture's people and patients."""

    patient_a: str = "PAT-A-1"
    patient_b: str = "PAT-B-1"

    def client(self, username: str | None = None, csrf: bool = False) -> Any:
        """A test client (signed in as `username` when given), talking as if from 127.0.0.1."""
        from django.test import Client

        client = Client(enforce_csrf_checks=csrf, HTTP_HOST="localhost", REMOTE_ADDR="127.0.0.1")
        if username:
            from django.contrib.auth import get_user_model

            client.force_login(get_user_model().objects.get(username=username))
        return client
