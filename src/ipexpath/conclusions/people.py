"""Family members named by their relationship to the patient ("the mother", "a sister", "uncle on the mother's
side"), worked out from the pedigree's parent links.

The leaflet speaks of relationships, never of pedigree codes (III-1); the report names both. When the drawing
does not settle it, the name the family file gives is used, else "relative".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["Relative", "relationships"]


@dataclass(frozen=True)
class Relative:
    """One family member's relationship to the patient, in words for professionals and for the family."""

    id: str
    relationship: str  # "maternal grandmother", "sister", "the patient"
    side: str | None  # "mother's side", "father's side" or None


def _sex(person: Mapping[str, Any]) -> str:
    return str(person.get("sex") or "").lower()


def _word(person: Mapping[str, Any], male: str, female: str, neutral: str) -> str:
    sex = _sex(person)
    return male if sex == "male" else female if sex == "female" else neutral


def relationships(persons: Sequence[Mapping[str, Any]], proband: str) -> dict[str, Relative]:
    """Every person's relationship to the proband, worked out from the parent links of the pedigree."""
    by_id = {str(p["id"]): p for p in persons}
    parents = {pid: (p.get("father"), p.get("mother")) for pid, p in by_id.items()}

    def parent_set(pid: str | None) -> set[str]:
        return {str(x) for x in parents.get(str(pid), (None, None)) if x} if pid else set()

    me = by_id.get(proband, {})
    father, mother = me.get("father"), me.get("mother")
    my_parents = parent_set(proband)
    out: dict[str, Relative] = {proband: Relative(proband, "the patient", None)}
    side_of = {str(father): "father's side", str(mother): "mother's side"}
    for pid, person in by_id.items():
        if pid == proband:
            continue
        rel: str | None = None
        side: str | None = None
        pp = parent_set(pid)
        if pid == str(mother):
            rel = "mother"
        elif pid == str(father):
            rel = "father"
        elif pp and pp == my_parents:
            rel = _word(person, "brother", "sister", "sibling")
        elif pp and pp & my_parents:
            rel = _word(person, "half-brother", "half-sister", "half-sibling")
        elif proband in parents.get(pid, ()) or str(proband) in {str(x) for x in parents.get(pid, ())}:
            rel = _word(person, "son", "daughter", "child")
        else:
            for parent in my_parents:
                if pid in parent_set(parent):
                    side = side_of.get(parent)
                    rel = _word(person, "grandfather", "grandmother", "grandparent")
                    break
                if pp and pp == parent_set(parent) and pp:
                    side = side_of.get(parent)
                    rel = _word(person, "uncle", "aunt", "parent's sibling")
                    break
            if rel is None:
                found = _cousin_or_in_law(pid, person, parents, my_parents, side_of)
                if found is not None:
                    rel, side = found
        if rel is None:
            named = str(person.get("name") or "").strip()
            rel = named if named else "relative"
        elif rel in ("brother", "sister", "sibling") and str(person.get("twin") or "") == str(proband):
            identical = person.get("twin_type") == "monozygotic"
            rel = f"{'identical ' if identical else ''}twin {rel}"
        if person.get("adopted") == "in" and rel != "relative":
            rel = f"adopted {rel}"  # not a blood relative (Bennett et al. 2008 draws the brackets)
        out[pid] = Relative(pid, rel, side)
    return out


def _cousin_or_in_law(
    pid: str,
    person: Mapping[str, Any],
    parents: Mapping[str, tuple[Any, Any]],
    my_parents: set[str],
    side_of: Mapping[str, str],
) -> tuple[str, str | None] | None:
    """('cousin', "mother's side"), ('uncle by marriage', …) or None."""
    grandparents = {parent: {str(x) for x in parents.get(parent, (None, None)) if x} for parent in my_parents}
    for parent, gps in grandparents.items():
        if not gps:
            continue
        piblings = {
            q for q, qp in parents.items() if q not in my_parents and {str(x) for x in qp if x} == gps
        }
        mine = {str(x) for x in parents.get(pid, (None, None)) if x}
        if mine & piblings:
            return "cousin", side_of.get(parent)
        # partner of an aunt or uncle: shares a child with one
        for cp in parents.values():
            cps = {str(x) for x in cp if x}
            if pid in cps and cps & piblings:
                word = _word(person, "uncle by marriage", "aunt by marriage", "relative by marriage")
                return word, side_of.get(parent)
    return None
