"""Ranking model on the real knowledge base: IPEX boy/girl, explanations, posteriors, baseline."""

from __future__ import annotations

import math

import numpy as np
import pytest

from ipexpath.case import Age, Case, Sex, Term
from ipexpath.knowledge import load_knowledge
from ipexpath.suspect import (
    CaseTerms,
    IpexFlag,
    MatchKind,
    Method,
    PhenomizerModel,
    RankingModel,
    rank_case,
    score_lr,
)

IPEX = "OMIM:304790"
CLASSIC = ("HP:0002028", "HP:0100651", "HP:0000964")  # chronic diarrhea, type 1 diabetes, eczema


@pytest.fixture(scope="module")
def model() -> RankingModel:
    return RankingModel.build(load_knowledge())


def _case(sex: Sex, terms: tuple[str, ...] = CLASSIC, excluded: tuple[str, ...] = ()) -> Case:
    return Case(
        id="test",
        observed=tuple(Term(t, t) for t in terms),
        excluded=tuple(Term(t, t) for t in excluded),
        sex=sex,
        age=Age.from_days(180.0),
        onset=Age.from_days(60.0),
    )


def test_classic_ipex_boy_ranks_ipex_first(model: RankingModel) -> None:
    diff = rank_case(model, _case(Sex.MALE), top=5)
    assert diff.results[0].disease_id == IPEX
    assert diff.results[0].flag is IpexFlag.IPEX
    assert math.isclose(diff.prior, 1 / model.groups.n_groups)
    assert model.groups.n_groups < model.n_diseases


def test_girl_with_same_features_does_not_rank_ipex_first(model: RankingModel) -> None:
    diff = rank_case(model, _case(Sex.FEMALE), top=5)
    assert diff.results[0].disease_id != IPEX
    ipex_row = next(r for r in diff.ipex_rows if r.disease_id == IPEX)
    assert ipex_row.rank > 1
    sex = next(f for f in ipex_row.factors if f.name == "sex")
    assert sex.log10_lr < 0  # X-linked recessive in a girl: unlikely, not impossible
    assert math.isfinite(ipex_row.log10_lr)


def test_ipex_rows_listed_outside_top(model: RankingModel) -> None:
    diff = rank_case(model, _case(Sex.MALE, ("HP:0001250",)), top=1)  # seizure only
    assert len(diff.results) == 1
    assert IPEX in {r.disease_id for r in diff.ipex_rows}
    data = diff.to_dict()
    assert data["hpo_version"] and data["results"][0]["rank"] == 1
    assert {"disease_id", "name", "posterior", "log10_lr", "explanation"} <= set(data["results"][0])


def test_explanation_matches_score(model: RankingModel) -> None:
    case = _case(Sex.MALE, excluded=("HP:0001250",))
    diff = rank_case(model, case, top=3)
    for row in diff.results:
        total = sum(e.log10_lr for e in row.explanation) + sum(f.log10_lr for f in row.factors)
        assert total == pytest.approx(row.log10_lr, abs=1e-3)
    kinds = {e.match for e in diff.results[0].explanation}
    assert MatchKind.EXACT in kinds
    assert sum(r.posterior for r in diff.results) <= 1.0 + 1e-9


def test_partial_match_kinds(model: RankingModel) -> None:
    # "Neonatal diabetes"-like specific term below an IPEX annotation gives a non-exact match
    terms = CaseTerms.from_ids(model, ["HP:0002028"], sex="MALE")
    d = model.kb.disease_index[IPEX]
    s = score_lr(model, terms)
    assert s[d] > 0


def test_phenomizer_baseline(model: RankingModel) -> None:
    pheno = PhenomizerModel.build(model.kb, model.propagated)
    terms = CaseTerms.from_ids(model, list(CLASSIC))
    scores = pheno.score(terms)
    d = model.kb.disease_index[IPEX]
    assert int(np.count_nonzero(scores > scores[d])) < 10
    diff = rank_case(model, _case(Sex.MALE), method=Method.PHENOMIZER, phenomizer=pheno, top=3)
    assert diff.method is Method.PHENOMIZER


def test_only_excluded_terms_still_ranks(model: RankingModel) -> None:
    diff = rank_case(model, _case(Sex.MALE, terms=(), excluded=("HP:0001250",)), top=3)
    assert diff.n_observed == 0 and diff.notes
    assert len(diff.results) == 3


def test_same_name_orphanet_partner_lends_its_features(model: RankingModel) -> None:
    from ipexpath.suspect.model import disease_name_key, same_name_partners

    kb = model.kb
    assert disease_name_key("Ehlers-Danlos syndrome, vascular type") == disease_name_key(
        "Vascular Ehlers-Danlos syndrome"
    )
    assert disease_name_key("Diamond-Blackfan anemia 10") != disease_name_key("Diamond-Blackfan anemia")
    pairs = same_name_partners(kb)
    jacobsen = kb.disease_index["OMIM:147791"]
    assert [kb.disease_ids[o] for o in pairs[jacobsen]] == ["ORPHA:2308"]
    assert all(kb.disease_ids[d].startswith("OMIM:") for d in pairs)
    # a feature only the Orphanet entry lists is explained, and the explanation names the lender
    own = {int(t) for t in kb.ann_term[kb.ann_disease == jacobsen]}
    lent = [int(t) for t in kb.ann_term[(kb.ann_disease == pairs[jacobsen][0]) & (kb.ann_aspect == 0)]]
    term = next(t for t in lent if t not in own and model.is_phenotype[t])
    assert model.lender_of(jacobsen, term) == "ORPHA:2308"
    assert model.log10_lr_observed(term)[jacobsen] > math.log10(model.params.unexplained_lr)


def test_one_row_per_disease_orphanet_id_as_cross_reference(model: RankingModel) -> None:
    """IPEX (OMIM:304790 / ORPHA:37042) and STAT1 GOF (OMIM:614162 / ORPHA:391487) each take one row."""
    diff = rank_case(model, _case(Sex.MALE, (*CLASSIC, "HP:0001880")), top=50)
    ids = [r.disease_id for r in diff.results]
    assert ids[0] == IPEX and "ORPHA:37042" not in ids
    assert diff.results[0].cross_references == ("ORPHA:37042",)
    assert "ORPHA:391487" not in ids
    stat1 = next(r for r in diff.ipex_rows if r.disease_id == "OMIM:614162")
    assert "ORPHA:391487" in stat1.cross_references
    assert [r.rank for r in diff.results] == list(range(1, 51))  # ranks count diseases, not ids
    every = {i for r in diff.results for i in (r.disease_id, *r.cross_references)}
    assert len(every) == sum(1 + len(r.cross_references) for r in diff.results)


def test_orphanet_frequency_shown_as_its_bin(model: RankingModel) -> None:
    """A borrowed Orphanet class frequency reads 'occasional, 5–29 %', not its midpoint; n/m reads 'n/m'."""
    diff = rank_case(model, _case(Sex.MALE, (*CLASSIC, "HP:0001880")), top=1)
    sources = [e.frequency_source for e in diff.results[0].explanation]
    assert "97/116 patients" in sources  # eczematoid dermatitis in IPEX (HPOA n/m line)
    from ipexpath.suspect.model import frequency_label

    assert frequency_label(0.545, 0) == "frequent, 30–79 %"
    assert frequency_label(0.17, 0) == "occasional, 5–29 %"
    assert frequency_label(3 / 7, 7) == "3/7 patients"
    assert frequency_label(float("nan"), 0) == "frequency not stated"
