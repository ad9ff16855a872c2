"""The whole pathway for one case: Suspect → Confirm → Counsel, joined into one `Assessment`.

`run_assessment` computes everything; the HTML, JSON, Phenopacket and text summary only render the
`Assessment` (they never recompute). Glue between the steps:

* genotype → differential: the classified variants re-rank the phenotype differential (Confirm);
* family → classification: the pedigree is passed to the classifier for segregation (PP1/BS2/PS2);
* classification → family risks: the proband's familial-variant test is set to *found* when a
  (likely) pathogenic hemizygous FOXP3 variant is classified, *not found* when the VCF has no FOXP3
  variant of pathogenic or uncertain class.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ipexpath import __version__
from ipexpath.case import Case
from ipexpath.errors import InputError
from ipexpath.knowledge.base import KnowledgeBase
from ipexpath.knowledge.ipex import IpexKnowledge, load_ipex_knowledge
from ipexpath.report import leaflet as leaflet_mod
from ipexpath.report import pathway
from ipexpath.report import recommendations as rec
from ipexpath.report.leaflet import LeafletSection, RelativeChance
from ipexpath.report.recommendations import Recommendation, Reference

DECISION_SUPPORT = (
    "Decision support, not a diagnosis. This report was produced by software from the information entered; "
    "a qualified clinician and a clinical genetics service must check every finding and decision."
)
IPEX_IDS = ("OMIM:304790", "ORPHA:37042")
PATHOGENIC = ("pathogenic", "likely pathogenic")
UNCERTAIN = ("uncertain significance", "vus")
# IPEX is "likely" (and early HSCT referral recommended) when it is ranked first or its posterior under the
# stated prior reaches this value, "possible" when it is in the top POSSIBLE_RANK rows.
LIKELY_POSTERIOR = 0.25
POSSIBLE_RANK = 10


@dataclass(frozen=True)
class IpexStatus:
    """How strongly the evidence points to IPEX, and why (drives the recommendations)."""

    level: str  # "confirmed", "likely", "possible", "not supported"
    reason: str
    ipex_rank: int | None
    ipex_posterior: float | None
    progress_status: str  # Phenopacket: "SOLVED" or "IN_PROGRESS"
    variant: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "level": self.level,
            "reason": self.reason,
            "ipex_rank": self.ipex_rank,
            "ipex_posterior": self.ipex_posterior,
            "progress_status": self.progress_status,
            "variant": self.variant,
        }


@dataclass(frozen=True)
class Genetics:
    """The VCF read and every classified variant (Confirm's JSON rows)."""

    vcf: str
    sample: str | None
    build: str | None
    variants: tuple[dict[str, Any], ...]
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "vcf": self.vcf,
            "sample": self.sample,
            "build": self.build,
            "variants": list(self.variants),
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class Family:
    """Counsel's result: persons, risks, pregnancies, the testing plan and the pedigree drawing."""

    family_id: str
    proband: str
    persons: tuple[dict[str, Any], ...]
    risks: dict[str, Any]
    testing_plan: tuple[dict[str, Any], ...]
    pedigree_svg: str
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON form (the SVG drawing is included so the JSON holds everything the report shows)."""
        return {
            "family_id": self.family_id,
            "proband": self.proband,
            "persons": list(self.persons),
            "risks": self.risks,
            "testing_plan": list(self.testing_plan),
            "pedigree_svg": self.pedigree_svg,
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class Assessment:
    """Everything the reports show, computed once."""

    created: str
    ipexpath_version: str
    hpo_release: str
    knowledge_release: str
    case: dict[str, Any]
    subject_id: str
    status: IpexStatus
    differential: dict[str, Any]
    differential_phenotype_only: dict[str, Any] | None
    genetics: Genetics | None
    family: Family | None
    recommendations: tuple[Recommendation, ...]
    leaflet: tuple[LeafletSection, ...]
    relatives: tuple[RelativeChance, ...]
    references: tuple[Reference, ...]
    notes: tuple[str, ...] = ()
    phenopacket: dict[str, Any] = field(default_factory=dict)

    @property
    def top(self) -> dict[str, Any] | None:
        """The top-ranked disease row of the differential."""
        results = self.differential.get("results") or []
        return results[0] if results else None

    def to_dict(self) -> dict[str, Any]:
        """The content of assessment.json."""
        return {
            "kind": "ipexpath assessment",
            "notice": DECISION_SUPPORT,
            "created": self.created,
            "ipexpath_version": self.ipexpath_version,
            "hpo_release": self.hpo_release,
            "knowledge_release": self.knowledge_release,
            "subject_id": self.subject_id,
            "case": self.case,
            "status": self.status.to_dict(),
            "differential": self.differential,
            "differential_phenotype_only": self.differential_phenotype_only,
            "genetics": None if self.genetics is None else self.genetics.to_dict(),
            "family": None if self.family is None else self.family.to_dict(),
            "recommendations": [r.to_dict() for r in self.recommendations],
            "leaflet": {
                "sections": [s.to_dict() for s in self.leaflet],
                "relatives": [r.to_dict() for r in self.relatives],
            },
            "references": [r.to_dict() for r in self.references],
            "notes": list(self.notes),
            "phenopacket": self.phenopacket,
        }


# -------------------------------------------------------------------------------------------- helpers
def _as_dict(obj: Any) -> dict[str, Any]:
    """A step's result as its JSON dict."""
    if isinstance(obj, dict):
        return obj
    out: dict[str, Any] = obj.to_dict()
    return out


def _norm_class(text: Any) -> str:
    """'Likely_pathogenic' / 'LIKELY PATHOGENIC' -> 'likely pathogenic'."""
    return str(text or "").replace("_", " ").strip().lower()


def is_ipex_row(row: dict[str, Any]) -> bool:
    """The differential row is IPEX itself (not IPEX-like)."""
    return row.get("disease_id") in IPEX_IDS or (row.get("ipex") or row.get("ipex_flag")) == "IPEX"


def ipex_row(differential: dict[str, Any]) -> dict[str, Any] | None:
    """The best-ranked IPEX row of the differential (from the results or the IPEX/IPEX-like list)."""
    rows = list(differential.get("results") or []) + list(differential.get("ipex_and_ipex_like") or [])
    ipex_rows = [r for r in rows if is_ipex_row(r)]
    return min(ipex_rows, key=lambda r: int(r.get("rank", 10**9))) if ipex_rows else None


def foxp3_variant(variants: tuple[dict[str, Any], ...]) -> dict[str, Any] | None:
    """The most significant FOXP3 variant (pathogenic before uncertain), or None."""
    order = {"pathogenic": 0, "likely pathogenic": 1, "uncertain significance": 2, "vus": 2}
    found = [
        v
        for v in variants
        if str(v.get("gene", "")).upper() == "FOXP3" and _norm_class(v.get("classification")) in order
    ]
    return min(found, key=lambda v: order[_norm_class(v.get("classification"))]) if found else None


def variant_label(variant: dict[str, Any]) -> str:
    """'FOXP3 c.1150G>A (p.Ala384Thr)'."""
    parts = [str(variant.get("gene") or "")]
    if variant.get("hgvs_c"):
        parts.append(str(variant["hgvs_c"]))
    if variant.get("hgvs_p"):
        parts.append(f"({variant['hgvs_p']})")
    location = variant.get("location") or {}
    if not variant.get("hgvs_c") and location.get("chrom"):
        parts.append(f"{location['chrom']}:{location.get('pos')} {location.get('ref')}>{location.get('alt')}")
    return " ".join(p for p in parts if p)


def decide_status(
    differential: dict[str, Any], variants: tuple[dict[str, Any], ...] | None, male: bool
) -> IpexStatus:
    """Confirmed (hemizygous P/LP FOXP3 in a male), likely, possible or not supported."""
    row = ipex_row(differential)
    rank = int(row["rank"]) if row else None
    posterior = float(row["posterior"]) if row else None
    variant = foxp3_variant(variants or ())
    klass = _norm_class(variant.get("classification")) if variant else ""
    hemizygous = variant is not None and (
        str(variant.get("zygosity", "")).lower() == "hemizygous"
        or (male and str(variant.get("zygosity", "")).lower() == "homozygous")
    )
    where = (
        f"ranked {rank} with posterior {posterior:.3g}"
        if rank is not None and posterior is not None
        else "not ranked"
    )
    if variant is not None and klass in PATHOGENIC and hemizygous:
        return IpexStatus(
            "confirmed",
            f"Hemizygous FOXP3 variant {variant_label(variant)} classified {variant.get('classification')} "
            f"(diagnosis requires a hemizygous pathogenic FOXP3 variant in a male); IPEX {where}.",
            rank,
            posterior,
            "SOLVED",
            variant,
        )
    if rank is not None and posterior is not None and (rank == 1 or posterior >= LIKELY_POSTERIOR):
        extra = f"; FOXP3 variant of uncertain significance: {variant_label(variant)}" if variant else ""
        return IpexStatus("likely", f"IPEX {where}{extra}.", rank, posterior, "IN_PROGRESS", variant)
    if rank is not None and rank <= POSSIBLE_RANK:
        return IpexStatus("possible", f"IPEX {where}.", rank, posterior, "IN_PROGRESS", variant)
    return IpexStatus("not supported", f"IPEX {where}.", rank, posterior, "IN_PROGRESS", variant)


# -------------------------------------------------------------------------------------------- the steps
OTHER_DISEASES = "ipexpath:other-diseases"


def _rows_for_rerank(differential: dict[str, Any]) -> list[dict[str, Any]]:
    """The ranked rows (top rows and every IPEX/IPEX-like row, once each) plus one row holding the rest of the
    posterior mass, so that re-ranking with the genotype keeps the posterior normalised over all diseases."""
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    for row in list(differential.get("results") or []) + list(differential.get("ipex_and_ipex_like") or []):
        if row["disease_id"] not in seen:
            seen.add(row["disease_id"])
            rows.append(row)
    rows.sort(key=lambda r: int(r["rank"]))
    rest = max(0.0, 1.0 - sum(float(r["posterior"]) for r in rows))
    other = {
        "rank": len(rows) + 1,
        "disease_id": OTHER_DISEASES,
        "name": "all other diseases",
        "posterior": rest,
    }
    return [*rows, other]


def _reranked(differential: dict[str, Any], rows: list[dict[str, Any]], top: int) -> dict[str, Any]:
    """The differential's JSON with genotype-re-ranked rows (ranks among the rows that were re-ranked)."""
    kept = [r for r in rows if r["disease_id"] != OTHER_DISEASES]
    out = dict(differential)
    out["results"] = kept[:top]
    out["ipex_and_ipex_like"] = [r for r in kept if r.get("ipex") or r.get("ipex_flag")]
    out["genotype"] = "re-ranked with the classified variants (Confirm); phenotype-only values kept per row"
    return out


def _genetics(
    vcf: Path, case: Case, pedigree: Any, differential: dict[str, Any]
) -> tuple[Genetics, dict[str, Any]]:
    """Read and classify the VCF (with the family for segregation) and re-rank the differential."""
    fns = pathway.confirm_functions()
    panel = fns["load_panel"]()
    sex = {"MALE": "male", "FEMALE": "female"}.get(case.sex.value)
    read = fns["read_variants"](vcf, panel, sex=sex)
    rows = _rows_for_rerank(differential)
    ctx = fns["EvaluationContext"](
        panel=panel, phenotype=fns["phenotype_from_rows"](rows[:-1], panel), proband_sex=sex or read.sex
    )
    people = fns["family_from_pedigree"](pedigree) if pedigree is not None else None
    classified = fns["classify_variants"](list(read.variants), ctx, None, people)
    reranked = fns["rerank_with_genotype"](rows, classified, panel, sex or read.sex)
    genetics = Genetics(
        vcf=Path(vcf).name,
        sample=read.sample,
        build=getattr(read.build, "used", None),
        variants=tuple(_as_dict(c) for c in classified),
        notes=tuple(read.notes),
    )
    return genetics, _reranked(differential, reranked, len(differential.get("results") or []))


def _proband_id(pedigree: Any, case: Case) -> str:
    """The family member who is the case: the person flagged proband (or with the case id)."""
    ids = [p.id for p in pedigree]
    if case.id in ids:
        return case.id
    probands = pedigree.probands()
    if len(probands) == 1:
        return str(probands[0].id)
    raise InputError(
        "The family file must mark exactly one person as the proband (the case being assessed).",
        "Add `proband: true` to the affected child in the family file.",
    )


def _family(pedigree: Any, case: Case, status: IpexStatus, genetics: Genetics | None) -> Family:
    """Risks, testing plan and drawing, with the proband's test result taken from the classification."""
    from ipexpath.counsel import GeneticTest, TestResult

    fns = pathway.counsel_functions()
    proband = _proband_id(pedigree, case)
    notes: list[str] = []
    if genetics is not None:
        if status.level == "confirmed":
            pedigree = pedigree.with_test(proband, GeneticTest(TestResult.FOUND))
            notes.append(
                f"{proband}: familial variant found ({variant_label(status.variant or {})}); "
                "used in the risk model."
            )
        elif status.variant is None:
            pedigree = pedigree.with_test(proband, GeneticTest(TestResult.NOT_FOUND))
            notes.append(
                f"{proband}: no FOXP3 variant of pathogenic or uncertain class in the VCF; the risk model "
                "treats the familial variant as not found in the proband."
            )
        else:
            notes.append(
                f"{proband}: FOXP3 variant of uncertain significance; "
                "the proband's recorded test result is kept."
            )
    risk = fns["compute_risks"](pedigree)
    plan = pathway.call_with(fns["plan_testing"], pedigree, result=risk)
    svg = pathway.pedigree_drawer()(pedigree, risk)
    risks = _as_dict(risk)
    p_by_id = {r["id"]: r["p_variant"] for r in risks.get("individuals", [])}
    persons = tuple(
        {
            "id": p.id,
            "name": p.name,
            "sex": p.sex.word,
            "affected": p.affected.value,
            "age": p.age_years,
            "deceased": p.deceased,
            "proband": p.id == proband,
            "father": p.father,
            "mother": p.mother,
            "test": None if p.test is None else p.test.result.value,
            "p_variant": p_by_id.get(p.id),
        }
        for p in pedigree
    )
    return Family(
        family_id=str(pedigree.family_id),
        proband=proband,
        persons=persons,
        risks=risks,
        testing_plan=tuple(_as_dict(s) for s in plan),
        pedigree_svg=svg,
        notes=tuple(notes),
    )


def _recommendations(
    knowledge: IpexKnowledge, status: IpexStatus, family: Family | None, genetics: Genetics | None
) -> tuple[Recommendation, ...]:
    """Work-up, early HSCT referral (confirmed or likely), treatment options and family testing."""
    done = None
    if genetics is not None:
        done = (
            f"Done in this assessment: {variant_label(status.variant)} classified "
            f"{status.variant.get('classification')}."
            if status.variant
            else "Done in this assessment: no FOXP3 variant of pathogenic or uncertain class in the VCF."
        )
    out = rec.workup(knowledge, done)
    if status.level in ("confirmed", "likely"):
        out = rec.referral(knowledge) + out + rec.treatment(knowledge)
    if family is not None:
        names = {p["id"]: leaflet_mod.who(p) for p in family.persons}
        out += rec.family(knowledge, family.testing_plan, names)
    return tuple(out)


def run_assessment(
    kb: KnowledgeBase,
    case: Case,
    vcf: Path | None = None,
    family: Path | None = None,
    *,
    model: Any = None,
    knowledge: IpexKnowledge | None = None,
    created: dt.datetime | None = None,
) -> Assessment:
    """Run Suspect, Confirm (with --vcf) and Counsel (with --family) on one case and join the results."""
    knowledge = knowledge or load_ipex_knowledge()
    model = model if model is not None else pathway.build_ranking_model(kb)
    diff_obj = pathway.rank(model, case)
    phenotype_only = _as_dict(diff_obj)
    pedigree = pathway.counsel_functions()["load_family"](family) if family is not None else None
    genetics = None
    differential = phenotype_only
    if vcf is not None:
        genetics, differential = _genetics(vcf, case, pedigree, phenotype_only)
    male = case.sex.value == "MALE"
    status = decide_status(differential, None if genetics is None else genetics.variants, male)
    fam = _family(pedigree, case, status, genetics) if pedigree is not None else None
    recommendations = _recommendations(knowledge, status, fam, genetics)
    proband_name = "your child"
    people: tuple[dict[str, Any], ...] = ()
    pregnancies: list[dict[str, Any]] = []
    order: list[str] = []
    if fam is not None:
        people = fam.persons
        pregnancies = list(fam.risks.get("pregnancies", []))
        names = {p["id"]: leaflet_mod.who(p) for p in people}
        proband_name = leaflet_mod.who(next(p for p in people if p["proband"]), start=False)
        order = [names.get(str(s["id"]), str(s["id"])) for s in fam.testing_plan]
    variant = status.variant
    sections, relatives = leaflet_mod.build_leaflet(
        knowledge,
        proband=proband_name,
        result_sentence=leaflet_mod.result_sentence(
            proband_name,
            status.level,
            variant_label(variant) if variant else None,
            None if variant is None else str(variant.get("classification")),
            recorded_found=fam is not None
            and any(p["proband"] and p["test"] == "found" for p in fam.persons),
        ),
        people=people,
        pregnancies=pregnancies,
        testing_order=order,
    )
    cited = [s for r in recommendations for s in r.sources] + [s for sec in sections for s in sec.sources]
    notes = [str(n) for n in phenotype_only.get("notes", [])]
    if genetics is None:
        notes.append("No VCF given: genetic findings and genotype re-ranking are not included.")
    if fam is None:
        notes.append("No family file given: family risks and the testing plan are not included.")
    when = (created or dt.datetime.now(dt.UTC)).replace(microsecond=0)
    assessment = Assessment(
        created=when.isoformat().replace("+00:00", "Z"),
        ipexpath_version=__version__,
        hpo_release=kb.release_label,
        knowledge_release=(
            f"{knowledge.release.name} {knowledge.release.version} (reviewed {knowledge.release.reviewed})"
        ),
        case=case.to_dict(),
        subject_id=fam.proband if fam is not None else case.id,
        status=status,
        differential=differential,
        differential_phenotype_only=phenotype_only if genetics is not None else None,
        genetics=genetics,
        family=fam,
        recommendations=recommendations,
        leaflet=sections,
        relatives=relatives,
        references=tuple(rec.references(knowledge, cited)),
        notes=tuple(notes),
    )
    from ipexpath.report.phenopacket_export import to_phenopacket

    return replace(assessment, phenopacket=to_phenopacket(assessment))
