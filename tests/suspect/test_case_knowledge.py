"""Case knowledge: the shipped arrays match a rebuild from ../shared, bad training cases are counted, the
profiles reach the explanations, cross-validation folds never share a publication, calibration maths."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from ipexpath.case import Case, Sex, Term
from ipexpath.knowledge import KnowledgeBase
from ipexpath.knowledge.case_knowledge import (
    NO_DIAGNOSIS,
    NO_FEATURES,
    UNUSABLE_DISEASE_ID,
    CaseKnowledge,
    TrainingCase,
    build_case_knowledge,
    read_training_cases,
    shipped_case_knowledge,
)
from ipexpath.suspect import RankingModel, rank_case
from ipexpath.suspect.benchmark import fold_of
from ipexpath.suspect.calibration import (
    TEMPERATURES,
    Calibration,
    finding_band,
    fit,
    for_findings,
    predict,
    reliability,
)
from ipexpath.suspect.model import ModelParameters
from ipexpath.types import Age


def _packet(pid: str, terms: list[str], disease: str | None, pmid: str = "PMID:1") -> dict:
    packet: dict = {
        "id": pid,
        "subject": {"id": pid, "sex": "MALE"},
        "phenotypicFeatures": [{"type": {"id": t, "label": t}} for t in terms],
        "metaData": {"externalReferences": [{"id": pmid}]},
    }
    if disease:
        packet["interpretations"] = [{"id": "i", "diagnosis": {"disease": {"id": disease, "label": "d"}}}]
    return packet


def test_shipped_case_knowledge_matches_a_rebuild_from_shared(kb: KnowledgeBase, store_path: Path) -> None:
    shipped = shipped_case_knowledge()
    assert shipped is not None
    rebuilt, report = build_case_knowledge(store_path, kb)
    assert rebuilt.provenance["content_sha256"] == shipped.provenance["content_sha256"]
    assert rebuilt.provenance["source_sha256"] == shipped.provenance["source_sha256"]
    assert shipped.provenance["cases"] == shipped.n_cases > 7000
    assert shipped.provenance["publications"] > 1000 and shipped.provenance["build_date"]
    assert sum(report.skipped.values()) + report.kept == report.read


def test_shipped_file_is_small() -> None:
    from importlib.resources import files

    size = len(files("ipexpath").joinpath("knowledge", "data", "case_knowledge.npz").read_bytes())
    assert size < 1_000_000


def test_bad_training_cases_are_skipped_and_counted(kb: KnowledgeBase, tmp_path: Path) -> None:
    lines = [
        _packet("good", ["HP:0002028", "HP:9999999"], "OMIM:304790"),
        _packet("no_diagnosis", ["HP:0002028"], None),
        _packet("no_features", ["HP:9999999"], "OMIM:304790"),
        _packet("bad_id", ["HP:0002028"], "NCIT:C1234"),
    ]
    path = tmp_path / "cases.jsonl"
    path.write_text("\n".join(json.dumps(p) for p in lines) + "\n{broken\n")
    cases, report = read_training_cases([(path, False)], kb)
    assert [c.case_id for c in cases] == ["good"] and cases[0].observed == ("HP:0002028",)
    assert report.skipped[NO_DIAGNOSIS] == 1 and report.skipped[NO_FEATURES] == 1
    assert report.skipped[UNUSABLE_DISEASE_ID] == 1 and report.read == 5 and report.terms_dropped == 2


def test_case_profiles_feed_the_explanation(kb: KnowledgeBase) -> None:
    """Three published patients with IL2RA deficiency, two with hepatomegaly: the explanation says so."""
    cases = [
        TrainingCase(f"p{i}", "OMIM:606367", "IL2RA", "IL2RA", f"PMID:{i % 2 + 1}", terms, (), 1, True)
        for i, terms in enumerate(
            [("HP:0002240", "HP:0002028"), ("HP:0002240",), ("HP:0002028",)]  # hepatomegaly, diarrhoea
        )
    ]
    knowledge = CaseKnowledge.from_cases(cases, {"format": 1})
    laplace = RankingModel.build(kb, ModelParameters(case_prior_from_annotations=False), cases=knowledge)
    assert laplace.case_profiles is not None
    d = kb.disease_index["OMIM:606367"]
    hepatomegaly = kb.term_index["HP:0002240"]
    assert laplace.case_profiles.text(d, hepatomegaly) == "seen in 2 of 3 published patients, 2 publications"
    # Laplace shrinkage as for n/m lines: (2 + 1) / (3 + 2)
    assert float(laplace.case_profiles.propagated[d, hepatomegaly]) == pytest.approx(0.6)
    # lr-8: shrunk towards the annotations (IL2RA's own hepatomegaly line, 1/1 patients → 2/3)
    model = RankingModel.build(kb, cases=knowledge)
    assert model.case_profiles is not None
    f0 = float(RankingModel.build(kb, cases=None).propagated[d, hepatomegaly])
    assert f0 == pytest.approx(2 / 3, rel=1e-5)
    assert float(model.case_profiles.propagated[d, hepatomegaly]) == pytest.approx((2 + 2 * f0) / 5, rel=1e-5)
    # a feature the disease is not annotated with is shrunk towards its background frequency instead
    unannotated = kb.term_index["HP:0002028"]  # chronic diarrhoea, 2 of 3 patients
    bg = float(model.background[unannotated])
    if float(RankingModel.build(kb, cases=None).propagated[d, unannotated]) == 0:
        assert float(model.case_profiles.propagated[d, unannotated]) == pytest.approx(
            (2 + 2 * bg) / 5, rel=1e-5
        )
    case = Case(id="t", observed=(Term("HP:0002240", "x"), Term("HP:0100651", "y")), sex=Sex.MALE)
    diff = rank_case(model, case, top=20000)
    row = next(r for r in diff.results if r.disease_id == "OMIM:606367")
    hepato = next(e for e in row.explanation if e.term == "HP:0002240")
    assert "seen in 2 of 3 published patients" in (hepato.frequency_source or "")


def test_folds_group_by_publication() -> None:
    a = fold_of(_packet("x1", [], "OMIM:1", "PMID:123"), 5, "x1")
    b = fold_of(_packet("x2", [], "OMIM:2", "PMID:123"), 5, "x2")
    assert a == b and 0 <= a < 5
    assert len({fold_of(_packet(f"y{i}", [], "OMIM:1", f"PMID:{i}"), 5, "y") for i in range(50)}) == 5


def test_calibration_fit_and_ece() -> None:
    # the top's posterior is 0.99 under T = 1 but it is right only half of the time: the fit must temper it
    lse_one = np.log(1 / 0.99) + 2 * np.log(10)  # top log10 LR 2 → p_top = 0.99 at T = 1
    records = [
        {"top": 2.0, "correct": i % 2 == 0, "lse": [float(lse_one)] * len(TEMPERATURES)} for i in range(200)
    ]
    raw = predict(records, Calibration(1.0, None))
    assert raw[0] == pytest.approx(0.99, abs=1e-6)
    y = np.array([1.0 if r["correct"] else 0.0 for r in records])
    assert reliability(raw, y)["ece"] == pytest.approx(0.49, abs=1e-3)
    fitted = fit(records)
    assert reliability(predict(records, fitted), y)["ece"] < 0.1
    p, unexplained = fitted.posteriors(np.array([2.0, 0.0]))
    assert p.sum() + unexplained == pytest.approx(1.0)


def test_calibration_depends_on_the_number_of_findings() -> None:
    # more findings multiply more LRs as if independent: the shipped temperature grows with their number
    bands = [finding_band(n) for n in (1, 2, 3, 5, 6, 10, 11, 40)]
    assert bands == [0, 0, 1, 1, 2, 2, 3, 3]
    temperatures = [for_findings(n).temperature for n in (1, 4, 8, 20)]
    assert temperatures == sorted(temperatures) and temperatures[0] < temperatures[-1]


def test_rank_json_has_calibration_similar_patients_and_ipex_like_share() -> None:
    """The infant boy with diarrhoea, eczema, high IgE and failure to thrive keeps IPEX in the top 3; the JSON
    carries the calibrated unexplained mass, the cited IPEX-like share and similar published patients."""
    from click.testing import CliRunner

    from ipexpath.cli import cli

    args = ["rank", "--hpo", "HP:0002014,HP:0000964,HP:0003212,HP:0001508", "--sex", "male"]
    result = CliRunner().invoke(cli, [*args, "--age", "P6M", "--top", "3", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert "OMIM:304790" in [r["disease_id"] for r in data["results"]]
    calibration = data["posterior_calibration"]
    assert calibration["temperature"] > 1 and 0 < calibration["unexplained_posterior"] < 1
    total = sum(r["posterior"] for r in data["results"]) + calibration["unexplained_posterior"]
    assert total <= 1.0 + 1e-6
    assert "30443250" in data["ipex_like_share"] and "85" in data["ipex_like_share"]
    similar = data["similar_patients"]
    assert len(similar) == 5 and similar[0]["link"].startswith("https://pubmed.ncbi.nlm.nih.gov/")
    assert {"disease_id", "gene", "pmid", "similarity"} <= set(similar[0])
    text = CliRunner().invoke(cli, [*args, "--age", "P6M", "--top", "3", "--no-explain"]).output
    assert "Similar published patients" in text and "IPEX-like share" in text


def test_calibrated_ipex_posterior_is_not_overconfident(kb: KnowledgeBase) -> None:
    """Issue 10 item 6: the boy with the triad and eosinophilia stays first but is no longer '99.94 % IPEX'
    (about half of the boys with this picture have no FOXP3 variant)."""
    case = Case(
        id="t",
        observed=tuple(Term(t, t) for t in ("HP:0002014", "HP:0100651", "HP:0000964", "HP:0001880")),
        sex=Sex.MALE,
        onset=Age.from_days(60.0),
    )
    diff = rank_case(RankingModel.build(kb), case, top=3)
    top = diff.results[0]
    assert top.disease_id == "OMIM:304790"
    assert 0.2 < top.posterior < 0.9 and diff.unexplained_posterior > 0.01
    assert diff.ipex_like_share is not None


def test_assessed_denominators_and_ic_propagation(kb: KnowledgeBase) -> None:
    """Research options (§0.10): hepatomegaly in 2 of 5 IL2RA patients; one more had liver abnormality stated
    absent (an ancestor excluded), two papers' other patients never mention the liver."""
    specs = [  # (patient, paper, observed, excluded)
        ("p0", "PMID:1", ("HP:0002240",), ()),
        ("p1", "PMID:2", ("HP:0002240",), ()),
        ("p2", "PMID:1", ("HP:0002028",), ("HP:0001392",)),  # "no abnormality of the liver"
        ("p3", "PMID:3", ("HP:0002028",), ()),
        ("p4", "PMID:2", ("HP:0002028",), ()),
    ]
    cases = [TrainingCase(p, "OMIM:606367", "IL2RA", "IL2RA", pmid, o, x, 1, True) for p, pmid, o, x in specs]
    knowledge = CaseKnowledge.from_cases(cases, {"format": 1}, keep_excluded=True)
    assert knowledge.to_cases()[2].excluded == ("HP:0001392",)
    again = CaseKnowledge.from_bytes(knowledge.to_bytes(), "test")
    assert again.excluded_of(2) == ["HP:0001392"] and again.subset(np.arange(5) >= 2).excluded_of(0) == [
        "HP:0001392"
    ]
    d, hepatomegaly = kb.disease_index["OMIM:606367"], kb.term_index["HP:0002240"]
    laplace = ModelParameters(case_prior_from_annotations=False)

    def frequency(params: ModelParameters, term: int = hepatomegaly) -> float:
        profiles = RankingModel.build(kb, params, cases=knowledge).case_profiles
        assert profiles is not None
        return float(profiles.propagated[d, term])

    assert frequency(laplace) == pytest.approx(3 / 7)  # (2 + 1) / (5 + 2): every patient counts
    # assessed in the patient: p0, p1 (present), p2 (ancestor excluded) → (2 + 1) / (3 + 2)
    assert frequency(laplace.with_changes(case_assessed_patients=True)) == pytest.approx(0.6)
    # assessed in the paper: PMID:1 (p0, p2) and PMID:2 (p1, p4) → (2 + 1) / (4 + 2)
    assert frequency(laplace.with_changes(case_assessed_publications=True)) == pytest.approx(0.5)
    # IC weighting: the observed term keeps weight 1, a general ancestor counts less than 1 per patient
    ic = laplace.with_changes(case_ic_propagation=True)
    assert frequency(ic) == pytest.approx(3 / 7)
    liver = kb.term_index["HP:0001392"]
    assert frequency(ic, liver) < frequency(laplace, liver)
