"""`ipexpath rank` ranks with the machine's stored model (fast start-up) and gives a fresh build's answer."""

from __future__ import annotations

import json

from click.testing import CliRunner

from ipexpath.batch.model_store import model_for_rank
from ipexpath.case import Age, Case, Sex, Term
from ipexpath.cli import cli
from ipexpath.knowledge import load_knowledge
from ipexpath.suspect import RankingModel, rank_case


def test_rank_json_with_the_stored_model_matches_a_fresh_build() -> None:
    kb = load_knowledge()
    stored = model_for_rank(kb, None, similar=True)
    assert stored.case_knowledge is not None  # similar patients need the published patients' ids
    args = ["rank", "--hpo", "HP:0002028,HP:0100651,HP:0000964", "--sex", "male", "--json"]
    out = CliRunner().invoke(cli, [*args, "--onset", "P2M"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["results"][0]["disease_id"] == "OMIM:304790"  # the classic IPEX boy keeps IPEX first
    case = Case(
        id=data["case_id"],
        observed=tuple(Term(t, t) for t in ("HP:0002028", "HP:0100651", "HP:0000964")),
        sex=Sex.MALE,
        onset=Age.from_days(60.0),
    )
    fresh = rank_case(RankingModel.build(kb), case).to_dict()
    again = rank_case(stored, case).to_dict()
    assert [r["disease_id"] for r in again["results"]] == [r["disease_id"] for r in fresh["results"]]
    assert [round(r["log10_lr"], 6) for r in again["results"]] == [
        round(r["log10_lr"], 6) for r in fresh["results"]
    ]
    assert again["similar_patients"] == fresh["similar_patients"]
    assert [r["disease_id"] for r in data["results"]] == [r["disease_id"] for r in fresh["results"]]
