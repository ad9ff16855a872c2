"""Registry tests run on a throwaway database: SQLite by default, PostgreSQL when
IPEXPATH_TEST_DATABASE_URL points at a server (scripts/test starts one with initdb/pg_ctl)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ipexpath.registry.bootstrap import migrate
from testdb import DATABASE_URL

# The database of this test process (tests/testdb.py), shared with the web tests whichever runs first.
_URL = DATABASE_URL


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
