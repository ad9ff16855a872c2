"""Set Django up for the registry outside a web server, and bring the database schema up to date."""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

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
    """Create or upgrade the registry tables (idempotent, safe when several processes start at once)."""
    from django.core.management import call_command
    from django.db import DatabaseError, connection

    configure()
    from django.conf import settings

    db = settings.DATABASES["default"]
    try:
        with _migration_lock(db, connection):
            call_command("migrate", verbosity=verbosity, interactive=False)
    except (DatabaseError, OSError) as exc:
        raise IpexpathError(
            f"The registry database could not be opened or upgraded: {exc}.",
            "Check IPEXPATH_DATABASE_URL, that the server is running and that you may write to it.",
        ) from exc


@contextlib.contextmanager
def _migration_lock(db: dict[str, Any], connection: Any) -> Iterator[None]:
    """Serialise migrations between processes: a file lock beside SQLite, an advisory lock on PostgreSQL."""
    if db["ENGINE"].endswith("sqlite3"):
        path = Path(db["NAME"])
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path.with_name(path.name + ".migrate-lock"), "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
        return
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [_LOCK_KEY])
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [_LOCK_KEY])
        return
    yield


_LOCK_KEY = 7_304_790  # any constant shared by ipexpath processes (IPEX is OMIM 304790)
