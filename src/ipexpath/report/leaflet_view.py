"""The family leaflet, arranged and worded for the family: relationships instead of pedigree codes, no HGVS.

General sentences come from the cited `leaflet.blocks` of the IPEX knowledge file; the sentences composed
here only put this family's results into plain words that match what was found (a change whose effect is
not yet known is never called harmful, a likely pathogenic one is never called "not yet known"), with the
patient's pronouns, and say so when no gene test was entered. Nothing is said about the future children
of relatives who are minors (Botkin et al. 2015). Every section is kept at a reading grade of 7 or lower
(Flesch–Kincaid, checked in the tests).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from ipexpath.conclusions import Assessment, FamilyVariantStatus
from ipexpath.knowledge.ipex import IpexKnowledge, LeafletBlock, load_ipex_knowledge
from ipexpath.numbers import NEAR_CERTAIN, NEAR_ZERO, one_in, percent
from ipexpath.report.inheritance_svg import xlinked_inheritance_svg
from ipexpath.report.people import Relative, relationships
from ipexpath.report.views import DocumentOptions

__all__ = ["LeafletSection", "LeafletView", "RelativeCard", "leaflet_view"]

ADULT_YEARS = 18.0
DRAFT = "Draft — to be reviewed with your care team."
PATHOGENIC = ("pathogenic", "likely pathogenic")


@dataclass(frozen=True)
class LeafletSection:
    """A titled part of the leaflet: short paragraphs, optional list items, and the sources behind it."""

    id: str
    title: str
    paragraphs: tuple[str, ...]
    items: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    css: str = ""


@dataclass(frozen=True)
class RelativeCard:
    """One relative in words: who, their chance, and what it means for them."""

    who: str
    chance: str
    meaning: str


@dataclass(frozen=True)
class Organisation:
    """A patient organisation or information page with a link."""

    name: str
    url: str
    note: str


@dataclass(frozen=True)
class LeafletView:
    """The whole leaflet, ready to lay out."""

    child: str
    release_line: str
    released: bool
    main_points: tuple[str, ...]
    sections: tuple[LeafletSection, ...]
    relatives: tuple[RelativeCard, ...]
    inheritance_svg: Markup
    family_tree_svg: Markup
    organisations: tuple[Organisation, ...]
    review_date: str
    created: str
    references: tuple[str, ...]


def _norm(text: Any) -> str:
    return str(text or "").replace("_", " ").strip().lower()


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


class _Pronouns:
    """he/his/him, she/her/her or they/their/them from the patient's sex."""

    def __init__(self, sex: str, deceased: bool = False) -> None:
        male, female = sex.upper() == "MALE", sex.upper() == "FEMALE"
        self.he = "he" if male else "she" if female else "they"
        self.his = "his" if male else "her" if female else "their"
        self.child = "your son" if male else "your daughter" if female else "your child"
        self.is_ = "is" if (male or female) else "are"
        self.has = "has" if (male or female) else "have"
        if deceased:  # a leaflet for a bereaved family speaks of the child in the past tense
            self.is_ = "was" if (male or female) else "were"
            self.has = "had"


def _status_point(level: str, p: _Pronouns, similar_illness: bool = False) -> str:
    if similar_illness and level != "confirmed":
        return "The gene test points to an illness that is similar to IPEX."
    if level == "confirmed":
        return f"The report suggests that {p.child} {p.has} IPEX. The gene test found the cause."
    if level == "likely":
        return "The report suggests that IPEX is likely. More tests are needed to be sure."
    if level == "possible":
        return "The report suggests that IPEX is possible. Other illnesses are possible too."
    return "The report does not point to IPEX. The care team will look at other causes."


def _result(a: Assessment, p: _Pronouns, recorded_found: bool) -> tuple[str, ...]:
    """What the gene test found, in words that match the variant class."""
    if a.genetics is None:
        first = "No gene test result was entered for this leaflet."
        if recorded_found:
            return (
                first,
                "Your family's records say that a change in the FOXP3 gene was found. "
                "This leaflet did not look at the test itself.",
            )
        return (first, f"So this leaflet cannot say if {p.child} {p.has} a change in the FOXP3 gene.")
    variant = a.status.variant
    other = a.status.other_finding
    if other is not None and (variant is None or not variant.is_pathogenic):
        return (
            f"The gene test found a harmful change in {p.his} {other.gene} gene.",
            "A change like this can cause an illness that looks like IPEX but is not IPEX. "
            "Your care team will explain what it means.",
        )
    if variant is None:
        return (
            "The gene test did not find a harmful change in the FOXP3 gene.",
            "This does not rule out IPEX or a similar illness. The care team may do more tests.",
        )
    if a.status.checks and variant.is_pathogenic:
        return (
            f"The gene test found a change in {p.his} FOXP3 gene.",
            "The doctors need to check this result before they can say what it means.",
        )
    klass = _norm(variant.class_label)
    zygosity = _norm(variant.zygosity.value)
    female = p.he == "she"
    if female and zygosity == "heterozygous":
        extra = (
            "Girls with one changed copy are carriers. Carriers are not expected to have IPEX. "
            "So this change probably does not explain her illness. The care team will look for other causes."
        )
        return (f"The gene test found a change in one of {p.his} two copies of the FOXP3 gene.", extra)
    found = f"The gene test found a change in {p.his} FOXP3 gene."
    if klass == "pathogenic":
        return (found, "This change is known to cause IPEX.")
    if klass == "likely pathogenic":
        return (found, "This change very likely causes IPEX.")
    return (
        found,
        "Doctors do not yet know if this change causes illness. "
        "It is called a change whose effect is not yet known.",
        "More tests in the family may help to tell.",
    )


def _who(rel: Relative | None, fallback: str) -> str:
    if rel is None:
        return fallback
    side = {"mother's side": "on the mother's side", "father's side": "on the father's side"}.get(
        rel.side or ""
    )
    name = "the patient" if rel.relationship == "the patient" else rel.relationship
    return _cap(f"{name} {side}".strip() if side and name not in ("mother", "father") else name)


def _meaning(
    person: Mapping[str, Any], p_value: float, known_cause: bool, minor: bool, no_variant: bool = False
) -> str:
    """What a relative's chance means for them, in words (nothing about the future children of minors).

    `no_variant`: no FOXP3 change is known in the family, so no test can tell yet (GeneReviews NBK1118)."""
    female = str(person.get("sex") or "").lower() == "female"
    if no_variant:
        if person.get("deceased"):
            return (
                "He may have had a change in the FOXP3 gene." if not female else "She may have carried one."
            )
        who = "She may carry" if female else "He may have"
        return (
            f"{who} a change in the FOXP3 gene. No change has been found in the family yet. "
            "So a test cannot tell yet."
        )
    change = "the change" if known_cause else "the same change"
    if female:
        if p_value >= NEAR_CERTAIN:
            text = f"She almost surely carries {change}."
        elif p_value <= NEAR_ZERO:
            return f"She very likely does not carry {change}."
        else:
            text = f"She may carry {change}."
        if minor:
            return text + " She does not need a test now. She can choose when she is older."
        if known_cause:
            return text + " A blood test can tell. Each son of a carrier has a 1 in 2 chance of IPEX."
        return text + " We do not yet know what this change means for her or her children."
    if person.get("deceased"):
        if p_value >= 0.5:
            return f"He probably had {change}."
        return f"He probably did not have {change}."
    if p_value <= NEAR_ZERO:
        return f"He very likely does not have {change}."
    return f"He may have {change}. A test can tell."


_ID_TEXT = re.compile(r"(<text\b[^>]*>)([^<]*)(</text>)")
_ROMAN = re.compile(r"^(?:I|II|III|IV|V|VI|VII|VIII)$")
_CODE_SUFFIX = re.compile(r"\s+E[+-]$")
_PERCENT = re.compile(r"^(?:&gt;|&lt;|>|<)?\s*[\d.]+\s*%$")


def family_tree_svg(svg: str | None, names: Mapping[str, str]) -> Markup:
    """The pedigree drawing with relationships instead of pedigree codes, and no risk figures or codes."""
    if not svg:
        return Markup("")
    from ipexpath.report.html import inline_svg

    def swap(match: re.Match[str]) -> str:
        text = match.group(2).strip()
        if text in names:
            return f"{match.group(1)}{names[text]}{match.group(3)}"
        if (
            _ROMAN.match(text)
            or _PERCENT.match(text)
            or text in ("P", "E+", "E-")
            or "proband" in text
            or "E+" in text
        ):
            return ""
        if text.startswith("Family "):
            return f"{match.group(1)}Your family tree{match.group(3)}"
        return match.group(1) + _CODE_SUFFIX.sub("", text) + match.group(3)

    return inline_svg(_ID_TEXT.sub(swap, svg))


def _block(knowledge: IpexKnowledge, block_id: str) -> LeafletBlock | None:
    return next((b for b in knowledge.leaflet if b.id == block_id), None)


def _sources(knowledge: IpexKnowledge, block_id: str) -> tuple[str, ...]:
    block = _block(knowledge, block_id)
    return () if block is None else block.sources


def _section(
    knowledge: IpexKnowledge,
    block_id: str,
    extra: Sequence[str] = (),
    items: Sequence[str] = (),
    css: str = "",
) -> LeafletSection | None:
    block = _block(knowledge, block_id)
    if block is None:
        return None
    return LeafletSection(block.id, block.title, (block.text, *extra), tuple(items), block.sources, css)


def leaflet_view(
    assessment: Assessment, options: DocumentOptions | None = None, knowledge: IpexKnowledge | None = None
) -> LeafletView:
    """Arrange and word the family leaflet."""
    options = options or DocumentOptions()
    knowledge = knowledge or load_ipex_knowledge()
    a = assessment
    p = _Pronouns(str(a.case.get("sex") or ""), a.status.deceased)
    persons = a.family.persons if a.family is not None else ()
    proband = next((x for x in persons if x.get("proband")), None)
    recorded_found = proband is not None and proband.get("test") == "found"
    variant = a.status.variant
    known_cause = (variant is not None and variant.is_pathogenic) or (a.genetics is None and recorded_found)
    rel = relationships(persons, str(proband["id"])) if proband is not None else {}
    minors = {str(x["id"]) for x in persons if x.get("age") is not None and float(x["age"]) < ADULT_YEARS}

    no_variant = (
        a.family is not None
        and not a.family.targeted_testing
        and a.family.variant_status is not FamilyVariantStatus.UNCERTAIN
    )
    cards: list[RelativeCard] = []
    for person in persons:
        pid = str(person["id"])
        if person.get("proband") or person.get("p_variant") is None:
            continue
        value = float(person["p_variant"])
        if person.get("father") is None and person.get("mother") is None and value <= NEAR_ZERO:
            continue  # married into the family: not at risk
        if rel.get(pid) is not None and rel[pid].relationship.endswith("by marriage") and value <= NEAR_ZERO:
            continue
        chance = one_in(value)
        if NEAR_ZERO < value < NEAR_CERTAIN:
            chance = f"{chance} ({percent(value)})"
        cards.append(
            RelativeCard(
                _who(rel.get(pid), "A relative"),
                chance,
                _meaning(person, value, known_cause, pid in minors, no_variant),
            )
        )

    names = {
        pid: (r.relationship if r.relationship != "the patient" else p.child.replace("your ", "your "))
        for pid, r in rel.items()
    }
    main = [_status_point(a.status.level, p, a.status.other_finding is not None)]
    result = _result(a, p, recorded_found)
    main.append(result[0] if len(result) == 1 else " ".join(result[:2]))
    if cards:
        main.append(
            "Some relatives may carry the same gene change. The section on your family explains each one."
        )
    main.append("Your care team will explain what happens next.")

    sections: list[LeafletSection | None] = [
        _section(knowledge, "what_is_ipex"),
        LeafletSection("result", "What did the gene test find?", result),
        _section(knowledge, "why_boys"),
        _section(knowledge, "what_result_means"),
    ]
    if persons:
        general = [
            b.text
            for b in (
                _block(knowledge, "chance_son_of_carrier"),
                _block(knowledge, "chance_daughter_of_carrier"),
            )
            if b
        ]
        sources = tuple(
            s
            for b in (
                _block(knowledge, "chance_son_of_carrier"),
                _block(knowledge, "chance_daughter_of_carrier"),
            )
            if b
            for s in b.sources
        )
        intro = "We worked out each relative's chance from the family tree and the test results."
        if no_variant:
            intro += " It is the chance of carrying a change in the FOXP3 gene that causes IPEX."
            intro += " No such change has been found in the family yet."
        elif not known_cause:
            intro += " It is the chance of carrying the same change."
            intro += " We do not yet know if this change causes IPEX."
        paragraphs: tuple[str, ...] = (intro, *general)
        if a.family is not None and a.family.variant_status is FamilyVariantStatus.UNCERTAIN:
            paragraphs = (
                "We have not worked out each relative's chance yet. Nobody knows yet if the change "
                "causes IPEX. Tests of some relatives can help the doctors find out.",
                "A mother who has the change passes it to each child with a 1 in 2 chance.",
            )
            sources = ("genereviews",)
        sections.append(
            LeafletSection("family", "What does it mean for your family?", paragraphs, (), sources)
        )
    adults_pregnancy = []
    if a.family is not None:
        for q in a.family.risks.get("pregnancies") or ():
            mother = str(q.get("mother"))
            if mother in minors:
                continue
            son = float(q.get("p_affected_son") or 0.0)
            if son <= NEAR_ZERO:
                continue
            who = _who(rel.get(mother), "A relative").lower()
            if known_cause or no_variant:
                adults_pregnancy.append(
                    f"If the {who} has a baby boy, his chance of having IPEX is {one_in(son)}."
                )
            else:
                adults_pregnancy.append(
                    f"If the {who} has a baby boy, his chance of having the same change is {one_in(son)}."
                )
    if known_cause:
        sections.append(_section(knowledge, "pregnancy_options", items=adults_pregnancy))
    elif persons:
        sections.append(
            LeafletSection(
                "pregnancy_options",
                "Future pregnancies",
                (
                    "A test before birth is only offered once the family's change is known to cause IPEX.",
                    "Your genetic counsellor can talk with you about your choices.",
                ),
                tuple(adults_pregnancy),
                _sources(knowledge, "pregnancy_options"),
            )
        )
    not_ipex = a.status.carrier_finding or a.status.other_finding is not None
    if not a.status.deceased:  # no treatment, day-to-day care or emergency advice for a child who has died
        if (
            not not_ipex
        ):  # IPEX treatment (transplant, "usually fatal") is not for a carrier or IPEX-like finding
            sections.append(_section(knowledge, "what_next_treatment"))
        sections.append(_section(knowledge, "daily_care"))
        sections.append(_section(knowledge, "urgent_help", css="urgent"))
    order = []
    if a.family is not None:
        for step in a.family.testing_plan:
            pid = str(step.get("id"))
            if pid in minors:
                continue
            order.append(_who(rel.get(pid), "A relative"))
    extra = ("Your care team may suggest tests in this order:",) if order else ()
    sections.append(_section(knowledge, "what_next_family", extra=extra, items=order))
    if minors & {str(x["id"]) for x in persons if not x.get("proband")}:
        sections.append(_section(knowledge, "testing_children"))
    cited = [s for sec in sections if sec is not None for s in sec.sources]
    table = knowledge.source_map()
    seen: dict[str, None] = {}
    for key in cited:
        seen.setdefault(key, None)
    references = tuple(table[k].citation for k in seen if k in table)
    orgs = tuple(Organisation(o.name, o.url, o.note) for o in knowledge.support)
    released = bool(options.released_by)
    release_line = f"Released by {options.released_by} on {a.created[:10]}." if released else DRAFT
    return LeafletView(
        child=p.child,
        release_line=release_line,
        released=released,
        main_points=tuple(main),
        sections=tuple(s for s in sections if s is not None),
        relatives=tuple(cards),
        inheritance_svg=Markup(xlinked_inheritance_svg()),
        family_tree_svg=family_tree_svg(a.family.pedigree_svg if a.family else None, names),
        organisations=orgs,
        review_date=str(knowledge.release.reviewed),
        created=a.created[:10],
        references=references,
    )
