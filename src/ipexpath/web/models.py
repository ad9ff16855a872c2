"""Accounts of the web app: each user's role and centres, sign-in throttling, API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from ipexpath.registry.models import Centre
from ipexpath.web.roles import Role


class Membership(models.Model):
    """A user's role and the centres whose patients they may see (one row per user)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership")
    role = models.CharField(max_length=30, choices=[(r.value, r.label) for r in Role])
    centres = models.ManyToManyField(Centre, related_name="members", blank=True)

    def __str__(self) -> str:
        return f"{self.user} ({self.role})"


class SignInThrottle(models.Model):
    """Failed sign-ins of one user name: counted in a window, then locked for a while."""

    username = models.CharField(max_length=150, unique=True)
    failures = models.PositiveIntegerField(default=0)
    window_start = models.DateTimeField(default=timezone.now)
    locked_until = models.DateTimeField(null=True, blank=True)


class ApiToken(models.Model):
    """A bearer token for the API; only its SHA-256 is stored, the token itself is shown once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=80, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked = models.BooleanField(default=False)

    MAX_DAYS: ClassVar[int] = 365

    @staticmethod
    def hash(token: str) -> str:
        """The stored form of a token."""
        return hashlib.sha256(token.encode("utf-8")).hexdigest()

    @classmethod
    def issue(cls, user: models.Model, name: str = "", days: int | None = None) -> str:
        """Create a token for `user` valid for `days` (default `IPEXPATH_API_TOKEN_DAYS`, 90); returns the
        token text (never stored)."""
        days = settings.API_TOKEN_DAYS if days is None else days
        if not 1 <= days <= cls.MAX_DAYS:
            raise ValueError(f"A token lasts 1 to {cls.MAX_DAYS} days.")
        token = "ipx_" + secrets.token_urlsafe(32)
        now = timezone.now()
        cls.objects.create(
            user=user,
            digest=cls.hash(token),
            name=name,
            created_at=now,
            expires_at=now + dt.timedelta(days=days),
        )
        return token

    @property
    def expired(self) -> bool:
        """True once the expiry has passed (the token is then refused with a 401 saying so)."""
        return self.expires_at <= timezone.now()

    @property
    def state(self) -> str:
        """'revoked', 'expired' or 'active'."""
        return "revoked" if self.revoked else "expired" if self.expired else "active"


class AssessmentDocuments(models.Model):
    """The report and leaflet HTML rendered when an assessment was run (the stored JSON cannot re-render)."""

    assessment = models.OneToOneField(
        "registry.StoredAssessment", on_delete=models.PROTECT, related_name="documents"
    )
    report_html = models.TextField()
    leaflet_html = models.TextField()
    summary = models.TextField(blank=True, default="")
    # The case as entered (terms chosen by hand, free text, sex, ages, covered genes) and the recognition of
    # its free text when the assessment ran: the case view shows them and "revise this case" starts from them.
    case_entry = models.JSONField(default=dict, blank=True)


class FamilyRecord(models.Model):
    """The patient's family as edited in the browser (family-file entries, see `web.family`)."""

    patient = models.OneToOneField("registry.Patient", on_delete=models.PROTECT, related_name="family")
    family_id = models.CharField(max_length=64)
    relatives = models.JSONField(default=list)
    updated_at = models.DateTimeField(auto_now=True)


class RecoveryCode(models.Model):
    """One single-use recovery code of the second sign-in factor: only a salted SHA-256 of the code is kept
    (OWASP ASVS 2.6.2: lookup secrets under 112 bits are salted and hashed), the code is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recovery_codes"
    )
    salt = models.CharField(max_length=16)
    digest = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)

    @staticmethod
    def hash(salt: str, code: str) -> str:
        """The stored form of a code (spaces, dashes and case ignored)."""
        clean = "".join(ch for ch in code.upper() if ch.isalnum())
        return hashlib.sha256(f"{salt}:{clean}".encode()).hexdigest()


class CredentialNotice(models.Model):
    """A change to a user's credentials (password set or reset, second factor enrolled or removed, API
    token issued) waiting to be shown to that user at their next sign-in (OWASP ASVS 2.2.3: there is no
    e-mail channel, so the user is told in the application); the audit trail keeps the same event."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="credential_notices"
    )
    at = models.DateTimeField(default=timezone.now)
    what = models.CharField(max_length=200)
    by = models.CharField(max_length=150)
    shown_at = models.DateTimeField(null=True, blank=True)
