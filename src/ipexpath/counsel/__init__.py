"""Counsel: exact X-linked pedigree risks for IPEX (FOXP3), a cascade-testing plan and a pedigree drawing.

Public names: `load_family` (PED, Phenopacket v2 Family, YAML/JSON family file), `compute_risks`
(exact Bayesian posterior by variable elimination) returning a `RiskResult`; `family_json` is the JSON of
`ipexpath family --json` (each row a family-file entry, `person_entry`, plus its risk; `load_family` reads
it back), `plan_testing` (cascade-testing order with reasons),
`draw_pedigree_svg` (standard pedigree symbols with risks), `XLinkedRecessive` (the model; `.defaults()`
reads the cited values of data/model_defaults.yaml).
"""

from ipexpath.counsel.drawing import draw_pedigree_svg
from ipexpath.counsel.layout import Layout, layout_pedigree
from ipexpath.counsel.pedigree import Affection, GeneticTest, Pedigree, Person, Sex, TestResult
from ipexpath.counsel.readers import (
    family_json,
    load_family,
    person_entry,
    read_family_data,
    read_ped,
    read_phenopacket_family,
)
from ipexpath.counsel.risk import IndividualRisk, PregnancyRisk, RiskResult, compute_risks
from ipexpath.counsel.testing_plan import (
    NO_FAMILIAL_VARIANT,
    TestingStep,
    TestOutcome,
    familial_variant_known,
    plan_testing,
)
from ipexpath.counsel.xlinked import XLinkedRecessive

__all__ = [
    "NO_FAMILIAL_VARIANT",
    "Affection",
    "GeneticTest",
    "IndividualRisk",
    "Layout",
    "Pedigree",
    "Person",
    "PregnancyRisk",
    "RiskResult",
    "Sex",
    "TestOutcome",
    "TestResult",
    "TestingStep",
    "XLinkedRecessive",
    "compute_risks",
    "draw_pedigree_svg",
    "familial_variant_known",
    "family_json",
    "layout_pedigree",
    "load_family",
    "person_entry",
    "plan_testing",
    "read_family_data",
    "read_ped",
    "read_phenopacket_family",
]
