"""GA4GH Phenopacket v2 exchange of registry patients (schema 2.0: medicalActions, measurements, vitalStatus).

What a phenopacket carries (every packet is checked by parsing it with the `phenopackets` 2.0 classes):
* subject: pseudonym, sex, date of birth as the 15th of the birth month (the registry stores year and month
  only; 1 July with the alternate id `ipexpath:birth_month_unknown` when the month is unknown), vital status
  with time and cause of death, and the last follow-up as `timeAtLastEncounter`;
* phenotypic features (HPO, excluded, onset) and diseases (OMIM, onset);
* medical actions, the treatment blocks: each HSCT as a `Procedure` (NCIT:C46089 Allogeneic Hematopoietic
  Stem Cell Transplantation, performed on day 0) plus a `TherapeuticRegimen` whose external reference holds
  what the schema has no field for (donor, graft source, conditioning, engraftment, GvHD, graft failure;
  reference note §6.1); immunosuppression courses, supportive care and gene or cell therapy as
  `TherapeuticRegimen`s with start, end and status;
* OI scores and chimerism as `Measurement`s. A partial OI score (an item not assessed) is exported as a text
  value ("at least 2 (3 of 5 items assessed; no group)"), never as a number that would read as complete.
The registry fields a phenopacket has no place for (consent, familial case, the diagnosis's dates and variant,
treatment details) travel as JSON in the external reference of the element they belong to (treatments) or in
`metaData.externalReferences` (`ipexpath:registry/<table>/<index>`); the follow-up visits and their laboratory
values, which have no phenopacket element, travel there whole (`ipexpath:registry/visit/<i>`, `…/lab/<i>`), so
export then import loses nothing. Drug, supportive-care and score codes
use the local `ipexpath` prefix: no DrugCentral/RxNorm or LOINC code could be verified offline for them, and a
guessed code would be worse than a local one. A medical action the registry does not know (another procedure
code, a drug `Treatment`, radiation therapy, an unknown regimen code) is refused with its place named, never
dropped.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from google.protobuf import json_format
from phenopackets import Phenopacket

from ipexpath import __version__
from ipexpath.errors import InputError
from ipexpath.files import atomic_write_text
from ipexpath.registry import models as m
from ipexpath.registry.oi import ITEMS, oi_score
from ipexpath.registry.store import Row, TableRows
from ipexpath.registry.tables import TABLE_BY_NAME, TABLES, data_fields

HSCT_CODE = {"id": "NCIT:C46089", "label": "Allogeneic Hematopoietic Stem Cell Transplantation"}
# Read as HSCT too: CIEINR codes its HSCT form with NCIT:C15431 (reference note §4.5).
HSCT_CODES_READ = {"NCIT:C46089", "NCIT:C15431"}
OI_ASSAY = {"id": "ipexpath:oi_score", "label": "IPEX organ-involvement score (Barzaghi 2018, PMID 29241729)"}
OI_PARTIAL = "ipexpath:oi_score_partial"
CHIMERISM_ASSAY = "ipexpath:donor_chimerism_percent"
HSCT_DETAIL_PREFIX = "ipexpath:hsct/"
DRUG_PREFIX = "ipexpath:drug/"
SUPPORTIVE_PREFIX = "ipexpath:supportive/"
GENE_CELL_PREFIX = "ipexpath:gene_cell_therapy/"
REGISTRY_PREFIX = "ipexpath:registry/"
_SEX_OUT = {"male": "MALE", "female": "FEMALE", "other": "OTHER_SEX", "unknown": "UNKNOWN_SEX"}
_SEX_IN = {v: k for k, v in _SEX_OUT.items()}
_VITAL_OUT = {"alive": "ALIVE", "deceased": "DECEASED", "unknown": "UNKNOWN_STATUS"}
_VITAL_IN = {v: k for k, v in _VITAL_OUT.items()}
# Columns a phenopacket carries in its own fields; every other column of the table travels as JSON.
_FIRST_CLASS = {
    "patient": {
        "pseudonym",
        "sex",
        "birth_year",
        "birth_month",
        "vital_status",
        "death_date",
        "last_follow_up",
    },
    "diagnosis": {"disease_id", "disease_label", "onset_date"},
    "phenotype": {"hpo_id", "label", "excluded", "onset_date"},
    "hsct": {"sequence", "day0"},
    "immunosuppression": {"drug", "start", "stop"},
    "supportive_care": {"kind", "start", "stop"},
    "gene_cell_therapy": {"product", "infusion_date"},
    "oi_assessment": {"assessed_on"},
    "chimerism": {"measured_on", "donor_percent"},
}
NOT_CARRIED: tuple[str, ...] = ()  # every table travels (visits and laboratory values as registry JSON)
FOLLOW_UP_TABLES = ("visit", "lab")  # no phenopacket element: carried whole in metaData.externalReferences


def _extra_columns(table: str) -> list[str]:
    return [f.name for f in data_fields(TABLE_BY_NAME[table]) if f.name not in _FIRST_CLASS[table]]


def _extras(table: str, row: Row) -> str:
    """The row's columns without a phenopacket field, as JSON (empty cells left out)."""
    return json.dumps({k: row[k] for k in _extra_columns(table) if row.get(k)}, sort_keys=True)


def _stamp(day: str) -> str:
    return f"{day}T00:00:00Z"


def _day(stamp: str) -> str:
    return stamp[:10]


def _when(element: dict[str, Any], key: str) -> str:
    return _day(((element.get(key) or {}).get("timestamp")) or "")


def _by_patient(data: TableRows) -> dict[str, dict[str, list[Row]]]:
    grouped: dict[str, dict[str, list[Row]]] = {}
    for row in data.get("patient", []):
        grouped[row["pseudonym"]] = {"patient": [row]}
    for table in TABLES[1:]:
        for row in data.get(table.name, []):
            grouped.setdefault(row["patient"], {}).setdefault(table.name, []).append(row)
    return grouped


def _regimen(
    ref_id: str, reference: str, description: str, start: str, stop: str, status: str | None = None
) -> dict[str, Any]:
    regimen: dict[str, Any] = {
        "externalReference": {"id": ref_id, "reference": reference, "description": description},
        "startTime": {"timestamp": _stamp(start)},
        "regimenStatus": status or ("COMPLETED" if stop else "STARTED"),
    }
    if stop:
        regimen["endTime"] = {"timestamp": _stamp(stop)}
    return {"therapeuticRegimen": regimen}


def _oi_measurement(r: Row) -> dict[str, Any]:
    items = {name: r[name] for name, _ in ITEMS}
    flags = {name: {"yes": True, "no": False}.get(value) for name, value in items.items()}
    score = oi_score(flags)
    if score.complete:
        value: dict[str, Any] = {
            "quantity": {"unit": {"id": "ipexpath:points", "label": "points"}, "value": score.points}
        }
    else:
        value = {"ontologyClass": {"id": OI_PARTIAL, "label": score.text()}}
    return {
        "description": json.dumps({"timepoint": r["timepoint"], "assessor": r["assessor"], **items}),
        "assay": OI_ASSAY,
        "value": value,
        "timeObserved": {"timestamp": _stamp(r["assessed_on"])},
    }


def packet_for(pseudonym: str, rows: dict[str, list[Row]]) -> dict[str, Any]:
    """One patient's registry rows as a Phenopacket v2 (JSON-ready dict, validated against the schema)."""
    patient = rows["patient"][0]
    registry_refs: list[dict[str, str]] = [
        {"id": f"{REGISTRY_PREFIX}patient", "description": _extras("patient", patient)}
    ]
    subject: dict[str, Any] = {"id": pseudonym, "sex": _SEX_OUT.get(patient["sex"], "UNKNOWN_SEX")}
    if patient["birth_month"]:
        subject["dateOfBirth"] = _stamp(
            f"{int(patient['birth_year']):04d}-{int(patient['birth_month']):02d}-15"
        )
    else:
        subject["dateOfBirth"] = _stamp(f"{int(patient['birth_year']):04d}-07-01")
        subject["alternateIds"] = ["ipexpath:birth_month_unknown"]
    if patient["last_follow_up"]:
        subject["timeAtLastEncounter"] = {"timestamp": _stamp(patient["last_follow_up"])}
    vital: dict[str, Any] = {"status": _VITAL_OUT.get(patient["vital_status"], "UNKNOWN_STATUS")}
    if patient["death_date"]:
        vital["timeOfDeath"] = {"timestamp": _stamp(patient["death_date"])}
    if patient["cause_of_death"] or patient["death_category"]:
        vital["causeOfDeath"] = {
            "id": f"ipexpath:death/{patient['death_category'] or 'unknown'}",
            "label": patient["cause_of_death"] or patient["death_category"].replace("_", " "),
        }
    subject["vitalStatus"] = vital
    packet: dict[str, Any] = {"id": f"ipexpath-registry-{pseudonym}", "subject": subject}
    packet["phenotypicFeatures"] = []
    for index, r in enumerate(rows.get("phenotype", [])):
        packet["phenotypicFeatures"].append(
            {
                "type": {"id": r["hpo_id"], "label": r["label"]},
                **({"excluded": True} if r["excluded"] == "yes" else {}),
                **({"onset": {"timestamp": _stamp(r["onset_date"])}} if r["onset_date"] else {}),
            }
        )
        registry_refs.append(
            {"id": f"{REGISTRY_PREFIX}phenotype/{index}", "description": _extras("phenotype", r)}
        )
    packet["diseases"] = []
    for index, r in enumerate(rows.get("diagnosis", [])):
        packet["diseases"].append(
            {
                "term": {"id": r["disease_id"], "label": r["disease_label"]},
                **({"onset": {"timestamp": _stamp(r["onset_date"])}} if r["onset_date"] else {}),
            }
        )
        registry_refs.append(
            {"id": f"{REGISTRY_PREFIX}diagnosis/{index}", "description": _extras("diagnosis", r)}
        )
    actions: list[dict[str, Any]] = []
    for r in rows.get("hsct", []):
        actions.append({"procedure": {"code": HSCT_CODE, "performed": {"timestamp": _stamp(r["day0"])}}})
        actions.append(
            _regimen(
                f"{HSCT_DETAIL_PREFIX}{r['sequence']}",
                f"HSCT {r['sequence']}",
                _extras("hsct", r),
                r["day0"],
                "",
                "COMPLETED",
            )
        )
    for r in rows.get("immunosuppression", []):
        slug = r["drug"].strip().lower().replace(" ", "_")
        actions.append(
            _regimen(
                f"{DRUG_PREFIX}{slug}", r["drug"], _extras("immunosuppression", r), r["start"], r["stop"]
            )
        )
    for r in rows.get("supportive_care", []):
        actions.append(
            _regimen(
                f"{SUPPORTIVE_PREFIX}{r['kind']}",
                r["kind"],
                _extras("supportive_care", r),
                r["start"],
                r["stop"],
            )
        )
    for index, r in enumerate(rows.get("gene_cell_therapy", [])):
        actions.append(
            _regimen(
                f"{GENE_CELL_PREFIX}{index}",
                r["product"],
                _extras("gene_cell_therapy", r),
                r["infusion_date"],
                "",
                "COMPLETED",
            )
        )
    packet["medicalActions"] = actions
    measurements: list[dict[str, Any]] = [_oi_measurement(r) for r in rows.get("oi_assessment", [])]
    for r in rows.get("chimerism", []):
        measurements.append(
            {
                "description": json.dumps(
                    {"hsct_sequence": r["hsct_sequence"], **json.loads(_extras("chimerism", r))},
                    sort_keys=True,
                ),
                "assay": {"id": CHIMERISM_ASSAY, "label": f"donor chimerism, {r['lineage']}"},
                "value": {
                    "quantity": {
                        "unit": {"id": "UCUM:%", "label": "percent"},
                        "value": float(r["donor_percent"]),
                    }
                },
                "timeObserved": {"timestamp": _stamp(r["measured_on"])},
            }
        )
    packet["measurements"] = measurements
    for table in FOLLOW_UP_TABLES:  # follow-up visits and their laboratory values, each row whole
        for index, r in enumerate(rows.get(table, [])):
            registry_refs.append(
                {
                    "id": f"{REGISTRY_PREFIX}{table}/{index}",
                    "description": json.dumps(
                        {k: v for k, v in r.items() if k != "patient" and v}, sort_keys=True
                    ),
                }
            )
    packet["metaData"] = {
        "created": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "createdBy": f"ipexpath {__version__} registry export",
        "resources": [
            {
                "id": "hp",
                "name": "human phenotype ontology",
                "namespacePrefix": "HP",
                "url": "http://purl.obolibrary.org/obo/hp.owl",
                "version": "2025-01-16",
                "iriPrefix": "http://purl.obolibrary.org/obo/HP_",
            },
            {
                "id": "omim",
                "name": "Online Mendelian Inheritance in Man",
                "namespacePrefix": "OMIM",
                "url": "https://www.omim.org",
                "version": "unknown",
                "iriPrefix": "https://omim.org/entry/",
            },
            {
                "id": "ncit",
                "name": "NCI Thesaurus",
                "namespacePrefix": "NCIT",
                "url": "http://purl.obolibrary.org/obo/ncit.owl",
                "version": "unknown",
                "iriPrefix": "http://purl.obolibrary.org/obo/NCIT_",
            },
            {
                "id": "ipexpath",
                "name": "ipexpath local registry codes",
                "namespacePrefix": "ipexpath",
                "url": "https://github.com/ipexpath",
                "version": __version__,
                "iriPrefix": "ipexpath:",
            },
        ],
        "phenopacketSchemaVersion": "2.0",
        "externalReferences": registry_refs,
    }
    json_format.ParseDict(packet, Phenopacket())  # raises if the packet does not fit the schema
    return packet


def write_phenopackets(data: TableRows, folder: Path) -> list[Path]:
    """One `<pseudonym>.json` Phenopacket v2 per patient in `folder`."""
    written = []
    for pseudonym, rows in _by_patient(data).items():
        if "patient" not in rows:
            continue
        path = folder / f"{pseudonym}.json"
        atomic_write_text(path, json.dumps(packet_for(pseudonym, rows), indent=2, ensure_ascii=False) + "\n")
        written.append(path)
    return written


def _load(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
        raw = json.loads(text)
        json_format.ParseDict(raw, Phenopacket())
    except UnicodeDecodeError as exc:
        raise InputError(f"{path.name} is not UTF-8 text.") from exc
    except (json.JSONDecodeError, json_format.ParseError, RecursionError, ValueError) as exc:
        raise InputError(f"{path.name} is not a valid Phenopacket v2 JSON file: {exc}.") from exc
    if not isinstance(raw, dict):
        raise InputError(f"{path.name} is not a Phenopacket v2 JSON object.")
    return raw


def _json_object(text: str | None, where: str) -> dict[str, Any]:
    """The JSON object an ipexpath export wrote into a description ({} when empty)."""
    if not text:
        return {}
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{where}: the description is not the JSON an ipexpath export writes ({exc.msg})."
        ) from exc
    if not isinstance(value, dict):
        raise InputError(f"{where}: the description is not a JSON object.")
    return {str(k): "" if v is None else str(v) for k, v in value.items()}


def _term(element: dict[str, Any], key: str, where: str) -> dict[str, Any]:
    term = element.get(key) or {}
    if not term.get("id"):
        raise InputError(f"{where}: '{key}' has no ontology id.")
    return term


def _medical_actions(packet: dict[str, Any], pseudonym: str, name: str, data: TableRows) -> None:
    procedures: list[str] = []
    hsct_rows: list[Row] = []
    for number, action in enumerate(packet.get("medicalActions") or [], start=1):
        where = f"{name}, medical action {number}"
        if "procedure" in action:
            code = _term(action["procedure"], "code", where)
            if code["id"] not in HSCT_CODES_READ:
                raise InputError(
                    f"{where}: procedure {code['id']} ({code.get('label', 'no label')}) is not a treatment "
                    "the registry records.",
                    f"The registry reads HSCT as procedure {HSCT_CODE['id']}; other procedures cannot be "
                    "imported.",
                )
            procedures.append(_when(action["procedure"], "performed"))
            continue
        regimen = action.get("therapeuticRegimen")
        if not regimen:
            kind = next(iter(k for k in action if k != "treatmentTarget"), "unknown")
            raise InputError(
                f"{where}: a '{kind}' action is not a treatment the registry records.",
                "The registry imports HSCT procedures and ipexpath therapeutic regimens (immunosuppression, "
                "supportive care, gene or cell therapy).",
            )
        ref = regimen.get("externalReference") or {}
        ref_id = str(ref.get("id") or (regimen.get("ontologyClass") or {}).get("id") or "")
        details = _json_object(ref.get("description"), where)
        start, stop = _when(regimen, "startTime"), _when(regimen, "endTime")
        row: Row = {"patient": pseudonym}
        if ref_id.startswith(HSCT_DETAIL_PREFIX):
            row.update(details, sequence=ref_id.removeprefix(HSCT_DETAIL_PREFIX), day0=start)
            hsct_rows.append(row)
        elif ref_id.startswith(DRUG_PREFIX):
            row.update(
                details,
                drug=str(ref.get("reference") or ref_id.removeprefix(DRUG_PREFIX)),
                start=start,
                stop=stop,
            )
            data["immunosuppression"].append(row)
        elif ref_id.startswith(SUPPORTIVE_PREFIX):
            row.update(details, kind=ref_id.removeprefix(SUPPORTIVE_PREFIX), start=start, stop=stop)
            data["supportive_care"].append(row)
        elif ref_id.startswith(GENE_CELL_PREFIX):
            row.update(details, product=str(ref.get("reference") or ""), infusion_date=start)
            data["gene_cell_therapy"].append(row)
        else:
            raise InputError(
                f"{where}: treatment code '{ref_id or 'none'}' is not one the registry knows.",
                f"Known codes start with {HSCT_DETAIL_PREFIX}, {DRUG_PREFIX}, {SUPPORTIVE_PREFIX} or "
                f"{GENE_CELL_PREFIX} (as `ipexpath registry export --format phenopacket` writes them).",
            )
    detailed = {row["day0"] for row in hsct_rows}
    next_sequence = max((int(r["sequence"]) for r in hsct_rows if r["sequence"].isdigit()), default=0) + 1
    for day0 in procedures:  # an HSCT procedure without ipexpath details (another tool's phenopacket)
        if day0 not in detailed:
            hsct_rows.append({"patient": pseudonym, "sequence": str(next_sequence), "day0": day0})
            detailed.add(day0)
            next_sequence += 1
    data["hsct"].extend(hsct_rows)


def read_phenopackets(paths: list[Path], centre: str) -> TableRows:
    """Registry rows from Phenopacket v2 files (all of what `write_phenopackets` writes; other tools' packets
    as far as they fit; an unknown treatment is refused with its place named)."""
    data: TableRows = {table.name: [] for table in TABLES}
    for path in paths:
        packet = _load(path)
        name = path.name
        subject = packet.get("subject") or {}
        pseudonym = str(subject.get("id") or "").strip()
        if not pseudonym:
            raise InputError(f"{name}: the phenopacket has no subject id (the patient pseudonym).")
        born = str(subject.get("dateOfBirth") or "")
        if len(born) < 7:
            raise InputError(f"{name}: the subject has no dateOfBirth; the registry needs the birth year.")
        refs = {
            str(ref.get("id")): ref.get("description")
            for ref in (packet.get("metaData") or {}).get("externalReferences") or []
            if str(ref.get("id", "")).startswith(REGISTRY_PREFIX)
        }
        extras = _json_object(refs.get(f"{REGISTRY_PREFIX}patient"), f"{name}, registry patient fields")
        month_unknown = "ipexpath:birth_month_unknown" in (subject.get("alternateIds") or [])
        vital = subject.get("vitalStatus") or {}
        cause = vital.get("causeOfDeath") or {}
        patient: Row = {
            "pseudonym": pseudonym,
            "centre": centre,
            "sex": _SEX_IN.get(subject.get("sex", ""), "unknown"),
            "birth_year": born[:4],
            "birth_month": "" if month_unknown else str(int(born[5:7])),
            "vital_status": _VITAL_IN.get(vital.get("status", ""), "unknown"),
            "death_date": _when(vital, "timeOfDeath"),
            "last_follow_up": _when(subject, "timeAtLastEncounter"),
        }
        if f"{REGISTRY_PREFIX}patient" not in refs and cause:  # another tool's packet
            category = str(cause.get("id", "")).removeprefix("ipexpath:death/")
            extras = {
                "death_category": category if category in m.DeathCategory.values else "",
                "cause_of_death": str(cause.get("label", "")),
            }
        patient.update(extras)
        data["patient"].append(patient)
        for index, feature in enumerate(packet.get("phenotypicFeatures") or []):
            where = f"{name}, phenotypic feature {index + 1}"
            term = _term(feature, "type", where)
            row: Row = {
                "patient": pseudonym,
                "hpo_id": term["id"],
                "label": term.get("label", ""),
                "excluded": "yes" if feature.get("excluded") else "no",
                "onset_date": _when(feature, "onset"),
            }
            row.update(_json_object(refs.get(f"{REGISTRY_PREFIX}phenotype/{index}"), where))
            data["phenotype"].append(row)
        for index, disease in enumerate(packet.get("diseases") or []):
            where = f"{name}, disease {index + 1}"
            term = _term(disease, "term", where)
            row = {
                "patient": pseudonym,
                "disease_id": term["id"],
                "disease_label": term.get("label", ""),
                "onset_date": _when(disease, "onset"),
            }
            row.update(_json_object(refs.get(f"{REGISTRY_PREFIX}diagnosis/{index}"), where))
            data["diagnosis"].append(row)
        _medical_actions(packet, pseudonym, name, data)
        for table in FOLLOW_UP_TABLES:
            prefix = f"{REGISTRY_PREFIX}{table}/"
            numbered = sorted(
                (int(key.removeprefix(prefix)), text)
                for key, text in refs.items()
                if key.startswith(prefix) and key.removeprefix(prefix).isdigit()
            )
            for index, text in numbered:
                row = {"patient": pseudonym}
                row.update(_json_object(text, f"{name}, registry {table} {index + 1}"))
                data[table].append(row)
        for number, measurement in enumerate(packet.get("measurements") or [], start=1):
            where = f"{name}, measurement {number}"
            assay = (measurement.get("assay") or {}).get("id")
            when = _when(measurement, "timeObserved")
            if assay == OI_ASSAY["id"]:
                info = _json_object(measurement.get("description"), where)
                row = {"patient": pseudonym, "assessed_on": when}
                row.update({k: info.get(k, "") for k in ("timepoint", "assessor", *(n for n, _ in ITEMS))})
                data["oi_assessment"].append(row)
            elif assay == CHIMERISM_ASSAY:
                quantity = (measurement.get("value") or {}).get("quantity") or {}
                row = {
                    "patient": pseudonym,
                    "measured_on": when,
                    "donor_percent": str(quantity.get("value", "")),
                }
                row.update(_json_object(measurement.get("description"), where))
                data["chimerism"].append(row)
    return data
