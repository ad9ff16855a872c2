"""Recommendations for the professional report, each one taken from the cited IPEX knowledge file.

No clinical sentence is written here: the text of every recommendation is a row of
`knowledge/data/ipex.yaml` (with its source keys), and the order of family tests is Counsel's plan.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ipexpath.knowledge.ipex import IpexKnowledge

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
SUPPORTIVE_TREATMENTS = ("immunosuppression", "nutrition", "endocrine_replacement")
FAMILY_STATEMENTS = (
    "cascade_testing_professional",
    "female_relatives",
    "carrier_female_health",
    "maternal_origin",
)


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


def workup(knowledge: IpexKnowledge, sequencing_done: str | None) -> list[Recommendation]:
    """Confirmatory and supporting work-up for IPEX (every row of the file's `workup:`)."""
    out = []
    for row in _ordered(knowledge.workup, WORKUP_ORDER):
        out.append(
            Recommendation(
                id=f"workup.{row.id}",
                category="work-up",
                title=row.test,
                text=row.purpose,
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


def family(
    knowledge: IpexKnowledge, testing_plan: Sequence[dict[str, Any]], names: dict[str, str]
) -> list[Recommendation]:
    """Genetic counselling and targeted testing of relatives, in Counsel's order."""
    rows = {row.id: row for row in knowledge.family}
    out = []
    for key in FAMILY_STATEMENTS:
        row = rows.get(key)
        if row is None:
            continue
        out.append(
            Recommendation(
                id=f"family.{row.id}",
                category="family",
                title="Genetic counselling and targeted testing of relatives"
                if key == "cascade_testing_professional"
                else "Counselling note",
                text=row.text,
                detail=f"“{row.quote}”" if row.quote else None,
                sources=row.sources,
            )
        )
    if testing_plan and out:
        order = "; ".join(
            f"{step.get('order')}. {names.get(str(step.get('id')), str(step.get('id')))}"
            for step in testing_plan
        )
        first = out[0]
        out[0] = Recommendation(
            id=first.id,
            category=first.category,
            title=first.title,
            text=first.text,
            detail=(first.detail + " " if first.detail else "")
            + f"Suggested order (Counsel's cascade plan): {order}.",
            sources=first.sources,
        )
    return out


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
