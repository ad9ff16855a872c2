"""One throwaway database per test process, shared by the registry and the web tests whichever runs first.

SQLite in a temporary folder by default; a database of its own on the PostgreSQL server named by
IPEXPATH_TEST_DATABASE_URL when set (scripts/postgres-throwaway starts one). Each pytest-xdist
worker gets its own database, so tests running at the same time never see each other's rows. Importing this
module configures Django (the web settings: the registry's plus accounts, sessions and the web app).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ipexpath.web.settings")
os.environ.setdefault("IPEXPATH_SECRET_KEY", "ipexpath-tests-only-not-a-secret")


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def _database_url() -> str:
    server = os.environ.get("IPEXPATH_TEST_DATABASE_URL")
    if not server:
        folder = Path(tempfile.mkdtemp(prefix="ipexpath-test-db-"))
        return f"sqlite:///{folder / f'test-{_worker()}.sqlite3'}"
    import psycopg

    name = f"ipexpath_test_{_worker()}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return server.rsplit("/", 1)[0] + f"/{name}"


def _configure() -> str:
    from django.conf import settings

    from ipexpath.registry.bootstrap import configure

    if settings.configured:  # already done in this process (this module is imported once, but be safe)
        return str(os.environ["IPEXPATH_DATABASE_URL"])
    url = _database_url()
    os.environ["IPEXPATH_DATABASE_URL"] = url  # also for the CLI subprocesses that the tests start
    configure(url)
    return url


DATABASE_URL = _configure()
