"""What the professional report shows, arranged for reading: page 1 (the answer), then the detail.

`report_view(assessment, options)` turns the computed `Assessment` into small typed view objects that the
template only lays out: the answer on page 1 (identifiers as entered, status, top of the differential,
variants with class, key family risks, next steps), Exomiser-style variant cards with the ACMG table
(applied, not applied, not evaluated — and what each missing one needs), clinical next steps grouped by
urgency, family history, limitations with measured figures, the sign-off block and complete references.
Nothing here computes a clinical result: every number comes from the assessment, every sentence of
clinical advice from the cited knowledge file.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import yaml

from ipexpath.conclusions import Assessment, FamilyVariantStatus
from ipexpath.conclusions.recommendations import Recommendation, Reference, references
from ipexpath.knowledge.ipex import IpexKnowledge, load_ipex_knowledge
from ipexpath.numbers import percent
from ipexpath.report.links import clean
from ipexpath.report.people import Relative, age_as_entered, ages_disagree, relationships

__all__ = [
    "CriterionRow",
    "DifferentialRow",
    "DocumentOptions",
    "FamilyMemberRow",
    "ReportView",
    "StepGroup",
    "VariantCard",
    "report_view",
]

DAYS_PER_YEAR = 365.25
TOP_ON_PAGE_ONE = 5
REPORTABLE = ("pathogenic", "likely pathogenic", "uncertain significance")
PATHOGENIC = ("pathogenic", "likely pathogenic")
# Tavtigian et al. 2020 (Hum Mutat 41:1734) point scale: class thresholds and default points per strength.
CLASS_THRESHOLDS = (("Pathogenic", 10), ("Likely pathogenic", 6))
DEFAULT_POINTS = {"PVS": 8, "PS": 4, "PM": 2, "PP": 1}
# What a criterion that could not be evaluated from the VCF needs (ACMG/AMP 2015 criterion definitions).
NEEDS = {
    "PS2": "parental testing (confirmed de novo)",
    "PM6": "parental testing (assumed de novo)",
    "PS3": "literature review of functional studies",
    "PS4": "literature review of unrelated affected cases",
    "PP1": "segregation in affected relatives",
    "PM3": "phase of a second variant (recessive genes)",
}
# Sources the report relies on for its methods; listed in every report (keys of ipex.yaml `sources:`).
METHOD_SOURCES = (
    "richards_2015",
    "tavtigian_2020",
    "abou_tayoun_2018",
    "clingen_svi",
    "pejaver_2022",
    "whiffin_2017",
    "hpo_2024",
    "omim",
    "orphanet",
)


def variant_label(variant: Mapping[str, Any] | None) -> str:
    """'FOXP3 c.1150G>A (p.Ala384Thr)' from a variant row (its `label`, else gene and HGVS)."""
    if not variant:
        return ""
    if variant.get("label"):
        return str(variant["label"])
    parts = [str(variant.get("gene") or ""), str(variant.get("hgvs_c") or "")]
    if variant.get("hgvs_p"):
        parts.append(f"({variant['hgvs_p']})")
    return " ".join(p for p in parts if p)


@dataclass(frozen=True)
class DocumentOptions:
    """Who asked for the report and who released the leaflet (shown on page 1 and the sign-off)."""

    requested_by: str | None = None
    released_by: str | None = None


@dataclass(frozen=True)
class DifferentialRow:
    """One disease of the differential, with the IPEX-like disorder's distinguishing features."""

    rank: int
    disease_id: str
    name: str
    posterior: float
    genes: tuple[str, ...]
    kind: str | None  # "IPEX", "IPEX-like" or None
    distinguishing: tuple[str, ...] = ()
    explanation: tuple[Mapping[str, Any], ...] = ()
    factors: tuple[Mapping[str, Any], ...] = ()
    genotype: str | None = None
    log10_lr: float | None = None
    xrefs: tuple[str, ...] = ()
    before_genotype: float | None = None


@dataclass(frozen=True)
class CriterionRow:
    """One ACMG/AMP criterion on a variant card: applied, not applied, or not evaluated (and its needs)."""

    code: str
    label: str
    status: str  # "applied", "not applied", "not evaluated"
    strength: str | None
    points: int
    evidence: str
    source: str


@dataclass(frozen=True)
class VariantCard:
    """Everything a laboratory geneticist needs to sign out one variant (Exomiser-style card)."""

    gene: str
    label: str
    transcript: str | None
    hgvs_c: str | None
    hgvs_p: str | None
    genomic: str | None
    zygosity: str
    consequence: str
    depth: str
    genotype_quality: str
    population: str
    hemizygotes: str
    revel: str
    spliceai: str
    cadd: str
    clinvar: str
    classification: str
    points: int
    disease: str | None
    disease_id: str | None
    criteria: tuple[CriterionRow, ...]
    reclassification: str
    notes: tuple[str, ...] = ()
    meaning: str = ""  # what the finding means for this patient (conclusions: VariantFinding.meaning)


@dataclass(frozen=True)
class StepGroup:
    """Next steps of one urgency tier, in order."""

    id: str
    title: str
    steps: tuple[Recommendation, ...]


@dataclass(frozen=True)
class FamilyMemberRow:
    """One family member for the report's family table."""

    id: str
    relationship: str
    sex: str
    age: str
    status: str
    test: str
    p_variant: float | None


@dataclass(frozen=True)
class ReportView:
    """The whole professional report, ready to lay out."""

    title: str
    case_id: str
    subject_id: str
    sex: str
    age: str
    onset: str
    requested_by: str | None
    date: str
    status_level: str
    status_sentence: str
    top: tuple[DifferentialRow, ...]
    differential: tuple[DifferentialRow, ...]
    ipex_like_lower: tuple[DifferentialRow, ...]
    explained: tuple[DifferentialRow, ...]
    cards: tuple[VariantCard, ...]
    other_variants: tuple[str, ...]
    key_risks: tuple[str, ...]
    step_groups: tuple[StepGroup, ...]
    family: tuple[FamilyMemberRow, ...]
    family_history: str | None
    age_flags: tuple[str, ...]
    risk_label: str
    pregnancies: tuple[tuple[str, float, float], ...]
    pregnancy_headers: tuple[str, str]
    classification_plan: tuple[str, ...]
    coverage: str | None
    not_tested: tuple[str, ...]
    testing_order: tuple[tuple[int, str, float, str], ...]
    versions: tuple[tuple[str, str], ...]
    limitations: Mapping[str, Any]
    references: tuple[Reference, ...]
    numbers: Mapping[str, int] = field(default_factory=dict)

    def cite(self, keys: Sequence[str]) -> str:
        """'3, 5' — the reference numbers of these source keys."""
        return ", ".join(str(self.numbers[k]) for k in keys if k in self.numbers)


# ------------------------------------------------------------------------------------------ helpers
def _norm(text: Any) -> str:
    return str(text or "").replace("_", " ").strip().lower()


def _fmt(value: Any, digits: int = 3) -> str:
    return "—" if value is None else f"{float(value):.{digits}g}"


@functools.cache
def performance() -> Mapping[str, Any]:
    """The measured ranking accuracy quoted in the limitations (the README figures, with their commands)."""
    from ipexpath.suspect.model import ModelParameters

    text = (resources.files("ipexpath.report") / "data" / "performance.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    params = ModelParameters()
    scope = dict(data["scope"])
    scope["excluded_findings"] = str(scope["excluded_findings"]).format(
        min_frequency=percent(params.excluded_min_frequency),
        max_fold=f"{1 / params.excluded_floor:.2g}",
    )
    data["scope"] = scope
    return data


def _kind(row: Mapping[str, Any]) -> str | None:
    flag = row.get("ipex") or row.get("ipex_flag")
    return str(flag) if flag else None


def _diff_row(row: Mapping[str, Any], knowledge: IpexKnowledge) -> DifferentialRow:
    kind = _kind(row)
    distinguishing: tuple[str, ...] = ()
    if kind and kind != "IPEX":
        for disorder in knowledge.ipex_like:
            if row.get("disease_id") in disorder.disease_ids:
                distinguishing = tuple(clean(d).replace("IUIS: ", "") for d in disorder.distinguishing)
                break
    genotype = row.get("genotype_explanation")
    return DifferentialRow(
        rank=int(row.get("rank", 0)),
        disease_id=str(row.get("disease_id")),
        name=str(row.get("name")),
        posterior=float(row.get("posterior") or 0.0),
        genes=tuple(str(g) for g in row.get("genes") or ()),
        kind=kind,
        distinguishing=distinguishing,
        explanation=tuple(row.get("explanation") or ()),
        factors=tuple(row.get("factors") or ()),
        genotype=None if genotype is None else clean(str(genotype)),
        log10_lr=None if row.get("log10_lr") is None else float(row["log10_lr"]),
        xrefs=tuple(str(x) for x in row.get("cross_references") or ()),
        before_genotype=None
        if row.get("posterior_before_genotype") is None
        else float(row["posterior_before_genotype"]),
    )


def _criterion(c: Mapping[str, Any]) -> CriterionRow:
    applied = bool(c.get("applied"))
    evaluated = c.get("evaluated", True)
    status = "applied" if applied else ("not applied" if evaluated else "not evaluated")
    code = str(c.get("code") or "")
    evidence = clean(str(c.get("evidence") or ""))
    if status == "not evaluated" and code in NEEDS and NEEDS[code] not in evidence.lower():
        evidence = f"Needs {NEEDS[code]}. {evidence}".strip()
    return CriterionRow(
        code=code,
        label=str(c.get("label") or code),
        status=status,
        strength=None if not c.get("strength") else str(c["strength"]).replace("_", " "),
        points=int(c.get("points") or 0),
        evidence=evidence,
        source=clean(str(c.get("source") or "")),
    )


def reclassification_path(variant: Mapping[str, Any], criteria: Sequence[CriterionRow]) -> str:
    """One line: how far the variant is from the next class, and which unevaluated evidence could close it."""
    given = variant.get("path_to_reclassification") or variant.get("reclassification")
    if given:
        return clean(str(given))
    points = int(variant.get("points") or 0)
    klass = str(variant.get("classification") or "")
    target = next(((name, need) for name, need in reversed(CLASS_THRESHOLDS) if points < need), None)
    if target is None:
        return f"{klass} at {points} points; no further evidence is needed for the class."
    name, need = target
    missing = [
        f"{c.code} (+{DEFAULT_POINTS.get(c.code[:3] if c.code.startswith('PVS') else c.code[:2], 1)}: "
        f"{NEEDS.get(c.code, 'curated evidence')})"
        for c in criteria
        if c.status == "not evaluated" and c.code in NEEDS and c.code != "PM3"
    ]
    reach = f"{name} needs ≥ {need} points ({need - points} more)"
    if not missing:
        return f"{klass} at {points} points; {reach}."
    return f"{klass} at {points} points; {reach}. Not yet evaluated: {'; '.join(missing)}."


def _card(v: Mapping[str, Any]) -> VariantCard:
    pop = v.get("population") or {}
    criteria = tuple(_criterion(c) for c in v.get("criteria") or ())
    loc = v.get("location") or {}
    where = f"{loc.get('chrom')}:{loc.get('pos')} {loc.get('ref')}>{loc.get('alt')}"
    genomic = f"{loc.get('build') or ''} {where}".strip() if loc.get("chrom") else None
    source = pop.get("af_source") or "population database"
    if pop.get("af") is not None:
        population = f"{float(pop['af']):.3g} ({source})"
    elif pop.get("af_checked"):
        population = f"absent ({source})"
    else:
        population = "not annotated in the VCF"
    clinvar = v.get("clinvar")
    if isinstance(clinvar, Mapping):
        stars = clinvar.get("stars")
        clinvar_text = (
            f"{clinvar.get('significance', '')}"
            + (f", {stars} star{'s' if stars != 1 else ''}" if stars is not None else "")
            + (f" ({clinvar.get('id')})" if clinvar.get("id") else "")
        )
    else:
        reported = next((c.evidence for c in criteria if c.code == "PS1" and "ClinVar" in c.evidence), None)
        clinvar_text = (
            reported.split("This exact variant is reported:", 1)[-1].strip()
            if reported
            else "no ClinVar file given"
        )
    depth = v.get("depth")
    gq = v.get("genotype_quality")
    return VariantCard(
        gene=str(v.get("gene") or ""),
        label=variant_label(dict(v)),
        transcript=v.get("transcript"),
        hgvs_c=v.get("hgvs_c"),
        hgvs_p=v.get("hgvs_p"),
        genomic=genomic,
        zygosity=str(v.get("zygosity") or "unknown"),
        consequence=str(v.get("consequence") or "").replace("_", " "),
        depth="not in the VCF" if depth is None else str(depth),
        genotype_quality="not in the VCF" if gq is None else str(gq),
        population=population,
        hemizygotes="—" if pop.get("hemizygotes") is None else str(pop["hemizygotes"]),
        revel=_fmt(pop.get("revel")),
        spliceai=_fmt(pop.get("spliceai")),
        cadd=_fmt(pop.get("cadd_phred")),
        clinvar=clinvar_text,
        classification=str(v.get("classification") or ""),
        points=int(v.get("points") or 0),
        disease=v.get("disease"),
        disease_id=v.get("disease_id"),
        criteria=criteria,
        reclassification=reclassification_path(v, criteria),
        notes=tuple(clean(str(n)) for n in v.get("notes") or ()),
        meaning=str(v.get("meaning") or ""),
    )


def _step_groups(recs: Sequence[Recommendation], knowledge: IpexKnowledge) -> tuple[StepGroup, ...]:
    """Next steps by urgency: supportive care first, disease control, the IPEX vs IPEX-like work-up, then
    HLA typing and HSCT referral, then the family."""
    by_cat: dict[str, list[Recommendation]] = {}
    for r in recs:
        by_cat.setdefault(r.category, []).append(r)
    treat = by_cat.get("treatment", [])
    kinds = {f"treatment.{t.id}": t.kind for t in knowledge.treatment}
    supportive = [r for r in treat if kinds.get(r.id) == "supportive"]
    if treat:
        present = {r.id for r in treat}
        for t in knowledge.treatment:
            if t.kind == "supportive" and f"treatment.{t.id}" not in present:
                supportive.append(
                    Recommendation(f"treatment.{t.id}", "treatment", t.name, t.summary, t.sources, t.outcome)
                )
    control = [r for r in treat if kinds.get(r.id) != "supportive"]
    groups = [
        StepGroup("supportive", "1. Now: supportive care", tuple(supportive)),
        StepGroup("control", "2. Disease control (treating team)", tuple(control)),
        StepGroup("workup", "3. Work-up: IPEX or an IPEX-like disorder?", tuple(by_cat.get("work-up", []))),
        StepGroup(
            "transplant",
            "4. After HSCT: follow-up"
            if any(r.id == "referral.after_hsct" for r in by_cat.get("referral", []))
            else "4. Specialist referral (HSCT decided once IPEX is confirmed)"
            if any(r.id == "referral.specialist_referral" for r in by_cat.get("referral", []))
            else "4. HLA typing and HSCT referral",
            tuple(by_cat.get("referral", [])),
        ),
        StepGroup("family", "5. Family: counselling and testing", tuple(by_cat.get("family", []))),
    ]
    return tuple(g for g in groups if g.steps)


def _pregnancy_rows(
    pregnancies: Sequence[Mapping[str, Any]], rel: Mapping[str, Relative], minors: set[str]
) -> tuple[tuple[str, float, float], ...]:
    rows = []
    for q in pregnancies:
        mother = str(q.get("mother"))
        if mother in minors:
            continue  # no future-pregnancy figures for children
        who = rel.get(mother)
        name = f"{_rel_text(who)} ({mother})" if who else mother
        rows.append((name, float(q.get("p_affected_son") or 0.0), float(q.get("p_carrier_daughter") or 0.0)))
    return tuple(rows)


def _sex_text(a: Assessment) -> str:
    """The sex as entered, or the one taken from the VCF's haploid chrX calls, said to be inferred."""
    entered = str(a.case.get("sex") or "").replace("_", " ").lower()
    if a.sex.is_known and a.sex.word not in entered.split():
        return f"{a.sex.word} (not stated; taken from haploid chrX calls in the VCF)"
    return entered


def _rel_text(who: Relative | None) -> str:
    if who is None:
        return "relative"
    return f"{who.relationship} ({who.side})" if who.side else who.relationship


ADULT_YEARS = 18.0


def report_view(
    assessment: Assessment,
    options: DocumentOptions | None = None,
    knowledge: IpexKnowledge | None = None,
) -> ReportView:
    """Arrange the assessment for the professional report."""
    options = options or DocumentOptions()
    knowledge = knowledge or load_ipex_knowledge()
    a = assessment
    case = a.case
    diff = a.differential
    rows = [_diff_row(r, knowledge) for r in diff.get("results") or ()]
    shown = {r.disease_id for r in rows}
    lower = [
        _diff_row(r, knowledge)
        for r in diff.get("ipex_and_ipex_like") or ()
        if r.get("disease_id") not in shown
    ]
    explained = [_diff_row(r, knowledge) for r in diff.get("ipex_and_ipex_like") or ()]
    variants = list(a.genetics.variants) if a.genetics is not None else []
    reportable = [v for v in variants if _norm(v.get("classification")) in REPORTABLE]
    others = [f"{variant_label(v)}: {v.get('classification')}" for v in variants if v not in reportable]
    status_variant = a.status.variant
    pathogenic_familial = status_variant is not None and status_variant.is_pathogenic
    family_rows: list[FamilyMemberRow] = []
    key_risks: list[str] = []
    age_flags: list[str] = []
    pregnancies: tuple[tuple[str, float, float], ...] = ()
    order: list[tuple[int, str, float, str]] = []
    if a.family is not None:
        persons = a.family.individuals
        rel = relationships(persons, a.family.proband)
        minors = {str(p["id"]) for p in persons if p.get("age") is not None and float(p["age"]) < ADULT_YEARS}
        for p in persons:
            age_days = None if p.get("age") is None else float(p["age"]) * DAYS_PER_YEAR
            status = str(p.get("affected") or "")
            if p.get("deceased"):
                status += ", deceased"
            family_rows.append(
                FamilyMemberRow(
                    id=str(p["id"]),
                    relationship=_rel_text(rel.get(str(p["id"]))),
                    sex=str(p.get("sex") or ""),
                    age=age_as_entered(age_days),
                    status=status,
                    test=str(p.get("test") or "—"),
                    p_variant=None if p.get("p_variant") is None else float(p["p_variant"]),
                )
            )
            if p.get("proband") and ages_disagree(case.get("age_days"), age_days):
                age_flags.append(
                    f"Age of the patient differs: {age_as_entered(case.get('age_days'))} in the case, "
                    f"{age_as_entered(age_days)} in the family file. Check which is current."
                )
        ranked = sorted(
            (p for p in persons if not p.get("proband") and p.get("p_variant") is not None),
            key=lambda p: -float(p["p_variant"]),
        )
        noun = "carrier of the familial variant" if pathogenic_familial else "carrying this variant"
        for p in ranked[:3]:
            if float(p["p_variant"]) <= 0:
                continue
            key_risks.append(
                f"{_rel_text(rel.get(str(p['id'])))} ({p['id']}): {percent(float(p['p_variant']))} {noun}"
            )
        pregnancies = _pregnancy_rows(a.family.risks.get("pregnancies") or (), rel, minors)
        for step in a.family.testing_plan:
            pid = str(step.get("id"))
            order.append(
                (
                    int(step.get("order") or 0),
                    f"{_rel_text(rel.get(pid))} ({pid})",
                    float(step.get("p_variant") or 0.0),
                    clean(str(step.get("reason") or "")),
                )
            )
    label = a.family.probability_label if a.family is not None else "chance of carrying the familial variant"
    risk_label = label[:1].upper() + label[1:]
    classification_plan: tuple[str, ...] = ()
    if a.family is not None and a.family.variant_status is FamilyVariantStatus.UNCERTAIN:
        classification_plan = tuple(clean(step) for step in a.family.classification_plan)
    pregnancy_headers = (
        ("P(affected son)", "P(carrier daughter)")
        if pathogenic_familial or status_variant is None
        else ("P(son inherits the variant)", "P(daughter inherits the variant)")
    )
    coverage = None if a.genetics is None else clean(a.genetics.test.describe())
    not_tested = () if a.genetics is None else tuple(a.genetics.not_tested)
    cited = [s for r in a.recommendations for s in r.sources]
    refs = list(a.references)
    known = {r.key for r in refs}
    table = knowledge.source_map()
    for key in cited:
        if key not in known and key in table:
            refs.extend(references(knowledge, [key]))
            known.add(key)
    for r in references(knowledge, [k for k in METHOD_SOURCES if k in table]):
        if r.key not in known:
            refs.append(r)
            known.add(r.key)
    numbers = {r.key: i for i, r in enumerate(refs, start=1)}
    versions = [
        ("ipexpath", a.ipexpath_version),
        ("HPO release", a.hpo_release),
        ("IPEX knowledge", a.knowledge_release),
        ("ranking model", str(diff.get("model_version") or "—")),
    ]
    if a.genetics is not None:
        annotation = next((v.get("annotation_source") for v in variants if v.get("annotation_source")), None)
        versions.append(("VCF", f"{a.genetics.vcf} ({a.genetics.build or 'build not stated'})"))
        if annotation:
            versions.append(("variant annotation", str(annotation)))
        panel = _panel_version()
        if panel:
            versions.append(("gene panel", panel))
    history = case.get("family_history")
    return ReportView(
        title="IPEX assessment — professional report",
        case_id=str(case.get("id")),
        subject_id=a.subject_id,
        sex=_sex_text(a),
        age=age_as_entered(case.get("age_days")),
        onset=age_as_entered(case.get("onset_days")),
        requested_by=options.requested_by,
        date=a.created[:10],
        status_level=a.status.level,
        status_sentence=clean(a.status.reason),
        top=tuple(rows[:TOP_ON_PAGE_ONE]),
        differential=tuple(rows),
        ipex_like_lower=tuple(lower),
        explained=tuple(explained),
        cards=tuple(_card(v) for v in reportable),
        other_variants=tuple(others),
        key_risks=tuple(key_risks),
        step_groups=_step_groups(a.recommendations, knowledge),
        family=tuple(family_rows),
        family_history=None if not history else str(history),
        age_flags=tuple(age_flags),
        risk_label=risk_label,
        pregnancies=pregnancies,
        pregnancy_headers=pregnancy_headers,
        classification_plan=classification_plan,
        coverage=coverage,
        not_tested=not_tested,
        testing_order=tuple(order),
        versions=tuple(versions),
        limitations=performance(),
        references=tuple(refs),
        numbers=numbers,
    )


@functools.cache
def _panel_version() -> str | None:
    """The bundled gene panel's version (None when the Confirm step is not installed)."""
    try:
        from ipexpath.confirm.panel import load_panel

        panel = load_panel()
    except Exception:  # pragma: no cover - panel missing or unreadable: the sign-off omits the line
        return None
    genes = ", ".join(g.symbol for g in panel.genes)
    return f"version {panel.version}: {genes}"
