"""Genotype meets phenotype: re-rank the phenotype differential with the classified variants.

Model (after LIRICAL, Robinson et al. 2020, AJHG 107:403, doi:10.1016/j.ajhg.2020.06.021): each disease's
phenotype posterior is multiplied by a genotype likelihood ratio and the differential is renormalised.
  - P variant(s) in the disease gene compatible with its inheritance (hemizygous male for XLR, homozygous
  or two
    P/LP variants for AR, heterozygous for AD): log10 LR +3; LP: +2.
  - gene on the tested panel but no P/LP/VUS variant found: log10 LR -1.3 (LR 0.05; assumes the test
  covered the
    gene with ~95% sensitivity), i.e. "excluded by genotype" unless the test missed it.
  - only VUS, or P/LP variants not matching the inheritance (one heterozygous variant in an AR gene; a female
    heterozygous for an XLR gene): LR 1 (no change), explained in the output.
  - diseases whose gene is not on the panel: LR 1.
Values live in criteria.yaml `rerank`.
"""

from __future__ import annotations

import math
from typing import Any

from ipexpath.confirm.classification import AcmgClassification
from ipexpath.confirm.engine import VariantClassification
from ipexpath.confirm.model import Zygosity
from ipexpath.confirm.panel import Gene, Panel


def _gene_for_row(row: dict[str, Any], panel: Panel) -> Gene | None:
    for key in ("gene", "genes"):
        value = row.get(key)
        names = value if isinstance(value, list) else [value] if value else []
        for name in names:
            gene = panel.gene(str(name))
            if gene is not None:
                return gene
    return panel.gene_for_disease(str(row.get("disease_id", "")))


def genotype_log10_lr(
    gene: Gene, variants: list[VariantClassification], rules: dict[str, Any], sex: str | None
) -> tuple[float, str]:
    mine = [v for v in variants if v.gene.symbol == gene.symbol]
    plp = [v for v in mine if v.classification.is_pathogenic_or_likely]
    if not mine:
        return float(rules["log10_lr_no_variant"]), (
            f"No reportable variant in {gene.symbol} (assuming the test covered it): disease less likely."
        )
    if plp:
        compatible = _compatible(gene, plp, sex)
        best = min(plp, key=lambda v: list(AcmgClassification).index(v.classification))
        label = ", ".join(
            f"{v.variant.hgvs_c or v.variant.label} ({v.classification.label}, {v.variant.zygosity.value})"
            for v in plp
        )
        if compatible:
            lr = (
                rules["log10_lr_pathogenic"]
                if best.classification == AcmgClassification.PATHOGENIC
                else rules["log10_lr_likely_pathogenic"]
            )
            return float(
                lr
            ), f"{label} in {gene.symbol} fits {gene.inheritance} inheritance: disease more likely."
        return float(rules["log10_lr_incompatible"]), (
            f"{label} in {gene.symbol} does not by itself fit {gene.inheritance} inheritance "
            f"(e.g. a second allele may be missed): unchanged."
        )
    if any(v.classification == AcmgClassification.UNCERTAIN_SIGNIFICANCE for v in mine):
        return float(rules["log10_lr_vus_compatible"]), (
            f"Only variant(s) of uncertain significance in {gene.symbol}: unchanged."
        )
    return float(rules["log10_lr_no_variant"]), (
        f"Only benign/likely benign variant(s) in {gene.symbol} (assuming the test covered it): "
        "disease less likely."
    )


def _compatible(gene: Gene, plp: list[VariantClassification], sex: str | None) -> bool:
    zygosities = [v.variant.zygosity for v in plp]
    if gene.inheritance == "XLR":
        if sex == "female":
            return Zygosity.HOMOZYGOUS in zygosities
        return any(z in (Zygosity.HEMIZYGOUS, Zygosity.HOMOZYGOUS, Zygosity.UNKNOWN) for z in zygosities)
    if gene.inheritance == "AR":
        return Zygosity.HOMOZYGOUS in zygosities or len(plp) >= 2
    return True


def rerank_with_genotype(
    differential_rows: list[dict[str, Any]],
    classified_variants: list[VariantClassification],
    panel: Panel,
    sex: str | None = None,
) -> list[dict[str, Any]]:
    """Rows shaped like `ipexpath rank` JSON, re-ranked; each gets genotype_log10_lr, explanation,
    previous_rank."""
    rules = panel.criteria["rerank"]
    if not differential_rows:
        return []
    weighted = []
    for position, row in enumerate(differential_rows, start=1):
        gene = _gene_for_row(row, panel)
        if gene is None:
            lr, why = 0.0, "Gene not on the ipexpath panel: genotype not assessed."
        else:
            lr, why = genotype_log10_lr(gene, classified_variants, rules, sex)
        prior = float(row.get("posterior", 0.0) or 0.0)
        weighted.append((row, position, gene, lr, why, prior * 10**lr))
    total = sum(w[5] for w in weighted)
    out = []
    for row, position, gene, lr, why, weight in weighted:
        new = dict(row)
        new["previous_rank"] = int(row.get("rank", position) or position)
        new["posterior_before_genotype"] = row.get("posterior")
        new["posterior"] = weight / total if total > 0 else row.get("posterior")
        new["log10_lr"] = float(row.get("log10_lr", 0.0) or 0.0) + lr
        new["genotype_log10_lr"] = lr
        new["genotype_gene"] = gene.symbol if gene else None
        new["genotype_explanation"] = why
        out.append(new)
    out.sort(key=lambda r: (-(r["posterior"] or 0.0), r["previous_rank"]))
    for rank, row in enumerate(out, start=1):
        row["rank"] = rank
        move = row["previous_rank"] - rank
        change = "unchanged" if move == 0 else (f"up {move}" if move > 0 else f"down {-move}")
        row["rank_change"] = change
    if not math.isfinite(total):
        return out
    return out
