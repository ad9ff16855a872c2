"""PVS1 (ClinGen SVI decision tree, Abou Tayoun et al. 2018, Hum Mutat 39:1517, PMID 30192042) and PM4.

What the tree needs and where it comes from here:
- LOF as disease mechanism: panel.yaml `lof_is_mechanism` (GOF genes such as STAT1/STAT3 never get PVS1).
- NMD: the exon number from the annotation (VEP EXON "n/m"): a premature stop in the last exon escapes NMD.
With
  no exon number (HGVS input, SnpEff without rank) NMD is "not assessed" and the lower branch is used.
- Critical region: panel.yaml `critical_region_end` (FOXP3: forkhead domain ends at residue 423).
- >10% of the protein removed: compared with the MANE protein length in panel.yaml.
"""

from __future__ import annotations

import re

from ipexpath.confirm.acmg.base import CriterionResult, Strength, applied, not_applied
from ipexpath.confirm.acmg.context import EvaluationContext
from ipexpath.confirm.model import Consequence, Variant
from ipexpath.confirm.panel import Gene

SOURCE = "ClinGen SVI PVS1 decision tree, Abou Tayoun et al. 2018 (PMID 30192042)"
PM4_SOURCE = "Richards 2015 PM4 (PMID 25741868)"


def _exon(variant: Variant) -> tuple[int, int] | None:
    if not variant.exon:
        return None
    match = re.match(r"^(\d+)(?:-\d+)?/(\d+)$", variant.exon.strip())
    return (int(match.group(1)), int(match.group(2))) if match else None


def _truncation_branch(codon: int | None, gene: Gene, nmd_text: str) -> CriterionResult:
    """The NMD-escaping (or not assessed) branch: critical region / >10% protein removed."""
    length = gene.protein_length
    if codon is None:
        return applied(
            "PVS1",
            Strength.MODERATE,
            f"{nmd_text}; the truncation position is unknown, so the lowest "
            "branch of the tree (Moderate) is used.",
            SOURCE,
        )
    if gene.critical_region_end and codon <= gene.critical_region_end:
        return applied(
            "PVS1",
            Strength.STRONG,
            f"{nmd_text}; the premature stop at or after codon {codon} removes "
            f"a critical region ({gene.symbol} residues up to {gene.critical_region_end}: forkhead "
            "domain)."
            if gene.symbol == "FOXP3"
            else f"{nmd_text}; the truncation at codon {codon} removes "
            f"a critical region (up to residue {gene.critical_region_end}).",
            SOURCE,
        )
    if length and (length - codon + 1) / length > 0.10:
        removed = 100 * (length - codon + 1) / length
        return applied(
            "PVS1",
            Strength.STRONG,
            f"{nmd_text}; about {removed:.0f}% of the {length}-residue protein is removed (>10%).",
            SOURCE,
        )
    if length:
        return applied(
            "PVS1",
            Strength.MODERATE,
            f"{nmd_text}; less than 10% of the {length}-residue protein is "
            "removed and no critical region is affected.",
            SOURCE,
        )
    return applied("PVS1", Strength.MODERATE, f"{nmd_text}; protein length unknown.", SOURCE)


def evaluate_pvs1(variant: Variant, gene: Gene, ctx: EvaluationContext) -> CriterionResult:
    cons = variant.consequence
    if not cons.is_null:
        return not_applied("PVS1", f"Not a null variant ({cons.value}).", SOURCE)
    if not gene.lof_is_mechanism:
        return not_applied(
            "PVS1",
            f"Loss of function is not the disease mechanism for {gene.symbol} "
            f"({gene.mechanism}: {gene.mechanism_source}).",
            SOURCE,
        )
    codon = variant.codon
    if cons == Consequence.START_LOST:
        return applied(
            "PVS1",
            Strength.SUPPORTING,
            "Initiation codon variant: the nearest downstream in-frame Met "
            "could not be checked (no protein sequence bundled), so the tree's lowest level is used; "
            "raise to Moderate by override if pathogenic variants lie upstream of that Met.",
            SOURCE,
        )
    if cons in (Consequence.SPLICE_DONOR, Consequence.SPLICE_ACCEPTOR):
        if variant.hgvs_c and re.match(r"^c\.(-|\*)", variant.hgvs_c):
            return not_applied(
                "PVS1",
                f"Canonical splice site of a non-coding exon ({variant.hgvs_c}): the effect on "
                "the protein cannot be predicted; assess with RNA studies.",
                SOURCE,
            )
        return _truncation_branch(
            codon,
            gene,
            "Canonical ±1/2 splice variant; the splicing outcome (exon skipping "
            "or cryptic site, in or out of frame) is not predicted without RNA data",
        )
    if codon is not None and gene.protein_length and codon > gene.protein_length:
        return not_applied(
            "PVS1", f"Codon {codon} is beyond the {gene.protein_length}-residue protein.", SOURCE
        )
    exon = _exon(variant)
    if exon is None:
        return _truncation_branch(codon, gene, "NMD could not be assessed (no exon number in the input)")
    number, total = exon
    if number == total:
        return _truncation_branch(
            codon, gene, f"The premature stop is in the last exon ({number}/{total}), so NMD is not predicted"
        )
    if number == total - 1:
        return _truncation_branch(
            codon,
            gene,
            f"The premature stop is in the penultimate exon ({number}/{total}); "
            "the 50-nt rule could not be checked without exon boundaries, so NMD is not assumed",
        )
    return applied(
        "PVS1",
        Strength.VERY_STRONG,
        f"{cons.value} in exon {number}/{total}: predicted to undergo NMD "
        f"in a gene where loss of function causes disease ({gene.mechanism_source}).",
        SOURCE,
    )


def evaluate_pm4(variant: Variant, gene: Gene, ctx: EvaluationContext) -> CriterionResult:
    cons = variant.consequence
    if not cons.is_inframe_length_change:
        return not_applied("PM4", "Not an in-frame insertion/deletion or stop-loss.", PM4_SOURCE)
    domain = gene.domain_at(variant.codon)
    where = f" in the {domain.name}" if domain else ""
    return applied(
        "PM4",
        Strength.MODERATE,
        f"{cons.value}{where} changes the protein length; repeat regions are "
        "not checked (no repeat annotation bundled), so BP3 was not considered.",
        PM4_SOURCE,
    )
