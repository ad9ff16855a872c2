"""Genotype meets phenotype: re-rank the phenotype differential with the classified variants.

Model (after LIRICAL, Robinson et al. 2020, AJHG 107:403, doi:10.1016/j.ajhg.2020.06.021): each disease's
phenotype posterior is multiplied by a genotype likelihood ratio and the posterior is renormalised over
**all** diseases, so the ranks shown afterwards are the true ranks among every disease of the release.

Genotype likelihood ratio of a disease whose gene is on the panel (values in criteria.yaml `rerank`):
  - (likely) pathogenic variant(s) whose zygosity explains the disease *for this patient's sex*
    (`Inheritance.explains`: hemizygous male or homozygous female for XLR, homozygous or two variants for
    AR, one for AD): log10 LR +3 (P) / +2 (LP);
  - a heterozygous (likely) pathogenic variant of an X-linked recessive gene in a **female** is a carrier
    finding: heterozygous FOXP3 females are not reported to have IPEX findings (GeneReviews NBK1118,
    PMID 20301297), so the disease would need a second variant the test missed — the same likelihood ratio
    as a negative result in a covered gene, (1 − sensitivity). Skewed X-inactivation, the rare exception,
    is not modelled;
  - one heterozygous (likely) pathogenic variant of an autosomal recessive gene, or variant(s) of uncertain
    significance only: LR 1 (a second allele may have been missed; a VUS is not evidence either way);
  - no reportable variant (P, LP or VUS) in a gene the test is **stated** to have covered
    (`GeneticTest.covers`): LR (1 − sensitivity) of the test; any other gene: LR 1 — "not tested" when
    coverage was stated and excludes it, "coverage not stated" otherwise. A call in a gene (e.g. a benign
    deep-intronic one) never makes the gene count as covered (`confirm.genetic_test`).
Diseases whose gene is not on the panel keep LR 1.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from ipexpath.confirm.classification import AcmgClassification
from ipexpath.confirm.engine import VariantClassification
from ipexpath.confirm.genetic_test import GeneticTest
from ipexpath.confirm.panel import Gene, Panel
from ipexpath.suspect.ranking_file import RankedDisease
from ipexpath.types import Inheritance, Sex, Zygosity


@dataclass(frozen=True)
class GenotypeEvidence:
    """The genotype likelihood ratio of one disease and why."""

    gene: str | None
    log10_lr: float
    reason: str
    tested: bool  # the gene had a reportable variant, or the test is stated to have covered it
    carrier_finding: bool = False  # a heterozygous P/LP variant in an XLR gene of a female


@dataclass(frozen=True)
class GenotypeRankedDisease:
    """A differential row after the genotype: true rank among all diseases, both posteriors, the LR."""

    disease: RankedDisease  # the phenotype-only row (its rank and posterior)
    rank: int
    posterior: float
    evidence: GenotypeEvidence
    rank_exact: bool = True  # False when only the listed rows were known (rank is then a lower bound)

    @property
    def disease_id(self) -> str:
        """The disease id."""
        return self.disease.disease_id

    @property
    def rank_change(self) -> str:
        """'unchanged', 'up 3' or 'down 2' against the phenotype-only rank."""
        move = self.disease.rank - self.rank
        return "unchanged" if move == 0 else (f"up {move}" if move > 0 else f"down {-move}")

    def to_dict(self) -> dict[str, Any]:
        """The row as `rank --json` writes it, plus the genotype fields."""
        return {
            **self.disease.to_json(),
            "rank": self.rank,
            "rank_exact": self.rank_exact,
            "posterior": self.posterior,
            "log10_lr": self.disease.log10_lr + self.evidence.log10_lr,
            "previous_rank": self.disease.rank,
            "posterior_before_genotype": self.disease.posterior,
            "rank_change": self.rank_change,
            "genotype_log10_lr": self.evidence.log10_lr,
            "genotype_gene": self.evidence.gene,
            "genotype_tested": self.evidence.tested,
            "genotype_explanation": self.evidence.reason,
            "carrier_finding": self.evidence.carrier_finding,
        }


def gene_for_disease(row: RankedDisease, panel: Panel) -> Gene | None:
    """The panel gene of a differential row (its genes, else the panel's disease list)."""
    for name in row.genes:
        gene = panel.gene(name)
        if gene is not None:
            return gene
    for disease_id in (row.disease_id, *row.cross_references):
        gene = panel.gene_for_disease(disease_id)
        if gene is not None:
            return gene
    return None


def genotype_evidence(
    gene: Gene, variants: Sequence[VariantClassification], test: GeneticTest, sex: Sex, rules: dict[str, Any]
) -> GenotypeEvidence:
    """The genotype likelihood ratio of `gene`'s disease for this patient (rules in the module docstring)."""
    mine = [v for v in variants if v.gene.symbol == gene.symbol]
    reportable = [v for v in mine if v.classification.is_pathogenic_or_likely or _is_vus(v)]
    plp = [v for v in mine if v.classification.is_pathogenic_or_likely]
    tested = test.covers(gene.symbol)
    negative = test.log10_lr_negative
    if plp:
        inheritance = Inheritance(gene.inheritance)
        zygosities = [Zygosity.parse(v.variant.zygosity) for v in plp]
        explains = inheritance.explains(zygosities, sex, len(plp))
        label = ", ".join(f"{_label(v)} ({v.classification.label}, {v.variant.zygosity})" for v in plp)
        if explains is not False:
            best = min(plp, key=lambda v: list(AcmgClassification).index(v.classification))
            key = (
                "log10_lr_pathogenic"
                if best.classification is AcmgClassification.PATHOGENIC
                else "log10_lr_likely_pathogenic"
            )
            unsure = " (zygosity unknown: assumed to fit)" if explains is None else ""
            return GenotypeEvidence(
                gene.symbol,
                float(rules[key]),
                f"{label} in {gene.symbol} fits {inheritance.words} inheritance{unsure}: disease "
                "more likely.",
                True,
            )
        if inheritance.x_linked and sex is Sex.FEMALE:
            return GenotypeEvidence(
                gene.symbol,
                negative,
                f"{label} in {gene.symbol}: a heterozygous female is a carrier. Carrier finding, does not "
                "explain the phenotype (heterozygous females are not reported to have findings; GeneReviews "
                f"NBK1118): disease less likely (likelihood ratio {10**negative:.2g}, a second variant would "
                "have to be missed).",
                True,
                carrier_finding=True,
            )
        return GenotypeEvidence(
            gene.symbol,
            float(rules["log10_lr_incompatible"]),
            f"{label} in {gene.symbol} does not by itself fit {inheritance.words} inheritance (a second "
            "allele may have been missed): unchanged.",
            True,
        )
    if reportable:
        return GenotypeEvidence(
            gene.symbol,
            float(rules["log10_lr_vus_compatible"]),
            f"Only variant(s) of uncertain significance in {gene.symbol}: unchanged until classified.",
            True,
        )
    what = (
        f"Only benign/likely benign variant(s) ({', '.join(_label(v) for v in mine)})"
        if mine
        else "No reportable variant"
    )
    if not tested and not test.coverage_known:
        return GenotypeEvidence(
            gene.symbol,
            0.0,
            f"{what} in {gene.symbol}, but the test's coverage was not stated, so this is not counted as a "
            "negative result: unchanged.",
            False,
        )
    if not tested:
        return GenotypeEvidence(
            gene.symbol,
            0.0,
            f"{what} in {gene.symbol}; {gene.symbol} not tested (outside the stated coverage): unchanged.",
            False,
        )
    return GenotypeEvidence(
        gene.symbol,
        negative,
        f"{what} in {gene.symbol}, which the test covered: disease less likely (likelihood ratio "
        f"{10**negative:.2g} from the test sensitivity {test.sensitivity:g}).",
        True,
    )


def rerank_with_genotype(
    rows: Sequence[RankedDisease],
    classified: Sequence[VariantClassification],
    panel: Panel,
    sex: Sex,
    test: GeneticTest,
    all_posteriors: npt.NDArray[np.float64] | None = None,
) -> tuple[GenotypeRankedDisease, ...]:
    """The rows re-ranked with the genotype, best first, with their true rank among all diseases.

    `all_posteriors` (phenotype posteriors of every disease) makes every rank exact; without it (a ranking
    file) the rank of a disease that moved down below the listed rows is a lower bound (`rank_exact`).
    """
    rules = panel.criteria["rerank"]
    if not rows:
        return ()
    evidence = []
    for row in rows:
        gene = gene_for_disease(row, panel)
        if gene is None:
            evidence.append(GenotypeEvidence(None, 0.0, "Gene not on the ipexpath panel: unchanged.", False))
        else:
            evidence.append(genotype_evidence(gene, classified, test, sex, rules))
    # Diseases outside `rows` keep LR 1, so the normaliser over all diseases is 1 + Σ p (LR - 1).
    z = 1.0 + sum(r.posterior * (10**e.log10_lr - 1.0) for r, e in zip(rows, evidence, strict=True))
    z = z if z > 0 and math.isfinite(z) else 1.0
    new = [r.posterior * 10**e.log10_lr / z for r, e in zip(rows, evidence, strict=True)]
    sorted_desc = None if all_posteriors is None else np.sort(np.asarray(all_posteriors, dtype=float))
    out = []
    for i, (row, ev) in enumerate(zip(rows, evidence, strict=True)):
        above_rows = sum(1 for j, q in enumerate(new) if j != i and (q > new[i] or (q == new[i] and j < i)))
        threshold = new[i] * z  # a disease with LR 1 is above when its phenotype posterior exceeds this
        if ev.log10_lr == 0.0:
            above_all, exact = row.rank - 1, True
        elif sorted_desc is not None:
            above_all, exact = int(sorted_desc.size - np.searchsorted(sorted_desc, threshold, "right")), True
        else:
            above_all = max((r.rank for r in rows if r.posterior > threshold), default=0)
            exact = any(r.rank == above_all + 1 for r in rows) or above_all == 0
        above_rows_unchanged = sum(1 for r in rows if r.posterior > threshold)
        others = max(above_all - above_rows_unchanged, 0)
        out.append(GenotypeRankedDisease(row, 1 + above_rows + others, new[i], ev, exact))
    out.sort(key=lambda r: (r.rank, r.disease.rank))
    return tuple(_unique_ranks(out))


def _unique_ranks(rows: list[GenotypeRankedDisease]) -> list[GenotypeRankedDisease]:
    """Ties between listed rows are broken by their phenotype rank so that no two rows share a rank."""
    used: set[int] = set()
    fixed = []
    for row in rows:
        rank = row.rank
        while rank in used:
            rank += 1
        used.add(rank)
        fixed.append(row if rank == row.rank else replace(row, rank=rank))
    return fixed


def _is_vus(v: VariantClassification) -> bool:
    return v.classification is AcmgClassification.UNCERTAIN_SIGNIFICANCE


def _label(v: VariantClassification) -> str:
    return v.variant.hgvs_c or v.variant.label
