"""Kaplan–Meier and log-rank on the Freireich 6-MP leukaemia trial (Freireich et al. 1963, Blood 21:699), as
tabulated in Kleinbaum & Klein, Survival Analysis: A Self-Learning Text (remission weeks; + = censored)."""

from __future__ import annotations

import pandas as pd
import pytest

from ipexpath.registry.survival import km, logrank

SIX_MP = "6 6 6 6+ 7 9+ 10 10+ 11+ 13 16 17+ 19+ 20+ 22 23 25+ 32+ 32+ 34+ 35+".split()
PLACEBO = "1 1 2 2 3 4 4 5 5 8 8 8 8 11 11 12 12 15 17 22 23".split()


def _frame() -> pd.DataFrame:
    rows = [
        {"time": float(t.rstrip("+")), "death": 0 if t.endswith("+") else 1, "group": group}
        for group, times in (("6-MP", SIX_MP), ("placebo", PLACEBO))
        for t in times
    ]
    return pd.DataFrame(rows)


def test_kaplan_meier_product_limit_values() -> None:
    fitter = km(_frame().query("group == '6-MP'"), "time", "death", "6-MP")
    expected = {6: 0.8571, 7: 0.8067, 10: 0.7529, 13: 0.6902, 16: 0.6275, 22: 0.5378, 23: 0.4482}
    for week, value in expected.items():
        assert float(fitter.survival_function_at_times(week).iloc[0]) == pytest.approx(value, abs=1e-4)
    assert fitter.median_survival_time_ == 23
    placebo = km(_frame().query("group == 'placebo'"), "time", "death", "placebo")
    assert placebo.median_survival_time_ == 8


def test_log_rank_statistic() -> None:
    result = logrank(_frame(), "time", "death", "group")
    assert result is not None
    assert result["chi2"] == pytest.approx(16.79, abs=0.01)
    assert result["p"] < 0.0001


def test_confidence_interval_is_log_log_greenwood_computed_by_hand() -> None:
    # 6-MP at 6 weeks: S = 18/21, Greenwood var(log S) = 3 / (21 x 18); on the log(-log S) scale
    # sd = sqrt(var) / |log S| = 0.5779, so the CI is S^exp(+-1.96 x 0.5779) = 0.6197 - 0.9516
    # (R survfit conf.type = "log-log" prints 0.620 - 0.952).
    from ipexpath.registry.survival import survival_at

    fitter = km(_frame().query("group == '6-MP'"), "time", "death", "6-MP")
    at6 = survival_at(fitter, 6)
    assert at6["survival"] == pytest.approx(18 / 21)
    assert (at6["ci_low"], at6["ci_high"]) == (
        pytest.approx(0.6197, abs=1e-4),
        pytest.approx(0.9516, abs=1e-4),
    )
    at23 = survival_at(fitter, 23)
    assert (at23["ci_low"], at23["ci_high"]) == (
        pytest.approx(0.1881, abs=1e-3),
        pytest.approx(0.6801, abs=1e-3),
    )


def test_numbers_at_risk_counted_by_hand() -> None:
    # 6-MP: at risk at week t = remission times >= t (21 at 0; 15 at 10: six end before 10; 8 at 20).
    # Placebo: 8 at 10 (11 11 12 12 15 17 22 23), 2 at 20 (22 23).
    from ipexpath.registry.survival import at_risk, survival_at

    frame = _frame()
    six = frame.query("group == '6-MP'")["time"]
    placebo = frame.query("group == 'placebo'")["time"]
    assert at_risk(six, [0, 10, 20, 36]) == [21, 15, 8, 0]
    assert at_risk(placebo, [0, 10, 20]) == [21, 8, 2]
    fitter = km(frame.query("group == '6-MP'"), "time", "death", "6-MP")
    assert survival_at(fitter, 10)["at_risk"] == 15
    # Beyond the last follow-up (35 weeks) the survival is not estimable, not carried forward.
    assert survival_at(fitter, 40) == {
        "years": 40,
        "survival": None,
        "ci_low": None,
        "ci_high": None,
        "at_risk": 0,
    }


def test_delayed_entry_kaplan_meier_and_log_rank_by_hand() -> None:
    # (entry, exit, event): A (0, 2, death), B (0, 4, censored), C (3, 5, death), D (1, 6, censored).
    # At t = 2 the risk set is A, B, D (C enters at 3): S = 2/3. At t = 5: C, D: S = 2/3 x 1/2 = 1/3.
    # Ignoring entry would put C at risk at 2 and give S(2) = 3/4.
    frame = pd.DataFrame(
        {"entry": [0, 0, 3, 1], "time": [2, 4, 5, 6], "death": [1, 0, 1, 0], "group": ["a", "b", "a", "b"]}
    )
    fitter = km(frame, "time", "death", "x", entry="entry")
    assert float(fitter.survival_function_at_times(2).iloc[0]) == pytest.approx(2 / 3)
    assert float(fitter.survival_function_at_times(5).iloc[0]) == pytest.approx(1 / 3)
    # Log-rank, group a vs b: t=2: n=3 (a: A; b: B, D), d=1 in a: O-E = 1 - 1/3, V = 1 x 2/2 x 1/3 x 2/3;
    # t=5: n=2 (a: C; b: D), d=1 in a: O-E = 1 - 1/2, V = 1/4. chi2 = (2/3 + 1/2)^2 / (2/9 + 1/4).
    result = logrank(frame, "time", "death", "group", entry="entry")
    assert result is not None
    assert result["chi2"] == pytest.approx((2 / 3 + 1 / 2) ** 2 / (2 / 9 + 1 / 4))


def test_log_rank_equals_lifelines_without_entry_for_three_groups() -> None:
    import numpy as np
    from lifelines.statistics import multivariate_logrank_test

    rng = np.random.default_rng(3)
    frame = pd.DataFrame(
        {
            "time": np.round(rng.exponential(2.0, 90), 1),  # rounded: many ties
            "death": rng.integers(0, 2, 90),
            "group": rng.integers(0, 3, 90),
        }
    )
    expected = multivariate_logrank_test(frame["time"], frame["group"], frame["death"]).test_statistic
    result = logrank(frame, "time", "death", "group")
    assert result is not None and result["df"] == 2
    assert result["chi2"] == pytest.approx(float(expected), rel=1e-9)


def test_aalen_johansen_with_ties_by_hand_and_against_lifelines() -> None:
    # (time, cause): (1, 1), (1, 2), (2, censored), (3, 1), (4, censored); all-cause KM S.
    # t=1: n=5, CIF1 = 1 x 1/5 = 0.2, S = 3/5. t=3: n=2, CIF1 = 0.2 + 3/5 x 1/2 = 0.5. CIF2 = 0.2.
    import numpy as np
    from lifelines import AalenJohansenFitter

    from ipexpath.registry.survival import aalen_johansen

    times, causes = [1, 1, 2, 3, 4], [1, 2, 0, 1, 0]
    cif1 = aalen_johansen(times, causes, 1)
    assert [cif1.at(t) for t in (0.5, 1, 2.9, 3, 4)] == pytest.approx([0.0, 0.2, 0.2, 0.5, 0.5])
    assert cif1.at(4.5) is None  # beyond the last follow-up: not estimable
    assert aalen_johansen(times, causes, 2).at(4) == pytest.approx(0.2)
    rng = np.random.default_rng(1)  # untied times: lifelines needs no jitter and must agree
    t, c = rng.exponential(2.0, 60), rng.integers(0, 3, 60)
    lifelines_cif = (
        AalenJohansenFitter(calculate_variance=False).fit(t, c, event_of_interest=1).cumulative_density_
    )
    ours = aalen_johansen(t, c, 1)
    for year in (0.5, 1, 2, 4):
        assert ours.at(year) == pytest.approx(float(lifelines_cif[lifelines_cif.index <= year].iloc[-1, 0]))


def test_median_follow_up_by_reverse_kaplan_meier() -> None:
    from ipexpath.registry.survival import median_follow_up

    # Reverse KM (censorings are the events): times 1 (death) 2 (censored) 3 (death) 4 (censored):
    # t=2: 3 followed, 1 censored -> 2/3; t=4: 1 followed, 1 censored -> 0; median 4.
    assert median_follow_up(pd.DataFrame({"time": [1.0, 2.0, 3.0, 4.0], "death": [1, 0, 1, 0]})) == 4.0
    # Only the first of three censored: the reverse curve stays at 2/3, the median is not reached (None,
    # not infinity in the JSON report).
    assert median_follow_up(pd.DataFrame({"time": [1.0, 2.0, 3.0], "death": [0, 1, 1]})) is None


def test_no_confidence_interval_before_the_first_event() -> None:
    # Placebo's first relapses are at week 1: at week 0.5 S = 1 with zero Greenwood variance; the log-log
    # interval is not defined, so none is reported (not a misleading 100 % - 100 %).
    from ipexpath.registry.survival import survival_at

    fitter = km(_frame().query("group == 'placebo'"), "time", "death", "placebo")
    assert survival_at(fitter, 0.5) == {
        "years": 0.5,
        "survival": 1.0,
        "ci_low": None,
        "ci_high": None,
        "at_risk": 21,
    }


def test_cumulative_incidence_ci_without_censoring_is_the_binomial_interval() -> None:
    # Ten patients, no censoring, five die of cause 1 (at 1, 3, 4, 7, 10) and five of cause 2: F(10) = 0.5 and
    # the delta-method variance reduces to the binomial F(1 - F)/n = 0.025. By hand on the log(-log) scale:
    # se = sqrt(0.025) / (0.5 x ln 2) = 0.456207; z x se = 0.894149; exp(0.894149) = 2.445208;
    # lower = 0.5^2.445208 = 0.18361, upper = 0.5^(1/2.445208) = 0.75317.
    import math

    from ipexpath.registry.survival import aalen_johansen

    times, causes = list(range(1, 11)), [1, 2, 1, 1, 2, 2, 1, 2, 2, 1]
    point = aalen_johansen(times, causes, 1).interval_at(10)
    assert point["incidence"] == pytest.approx(0.5)
    assert (point["ci_low"], point["ci_high"]) == pytest.approx((0.18361, 0.75317), abs=5e-5)
    assert point["at_risk"] == 1
    # F(3) = 0.2: variance 0.2 x 0.8 / 10 = 0.016, the same formula by hand.
    se = math.sqrt(0.016) / (0.2 * abs(math.log(0.2)))
    assert aalen_johansen(times, causes, 1).interval_at(3)["ci_low"] == pytest.approx(
        0.2 ** math.exp(1.959964 * se), rel=1e-5
    )


def test_cumulative_incidence_ci_with_ties_and_censoring_by_hand_and_against_lifelines() -> None:
    # (time, cause): (1, 1), (1, 2), (2, censored), (3, 1), (4, censored). Rows (F, n, d, d1, S-):
    # t=1: (0.2, 5, 2, 1, 1); t=3: (0.5, 2, 1, 1, 0.6). Variance at 3 = 0.3^2 x 2/(5 x 3) + 1 x 1 x 4/125
    # - 2 x 0.3 x 1 x 1/25 + 0.6^2 x 1 x 1/8 = 0.012 + 0.032 - 0.024 + 0.045 = 0.065.
    import math

    import numpy as np
    from lifelines import AalenJohansenFitter

    from ipexpath.registry.survival import aalen_johansen, cif_log_log_interval

    point = aalen_johansen([1, 1, 2, 3, 4], [1, 2, 0, 1, 0], 1).interval_at(3.5)
    assert (point["ci_low"], point["ci_high"]) == pytest.approx(cif_log_log_interval(0.5, 0.065))
    se = math.sqrt(0.065) / (0.5 * math.log(2))
    assert point["ci_low"] == pytest.approx(0.5 ** math.exp(1.959964 * se), rel=1e-5)
    assert aalen_johansen([1, 1, 2, 3, 4], [1, 2, 0, 1, 0], 1).interval_at(0.5)["ci_low"] is None
    # Untied times: lifelines' AalenJohansenFitter (same variance, same transformation) must agree.
    rng = np.random.default_rng(1)
    t, c = rng.exponential(2.0, 60), rng.integers(0, 3, 60)
    theirs = AalenJohansenFitter().fit(t, c, event_of_interest=1).confidence_interval_
    ours = aalen_johansen(t, c, 1)
    for year in (0.5, 1, 2, 4):
        expected = sorted(float(v) for v in theirs[theirs.index <= year].iloc[-1])
        got = ours.interval_at(year)
        assert [got["ci_low"], got["ci_high"]] == pytest.approx(expected, rel=1e-9)
