"""Recommendations for the professional report, each one taken from the cited IPEX knowledge file.

The text of every recommendation is a row of `knowledge/data/ipex.yaml` (with its source keys); the order
of family tests is Counsel's plan; with a variant of uncertain significance the family rows are the tests
that help classify it, never predictive testing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ipexpath.conclusions.model import FamilyConclusions, FamilyVariantStatus, IpexStatus, VariantFinding
from ipexpath.knowledge.ipex import IpexKnowledge
from ipexpath.numbers import NEAR_CERTAIN

# Work-up rows in the order the issue lists them (confirmatory first), then the rest of the file's rows.
WORKUP_ORDER = (
    "foxp3_sequencing",
    "foxp3_flow",
    "tsdr",
    "immunoglobulins",
    "autoantibodies",
    "treg_function",
    "blood_count",
    "intestinal_histology",
)
REFERRAL_TREATMENTS = ("hsct",)
SPECIALIST_TITLE = (
    "Refer early to a specialist immunology and transplant centre (HSCT once IPEX is confirmed)"
)
SUPPORTIVE_TREATMENTS = ("immunosuppression", "nutrition", "endocrine_replacement")


@dataclass(frozen=True)
class Recommendation:
    """One recommendation: what to do, why (the knowledge row's text) and its sources."""

    id: str
    category: str  # "work-up", "referral", "treatment", "family"
    title: str
    text: str
    sources: tuple[str, ...]
    detail: str | None = None
    status: str | None = None  # e.g. "done: hemizygous FOXP3 variant classified Pathogenic"

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "id": self.id,
            "category": self.category,
            "title": self.title,
            "text": self.text,
            "detail": self.detail,
            "status": self.status,
            "sources": list(self.sources),
        }


@dataclass(frozen=True)
class Reference:
    """A cited source with its DOI, PMID and link."""

    key: str
    citation: str
    doi: str | None
    pmid: str | None
    url: str | None
    link: str | None
    evidence: str | None

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "key": self.key,
            "citation": self.citation,
            "doi": self.doi,
            "pmid": self.pmid,
            "url": self.url,
            "link": self.link,
            "evidence": self.evidence,
        }


def _ordered(rows: Iterable[Any], order: Sequence[str]) -> list[Any]:
    """Rows sorted by the position of their id in `order` (unknown ids last, in file order)."""
    position = {key: i for i, key in enumerate(order)}
    return sorted(rows, key=lambda row: position.get(row.id, len(order)))


def workup(
    knowledge: IpexKnowledge, sequencing_done: str | None, panel_first: bool = False
) -> list[Recommendation]:
    """Confirmatory and supporting work-up for IPEX (every row of the file's `workup:`).

    `panel_first`: no genetic test yet and the picture is not IPEX in a boy first (an IPEX-like disorder
    ranks higher, or the patient is not male): the first test is a panel or exome with FOXP3 and the IPEX-like
    genes, not FOXP3 alone — "Sanger sequencing only for the classical triad, otherwise next-generation
    sequencing, which also excludes IPEX-like syndromes" (Barzaghi & Passerini 2021).
    """
    out = []
    for row in _ordered(knowledge.workup, WORKUP_ORDER):
        title, text = row.test, row.purpose
        if row.id == "foxp3_sequencing" and panel_first:
            genes = ", ".join(sorted({d.gene for d in knowledge.ipex_like if d.role == "ipex-like"}))
            title = "Gene panel or exome covering FOXP3 and the IPEX-like genes"
            text = (
                "An IPEX-like disorder ranks as high as IPEX or higher, or the patient is not a boy: "
                f"sequence FOXP3 together with the IPEX-like genes ({genes}) by a next-generation "
                f"sequencing panel or exome rather than FOXP3 alone. {row.purpose}"
            )
        out.append(
            Recommendation(
                id=f"workup.{row.id}",
                category="work-up",
                title=title,
                text=text,
                detail=row.limitations,
                sources=row.sources,
                status=sequencing_done if row.id == "foxp3_sequencing" else None,
            )
        )
    return out


def referral(knowledge: IpexKnowledge) -> list[Recommendation]:
    """Early referral for HSCT evaluation (the file's curative treatment rows)."""
    return [
        Recommendation(
            id=f"referral.{row.id}",
            category="referral",
            title=f"Refer early for evaluation for {row.name}",
            text=row.summary,
            detail=row.outcome,
            sources=row.sources,
        )
        for row in knowledge.treatment
        if row.id in REFERRAL_TREATMENTS
    ]


def specialist_referral(knowledge: IpexKnowledge, status: IpexStatus) -> list[Recommendation]:
    """IPEX likely but not established: early referral to a specialist centre, HSCT decided on the molecular
    diagnosis; `status.pending` (a VUS to resolve, an IPEX-like disorder ranked above IPEX) is the detail."""
    vus = any("uncertain significance" in x for x in status.pending)
    like = any("IPEX-like" in x for x in status.pending)
    atypical = status.atypical_phenotype
    return [
        Recommendation(
            id=f"referral.{row.id}",
            category="referral",
            title=SPECIALIST_TITLE,
            text=row.summary,
            detail=" ".join(status.pending) or None,
            sources=tuple(
                dict.fromkeys(
                    (
                        *row.sources,
                        *(("richards_2015", "tsdr_2023") if vus else ()),
                        *(("gambineri_2018",) if like else ()),
                        *(("seattle_childrens", "consonni_2021") if atypical else ()),
                    )
                )
            ),
        )
        for row in knowledge.treatment
        if row.id == "specialist_referral"
    ]


def after_hsct(knowledge: IpexKnowledge) -> list[Recommendation]:
    """HSCT already done (treatment history): follow-up with the transplant centre, never a new referral."""
    rows = {row.id: row for row in knowledge.treatment}
    hsct, mixed = rows.get("hsct"), rows.get("hsct_engraftment")
    sources = tuple(dict.fromkeys(s for row in (hsct, mixed) if row is not None for s in row.sources))
    return [
        Recommendation(
            id="referral.after_hsct",
            category="referral",
            title="HSCT already done: follow-up with the transplant centre",
            text=(
                "An HSCT is recorded in the treatment history, so no new referral is made; the transplant "
                "centre follows chimerism and immune reconstitution. "
                + (mixed.summary if mixed is not None else "")
            ).strip(),
            detail=None if hsct is None else hsct.outcome,
            sources=sources,
        )
    ]


def treatment(knowledge: IpexKnowledge) -> list[Recommendation]:
    """Disease-controlling and supportive treatment options for the treating team."""
    return [
        Recommendation(
            id=f"treatment.{row.id}",
            category="treatment",
            title=row.name,
            text=row.summary,
            detail=row.outcome,
            sources=row.sources,
        )
        for row in _ordered(knowledge.treatment, SUPPORTIVE_TREATMENTS)
        if row.id in SUPPORTIVE_TREATMENTS
    ]


def ipex_like_workup(knowledge: IpexKnowledge, status: IpexStatus) -> list[Recommendation]:
    """After a carrier finding: the IPEX-like disorders (both sexes) become the work-up, one row."""
    rows = [d for d in knowledge.ipex_like if d.role == "ipex-like"]
    genes = ", ".join(sorted({d.gene for d in rows}))
    sources = tuple(dict.fromkeys(s for d in rows for s in d.sources))
    return [
        Recommendation(
            id="workup.ipex_like",
            category="work-up",
            title="Work up the IPEX-like disorders",
            text=(
                (
                    "The FOXP3 finding is a carrier finding and does not explain the phenotype; "
                    if status.carrier_finding
                    else "IPEX is X-linked and heterozygous females are not reported to have its findings "
                    "(GeneReviews NBK1118); "
                )
                + "the IPEX-like disorders affect both sexes. "
                f"Test the IPEX-like genes ({genes}) if they were not covered."
            ),
            detail=status.reason,
            sources=sources,
        )
    ]


def ipex_like_diagnosis(
    knowledge: IpexKnowledge, finding: VariantFinding, ipex_confirmed: bool = False
) -> list[Recommendation]:
    """A (likely) pathogenic variant that explains an IPEX-like disorder: name it, with the disorder's
    distinguishing features and sources from the knowledge file (beside IPEX when both are confirmed)."""
    rows = [d for d in knowledge.ipex_like if d.gene == finding.gene]
    disease = str(finding.detail.get("disease") or (rows[0].disease if rows else finding.gene))
    features = "; ".join(dict.fromkeys(x for d in rows for x in d.distinguishing))
    return [
        Recommendation(
            id="workup.ipex_like_finding",
            category="work-up",
            title=f"IPEX-like disorder: {finding.gene} finding",
            text=(
                f"{finding.label} ({finding.zygosity.value}) is classified {finding.class_label} and "
                f"explains {disease}. Confirm it (a second method; the parents for phase or inheritance), "
                "check the phenotype against the disorder's distinguishing features, and plan treatment and "
                "family counselling for this disorder "
                + (
                    "as well as for IPEX (two molecular findings)."
                    if ipex_confirmed
                    else "rather than for IPEX."
                )
            ),
            detail=f"Distinguishing features: {features}." if features else None,
            sources=tuple(dict.fromkeys(s for d in rows for s in d.sources)),
        )
    ]


def checks(items: Sequence[str]) -> list[Recommendation]:
    """Conflicts to resolve before acting (a genotype that does not fit the sex, a deceased patient)."""
    return [
        Recommendation(id=f"check.{i}", category="work-up", title="Check first", text=text, sources=())
        for i, text in enumerate(items, start=1)
    ]


def family(knowledge: IpexKnowledge, fam: FamilyConclusions) -> list[Recommendation]:
    """Genetic counselling and testing of relatives: predictive/carrier testing only for a P/LP variant."""
    rows = {row.id: row for row in knowledge.family}

    def statement(key: str, title: str, detail: str | None = None) -> Recommendation | None:
        row = rows.get(key)
        if row is None:
            return None
        quote = f"“{row.quote}”" if row.quote else None
        return Recommendation(
            id=f"family.{row.id}",
            category="family",
            title=title,
            text=row.text,
            detail=" ".join(x for x in (quote, detail) if x) or None,
            sources=row.sources,
        )

    out: list[Recommendation | None] = []
    if not fam.targeted_testing and fam.variant_status is not FamilyVariantStatus.UNCERTAIN:
        # no familial variant known: nobody can have a targeted test yet; counselling uses the family history
        out.append(
            statement(
                "prenatal_pgt",
                "Testing of relatives needs the family's variant",
                "No FOXP3 variant is known in this family yet, so relatives cannot have a targeted test. "
                "Test an affected family member first (the proband; stored DNA of an affected relative who "
                "has died). The relatives' figures are chances from the family history alone.",
            )
        )
    elif fam.variant_status is FamilyVariantStatus.UNCERTAIN:
        steps = " ".join(f"{i}. {s}" for i, s in enumerate(fam.classification_plan, start=1))
        out.append(statement("vus_not_predictive", "Tests that help classify the variant", steps))
    else:
        order = "; ".join(
            f"{step['order']}. {step['id']}{' (deferred)' if step.get('deferred') else ''}"
            for step in fam.testing_plan
        )
        out.append(
            statement(
                "cascade_testing_professional",
                "Genetic counselling and targeted testing of relatives",
                f"Suggested order: {order}." if order else None,
            )
        )
        if any(step.get("deferred") for step in fam.testing_plan):
            out.append(statement("testing_children", "Testing of children"))
        out += [
            statement("female_relatives", "Counselling note"),
            statement("carrier_female_health", "Counselling note"),
            statement("maternal_origin", "Counselling note"),
        ]
        if fam.variant_status is FamilyVariantStatus.PATHOGENIC:
            if _de_novo_possible(fam):
                out.append(statement("germline_mosaicism", "Recurrence after a de novo variant"))
            out.append(statement("prenatal_pgt", "Options for a future pregnancy"))
    return [r for r in out if r is not None]


def _de_novo_possible(fam: FamilyConclusions) -> bool:
    """The proband's variant may have arisen de novo in his mother's germline: she tested negative (germline
    mosaicism then sets the recurrence), or she is not an obligate carrier. Not said to a family where the
    mother is an (almost) certain carrier — an affected brother and an affected son."""
    by_id = {p["id"]: p for p in fam.individuals}
    mother = by_id.get(str(by_id.get(fam.proband, {}).get("mother")))
    rows = fam.individuals
    if any(p.get("test") == "not-found" and (p.get("p_germline_mosaic") or 0.0) > 1e-3 for p in rows):
        return True
    return mother is None or mother.get("p_variant") is None or float(mother["p_variant"]) < NEAR_CERTAIN


def carrier_counselling(knowledge: IpexKnowledge, minor: bool) -> list[Recommendation]:
    """A female with a heterozygous (likely) pathogenic FOXP3 variant and no family file: her own counselling
    as a carrier (GeneReviews, MSD); a minor: her health only, the rest when she can decide (Botkin 2015)."""
    rows = {row.id: row for row in knowledge.family}
    keys = (
        ("carrier_female_health", "testing_children")
        if minor
        else (
            "carrier_female_health",
            "carrier_mother_sons",
            "carrier_mother_daughters",
            "prenatal_pgt",
        )
    )
    found = [rows[key] for key in keys if key in rows]
    if not found:
        return []
    return [  # one step, the statements in order, each with its sources
        Recommendation(
            id="family.carrier_counselling",
            category="family",
            title="Genetic counselling as a carrier",
            text=" ".join(row.text for row in found),
            detail="Statements: " + ", ".join(row.id for row in found) + ".",
            sources=tuple(dict.fromkeys(s for row in found for s in row.sources)),
        )
    ]


def prenatal(knowledge: IpexKnowledge) -> list[Recommendation]:
    """A fetus with IPEX: clarify at birth and plan care before organ damage (GeneReviews at-risk males)."""
    return [
        Recommendation(
            id=f"family.{row.id}",
            category="referral",
            title="Plan care from birth",
            text=row.text,
            sources=row.sources,
        )
        for row in knowledge.family
        if row.id == "at_risk_males"
    ]


def references(knowledge: IpexKnowledge, keys: Iterable[str]) -> list[Reference]:
    """The cited sources, in order of first citation."""
    seen: dict[str, None] = {}
    for key in keys:
        seen.setdefault(key, None)
    table = knowledge.source_map()
    return [
        Reference(
            key=key,
            citation=table[key].citation,
            doi=table[key].doi,
            pmid=table[key].pmid,
            url=table[key].url,
            link=table[key].link,
            evidence=table[key].evidence,
        )
        for key in seen
        if key in table
    ]
