"""Set Django up for the registry outside a web server, and bring the database schema up to date."""

from __future__ import annotations

import os

from ipexpath.errors import InputError, IpexpathError


def configure(database_url: str | None = None) -> None:
    """Configure Django once per process with the registry settings (or the web app's, if already set)."""
    import django
    from django.conf import settings

    if settings.configured:
        return
    if database_url:
        os.environ["IPEXPATH_DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ipexpath.registry.settings")
    try:
        django.setup()
    except ValueError as exc:  # dj-database-url: an unknown scheme or a malformed URL
        raise InputError(
            f"IPEXPATH_DATABASE_URL is not a database URL ipexpath understands: {exc}.",
            "Use sqlite:///path/to/file.sqlite3 or postgres://user:password@host:5432/name.",
        ) from exc


def migrate(verbosity: int = 0) -> None:
    """Create or upgrade the registry tables (idempotent); a clear error when the database is unreachable."""
    from django.core.management import call_command
    from django.db import DatabaseError

    configure()
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        from pathlib import Path

        Path(db["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    try:
        call_command("migrate", verbosity=verbosity, interactive=False)
    except DatabaseError as exc:
        raise IpexpathError(
            f"The registry database could not be opened or upgraded: {exc}.",
            "Check IPEXPATH_DATABASE_URL, that the server is running and that you may write to it.",
        ) from exc
