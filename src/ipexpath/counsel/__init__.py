"""Counsel: exact X-linked pedigree risks for IPEX (FOXP3), a cascade-testing plan and a pedigree drawing.

Public names: `load_family` (PED, Phenopacket v2 Family, YAML/JSON family file), `compute_risks`
(exact Bayesian posterior by variable elimination) returning a `RiskResult` whose `.to_dict()` is the
JSON of `ipexpath family --json`, `XLinkedRecessive` (the model, `.defaults()` with cited values).
"""

from ipexpath.counsel.pedigree import Affection, GeneticTest, Pedigree, Person, Sex, TestResult
from ipexpath.counsel.readers import load_family, read_family_data, read_ped, read_phenopacket_family
from ipexpath.counsel.risk import IndividualRisk, PregnancyRisk, RiskResult, compute_risks
from ipexpath.counsel.xlinked import XLinkedRecessive

__all__ = [
    "Affection",
    "GeneticTest",
    "IndividualRisk",
    "Pedigree",
    "Person",
    "PregnancyRisk",
    "RiskResult",
    "Sex",
    "TestResult",
    "XLinkedRecessive",
    "compute_risks",
    "load_family",
    "read_family_data",
    "read_ped",
    "read_phenopacket_family",
]
