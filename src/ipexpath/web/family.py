"""The family of a patient as edited in the browser: relatives in the family-file layout, checked by the
counsel reader, with the exact X-linked risks and ipexpath's own pedigree drawing redone after each change.

Nothing here re-implements counselling: the relatives become a family file (`counsel.read_family_data`, which
rejects a male mother, a missing parent or a person who is their own ancestor), the risks come from
`counsel.compute_risks` and the drawing from `counsel.draw_pedigree_svg`. A change that the reader or the risk
engine rejects is not saved; the message is shown next to the form, which keeps what was typed.
"""

from __future__ import annotations

import base64
import re
from dataclasses import asdict, dataclass, replace
from typing import Any

from ipexpath.counsel import Pedigree, RiskResult, compute_risks, draw_pedigree_svg, read_family_data
from ipexpath.errors import InputError, IpexpathError

MAX_RELATIVES = 60  # the editor's limit; larger families belong in a family file given to `ipexpath assess`
RELATIVE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 _.:'()/-]{0,39}$")
SEXES = ("male", "female", "unknown")
AFFECTED = ("unknown", "affected", "unaffected")
TESTS = ("", "found", "not-found")


@dataclass(frozen=True)
class Relative:
    """One person of the family as the editor holds it (the family file's fields, as text)."""

    id: str
    sex: str = "unknown"
    name: str = ""
    father: str = ""
    mother: str = ""
    affected: str = "unknown"
    age: str = ""
    deceased: bool = False
    proband: bool = False
    test: str = ""

    def entry(self) -> dict[str, Any]:
        """The family-file entry (`individuals:` item) read by `counsel.read_family_data`."""
        out: dict[str, Any] = {"id": self.id, "sex": self.sex, "affected": self.affected}
        for key in ("name", "father", "mother", "age", "test"):
            value = getattr(self, key)
            if value:
                out[key] = value
        if self.deceased:
            out["deceased"] = True
        if self.proband:
            out["proband"] = True
        return out

    @classmethod
    def from_entry(cls, entry: dict[str, Any]) -> Relative:
        """A stored entry back into a Relative (unknown keys ignored, values as text)."""
        test = entry.get("test") or ""
        if isinstance(test, dict):
            test = test.get("result", "")
        return cls(
            id=str(entry["id"]),
            sex=str(entry.get("sex", "unknown")),
            name=str(entry.get("name") or ""),
            father=str(entry.get("father") or ""),
            mother=str(entry.get("mother") or ""),
            affected=str(entry.get("affected", "unknown")),
            age=str(entry.get("age") or entry.get("age_at_death") or ""),
            deceased=bool(entry.get("deceased", False) or entry.get("age_at_death") is not None),
            proband=bool(entry.get("proband", False)),
            test=str(test),
        )

    def as_dict(self) -> dict[str, Any]:
        """All fields (for the API and the form's initial values)."""
        return asdict(self)


@dataclass(frozen=True)
class Counselled:
    """A valid family: the pedigree, its exact risks and the drawing (SVG text)."""

    pedigree: Pedigree
    risks: RiskResult
    svg: str

    def svg_data_uri(self) -> str:
        """The drawing as a data: URI for an <img> (an image cannot run script; CSP img-src allows data:)."""
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode("utf-8")).decode("ascii")


def check_relative(person: Relative) -> None:
    """Field-level checks the family reader does not make (id shape, choices, lengths)."""
    if not RELATIVE_ID.match(person.id):
        raise InputError(
            f"The id '{person.id[:60]}' is not usable.",
            "Use up to 40 letters, digits, spaces or . _ : ' ( ) / - (for example II-3), starting with a "
            "letter or digit.",
        )
    if person.sex not in SEXES or person.affected not in AFFECTED or person.test not in TESTS:
        raise InputError("Sex, affected status or test result is not one of the listed choices.")
    if len(person.name) > 80 or len(person.age) > 20:
        raise InputError("The description is limited to 80 characters and the age to 20.")


def counsel(family_id: str, relatives: list[Relative]) -> Counselled:
    """Read the relatives as a family file, compute the exact risks and draw the pedigree (or raise)."""
    if not relatives:
        raise InputError("The family has no people in it.", "Add at least the patient (the proband).")
    if len(relatives) > MAX_RELATIVES:
        raise InputError(
            f"The editor holds at most {MAX_RELATIVES} people.",
            "For a larger family give a family file to `ipexpath assess --family`.",
        )
    for person in relatives:
        check_relative(person)
    data = {"family": family_id, "individuals": [p.entry() for p in relatives]}
    pedigree = read_family_data(data, source="The family")
    try:
        risks = compute_risks(pedigree)
    except IpexpathError:
        raise
    except ValueError as exc:  # evidence the model cannot explain (e.g. contradictory test results)
        raise InputError(f"The risks cannot be computed for this family: {exc}") from None
    return Counselled(pedigree, risks, draw_pedigree_svg(pedigree, risks))


def with_relative(relatives: list[Relative], person: Relative, original: str = "") -> list[Relative]:
    """The family with `person` added, or replacing `original` (a renamed id is renamed in the children's
    father/mother too); marking a proband unmarks any other."""
    if original and original not in {p.id for p in relatives}:
        raise InputError(f"'{original}' is no longer in the family; reload the page.")
    taken = {p.id for p in relatives} - {original}
    if person.id in taken:
        raise InputError(
            f"Another relative already has the id '{person.id}'.", "Give every person a unique id."
        )
    out: list[Relative] = []
    for p in relatives:
        if original and p.id == original:
            out.append(person)
            continue
        if original and original != person.id:
            p = replace(
                p,
                father=person.id if p.father == original else p.father,
                mother=person.id if p.mother == original else p.mother,
            )
        if person.proband and p.proband:
            p = replace(p, proband=False)
        out.append(p)
    if not original:
        out.append(person)
    return out


def without_relative(relatives: list[Relative], person_id: str) -> list[Relative]:
    """The family without `person_id` (the reader then refuses it if the person was someone's parent)."""
    if person_id not in {p.id for p in relatives}:
        raise InputError(f"'{person_id}' is not in the family.")
    return [p for p in relatives if p.id != person_id]


def risk_rows(done: Counselled, relatives: list[Relative]) -> list[dict[str, Any]]:
    """One row per person for the page: who, the prior and the posterior chance of carrying the variant."""
    from ipexpath.numbers import percent

    names = {p.id: p.name for p in relatives}
    return [
        {
            "id": r.id,
            "name": names.get(r.id, ""),
            "sex": r.sex.word,
            "p_variant": percent(r.p_variant),
            "prior": percent(r.prior_p_variant),
        }
        for r in done.risks.individuals
    ]


def pregnancy_rows(done: Counselled) -> list[dict[str, str]]:
    """Future-pregnancy risks of each woman who could have children."""
    from ipexpath.numbers import percent

    return [
        {
            "mother": p.mother,
            "affected_son": percent(p.p_affected_son),
            "carrier_daughter": percent(p.p_carrier_daughter),
        }
        for p in done.risks.pregnancies
    ]
