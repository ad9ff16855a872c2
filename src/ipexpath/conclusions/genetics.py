"""Confirm inside the pathway: read the VCF, classify its variants, and re-rank the differential with them."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from ipexpath.case import Case
from ipexpath.conclusions.model import Genetics, VariantFinding, VariantRole
from ipexpath.confirm import (
    AcmgClassification,
    EvaluationContext,
    VariantClassification,
    classify_variants,
    family_from_pedigree,
    load_panel,
    phenotype_from_rows,
    read_variants,
)
from ipexpath.confirm.genetic_test import GeneticTest, read_covered
from ipexpath.confirm.genotype_rerank import GenotypeRankedDisease, rerank_with_genotype
from ipexpath.counsel import Pedigree
from ipexpath.suspect import CaseTerms, RankingModel, score_lr
from ipexpath.suspect.calibration import for_findings
from ipexpath.suspect.ranking_file import RankingFile
from ipexpath.types import Inheritance, Sex, Zygosity

SEQUENCING = "sequencing (variant calls in a VCF)"


@dataclass(frozen=True)
class GenotypeResult:
    """The genetic findings and the differential re-ranked with them."""

    genetics: Genetics
    sex: Sex  # the patient's sex (the case's, else inferred from chrX calls)
    reranked: tuple[GenotypeRankedDisease, ...]

    def differential_json(self, phenotype_only: dict[str, Any], shown: int) -> dict[str, Any]:
        """The differential JSON after the genotype: true ranks, the first `shown` rows plus IPEX rows.

        Each row keeps the phenotype ranking's own JSON (explanation, factors) under the genotype fields.
        """
        before = {
            r["disease_id"]: r
            for r in (*phenotype_only.get("results", []), *phenotype_only.get("ipex_and_ipex_like", []))
        }
        rows = [{**before.get(r.disease_id, {}), **r.to_dict()} for r in self.reranked]
        out = dict(phenotype_only)
        out["results"] = rows[:shown]
        out["ipex_and_ipex_like"] = [r for r in rows if r.get("ipex")]
        out["genotype"] = (
            "re-ranked with the classified variants (Confirm) over all diseases; ranks are the true ranks "
            "among every disease; phenotype-only rank and posterior kept per row"
        )
        cal = phenotype_only.get("posterior_calibration")
        if isinstance(cal, dict) and cal.get("unexplained_posterior") is not None:
            # The 'unexplained' row has genotype LR 1, so it is renormalised with every disease (LIRICAL-style
            # Z = 1 + Σ p·(LR − 1)): otherwise the shown shares add up to more than 100% after a P variant.
            unexplained = float(cal["unexplained_posterior"])
            out["posterior_calibration"] = {
                **cal,
                "unexplained_posterior": unexplained / self.normaliser,
                "unexplained_posterior_phenotype_only": unexplained,
            }
        return out

    @property
    def normaliser(self) -> float:
        """Z = 1 + Σ p·(LR − 1) over the re-ranked rows (the other diseases and 'unexplained' keep LR 1)."""
        z = 1.0 + sum(r.disease.posterior * (10**r.evidence.log10_lr - 1.0) for r in self.reranked)
        return z if z > 0 and np.isfinite(z) else 1.0


def all_phenotype_posteriors(model: RankingModel, case: Case) -> npt.NDArray[np.float64]:
    """The phenotype posterior of every disease (one per disease, as ranked), for true ranks after genotype.

    The same calibrated posterior `rank_case` shows (temperature and unexplained mass of the case's band of
    findings, `suspect.calibration.for_findings`): with the plain
    uniform-prior posterior the thresholds disagreed with the listed rows, so an adult-onset case showed IPEX
    at 23% "ranked 3" below a row of 6% ranked 2, and no row ranked 1.
    """
    terms = CaseTerms.from_case(case, model)
    group_lr = model.groups.group_scores(score_lr(model, terms))
    calibrated, _unexplained = for_findings(len(terms.observed)).posteriors(group_lr)
    return np.asarray(calibrated, dtype=float)


def finding(c: VariantClassification, sex: Sex, plp_in_gene: int = 1) -> VariantFinding:
    """A classified variant with its meaning for this patient.

    `plp_in_gene`: how many (likely) pathogenic variants the VCF holds in this gene. Two heterozygous ones in
    an autosomal recessive gene explain the disorder if in trans (phase unknown: counted as compatible,
    as the genotype re-rank does; the status asks for the parents' test, `conclusions.status.phase_checks`).
    """
    zygosity = Zygosity.parse(c.variant.zygosity).for_sex(sex, c.gene.inheritance == "XLR")
    inheritance = Inheritance(c.gene.inheritance)
    if c.classification.is_pathogenic_or_likely:
        explains = inheritance.explains([zygosity], sex, plp_in_gene)
        if explains is False and inheritance.x_linked and sex is Sex.FEMALE:
            role = VariantRole.CARRIER
        elif explains is False:
            role = VariantRole.NOT_SUFFICIENT
        else:
            role = VariantRole.EXPLAINS
    elif c.classification is AcmgClassification.UNCERTAIN_SIGNIFICANCE:
        role = VariantRole.UNCERTAIN
    else:
        role = VariantRole.BENIGN
    return VariantFinding(
        gene=c.gene.symbol,
        label=_label(c),
        classification=c.classification,
        zygosity=zygosity,
        points=c.points,
        role=role,
        detail=c.to_dict(),
    )


def assess_genetics(
    model: RankingModel,
    case: Case,
    ranking: RankingFile,
    vcf: Path,
    pedigree: Pedigree | None,
    *,
    covered: str | Path | None = None,
    sensitivity: float | None = None,
) -> GenotypeResult:
    """Read and classify the VCF (with the family for segregation) and re-rank the differential."""
    panel = load_panel()
    stated = case.sex.word if case.sex.is_known else None
    read = read_variants(vcf, panel, sex=stated)
    sex = case.sex if case.sex.is_known else Sex.parse(read.sex) if read.sex else Sex.UNKNOWN
    rows = list(ranking.rows)
    ctx = EvaluationContext(
        panel=panel,
        phenotype=phenotype_from_rows([r.to_json() for r in rows], panel),
        proband_sex=sex.word if sex.is_known else None,
    )
    people = family_from_pedigree(pedigree) if pedigree is not None else None
    classified = classify_variants(list(read.variants), ctx, None, people)
    build = read.build.used if read.build is not None else "GRCh38"
    genes, coverage_source = (
        read_covered(covered, panel, build) if covered is not None else (None, "not stated")
    )
    test = GeneticTest(
        method=SEQUENCING,
        covered=genes,
        called=frozenset(v.gene.upper() for v in read.variants),
        coverage_source=coverage_source,
    )
    if sensitivity is not None:
        test = replace(test, sensitivity=sensitivity, sensitivity_source="stated by the user")
    plp: dict[str, int] = {}
    for c in classified:
        if c.classification.is_pathogenic_or_likely:
            plp[c.gene.symbol] = plp.get(c.gene.symbol, 0) + 1
    reranked = rerank_with_genotype(rows, classified, panel, sex, test, all_phenotype_posteriors(model, case))
    genetics = Genetics(
        vcf=Path(vcf).name,
        sample=read.sample,
        build=build,
        test=test,
        findings=tuple(finding(c, sex, plp.get(c.gene.symbol, 1)) for c in classified),
        not_tested=test.not_tested(panel),
        notes=tuple(read.notes),
    )
    return GenotypeResult(genetics, sex, reranked)


def _label(c: VariantClassification) -> str:
    v = c.variant
    parts = [v.gene]
    if v.hgvs_c:
        parts.append(v.hgvs_c)
    if v.hgvs_p:
        parts.append(f"({v.hgvs_p})")
    if not v.hgvs_c and v.chrom:
        parts.append(f"{v.chrom}:{v.pos} {v.ref}>{v.alt}")
    return " ".join(parts)
