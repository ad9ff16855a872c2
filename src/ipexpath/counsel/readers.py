"""Read a family from PED (LINKAGE 6 columns), a GA4GH Phenopacket v2 `Family`, or a YAML/JSON family file.

Sex codes differ by format and are converted here, once: PED 1 = male, 2 = female, 0 = unknown;
Phenopacket `Sex` enum UNKNOWN_SEX = 0, FEMALE = 1, MALE = 2, OTHER_SEX = 3 (or the names).
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from ipexpath.counsel.pedigree import (
    Adoption,
    Affection,
    Age,
    GeneticTest,
    Pedigree,
    Person,
    Sex,
    TestResult,
    TwinType,
)
from ipexpath.counsel.risk import RiskResult
from ipexpath.counsel.validation import check_unique_ids, validate_pedigree
from ipexpath.errors import InputError
from ipexpath.files import STDIN, parse_document, read_text, safe_text

_PED_SEX = {"1": Sex.MALE, "2": Sex.FEMALE, "0": Sex.UNKNOWN}
_PED_AFFECTED = {
    "1": Affection.UNAFFECTED,
    "2": Affection.AFFECTED,
    "0": Affection.UNKNOWN,
    "-9": Affection.UNKNOWN,
}
_PHENOPACKET_SEX_NUMBER = {0: Sex.UNKNOWN, 1: Sex.FEMALE, 2: Sex.MALE, 3: Sex.UNKNOWN}
_PHENOPACKET_SEX_NAME = {
    "UNKNOWN_SEX": Sex.UNKNOWN,
    "FEMALE": Sex.FEMALE,
    "MALE": Sex.MALE,
    "OTHER_SEX": Sex.UNKNOWN,
}
_PHENOPACKET_AFFECTED = {
    "MISSING": Affection.UNKNOWN,
    "UNAFFECTED": Affection.UNAFFECTED,
    "AFFECTED": Affection.AFFECTED,
    0: Affection.UNKNOWN,
    1: Affection.UNAFFECTED,
    2: Affection.AFFECTED,
}
_SEX_WORDS = {
    "male": Sex.MALE,
    "m": Sex.MALE,
    "female": Sex.FEMALE,
    "f": Sex.FEMALE,
    "unknown": Sex.UNKNOWN,
    "u": Sex.UNKNOWN,
}
_AFFECTED_WORDS = {
    "affected": Affection.AFFECTED,
    "yes": Affection.AFFECTED,
    "true": Affection.AFFECTED,
    "unaffected": Affection.UNAFFECTED,
    "no": Affection.UNAFFECTED,
    "false": Affection.UNAFFECTED,
    "unknown": Affection.UNKNOWN,
}
_RESULT_WORDS = {
    "found": TestResult.FOUND,
    "positive": TestResult.FOUND,
    "variant found": TestResult.FOUND,
    "not-found": TestResult.NOT_FOUND,
    "not found": TestResult.NOT_FOUND,
    "not_found": TestResult.NOT_FOUND,
    "negative": TestResult.NOT_FOUND,
}
_ADOPTED_WORDS = {"in": Adoption.IN, "yes": Adoption.IN, "true": Adoption.IN, "out": Adoption.OUT}
_TWIN_WORDS = {
    "monozygotic": TwinType.MONOZYGOTIC,
    "mz": TwinType.MONOZYGOTIC,
    "identical": TwinType.MONOZYGOTIC,
    "dizygotic": TwinType.DIZYGOTIC,
    "dz": TwinType.DIZYGOTIC,
    "fraternal": TwinType.DIZYGOTIC,
    "unknown": TwinType.UNKNOWN,
}
_AGE_UNITS = {"y": 1.0, "yr": 1.0, "yrs": 1.0, "year": 1.0, "years": 1.0, "m": 1 / 12, "mo": 1 / 12,
              "month": 1 / 12, "months": 1 / 12, "w": 7 / 365.25, "wk": 7 / 365.25, "week": 7 / 365.25,
              "weeks": 7 / 365.25, "d": 1 / 365.25, "day": 1 / 365.25, "days": 1 / 365.25}  # fmt: skip
_ISO_DURATION = re.compile(
    r"^P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?$"
)


def parse_age(value: Any, where: str) -> Age | None:
    """Age from a number (years), '4 mo', '3y', '10 d' or an ISO 8601 duration 'P1Y6M'."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise InputError(f"{where}: age {value!r} is not a number of years.")
    if isinstance(value, int | float):
        age = float(value)
    else:
        text = str(value).strip()
        iso = _ISO_DURATION.match(text.upper())
        if iso and text.upper() != "P":
            y, m, w, d = (float(g) if g else 0.0 for g in iso.groups())
            age = y + m / 12 + w * 7 / 365.25 + d / 365.25
        else:
            match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([a-zA-Z]*)", text)
            if not match or (match.group(2) and match.group(2).lower() not in _AGE_UNITS):
                raise InputError(
                    f"{where}: age {text!r} is not understood.",
                    "Write years as a number (0.5), or '4 mo', '3 y', '10 d', or ISO 8601 like 'P1Y6M'.",
                )
            age = float(match.group(1)) * _AGE_UNITS.get(match.group(2).lower(), 1.0)
    if age < 0 or age > 130:
        raise InputError(f"{where}: age {value!r} is outside 0-130 years.")
    return Age.from_years(age)


def load_family(path: Path | str) -> Pedigree:
    """Read and validate a family: PED (.ped/.fam/.txt), Phenopacket Family JSON, or YAML/JSON family file."""
    path = Path(path)
    text = read_text(path, "family file")
    if not text.strip():
        raise InputError(
            f"The family file '{safe_text(path)}' is empty.",
            "Give a PED file or a family YAML/JSON file (see src/ipexpath/counsel/data/example_family.yaml).",
        )
    suffix = Path(path.name.lower().removesuffix(".gz")).suffix  # family.ped.gz is a PED file
    if str(path) == STDIN:  # piped in: PED if its first line is 6+ columns without ':', else YAML/JSON
        first = next((ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")), "")
        suffix = ".ped" if len(first.split()) >= 6 and ":" not in first else ".yaml"
        path = Path("standard input")
    if suffix in {".ped", ".fam", ".txt", ".tsv"}:
        return read_ped(text, str(path))
    if suffix in {".yaml", ".yml", ".json"}:
        data = _parse_structured(text, str(path), suffix)
        if isinstance(data, dict) and "pedigree" in data and ("proband" in data or "relatives" in data):
            return read_phenopacket_family(data, str(path))
        return read_family_data(data, str(path))
    raise InputError(
        f"'{path}' has an unknown family-file type '{suffix}'.",
        "Use .ped (LINKAGE 6 columns), .yaml/.yml/.json (family file) or a Phenopacket Family .json.",
    )


def _parse_structured(text: str, source: str, suffix: str) -> Any:
    return parse_document(text, source, yaml_allowed=suffix != ".json")


def read_ped(text: str, source: str = "PED") -> Pedigree:
    """LINKAGE 6 columns: family, id, father, mother, sex (1 M, 2 F, 0 unknown), phenotype (1, 2, 0/-9)."""
    rows: list[tuple[int, list[str]]] = []
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip() if raw.lstrip().startswith("#") else raw.strip()
        if not line:
            continue
        cols = line.split()
        if len(cols) < 6:
            raise InputError(
                f"{source}, line {lineno}: expected 6 columns (family id father mother sex phenotype), "
                f"found {len(cols)}.",
                "Separate columns by tabs or spaces; write 0 for an unknown parent.",
            )
        rows.append((lineno, cols))
    if not rows:
        raise InputError(f"{source} has no pedigree lines.")
    families = {cols[0] for _, cols in rows}
    if len(families) > 1:
        raise InputError(
            f"{source} holds {len(families)} families ({', '.join(sorted(families))}).",
            "Split the file so it holds one family.",
        )
    check_unique_ids([(cols[1], lineno) for lineno, cols in rows], source)
    persons = []
    lines: dict[str, int] = {}
    for lineno, cols in rows:
        _fam, pid, father, mother, sex_code, pheno = cols[:6]
        if sex_code not in _PED_SEX:
            raise InputError(
                f"{source}, line {lineno}: sex code '{sex_code}' of '{pid}' is not 1 (male), 2 (female) "
                "or 0 (unknown).",
                "PED codes sex as 1 = male, 2 = female, 0 = unknown.",
            )
        if pheno not in _PED_AFFECTED:
            raise InputError(
                f"{source}, line {lineno}: phenotype '{pheno}' of '{pid}' is not 1, 2, 0 or -9.",
                "PED codes phenotype as 1 = unaffected, 2 = affected, 0 or -9 = unknown.",
            )
        persons.append(
            Person(
                id=pid,
                sex=_PED_SEX[sex_code],
                father=None if father == "0" else father,
                mother=None if mother == "0" else mother,
                affected=_PED_AFFECTED[pheno],
            )
        )
        lines[pid] = lineno
    return validate_pedigree(Pedigree(rows[0][1][0], tuple(persons), source), lines)


# Fields `family --json` and assessment.json add to each family-file entry; recomputed, so ignored on reading.
OUTPUT_FIELDS = frozenset({"p_variant", "genotype", "prior_p_variant", "p_germline_mosaic", "minor"})


def person_entry(person: Person) -> dict[str, Any]:
    """One person as a family-file entry (the inverse of the reader): the rows `family --json` and the family
    of assessment.json write under `individuals`, so what one command writes the next reads back."""
    test: Any = None
    if person.test is not None:
        extra = {"sensitivity": person.test.sensitivity, "specificity": person.test.specificity}
        test = (
            person.test.result.value
            if all(v is None for v in extra.values())
            else {"result": person.test.result.value, **{k: v for k, v in extra.items() if v is not None}}
        )
    return {
        "id": person.id,
        "name": person.name,
        "sex": person.sex.word,
        "father": person.father,
        "mother": person.mother,
        "affected": person.affected.value,
        "age": person.age_years,  # years (for a deceased person, the age at death)
        "deceased": person.deceased,
        "proband": person.proband,
        "test": test,
        "adopted": None if person.adopted is None else person.adopted.value,
        "twin": person.twin,
        "twin_type": None if person.twin_type is None else person.twin_type.value,
    }


def family_json(pedigree: Pedigree, result: RiskResult) -> dict[str, Any]:
    """The JSON of `ipexpath family --json`: the risks, with each row the person's family-file entry plus
    their risk, under `individuals` as in the family file and in assessment.json (this module reads it)."""
    data = result.to_dict()
    data["individuals"] = [{**person_entry(pedigree.get(r.id)), **r.to_dict()} for r in result.individuals]
    return data


def read_family_data(data: Any, source: str = "family file") -> Pedigree:
    """The YAML/JSON family file: `family`, `individuals: [{id, sex, father, mother, affected, age, ...}]`.

    The same reader takes back what ipexpath writes: the output of `family --json`, an assessment.json (its
    `family`) and, for files written before the schema was unified, its old `persons` key.
    """
    if isinstance(data, dict) and data.get("kind") == "ipexpath assessment":
        if not isinstance(data.get("family"), dict):
            raise InputError(
                f"{source}: this assessment.json has no family (it was assessed without a family file).",
                "Give the family file itself (YAML/JSON, PED or Phenopacket Family).",
            )
        data = data["family"]
    key = "individuals"
    if isinstance(data, dict) and "individuals" not in data and isinstance(data.get("persons"), list):
        key = "persons"  # assessment.json written before the family schema was unified
    if not isinstance(data, dict) or not isinstance(data.get(key), list):
        raise InputError(
            f"{source}: expected a mapping with a list 'individuals'.",
            "See src/ipexpath/counsel/data/example_family.yaml for the layout.",
        )
    entries = data[key]
    ids_with_pos = []
    for n, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict) or "id" not in entry:
            raise InputError(f"{source}: individual #{n} has no 'id'.")
        ids_with_pos.append((str(entry["id"]), n))
    _check_unique_entries(ids_with_pos, source)
    persons = [_person_from_entry(entry, f"{source}, individual '{entry['id']}'") for entry in entries]
    family_id = str(data.get("family") or data.get("family_id") or data.get("id") or Path(source).stem)
    return validate_pedigree(Pedigree(family_id, _pair_twins(persons, source), source))


def _pair_twins(persons: list[Person], source: str) -> tuple[Person, ...]:
    """`twin:` may be written on one twin only: both get it, with one zygosity (contradictions are errors)."""
    by_id = {p.id: p for p in persons}
    pairs: dict[str, tuple[str, TwinType]] = {}
    for p in persons:
        if p.twin is None:
            continue
        if p.twin not in by_id or p.twin == p.id:
            raise InputError(
                f"{source}: the twin '{p.twin}' of '{p.id}' is not another person in the file.",
                "Write `twin:` with the id of the co-twin, who must have the same parents.",
            )
        kind = p.twin_type or TwinType.UNKNOWN
        for a, b in ((p.id, p.twin), (p.twin, p.id)):
            known = pairs.get(a)
            if known is not None and known[0] != b:
                raise InputError(
                    f"{source}: '{a}' is named as the twin of both '{known[0]}' and '{b}'.",
                    "Name one co-twin per person (triplets are not supported).",
                )
            if known is not None and TwinType.UNKNOWN not in (known[1], kind) and known[1] is not kind:
                raise InputError(
                    f"{source}: twins '{p.id}' and '{p.twin}' are given two zygosities "
                    f"({known[1].value}, {kind.value}).",
                )
            if known is None or known[1] is TwinType.UNKNOWN:
                pairs[a] = (b, kind)
    return tuple(
        replace(p, twin=pairs[p.id][0], twin_type=pairs[p.id][1]) if p.id in pairs else p for p in persons
    )


def _check_unique_entries(ids_with_pos: list[tuple[str, int]], source: str) -> None:
    first: dict[str, int] = {}
    for pid, n in ids_with_pos:
        if pid in first:
            raise InputError(
                f"{source}: duplicate id '{pid}' (individuals #{first[pid]} and #{n}).",
                "Give every person a unique id.",
            )
        first[pid] = n


def _word(value: Any, table: dict[str, Any], what: str, where: str) -> Any:
    key = str(value).strip().lower()
    if key not in table:
        allowed = ", ".join(sorted({k for k in table if len(k) > 1}))
        raise InputError(f"{where}: {what} {value!r} is not one of: {allowed}.")
    return table[key]


def _probability(value: Any, what: str, where: str) -> float | None:
    if value is None:
        return None
    try:
        p = float(value)
    except (TypeError, ValueError):
        raise InputError(f"{where}: {what} {value!r} is not a number.") from None
    if not 0.0 < p <= 1.0:
        raise InputError(f"{where}: {what} {p:g} must be in (0, 1].", "Write it as a fraction, e.g. 0.99.")
    return p


def parse_test(value: Any, where: str) -> GeneticTest | None:
    """`test: found` or `test: {result: not-found, sensitivity: 0.95, specificity: 1}`."""
    if value is None:
        return None
    if isinstance(value, str):
        return GeneticTest(_word(value, _RESULT_WORDS, "test result", where))
    if not isinstance(value, dict) or "result" not in value:
        raise InputError(f"{where}: 'test' must be 'found', 'not-found' or a mapping with 'result'.")
    return GeneticTest(
        _word(value["result"], _RESULT_WORDS, "test result", where),
        _probability(value.get("sensitivity"), "test sensitivity", where),
        _probability(value.get("specificity"), "test specificity", where),
    )


def _person_from_entry(entry: dict[str, Any], where: str) -> Person:
    known = {"id", "sex", "father", "mother", "affected", "age", "age_at_death", "deceased", "proband",
             "test", "name", "notes", "adopted", "twin", "twin_type"}  # fmt: skip
    unknown = sorted(set(entry) - known - OUTPUT_FIELDS)
    if unknown:
        raise InputError(
            f"{where}: unknown field(s) {', '.join(unknown)}.", f"Known fields: {', '.join(sorted(known))}."
        )
    if "sex" not in entry:
        raise InputError(f"{where}: 'sex' is missing.", "Give sex as male, female or unknown.")
    affected_raw = entry.get("affected", "unknown")
    if isinstance(affected_raw, bool):
        affected = Affection.AFFECTED if affected_raw else Affection.UNAFFECTED
    else:
        affected = _word(affected_raw, _AFFECTED_WORDS, "affected status", where)
    deceased = bool(entry.get("deceased", False) or entry.get("age_at_death") is not None)
    age = parse_age(entry.get("age_at_death", entry.get("age")), where)
    return Person(
        id=str(entry["id"]),
        sex=_word(entry["sex"], _SEX_WORDS, "sex", where),
        father=_optional_id(entry.get("father")),
        mother=_optional_id(entry.get("mother")),
        affected=affected,
        age=age,
        deceased=deceased,
        proband=bool(entry.get("proband", False)),
        test=parse_test(entry.get("test"), where),
        name=str(entry["name"]) if entry.get("name") is not None else None,
        adopted=_adopted(entry.get("adopted"), where),
        twin=_optional_id(entry.get("twin")),
        twin_type=(
            _word(entry["twin_type"], _TWIN_WORDS, "twin_type", where)
            if entry.get("twin_type") is not None
            else (TwinType.UNKNOWN if _optional_id(entry.get("twin")) else None)
        ),
    )


def _adopted(value: Any, where: str) -> Adoption | None:
    """`adopted: in` (the listed parents are adoptive; `true` means the same), `out`, or absent/false."""
    if value is None or value is False or str(value).strip().lower() in {"", "no", "false"}:
        return None
    return _word(value, _ADOPTED_WORDS, "adopted", where)  # type: ignore[no-any-return]


def _optional_id(value: Any) -> str | None:
    if value is None or str(value).strip() in {"", "0"}:
        return None
    return str(value)


def read_phenopacket_family(data: dict[str, Any], source: str = "Phenopacket Family") -> Pedigree:
    """GA4GH Phenopacket v2 `Family`: pedigree persons, plus age, death and tests from their phenopackets."""
    _validate_phenopacket_family(data, source)
    pedigree = data.get("pedigree") or {}
    persons_raw = pedigree.get("persons") or []
    if not persons_raw:
        raise InputError(f"{source}: the Family has no pedigree.persons.")
    packets: dict[str, dict[str, Any]] = {}
    proband_id = None
    for packet in [data.get("proband"), *(data.get("relatives") or [])]:
        if isinstance(packet, dict) and isinstance(packet.get("subject"), dict):
            sid = str(packet["subject"].get("id", ""))
            packets[sid] = packet
            if packet is data.get("proband"):
                proband_id = sid
    ids = [(str(p.get("individualId", p.get("individual_id", ""))), n) for n, p in enumerate(persons_raw, 1)]
    _check_unique_entries(ids, source)
    persons = []
    for raw in persons_raw:
        pid = str(raw.get("individualId", raw.get("individual_id", "")))
        where = f"{source}, person '{pid}'"
        if not pid:
            raise InputError(f"{source}: a pedigree person has no individualId.")
        sex_value = raw.get("sex", "UNKNOWN_SEX")
        if isinstance(sex_value, int) and sex_value in _PHENOPACKET_SEX_NUMBER:
            sex = _PHENOPACKET_SEX_NUMBER[sex_value]
        elif isinstance(sex_value, str) and sex_value.upper() in _PHENOPACKET_SEX_NAME:
            sex = _PHENOPACKET_SEX_NAME[sex_value.upper()]
        else:
            raise InputError(
                f"{where}: sex {sex_value!r} is not a Phenopacket Sex.",
                "Use MALE, FEMALE, UNKNOWN_SEX (enum numbers: FEMALE = 1, MALE = 2 — not the PED codes).",
            )
        status = raw.get("affectedStatus", raw.get("affected_status", "MISSING"))
        if status not in _PHENOPACKET_AFFECTED:
            raise InputError(f"{where}: affectedStatus {status!r} is not MISSING, UNAFFECTED or AFFECTED.")
        age, deceased, test = _evidence_from_packet(packets.get(pid), where)
        persons.append(
            Person(
                id=pid,
                sex=sex,
                father=_optional_id(raw.get("paternalId", raw.get("paternal_id"))),
                mother=_optional_id(raw.get("maternalId", raw.get("maternal_id"))),
                affected=_PHENOPACKET_AFFECTED[status],
                age=age,
                deceased=deceased,
                proband=pid == proband_id,
                test=test,
            )
        )
    family_id = str(data.get("id") or (persons_raw[0].get("familyId") if persons_raw else "") or "family")
    return validate_pedigree(Pedigree(family_id, tuple(persons), source))


def _validate_phenopacket_family(data: dict[str, Any], source: str) -> None:
    """Parse with the official protobuf classes so misspelt fields are reported."""
    try:
        from google.protobuf import json_format
        from phenopackets import Family
    except ImportError:  # the schema package is a declared dependency; be lenient if absent
        return
    try:
        json_format.ParseDict(data, Family(), ignore_unknown_fields=False)
    except json_format.ParseError as exc:
        raise InputError(f"{source}: not a valid Phenopacket v2 Family ({exc}).") from exc


def _evidence_from_packet(
    packet: dict[str, Any] | None, where: str
) -> tuple[Age | None, bool, GeneticTest | None]:
    if packet is None:
        return None, False, None
    subject = packet.get("subject", {})
    vital = subject.get("vitalStatus", subject.get("vital_status")) or {}
    deceased = str(vital.get("status", "")).upper() == "DECEASED"
    age = None
    time_of_death = vital.get("timeOfDeath", vital.get("time_of_death")) or {}
    encounter = subject.get("timeAtLastEncounter", subject.get("time_at_last_encounter")) or {}
    for element in ((time_of_death if deceased else {}), encounter):
        iso = (element.get("age") or {}).get("iso8601duration")
        if iso:
            age = parse_age(iso, where)
            break
    test = None
    for interpretation in packet.get("interpretations") or []:
        diagnosis = interpretation.get("diagnosis") or {}
        for gi in diagnosis.get("genomicInterpretations") or []:
            status = str(gi.get("interpretationStatus", "")).upper()
            if status in {"CAUSATIVE", "CONTRIBUTORY"}:
                test = GeneticTest(TestResult.FOUND)
            elif status == "REJECTED" and test is None:
                test = GeneticTest(TestResult.NOT_FOUND)
    return age, deceased, test
