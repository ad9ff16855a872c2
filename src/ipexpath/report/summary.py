"""A one-screen text summary of an assessment for the terminal (about 20 lines)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ipexpath.conclusions import Assessment, FamilyVariantStatus
from ipexpath.conclusions.model import VariantRole
from ipexpath.conclusions.people import Relative, relationships
from ipexpath.numbers import percent

TOP_ROWS = 5
MAX_RELATIVES = 8


def _unexplained(differential: dict[str, object]) -> str:
    """', calibrated; 4.6% not explained by a known disease' — the share the model leaves to the unknown."""
    cal = differential.get("posterior_calibration")
    if not isinstance(cal, dict) or cal.get("unexplained_posterior") is None:
        return ""
    share = percent(float(cal["unexplained_posterior"]))
    before = cal.get("unexplained_posterior_phenotype_only")
    if before is not None:  # after the genotype: renormalised with every disease
        return (
            f", calibrated, with the genotype; {share} not explained by a known disease "
            f"({percent(float(before))} on the phenotype alone)"
        )
    return f", calibrated; {share} not explained by a known disease (phenotype)"


def _who(relative: Relative | None, person: Mapping[str, Any]) -> str:
    """'grandmother (mother's side)' — the relationship, else the family file's name, else 'relative'."""
    if relative is not None and relative.relationship != "relative":
        return f"{relative.relationship} ({relative.side})" if relative.side else relative.relationship
    return str(person.get("name") or "relative")


def summary_text(assessment: Assessment) -> str:
    """The headline results: status, top diagnoses, the genetic finding, key family risks, first steps."""
    a = assessment
    lines = [
        f"ipexpath {a.ipexpath_version} · HPO {a.hpo_release} · case {a.case.get('id')}",
        "DECISION SUPPORT, NOT A DIAGNOSIS.",
        f"IPEX: {a.status.level.value.upper()} — {a.status.reason}",
        *a.status.checks,
        f"Differential (posterior, uniform prior {float(a.differential['prior']['value']):.2g}"
        + _unexplained(a.differential)
        + "):",
    ]
    for row in a.differential.get("results", [])[:TOP_ROWS]:
        flag = row.get("ipex") or row.get("ipex_flag")
        mark = f" [{flag}]" if flag else ""
        lines.append(
            f"  {row['rank']:>4}. {percent(float(row['posterior'])):>7}  "
            f"{row['name']} ({row['disease_id']}){mark}"
        )
    if a.genetics is not None:
        v = a.status.variant
        lines.append(
            f"Genetics: {v.label} — {v.class_label}, {v.zygosity.value} ({v.points} ACMG points)"
            + (" — carrier finding, does not explain the phenotype" if a.status.carrier_finding else "")
            if v
            else "Genetics: no FOXP3 variant of pathogenic or uncertain class."
        )
        for f in a.genetics.findings:  # every other reportable variant, so none is lost on the screen
            if f is v or f.role is VariantRole.BENIGN:
                continue
            lines.append(
                f"  also: {f.label} — {f.class_label}, {f.zygosity.value} ({f.points} ACMG points)"
                + (
                    f" — {f.meaning}"
                    if f.is_pathogenic and f.role in (VariantRole.EXPLAINS, VariantRole.NOT_SUFFICIENT)
                    else ""
                )
            )
        lines.append(a.genetics.test.headline())
        if a.genetics.test.coverage_known and a.genetics.not_tested:
            lines.append("Not tested: " + ", ".join(a.genetics.not_tested))
    if a.family is not None:
        shown = [p for p in a.family.individuals if not p["proband"] and p.get("p_variant") is not None]
        shown.sort(key=lambda p: -float(p["p_variant"]))
        rel = relationships(a.family.individuals, a.family.proband)
        risks = ", ".join(
            f"{_who(rel.get(str(p['id'])), p)} {p['id']} {percent(float(p['p_variant']))}"
            for p in shown[:MAX_RELATIVES]
        )
        if shown:
            lines.append(f"Family {a.family.family_id}, {a.family.probability_label}: {risks}")
        else:
            lines.append(f"Family {a.family.family_id}: {a.family.probability_label}.")
        if a.family.variant_status is FamilyVariantStatus.UNCERTAIN:
            lines.append("Next (to classify the variant): " + " ".join(a.family.classification_plan[:2]))
        elif a.family.testing_plan:
            lines.append(
                "Test next: "
                + ", ".join(
                    f"{s['id']}{' (deferred)' if s.get('deferred') else ''}" for s in a.family.testing_plan
                )
            )
    firsts = [r.title for r in a.recommendations if r.category in ("referral",)]
    if firsts:
        lines.append("Recommended: " + "; ".join(firsts))
    else:  # no referral (a carrier girl, an IPEX-like finding): the first step of the report, not silence
        first = next((r for r in a.recommendations if not r.id.startswith("check.")), None)
        if first is not None:
            lines.append(f"First step: {first.title}")
    return "\n".join(lines)
