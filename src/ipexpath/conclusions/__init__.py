"""Conclusions: the whole pathway for one case (Suspect → Confirm → Counsel) and what follows from it.

`run_assessment(kb, case, vcf=None, family=None, covered=None)` calls each step's public function directly
and returns an `Assessment`: the IPEX status (sex-aware), the genotype-re-ranked differential with true
ranks, the genetic findings with what the test covered (`GeneticTest`), family risks with the plan that fits
the variant's class, recommendations and the leaflet's content. Every output renders this one object.
"""

from ipexpath.conclusions.assess import run_assessment
from ipexpath.conclusions.leaflet import Leaflet, LeafletSection, RelativeChance
from ipexpath.conclusions.model import (
    DECISION_SUPPORT,
    Assessment,
    FamilyConclusions,
    FamilyVariantStatus,
    Genetics,
    IpexStatus,
    StatusLevel,
    VariantFinding,
    VariantRole,
)
from ipexpath.conclusions.recommendations import Recommendation, Reference
from ipexpath.conclusions.status import decide_status

__all__ = [
    "DECISION_SUPPORT",
    "Assessment",
    "FamilyConclusions",
    "FamilyVariantStatus",
    "Genetics",
    "IpexStatus",
    "Leaflet",
    "LeafletSection",
    "Recommendation",
    "Reference",
    "RelativeChance",
    "StatusLevel",
    "VariantFinding",
    "VariantRole",
    "decide_status",
    "run_assessment",
]
