"""Confirm: read the genetic test and classify FOXP3 and IPEX-like variants with ACMG/AMP evidence.

Public API:
    load_panel()                         the bundled gene panel and ACMG thresholds
    read_variants(path, panel, ...)      panel-gene variants from a VCF (cyvcf2)
    parse_hgvs_variant(text, panel)      a hand-written HGVS description (biocommons hgvs parser, offline)
    read_clinvar(path, panel, build)     the user's ClinVar VCF, panel genes only
    classify_variants(variants, ctx)     ACMG/AMP criteria and Bayesian points -> list[VariantClassification]
    apply_pp4(...), PhenotypeEvidence    PP4 from the phenotype ranking
    rerank_with_genotype(rows, classified, panel)   re-rank the `suspect` differential with the genotype
"""

from ipexpath.confirm.acmg.base import CriterionResult, Strength
from ipexpath.confirm.acmg.context import EvaluationContext
from ipexpath.confirm.acmg.population import max_credible_af
from ipexpath.confirm.classification import AcmgClassification, Override, classify_points, parse_override
from ipexpath.confirm.clinvar import ClinvarIndex, read_clinvar
from ipexpath.confirm.engine import VariantClassification, classify_variant, classify_variants
from ipexpath.confirm.genotype_rerank import rerank_with_genotype
from ipexpath.confirm.hgvs_input import parse_hgvs_variant
from ipexpath.confirm.model import Consequence, PopulationData, Variant, Zygosity
from ipexpath.confirm.panel import Panel, load_panel
from ipexpath.confirm.phenotype import PhenotypeEvidence, apply_pp4, phenotype_from_rows
from ipexpath.confirm.segregation import (
    FamilyPerson,
    FamilySegregation,
    family_from_pedigree,
    load_family_file,
)
from ipexpath.confirm.vcf import VcfReadResult, detect_build, read_variants

__all__ = [
    "AcmgClassification",
    "ClinvarIndex",
    "Consequence",
    "CriterionResult",
    "EvaluationContext",
    "FamilyPerson",
    "FamilySegregation",
    "Override",
    "Panel",
    "PhenotypeEvidence",
    "PopulationData",
    "Strength",
    "Variant",
    "VariantClassification",
    "VcfReadResult",
    "Zygosity",
    "apply_pp4",
    "classify_points",
    "classify_variant",
    "classify_variants",
    "detect_build",
    "family_from_pedigree",
    "load_family_file",
    "load_panel",
    "max_credible_af",
    "parse_hgvs_variant",
    "parse_override",
    "phenotype_from_rows",
    "read_clinvar",
    "read_variants",
    "rerank_with_genotype",
]
