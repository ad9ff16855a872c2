"""Guard on the clinical data files: every fact carries a recognisable source, none comes from a paper the
project reserves where it forbids it, the corrected figures/authorships are the ones used, and the gene facts
agree with the shipped HPO release and with each other. Audit record: docs/sources.md."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from ipexpath.knowledge.release import shipped_hpo_dir

ROOT = Path(__file__).resolve().parents[2]
PKG = ROOT / "src" / "ipexpath"
IPEX_YAML = PKG / "knowledge" / "data" / "ipex.yaml"
COHORTS = PKG / "knowledge" / "data" / "cohort_profiles.yaml"
PANEL = PKG / "confirm" / "data" / "panel.yaml"
CRITERIA = PKG / "confirm" / "data" / "criteria.yaml"
EVIDENCE = PKG / "confirm" / "data" / "variant_evidence.yaml"
COUNSEL_DEFAULTS = PKG / "counsel" / "data" / "model_defaults.yaml"
RESERVED_LIST = ROOT / "tests" / "knowledge" / "test_curated_cases.py"  # issue 13's list, kept in one place

# A source is recognised when it names a locator a reader can follow ...
LOCATOR = re.compile(
    r"PMID[: ]?\s?\d{6,9}|\b10\.\d{4,9}/\S+|\bNBK\d+|\bVCV\d+|AlleleID \d+|NCBI Gene \d+|OMIM #?\d{6}"
    r"|UniProt [A-Z][0-9][A-Z0-9]{3}[0-9]|ORPHA:?\d+|GeneReviews|ClinVar|genebe\.net|https?://"
    # ... or a named guideline / reference work with its year or version ...
    r"|\b(?:ClinGen|ACMG|AMP|IUIS|ESID|EBMT|MANE|GENCODE|Ensembl|GRC|Orphanet)\b[^\n]{0,120}?"
    r"(?:\b(?:19|20)\d\d\b|v\d+(?:\.\d+)?\b|\b(?:Ensembl|release) \d{2,3}\b)"
    # ... or an author-year journal citation with volume:pages ...
    r"|[A-Z][A-Za-z'-]+(?: et al\.?| & [A-Z][a-z]+| [A-Z]{1,4})?,? (?:19|20)\d\d\b[^\n]{0,60}?\d+:\d+"
    # ... or a section of the project's cited reference notes (shared/reference/*.md).
    r"|(?:genotype|family|ipex-clinical|treatment-followup|phenotype)\.md (?:§|sec(?:tion)?\.? ?)?\d"
)
# ... or it says openly that the value is not from a checked primary source: [K] background knowledge, [U]
# uncertain, [V2] secondary copy only (tags of panel.yaml), an assumption or a project rule (docs/sources.md).
UNVERIFIED = re.compile(
    r"\[K\]|\[U\]|\[V2\]|\bassumption\b|not sourced|project choice|project rule|conservative default"
    r"|ipexpath (?:values|rule)",
    re.IGNORECASE,
)
PMID = re.compile(r"^\d{6,9}$")
DOI = re.compile(r"^10\.\d{4,9}/\S+$")
HPO_INHERITANCE = {"XLR": "HP:0001419", "AR": "HP:0000007", "AD": "HP:0000006"}


def _load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def reserved() -> frozenset[str]:
    """PMIDs and lower-case DOIs that issue 13 reserves for the independent ranking evaluation."""
    text = RESERVED_LIST.read_text(encoding="utf-8")
    ids = set(re.findall(r'"(\d{7,8})"', text)) | {
        d.lower() for d in re.findall(r'"(10\.\d{4,}/[^"]+)"', text)
    }
    assert {"29241729", "17196245", "10.3389/fped.2024.1438816"} <= ids  # the list was read
    return frozenset(ids)


@pytest.fixture(scope="module")
def hpo_release() -> tuple[dict[str, set[str]], dict[str, set[str]], dict[str, str], dict[str, str]]:
    """From the shipped HPO release: disease -> inheritance terms, disease -> genes, gene -> NCBI Gene id,
    disease -> name."""
    data = shipped_hpo_dir()
    inheritance: dict[str, set[str]] = {}
    names: dict[str, str] = {}
    with (data / "phenotype.hpoa").open(encoding="utf-8") as fh:
        for line in fh:
            cols = line.split("\t")
            if len(cols) > 3 and cols[0][:1] != "#":
                names.setdefault(cols[0], cols[1])
            if len(cols) > 3 and cols[3] in HPO_INHERITANCE.values():
                inheritance.setdefault(cols[0], set()).add(cols[3])
    genes: dict[str, set[str]] = {}
    ncbi: dict[str, str] = {}
    with (data / "genes_to_phenotype.txt").open(encoding="utf-8") as fh:
        next(fh)
        for line in fh:
            cols = line.rstrip("\n").split("\t")
            if len(cols) >= 6:
                genes.setdefault(cols[5], set()).add(cols[1])
                ncbi[cols[1]] = cols[0]
    return inheritance, genes, ncbi, names


def _sources_in(node: Any, where: str) -> Iterator[tuple[str, str]]:
    """Every (place, text) of a key named `source` or `*_source` in a YAML tree."""
    if isinstance(node, dict):
        for key, value in node.items():
            if (key == "source" or str(key).endswith("_source")) and not isinstance(value, (dict, list)):
                yield f"{where}.{key}", str(value)
            else:
                yield from _sources_in(value, f"{where}.{key}")
    elif isinstance(node, list):
        for i, item in enumerate(node):
            label = (
                item.get("symbol") or item.get("hgvs_c") or item.get("name") or i
                if isinstance(item, dict)
                else i
            )
            yield from _sources_in(item, f"{where}[{label}]")


def _recognised(text: str) -> bool:
    return bool(LOCATOR.search(text) or UNVERIFIED.search(text))


# --- 1. every entry carries a source in a recognised form -------------------------------------------------


def test_knowledge_file_sources_have_a_locator() -> None:
    """ipex.yaml: each source has a well-formed PMID or DOI, or a URL (patient pages, databases)."""
    sources = _load(IPEX_YAML)["sources"]
    for key, source in sources.items():
        pmid, doi, url = source.get("pmid"), source.get("doi"), source.get("url")
        assert pmid or doi or url, key
        assert pmid is None or PMID.match(str(pmid)), f"{key}: PMID {pmid!r}"
        assert doi is None or DOI.match(str(doi)), f"{key}: DOI {doi!r}"
        assert source.get("citation") and source.get("checked"), f"{key}: citation and what was checked"
        assert source.get("evidence") in {"primary", "secondary", "ontology"}, key


def test_panel_and_criteria_rows_name_their_source() -> None:
    """confirm/data: each gene, disease, transcript, domain, range, frequency input and variant, and each
    ACMG threshold block, carries a source with a locator, or says openly that it is unverified/assumed."""
    panel = _load(PANEL)
    found = list(_sources_in(panel["genes"], "panel.genes"))
    for gene in panel["genes"]:
        symbol = gene["symbol"]
        assert gene.get("mechanism_source") and gene.get("protein_length_source"), symbol
        for row in (
            gene["diseases"] + gene["transcripts"] + gene.get("domains", []) + gene.get("known_variants", [])
        ):
            assert row.get("source"), f"{symbol}: {row}"
        for build, region in gene["regions"].items():
            assert region.get("source"), f"{symbol} {build}"
    criteria = _load(CRITERIA)
    for block, body in criteria.items():
        if isinstance(body, dict):
            assert any(k == "source" or k.endswith("_source") for k in body), (
                f"criteria.{block} has no source"
            )
    found += list(_sources_in(criteria, "criteria"))
    assert len(found) > 100
    bad = [f"{where}: {text[:90]}" for where, text in found if not _recognised(text)]
    assert not bad, "sources without a locator or an 'unverified' marker:\n" + "\n".join(bad)


def test_counselling_and_cohort_numbers_name_their_source() -> None:
    """counsel model_defaults: each parameter cites or says 'Assumption'; cohorts cite PMID/DOI + quote."""
    defaults = _load(COUNSEL_DEFAULTS)
    for key, body in defaults.items():
        if isinstance(body, dict):
            text = str(body.get("source", ""))
            assert text and _recognised(text), f"model_defaults.{key}: {text[:80]!r}"
    for cohort in _load(COHORTS)["cohorts"]:
        pmid, doi = cohort.get("pmid"), cohort.get("doi")
        assert (pmid and PMID.match(str(pmid))) or (doi and DOI.match(str(doi))), cohort["key"]
        for feature in cohort["features"]:
            assert feature.get("quote"), f"{cohort['key']} {feature['id']}"


def test_variant_evidence_sources_are_pmid_or_doi() -> None:
    for ident, source in _load(EVIDENCE)["sources"].items():
        kind, _, value = ident.partition(":")
        assert (kind == "PMID" and PMID.match(value)) or (kind == "DOI" and DOI.match(value)), ident
        assert source.get("citation"), ident


# --- 2. reserved papers only where the project allows them ------------------------------------------------


def test_no_reserved_paper_feeds_ranking_or_variant_data(reserved: frozenset[str]) -> None:
    """Issue 13: no patient, cohort frequency or variant from a reserved paper (cases/ and variant_evidence
    have their own tests). Gene-level facts of panel.yaml may cite a founding paper that is reserved."""
    for cohort in _load(COHORTS)["cohorts"]:
        assert str(cohort.get("pmid") or "") not in reserved, cohort["key"]
        assert str(cohort.get("doi") or "").lower() not in reserved, cohort["key"]
    for gene in _load(PANEL)["genes"]:
        for variant in gene.get("known_variants", []):
            cited = set(re.findall(r"PMID:? ?(\d{6,9})", variant["source"]))
            cited |= {d.lower().rstrip(").,;") for d in re.findall(r"10\.\d{4,9}/\S+", variant["source"])}
            assert not cited & reserved, f"{gene['symbol']} {variant['hgvs_c']}: {cited & reserved}"


def test_reserved_papers_in_the_knowledge_file_are_marked(reserved: frozenset[str]) -> None:
    """ipex.yaml may cite a reserved paper for a clinical fact (outcomes, OI score), never silently."""
    for key, source in _load(IPEX_YAML)["sources"].items():
        ids = {str(source.get("pmid") or ""), str(source.get("doi") or "").lower()}
        if ids & reserved:
            assert "reserve" in str(source.get("notes", "")).lower(), f"{key} is reserved by issue 13: say so"


# --- 3. the corrected figures and authorships (shared/reference/treatment-followup.md §1) ----------------

TEXT_SUFFIXES = {".py", ".yaml", ".yml", ".html", ".md", ".txt", ".j2"}


def _package_texts() -> Iterator[tuple[Path, str]]:
    """Text a user or clinician reads: package sources and data (not the curated case JSON), docs, README."""
    paths = [p for p in PKG.rglob("*") if p.suffix in TEXT_SUFFIXES and "cases" not in p.parts]
    paths += [*sorted((ROOT / "docs").glob("*.md")), ROOT / "README.md"]
    for path in paths:
        if path.is_file():
            yield path, path.read_text(encoding="utf-8", errors="replace")


def test_immunosuppression_survival_uses_the_full_text_pairing() -> None:
    """65.1% is OS under IS at 24 years (95% CI 18.3-89.7); 62.8-95.8 is the CI of 86.8% at 15 years. The
    abstract's pairing '65.1% (95% CI 62.8-95.8)' may appear only where it is quoted as the abstract's."""
    wrong = re.compile(r"65\.1\s*%[^.;]{0,25}?62\.8")
    bad = []
    for path, text in _package_texts():
        for match in wrong.finditer(text):
            if "abstract" not in text[max(0, match.start() - 120) : match.end() + 120].lower():
                bad.append(f"{path.relative_to(ROOT)}: {text[match.start() : match.end() + 10]!r}")
    assert not bad, "\n".join(bad)
    knowledge = _load(IPEX_YAML)
    ims = next(t for t in knowledge["treatment"] if t["id"] == "immunosuppression")
    assert re.search(r"86\.8% \(95% CI 62\.8-95\.8\) at 15 years", ims["outcome"])
    assert re.search(r"65\.1% \(95% CI 18\.3-89\.7\) at 24 years", ims["outcome"])
    synthetic = (PKG / "registry" / "synthetic.py").read_text(encoding="utf-8")
    assert re.search(r"IS_SURVIVAL_15Y, IS_SURVIVAL_24Y = 0\.868, 0\.651", synthetic)


def test_authorships_follow_the_correction() -> None:
    """Genes 2021;12:323 (PMID 33668198) is Ben-Skowronek's; Front Pediatr 9:643094 is Consonni, Ciullini
    Mannurita & Gambineri's; Front Pediatr 9:612760 is Barzaghi & Passerini's."""
    by_doi = {str(s.get("doi")): s for s in _load(IPEX_YAML)["sources"].values()}
    genes = by_doi["10.3390/genes12030323"]
    assert genes["citation"].startswith("Ben-Skowronek I.") and str(genes["pmid"]) == "33668198"
    assert by_doi["10.3389/fped.2021.643094"]["citation"].startswith(
        "Consonni F, Ciullini Mannurita S, Gambineri E."
    )
    assert by_doi["10.3389/fped.2021.612760"]["citation"].startswith("Barzaghi F, Passerini L.")
    genes_paper = re.compile(
        r"Genetics and Treatment Options|genes12030323|Genes \(Basel\) 2021|33668198", re.I
    )
    bad = []
    for path, text in _package_texts():
        for match in genes_paper.finditer(text):
            near = text[max(0, match.start() - 150) : match.end() + 150]
            wide = text[max(0, match.start() - 400) : match.end() + 400]
            if "Consonni" in near and not re.search(r"not Consonni|[Cc]orrect|attribut", wide):
                bad.append(f"{path.relative_to(ROOT)}: {near!r}")
    assert not bad, "Genes 2021 review attributed to Consonni:\n" + "\n".join(bad)


# --- 4. gene facts agree with the shipped HPO release (OMIM-derived) and across files ---------------------


def _mode(text: str) -> str:
    """'autosomal recessive (...)' -> 'AR'; 'X-linked recessive' -> 'XLR'."""
    low = text.lower()
    if low.startswith("x-linked recessive"):
        return "XLR"
    if low.startswith("autosomal recessive"):
        return "AR"
    if low.startswith("autosomal dominant"):
        return "AD"
    raise AssertionError(f"unknown inheritance {text!r}")


def test_gene_disease_ids_and_inheritance_match_the_hpo_release(
    hpo_release: tuple[dict[str, set[str]], dict[str, set[str]], dict[str, str], dict[str, str]],
) -> None:
    """The OMIM-derived HPO annotations name the disease, its gene and inheritance; the files must agree."""
    inheritance, genes, ncbi, names = hpo_release
    panel = _load(PANEL)["genes"]
    for gene in panel:
        for disease in gene["diseases"]:
            assert gene["symbol"] in genes.get(disease["id"], set()), (
                f"{disease['id']} not linked to {gene['symbol']}"
            )
            official = names[disease["id"]].replace(" ,", ",")
            assert disease["name"].startswith(official), (
                f"{disease['id']}: {disease['name']!r} vs {official!r}"
            )
            assert HPO_INHERITANCE[gene["inheritance"]] in inheritance.get(disease["id"], set()), (
                f"{gene['symbol']} {gene['inheritance']} vs HPO {inheritance.get(disease['id'])}"
            )
        if gene.get("ncbi_gene"):
            assert ncbi[gene["symbol"]] == str(gene["ncbi_gene"]), gene["symbol"]
    knowledge = _load(IPEX_YAML)
    rows = [
        {"gene": "FOXP3", "omim": knowledge["ipex"]["omim"], "inheritance": knowledge["ipex"]["inheritance"]}
    ]
    rows += knowledge["ipex_like"]
    by_symbol = {g["symbol"]: g for g in panel}
    for row in rows:
        mode = _mode(row["inheritance"])
        assert HPO_INHERITANCE[mode] in inheritance.get(row["omim"], set()), (
            f"{row['gene']} {row['omim']} {mode}"
        )
        if row["gene"] in by_symbol:  # the two files agree on disease id and inheritance
            panel_gene = by_symbol[row["gene"]]
            assert row["omim"] in {d["id"] for d in panel_gene["diseases"]}, row["gene"]
            assert panel_gene["inheritance"] == mode, row["gene"]
    foxp3 = by_symbol["FOXP3"]
    ipex = knowledge["ipex"]
    assert (foxp3["hgnc"], foxp3["cytoband"], foxp3["omim_gene"]) == (ipex["hgnc"], ipex["locus"], "300292")
    # The IPEX-like genes the brief names, with the inheritance OMIM gives them.
    expected = {"FOXP3": "XLR", "IL2RA": "AR", "STAT5B": "AR", "CTLA4": "AD", "LRBA": "AR", "STAT1": "AD"}
    expected |= {"STAT3": "AD", "DEF6": "AR", "BACH2": "AD", "IL2RB": "AR"}
    assert {s: g["inheritance"] for s, g in by_symbol.items() if s in expected} == expected
    assert HPO_INHERITANCE["AD"] in inheritance["OMIM:618985"]  # STAT5B dominant-negative form (not encoded)
