"""PP3 and BP4 with calibrated thresholds (Pejaver et al. 2022; SpliceAI per Walker et al. 2023).

One missense predictor chosen in advance: REVEL; CADD only when REVEL is absent. No vote counting.
SpliceAI (max delta score) informs splicing for every variant class: PP3 if >= 0.2, BP4 if <= 0.1.
"""

from __future__ import annotations

from ipexpath.confirm.acmg.base import CriterionResult, Strength, applied, not_applied
from ipexpath.confirm.acmg.context import EvaluationContext
from ipexpath.confirm.model import Consequence, Variant

# Calibrated intervals, strongest first (Pejaver et al. 2022); each tool lists only the levels it reaches.
_PP3_LEVELS = (
    ("pp3_strong", Strength.STRONG),
    ("pp3_moderate", Strength.MODERATE),
    ("pp3_supporting", Strength.SUPPORTING),
)
_BP4_LEVELS = (
    ("bp4_very_strong", Strength.VERY_STRONG),
    ("bp4_strong", Strength.STRONG),
    ("bp4_moderate", Strength.MODERATE),
    ("bp4_supporting", Strength.SUPPORTING),
)


def _calibrated_strength(score: float, t: dict[str, float]) -> tuple[str, Strength] | None:
    """PP3 or BP4 at the strongest level whose threshold the score reaches (thresholds from criteria.yaml)."""
    for key, strength in _PP3_LEVELS:
        if key in t and score >= t[key]:
            return "PP3", strength
    for key, strength in _BP4_LEVELS:
        if key in t and score <= t[key]:
            return "BP4", strength
    return None


def evaluate_computational(variant: Variant, ctx: EvaluationContext) -> list[CriterionResult]:
    rules = ctx.criteria["pp3_bp4"]
    source = rules["source"]
    pop = variant.population
    if variant.consequence.is_null:
        text = "Not used for null variants (PVS1 already covers the predicted loss of function)."
        return [not_applied("PP3", text, source), not_applied("BP4", text, source)]
    missense_call: tuple[str, Strength] | None = None
    missense_text = ""
    if variant.consequence == Consequence.MISSENSE:
        if pop.revel is not None:
            missense_call = _calibrated_strength(pop.revel, rules["revel"])
            missense_text = f"REVEL {pop.revel:.3f}"
        elif pop.cadd_phred is not None:
            missense_call = _calibrated_strength(pop.cadd_phred, rules["cadd_phred"])
            missense_text = f"CADD {pop.cadd_phred:.1f} (REVEL not available)"
    splice = pop.spliceai
    splice_pp3 = splice is not None and splice >= rules["spliceai_pp3"]
    splice_bp4 = splice is not None and splice <= rules["spliceai_bp4"]
    splice_text = f"SpliceAI max delta {splice:.2f}" if splice is not None else "no SpliceAI score"
    if missense_call and missense_call[0] == "PP3":
        return [
            applied(
                "PP3",
                missense_call[1],
                f"{missense_text} is in the calibrated PP3 "
                f"{missense_call[1].label} interval (Pejaver 2022); {splice_text}.",
                source,
            ),
            not_applied("BP4", f"{missense_text} supports a damaging effect.", source),
        ]
    if splice_pp3:
        return [
            applied(
                "PP3",
                Strength.SUPPORTING,
                f"{splice_text} >= {rules['spliceai_pp3']} predicts a splicing effect "
                f"(Walker 2023){'; ' + missense_text if missense_text else ''}.",
                rules["spliceai_source"],
            ),
            not_applied("BP4", "A splicing effect is predicted.", source),
        ]
    if missense_call and missense_call[0] == "BP4":
        if splice is None or splice_bp4:
            return [
                not_applied("PP3", f"{missense_text} does not reach the PP3 interval.", source),
                applied(
                    "BP4",
                    missense_call[1],
                    f"{missense_text} is in the calibrated BP4 {missense_call[1].label} "
                    f"interval (Pejaver 2022) and {splice_text} (no splicing effect predicted).",
                    source,
                ),
            ]
        return [
            not_applied("PP3", f"{missense_text} does not reach the PP3 interval.", source),
            not_applied(
                "BP4",
                f"{missense_text} is benign-leaning but {splice_text} is indeterminate (0.1-0.2).",
                source,
            ),
        ]
    if variant.consequence != Consequence.MISSENSE and splice_bp4:
        return [
            not_applied("PP3", f"{splice_text}: no splicing effect predicted.", rules["spliceai_source"]),
            applied(
                "BP4",
                Strength.SUPPORTING,
                f"{splice_text} <= {rules['spliceai_bp4']}: no splicing effect predicted (Walker 2023).",
                rules["spliceai_source"],
            ),
        ]
    if not missense_text and splice is None:
        text = (
            "Not evaluated: no REVEL/CADD (missense) or SpliceAI score in the input."
            if variant.consequence == Consequence.MISSENSE
            else "Not evaluated: no SpliceAI score in the input."
        )
        return [
            not_applied("PP3", text, source, evaluated=False),
            not_applied("BP4", text, source, evaluated=False),
        ]
    text = f"{missense_text + '; ' if missense_text else ''}{splice_text}: in the uninformative range."
    return [not_applied("PP3", text, source), not_applied("BP4", text, source)]
