"""Checks that a family tree is a possible pedigree before any risk is computed.

Every problem is an `InputError` naming the person (and the file line when known): duplicate ids,
parents missing from the file, a female father or male mother, a person listed as their own parent,
and cycles (a person who is their own ancestor).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ipexpath.counsel.pedigree import Pedigree, Person, Sex, TwinType
from ipexpath.errors import InputError


def _where(source: str, lines: Mapping[str, int] | None, person_id: str) -> str:
    line = lines.get(person_id) if lines else None
    if source and line:
        return f"{source}, line {line}: "
    if source:
        return f"{source}: "
    return ""


def check_unique_ids(ids_with_lines: Sequence[tuple[str, int]], source: str = "") -> None:
    """Raise if an id appears twice (names both lines)."""
    first: dict[str, int] = {}
    for person_id, line in ids_with_lines:
        if person_id in first:
            where = f"{source}, " if source else ""
            raise InputError(
                f"{where}line {line}: duplicate id '{person_id}' (first seen on line {first[person_id]}).",
                "Give every person a unique id.",
            )
        first[person_id] = line


def validate_pedigree(pedigree: Pedigree, lines: Mapping[str, int] | None = None) -> Pedigree:
    """Return the pedigree unchanged if it is consistent, otherwise raise an `InputError`."""
    source = pedigree.source
    if not pedigree.persons:
        raise InputError(f"{source or 'The family'} has no people in it.", "Add at least the proband.")
    check_unique_ids([(p.id, (lines or {}).get(p.id, 0)) for p in pedigree.persons], source)
    for person in pedigree.persons:
        _check_parents(pedigree, person, source, lines)
        _check_evidence(person, source, lines)
        _check_twin(pedigree, person, source, lines)
    _check_cycles(pedigree, source, lines)
    return pedigree


def _check_twin(pedigree: Pedigree, person: Person, source: str, lines: Mapping[str, int] | None) -> None:
    """Twins share both recorded parents; monozygotic twins have one sex (they share their genotype)."""
    if person.twin is None or person.twin not in pedigree:
        return
    where = _where(source, lines, person.id)
    twin = pedigree.get(person.twin)
    if (person.father, person.mother) != (twin.father, twin.mother):
        raise InputError(
            f"{where}twins '{person.id}' and '{twin.id}' have different parents in the file.",
            "Give both twins the same father and mother (leave both empty if unknown).",
        )
    if person.adopted != twin.adopted:
        raise InputError(f"{where}twins '{person.id}' and '{twin.id}' differ in 'adopted'.")
    if (
        person.twin_type is TwinType.MONOZYGOTIC
        and Sex.UNKNOWN not in (person.sex, twin.sex)
        and person.sex is not twin.sex
    ):
        raise InputError(
            f"{where}'{person.id}' and '{twin.id}' are recorded as monozygotic twins of different sex.",
            "Monozygotic twins share their chromosomes: check the sexes or write twin_type: dizygotic.",
        )


def _check_parents(pedigree: Pedigree, person: Person, source: str, lines: Mapping[str, int] | None) -> None:
    where = _where(source, lines, person.id)
    for role, parent_id, expected in (
        ("father", person.father, Sex.MALE),
        ("mother", person.mother, Sex.FEMALE),
    ):
        if parent_id is None:
            continue
        if parent_id == person.id:
            raise InputError(
                f"{where}person '{person.id}' is listed as their own {role}.",
                "Check the father/mother columns of this person.",
            )
        if parent_id not in pedigree:
            raise InputError(
                f"{where}the {role} '{parent_id}' of '{person.id}' is not in the file.",
                f"Add a line for '{parent_id}' (sex {expected.value}), or leave the {role} empty (0 in PED).",
            )
        parent = pedigree.get(parent_id)
        if parent.sex is not expected:
            what = (
                "female"
                if parent.sex is Sex.FEMALE
                else ("male" if parent.sex is Sex.MALE else "of unknown sex")
            )
            raise InputError(
                f"{where}'{parent_id}' is the {role} of '{person.id}' but is recorded as {what}.",
                f"A {role} must be {expected.value} for X-linked inheritance; fix the sex of '{parent_id}' "
                "or swap the father and mother columns (PED: 1 = male, 2 = female).",
            )
    if person.father is not None and person.father == person.mother:
        raise InputError(f"{where}'{person.id}' has the same person as father and mother.")


def _check_evidence(person: Person, source: str, lines: Mapping[str, int] | None) -> None:
    where = _where(source, lines, person.id)
    if person.age is not None and not 0.0 <= person.age.years <= 130.0:
        raise InputError(f"{where}age {person.age.years:g} of '{person.id}' is not between 0 and 130 years.")
    if person.test is not None:
        for label, value in (
            ("sensitivity", person.test.sensitivity),
            ("specificity", person.test.specificity),
        ):
            if value is not None and not 0.0 < value <= 1.0:
                raise InputError(
                    f"{where}test {label} {value} of '{person.id}' must be in (0, 1].",
                    "Write it as a fraction, e.g. 0.99.",
                )


def _check_cycles(pedigree: Pedigree, source: str, lines: Mapping[str, int] | None) -> None:
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    for start in pedigree.persons:
        if state.get(start.id) == 2:
            continue
        path: list[str] = []
        stack: list[tuple[str, int]] = [(start.id, 0)]
        while stack:
            person_id, step = stack.pop()
            if step == 0:
                if state.get(person_id) == 2:
                    continue
                state[person_id] = 1
                path.append(person_id)
            person = pedigree.get(person_id)
            parents = [x for x in (person.father, person.mother) if x is not None]
            if step < len(parents):
                stack.append((person_id, step + 1))
                parent = parents[step]
                if state.get(parent) == 1:
                    cycle = [*path[path.index(parent) :], parent]
                    chain = " → ".join(reversed(cycle))
                    raise InputError(
                        f"{_where(source, lines, parent)}'{parent}' is their own ancestor "
                        f"(parent-to-child chain: {chain}).",
                        "Check the father/mother columns of the people in this chain.",
                    )
                if state.get(parent) != 2:
                    stack.append((parent, 0))
            else:
                state[person_id] = 2
                path.pop()
