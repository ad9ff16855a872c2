"""Family members' genotypes and phenotypes for PS2/PM6, PP1, BS2 and BS4, and an adapter from the
pedigree."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ipexpath.confirm.model import Zygosity


@dataclass(frozen=True)
class FamilySegregation:
    """One relative of the proband (the proband may be included with is_proband=True)."""

    person_id: str
    sex: str | None  # "male", "female" or None
    affected: bool | None  # None = unknown
    genotype: Zygosity | None  # for the variant being classified; None = not tested
    is_mother_of_proband: bool = False
    is_father_of_proband: bool = False
    age_years: float | None = None
    is_proband: bool = False
    mother: str | None = None
    father: str | None = None

    @property
    def is_parent_of_proband(self) -> bool:
        return self.is_mother_of_proband or self.is_father_of_proband

    @property
    def carries(self) -> bool | None:
        if self.genotype is None or self.genotype == Zygosity.UNKNOWN:
            return None
        return self.genotype != Zygosity.REFERENCE


@dataclass(frozen=True)
class FamilyPerson:
    """A pedigree member independent of the variant (genotypes come from the VCF per variant)."""

    person_id: str
    sex: str | None
    affected: bool | None
    age_years: float | None
    mother: str | None
    father: str | None
    proband: bool
    familial_foxp3_test: bool | None = None  # counsel's targeted test for the familial FOXP3 variant


def _get(obj: Any, *names: str) -> Any:
    for name in names:
        if isinstance(obj, dict) and name in obj:
            return obj[name]
        if hasattr(obj, name):
            return getattr(obj, name)
    return None


def _sex(value: Any) -> str | None:
    text = str(getattr(value, "value", value) or "").strip().lower()
    if text in ("m", "male", "1", "man", "boy"):
        return "male"
    if text in ("f", "female", "2", "woman", "girl"):
        return "female"
    return None


def _affected(value: Any) -> bool | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    text = str(getattr(value, "value", value)).strip().lower()
    if text in ("true", "affected", "yes", "2", "y"):
        return True
    if text in ("false", "unaffected", "no", "1", "n"):
        return False
    return None


def family_from_pedigree(pedigree: Any) -> list[FamilyPerson]:
    """Adapter from `ipexpath.counsel` Pedigree (persons with id, sex, father, mother, affected, age,
    proband)."""
    persons = _get(pedigree, "persons", "people", "members", "individuals")
    if isinstance(persons, dict):
        persons = list(persons.values())
    result = []
    for person in persons or []:
        age = _get(person, "age", "age_years")
        try:
            age_value = float(age) if age is not None else None
        except (TypeError, ValueError):
            age_value = None
        result.append(
            FamilyPerson(
                person_id=str(_get(person, "id", "person_id", "individual_id")),
                sex=_sex(_get(person, "sex")),
                affected=_affected(_get(person, "affected", "status")),
                age_years=age_value,
                mother=_get(person, "mother", "mother_id") or None,
                father=_get(person, "father", "father_id") or None,
                proband=bool(_get(person, "proband", "is_proband")),
                familial_foxp3_test=_test(_get(person, "test")),
            )
        )
    return result


def _test(test: Any) -> bool | None:
    if test is None:
        return None
    result = str(getattr(_get(test, "result"), "value", _get(test, "result")) or "").lower()
    if result == "found":
        return True
    if result in ("not-found", "not_found", "notfound"):
        return False
    return None


def load_family_file(path: Any) -> list[FamilyPerson]:
    """Read a family file with `ipexpath.counsel.load_family` when available, else a PED file."""
    from pathlib import Path

    from ipexpath.errors import InputError

    path = Path(path)
    try:
        from ipexpath.counsel import load_family
    except ImportError:  # counsel not installed: read a plain PED file
        return _read_ped(path, InputError)
    return family_from_pedigree(load_family(path))


def _read_ped(path: Any, error: Any) -> list[FamilyPerson]:
    from ipexpath.files import read_text

    people = []
    for lineno, line in enumerate(read_text(path, "family file").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split()
        if len(cols) < 6:
            raise error(
                f"{path}, line {lineno}: a PED line needs 6 columns (family, id, father, mother, "
                "sex, phenotype)."
            )
        people.append(
            FamilyPerson(
                person_id=cols[1],
                sex=_sex(cols[4]),
                affected=_affected(cols[5]),
                age_years=None,
                mother=None if cols[3] in ("0", ".") else cols[3],
                father=None if cols[2] in ("0", ".") else cols[2],
                proband=False,
            )
        )
    return people


def segregation_for_variant(
    people: list[FamilyPerson],
    genotypes: dict[str, Zygosity],
    proband_id: str | None,
    proband_zygosity: Zygosity,
    gene: str | None = None,
) -> list[FamilySegregation]:
    """Join pedigree members with their genotypes for one variant.

    Genotypes come from the VCF (sample id = person id); for FOXP3 variants, relatives absent from the VCF
    take
    the result of the pedigree's targeted test for the familial variant. Otherwise the genotype is None.
    """
    proband = next((p for p in people if p.person_id == proband_id), None) or next(
        (p for p in people if p.proband), None
    )
    result = []
    for person in people:
        is_proband = proband is not None and person.person_id == proband.person_id
        genotype = proband_zygosity if is_proband else genotypes.get(person.person_id)
        if genotype is None and not is_proband and gene == "FOXP3" and person.familial_foxp3_test is not None:
            genotype = _from_test(person)
        if genotype is not None and person.sex == "male" and genotype == Zygosity.HOMOZYGOUS:
            genotype = Zygosity.HEMIZYGOUS
        result.append(
            FamilySegregation(
                person_id=person.person_id,
                sex=person.sex,
                affected=person.affected,
                genotype=genotype,
                is_mother_of_proband=proband is not None and person.person_id == proband.mother,
                is_father_of_proband=proband is not None and person.person_id == proband.father,
                age_years=person.age_years,
                is_proband=is_proband,
                mother=person.mother,
                father=person.father,
            )
        )
    return result


def _from_test(person: FamilyPerson) -> Zygosity:
    if not person.familial_foxp3_test:
        return Zygosity.REFERENCE
    return Zygosity.HEMIZYGOUS if person.sex == "male" else Zygosity.HETEROZYGOUS
