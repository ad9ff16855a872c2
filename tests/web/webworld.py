"""Web tests' shared world: Django configured on a throwaway database (the registry tests' one when both run),
the users and patients of the fixture, and the test client."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ipexpath.web.settings")
os.environ.setdefault("IPEXPATH_SECRET_KEY", "ipexpath-tests-only-not-a-secret")

from django.conf import settings

if not settings.configured and "IPEXPATH_DATABASE_URL" not in os.environ:
    _tmp = Path(tempfile.mkdtemp(prefix="ipexpath-web-test-"))
    os.environ["IPEXPATH_DATABASE_URL"] = f"sqlite:///{_tmp / 'web.sqlite3'}"
from ipexpath.registry.bootstrap import configure

configure()

PASSWORD = "correct horse battery staple 42"
ROLES = ("clinician", "genetic_counsellor", "registry_coordinator", "read_only", "administrator")


def wipe() -> None:
    """Remove every row the web and registry tests write (children first)."""
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.models import Session

    from ipexpath.registry import models as m
    from ipexpath.web import models as w

    for model in (w.AssessmentDocuments, w.ApiToken, w.SignInThrottle):
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
