"""Locating HPO release files, building and caching the index."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from ipexpath.errors import HpoDirectoryError, InputError
from ipexpath.knowledge import KnowledgeBase, load_knowledge, locate_release
from ipexpath.knowledge.cache import cache_path, load_cache
from ipexpath.knowledge.release import shipped_hpo_dir


def test_shipped_release_is_found_and_labelled() -> None:
    release = locate_release(None)
    assert release.label == "2025-01-16"
    assert release.ontology.name == "hp.obo"


def test_missing_file_in_user_folder_is_a_clear_input_error(tmp_path: Path) -> None:
    shutil.copy(shipped_hpo_dir() / "hp.obo", tmp_path / "hp.obo")
    with pytest.raises(HpoDirectoryError) as info:
        locate_release(tmp_path)
    assert isinstance(info.value, InputError)
    assert "phenotype.hpoa" in info.value.message and "genes_to_phenotype.txt" in info.value.message


def test_nonexistent_folder(tmp_path: Path) -> None:
    with pytest.raises(HpoDirectoryError, match="does not exist"):
        locate_release(tmp_path / "nope")


def test_knowledge_base_contents(kb: KnowledgeBase) -> None:
    assert kb.release_label == "2025-01-16"
    diarrhea = kb.term_index["HP:0002014"]
    assert kb.labels[diarrhea] == "Diarrhea"
    assert kb.term_index["HP:0000118"] in kb.ancestors(diarrhea).tolist()
    assert "OMIM:304790" in kb.disease_index and "ORPHA:37042" in kb.disease_index
    assert kb.disease_genes("OMIM:304790") == ["FOXP3"]
    # frequencies in all three notations were converted: n/m, % and HP:00402xx classes
    assert np.nanmax(kb.ann_frequency) <= 1.0
    assert np.isnan(kb.ann_frequency).any()
    assert kb.ann_negated.any()  # NOT annotations kept


def test_corrupt_cache_is_rebuilt_not_trusted(tmp_path: Path) -> None:
    first = load_knowledge(cache_directory=tmp_path)
    path = cache_path(locate_release(None), tmp_path)
    member = path / "ann_term.npy"
    data = bytearray(member.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 64] = b"\x00" * 64
    member.write_bytes(bytes(data))
    with pytest.raises(ValueError):
        load_cache(path)
    again = load_knowledge(cache_directory=tmp_path)
    assert again.term_ids == first.term_ids
    load_cache(path)  # rewritten and sound again


def test_truncated_cache_is_rebuilt(tmp_path: Path) -> None:
    load_knowledge(cache_directory=tmp_path)
    path = cache_path(locate_release(None), tmp_path)
    member = path / "ancestor_idx.npy"
    member.write_bytes(member.read_bytes()[:1000])
    kb = load_knowledge(cache_directory=tmp_path)
    assert kb.n_terms > 15000


def test_cache_arrays_are_shared_memory_maps(tmp_path: Path) -> None:
    """Loaded arrays are views of the mapped .npy files (one copy per machine), not private copies."""
    load_knowledge(cache_directory=tmp_path)
    kb = load_knowledge(cache_directory=tmp_path)
    base = kb.ancestor_idx.base
    while base is not None and not isinstance(base, __import__("mmap").mmap):
        base = getattr(base, "base", None)
    assert base is not None and not kb.ancestor_idx.flags.writeable


def test_user_folder_with_json_ontology(tmp_path: Path, kb: KnowledgeBase) -> None:
    """A newer release may ship hp.json (OBO Graphs); a minimal one is read correctly."""
    import json

    graph = {
        "graphs": [
            {
                "meta": {"version": "http://purl.obolibrary.org/obo/hp/releases/2099-01-01/hp.json"},
                "nodes": [
                    {"id": "http://purl.obolibrary.org/obo/HP_0000001", "lbl": "All", "type": "CLASS"},
                    {
                        "id": "http://purl.obolibrary.org/obo/HP_0000118",
                        "lbl": "Phenotypic abnormality",
                        "type": "CLASS",
                    },
                    {
                        "id": "http://purl.obolibrary.org/obo/HP_0002014",
                        "lbl": "Diarrhea",
                        "type": "CLASS",
                        "meta": {"synonyms": [{"val": "Diarrhoea"}]},
                    },
                ],
                "edges": [
                    {
                        "sub": "http://purl.obolibrary.org/obo/HP_0000118",
                        "pred": "is_a",
                        "obj": "http://purl.obolibrary.org/obo/HP_0000001",
                    },
                    {
                        "sub": "http://purl.obolibrary.org/obo/HP_0002014",
                        "pred": "is_a",
                        "obj": "http://purl.obolibrary.org/obo/HP_0000118",
                    },
                ],
            }
        ]
    }
    (tmp_path / "hp.json").write_text(json.dumps(graph))
    (tmp_path / "phenotype.hpoa").write_text(
        "#version: 2099-01-01\ndatabase_id\tdisease_name\tqualifier\thpo_id\treference\tevidence\tonset\t"
        "frequency\tsex\tmodifier\taspect\tbiocuration\n"
        "OMIM:1\tTest disease\t\tHP:0002014\tPMID:1\tPCS\t\t3/4\t\t\tP\tx\n"
    )
    (tmp_path / "genes_to_phenotype.txt").write_text(
        "ncbi_gene_id\tgene_symbol\thpo_id\thpo_name\tfrequency\tdisease_id\n1\tGENE1\tHP:0002014\tDiarrhea\t-\tOMIM:1\n"
    )
    small = load_knowledge(tmp_path, cache_directory=tmp_path / "cache")
    assert small.release_label == "2099-01-01"
    assert small.synonym_text == ["Diarrhoea"]
    assert small.ann_frequency.tolist() == [0.75]
    assert small.disease_genes("OMIM:1") == ["GENE1"]
