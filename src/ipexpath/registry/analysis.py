"""Survival analysis of the registry: Barzaghi et al. 2018's questions, with the methods reviewers expect.

* Overall survival (death of any cause) and disease-free survival by treatment, Kaplan–Meier with numbers at
  risk and log-rank. Disease-free survival is a composite: the first visit with active autoimmunity other than
  type 1 diabetes after time zero, or death (Barzaghi counted "remission (or with T1D only)"; death is an
  event, not a censoring, because censoring at death is what reviewers reject — reference note §7.3).
* Transplant-related death after HSCT as a cumulative incidence with other deaths as a competing event
  (Aalen–Johansen), not 1 − KM.
* HSCT vs immunosuppression without immortal-time bias: HSCT enters a Cox model as a time-varying covariate
  from the start of the first treatment (Mantel–Byar; lifelines `CoxTimeVaryingFitter`), so the months on
  immunosuppression before a transplant count for the immunosuppression group (Suissa 2008,
  doi 10.1093/aje/kwm324). A time-fixed comparison is shown next to it only to show the bias.
* Survival after HSCT by pre-HSCT organ-involvement group 0–2 vs 3–5 (complete scores only), log-rank and Cox.
Time zero is the user's choice: treatment start (default, as Barzaghi), birth (Gambineri 2018) or diagnosis.
The registry stores the birth year and month only: the day of birth is imputed as the 15th of the month
(1 July when the month is not known), or the patient's first recorded date when that is earlier, so that no
age or time from birth is negative; every age derived from it is labelled approximate.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ipexpath.registry import models as m
from ipexpath.registry.oi import oi_score
from ipexpath.registry.survival import (
    CIF_CI_METHOD,
    KM_CI_METHOD,
    aalen_johansen,
    at_risk,
    cox_summary,
    km,
    logrank,
    median_follow_up,
    survival_at,
)

TIME_ZEROS = ("treatment", "birth", "diagnosis")
MIN_GROUP = 10  # below this a group is shown descriptively only
MIN_EVENTS = 5  # below this no model is fitted (about 10 events per covariate is the usual rule; §7.6)
DAYS_PER_YEAR = 365.25
REPORT_YEARS = (1, 5, 10, 15)  # Barzaghi 2018 reports OS at 15 years
AT_RISK_YEARS = (0, 1, 2, 5, 10, 15)  # the numbers-at-risk table under each curve


@dataclass
class Analysis:
    """Everything the analysis report shows: tables, test results, figures' data and warnings."""

    time_zero: str
    n_patients: int
    cohort_table: list[dict[str, Any]] = field(default_factory=list)
    results: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    frames: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)


OI_ITEMS = (
    "intractable_diarrhea",
    "malnutrition",
    "liver_dysfunction",
    "respiratory_impairment",
    "kidney_dysfunction",
)


def _first_dates(query: Any, field_name: str) -> dict[int, dt.date]:
    """Earliest `field_name` per patient id over the live rows of `query` (one database query)."""
    from django.db.models import Min

    rows = query.filter(patient__deleted_at__isnull=True).values("patient_id").annotate(first=Min(field_name))
    return {row["patient_id"]: row["first"] for row in rows}


BIRTH_IMPUTATION = (
    "ages are approximate: the registry keeps the birth year and month only, so the day of birth is taken as "
    "the 15th of the month (1 July when the month is not known), or the first recorded date when that is "
    "earlier"
)


def _birth(patient: m.Patient, earliest: dt.date | None = None) -> dt.date:
    """The imputed birth date (`BIRTH_IMPUTATION`): mid-month, never after the first recorded date."""
    middle = dt.date(patient.birth_year, patient.birth_month or 7, 15 if patient.birth_month else 1)
    return min(middle, earliest) if earliest is not None else middle


def _years(a: dt.date, b: dt.date) -> float:
    return (b - a).days / DAYS_PER_YEAR


def _origin_rule(time_zero: str) -> str:
    """What time zero means for the report, in words."""
    return {
        "treatment": "the start of the treatment that defines the group: day 0 of the first HSCT for "
        "transplanted patients, the start of immunosuppression for those on immunosuppression only "
        "(Barzaghi 2018: survival 'after HSCT' and 'under IS')",
        "birth": "birth (as Gambineri 2018), with delayed entry at diagnosis (or at the first treatment when "
        "the diagnosis date is missing): a registry only sees patients who lived long enough to be "
        "diagnosed, so time before entry is not counted at risk (left truncation)",
        "diagnosis": "the date of diagnosis as recorded (the diagnosis date; CIBMTR form 2402 would take the "
        "date of the confirmatory genetic test, recorded separately as the confirmation date)",
    }[time_zero]


def patient_frame(time_zero: str = "treatment", centres: Iterable[str] | None = None) -> pd.DataFrame:
    """One row per live patient (of `centres`, codes, when given): group, time zero, entry, follow-up, death,
    disease-free survival from the group's treatment, HSCT timing, pre-HSCT OI."""
    if time_zero not in TIME_ZEROS:
        raise ValueError(f"time zero must be one of {', '.join(TIME_ZEROS)}")
    rows = []
    first_hsct = _first_dates(m.Hsct.objects.exclude(kind=m.HsctKind.BOOST), "day0")
    first_is = _first_dates(m.ImmunosuppressionCourse.objects, "start")
    first_diagnosis = _first_dates(m.Diagnosis.objects.filter(diagnosis_date__isnull=False), "diagnosis_date")
    first_onset = _first_dates(m.Diagnosis.objects.filter(onset_date__isnull=False), "onset_date")
    first_visit: dict[int, dt.date] = {}
    active_visits: dict[int, list[dt.date]] = {}
    latest_visit: dict[int, dt.date] = {}
    query = m.FollowUpVisit.objects.filter(patient__deleted_at__isnull=True)
    for patient_id, day, active in query.order_by("visit_date").values_list(
        "patient_id", "visit_date", "active_autoimmunity"
    ):
        latest_visit[patient_id] = day
        first_visit.setdefault(patient_id, day)
        if active:
            active_visits.setdefault(patient_id, []).append(day)
    pre_hsct: dict[int, list[tuple[dt.date, dict[str, bool | None]]]] = {}
    oi_rows = m.OiAssessment.objects.filter(timepoint=m.OiTimepoint.PRE_HSCT).order_by("assessed_on", "pk")
    for row in oi_rows.values("patient_id", "assessed_on", *OI_ITEMS):
        patient_id, day = row.pop("patient_id"), row.pop("assessed_on")
        pre_hsct.setdefault(patient_id, []).append((day, row))
    patients = (
        m.Patient.objects if centres is None else m.Patient.objects.filter(centre__code__in=list(centres))
    )
    for p in patients.only(
        "pseudonym",
        "birth_year",
        "birth_month",
        "vital_status",
        "death_date",
        "last_follow_up",
        "death_category",
    ):
        hsct_day, is_day = first_hsct.get(p.pk), first_is.get(p.pk)
        starts = [d for d in (hsct_day, is_day) if d is not None]
        first_treatment = min(starts) if starts else None
        group = "HSCT" if hsct_day else ("IS only" if is_day else "no treatment")
        group_start = hsct_day or is_day  # the treatment that defines the group
        diagnosed = first_diagnosis.get(p.pk)
        died = p.vital_status == m.VitalStatus.DECEASED
        end = p.death_date if died and p.death_date else p.last_follow_up
        if not died and latest_visit.get(p.pk) and (end is None or latest_visit[p.pk] > end):
            end = latest_visit[p.pk]  # a visit proves the patient alive on that day
        recorded = [
            d
            for d in (first_treatment, diagnosed, first_onset.get(p.pk), first_visit.get(p.pk), end)
            if d is not None
        ]
        born = _birth(p, min(recorded) if recorded else None)
        origin = {"treatment": group_start, "birth": born, "diagnosis": diagnosed}[time_zero]
        if origin is None or end is None or end < origin:
            rows.append({"pseudonym": p.pseudonym, "usable": False, "group": group})
            continue
        entry_day = None
        if time_zero == "birth":
            known = [d for d in (diagnosed, first_treatment) if d is not None]
            entry_day = min(known) if known else None
        # Disease-free survival is measured from the group's treatment whatever the time zero (Barzaghi:
        # 'recurrent or new onset autoimmunity after transplantation', 'DFS ... during IS').
        relapse = None
        if group_start is not None:
            relapse = next((day for day in active_visits.get(p.pk, ()) if day >= group_start), None)
        dfs_end = min(relapse, end) if relapse else end
        candidates = [row for day, row in pre_hsct.get(p.pk, ()) if hsct_day and day <= hsct_day]
        items = candidates[-1] if candidates else None  # the latest assessment before the first HSCT
        score = oi_score(items) if items is not None else None
        rows.append(
            {
                "pseudonym": p.pseudonym,
                "usable": True,
                "group": group,
                "origin": origin,
                "time": max(_years(origin, end), 1e-3),
                "entry": _years(origin, entry_day) if entry_day is not None else 0.0,
                "no_entry_date": time_zero == "birth" and entry_day is None,
                "death": int(died),
                "transplant_related": int(died and p.death_category == m.DeathCategory.TRANSPLANT_RELATED),
                "death_cause_unknown": int(died and p.death_category in ("", m.DeathCategory.UNKNOWN)),
                "dfs_time": max(_years(group_start, dfs_end), 1e-3) if group_start else math.nan,
                "dfs_event": int(bool(relapse) or died),
                "hsct_day": hsct_day,
                "treatment_start": first_treatment,
                "t_first_treatment": max(_years(first_treatment, end), 1e-3) if first_treatment else math.nan,
                "age_at_treatment": _years(born, group_start) if group_start else math.nan,
                "oi_pre_hsct": score.value if score else None,
                "oi_group": score.group if score else None,
                "oi_partial": bool(score and not score.complete),
                "oi_after_hsct_only": bool(hsct_day and pre_hsct.get(p.pk) and not candidates),
                "end": end,
                "death_date": p.death_date,
            }
        )
    return pd.DataFrame(rows)


def _cohort_table(frame: pd.DataFrame) -> list[dict[str, Any]]:
    table = []
    for group, sub in frame.groupby("group"):
        ages = sub["age_at_treatment"].dropna()
        table.append(
            {
                "group": group,
                "patients": len(sub),
                "deaths": int(sub["death"].sum()),
                "median_age_at_treatment_years": float(ages.median()) if len(ages) else None,
                "age_range_years": [float(ages.min()), float(ages.max())] if len(ages) else None,
                "median_follow_up_years": median_follow_up(sub) if sub["death"].lt(1).any() else None,
                "pre_hsct_oi_3_5": int((sub["oi_group"] == "3-5").sum()),
                "pre_hsct_oi_0_2": int((sub["oi_group"] == "0-2").sum()),
                "pre_hsct_oi_partial": int(sub["oi_partial"].sum()),
            }
        )
    return table


def _time_varying(frame: pd.DataFrame) -> pd.DataFrame:
    """Start/stop rows from the start of the first treatment; `hsct` switches to 1 on HSCT day 0."""
    rows = []
    for r in frame.itertuples():
        if r.treatment_start is None:
            continue
        total = max(_years(r.treatment_start, r.end), 1e-3)
        if r.hsct_day is not None and r.hsct_day > r.treatment_start:
            switch = _years(r.treatment_start, r.hsct_day)
            rows.append({"id": r.pseudonym, "start": 0.0, "stop": switch, "hsct": 0, "death": 0})
            rows.append(
                {
                    "id": r.pseudonym,
                    "start": switch,
                    "stop": max(total, switch + 1e-3),
                    "hsct": 1,
                    "death": r.death,
                }
            )
        else:
            rows.append(
                {
                    "id": r.pseudonym,
                    "start": 0.0,
                    "stop": total,
                    "hsct": int(r.hsct_day is not None),
                    "death": r.death,
                }
            )
    return pd.DataFrame(rows)


def _km_fits(frame: pd.DataFrame, time: str, event: str, entry: str | None, out: Analysis) -> dict[str, Any]:
    """One Kaplan–Meier fit per group; a group whose risk set empties under delayed entry gets a warning."""
    from lifelines.exceptions import StatError

    fits = {}
    for group, sub in frame.groupby("group"):
        try:
            fits[str(group)] = km(sub, time, event, str(group), entry)
        except StatError:
            out.warnings.append(
                f"Group '{group}': with delayed entry the risk set empties before the last death; "
                "no Kaplan-Meier curve."
            )
    return fits


def _at_risk_table(fits: dict[str, Any], times: tuple[float, ...]) -> dict[str, list[int]]:
    return {g: at_risk(f.durations, times, f.entry if f.entry is not None else None) for g, f in fits.items()}


def analyse(time_zero: str = "treatment", centres: Iterable[str] | None = None) -> Analysis:
    """Run every analysis on the live registry (or the patients of `centres`); small groups get warnings
    instead of models."""
    from lifelines import CoxPHFitter, CoxTimeVaryingFitter
    from lifelines.exceptions import ConvergenceError

    full = patient_frame(time_zero, centres)
    out = Analysis(time_zero=time_zero, n_patients=len(full))
    out.results["time_zero"] = {
        "what": "Time zero of every survival time in this report",
        "rule": _origin_rule(time_zero),
        "birth_dates": BIRTH_IMPUTATION[0].upper() + BIRTH_IMPUTATION[1:] + ".",
    }
    if full.empty or not full["usable"].any():
        out.warnings.append("No patient has both a time zero and a follow-up date; nothing to analyse.")
        return out
    unusable = int((~full["usable"]).sum())
    if unusable:
        out.warnings.append(
            f"{unusable} patient(s) lack a time zero or a follow-up date (or their follow-up ends before "
            "time zero) and are left out."
        )
    frame = full[full["usable"]].copy()
    frame["death"] = frame["death"].astype(int)
    entry: str | None = None
    if time_zero == "birth":
        entry = "entry"
        late = frame["entry"] >= frame["time"]
        if late.any():
            out.warnings.append(
                f"{int(late.sum())} patient(s) were diagnosed only at or after death or their last "
                "follow-up: with delayed entry they add no time at risk and are left out."
            )
            frame = frame[~late].copy()
        missing = int(frame["no_entry_date"].sum())
        if missing:
            out.warnings.append(
                f"{missing} patient(s) have neither a diagnosis date nor a treatment date: counted at risk "
                "from birth, which overstates survival."
            )
    out.frames["patients"] = frame
    out.cohort_table = _cohort_table(frame)
    for group, sub in frame.groupby("group"):
        if len(sub) < MIN_GROUP:
            out.warnings.append(f"Group '{group}' has {len(sub)} patients: shown, but too small for a model.")
    late_oi = int(frame["oi_after_hsct_only"].sum())
    if late_oi:
        out.warnings.append(
            f"{late_oi} transplanted patient(s) have 'pre-HSCT' OI assessments dated only after day 0 of "
            "the first HSCT: not used."
        )

    treated = frame[frame["group"] != "no treatment"]
    os_fits = _km_fits(treated, "time", "death", entry, out)
    out.results["overall_survival"] = {
        "what": f"Overall survival (death of any cause) by treatment received, from {time_zero}",
        "method": f"Kaplan-Meier; {KM_CI_METHOD}; survival beyond a group's last follow-up is not estimable "
        "(shown as null)",
        "at": {g: [survival_at(f, y) for y in REPORT_YEARS] for g, f in os_fits.items()},
        "numbers_at_risk": {"years": list(AT_RISK_YEARS), **_at_risk_table(os_fits, AT_RISK_YEARS)},
        "logrank": logrank(treated, "time", "death", "group", entry),
        "caution": "Patients are grouped by a treatment received after time zero; compare HSCT with "
        "immunosuppression through hsct_vs_is (time-varying), not through these curves.",
    }
    dfs_frame = treated.dropna(subset=["dfs_time"])
    dfs_fits = _km_fits(dfs_frame, "dfs_time", "dfs_event", None, out)
    out.results["disease_free_survival"] = {
        "what": "Disease-free survival from the start of the group's treatment (first HSCT or "
        "immunosuppression): event = first follow-up visit recorded with active autoimmunity other than "
        "T1D (persisting or new), or death",
        "method": f"Kaplan-Meier; {KM_CI_METHOD}",
        "at": {g: [survival_at(f, y) for y in (1, 5)] for g, f in dfs_fits.items()},
        "numbers_at_risk": {"years": list(AT_RISK_YEARS), **_at_risk_table(dfs_fits, AT_RISK_YEARS)},
        "logrank": logrank(dfs_frame, "dfs_time", "dfs_event", "group"),
    }
    out.frames["os_fits"] = os_fits  # type: ignore[assignment]
    out.frames["dfs_fits"] = dfs_fits  # type: ignore[assignment]

    hsct = frame[frame["group"] == "HSCT"].copy()
    if len(hsct):
        hsct["t_from_hsct"] = [
            max(_years(d, e), 1e-3) for d, e in zip(hsct["hsct_day"], hsct["end"], strict=True)
        ]
        hsct["cause"] = np.where(hsct["death"] == 0, 0, np.where(hsct["transplant_related"] == 1, 1, 2))
        cif = aalen_johansen(hsct["t_from_hsct"], hsct["cause"], 1, "transplant-related death")
        unknown_cause = int(hsct["death_cause_unknown"].sum())
        out.results["transplant_related_mortality"] = {
            "what": "Cumulative incidence of transplant-related death after the first HSCT; other deaths "
            "compete",
            "method": f"Aalen-Johansen (exact with tied times); {CIF_CI_METHOD}",
            "at": {str(y): cif.interval_at(y) for y in (0.5, 1, 2, 5)},
            "numbers_at_risk": {"years": list(AT_RISK_YEARS), "HSCT": at_risk(cif.exits, AT_RISK_YEARS)},
            "events": int((hsct["cause"] == 1).sum()),
            "competing_events": int((hsct["cause"] == 2).sum()),
            "deaths_of_unknown_cause_counted_as_competing": unknown_cause,
        }
        if unknown_cause:
            out.warnings.append(
                f"{unknown_cause} death(s) after HSCT have no recorded cause category: counted as competing "
                "(not transplant-related), which may understate transplant-related mortality."
            )
        out.frames["trm"] = cif  # type: ignore[assignment]
        complete = hsct[hsct["oi_group"].notna()].copy()
        partial = int(hsct["oi_partial"].sum())
        if partial:
            out.warnings.append(
                f"{partial} transplanted patient(s) have a partial pre-HSCT OI score: no group."
            )
        oi_result: dict[str, Any] = {
            "what": "Overall survival after the first HSCT by pre-HSCT organ-involvement score, 0-2 vs 3-5 "
            "(Barzaghi 2018; the latest complete assessment labelled pre-HSCT dated on or before day 0)",
            "patients": {g: int((complete["oi_group"] == g).sum()) for g in ("0-2", "3-5")},
        }
        if complete["oi_group"].nunique() == 2:
            oi_result["logrank"] = logrank(complete, "t_from_hsct", "death", "oi_group")
            complete["oi_high"] = (complete["oi_group"] == "3-5").astype(int)
            if complete["death"].sum() >= MIN_EVENTS:
                try:
                    cox = CoxPHFitter().fit(
                        complete[["t_from_hsct", "death", "oi_high"]], "t_from_hsct", "death"
                    )
                    oi_result["cox"] = cox_summary(cox, "oi_high")
                except ConvergenceError:
                    out.warnings.append("The Cox model by OI group did not converge; no hazard ratio shown.")
            else:
                out.warnings.append("Fewer than 5 deaths after HSCT: no Cox model by OI group.")
            oi_fits = {
                f"OI {g}": km(sub, "t_from_hsct", "death", f"OI {g}")
                for g, sub in complete.groupby("oi_group")
            }
            oi_result["at"] = {g: [survival_at(f, y) for y in REPORT_YEARS] for g, f in oi_fits.items()}
            oi_result["numbers_at_risk"] = {
                "years": list(AT_RISK_YEARS),
                **_at_risk_table(oi_fits, AT_RISK_YEARS),
            }
            out.frames["oi_fits"] = oi_fits  # type: ignore[assignment]
        out.results["survival_by_oi_group"] = oi_result

    tv = _time_varying(frame)
    comparison: dict[str, Any] = {
        "what": "HSCT vs immunosuppression: HSCT as a time-varying covariate from the start of the first "
        "treatment (Mantel-Byar), avoiding immortal-time bias",
    }
    sizes = treated["group"].value_counts()
    both = all(sizes.get(g, 0) >= MIN_GROUP for g in ("HSCT", "IS only"))
    if both and len(tv) and tv["death"].sum() >= MIN_EVENTS:
        try:
            ctv = CoxTimeVaryingFitter().fit(
                tv, id_col="id", start_col="start", stop_col="stop", event_col="death"
            )
            comparison["time_varying_cox"] = cox_summary(ctv, "hsct")
            fixed = treated.assign(hsct=(treated["group"] == "HSCT").astype(int))
            naive = CoxPHFitter().fit(
                fixed[["t_first_treatment", "death", "hsct"]], "t_first_treatment", "death"
            )
            comparison["time_fixed_cox_biased"] = {
                **cox_summary(naive, "hsct"),
                "note": "everyone from the first treatment, transplanted patients counted as HSCT from that "
                "day: the months before transplant are immortal time (Suissa 2008); shown to size the bias",
            }
        except ConvergenceError:
            out.warnings.append(
                "The HSCT vs immunosuppression Cox model did not converge; no estimate shown."
            )
    else:
        out.warnings.append(
            f"HSCT vs immunosuppression needs at least {MIN_GROUP} patients per group and "
            f"{MIN_EVENTS} deaths: "
            "no model."
        )
    out.results["hsct_vs_is"] = comparison
    return out
