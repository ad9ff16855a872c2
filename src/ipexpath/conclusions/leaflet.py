"""The family leaflet's words: the one source of every sentence the family reads (HTML leaflet and JSON).

General sentences come from the cited `leaflet.blocks` and family statements of the IPEX knowledge file; the
sentences composed here only put this family's results into plain words that match what was found: a change
whose effect is not yet known is never called harmful (nor its carrier "a carrier"), a likely pathogenic one
is never called "not yet known"; the patient's pronouns (past tense for a child who has died; "your baby"
before birth); relationships instead of pedigree codes; no HGVS; a second finding in an IPEX-like gene is
never dropped. Nothing is said about the future children of relatives who are minors (Botkin et al. 2015).
`report.leaflet_view` only lays this content out; every section is kept at a reading grade of 7 or lower
(Flesch–Kincaid, checked in the tests).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from ipexpath.conclusions.model import (
    FamilyConclusions,
    FamilyVariantStatus,
    Genetics,
    IpexStatus,
    StatusLevel,
    VariantFinding,
    VariantRole,
)
from ipexpath.conclusions.people import Relative, relationships
from ipexpath.counsel.testing_plan import INFANT_BOY_YEARS
from ipexpath.knowledge.ipex import IpexKnowledge, LeafletBlock
from ipexpath.numbers import NEAR_CERTAIN, NEAR_ZERO, one_in, percent
from ipexpath.types import Sex, Zygosity

__all__ = ["Leaflet", "LeafletSection", "RelativeChance", "build_leaflet"]

ADULT_YEARS = 18.0
DAYS_PER_YEAR = 365.25
MOSAIC_SHOWN = 1e-3  # a germline-mosaic probability above this is explained to the family
VERY_LIKELY = 0.9  # "very likely carries" from here (the chance column says "more than 9 in 10")


@dataclass(frozen=True)
class LeafletSection:
    """A titled part of the leaflet: short paragraphs, optional list items and the sources behind them."""

    id: str
    title: str
    paragraphs: tuple[str, ...]
    sources: tuple[str, ...] = ()
    items: tuple[str, ...] = ()
    ordered: bool = False  # items are steps in order (shown as a numbered list)
    css: str = ""  # how the leaflet marks it ("urgent")

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
    """One relative in plain words: who, their chance, and what it means for them."""

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


@dataclass(frozen=True)
class Leaflet:
    """Everything the family reads: main points, sections, relatives' chances and the tree's labels."""

    child: str  # "your son", "your daughter", "your child", "your baby", "the patient"
    main_points: tuple[str, ...]
    sections: tuple[LeafletSection, ...]
    relatives: tuple[RelativeChance, ...]
    names: Mapping[str, str]  # pedigree id → relationship shown on the family tree

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "child": self.child,
            "main_points": list(self.main_points),
            "sections": [s.to_dict() for s in self.sections],
            "relatives": [r.to_dict() for r in self.relatives],
        }


@dataclass(frozen=True)
class _Patient:
    """How the leaflet names the patient: noun, pronouns, and singular verbs for the noun."""

    child: str  # the noun phrase, always singular: "your child has", never "your child have"
    he: str
    his: str
    him: str
    female: bool
    has: str
    is_: str
    prenatal: bool
    adult: bool

    @classmethod
    def of(cls, sex: Sex, deceased: bool, age_days: float | None) -> _Patient:
        prenatal = age_days is not None and age_days < 0
        adult = age_days is not None and age_days / DAYS_PER_YEAR >= ADULT_YEARS
        male, female = sex is Sex.MALE, sex is Sex.FEMALE
        if prenatal:
            child = "your baby"
        elif adult:
            child = "the patient"
        else:
            child = "your son" if male else "your daughter" if female else "your child"
        return cls(
            child=child,
            he=sex.pronoun("subject"),
            his=sex.pronoun("possessive"),
            him=sex.pronoun("object"),
            female=female,
            has="had" if deceased else "has",
            is_="was" if deceased else "is",
            prenatal=prenatal,
            adult=adult,
        )


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _block(knowledge: IpexKnowledge, block_id: str) -> LeafletBlock | None:
    return next((b for b in knowledge.leaflet if b.id == block_id), None)


def _section(
    knowledge: IpexKnowledge,
    block_id: str,
    extra: Sequence[str] = (),
    items: Sequence[str] = (),
    *,
    ordered: bool = False,
    css: str = "",
) -> LeafletSection | None:
    block = _block(knowledge, block_id)
    if block is None:
        return None
    return LeafletSection(
        block.id, block.title, (block.text, *extra), block.sources, tuple(items), ordered, css
    )


def _statement(knowledge: IpexKnowledge, key: str) -> tuple[str, tuple[str, ...]] | None:
    row = next((r for r in knowledge.family if r.id == key), None)
    return None if row is None else (row.text, row.sources)


def _status_point(status: IpexStatus, p: _Patient) -> str:
    if status.other_finding is not None and status.level is not StatusLevel.CONFIRMED:
        return "The gene test points to an illness that is similar to IPEX."
    if status.atypical_phenotype:  # a harmful FOXP3 change, but not the usual signs (GeneReviews NBK1118)
        return (
            f"The gene test found a change that can cause IPEX. But {p.child}'s signs are not the usual "
            "signs of IPEX. More checks are needed to be sure."
        )
    if status.level is StatusLevel.CONFIRMED and status.checks:  # e.g. the sex taken from the VCF only
        return "The report points to IPEX. The doctors need to check some details before they can be sure."
    if status.level is StatusLevel.CONFIRMED:
        return f"The report suggests that {p.child} {p.has} IPEX. The gene test found the cause."
    if status.level is StatusLevel.LIKELY:
        return "The report suggests that IPEX is likely. More tests are needed to be sure."
    if status.level is StatusLevel.POSSIBLE:
        return "The report suggests that IPEX is possible. Other illnesses are possible too."
    return "The report does not point to IPEX. The care team will look at other causes."


def _other_gene(other: VariantFinding, p: _Patient) -> tuple[str, str]:
    return (
        f"The gene test found a harmful change in {p.his} {other.gene} gene.",
        "A change like this can cause an illness that looks like IPEX but is not IPEX. "
        "Your care team will explain what it means.",
    )


def _result(
    status: IpexStatus, genetics: Genetics | None, p: _Patient, recorded_found: bool
) -> tuple[str, ...]:
    """What the gene test found, then what its other genes' harmful changes mean (none is dropped)."""
    return _result_core(status, genetics, p, recorded_found) + _other_genes(status, genetics, p)


def _other_genes(status: IpexStatus, genetics: Genetics | None, p: _Patient) -> tuple[str, ...]:
    """Two changes in a recessive gene (in trans or not: the parents' test tells, Richards et al. 2015 PM3);
    one change in a recessive gene alone (a carrier state, not the illness)."""
    if genetics is None:
        return ()
    out: list[str] = []
    other = status.other_finding
    if (
        other is not None
        and other.zygosity is Zygosity.HETEROZYGOUS
        and other.detail.get("inheritance") == "AR"
    ):
        out.append(
            "The test found two changes in this gene. They cause illness only if they are on different "
            "copies of the gene. A test of both parents can tell."
        )
    single = sorted(
        {
            f.gene
            for f in genetics.findings
            if f.gene != "FOXP3" and f.is_pathogenic and f.role is VariantRole.NOT_SUFFICIENT
        }
    )
    for gene in single:
        out.append(
            f"The test also found one changed copy of {p.his} {gene} gene. One changed copy alone is not "
            "expected to cause illness. Your care team will explain what it means."
        )
    return tuple(out)


def _result_core(
    status: IpexStatus, genetics: Genetics | None, p: _Patient, recorded_found: bool
) -> tuple[str, ...]:
    """What the gene test found, in words that match the variant class and the patient's sex."""
    if genetics is None:
        first = "No gene test result was entered for this leaflet."
        if recorded_found:
            return (
                first,
                "Your family's records say that a change in the FOXP3 gene was found. "
                "This leaflet did not look at the test itself.",
            )
        return (first, f"So this leaflet cannot say if {p.child} {p.has} a change in the FOXP3 gene.")
    variant, other = status.variant, status.other_finding
    if other is not None and (variant is None or not variant.is_pathogenic):
        if variant is not None:  # a FOXP3 change of unknown effect beside it: named, never called harmful
            return (
                *_other_gene(other, p),
                f"It also found a change in {p.his} FOXP3 gene. Doctors do not yet know if that change "
                "causes illness.",
            )
        return _other_gene(other, p)
    if variant is None:
        return (
            "The gene test did not find a harmful change in the FOXP3 gene.",
            "This does not rule out IPEX or a similar illness. The care team may do more tests.",
        )
    if status.checks and variant.is_pathogenic:
        return (
            f"The gene test found a change in {p.his} FOXP3 gene.",
            "The doctors need to check this result before they can say what it means.",
        )
    also: tuple[str, ...] = ()
    if other is not None:  # a second finding, in an IPEX-like gene: never dropped
        also = (
            f"The test also found a harmful change in {p.his} {other.gene} gene. It can cause a different "
            f"illness of the defence system. Your care team will explain what it means for {p.him} and for "
            "the family.",
        )
    if p.female and variant.zygosity.value == "heterozygous":
        girls = "women" if p.adult else "girls"
        if not variant.is_pathogenic:  # a VUS: not called harmful, and she is not called a carrier of it
            return (
                f"The gene test found a change in one of {p.his} two copies of the FOXP3 gene.",
                "Doctors do not yet know if this change causes illness. Even a harmful change on one copy "
                f"is not expected to cause IPEX in {girls}. So it probably does not explain her illness. "
                "The care team will look for other causes.",
                *also,
            )
        return (
            f"The gene test found a change in one of {p.his} two copies of the FOXP3 gene.",
            f"{girls.capitalize()} with one changed copy are carriers. "
            "Carriers are not expected to have IPEX. "
            "So this change probably does not explain her illness. The care team will look for other causes.",
            *also,
        )
    found = f"The gene test found a change in {p.his} FOXP3 gene."
    if status.atypical_phenotype:
        also = (
            f"But {p.his} signs are not the usual signs of IPEX. The doctors will look for other signs of "
            "IPEX and check the result again.",
            *also,
        )
    if variant.class_label == "Pathogenic":
        return (found, "This change is known to cause IPEX.", *also)
    if variant.class_label == "Likely pathogenic":
        return (found, "This change very likely causes IPEX.", *also)
    return (
        found,
        "Doctors do not yet know if this change causes illness. "
        "It is called a change whose effect is not yet known.",
        "More tests in the family may help to tell.",
        *also,
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
    person: Mapping[str, Any],
    p_value: float,
    known_cause: bool,
    minor: bool,
    no_variant: bool = False,
) -> str:
    """What a relative's chance means for them, in words (nothing about the future children of minors).

    `no_variant`: no FOXP3 change is known in the family, so no test can tell yet (GeneReviews NBK1118)."""
    female = str(person.get("sex") or "").lower() == "female"
    if person.get("adopted") == "in":  # the recorded parents are adoptive: no blood link to the family's line
        return "Adopted into the family, so not at risk from the family's genes."
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
    mosaic = float(person.get("p_germline_mosaic") or 0.0)
    if female:
        if person.get("test") == "not-found" and mosaic > MOSAIC_SHOWN and not minor:
            return (
                f"Her blood test did not find {change}. It may still be in some of her egg cells. "
                "So a future baby has a small chance of it."
            )
        if p_value >= NEAR_CERTAIN:
            text = f"She almost surely carries {change}."
        elif p_value >= VERY_LIKELY:
            text = f"She very likely carries {change}."
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
        if p_value >= NEAR_CERTAIN:
            return f"He almost surely had {change}."
        if p_value >= 0.5:
            return f"He probably had {change}."
        return f"He probably did not have {change}."
    if p_value <= NEAR_ZERO:
        return f"He very likely does not have {change}."
    if p_value >= NEAR_CERTAIN:
        twin = (
            " Identical twins have the same genes. The care team will want to check him soon."
            if person.get("twin_type") == "monozygotic" and person.get("affected") != "affected"
            else ""
        )
        return f"He almost surely has {change}.{twin}"
    age = person.get("age")
    infant = age is not None and float(age) < INFANT_BOY_YEARS
    if known_cause and infant and person.get("affected") != "affected":
        # GeneReviews NBK1118: clarify at-risk males right after birth, so that care can start early
        return f"He may have {change}. A test soon can tell. Then care can start early if he has it."
    return f"He may have {change}. A test can tell."


def build_leaflet(
    knowledge: IpexKnowledge,
    status: IpexStatus,
    fam: FamilyConclusions | None,
    sex: Sex,
    genetics: Genetics | None,
    age_days: float | None = None,
) -> Leaflet:
    """The leaflet's content in reading order: main points, sections, relatives' chances."""
    p = _Patient.of(sex, status.deceased, age_days)
    persons = fam.individuals if fam is not None else ()
    proband = next((x for x in persons if x.get("proband")), None)
    recorded_found = proband is not None and proband.get("test") == "found"
    variant = status.variant
    known_cause = (variant is not None and variant.is_pathogenic) or (genetics is None and recorded_found)
    rel = relationships(persons, str(proband["id"])) if proband is not None else {}
    minors = {str(x["id"]) for x in persons if x.get("age") is not None and float(x["age"]) < ADULT_YEARS}
    uncertain = fam is not None and fam.variant_status is FamilyVariantStatus.UNCERTAIN
    no_variant = fam is not None and not fam.targeted_testing and not uncertain

    cards: list[RelativeChance] = []
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
            RelativeChance(
                pid,
                _who(rel.get(pid), "A relative"),
                chance,
                _meaning(person, value, known_cause, pid in minors, no_variant),
                value,
            )
        )

    result = _result(status, genetics, p, recorded_found)
    main = [_status_point(status, p), " ".join(result[:2])]
    if status.deceased:
        main.insert(0, f"We are very sorry that {p.child} has died.")
    main += [r for r in result[2:] if r.startswith(("The test also found", "The test found two changes"))]
    if status.transplanted and not status.deceased:
        main.append(
            f"{_cap(p.child)} has had a stem cell transplant. The care team will keep checking how it works."
        )
    if cards:
        main.append(
            "Some relatives may carry the same gene change. The section on your family explains each one."
        )
    main.append("Your care team will explain what happens next.")

    sections: list[LeafletSection | None] = [
        _section(knowledge, "what_is_ipex"),
        # classes (Richards et al. 2015); hemizygous males, heterozygous females (GeneReviews NBK1118)
        LeafletSection("result", "What did the gene test find?", result, ("genereviews", "richards_2015")),
        _section(knowledge, "why_boys"),
        _section(knowledge, "what_result_means"),
    ]
    if persons:
        sections.append(_family_section(knowledge, fam, persons, known_cause, no_variant, uncertain))
    sections.append(_pregnancies(knowledge, fam, rel, minors, known_cause, no_variant))
    not_ipex = status.carrier_finding or (
        status.other_finding is not None and status.level is not StatusLevel.CONFIRMED
    )
    # a FOXP3 change without the signs of IPEX: IPEX's treatment, infant care and emergencies are not his
    if not status.deceased and not status.atypical_phenotype:
        # no treatment, day-to-day care or emergency advice for a child who has died
        if (
            not not_ipex
        ):  # IPEX treatment (transplant, "usually fatal") is not for a carrier or IPEX-like finding
            later = p.adult and _block(knowledge, "what_next_treatment_later_onset") is not None
            sections.append(
                _section(knowledge, "what_next_treatment_later_onset" if later else "what_next_treatment")
            )
        if (
            not p.prenatal and not p.adult
        ):  # feeds, nappies and a child's emergencies: not before birth or for adults
            sections.append(_section(knowledge, "daily_care"))
            sections.append(_section(knowledge, "urgent_help", css="urgent"))
    sections.append(_next_family(knowledge, fam, rel, minors, uncertain))
    if minors & {str(x["id"]) for x in persons if not x.get("proband")}:
        sections.append(_section(knowledge, "testing_children"))
    sections.append(
        _section(knowledge, "support", items=tuple(f"{org.name}: {org.url}" for org in knowledge.support))
    )
    names = {pid: (r.relationship if r.relationship != "the patient" else p.child) for pid, r in rel.items()}
    return Leaflet(
        child=p.child,
        main_points=tuple(main),
        sections=tuple(s for s in sections if s is not None),
        relatives=tuple(cards),
        names=names,
    )


def _family_section(
    knowledge: IpexKnowledge,
    fam: FamilyConclusions | None,
    persons: Sequence[Mapping[str, Any]],
    known_cause: bool,
    no_variant: bool,
    uncertain: bool,
) -> LeafletSection:
    """What the family's results mean: how the chances were worked out (the table follows)."""
    blocks = [
        b
        for b in (_block(knowledge, "chance_son_of_carrier"), _block(knowledge, "chance_daughter_of_carrier"))
        if b
    ]
    general = [b.text for b in blocks]
    sources = tuple(s for b in blocks for s in b.sources)
    if uncertain:
        return LeafletSection(
            "family",
            "What does it mean for your family?",
            (
                "We have not worked out each relative's chance yet. Nobody knows yet if the change "
                "causes IPEX. Tests of some relatives can help the doctors find out.",
                "A mother who has the change passes it to each child with a 1 in 2 chance.",
            ),
            ("richards_2015", "msd_consumer_xlinked"),
        )
    intro = "We worked out each relative's chance from the family tree and the test results."
    if no_variant:
        intro += " It is the chance of carrying a change in the FOXP3 gene that causes IPEX."
        intro += " No such change has been found in the family yet."
    elif not known_cause:
        intro += " It is the chance of carrying the same change."
        intro += " We do not yet know if this change causes IPEX."
    paragraphs = [intro, *general]
    de_novo = any(
        x.get("test") == "not-found" and float(x.get("p_germline_mosaic") or 0.0) > MOSAIC_SHOWN
        for x in persons
    )
    mosaic = _statement(knowledge, "germline_mosaicism")
    if known_cause and de_novo and mosaic is not None:
        paragraphs.append(
            "A mother whose blood test does not show the change may still have it in some of her egg cells. "
            "So a future baby still has a small chance of it."
        )
        sources += mosaic[1]
    return LeafletSection("family", "What does it mean for your family?", tuple(paragraphs), sources)


def _pregnancies(
    knowledge: IpexKnowledge,
    fam: FamilyConclusions | None,
    rel: Mapping[str, Relative],
    minors: set[str],
    known_cause: bool,
    no_variant: bool,
) -> LeafletSection | None:
    """Future pregnancies of adult women (never figures for a variant of uncertain significance)."""
    if fam is None:
        return _section(knowledge, "pregnancy_options") if known_cause else None
    lines = []
    if fam.variant_status is not FamilyVariantStatus.UNCERTAIN:
        for q in fam.risks.get("pregnancies") or ():
            mother = str(q.get("mother"))
            son = float(q.get("p_affected_son") or 0.0)
            if mother in minors or son <= NEAR_ZERO:
                continue
            who = _who(rel.get(mother), "A relative").lower()
            lines.append(f"If the {who} has a baby boy, his chance of having IPEX is {one_in(son)}.")
    if known_cause and fam.targeted_testing:
        return _section(knowledge, "pregnancy_options", items=lines)
    block = _block(knowledge, "pregnancy_options")
    return LeafletSection(
        "pregnancy_options",
        "Future pregnancies",
        (
            "A test before birth is only offered once the family's change is known to cause IPEX.",
            "Your genetic counsellor can talk with you about your choices.",
        ),
        () if block is None else block.sources,
        tuple(lines) if no_variant else (),
    )


def _next_family(
    knowledge: IpexKnowledge,
    fam: FamilyConclusions | None,
    rel: Mapping[str, Relative],
    minors: set[str],
    uncertain: bool,
) -> LeafletSection | None:
    """What happens next for the family: the testing order of adults (children are not listed)."""
    block = _block(knowledge, "what_next_family")
    if block is None:
        return None
    if uncertain:
        return LeafletSection(
            block.id,
            block.title,
            (
                "Because the effect of the gene change is not known, testing relatives cannot yet tell who "
                "is at risk. The care team may instead ask to test some relatives to find out whether the "
                "change is harmful.",
            ),
            ("richards_2015",),
        )
    order = []
    for step in fam.testing_plan if fam is not None else ():
        pid = str(step.get("id"))
        if not step.get("deferred"):  # a girl's carrier test waits (Botkin et al. 2015); a boy's does not
            order.append(_who(rel.get(pid), "A relative"))
    extra = ("Your care team may suggest tests in this order:",) if order else ()
    section = _section(knowledge, "what_next_family", extra=extra, items=order, ordered=True)
    if section is not None and fam is not None and fam.targeted_testing:
        # the family's change is known to cause IPEX: "most useful once it is known" would read as not yet
        known = tuple(
            x.replace(
                "This is most useful once the change is known to cause IPEX.",
                "The change in your family is known to cause IPEX, so a test can tell who has it.",
            )
            for x in section.paragraphs
        )
        section = replace(section, paragraphs=known)
    return section
