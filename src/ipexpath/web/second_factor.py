"""The second sign-in factor: a TOTP authenticator app (RFC 6238, via django-otp) plus single-use recovery
codes, enrolled and reset with `ipexpath users mfa …`; required for the roles in IPEXPATH_MFA_ROLES
(administrators by default; OWASP ASVS 2.7/2.8, 4.3.1)."""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ipexpath.web.models import RecoveryCode
from ipexpath.web.roles import Role

RECOVERY_CODES = 10
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: codes are typed from paper


@dataclass(frozen=True)
class Enrolment:
    """What the user copies into the authenticator app, and the recovery codes (each shown once)."""

    key: str  # base32, as authenticator apps take it by hand
    uri: str  # otpauth://totp/… (what a QR code would carry)
    recovery_codes: tuple[str, ...]


def required_roles() -> frozenset[Role]:
    """The roles that must use a second factor (IPEXPATH_MFA_ROLES; 'administrator' by default)."""
    return frozenset(Role(r) for r in settings.MFA_ROLES)


def is_required(user: Any) -> bool:
    """Must this user pass a second factor to sign in?"""
    from ipexpath.web.access import role_of

    role = role_of(user)
    return role is not None and role in required_roles()


def totp_device(user: Any) -> Any:
    """The user's confirmed authenticator (a django-otp TOTPDevice), or None."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def is_enrolled(user: Any) -> bool:
    """Has the user an authenticator?"""
    return totp_device(user) is not None


def _new_code() -> str:
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(10))  # 10 × 5 bits = 50 bits
    return f"{raw[:5]}-{raw[5:]}"


def enrol(user: Any) -> Enrolment:
    """Give the user a new authenticator key and new recovery codes (replacing any earlier ones)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    with transaction.atomic():
        reset(user)
        device = TOTPDevice.objects.create(user=user, name="authenticator app", confirmed=True)
        codes = tuple(_new_code() for _ in range(RECOVERY_CODES))
        for code in codes:
            salt = secrets.token_hex(8)
            RecoveryCode.objects.create(user=user, salt=salt, digest=RecoveryCode.hash(salt, code))
    key = base64.b32encode(device.bin_key).decode("ascii")
    return Enrolment(key=key, uri=device.config_url, recovery_codes=codes)


def reset(user: Any) -> int:
    """Remove the user's authenticator and recovery codes (a lost phone); returns how many were removed."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    removed, _ = TOTPDevice.objects.filter(user=user).delete()
    codes, _ = RecoveryCode.objects.filter(user=user).delete()
    return int(removed) + int(codes)


@dataclass(frozen=True)
class Verified:
    """Which factor was accepted (None: refused), and the recovery codes left."""

    device: Any
    how: str
    codes_left: int = 0


def verify(user: Any, code: str) -> Verified:
    """Check a 6-digit authenticator code (django-otp: one use per time step, throttled after failures) or
    an unused recovery code (then spent)."""
    from django_otp import verify_token

    text = code.strip().replace(" ", "")[:20]
    device = totp_device(user)
    if device is not None and text.isdigit() and len(text) == 6:
        accepted = verify_token(user, device.persistent_id, text)
        return Verified(accepted, "authenticator code" if accepted is not None else "")
    with transaction.atomic():
        for row in RecoveryCode.objects.select_for_update().filter(user=user, used_at__isnull=True):
            if secrets.compare_digest(row.digest, RecoveryCode.hash(row.salt, text)):
                row.used_at = timezone.now()
                row.save(update_fields=["used_at"])
                left = RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()
                return Verified(device, "recovery code", left)
    return Verified(None, "")


def recovery_codes_left(user: Any) -> int:
    """Unused recovery codes of the user."""
    return int(RecoveryCode.objects.filter(user=user, used_at__isnull=True).count())
