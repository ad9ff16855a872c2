"""The family leaflet's content: the knowledge file's plain-language blocks plus this family's chances.

General sentences come from `leaflet.blocks` of the cited IPEX knowledge file; the only sentences
composed here state this family's own results (which test was found, each relative's computed chance)
in short plain words.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ipexpath.knowledge.ipex import IpexKnowledge
from ipexpath.report.plain import NEAR_CERTAIN, NEAR_ZERO, chance_with_percent

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


def relative_chance(person: dict[str, Any]) -> RelativeChance | None:
    """Plain words for one person's computed chance of carrying the family's gene change."""
    p = float(person["p_variant"])
    sex = person.get("sex")
    if person.get("proband"):
        return None
    if person.get("father") is None and person.get("mother") is None and p <= NEAR_ZERO:
        return None  # someone who married into the family: not at risk, not listed
    if sex == "female":
        if p >= NEAR_CERTAIN:
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


def build_leaflet(
    knowledge: IpexKnowledge,
    *,
    proband: str,
    result_sentence: str,
    people: Sequence[dict[str, Any]],
    pregnancies: Sequence[dict[str, Any]],
    testing_order: Sequence[str],
) -> tuple[tuple[LeafletSection, ...], tuple[RelativeChance, ...]]:
    """The leaflet's sections in reading order and the table of relatives' chances."""
    sections: list[LeafletSection | None] = [
        _section(knowledge, "what_is_ipex"),
        _section(knowledge, "why_boys"),
        _section(knowledge, "what_result_means", (result_sentence,)),
    ]
    chances = tuple(c for c in (relative_chance(p) for p in people) if c is not None)
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
        carrier = _block(knowledge, "chance_son_of_carrier")
        daughters = _block(knowledge, "chance_daughter_of_carrier")
        general = tuple(b.text for b in (carrier, daughters) if b is not None)
        srcs = tuple(s for b in (carrier, daughters) if b is not None for s in b.sources)
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
    order = tuple(testing_order)
    next_family = _section(knowledge, "what_next_family")
    if next_family is not None and order:
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


def result_sentence(
    proband: str,
    status: str,
    variant_label: str | None,
    classification: str | None,
    recorded_found: bool = False,
) -> str:
    """This family's result in one or two plain sentences."""
    if status == "confirmed" and variant_label:
        return (
            f"The gene test of {proband} found a harmful change in his FOXP3 gene ({variant_label}, "
            f"classed as “{classification}”). This confirms IPEX."
        )
    if variant_label:
        return (
            f"The gene test of {proband} found a change in his FOXP3 gene ({variant_label}), but it is not "
            f"yet known if it is harmful (classed as “{classification}”). More tests are needed."
        )
    if recorded_found:
        return (
            f"The family's records say that a FOXP3 gene change was found in {proband}. "
            "This report did not look at the gene test itself."
        )
    return (
        f"No harmful FOXP3 change has been found in {proband} so far. "
        "The doctors are still looking for the cause."
    )
