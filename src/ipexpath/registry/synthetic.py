"""A SYNTHETIC demo cohort of IPEX patients, simulated from published group sizes and outcomes.

Every patient is fictional (pseudonyms `SYN-…`, `synthetic = yes`). Parameters come from Barzaghi et al. 2018
(J Allergy Clin Immunol 141:1036, PMID 29241729; 58 patients transplanted, 34 on immunosuppression only) where
the paper gives them; the others are simulation choices and are labelled `ASSUMED` below. The pre-HSCT
organ-involvement group acts on mortality with the hazard ratio `HR_OI_HIGH`, a simulation parameter (the
paper reports only P = .002 for the difference, not a hazard ratio) that the analysis must recover.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np

from ipexpath.registry.oi import ITEMS
from ipexpath.registry.store import TableRows
from ipexpath.registry.tables import TABLES

# --- Barzaghi 2018 (PMID 29241729), as summarised in the registry reference note §5 ---
N_HSCT, N_IS = 58, 34
HSCT_AGE_MEDIAN_Y, HSCT_AGE_RANGE_Y = 1.4, (1 / 12, 18.8)  # median age at HSCT 1.4 y (1 month - 18.8 y)
IS_AGE_MEDIAN_Y, IS_AGE_RANGE_Y = 1.5, (1 / 12, 19.6)  # IS started at a median of 1.5 y (1 month - 19.6 y)
HSCT_FOLLOW_UP_MEDIAN_Y, IS_FOLLOW_UP_MEDIAN_Y = 2.7, 4.0
# follow-up ranges: HSCT 2 weeks - 15 y, IS 1 month - 25 y (full text; so the 24-year IS figure can appear)
HSCT_FOLLOW_UP_RANGE_Y, IS_FOLLOW_UP_RANGE_Y = (14 / 365.25, 15.0), (1 / 12, 25.0)
HSCT_DEATH_BY_DAY100, HSCT_DEATH_BY_2_5Y = (
    0.15,
    0.25,
)  # "up to ~15 % by day 100 and 25 % by 2.5 y", none after
IS_SURVIVAL_15Y, IS_SURVIVAL_24Y = 0.868, 0.651  # OS under IS 86.8 % at 15 y, 65.1 % at 24 y
HSCT_AFTER_IS = 54 / 58  # 54/58 transplanted patients were first treated with IS
DONORS = {"matched_related": 31, "matched_unrelated": 21, "haploidentical": 5, "mismatched_related": 1}
RIT_FRACTION = 33 / 58
# graft sources as printed: BM 35, PBSC 12, cord blood 13 of 58 (sums to 60, unexplained); sampling weights
SOURCES = {"bone_marrow": 35, "peripheral_blood": 12, "cord_blood": 13}
# mixed chimerism in remission: Tregs 100 % donor in 3 of 9 (Barzaghi); used for every mixed-chimerism patient
MIXED_WITH_DONOR_TREGS = 3 / 9
SEROTHERAPY_FRACTION = 49 / 58
ACUTE_GVHD = 19 / 58  # 19 (33 %), grade III-IV in 9
ACUTE_GVHD_SEVERE = 9 / 19
CHRONIC_GVHD = 6 / 52
FULL_CHIMERISM = 31 / 49  # full 31 vs mixed 18 among 49 with a known pattern
REMISSION_HSCT, REMISSION_IS = 0.56, 0.36  # complete resolution (or T1D only) among survivors
IS_DRUGS = {"steroids": (25, 0.56), "calcineurin inhibitor": (20, 0.40), "rapamycin": (15, 0.67)}
NUTRITION_IS = 19 / 34
PRE_IS_ITEM = {"intractable_diarrhea": 26 / 34, "malnutrition": 25 / 34}  # before IS
# --- simulation choices (ASSUMED: not published as such) ---
ASSUMED_OTHER_ITEM = 0.25  # liver, respiratory, kidney involvement probability before treatment
HR_OI_HIGH = 3.0  # hazard ratio of death after HSCT for OI 3-5 vs 0-2
ASSUMED_IS_TO_HSCT_MONTHS = (2, 12)  # months from IS start to HSCT
ASSUMED_TRANSPLANT_RELATED_WITHIN_Y = 1.0  # deaths within a year of HSCT are labelled transplant-related
ASSUMED_GRADE_IV_SHARE = (
    0.3  # of grade III-IV acute GvHD (the paper gives III-IV together); I-II entered as II
)
ASSUMED_INFECTION_SHARE = 0.5  # of later deaths: infection, else disease progression
ASSUMED_MIXED_RANGE = (30, 95)  # % donor cells when mixed (full: > 95 %, Barzaghi)
SEED = 20180301


@dataclass(frozen=True)
class CohortSpec:
    """Sizes of the simulated groups (defaults: the published cohort)."""

    n_hsct: int = N_HSCT
    n_is: int = N_IS
    seed: int = SEED
    visits_per_patient: int | None = None  # None: yearly visits until the end of follow-up
    centre: str = "synthetic-demo"


def _lognormal_years(rng: np.random.Generator, median: float, bounds: tuple[float, float]) -> float:
    return float(np.clip(median * math.exp(rng.normal(0.0, 0.9)), *bounds))


def _hsct_death_time(rng: np.random.Generator, high_oi: bool, p_high: float) -> float | None:
    """Years from HSCT to death, piecewise-constant hazards matching Barzaghi's curve; None = survives."""
    scale = 1.0 / (1.0 - p_high + p_high * HR_OI_HIGH)  # keep the whole cohort near the published curve
    factor = (HR_OI_HIGH if high_oi else 1.0) * scale
    t1 = 100 / 365.25
    h1 = -math.log(1 - HSCT_DEATH_BY_DAY100) / t1 * factor
    h2 = -math.log((1 - HSCT_DEATH_BY_2_5Y) / (1 - HSCT_DEATH_BY_DAY100)) / (2.5 - t1) * factor
    e = rng.exponential()
    if e < h1 * t1:
        return e / h1
    e -= h1 * t1
    if e < h2 * (2.5 - t1):
        return t1 + e / h2
    return None


def _is_death_time(rng: np.random.Generator) -> float | None:
    h1 = -math.log(IS_SURVIVAL_15Y) / 15
    h2 = -math.log(IS_SURVIVAL_24Y / IS_SURVIVAL_15Y) / 9
    e = rng.exponential()
    if e < h1 * 15:
        return e / h1
    e -= h1 * 15
    return 15 + e / h2


def _date(base: dt.date, years: float) -> dt.date:
    return base + dt.timedelta(days=round(years * 365.25))


def _pick(rng: np.random.Generator, counts: dict[str, int]) -> str:
    keys = list(counts)
    weights = np.array([counts[k] for k in keys], dtype=float)
    return keys[int(rng.choice(len(keys), p=weights / weights.sum()))]


def _oi_items(rng: np.random.Generator) -> dict[str, str]:
    out = {}
    for name, _ in ITEMS:
        p = PRE_IS_ITEM.get(name, ASSUMED_OTHER_ITEM)
        out[name] = "yes" if rng.random() < p else "no"
    return out


def simulate(spec: CohortSpec = CohortSpec(), today: dt.date = dt.date(2026, 1, 1)) -> TableRows:
    """The synthetic cohort as registry tables (import it with `store.import_tables`)."""
    rng = np.random.default_rng(spec.seed)
    data: TableRows = {table.name: [] for table in TABLES}
    p_high = _p_high(rng)
    for index in range(spec.n_hsct + spec.n_is):
        transplanted = index < spec.n_hsct
        pseudonym = f"SYN-{index + 1:05d}"
        age = _lognormal_years(
            rng,
            HSCT_AGE_MEDIAN_Y if transplanted else IS_AGE_MEDIAN_Y,
            HSCT_AGE_RANGE_Y if transplanted else IS_AGE_RANGE_Y,
        )
        follow = _lognormal_years(
            rng,
            HSCT_FOLLOW_UP_MEDIAN_Y if transplanted else IS_FOLLOW_UP_MEDIAN_Y,
            HSCT_FOLLOW_UP_RANGE_Y if transplanted else IS_FOLLOW_UP_RANGE_Y,
        )
        latest_start = today - dt.timedelta(days=round(follow * 365.25))
        start = latest_start - dt.timedelta(days=int(rng.integers(0, 3 * 365)))
        birth = _date(start, -age).replace(day=15)
        items = _oi_items(rng)
        high = sum(v == "yes" for v in items.values()) >= 3
        if transplanted:
            died_after = _hsct_death_time(rng, high, p_high)
            had_is = rng.random() < HSCT_AFTER_IS
            is_start = None
            if had_is:
                wait = dt.timedelta(days=int(rng.integers(*ASSUMED_IS_TO_HSCT_MONTHS) * 30.4))
                is_start = max(start - wait, birth + dt.timedelta(days=14))
        else:
            died_after = _is_death_time(rng)
            is_start = start
        end = _date(start, follow)
        deceased = died_after is not None and died_after < follow
        if deceased:
            end = _date(start, died_after or 0.0)
        category = ""
        if deceased:
            if transplanted and (died_after or 0) <= ASSUMED_TRANSPLANT_RELATED_WITHIN_Y:
                category = "transplant_related"
            else:
                category = "infection" if rng.random() < ASSUMED_INFECTION_SHARE else "disease_progression"
        data["patient"].append(
            {
                "pseudonym": pseudonym,
                "centre": spec.centre,
                "sex": "male",
                "birth_year": str(birth.year),
                "birth_month": str(birth.month),
                "consent": "given",
                "familial_case": "",
                "consanguinity": "",
                "vital_status": "deceased" if deceased else "alive",
                "last_follow_up": end.isoformat(),
                "death_date": end.isoformat() if deceased else "",
                "death_category": category,
                "cause_of_death": category.replace("_", " "),
                "synthetic": "yes",
            }
        )
        onset = min(birth + dt.timedelta(days=int(rng.integers(10, 120))), is_start or start)
        data["diagnosis"].append(
            {
                "patient": pseudonym,
                "disease_id": "OMIM:304790",
                "disease_label": "IPEX syndrome",
                "gene": "FOXP3",
                "onset_date": onset.isoformat(),
                "genetic_confirmation": "yes",
                "diagnosis_date": (is_start or start).isoformat(),
            }
        )
        if is_start is not None:
            drawn = [drug for drug, (count, _) in IS_DRUGS.items() if rng.random() < count / N_IS]
            for drug in drawn or ["steroids"]:
                data["immunosuppression"].append(
                    {
                        "patient": pseudonym,
                        "drug": drug,
                        "start": is_start.isoformat(),
                        "stop": start.isoformat() if transplanted else "",
                        "response": "partial" if rng.random() < IS_DRUGS[drug][1] else "none",
                        "stop_reason": "HSCT" if transplanted else "",
                    }
                )
        timepoint = "pre_HSCT" if transplanted else "pre_IS"
        data["oi_assessment"].append(
            {
                "patient": pseudonym,
                "assessed_on": (start - dt.timedelta(days=7)).isoformat(),
                "timepoint": timepoint,
                "assessor": "synthetic",
                **items,
            }
        )
        if transplanted:
            _add_transplant(rng, data, pseudonym, start, deceased, end)
        elif rng.random() < NUTRITION_IS:
            data["supportive_care"].append(
                {"patient": pseudonym, "kind": "enteral_nutrition", "start": start.isoformat(), "stop": ""}
            )
        _add_visits(rng, data, pseudonym, start, end, transplanted, spec.visits_per_patient)
    return data


def _p_high(rng: np.random.Generator) -> float:
    """Share of complete OI scores 3-5 under the item probabilities (by simulation, same generator)."""
    draws = [sum(v == "yes" for v in _oi_items(np.random.default_rng(i)).values()) >= 3 for i in range(2000)]
    return float(np.mean(draws))


def _add_transplant(
    rng: np.random.Generator, data: TableRows, pseudonym: str, day0: dt.date, died: bool, end: dt.date
) -> None:
    engrafted = day0 + dt.timedelta(days=16)
    gvhd = rng.random() < ACUTE_GVHD
    grade = (
        (4 if rng.random() < ASSUMED_GRADE_IV_SHARE else 3)
        if gvhd and rng.random() < ACUTE_GVHD_SEVERE
        else (2 if gvhd else 0)
    )
    data["hsct"].append(
        {
            "patient": pseudonym,
            "sequence": "1",
            "kind": "first",
            "day0": day0.isoformat(),
            "donor_type": _pick(rng, DONORS),
            "stem_cell_source": _pick(rng, SOURCES),
            "conditioning_intensity": "rit" if rng.random() < RIT_FRACTION else "full",
            "serotherapy": "ATG or alemtuzumab" if rng.random() < SEROTHERAPY_FRACTION else "none",
            # median neutrophil recovery 16 days (Barzaghi); none recorded for a patient dead before then
            "neutrophil_engraftment": engrafted.isoformat() if engrafted <= end else "",
            "acute_gvhd_grade": str(grade),
            "chronic_gvhd": "moderate" if rng.random() < CHRONIC_GVHD else "none",  # severity ASSUMED
        }
    )
    measured = day0 + dt.timedelta(days=90)
    if (not died or rng.random() < 0.5) and measured <= end:  # ASSUMED: half the deceased were measured
        full = rng.random() < FULL_CHIMERISM
        donor_tregs = full or rng.random() < MIXED_WITH_DONOR_TREGS
        for lineage in ("whole_blood", "treg"):
            donor = full if lineage == "whole_blood" else donor_tregs
            percent = float(rng.uniform(96, 100)) if donor else float(rng.uniform(*ASSUMED_MIXED_RANGE))
            data["chimerism"].append(
                {
                    "patient": pseudonym,
                    "hsct_sequence": "1",
                    "measured_on": measured.isoformat(),
                    "lineage": lineage,
                    "donor_percent": f"{percent:.1f}",
                    "method": "STR",
                }
            )


def _add_visits(
    rng: np.random.Generator,
    data: TableRows,
    pseudonym: str,
    start: dt.date,
    end: dt.date,
    transplanted: bool,
    count: int | None,
) -> None:
    remission = rng.random() < (REMISSION_HSCT if transplanted else REMISSION_IS)
    span = max((end - start).days, 1)
    n = min(count if count is not None else max(1, span // 365), span)
    for k in range(1, n + 1):
        day = start + dt.timedelta(days=span * k // (n + 1))
        active = not remission  # remission: autoimmunity resolved (or T1D only) at every visit
        data["visit"].append(
            {
                "patient": pseudonym,
                "visit_date": day.isoformat(),
                "active_autoimmunity": "yes" if active else "no",
                "weight_z": f"{rng.normal(-1.0, 1.0):.2f}",
            }
        )
