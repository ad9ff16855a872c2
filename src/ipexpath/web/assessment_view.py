"""The stored assessment arranged for its page: the conclusion, the top of the differential, similar published
patients, the variant cards and the family's counselling, read from the stored `assessment.json` — the same
record the report was rendered from, so the page cannot state a different conclusion from the report.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

from ipexpath.numbers import percent

TOP_DIAGNOSES = 5
TOP_SIMILAR = 8


@dataclass(frozen=True)
class Conclusion:
    """The IPEX status as the pathway concluded it (level and its reason)."""

    level: str
    reason: str


@dataclass(frozen=True)
class Diagnosis:
    """One row of the differential: rank, disease, genes, posterior, IPEX / IPEX-like tag."""

    rank: int
    name: str
    disease_id: str
    genes: str
    posterior: str
    tag: str


@dataclass(frozen=True)
class SimilarPatient:
    """A published patient whose findings resemble the case (the ranking's case knowledge)."""

    case_id: str
    disease: str
    gene: str
    similarity: float | None
    shared: str
    pmid: str
    link: str


@dataclass(frozen=True)
class VariantCard:
    """A variant with its ACMG/AMP class, points, criteria met and what needs a human look."""

    label: str
    zygosity: str
    consequence: str
    classification: str
    points: int | None
    applied: str
    not_evaluated: str
    review: tuple[str, ...]
    clinvar: str


@dataclass(frozen=True)
class Relative:
    """A relative with the chance computed by the counselling step (None when not calculated)."""

    id: str
    name: str
    sex: str
    status: str
    test: str
    chance: str


@dataclass(frozen=True)
class Counselling:
    """The family's counselling: pedigree, relatives' chances, pregnancy risks, testing and classification
    plans and the notes (e.g. why chances are not calculated for a variant of uncertain significance)."""

    family_id: str
    probability_label: str
    relatives: tuple[Relative, ...]
    pregnancies: tuple[tuple[str, str, str], ...]
    plan: tuple[str, ...]
    notes: tuple[str, ...]
    pedigree_uri: str


@dataclass(frozen=True)
class AssessmentView:
    """Everything the assessment page shows besides the documents."""

    conclusion: Conclusion | None
    diagnoses: tuple[Diagnosis, ...]
    similar: tuple[SimilarPatient, ...]
    variants: tuple[VariantCard, ...]
    counselling: Counselling | None
    recommendations: tuple[tuple[str, str], ...]
    notes: tuple[str, ...]


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _conclusion(payload: dict[str, Any]) -> Conclusion | None:
    status = payload.get("status")
    if not isinstance(status, dict) or not status.get("level"):
        return None
    return Conclusion(level=_text(status.get("level")), reason=_text(status.get("reason")))


def _diagnoses(differential: dict[str, Any]) -> tuple[Diagnosis, ...]:
    rows: list[Diagnosis] = []
    for r in _dicts(differential.get("results"))[:TOP_DIAGNOSES]:
        genes = r.get("genes")
        rows.append(
            Diagnosis(
                rank=int(r.get("rank") or len(rows) + 1),
                name=_text(r.get("name")),
                disease_id=_text(r.get("disease_id")),
                genes=", ".join(str(g) for g in genes) if isinstance(genes, list) else "",
                posterior=percent(_number(r.get("posterior"))),
                tag=_text(r.get("ipex")),
            )
        )
    return tuple(rows)


def _similar(payload: dict[str, Any], differential: dict[str, Any]) -> tuple[SimilarPatient, ...]:
    rows = _dicts(differential.get("similar_patients") or payload.get("similar_patients"))
    out = []
    for r in rows[:TOP_SIMILAR]:
        shared = r.get("shared_findings")
        link = _text(r.get("link"))
        out.append(
            SimilarPatient(
                case_id=_text(r.get("case_id")),
                disease=_text(r.get("disease_name")) or _text(r.get("disease_id")),
                gene=_text(r.get("gene")),
                similarity=_number(r.get("similarity")),
                shared=", ".join(str(s) for s in shared) if isinstance(shared, list) else "",
                pmid=_text(r.get("pmid")),
                # only PubMed links are shown as links: the record is data, not trusted markup
                link=link if link.startswith("https://pubmed.ncbi.nlm.nih.gov/") else "",
            )
        )
    return tuple(out)


def _variants(payload: dict[str, Any]) -> tuple[VariantCard, ...]:
    genetics = payload.get("genetics")
    if not isinstance(genetics, dict):
        return ()
    cards = []
    for v in _dicts(genetics.get("variants")):
        card = v.get("card") if isinstance(v.get("card"), dict) else {}
        assert isinstance(card, dict)
        clinvar = _dicts(card.get("clinvar") or v.get("clinvar"))
        points = v.get("points", card.get("points"))
        cards.append(
            VariantCard(
                label=_text(v.get("label")) or f"{_text(v.get('gene'))} {_text(v.get('hgvs_c'))}",
                zygosity=_text(v.get("zygosity")),
                consequence=_text(v.get("consequence")).replace("_", " "),
                classification=_text(v.get("classification") or card.get("classification")),
                points=int(points) if isinstance(points, int | float) else None,
                applied=", ".join(str(c) for c in card.get("applied") or v.get("criteria_applied") or []),
                not_evaluated=", ".join(str(c) for c in card.get("not_evaluated") or []),
                review=tuple(str(n) for n in v.get("notes") or () if str(n).startswith("REVIEW")),
                clinvar="; ".join(
                    f"{_text(c.get('accession'))}: {_text(c.get('classification'))} "
                    f"({_text(c.get('review_status'))})"
                    for c in clinvar
                ),
            )
        )
    return tuple(cards)


def _counselling(payload: dict[str, Any]) -> Counselling | None:
    family = payload.get("family")
    if not isinstance(family, dict):
        return None
    relatives = []
    # 'individuals' since the family schema was unified; stored assessments written before it say 'persons'
    for p in _dicts(family.get("individuals") or family.get("persons")):
        status = _text(p.get("affected"))
        if p.get("deceased"):
            status += ", deceased"
        if p.get("proband"):
            status += " (proband)"
        relatives.append(
            Relative(
                id=_text(p.get("id")),
                name=_text(p.get("name")),
                sex=_text(p.get("sex")),
                status=status,
                test=_text(p.get("test")) or "—",
                chance=percent(_number(p.get("p_variant")))
                if _number(p.get("p_variant")) is not None
                else "—",
            )
        )
    risks = family.get("risks") if isinstance(family.get("risks"), dict) else {}
    assert isinstance(risks, dict)
    pregnancies = tuple(
        (
            _text(q.get("mother")),
            percent(float(q.get("p_affected_son") or 0.0)),
            percent(float(q.get("p_carrier_daughter") or 0.0)),
        )
        for q in _dicts(risks.get("pregnancies"))
    )
    plan = [_text(step.get("reason")) or _text(step.get("id")) for step in _dicts(family.get("testing_plan"))]
    plan += [str(step) for step in family.get("classification_plan") or () if isinstance(step, str)]
    svg = family.get("pedigree_svg")
    uri = (
        "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
        if isinstance(svg, str) and svg.lstrip().startswith(("<?xml", "<svg"))
        else ""
    )
    return Counselling(
        family_id=_text(family.get("family_id")),
        probability_label=_text(family.get("probability_label")),
        relatives=tuple(relatives),
        pregnancies=pregnancies,
        plan=tuple(plan),
        notes=tuple(str(n) for n in family.get("notes") or () if isinstance(n, str)),
        pedigree_uri=uri,
    )


def assessment_view(payload: dict[str, Any]) -> AssessmentView:
    """The page's view of a stored assessment.json (fields missing from older versions are left out)."""
    differential = payload.get("differential") if isinstance(payload.get("differential"), dict) else {}
    assert isinstance(differential, dict)
    recommendations = tuple(
        (_text(r.get("category")), _text(r.get("title"))) for r in _dicts(payload.get("recommendations"))
    )
    return AssessmentView(
        conclusion=_conclusion(payload),
        diagnoses=_diagnoses(differential),
        similar=_similar(payload, differential),
        variants=_variants(payload),
        counselling=_counselling(payload),
        recommendations=recommendations,
        notes=tuple(web_wording(str(n)) for n in payload.get("notes") or () if isinstance(n, str)),
    )


def web_wording(note: str) -> str:
    """A pathway note worded for the command line, reworded for the page (the form field, not the flag)."""
    return note.replace("(no --covered)", "(‘What the test covered’ was left empty)").replace(
        "give --covered GENES|BED to count negative results",
        "fill in ‘What the test covered’ with the genes the test covered to count negative results",
    )
