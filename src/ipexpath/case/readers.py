"""Read a Case from a GA4GH Phenopacket v2 (JSON or YAML), or from ipexpath's small hand-written YAML form.

The phenopacket is validated with the `phenopackets` protobuf schema; only `subject` and
`phenotypicFeatures` are used (never interpretations, so a benchmark cannot read the answer).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from ipexpath.case.ages import onset_class_midpoint, parse_age, parse_iso8601_duration, parse_stated_age
from ipexpath.case.builder import RawTerm, build_case, refuse_contradictions
from ipexpath.case.model import Age, Case, Death, Finding, FindingLevel, Sex, Transplant
from ipexpath.errors import InputError
from ipexpath.files import parse_document, read_text
from ipexpath.knowledge.base import KnowledgeBase

_PHENOPACKET_KEYS = {"phenotypicFeatures", "subject", "metaData"}


def load_document(path: Path) -> dict[str, Any]:
    """Parse a JSON or YAML case file into a mapping, with the file and line in any error."""
    text = read_text(path, "case file")
    if not text.strip():
        raise InputError(f"The case file '{path}' is empty.")
    yaml_allowed = not path.name.lower().removesuffix(".gz").endswith(".json")  # x.yaml.gz is YAML
    data = parse_document(text, str(path), yaml_allowed=yaml_allowed)
    if not isinstance(data, dict):
        raise InputError(f"The case file '{path}' must hold a mapping (keys and values), not a list or text.")
    return data


def read_case(path: Path, kb: KnowledgeBase, *, lenient: bool = False) -> Case:
    """Read a phenopacket (JSON/YAML) or an ipexpath case form from `path`."""
    path = Path(path)
    data = load_document(path)
    if data.get("kind") == "ipexpath assessment" and isinstance(data.get("phenopacket"), dict):
        data = data["phenopacket"]  # an assessment.json (written by `assess`): its phenopacket is the case
    if "proband" in data and isinstance(data["proband"], dict):  # a Phenopacket v2 Family: use the proband
        data = data["proband"]
    if _PHENOPACKET_KEYS & set(data):
        return case_from_phenopacket(data, kb, lenient=lenient, source=str(path))
    if _CASE_EXPORT_KEYS & set(data):
        return case_from_export(data, kb, source=str(path))
    return case_from_form(data, kb, source=str(path))


_CASE_EXPORT_KEYS = {"hpo_version", "age_days", "onset_days"}  # only in `Case.to_dict` (`case --json`)


def case_from_export(data: dict[str, Any], kb: KnowledgeBase, *, source: str) -> Case:
    """Read back the case JSON that `ipexpath case --json` writes (`Case.to_dict`), so one command's output
    is the next one's input; its notes are made again from the terms, not copied."""
    allowed = _CASE_EXPORT_KEYS | {
        "id", "source", "sex", "family_history", "covered", "observed", "excluded", "transplants", "death"
    }  # fmt: skip
    unknown = sorted(set(data) - allowed - {"findings"})
    if unknown:
        raise InputError(
            f"The case file '{source}' has unknown keys: {', '.join(repr(k) for k in unknown)}.",
            "Give the output of `ipexpath case --json` unchanged, a phenopacket or a case form.",
        )

    def days(value: Any, what: str) -> Age | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise InputError(f"In '{source}', '{what}' must be a number of days, not {value!r:.40}.")
        return parse_age(f"{value} days")

    def terms(key: str) -> list[RawTerm]:
        out = []
        for item in _as_list(data.get(key), key, source):
            if not isinstance(item, dict) or not isinstance(item.get("id"), str):
                raise InputError(f"In '{source}', an entry of '{key}' has no HPO 'id': {item!r:.60}.")
            out.append(RawTerm(item["id"], days(item.get("onset_days"), "onset_days"), item.get("label")))
        return out

    def transplants() -> tuple[Transplant, ...]:
        out = []
        for item in _as_list(data.get("transplants"), "transplants", source):
            if not isinstance(item, dict):
                raise InputError(f"In '{source}', an entry of 'transplants' is not a mapping: {item!r:.60}.")
            out.append(Transplant(days(item.get("age_days"), "age_days"), str(item.get("source") or source)))
        return tuple(out)

    observed, excluded = terms("observed"), terms("excluded")
    refuse_contradictions(observed, excluded, source)
    case = build_case(
        kb,
        case_id=str(data.get("id") or Path(source).stem),
        observed=observed,
        excluded=excluded,
        sex=Sex.parse(data.get("sex")),
        age=days(data.get("age_days"), "age_days"),
        onset=days(data.get("onset_days"), "onset_days"),
        family_history=str(data["family_history"]) if data.get("family_history") else None,
        covered=_covered(data.get("covered"), source),
        source=source,
    )
    done = transplants()  # a transplant in the treatment history is never lost (no referral for another)
    death = data.get("death")
    if death is not None and not isinstance(death, dict):
        raise InputError(f"In '{source}', 'death' must be a mapping with 'age_days', not {death!r:.60}.")
    died = (
        None
        if death is None
        else Death(days(death.get("age_days"), "death age_days"), str(death.get("source") or source))
    )
    return replace(case, transplants=done, death=died)


def case_from_phenopacket(
    data: dict[str, Any], kb: KnowledgeBase, *, lenient: bool = False, source: str = "phenopacket"
) -> Case:
    """Build a Case from a phenopacket mapping, validated against the Phenopacket v2 schema."""
    from google.protobuf.json_format import ParseDict, ParseError
    from phenopackets import Phenopacket

    _refuse_version_1(data, source)
    findings: list[Finding] = []
    unknown: list[str] = []
    known_only = _known_fields(data, Phenopacket.DESCRIPTOR, "", unknown)
    if unknown:
        findings.append(
            Finding(
                FindingLevel.WARNING,
                f"Fields outside the Phenopacket v2 schema were ignored: {', '.join(unknown[:10])}"
                + (" …" if len(unknown) > 10 else "")
                + ".",
            )
        )
    try:  # the remaining fields are parsed strictly, so an invalid enum value (sex) is still refused
        packet = ParseDict(known_only, Phenopacket(), ignore_unknown_fields=False)
    except (ParseError, ValueError, TypeError, OverflowError) as exc:
        raise InputError(
            f"'{source}' is not a valid GA4GH Phenopacket v2: {exc}.",
            "Validate the file with phenopacket-tools or compare it with the Phenopacket v2 schema.",
        ) from None
    if len(packet.phenotypic_features) == 0:
        raise InputError(
            f"The phenopacket '{source}' has no phenotypic features.",
            "Add the patient's clinical features as phenotypicFeatures (HPO terms).",
        )
    observed: list[RawTerm] = []
    excluded: list[RawTerm] = []
    for feature in packet.phenotypic_features:
        onset = _time_element_days(feature.onset, findings) if feature.HasField("onset") else None
        raw = RawTerm(feature.type.id, onset, feature.type.label or None)
        (excluded if feature.excluded else observed).append(raw)
    if not lenient:  # a batch of published cases keeps the case (as observed, with a warning)
        refuse_contradictions(observed, excluded, source)
    subject = packet.subject
    if int(subject.sex) not in (0, 1, 2, 3):  # protobuf accepts any number for an enum
        raise InputError(
            f"'{source}': the subject's sex {int(subject.sex)} is not a Phenopacket sex.",
            "Use UNKNOWN_SEX, FEMALE, MALE or OTHER_SEX.",
        )
    sex = {1: Sex.FEMALE, 2: Sex.MALE, 3: Sex.OTHER}.get(int(subject.sex), Sex.UNKNOWN)
    age = (
        _time_element_days(subject.time_at_last_encounter, findings)
        if subject.HasField("time_at_last_encounter")
        else None
    )
    disease_onset = None
    for disease in packet.diseases:  # disease onset when the phenopacket records one
        if disease.HasField("onset"):
            disease_onset = _time_element_days(disease.onset, findings)
            break
    case = build_case(
        kb,
        case_id=packet.id or subject.id or "case",
        observed=observed,
        excluded=excluded,
        sex=sex,
        age=age,
        onset=disease_onset,
        source=source,
        lenient=lenient,
        findings=findings,
    )
    transplants = _transplants_of(packet, findings)
    if transplants:
        case = replace(case, transplants=transplants, findings=tuple(findings))
    if subject.HasField("vital_status") and int(subject.vital_status.status) == _DECEASED:
        died = (
            _time_element_days(subject.vital_status.time_of_death, findings)
            if subject.vital_status.HasField("time_of_death")
            else None
        )
        case = replace(case, death=Death(died, "phenopacket subject.vitalStatus"), findings=tuple(findings))
    return case


_DECEASED = 2  # Phenopacket v2 VitalStatus.Status: UNKNOWN_STATUS 0, ALIVE 1, DECEASED 2


# Procedure codes of an (allogeneic) haematopoietic stem cell transplant in a phenopacket's medicalActions:
# NCIT:C46089 as used by the Monarch dismech curation, NCIT:C15431 as used by the CIEINR registry model
# (shared/reference/treatment-followup.md §6).
HSCT_CODES = frozenset({"NCIT:C46089", "NCIT:C15431"})


def _transplants_of(packet: Any, findings: list[Finding]) -> tuple[Transplant, ...]:
    """The HSCTs in the phenopacket's treatment history (`medicalActions` procedures)."""
    out = []
    for action in packet.medical_actions:
        if action.WhichOneof("action") != "procedure":
            continue
        code = action.procedure.code
        if code.id not in HSCT_CODES and "stem cell transplant" not in code.label.lower():
            continue
        when = (
            _time_element_days(action.procedure.performed, findings)
            if action.procedure.HasField("performed")
            else None
        )
        out.append(Transplant(when, f"phenopacket medicalActions ({code.id or code.label})"))
    if out:
        findings.append(Finding(FindingLevel.INFO, "Treatment history: HSCT already done (medicalActions)."))
    return tuple(out)


def _refuse_version_1(data: dict[str, Any], source: str) -> None:
    """A Phenopacket v1 marks an absent feature `negated` (v2: `excluded`): read as v2, an absent feature
    would become present, so v1 is refused rather than half-read."""
    meta = data.get("metaData")
    version = str(meta.get("phenopacketSchemaVersion") or "") if isinstance(meta, dict) else ""
    features = data.get("phenotypicFeatures")
    negated = isinstance(features, list) and any(isinstance(f, dict) and "negated" in f for f in features)
    if version.strip().lstrip("v").startswith("1") or negated:
        raise InputError(
            f"'{source}' is a Phenopacket v1 (schema version {version or 'not stated'}); ipexpath reads v2, "
            "where an absent feature is 'excluded' rather than 'negated'.",
            "Convert it to Phenopacket v2 first (for example with phenopacket-tools' convert command).",
        )


def _known_fields(value: Any, descriptor: Any, path: str, unknown: list[str]) -> Any:
    """`value` without the keys the protobuf message `descriptor` does not define (their paths go to
    `unknown`); well-known types (Timestamp, Struct, …) are kept whole."""
    if not isinstance(value, dict) or descriptor.full_name.startswith("google.protobuf."):
        return value
    fields = {f.json_name: f for f in descriptor.fields} | {f.name: f for f in descriptor.fields}
    kept: dict[str, Any] = {}
    for key, item in value.items():
        field = fields.get(key)
        if field is None:
            unknown.append(f"{path}{key}")
            continue
        if field.message_type is None:
            kept[key] = item
        elif isinstance(item, list):
            kept[key] = [_known_fields(x, field.message_type, f"{path}{key}.", unknown) for x in item]
        else:
            kept[key] = _known_fields(item, field.message_type, f"{path}{key}.", unknown)
    return kept


def _time_element_days(element: Any, findings: list[Finding]) -> Age | None:
    kind = element.WhichOneof("element")
    try:
        if kind == "age":
            return parse_iso8601_duration(element.age.iso8601duration)
        if kind == "age_range":
            start = parse_iso8601_duration(element.age_range.start.iso8601duration)
            end = parse_iso8601_duration(element.age_range.end.iso8601duration)
            return Age.from_days((start.days + end.days) / 2)
        if kind == "ontology_class":
            return onset_class_midpoint(element.ontology_class.id)
        if kind == "gestational_age":
            return Age.from_gestation(element.gestational_age.weeks, element.gestational_age.days)
    except InputError as exc:
        findings.append(Finding(FindingLevel.WARNING, f"Age ignored: {exc.message}"))
    return None


def case_from_form(data: dict[str, Any], kb: KnowledgeBase, *, source: str = "case form") -> Case:
    """Build a Case from the hand-written form (keys: id, sex, age, onset, observed, excluded, text)."""
    allowed = {
        "id",
        "sex",
        "age",
        "onset",
        "observed",
        "excluded",
        "family_history",
        "text",
        "notes",
        "covered",
        "hsct",
        "deceased",
    }
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise InputError(
            f"The case file '{source}' has unknown keys: {', '.join(repr(k) for k in unknown)}.",
            f"Allowed keys: {', '.join(sorted(allowed))}. (A phenopacket needs 'phenotypicFeatures'.)",
        )
    for key in ("id", "family_history", "text"):  # words, not lists or mappings
        if isinstance(data.get(key), list | dict):
            raise InputError(f"In '{source}', '{key}' must be a single text, not a list or a mapping.")
    observed = [
        _form_term(item, source, "observed") for item in _as_list(data.get("observed"), "observed", source)
    ]
    excluded = [
        _form_term(item, source, "excluded") for item in _as_list(data.get("excluded"), "excluded", source)
    ]
    refuse_contradictions(observed, excluded, source)  # the lists as written (the text's terms may differ)
    findings: list[Finding] = []
    onset = parse_stated_age(data["onset"], f"{source}, onset") if data.get("onset") is not None else None
    history = str(data["family_history"]) if data.get("family_history") else None
    if data.get("text"):
        from ipexpath.knowledge.textmine import recognise

        found = recognise(kb, str(data["text"]))
        seen, negated = found.patient_terms()
        observed += [RawTerm(h.term_id, None, h.label) for h in seen]
        excluded += [RawTerm(h.term_id, None, h.label) for h in negated]
        findings.extend(Finding(FindingLevel.INFO, line) for line in found.describe())
        history = history or found.family_history_note()  # relatives' findings stay family history
        if data.get("deceased") is None:
            findings.extend(death_checks(found))
        if onset is None and found.onset_days is not None:
            onset = Age.from_days(found.onset_days)
            findings.append(
                Finding(FindingLevel.INFO, f"Onset taken from the text: {round(onset.days)} days.")
            )
    if not observed and not excluded:
        raise InputError(
            f"The case file '{source}' lists no clinical features.",
            "Add an 'observed' list of HPO terms (for example - HP:0002014 for diarrhea) or a 'text' field.",
        )
    case = build_case(
        kb,
        case_id=str(data.get("id") or Path(source).stem),
        observed=observed,
        excluded=excluded,
        sex=Sex.parse(data.get("sex")),
        age=parse_stated_age(data["age"], f"{source}, age") if data.get("age") is not None else None,
        onset=onset,
        family_history=history,
        covered=_covered(data.get("covered"), source),
        source=source,
        findings=findings,
    )
    transplants = _form_transplants(data.get("hsct"), source)
    death = form_death(data.get("deceased"), f"{source}, deceased", "case form", case.age)
    return replace(case, transplants=transplants, death=death)


def form_death(value: Any, where: str, source: str, age: Age | None) -> Death | None:
    """`deceased:` / `--deceased`: yes, or the age at death (P5M); no, or nothing, when alive or unknown."""
    if value is None or value is False:
        return None
    if isinstance(value, str) and value.strip().lower() in ("no", "false", "alive", ""):
        return None
    if value is True or (isinstance(value, str) and value.strip().lower() in ("yes", "true", "deceased")):
        return Death(None, source)
    if isinstance(value, int | float) or str(value).strip().replace(".", "", 1).isdigit():
        parse_stated_age(value, where)  # a bare number: says that a unit is needed (P5M or 5 years?)
    try:
        when = parse_stated_age(value, where)
    except (InputError, TypeError, ValueError):
        raise InputError(
            f"{where}: must be yes or the age at death, not {value!r:.40}.",
            "Example: deceased: P5M (died at 5 months), or deceased: yes.",
        ) from None
    if age is not None and when.days > age.days + 0.5:
        raise InputError(
            f"{where}: the age at death ({when.iso8601}) is later than the age given ({age.iso8601}).",
            "Give the age at death as the age, or correct one of the two.",
        )
    return Death(when, source)


DEATH_CHECK = "The text may say that the patient died"  # starts the check; `assess` puts it on page 1


def death_checks(found: Any) -> list[Finding]:
    """A check when the text may say the patient died: recorded only when the user says so (deceased:)."""
    return [
        Finding(
            FindingLevel.WARNING,
            f"{DEATH_CHECK} ('{clause}'); the patient is not recorded as deceased.",
            "If the patient has died, record it (deceased: yes or the age at death, or --deceased), so that "
            "the advice and the family leaflet are written for a bereaved family.",
        )
        for clause in found.patient_death_clauses()
    ]


def _form_transplants(value: Any, source: str) -> tuple[Transplant, ...]:
    """The form's `hsct:` (treatment history): `yes`, the age at the transplant (P1Y2M), or a list of ages."""
    if value is None or value is False:
        return ()
    if value is True or (isinstance(value, str) and value.strip().lower() in ("yes", "done", "true")):
        return (Transplant(None, "case form"),)
    items = value if isinstance(value, list) else [value]
    for item in items:  # a bare number has no unit: say so (P1Y or P1M?) rather than "must be yes"
        if isinstance(item, int | float | str) and str(item).strip().replace(".", "", 1).isdigit():
            parse_stated_age(item, f"{source}, hsct")
    try:
        return tuple(Transplant(parse_stated_age(item, f"{source}, hsct"), "case form") for item in items)
    except (InputError, TypeError, ValueError):
        raise InputError(
            f"{source}: 'hsct' must be yes or the age at the transplant, not {value!r}.",
            "Example: hsct: P1Y2M (a transplant at 14 months), or hsct: yes.",
        ) from None


def _covered(value: Any, source: str) -> str | None:
    """The form's `covered:` (what the genetic test covered): gene symbols or a BED file path."""
    if value is None:
        return None
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return ",".join(v.strip() for v in value)
    if isinstance(value, str) and value.strip():
        return value.strip()
    raise InputError(
        f"{source}: 'covered' must list gene symbols or name a BED file.", "Example: covered: [FOXP3, IL2RA]"
    )


def _as_list(value: Any, key: str, source: str) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, list):
        return value
    raise InputError(
        f"In '{source}', '{key}' must be a list of HPO terms.", f"Write '{key}:' then '- HP:...' lines."
    )


def _form_term(item: Any, source: str, key: str) -> RawTerm:
    if isinstance(item, str):
        return RawTerm(item.split("#")[0].strip())
    if isinstance(item, dict) and "id" in item:
        where = f"{source}, onset of {item['id']}"
        onset = parse_stated_age(item["onset"], where) if item.get("onset") is not None else None
        return RawTerm(str(item["id"]), onset, item.get("label"))
    raise InputError(
        f"In '{source}', an entry of '{key}' is not an HPO term: {item!r}.",
        "Write each term as HP:0002014, or as {id: HP:0002014, onset: P2M}.",
    )
