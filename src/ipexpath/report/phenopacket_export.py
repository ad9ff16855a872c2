"""The assessed case as a GA4GH Phenopacket v2 with its interpretation filled in.

Built with the `phenopackets` protobuf classes and converted with `MessageToDict`; the result is checked
by a round trip (dict → message → dict must be identical) so that only schema-valid content is written.
The diagnosis is the top-ranked disease; progressStatus is SOLVED when IPEX is genetically confirmed,
IN_PROGRESS otherwise. Each FOXP3/panel variant of pathogenic or uncertain class is a genomic
interpretation with its ACMG class.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from google.protobuf.json_format import MessageToDict, ParseDict

from ipexpath.errors import IpexpathError
from ipexpath.types import Age

if TYPE_CHECKING:
    from ipexpath.conclusions import Assessment

SCHEMA_VERSION = "2.0"
ACMG = {
    "pathogenic": "PATHOGENIC",
    "likely pathogenic": "LIKELY_PATHOGENIC",
    "uncertain significance": "UNCERTAIN_SIGNIFICANCE",
    "vus": "UNCERTAIN_SIGNIFICANCE",
    "likely benign": "LIKELY_BENIGN",
    "benign": "BENIGN",
}
# GENO allelic states (Genotype Ontology).
ALLELIC_STATE = {
    "hemizygous": ("GENO:0000134", "hemizygous"),
    "heterozygous": ("GENO:0000135", "heterozygous"),
    "homozygous": ("GENO:0000136", "homozygous"),
}
DAYS_PER_YEAR = 365.25
DAYS_PER_MONTH = DAYS_PER_YEAR / 12


def iso_duration(days: float) -> str:
    """Age in days as an ISO 8601 duration ('P4M', 'P1Y2M', 'P10D')."""
    years = int(days // DAYS_PER_YEAR)
    rest = days - years * DAYS_PER_YEAR
    months = int(rest // DAYS_PER_MONTH)
    rest_days = round(rest - months * DAYS_PER_MONTH)
    text = "P" + (f"{years}Y" if years else "") + (f"{months}M" if months else "")
    if rest_days or text == "P":
        text += f"{rest_days}D"
    return text


def _age(days: float | None) -> dict[str, Any] | None:
    if days is None:
        return None
    gestation = Age.from_days(days).gestation  # before birth: the phenopacket's gestationalAge
    if gestation is not None:
        weeks, days_over = gestation  # protobuf JSON leaves out a zero, so does the export (round trip)
        return {"gestationalAge": {"weeks": weeks, **({"days": days_over} if days_over else {})}}
    return {"age": {"iso8601duration": iso_duration(days)}}


def _feature(term: dict[str, Any], excluded: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"type": {"id": term["id"], "label": term["label"]}}
    if excluded:
        out["excluded"] = True
    onset = _age(term.get("onset_days"))
    if onset:
        out["onset"] = onset
    return out


def _variant(variant: dict[str, Any], subject: str, index: int, causative: bool) -> dict[str, Any] | None:
    klass = ACMG.get(str(variant.get("classification") or "").replace("_", " ").strip().lower())
    if klass in (None, "BENIGN", "LIKELY_BENIGN"):
        return None
    descriptor: dict[str, Any] = {
        "id": f"variant-{index}",
        "label": " ".join(
            str(x) for x in (variant.get("gene"), variant.get("hgvs_c"), variant.get("hgvs_p")) if x
        ),
        "geneContext": {
            "valueId": str(variant.get("hgnc") or variant.get("gene")),
            "symbol": str(variant.get("gene")),
        },
        "moleculeContext": "genomic",
    }
    expressions = []
    transcript = variant.get("transcript")
    if variant.get("hgvs_c"):
        value = f"{transcript}:{variant['hgvs_c']}" if transcript else str(variant["hgvs_c"])
        expressions.append({"syntax": "hgvs.c", "value": value})
    if variant.get("hgvs_p"):
        expressions.append({"syntax": "hgvs.p", "value": str(variant["hgvs_p"])})
    if expressions:
        descriptor["expressions"] = expressions
    location = variant.get("location") or {}
    if location.get("chrom") and location.get("pos"):
        descriptor["vcfRecord"] = {
            "genomeAssembly": str(location.get("build") or ""),
            "chrom": str(location["chrom"]),
            "pos": str(location["pos"]),
            "ref": str(location.get("ref") or ""),
            "alt": str(location.get("alt") or ""),
        }
    state = ALLELIC_STATE.get(str(variant.get("zygosity") or "").lower())
    if state:
        descriptor["allelicState"] = {"id": state[0], "label": state[1]}
    return {
        "subjectOrBiosampleId": subject,
        "interpretationStatus": "CAUSATIVE"
        if causative and klass in ("PATHOGENIC", "LIKELY_PATHOGENIC")
        else "CANDIDATE",
        "variantInterpretation": {
            "acmgPathogenicityClassification": klass,
            "variationDescriptor": descriptor,
        },
    }


def build_packet(assessment: Assessment) -> dict[str, Any]:
    """The Phenopacket v2 JSON (camelCase) before validation."""
    case = assessment.case
    subject = assessment.subject_id
    subject_block: dict[str, Any] = {"id": subject}
    if case.get("sex") not in (None, "UNKNOWN_SEX"):
        # UNKNOWN_SEX is the enum's default (0): protobuf JSON leaves it out, so writing it would make the
        # round trip below fail for every case without a stated sex (issue 18 item 1).
        subject_block["sex"] = case["sex"]
    age = _age(case.get("age_days"))
    if age:
        subject_block["timeAtLastEncounter"] = age
    death = case.get("death")
    if death:  # the vital status read from the case: never lost on the way out
        vital: dict[str, Any] = {"status": "DECEASED"}
        died = _age(death.get("age_days"))
        if died:
            vital["timeOfDeath"] = died
        subject_block["vitalStatus"] = vital
    features = [_feature(t, False) for t in case.get("observed", [])] + [
        _feature(t, True) for t in case.get("excluded", [])
    ]
    top = assessment.top
    packet: dict[str, Any] = {
        "id": str(case.get("id") or subject),
        "subject": subject_block,
        "phenotypicFeatures": features,
        "metaData": {
            "created": assessment.created,
            "createdBy": f"ipexpath {assessment.ipexpath_version}",
            "resources": [
                {
                    "id": "hp",
                    "name": "human phenotype ontology",
                    "url": "http://purl.obolibrary.org/obo/hp.owl",
                    "version": assessment.hpo_release,
                    "namespacePrefix": "HP",
                    "iriPrefix": "http://purl.obolibrary.org/obo/HP_",
                },
                {
                    "id": "omim",
                    "name": "Online Mendelian Inheritance in Man",
                    "url": "https://www.omim.org",
                    "version": "as annotated in HPO " + assessment.hpo_release,
                    "namespacePrefix": "OMIM",
                    "iriPrefix": "https://omim.org/entry/",
                },
                {
                    "id": "geno",
                    "name": "Genotype Ontology",
                    "url": "http://purl.obolibrary.org/obo/geno.owl",
                    "version": "unversioned",
                    "namespacePrefix": "GENO",
                    "iriPrefix": "http://purl.obolibrary.org/obo/GENO_",
                },
            ],
            "phenopacketSchemaVersion": SCHEMA_VERSION,
        },
    }
    if top is not None:
        solved = assessment.status.progress_status == "SOLVED" and top.get("disease_id") in (
            "OMIM:304790",
            "ORPHA:37042",
        )
        genes = {str(g).upper() for g in top.get("genes", [])}
        variants = assessment.genetics.variants if assessment.genetics else ()
        genomic = [
            g
            for i, v in enumerate(variants, start=1)
            if not genes or str(v.get("gene", "")).upper() in genes
            for g in [_variant(v, subject, i, solved)]
            if g is not None
        ]
        diagnosis: dict[str, Any] = {"disease": {"id": top["disease_id"], "label": top["name"]}}
        if genomic:
            diagnosis["genomicInterpretations"] = genomic
        packet["interpretations"] = [
            {
                "id": f"{packet['id']}-ipexpath-interpretation",
                "progressStatus": "SOLVED" if solved else "IN_PROGRESS",
                "diagnosis": diagnosis,
                "summary": (
                    f"ipexpath decision support: top-ranked {top['name']} ({top['disease_id']}), posterior "
                    f"{float(top['posterior']):.3g} under the stated prior; "
                    f"IPEX status: {assessment.status.level}. Not a diagnosis."
                ),
            },
            *_other_interpretations(assessment, str(packet["id"]), subject, genes),
        ]
    transplants = case.get("transplants") or ()
    if transplants:  # the treatment history read from the case: never lost on the way out
        packet["medicalActions"] = [_transplant(t) for t in transplants]
    return packet


HSCT_CODE = {"id": "NCIT:C46089", "label": "Allogeneic Hematopoietic Stem Cell Transplantation"}


def _transplant(transplant: dict[str, Any]) -> dict[str, Any]:
    procedure: dict[str, Any] = {"code": dict(HSCT_CODE)}
    performed = _age(transplant.get("age_days"))
    if performed:
        procedure["performed"] = performed
    return {"procedure": procedure}


def _other_interpretations(
    assessment: Assessment, packet_id: str, subject: str, top_genes: set[str]
) -> list[dict[str, Any]]:
    """Reportable variants outside the top disease's genes (a girl's FOXP3 VUS under an IPEX-like first row,
    a CTLA4 finding beside confirmed IPEX): one interpretation per gene, with the disease the classifier
    named, so no finding is lost from the export."""
    if assessment.genetics is None or not top_genes:
        return []
    by_gene: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    for i, v in enumerate(assessment.genetics.variants, start=1):
        gene = str(v.get("gene", "")).upper()
        if gene and gene not in top_genes:
            by_gene.setdefault(gene, []).append((i, v))
    out = []
    for gene, rows in by_gene.items():
        genomic = [
            g for i, v in rows for g in [_variant(v, subject, i, _causative(assessment, v))] if g is not None
        ]
        first = rows[0][1]
        disease_id = first.get("disease_id") or ("OMIM:304790" if gene == "FOXP3" else None)
        if not genomic or not disease_id:
            continue
        label = first.get("disease") or ("IPEX" if gene == "FOXP3" else gene)
        out.append(
            {
                "id": f"{packet_id}-ipexpath-{gene.lower()}",
                "progressStatus": "IN_PROGRESS",
                "diagnosis": {
                    "disease": {"id": str(disease_id), "label": str(label)},
                    "genomicInterpretations": genomic,
                },
                "summary": f"ipexpath decision support: {gene} finding as classified. Not a diagnosis.",
            }
        )
    return out


def _causative(assessment: Assessment, variant: dict[str, Any]) -> bool:
    """CAUSATIVE only for a finding that explains its disorder outright: not a FOXP3 variant whose patient
    lacks the IPEX picture (`atypical_phenotype`), nor two heterozygous variants of an AR gene whose phase is
    unknown (in trans or not: the parents tell). Those are exported as CANDIDATE."""
    if variant.get("role") != "explains":
        return False
    if str(variant.get("gene", "")).upper() == "FOXP3" and assessment.status.atypical_phenotype:
        return False
    return not (variant.get("inheritance") == "AR" and variant.get("zygosity") == "heterozygous")


def validate_packet(packet: dict[str, Any]) -> dict[str, Any]:
    """Parse into the protobuf Phenopacket and back; the two dicts must be equal (schema-valid, no loss)."""
    from phenopackets import Phenopacket

    try:
        message = ParseDict(packet, Phenopacket())
    except Exception as exc:  # json_format.ParseError and type errors of malformed values
        raise IpexpathError(f"The Phenopacket export is not schema-valid: {exc}") from exc
    out: dict[str, Any] = MessageToDict(message)
    if out != packet:
        raise IpexpathError("The Phenopacket export did not survive a round trip through the schema.")
    return out


def to_phenopacket(assessment: Assessment) -> dict[str, Any]:
    """The validated Phenopacket v2 JSON of the assessment."""
    return validate_packet(build_packet(assessment))
