"""Survival statistics used by the registry analysis (Kaplan–Meier, log-rank, Cox summaries), free of Django.

Thin wrappers over lifelines so that the known-answer tests check exactly the code the report uses.
"""

from __future__ import annotations

from typing import Any

import pandas as pd


def km(frame: pd.DataFrame, time: str, event: str, label: str) -> Any:
    from lifelines import KaplanMeierFitter

    return KaplanMeierFitter(label=label).fit(frame[time], frame[event])


def survival_at(fitter: Any, years: float) -> dict[str, float]:
    s = float(fitter.survival_function_at_times(years).iloc[0])
    ci = fitter.confidence_interval_survival_function_
    before = ci[ci.index <= years]
    lo, hi = before.iloc[-1].tolist() if len(before) else [1.0, 1.0]
    return {"years": years, "survival": s, "ci_low": float(lo), "ci_high": float(hi)}


def logrank(frame: pd.DataFrame, time: str, event: str, by: str) -> dict[str, Any] | None:
    from lifelines.statistics import multivariate_logrank_test

    if frame[by].nunique() < 2:
        return None
    result = multivariate_logrank_test(frame[time], frame[by], frame[event])
    return {
        "test": "log-rank",
        "chi2": float(result.test_statistic),
        "df": int(frame[by].nunique() - 1),
        "p": float(result.p_value),
    }


def median_follow_up(frame: pd.DataFrame) -> float:
    """Median follow-up by reverse Kaplan–Meier (censorings as events)."""
    from lifelines import KaplanMeierFitter

    fitter = KaplanMeierFitter().fit(frame["time"], 1 - frame["death"])
    return float(fitter.median_survival_time_)


def cox_summary(fitter: Any, covariate: str) -> dict[str, Any]:
    s = fitter.summary.loc[covariate]
    return {
        "hazard_ratio": float(s["exp(coef)"]),
        "ci_low": float(s["exp(coef) lower 95%"]),
        "ci_high": float(s["exp(coef) upper 95%"]),
        "p": float(s["p"]),
    }
