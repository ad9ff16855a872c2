"""The family leaflet's content: the knowledge file's plain-language blocks plus this family's chances.

General sentences come from `leaflet.blocks` of the cited IPEX knowledge file; the only sentences
composed here state this family's own results (which test was found, each relative's computed chance)
in short plain words.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ipexpath.conclusions.model import (
    FamilyConclusions,
    FamilyVariantStatus,
    IpexStatus,
    StatusLevel,
    VariantRole,
)
from ipexpath.knowledge.ipex import IpexKnowledge
from ipexpath.numbers import NEAR_CERTAIN, NEAR_ZERO, chance_with_percent
from ipexpath.types import Sex

MIN_PREGNANCY_RISK = NEAR_ZERO  # below this a future-pregnancy sentence is not shown


@dataclass(frozen=True)
class LeafletSection:
    """A titled part of the leaflet: short paragraphs, optional list items and the sources behind them."""

    id: str
    title: str
    paragraphs: tuple[str, ...]
    sources: tuple[str, ...] = ()
    items: tuple[str, ...] = field(default=())
    ordered: bool = False  # items are steps in order (shown as a numbered list)

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "id": self.id,
            "title": self.title,
            "paragraphs": list(self.paragraphs),
            "items": list(self.items),
            "ordered": self.ordered,
            "sources": list(self.sources),
        }


@dataclass(frozen=True)
class RelativeChance:
    """One relative's chance in plain words (the leaflet's table)."""

    id: str
    who: str
    chance: str
    meaning: str
    p_variant: float

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "id": self.id,
            "who": self.who,
            "chance": self.chance,
            "meaning": self.meaning,
            "p_variant": self.p_variant,
        }


def who(person: dict[str, Any], start: bool = True) -> str:
    """'Mother (II-2)' (or 'the mother (II-2)' inside a sentence) from the family file's name and id."""
    name = "the child being assessed" if person.get("proband") else person.get("name")
    if not name:
        return str(person["id"])
    text = str(name) if start is False else str(name)[:1].upper() + str(name)[1:]
    if not start and not person.get("proband"):
        text = f"the {name}" if str(name).islower() else str(name)
    return f"{text} ({person['id']})"


def relative_chance(person: dict[str, Any], status: FamilyVariantStatus) -> RelativeChance | None:
    """Plain words for one person's computed chance of carrying the family's gene change."""
    if person.get("proband") or person.get("p_variant") is None:
        return None  # the child being assessed, or no figure (a variant of uncertain significance)
    p = float(person["p_variant"])
    sex = person.get("sex")
    if person.get("father") is None and person.get("mother") is None and p <= NEAR_ZERO:
        return None  # someone who married into the family: not at risk, not listed
    if status is FamilyVariantStatus.UNCERTAIN:
        meaning = (
            "This is the chance of having the same gene change, whose effect is not known yet. "
            "A test for it would not tell whether this person is at risk."
        )
        return RelativeChance(person["id"], who(person), chance_with_percent(p), meaning, p)
    if sex == "female":
        if person.get("minor"):
            meaning = "She is a child: a carrier test is usually left until she can decide for herself."
        elif p >= NEAR_CERTAIN:
            meaning = "She is almost certainly a carrier. A test can confirm it."
        elif p <= NEAR_ZERO:
            meaning = "She is very unlikely to be a carrier."
        else:
            meaning = "She may be a carrier. A test for the family's gene change can tell."
        return RelativeChance(person["id"], who(person), chance_with_percent(p), meaning, p)
    if person.get("deceased"):
        if p >= NEAR_CERTAIN:
            meaning = "He almost certainly had the gene change."
        elif p >= 0.5:
            meaning = "He probably had the gene change."
        else:
            meaning = "He probably did not have the gene change."
    elif p <= NEAR_ZERO:
        meaning = "He is very unlikely to have the gene change."
    else:
        meaning = "He may have the gene change. A test can tell."
    return RelativeChance(person["id"], who(person), chance_with_percent(p), meaning, p)


def _block(knowledge: IpexKnowledge, block_id: str) -> Any:
    for block in knowledge.leaflet:
        if block.id == block_id:
            return block
    return None


def _section(knowledge: IpexKnowledge, block_id: str, extra: Sequence[str] = ()) -> LeafletSection | None:
    block = _block(knowledge, block_id)
    if block is None:
        return None
    return LeafletSection(block.id, block.title, (block.text, *extra), block.sources)


def _family_statement(knowledge: IpexKnowledge, key: str) -> tuple[str, tuple[str, ...]] | None:
    for row in knowledge.family:
        if row.id == key:
            return row.text, row.sources
    return None


def build_leaflet(
    knowledge: IpexKnowledge, status: IpexStatus, fam: FamilyConclusions | None, sex: Sex
) -> tuple[tuple[LeafletSection, ...], tuple[RelativeChance, ...]]:
    """The leaflet's sections in reading order and the table of relatives' chances."""
    people = fam.persons if fam is not None else ()
    proband = next((p for p in people if p["proband"]), None)
    proband_name = who(proband, start=False) if proband else "your child"
    sections: list[LeafletSection | None] = [
        _section(knowledge, "what_is_ipex"),
        _section(knowledge, "why_boys"),
        _section(knowledge, "what_result_means", (result_sentence(proband_name, status, sex),)),
    ]
    variant_status = fam.variant_status if fam is not None else FamilyVariantStatus.NOT_TESTED
    chances = tuple(c for c in (relative_chance(p, variant_status) for p in people) if c is not None)
    pregnancies = list(fam.risks.get("pregnancies", [])) if fam is not None else []
    if variant_status is FamilyVariantStatus.UNCERTAIN:
        pregnancies = []  # no future-pregnancy figures for a variant whose effect is not known
    if chances or pregnancies:
        by_id = {p["id"]: p for p in people}
        future = []
        for preg in pregnancies:
            son, daughter = float(preg["p_affected_son"]), float(preg["p_carrier_daughter"])
            if son < MIN_PREGNANCY_RISK and daughter < MIN_PREGNANCY_RISK:
                continue
            mother = who(by_id.get(preg["mother"], {"id": preg["mother"]}), start=False)
            future.append(
                f"If {mother} has a baby boy, his chance of having IPEX is {chance_with_percent(son)}. "
                f"A baby girl's chance of being a carrier is {chance_with_percent(daughter)}."
            )
        if variant_status is FamilyVariantStatus.UNCERTAIN:
            general: tuple[str, ...] = (
                "The gene change found is of uncertain significance: nobody knows yet whether it causes "
                "IPEX. The chances below are only the chance of having the same gene change. Tests of "
                "some relatives can help the doctors find out whether it is harmful.",
            )
            srcs: tuple[str, ...] = ("richards_2015",)
        else:
            carrier = _block(knowledge, "chance_son_of_carrier")
            daughters = _block(knowledge, "chance_daughter_of_carrier")
            general = tuple(b.text for b in (carrier, daughters) if b is not None)
            srcs = tuple(s for b in (carrier, daughters) if b is not None for s in b.sources)
        mosaic = _family_statement(knowledge, "germline_mosaicism")
        if mosaic and variant_status is FamilyVariantStatus.PATHOGENIC and future:
            general += (mosaic[0],)
            srcs += mosaic[1]
        sections.append(
            LeafletSection(
                "chances",
                "What is each relative's chance?",
                (
                    "We worked out each relative's chance from the family tree and the test results. "
                    "“1 in 2” means 1 out of every 2, the same as 50%.",
                    *general,
                ),
                srcs,
                tuple(future),
            )
        )
    next_family = _section(knowledge, "what_next_family")
    if fam is not None and variant_status is FamilyVariantStatus.UNCERTAIN and next_family is not None:
        next_family = LeafletSection(
            next_family.id,
            next_family.title,
            (
                "Because the effect of the gene change is not known, testing relatives cannot "
                "yet tell who is "
                "at risk. The care team may instead ask to test some relatives to find out "
                "whether the change "
                "is harmful.",
            ),
            next_family.sources,
        )
    elif fam is not None and next_family is not None and fam.testing_plan:
        names = {p["id"]: who(p) for p in people}
        order = tuple(
            names.get(str(s["id"]), str(s["id"]))
            + (" (later, when she can decide for herself)" if s.get("deferred") else "")
            for s in fam.testing_plan
        )
        next_family = LeafletSection(
            next_family.id,
            next_family.title,
            (*next_family.paragraphs, "Your care team may suggest testing relatives in this order:"),
            next_family.sources,
            order,
            ordered=True,
        )
    sections += [next_family, _section(knowledge, "what_next_treatment")]
    support = _section(knowledge, "support")
    if support is not None:
        items = tuple(f"{org.name}: {org.url}" for org in knowledge.support)
        support = LeafletSection(support.id, support.title, support.paragraphs, support.sources, items)
    sections.append(support)
    return tuple(s for s in sections if s is not None), chances


def result_sentence(proband: str, status: IpexStatus, sex: Sex) -> str:
    """This family's result in one or two plain sentences, with the child's own pronouns."""
    his = sex.pronoun("possessive")
    variant = status.variant
    if variant is not None and status.level is StatusLevel.CONFIRMED:
        return (
            f"The gene test of {proband} found a harmful change in {his} FOXP3 gene ({variant.label}, "
            f"classed as “{variant.class_label}”). This confirms IPEX."
        )
    if variant is not None and status.carrier_finding:
        return (
            f"The gene test of {proband} found a change in one of {his} two copies of the FOXP3 gene "
            f"({variant.label}). This makes {sex.pronoun('object')} a carrier. Carriers are "
            "not known to become "
            "ill from it, so it does not explain the illness. The doctors will look at other causes."
        )
    if variant is not None and variant.role is VariantRole.UNCERTAIN:
        return (
            f"The gene test of {proband} found a change in {his} FOXP3 gene "
            f"({variant.label}), but nobody knows "
            f"yet whether it is harmful (classed as “{variant.class_label}”). More tests are needed."
        )
    if variant is not None:
        return (
            f"The gene test of {proband} found a change in {his} FOXP3 gene ({variant.label}, classed as "
            f"“{variant.class_label}”). The doctors will explain what it means."
        )
    return (
        f"No harmful FOXP3 change has been found in {proband} so far. "
        "The doctors are still looking for the cause."
    )
