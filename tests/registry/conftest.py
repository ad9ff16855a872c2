"""Registry tests run on a throwaway database: SQLite by default, PostgreSQL when
IPEXPATH_TEST_DATABASE_URL points at a server (scripts/test starts one with initdb/pg_ctl)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from ipexpath.registry.bootstrap import configure, migrate


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def _database_url(tmp_root: Path) -> str:
    server = os.environ.get("IPEXPATH_TEST_DATABASE_URL")
    if not server:
        return f"sqlite:///{tmp_root / f'registry-{_worker()}.sqlite3'}"
    import psycopg

    name = f"ipexpath_test_{_worker()}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return server.rsplit("/", 1)[0] + f"/{name}"


_URL = _database_url(Path(tempfile.mkdtemp(prefix="ipexpath-registry-test-")))
os.environ["IPEXPATH_DATABASE_URL"] = _URL
configure(_URL)  # at collection time, so that test modules may import the registry's models


@pytest.fixture(scope="session")
def registry_url() -> str:
    """The database URL of this test process, migrated once."""
    migrate()
    return _URL


@pytest.fixture()
def registry(registry_url: str) -> Iterator[str]:
    """An empty registry for one test (rows removed before the test, audit trail included)."""
    from ipexpath.registry import models as m

    for model in reversed(m.MODELS_PARENTS_FIRST):
        manager = getattr(model, "all_objects", model.objects)
        manager.all()._raw_delete(manager.db)
    yield registry_url
