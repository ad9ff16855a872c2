"""Checks on the curated IPEX / IPEX-like published patients (knowledge/data/cases).

Every file must be a valid GA4GH Phenopacket v2, use only primary non-obsolete HPO ids of the shipped
release, cite its publication (PMID, or DOI when no PMID could be verified) and quote the paper for every
feature, and must not come from the publications that issue 13 reserves for independent evaluation.
"""

from __future__ import annotations

import importlib.util
import json
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml
from google.protobuf.json_format import Parse
from phenopackets import Phenopacket

from ipexpath.knowledge import KnowledgeBase

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "src" / "ipexpath" / "knowledge" / "data" / "cases"
CURATION = CASES / "curation"
IPEX_YAML = ROOT / "src" / "ipexpath" / "knowledge" / "data" / "ipex.yaml"
BUILDER = ROOT / "scripts" / "build_curated_cases.py"
HPO_VERSION = "2025-01-16"

# Issue 13 item 3: publications reserved for independent evaluation; no patient may be curated from them.
RESERVED_PMIDS = frozenset(
    {
        "25213377", "41758964", "32562707", "29241729", "31308374", "29995861", "11120765", "41694357",
        "41659858", "31238161", "31040184", "17389811", "9096364", "36195682", "35968218", "30386343",
        "24116927", "23416241", "22419735", "17196245", "17030597", "16787985",
    }
)  # fmt: skip
RESERVED_DOIS = frozenset(
    {
        "10.1136/jmg.38.12.874", "10.5734/jgm.2018.15.2.92", "10.3389/fped.2024.1438816",
        "10.3389/fped.2022.1001290", "10.3389/fped.2019.00020", "10.3389/fped.2017.00267",
        "10.1155/2020/9860863", "10.1155/2014/564926",
        # DOIs of reserved PMIDs, as printed in their PubMed records (dismech references_cache), so that a
        # paper cited by DOI alone cannot slip through: 41694357, 16787985, 17389811, 24116927, 22419735,
        # 17196245, 17030597.
        "10.3389/fimmu.2026.1753561", "10.1210/jc.2006-0368", "10.1159/000101334", "10.1111/cei.12214",
        "10.1210/jc.2011-2554", "10.1016/j.jaci.2006.10.007", "10.1542/peds.2005-2882",
    }
)  # fmt: skip

JSON_FILES = sorted(CASES.glob("*/*.json"))


def _load(path: Path) -> dict[str, Any]:
    """One curated phenopacket as a dict."""
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _builder() -> ModuleType:
    """The curation script (scripts/build_curated_cases.py) imported as a module."""
    spec = importlib.util.spec_from_file_location("build_curated_cases", BUILDER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _references(packet: dict[str, Any]) -> list[str]:
    """The ids of the phenopacket's external references (PMID:…, DOI:…)."""
    return [str(ref["id"]) for ref in packet["metaData"].get("externalReferences", [])]


def test_there_are_curated_cases() -> None:
    """The collection exists and is not trivially small."""
    assert len(JSON_FILES) >= 5


@pytest.mark.parametrize("path", JSON_FILES, ids=lambda p: p.name)
def test_file_is_a_valid_phenopacket(path: Path) -> None:
    """Parses with the GA4GH phenopackets protobuf schema (unknown fields are rejected)."""
    packet = Parse(path.read_text(encoding="utf-8"), Phenopacket())
    assert packet.id == path.stem
    assert packet.subject.id
    assert packet.phenotypic_features
    assert packet.meta_data.created_by == "ipexpath curation"


def test_hpo_ids_are_primary_and_current(kb: KnowledgeBase) -> None:
    """Every phenotypic feature uses a primary, non-obsolete id of the shipped release, with its label."""
    problems = []
    for path in JSON_FILES:
        for feature in _load(path)["phenotypicFeatures"]:
            term_id, label = feature["type"]["id"], feature["type"]["label"]
            index = kb.term_index.get(term_id)
            if index is None or bool(kb.obsolete[index]):
                problems.append(f"{path.name}: {term_id} is not a current primary id")
            elif kb.labels[index] != label:
                problems.append(f"{path.name}: {term_id} label {label!r} != {kb.labels[index]!r}")
    assert not problems, problems


def test_hpo_resource_is_the_shipped_release() -> None:
    """metaData names the HPO release the ids were checked against."""
    for path in JSON_FILES:
        resources = {r["id"]: r for r in _load(path)["metaData"]["resources"]}
        assert resources["hp"]["version"] == HPO_VERSION, path.name


def _publication(packet: dict[str, Any]) -> str:
    """The publication key: its PMID (PMID:…) when one was verified, else its DOI (DOI:…)."""
    refs = _references(packet)
    pmids = [r for r in refs if r.startswith("PMID:")]
    return pmids[0] if pmids else next(r for r in refs if r.startswith("DOI:"))


def test_every_case_cites_a_pmid_or_doi_and_quotes_every_feature() -> None:
    """At most one PMID, else a DOI, in externalReferences; a quote from the paper in every feature."""
    for path in JSON_FILES:
        packet = _load(path)
        refs = _references(packet)
        pmids = [r for r in refs if r.startswith("PMID:")]
        dois = [r for r in refs if r.startswith("DOI:")]
        assert len(pmids) <= 1 and len(dois) <= 1 and (pmids or dois), path.name
        if pmids:
            assert pmids[0][5:].isdigit(), path.name
            assert packet["id"].startswith(pmids[0].replace(":", "_") + "_"), path.name
        else:
            assert dois[0][4:].startswith("10."), path.name
            assert packet["id"].startswith("DOI_10_"), path.name
        for feature in packet["phenotypicFeatures"]:
            assert feature.get("description", "").strip(), (
                f"{path.name}: {feature['type']['id']} has no quote"
            )


def test_no_case_comes_from_a_reserved_publication() -> None:
    """Neither the PMID nor the DOI of any curated paper is reserved for independent evaluation."""
    for path in JSON_FILES:
        for ref in _references(_load(path)):
            kind, _, value = ref.partition(":")
            if kind == "PMID":
                assert value not in RESERVED_PMIDS, f"{path.name} comes from reserved PMID {value}"
            if kind == "DOI":
                assert value.lower() not in RESERVED_DOIS, f"{path.name} comes from reserved DOI {value}"
    for source in CURATION.glob("*.yaml"):
        data = yaml.safe_load(source.read_text(encoding="utf-8"))
        assert str(data.get("pmid", "")) not in RESERVED_PMIDS, source.name
        assert str(data.get("doi", "")).lower() not in RESERVED_DOIS, source.name


def test_patient_ids_are_unique() -> None:
    """No patient appears twice (phenopacket ids and subject ids within a publication are unique)."""
    ids = Counter(_load(p)["id"] for p in JSON_FILES)
    assert [i for i, n in ids.items() if n > 1] == []
    subjects = Counter((_publication(_load(p)), _load(p)["subject"]["id"]) for p in JSON_FILES)
    assert [s for s, n in subjects.items() if n > 1] == []


def test_disease_and_gene_match_the_ipex_knowledge_file(kb: KnowledgeBase) -> None:
    """Each case's disease is the OMIM id ipex.yaml uses for its gene; the folder is the gene symbol."""
    data = yaml.safe_load(IPEX_YAML.read_text(encoding="utf-8"))
    disease_of = {data["ipex"]["gene"]: data["ipex"]["omim"]}
    for row in data["ipex_like"]:
        disease_of.setdefault(row["gene"], row["omim"])
    for path in JSON_FILES:
        packet = _load(path)
        gene = path.parent.name
        diagnosis = packet["interpretations"][0]["diagnosis"]
        assert diagnosis["disease"]["id"] == disease_of[gene], path.name
        assert diagnosis["disease"]["id"] in kb.disease_index, path.name
        for genomic in diagnosis["genomicInterpretations"]:
            context = genomic["variantInterpretation"]["variationDescriptor"]["geneContext"]
            assert context["symbol"] == gene, path.name


def test_json_files_match_their_curation_yaml(kb: KnowledgeBase) -> None:
    """The shipped JSON and README are exactly what scripts/build_curated_cases.py makes from the YAML."""
    expected = _builder().build_all(kb)
    shipped = {p.relative_to(CASES).as_posix(): p.read_text(encoding="utf-8") for p in JSON_FILES}
    shipped["README.md"] = (CASES / "README.md").read_text(encoding="utf-8")
    hint = "regenerate: .venv/bin/python scripts/build_curated_cases.py (uses the panel MANE transcripts)"
    assert sorted(shipped) == sorted(expected), hint
    assert [name for name, text in expected.items() if shipped[name] != text] == [], hint


def test_a_curation_file_without_pmid_or_doi_is_refused(tmp_path: Path, kb: KnowledgeBase) -> None:
    """A publication must be identified by a PMID or a DOI; a malformed DOI is refused too."""
    builder = _builder()
    source = next(iter(sorted(CURATION.glob("*.yaml"))))
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    data.pop("pmid", None)
    data.pop("doi", None)
    bare = tmp_path / "bare.yaml"
    bare.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(builder.CurationError, match="PMID or a DOI"):
        builder.build_publication(bare, kb)
    data["doi"] = "not-a-doi"
    bare.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(builder.CurationError, match="is not a DOI"):
        builder.build_publication(bare, kb)
    data["doi"] = "10.1234/example.5"
    bare.write_text(yaml.safe_dump(data), encoding="utf-8")
    packets = builder.build_publication(bare, kb)
    assert all(name.split("/")[1].startswith("DOI_10_1234_example_5_") for name in packets)
    assert all(_references(p) == ["DOI:10.1234/example.5"] for p in packets.values())


def test_collection_stays_small() -> None:
    """The curated collection stays well under 2 MB."""
    assert sum(p.stat().st_size for p in CASES.rglob("*") if p.is_file()) < 1_500_000
