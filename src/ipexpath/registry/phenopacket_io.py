"""GA4GH Phenopacket v2 exchange of registry patients (schema 2.0: medicalActions, measurements, vitalStatus).

What a phenopacket carries (checked by parsing every packet with the `phenopackets` 2.0 protobuf classes):
subject (pseudonym, sex, date of birth as the 15th of the birth month — the registry stores year and month
only —, vital status with time and cause of death and survival time), phenotypic features (HPO, excluded,
onset), diseases (OMIM), HSCT as a `Procedure` (NCIT:C46089 Allogeneic Hematopoietic Stem Cell
Transplantation) with its details in a `TherapeuticRegimen` external reference (the schema has no field for
donor type, graft source or conditioning; reference note §6.1), immunosuppression courses as `Treatment` plus
`TherapeuticRegimen` (start/stop/status), and OI scores and chimerism as `Measurement`s. Drug and score codes
use the local `ipexpath` prefix: no DrugCentral/RxNorm or LOINC code could be verified offline for them, and a
guessed code would be worse than a local one. Fields a phenopacket cannot carry (visits' growth, lab values,
supportive care, gene therapy, audit) are exported by the CSV and REDCap formats.
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
from ipexpath.registry.oi import ITEMS
from ipexpath.registry.store import Row, TableRows
from ipexpath.registry.tables import TABLES

HSCT_CODE = {"id": "NCIT:C46089", "label": "Allogeneic Hematopoietic Stem Cell Transplantation"}
OI_ASSAY = {"id": "ipexpath:oi_score", "label": "IPEX organ-involvement score (Barzaghi 2018, PMID 29241729)"}
CHIMERISM_ASSAY = "ipexpath:donor_chimerism_percent"
HSCT_DETAIL_PREFIX = "ipexpath:hsct/"
_SEX_OUT = {"male": "MALE", "female": "FEMALE", "other": "OTHER_SEX", "unknown": "UNKNOWN_SEX"}
_SEX_IN = {v: k for k, v in _SEX_OUT.items()}
_VITAL_OUT = {"alive": "ALIVE", "deceased": "DECEASED", "unknown": "UNKNOWN_STATUS"}
_VITAL_IN = {v: k for k, v in _VITAL_OUT.items()}
_HSCT_DETAILS = (
    "kind",
    "donor_type",
    "hla_match",
    "stem_cell_source",
    "graft_manipulation",
    "cd34_dose_per_kg",
    "conditioning_intensity",
    "conditioning_regimen",
    "serotherapy",
    "gvhd_prophylaxis",
    "neutrophil_engraftment",
    "platelet_engraftment",
    "acute_gvhd_grade",
    "chronic_gvhd",
    "graft_failure",
    "graft_failure_date",
)
_IS_DETAILS = ("drug_class", "dose", "stop_reason", "response")


def _stamp(day: str) -> str:
    return f"{day}T00:00:00Z"


def _day(stamp: str) -> str:
    return stamp[:10]


def _by_patient(data: TableRows) -> dict[str, dict[str, list[Row]]]:
    grouped: dict[str, dict[str, list[Row]]] = {}
    for row in data.get("patient", []):
        grouped[row["pseudonym"]] = {"patient": [row]}
    for table in TABLES[1:]:
        for row in data.get(table.name, []):
            grouped.setdefault(row["patient"], {}).setdefault(table.name, []).append(row)
    return grouped


def packet_for(pseudonym: str, rows: dict[str, list[Row]]) -> dict[str, Any]:
    """One patient's registry rows as a Phenopacket v2 (JSON-ready dict, validated against the schema)."""
    patient = rows["patient"][0]
    subject: dict[str, Any] = {"id": pseudonym, "sex": _SEX_OUT.get(patient["sex"], "UNKNOWN_SEX")}
    if patient["birth_month"]:
        subject["dateOfBirth"] = _stamp(
            f"{int(patient['birth_year']):04d}-{int(patient['birth_month']):02d}-15"
        )
    else:
        subject["dateOfBirth"] = _stamp(f"{int(patient['birth_year']):04d}-07-01")
        subject["alternateIds"] = ["ipexpath:birth_month_unknown"]
    vital: dict[str, Any] = {"status": _VITAL_OUT.get(patient["vital_status"], "UNKNOWN_STATUS")}
    if patient["death_date"]:
        vital["timeOfDeath"] = {"timestamp": _stamp(patient["death_date"])}
    if patient["cause_of_death"] or patient["death_category"]:
        vital["causeOfDeath"] = {
            "id": f"ipexpath:death/{patient['death_category'] or 'unknown'}",
            "label": patient["cause_of_death"] or patient["death_category"],
        }
    subject["vitalStatus"] = vital
    packet: dict[str, Any] = {"id": f"ipexpath-registry-{pseudonym}", "subject": subject}
    packet["phenotypicFeatures"] = [
        {
            "type": {"id": r["hpo_id"], "label": r["label"]},
            **({"excluded": True} if r["excluded"] == "yes" else {}),
            **({"onset": {"timestamp": _stamp(r["onset_date"])}} if r["onset_date"] else {}),
        }
        for r in rows.get("phenotype", [])
    ]
    packet["diseases"] = [
        {
            "term": {"id": r["disease_id"], "label": r["disease_label"]},
            **({"onset": {"timestamp": _stamp(r["onset_date"])}} if r["onset_date"] else {}),
        }
        for r in rows.get("diagnosis", [])
    ]
    actions: list[dict[str, Any]] = []
    for r in rows.get("hsct", []):
        actions.append({"procedure": {"code": HSCT_CODE, "performed": {"timestamp": _stamp(r["day0"])}}})
        details = {key: r[key] for key in _HSCT_DETAILS if r.get(key)}
        actions.append(
            {
                "therapeuticRegimen": {
                    "externalReference": {
                        "id": f"{HSCT_DETAIL_PREFIX}{r['sequence']}",
                        "description": json.dumps(details, sort_keys=True),
                    },
                    "startTime": {"timestamp": _stamp(r["day0"])},
                    "regimenStatus": "COMPLETED",
                }
            }
        )
    for r in rows.get("immunosuppression", []):
        regimen: dict[str, Any] = {
            "externalReference": {
                "id": f"ipexpath:drug/{r['drug'].strip().lower().replace(' ', '_')}",
                "reference": r["drug"],
                "description": json.dumps({k: r[k] for k in _IS_DETAILS if r.get(k)}, sort_keys=True),
            },
            "startTime": {"timestamp": _stamp(r["start"])},
            "regimenStatus": "COMPLETED" if r["stop"] else "STARTED",
        }
        if r["stop"]:
            regimen["endTime"] = {"timestamp": _stamp(r["stop"])}
        actions.append({"therapeuticRegimen": regimen})
    packet["medicalActions"] = actions
    measurements: list[dict[str, Any]] = []
    for r in rows.get("oi_assessment", []):
        items = {name: r[name] for name, _ in ITEMS}
        measurements.append(
            {
                "description": json.dumps({"timepoint": r["timepoint"], "assessor": r["assessor"], **items}),
                "assay": OI_ASSAY,
                "value": {
                    "quantity": {
                        "unit": {"id": "ipexpath:points", "label": "points"},
                        "value": sum(1 for v in items.values() if v == "yes"),
                    }
                },
                "timeObserved": {"timestamp": _stamp(r["assessed_on"])},
            }
        )
    for r in rows.get("chimerism", []):
        measurements.append(
            {
                "description": json.dumps(
                    {"hsct_sequence": r["hsct_sequence"], "lineage": r["lineage"], "method": r["method"]}
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


def read_phenopackets(paths: list[Path], centre: str) -> TableRows:
    """Registry rows from Phenopacket v2 files (the layout `write_phenopackets` writes; others in part)."""
    data: TableRows = {table.name: [] for table in TABLES}
    for path in paths:
        packet = _load(path)
        subject = packet.get("subject") or {}
        pseudonym = str(subject.get("id") or "").strip()
        if not pseudonym:
            raise InputError(f"{path.name}: the phenopacket has no subject id (the patient pseudonym).")
        born = str(subject.get("dateOfBirth") or "")
        if len(born) < 7:
            raise InputError(
                f"{path.name}: the subject has no dateOfBirth; the registry needs the birth year."
            )
        month_unknown = "ipexpath:birth_month_unknown" in (subject.get("alternateIds") or [])
        vital = subject.get("vitalStatus") or {}
        death = ((vital.get("timeOfDeath") or {}).get("timestamp") or "")[:10]
        cause = vital.get("causeOfDeath") or {}
        category = str(cause.get("id", "")).removeprefix("ipexpath:death/") if cause else ""
        data["patient"].append(
            {
                "pseudonym": pseudonym,
                "centre": centre,
                "sex": _SEX_IN.get(subject.get("sex", ""), "unknown"),
                "birth_year": born[:4],
                "birth_month": "" if month_unknown else str(int(born[5:7])),
                "vital_status": _VITAL_IN.get(vital.get("status", ""), "unknown"),
                "death_date": death,
                "death_category": category if category != "unknown" or cause else "",
                "cause_of_death": cause.get("label", "") if cause else "",
            }
        )
        for feature in packet.get("phenotypicFeatures") or []:
            data["phenotype"].append(
                {
                    "patient": pseudonym,
                    "hpo_id": feature["type"]["id"],
                    "label": feature["type"].get("label", ""),
                    "excluded": "yes" if feature.get("excluded") else "no",
                    "onset_date": _day((feature.get("onset") or {}).get("timestamp", "")),
                }
            )
        for disease in packet.get("diseases") or []:
            data["diagnosis"].append(
                {
                    "patient": pseudonym,
                    "disease_id": disease["term"]["id"],
                    "disease_label": disease["term"].get("label", ""),
                    "onset_date": _day((disease.get("onset") or {}).get("timestamp", "")),
                }
            )
        for action in packet.get("medicalActions") or []:
            regimen = action.get("therapeuticRegimen")
            if not regimen:
                continue
            ref = regimen.get("externalReference") or {}
            details = json.loads(ref.get("description") or "{}")
            start = _day((regimen.get("startTime") or {}).get("timestamp", ""))
            if str(ref.get("id", "")).startswith(HSCT_DETAIL_PREFIX):
                row = {
                    "patient": pseudonym,
                    "sequence": ref["id"].removeprefix(HSCT_DETAIL_PREFIX),
                    "day0": start,
                }
                row.update({key: str(details.get(key, "")) for key in _HSCT_DETAILS})
                data["hsct"].append(row)
            elif str(ref.get("id", "")).startswith("ipexpath:drug/"):
                row = {
                    "patient": pseudonym,
                    "drug": ref.get("reference", ""),
                    "start": start,
                    "stop": _day((regimen.get("endTime") or {}).get("timestamp", "")),
                }
                row.update({key: str(details.get(key, "")) for key in _IS_DETAILS})
                data["immunosuppression"].append(row)
        for measurement in packet.get("measurements") or []:
            assay = (measurement.get("assay") or {}).get("id")
            info = json.loads(measurement.get("description") or "{}")
            when = _day((measurement.get("timeObserved") or {}).get("timestamp", ""))
            if assay == OI_ASSAY["id"]:
                row = {
                    "patient": pseudonym,
                    "assessed_on": when,
                    "timepoint": info.get("timepoint", ""),
                    "assessor": info.get("assessor", ""),
                }
                row.update({name: info.get(name, "") for name, _ in ITEMS})
                data["oi_assessment"].append(row)
            elif assay == CHIMERISM_ASSAY:
                quantity = (measurement.get("value") or {}).get("quantity") or {}
                data["chimerism"].append(
                    {
                        "patient": pseudonym,
                        "hsct_sequence": str(info.get("hsct_sequence", "")),
                        "measured_on": when,
                        "lineage": info.get("lineage", ""),
                        "donor_percent": str(quantity.get("value", "")),
                        "method": info.get("method", ""),
                    }
                )
    return data
