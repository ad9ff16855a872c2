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
