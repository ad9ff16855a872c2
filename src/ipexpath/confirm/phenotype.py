"""Phenotype evidence from the `suspect` ranking, used for PP4 and to grade PS2/PM6.

PP4 rule (ipexpath's choice, documented in docs/acmg-automation.md): Richards et al. 2015 define PP4 as
"patient's
phenotype or family history is highly specific for a disease with a single genetic etiology". IPEX has locus
heterogeneity (Gambineri et al. 2018, PMID 30443250: only 88/173 patients with an IPEX phenotype carried FOXP3
variants), so the clinical triad alone is not enough. PP4 (Supporting) is applied only when the phenotype
ranking
puts the gene's disease first, with posterior >= 0.8 and a phenotype likelihood ratio >= 100 (log10 LR >= 2)
(thresholds in criteria.yaml `pp4`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ipexpath.confirm.acmg.base import CriterionResult, Strength, applied, not_applied
from ipexpath.confirm.panel import Gene, Panel


@dataclass(frozen=True)
class PhenotypeEvidence:
    """One row of the phenotype ranking, reduced to what the ACMG criteria need."""

    disease_id: str
    gene: str | None
    posterior: float
    log10_lr: float
    rank: int
    name: str = ""


def phenotype_from_rows(rows: list[dict[str, Any]], panel: Panel) -> list[PhenotypeEvidence]:
    """Convert `ipexpath rank` JSON rows ({"disease_id","name","posterior","log10_lr","rank",...})."""
    result = []
    for position, row in enumerate(rows, start=1):
        disease_id = str(row.get("disease_id", ""))
        gene = row.get("gene")
        if not gene and isinstance(row.get("genes"), list) and row["genes"]:
            gene = row["genes"][0]
        if not gene:
            panel_gene = panel.gene_for_disease(disease_id)
            gene = panel_gene.symbol if panel_gene else None
        result.append(
            PhenotypeEvidence(
                disease_id=disease_id,
                gene=str(gene) if gene else None,
                posterior=float(row.get("posterior", 0.0) or 0.0),
                log10_lr=float(row.get("log10_lr", 0.0) or 0.0),
                rank=int(row.get("rank", position) or position),
                name=str(row.get("name", "")),
            )
        )
    return result


def evidence_for_gene(phenotype: list[PhenotypeEvidence], gene: Gene) -> PhenotypeEvidence | None:
    ids = {d.id for d in gene.diseases}
    rows = [p for p in phenotype if p.disease_id in ids or (p.gene and p.gene.upper() == gene.symbol.upper())]
    return min(rows, key=lambda p: p.rank) if rows else None


def phenotype_specificity(
    phenotype: list[PhenotypeEvidence] | None, gene: Gene, criteria: dict[str, Any]
) -> str:
    """'specific', 'consistent', 'not_consistent' or 'unknown' (no phenotype ranking given)."""
    if phenotype is None:
        return "unknown"
    rule = criteria["pp4"]
    row = evidence_for_gene(phenotype, gene)
    if row is None:
        return "not_consistent"
    if (
        row.rank <= rule["max_rank"]
        and row.posterior >= rule["min_posterior"]
        and row.log10_lr >= rule["min_log10_lr"]
    ):
        return "specific"
    if row.rank <= rule["consistent_max_rank"]:
        return "consistent"
    return "not_consistent"


def apply_pp4(
    phenotype: list[PhenotypeEvidence] | None, gene: Gene, criteria: dict[str, Any]
) -> CriterionResult:
    """PP4 from the phenotype ranking (rule in the module docstring)."""
    rule = criteria["pp4"]
    source = rule["source"]
    if phenotype is None:
        return not_applied("PP4", "Not evaluated: no case (phenotype) was given.", source, evaluated=False)
    row = evidence_for_gene(phenotype, gene)
    disease = gene.diseases[0].name if gene.diseases else gene.symbol
    if row is None:
        return not_applied("PP4", f"{disease} is not in the phenotype differential for this patient.", source)
    figures = f"rank {row.rank}, posterior {row.posterior:.3f}, log10 LR {row.log10_lr:.2f}"
    if (
        row.rank <= rule["max_rank"]
        and row.posterior >= rule["min_posterior"]
        and row.log10_lr >= rule["min_log10_lr"]
    ):
        return applied(
            "PP4",
            Strength.SUPPORTING,
            f"The phenotype ranking places {disease} first ({figures}), meeting ipexpath's threshold for a "
            f"phenotype highly specific for the {gene.symbol}-related disease (posterior >= "
            f"{rule['min_posterior']}, "
            f"log10 LR >= {rule['min_log10_lr']}).",
            source,
        )
    return not_applied(
        "PP4",
        f"The phenotype is not specific enough for {disease} ({figures}); PP4 needs rank 1, posterior >= "
        f"{rule['min_posterior']} and log10 LR >= {rule['min_log10_lr']} because IPEX-like "
        "disorders share the "
        "phenotype (locus heterogeneity).",
        source,
    )
