"""A password validator Django lacks: an upper bound (OWASP ASVS 2.1.2 allows at least 64 characters, and
bounding the length keeps a huge password from tying up the argon2 hasher)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

MAX_LENGTH = 128


class MaximumLengthValidator:
    """Refuse passwords longer than 128 characters."""

    def validate(self, password: str, user: Any = None) -> None:
        """Raise when the password is too long."""
        if len(password) > MAX_LENGTH:
            raise ValidationError(
                f"This password is too long: at most {MAX_LENGTH} characters.", code="password_too_long"
            )

    def get_help_text(self) -> str:
        """Shown with the password rules."""
        return f"Your password can be up to {MAX_LENGTH} characters long (passphrases are welcome)."
