"""Phenopacket v2 exchange: export then import loses nothing (visits and laboratory values included, as
registry JSON); a partial OI score never reads as a number; an unknown treatment is refused, not dropped."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ipexpath.errors import InputError
from ipexpath.registry.store import TableRows, export_tables, import_tables

OI = (
    "intractable_diarrhea",
    "malnutrition",
    "liver_dysfunction",
    "respiratory_impairment",
    "kidney_dysfunction",
)


def _rich() -> TableRows:
    """Two patients with every exported column filled somewhere (blank cells elsewhere)."""
    return {
        "patient": [
            {
                "pseudonym": "PP-1",
                "centre": "c1",
                "sex": "male",
                "birth_year": "2015",
                "birth_month": "4",
                "consent": "not_applicable_deceased",
                "consent_date": "",
                "familial_case": "yes",
                "consanguinity": "no",
                "vital_status": "deceased",
                "last_follow_up": "2017-02-01",
                "death_date": "2017-02-01",
                "death_category": "transplant_related",
                "cause_of_death": "",
                "synthetic": "no",
            },
            {
                "pseudonym": "PP-2",
                "centre": "c1",
                "sex": "male",
                "birth_year": "2010",
                "birth_month": "",
                "consent": "given",
                "consent_date": "2012-05-02",
                "vital_status": "alive",
                "last_follow_up": "2024-06-30",
            },
        ],
        "diagnosis": [
            {
                "patient": "PP-1",
                "disease_id": "OMIM:304790",
                "disease_label": "IPEX",
                "gene": "FOXP3",
                "onset_date": "2015-05-01",
                "diagnosis_date": "2015-09-01",
                "genetic_confirmation": "yes",
                "confirmation_date": "2015-09-01",
                "variant_hgvs": "NM_014009.4:c.1150G>A",
                "variant_class": "pathogenic",
            }
        ],
        "phenotype": [
            {
                "patient": "PP-1",
                "hpo_id": "HP:0002028",
                "label": "Chronic diarrhea",
                "recorded_on": "2015-06-01",
            },
            {"patient": "PP-2", "hpo_id": "HP:0000819", "label": "Diabetes mellitus", "excluded": "yes"},
        ],
        "hsct": [
            {
                "patient": "PP-1",
                "sequence": "1",
                "kind": "first",
                "day0": "2016-01-10",
                "donor_type": "matched_unrelated",
                "hla_match": "10/10",
                "stem_cell_source": "bone_marrow",
                "graft_manipulation": "unmanipulated",
                "cd34_dose_per_kg": "5.2",
                "conditioning_intensity": "rit",
                "conditioning_regimen": "Flu/Mel",
                "serotherapy": "alemtuzumab",
                "gvhd_prophylaxis": "CsA + MMF",
                "neutrophil_engraftment": "2016-01-28",
                "platelet_engraftment": "2016-02-02",
                "acute_gvhd_grade": "2",
                "acute_gvhd_system": "Glucksberg",
                "chronic_gvhd": "none",
                "graft_failure": "secondary",
                "graft_failure_date": "2016-05-01",
            },
            {"patient": "PP-1", "sequence": "2", "kind": "boost", "day0": "2016-06-01"},
        ],
        "chimerism": [
            {
                "patient": "PP-1",
                "hsct_sequence": "1",
                "measured_on": "2016-04-10",
                "lineage": "treg",
                "donor_percent": "100.0",
                "method": "STR",
            }
        ],
        "immunosuppression": [
            {
                "patient": "PP-1",
                "drug": "rapamycin",
                "drug_class": "mTOR inhibitor",
                "dose": "1 mg/m2",
                "start": "2015-09-10",
                "stop": "2016-01-01",
                "stop_reason": "HSCT",
                "response": "partial",
            },
            {"patient": "PP-2", "drug": "steroids", "start": "2011-01-01"},
        ],
        "supportive_care": [
            {"patient": "PP-2", "kind": "insulin", "detail": "basal-bolus", "start": "2010-09-01"},
            {"patient": "PP-1", "kind": "parenteral_nutrition", "start": "2015-06-01", "stop": "2016-03-01"},
        ],
        "gene_cell_therapy": [
            {
                "patient": "PP-2",
                "product": "CD4LVFOXP3",
                "trial_id": "trial-1",
                "vector": "lentivirus",
                "infusion_date": "2023-03-01",
                "response": "partial",
                "complications": "none",
            }
        ],
        "visit": [
            {
                "patient": "PP-2",
                "visit_date": "2020-03-01",
                "weight_kg": "31.5",
                "height_cm": "138",
                "weight_z": "-0.8",
                "height_z": "-1.2",
                "active_autoimmunity": "yes",
                "autoimmune_manifestations": '["HP:0000821", "HP:0001891"]',
                "infections": "otitis",
                "qol_instrument": "PedsQL",
                "qol_score": "71.5",
            },
            {"patient": "PP-2", "visit_date": "2021-03-01", "active_autoimmunity": "no"},
        ],
        "lab": [
            {
                "patient": "PP-2",
                "visit_date": "2020-03-01",
                "analyte": "HbA1c",
                "value": "7.9",
                "unit": "%",
                "loinc": "",
            },
            {
                "patient": "PP-2",
                "visit_date": "2020-03-01",
                "analyte": "IgE",
                "value": "1450",
                "unit": "kU/L",
            },
        ],
        "oi_assessment": [
            {
                "patient": "PP-1",
                "assessed_on": "2016-01-01",
                "timepoint": "pre_HSCT",
                "assessor": "dr. A",
                **dict.fromkeys(OI, "yes"),
            },
            {  # partial: two items present, one absent, two not assessed
                "patient": "PP-2",
                "assessed_on": "2011-01-01",
                "timepoint": "pre_IS",
                "intractable_diarrhea": "yes",
                "malnutrition": "yes",
                "liver_dysfunction": "no",
            },
        ],
    }


def _wipe() -> None:
    from ipexpath.registry import models as m

    for model in reversed(m.MODELS_PARENTS_FIRST):
        if model is not m.Centre:
            manager = getattr(model, "all_objects", model.objects)
            manager.all()._raw_delete(manager.db)


def test_export_then_import_loses_nothing(registry: str, tmp_path: Path) -> None:
    from ipexpath.registry.phenopacket_io import NOT_CARRIED, read_phenopackets, write_phenopackets

    import_tables(_rich(), detail="test")
    before = export_tables()
    paths = write_phenopackets(before, tmp_path)
    _wipe()
    import_tables(read_phenopackets(paths, centre="c1"), detail="test")
    after = export_tables()
    assert NOT_CARRIED == () and before["visit"] and before["lab"]
    for table, rows in before.items():
        assert after[table] == rows, table


def test_partial_oi_score_is_text_and_a_complete_one_a_number(registry: str, tmp_path: Path) -> None:
    from ipexpath.registry.phenopacket_io import write_phenopackets

    import_tables(_rich(), detail="test")
    write_phenopackets(export_tables(), tmp_path)
    complete = json.loads((tmp_path / "PP-1.json").read_text())["measurements"][0]["value"]
    partial = json.loads((tmp_path / "PP-2.json").read_text())["measurements"][0]["value"]
    assert complete["quantity"]["value"] == 5
    assert "quantity" not in partial
    assert partial["ontologyClass"]["label"] == "at least 2 (3 of 5 items assessed; no group)"
    packet = json.loads((tmp_path / "PP-2.json").read_text())
    assert packet["subject"]["timeAtLastEncounter"]["timestamp"] == "2024-06-30T00:00:00Z"


def _foreign(tmp_path: Path, actions: list[dict[str, object]]) -> Path:
    packet = {
        "id": "other-tool-1",
        "subject": {"id": "EXT-1", "sex": "MALE", "dateOfBirth": "2019-02-15T00:00:00Z"},
        "medicalActions": actions,
        "metaData": {"created": "2024-01-01T00:00:00Z", "phenopacketSchemaVersion": "2.0"},
    }
    path = tmp_path / "EXT-1.json"
    path.write_text(json.dumps(packet))
    return path


def test_an_hsct_procedure_from_another_tool_is_kept(registry: str, tmp_path: Path) -> None:
    from ipexpath.registry.phenopacket_io import read_phenopackets

    hsct = {"procedure": {"code": {"id": "NCIT:C46089"}, "performed": {"timestamp": "2020-03-01T00:00:00Z"}}}
    data = read_phenopackets([_foreign(tmp_path, [hsct])], centre="c1")
    assert [(r["sequence"], r["day0"]) for r in data["hsct"]] == [("1", "2020-03-01")]


@pytest.mark.parametrize(
    ("action", "message"),
    [
        (
            {"procedure": {"code": {"id": "NCIT:C15189", "label": "Biopsy"}}},
            "medical action 1: procedure NCIT:C15189 (Biopsy) is not a treatment the registry records",
        ),
        (
            {"treatment": {"agent": {"id": "DrugCentral:2448", "label": "sirolimus"}}},
            "medical action 1: a 'treatment' action is not a treatment the registry records",
        ),
        (
            {
                "therapeuticRegimen": {
                    "externalReference": {"id": "ipexpath:radiation/tbi"},
                    "regimenStatus": "COMPLETED",
                }
            },
            "treatment code 'ipexpath:radiation/tbi' is not one the registry knows",
        ),
    ],
)
def test_an_unknown_treatment_is_refused_with_exit_2_and_nothing_written(
    registry: str, tmp_path: Path, action: dict[str, object], message: str
) -> None:
    from click.testing import CliRunner

    from ipexpath.cli import cli
    from ipexpath.registry import models as m

    path = _foreign(tmp_path, [action])
    result = CliRunner().invoke(cli, ["registry", "import", str(path), "--centre", "c1"])
    assert isinstance(result.exception, InputError)
    assert message in str(result.exception)
    assert m.Patient.all_objects.count() == 0
