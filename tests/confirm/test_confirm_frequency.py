"""X-linked frequency rules: filtering AF from AC/AN, minimum AC before BS1, QC-failed sites ignored,
hemizygotes reported separately, invalid frequencies refused (issue 18 item 10)."""

from __future__ import annotations

import math

import pytest

from ipexpath.confirm import (
    EvaluationContext,
    PopulationData,
    classify_variant,
    load_panel,
    parse_hgvs_variant,
)
from ipexpath.confirm.acmg.population import filtering_af
from ipexpath.errors import InputError


@pytest.fixture(scope="module")
def panel():  # type: ignore[no-untyped-def]
    return load_panel()


def _crit(panel, population: PopulationData, code: str):  # type: ignore[no-untyped-def]
    from dataclasses import replace

    variant = replace(parse_hgvs_variant("NM_014009.4:c.1189C>T", panel), population=population)
    result = classify_variant(variant, EvaluationContext(panel, use_bundled_evidence=False))
    return next(c for c in result.criteria if c.code == code)


def test_filtering_af_is_the_poisson_lower_bound() -> None:
    # AC = 2: the one-sided 95% lower bound of a Poisson mean is chi2.ppf(0.05, 4) / 2 = 0.3554
    assert filtering_af(2, 1_000_000) == pytest.approx(0.3554 / 1_000_000, rel=1e-3)
    assert filtering_af(0, 1000) == 0.0
    assert filtering_af(20, 1000) < 20 / 1000


def test_qc_failed_site_is_not_used(panel) -> None:  # type: ignore[no-untyped-def]
    # FOXP3 c.1189C>T (ClinVar 2-star Pathogenic): gnomAD AC 2 / AN 112,222 at a site failing QC
    pop = PopulationData(af=2 / 112222, af_checked=True, ac=2, an=112222, hemizygotes=0, qc_failed=True)
    bs1 = _crit(panel, pop, "BS1")
    assert not bs1.applied and not bs1.evaluated and "quality control" in bs1.evidence


def test_bs1_needs_the_minimum_allele_count(panel) -> None:  # type: ignore[no-untyped-def]
    pop = PopulationData(af=2 / 112222, af_checked=True, ac=2, an=112222)
    bs1 = _crit(panel, pop, "BS1")
    assert not bs1.applied and "at least 3 are required" in bs1.evidence


def test_bs1_from_filtering_af(panel) -> None:  # type: ignore[no-untyped-def]
    pop = PopulationData(af_checked=True, ac=40, an=100_000, hemizygotes=12)
    bs1 = _crit(panel, pop, "BS1")
    assert bs1.applied and "filtering AF" in bs1.evidence and "12 hemizygous" in bs1.evidence


def test_rare_variant_is_pm2_supporting(panel) -> None:  # type: ignore[no-untyped-def]
    pm2 = _crit(panel, PopulationData(af_checked=True, ac=1, an=1_000_000, hemizygotes=0), "PM2")
    assert pm2.applied and pm2.display_code == "PM2_Supporting"


def test_x_linked_pm2_is_withheld_when_population_has_hemizygous_males(panel) -> None:  # type: ignore[no-untyped-def]
    """FOXP3 c.1190G>A as GeneBe shows gnomAD exomes: AF 1.82e-6 in 1,098,155 alleles with 1 hemizygote.

    The point AF is below the maximum credible AF (2e-6), but a male with the disease genotype is in the
    control data, so the variant is not 'absent from controls' (PM2 not applied), nor is he BS2 evidence."""
    pop = PopulationData(af_checked=True, ac=2, an=1_098_155, hemizygotes=1)
    pm2, bs2 = _crit(panel, pop, "PM2"), _crit(panel, pop, "BS2")
    assert not pm2.applied and "1 hemizygous male" in pm2.evidence
    assert not bs2.applied
    unknown = _crit(panel, PopulationData(af_checked=True, ac=2, an=1_098_155), "PM2")
    assert unknown.applied  # no male count given: the frequency rule alone decides


def test_ba1_needs_2000_alleles(panel) -> None:  # type: ignore[no-untyped-def]
    assert not _crit(panel, PopulationData(af_checked=True, ac=300, an=1000), "BA1").applied
    assert _crit(panel, PopulationData(af_checked=True, ac=3000, an=10000), "BA1").applied


@pytest.mark.parametrize(
    "kwargs",
    [{"af": math.nan}, {"af": -1.0}, {"af": 5.0}, {"af": math.inf}, {"revel": 2.0}, {"spliceai": math.nan},
     {"ac": -1}, {"ac": 5, "an": 2}, {"faf95": 1.5}],
)  # fmt: skip
def test_invalid_population_values_are_refused(kwargs: dict) -> None:  # type: ignore[type-arg]
    with pytest.raises(InputError):
        PopulationData(**kwargs)
