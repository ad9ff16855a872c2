"""Textbook worked examples (Duchenne/haemophilia style), each derived with the Bayes-table convention.

Sources: Haldane JBS, J Genet 1935;31:317-326 (equilibrium h = 4 mu, q = 3 mu; 1/3 of isolated cases are
new mutations when nu = mu, f = 0); the genetic-counselling Bayes table (prior x conditional = joint ->
posterior) as in Ogino & Wilson 2004 and Young ID, Introduction to Risk Calculation in Genetic Counseling,
3rd ed. 2007; formulas summarised in /work/shared/reference/family.md 1.1-1.2. Textbook answers are the
mu -> 0 limit, so the model uses mu = 1e-9 and answers are compared to 1e-6.
"""

from __future__ import annotations

import pytest

from conftest import family, person, textbook_model
from ipexpath.counsel import compute_risks
from ipexpath.counsel.model import PenetranceCurve
from ipexpath.counsel.pedigree import Sex

TOL = 1e-6


def isolated_case(
    *extra: object, brothers: int = 0, mother_test: str | None = None, sens: float | None = None
):
    """Mother M (parents GF, GM) and father F with one affected son P and `brothers` unaffected adult sons."""
    people = [
        person("GF", "m", affected=False),
        person("GM", "f"),
        person("F", "m", affected=False),
        person("M", "f", "GF", "GM", test=mother_test, sensitivity=sens),
        person("P", "m", "F", "M", affected=True, proband=True),
        *[person(f"B{i}", "m", "F", "M", affected=False) for i in range(brothers)],
        *extra,
    ]
    return family(*people)


def test_mother_of_isolated_case_is_carrier_with_two_thirds(model):
    """Haldane: with nu = mu and f = 0 a third of isolated affected males are new mutations -> 2/3."""
    r = compute_risks(isolated_case(), model)
    assert r.p_variant("M") == pytest.approx(2 / 3, abs=TOL)
    assert r.p_variant("GM") == pytest.approx(1 / 3, abs=TOL)  # she is the source with prob. 1/2 of 2/3


def test_unaffected_brothers_lower_the_mothers_risk(model):
    """Bayes table: carrier 2/3 x (1/2)^2 = 1/6 vs non-carrier 1/3 x 1 -> 1/3 with two unaffected sons."""
    r = compute_risks(isolated_case(brothers=2), model)
    assert r.p_variant("M") == pytest.approx(1 / 3, abs=TOL)


def test_sister_and_niece_of_isolated_case(model):
    """A sister gets half the mother's risk (1/3) and her daughter half of that (1/6)."""
    ped = isolated_case(
        person("S", "f", "F", "M"),
        person("SH", "m", affected=False),
        person("N", "f", "SH", "S"),
    )
    r = compute_risks(ped, model)
    assert r.p_variant("S") == pytest.approx(1 / 3, abs=TOL)
    assert r.p_variant("N") == pytest.approx(1 / 6, abs=TOL)


def test_negative_carrier_test_with_sensitivity(model):
    """Mother of an isolated case, negative test, sensitivity 0.9: (2/3 x 0.1) / (2/3 x 0.1 + 1/3) = 1/6."""
    r = compute_risks(isolated_case(mother_test="not-found", sens=0.9), model)
    assert r.p_variant("M") == pytest.approx(1 / 6, abs=TOL)


def test_definitive_negative_test_in_mother_means_new_mutation(model):
    """With an exact test, a negative mother makes the son's variant de novo: sisters' risk falls to ~0."""
    ped = isolated_case(person("S", "f", "F", "M"), mother_test="not-found")
    r = compute_risks(ped, model)
    assert r.p_variant("M") == pytest.approx(0.0, abs=TOL)
    assert r.p_variant("S") == pytest.approx(0.0, abs=TOL)


def test_daughter_of_carrier_with_two_unaffected_sons(model):
    """Classic DMD example: prior 1/2, two unaffected sons: (1/2 x 1/4) / (1/2 x 1/4 + 1/2) = 1/5."""
    ped = family(
        person("GF", "m", affected=False),
        person("GM", "f", test="found"),
        person("H", "m", affected=False),
        person("A", "f", "GF", "GM"),
        person("S1", "m", "H", "A", affected=False),
        person("S2", "m", "H", "A", affected=False),
    )
    r = compute_risks(ped, model)
    assert r.p_variant("A") == pytest.approx(1 / 5, abs=TOL)
    preg = {p.mother: p for p in r.pregnancies}["A"]
    assert preg.p_affected_son == pytest.approx(1 / 10, abs=TOL)


def test_mother_of_two_affected_sons_is_near_obligate(model):
    """Two affected sons: carrier 2/3 x 1/4 vs non-carrier 1/3 x mu^2 -> 1 in the limit."""
    ped = isolated_case(person("P2", "m", "F", "M", affected=True))
    r = compute_risks(ped, model)
    assert r.p_variant("M") == pytest.approx(1.0, abs=TOL)
    assert r.p_variant("GM") == pytest.approx(1 / 2, abs=1e-5)


def test_daughter_of_affected_man_is_obligate_carrier():
    """Fathers pass their X to every daughter and none to sons (family.md 1.1 transmission rules)."""
    model = textbook_model(fitness=0.5)
    ped = family(
        person("F", "m", affected=True, test="found"),
        person("W", "f"),
        person("D", "f", "F", "W"),
        person("S", "m", "F", "W"),
    )
    r = compute_risks(ped, model)
    assert r.p_variant("D") == pytest.approx(1.0, abs=TOL)
    assert r.p_variant("S") == pytest.approx(0.0, abs=TOL)


@pytest.mark.parametrize("ratio", [1.0, 10.0])
def test_sex_specific_mutation_rates(ratio):
    """family.md 1.1 with f = 0: h = 2(mu + nu), so P(mother carrier | isolated case) = (mu+nu)/(2mu+nu)."""
    r = compute_risks(isolated_case(), textbook_model(ratio=ratio))
    assert r.p_variant("M") == pytest.approx((1 + ratio) / (2 + ratio), abs=TOL)


def test_fitness_changes_the_new_mutation_fraction():
    """New-mutation fraction among affected males is (1-f)/3 with nu = mu (family.md 1.1)."""
    f = 0.4
    ped = family(
        person("F", "m", affected=False), person("M", "f"), person("P", "m", "F", "M", affected=True)
    )
    r = compute_risks(ped, textbook_model(fitness=f))
    assert 1 - r.p_variant("M") == pytest.approx((1 - f) / 3, abs=1e-6)


def test_unaffected_maternal_grandfather_is_used_when_fitness_is_positive():
    """family.md 5.4: with f > 0 an unaffected maternal grandfather removes the f.q paternal term, so the
    mother's prior is h/2 + mu + nu = 4 mu + mu + mu = 6 mu (nu = mu, f = 0.4, h = 8 mu): new fraction 1/4."""
    r = compute_risks(isolated_case(), textbook_model(fitness=0.4))
    assert 1 - r.p_variant("M") == pytest.approx(1 / 4, abs=1e-6)


def test_equilibrium_priors_match_haldane():
    """h = 2[mu(1+f)+nu]/(1-f) and q = (2mu+nu)/(1-f) to first order (family.md 1.1)."""
    mu, nu, f = 1e-6, 3e-6, 0.2
    m = textbook_model(mu=mu, ratio=nu / mu, fitness=f)
    female = m.founder_prior(m.state_space(Sex.FEMALE, False), False)
    male = m.founder_prior(m.state_space(Sex.MALE, False), False)
    assert female[1] == pytest.approx(2 * (mu * (1 + f) + nu) / (1 - f), rel=1e-4)
    assert male[1] == pytest.approx((2 * mu + nu) / (1 - f), rel=1e-9)


def test_age_dependent_penetrance_for_young_brother():
    """Brother of an affected boy, mother obligate carrier, unaffected at 1 y with F(1 y) = 0.9:
    0.5 x 0.1 / (0.5 x 0.1 + 0.5) = 1/11."""
    curve = PenetranceCurve((0.0, 1.0, 5.0), (0.0, 0.9, 1.0))
    model = textbook_model(penetrance=curve)
    ped = family(
        person("F", "m", affected=False),
        person("M", "f", test="found"),
        person("P", "m", "F", "M", affected=True),
        person("B", "m", "F", "M", affected=False, age=1.0),
    )
    assert compute_risks(ped, model).p_variant("B") == pytest.approx(1 / 11, abs=TOL)


def test_phenocopy_calibration_for_an_isolated_untested_male():
    """An affected male with no family information carries a FOXP3 variant with prob. 1 - c, the
    fraction Gambineri et al. 2018 (doi:10.3389/fimmu.2018.02411) found: 88/173."""
    model = textbook_model(mu=1e-6, phenocopy_fraction=85 / 173)
    r = compute_risks(family(person("P", "m", affected=True)), model)
    assert r.p_variant("P") == pytest.approx(88 / 173, abs=1e-9)


def test_phenocopy_lowers_risk_from_untested_affected_relative():
    """With phenocopies, an untested affected uncle is weaker evidence than without."""
    ped = family(
        person("GF", "m", affected=False),
        person("GM", "f"),
        person("U", "m", "GF", "GM", affected=True),
        person("A", "f", "GF", "GM"),
    )
    without = compute_risks(ped, textbook_model(mu=1e-4)).p_variant("A")
    with_pc = compute_risks(ped, textbook_model(mu=1e-4, phenocopy_fraction=0.5)).p_variant("A")
    assert with_pc < without


def test_germline_mosaicism_explains_recurrence_after_negative_mother():
    """Mother tested negative (exact test), one affected son: mosaic posterior = pi g / (pi g + (1-pi) mu)
    (with g = gamma + (1-gamma) mu, carriers excluded by the test)."""
    mu, pi, gamma = 1e-4, 1e-4, 0.5
    model = textbook_model(mu=mu, mosaicism_prior=pi, mosaic_transmission=gamma)
    ped = family(
        person("F", "m", affected=False),
        person("M", "f", test="not-found"),
        person("P", "m", "F", "M", affected=True, test="found"),
    )
    r = compute_risks(ped, model)
    g = gamma + (1 - gamma) * mu
    expected = pi * g / (pi * g + (1 - pi) * mu)
    assert r.by_id()["M"].p_germline_mosaic == pytest.approx(expected, rel=1e-6)
    preg = {p.mother: p for p in r.pregnancies}["M"]
    assert preg.p_variant_son == pytest.approx(expected * g + (1 - expected) * mu, rel=1e-6)
