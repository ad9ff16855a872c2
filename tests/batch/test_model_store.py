"""The stored, memory-mapped ranking model ranks exactly like a fresh build; a damaged store is rebuilt."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from ipexpath.batch.model_store import load_model, shared_model, store_path
from ipexpath.case.readers import case_from_phenopacket
from ipexpath.knowledge import KnowledgeBase
from ipexpath.suspect import RankingModel, rank_case
from ipexpath.suspect.model import ModelParameters

CASES = Path(__file__).parents[2] / "src" / "ipexpath" / "knowledge" / "data" / "cases"


@pytest.fixture(scope="module")
def stored(kb: KnowledgeBase, tmp_path_factory: pytest.TempPathFactory) -> tuple[RankingModel, Path]:
    kb_cache = tmp_path_factory.mktemp("store") / "hpo-test"
    kb_cache.mkdir()
    model = shared_model(kb, kb_cache)  # builds, stores and reopens the store
    return model, store_path(kb_cache, ModelParameters())


def test_stored_model_ranks_like_a_fresh_build(kb: KnowledgeBase, stored: tuple[RankingModel, Path]) -> None:
    model, _ = stored
    fresh = RankingModel.build(kb)
    files = sorted(CASES.rglob("*.json"))[::7][:8]
    assert len(files) >= 4
    for path in files:
        case = case_from_phenopacket(json.loads(path.read_text()), kb, lenient=True, source=path.name)
        assert (
            rank_case(model, case, top=5, similar=0).to_dict()
            == rank_case(fresh, case, top=5, similar=0).to_dict()
        )


def test_stored_arrays_are_read_only_maps(stored: tuple[RankingModel, Path]) -> None:
    model, _ = stored
    assert not model.propagated.data.flags.writeable
    assert float(model.propagated[0, 0]) == float(model.propagated.tocsr()[0, 0])


def test_damaged_store_is_refused(
    kb: KnowledgeBase, stored: tuple[RankingModel, Path], tmp_path: Path
) -> None:
    import shutil

    _, path = stored
    copy = tmp_path / path.name
    shutil.copytree(path, copy)
    member = copy / "propagated.indices.npy"
    data = np.load(member).copy()
    data[:10] = 0
    np.save(member, data)
    with pytest.raises(ValueError, match="checksum"):
        load_model(kb, ModelParameters(), copy)
