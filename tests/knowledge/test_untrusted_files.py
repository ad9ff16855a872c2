"""Issue 18: an is_a cycle in a custom ontology is refused (not looped on forever); a crafted cache with
consistent checksums is not trusted unless it is ours, bound to the release files and structurally sound."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from ipexpath.errors import HpoDirectoryError
from ipexpath.knowledge import KnowledgeBase
from ipexpath.knowledge.cache import load_cache, save_cache
from ipexpath.knowledge.ontology_files import find_is_a_cycle, parse_ontology

OBO = """format-version: 1.2
data-version: hp/test

[Term]
id: HP:0000001
name: All

[Term]
id: HP:0000002
name: A
is_a: HP:0000001 ! All
is_a: HP:0000004 ! C

[Term]
id: HP:0000003
name: B
is_a: HP:0000002 ! A

[Term]
id: HP:0000004
name: C
is_a: HP:0000003 ! B
"""


def test_is_a_cycle_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "hp.obo"
    path.write_text(OBO)
    with pytest.raises(HpoDirectoryError, match="is_a cycle"):
        parse_ontology(path)
    path.write_text(OBO.replace("is_a: HP:0000004 ! C\n", ""))
    terms, version = parse_ontology(path)
    assert len(terms) == 4 and version == "hp/test" and find_is_a_cycle(terms) == []


def test_self_loop_is_a_cycle(tmp_path: Path) -> None:
    path = tmp_path / "hp.obo"
    path.write_text(OBO.replace("is_a: HP:0000004 ! C\n", "is_a: HP:0000002 ! A\n"))
    with pytest.raises(HpoDirectoryError, match="HP:0000002"):
        parse_ontology(path)


SOURCE = {"hp.obo": [1, 2], "phenotype.hpoa": [3, 4], "genes_to_phenotype.txt": [5, 6]}


@pytest.fixture(scope="module")
def saved(kb: KnowledgeBase, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cache") / "kb"
    save_cache(kb, path, SOURCE)
    return path


def _recrafted(
    saved: Path, target: Path, change: dict[str, np.ndarray], manifest: dict | None = None
) -> Path:
    """A copy of the cache with members replaced and every checksum recomputed (as an attacker would)."""
    shutil.copytree(saved, target)
    body = json.loads((target / "manifest.json").read_text())
    body.update(manifest or {})
    for name, array in change.items():
        np.save(target / f"{name}.npy", array)
        body["digest"][name] = hashlib.sha256(np.ascontiguousarray(array).tobytes()).hexdigest()
    (target / "manifest.json").write_text(json.dumps(body))
    return target


def test_sound_cache_loads(saved: Path) -> None:
    assert load_cache(saved, SOURCE).n_terms > 10_000


def test_cache_of_other_release_files_is_refused(saved: Path) -> None:
    with pytest.raises(ValueError, match="other release files"):
        load_cache(saved, {**SOURCE, "hp.obo": [1, 999]})


def test_crafted_cache_pointing_out_of_bounds_is_refused(saved: Path, tmp_path: Path) -> None:
    parent_idx = np.load(saved / "parent_idx.npy").copy()
    parent_idx[0] = 10**9
    crafted = _recrafted(saved, tmp_path / "c", {"parent_idx": parent_idx})
    with pytest.raises(ValueError, match="outside"):
        load_cache(crafted, SOURCE)


def test_crafted_cache_with_old_format_is_refused(saved: Path, tmp_path: Path) -> None:
    crafted = _recrafted(saved, tmp_path / "f", {}, {"format": 1})
    with pytest.raises(ValueError, match="format"):
        load_cache(crafted, SOURCE)


def test_cache_with_an_extra_or_missing_member_is_refused(saved: Path, tmp_path: Path) -> None:
    crafted = _recrafted(saved, tmp_path / "x", {})
    np.save(crafted / "extra.npy", np.zeros(3))
    with pytest.raises(ValueError, match="do not match"):
        load_cache(crafted, SOURCE)


def test_cache_writable_by_others_is_refused(saved: Path, tmp_path: Path) -> None:
    copy = tmp_path / "w"
    shutil.copytree(saved, copy)
    (copy / "ann_term.npy").chmod(0o666)
    with pytest.raises(ValueError, match="writable by other users"):
        load_cache(copy, SOURCE)
