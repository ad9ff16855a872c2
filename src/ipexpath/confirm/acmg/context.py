"""What the criteria may look at besides the variant itself."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ipexpath.confirm.panel import Panel

if TYPE_CHECKING:
    from ipexpath.confirm.clinvar import ClinvarIndex
    from ipexpath.confirm.evidence import EvidenceSet
    from ipexpath.confirm.phenotype import PhenotypeEvidence
    from ipexpath.confirm.segregation import FamilySegregation


@dataclass(frozen=True)
class EvaluationContext:
    panel: Panel
    phenotype: list[PhenotypeEvidence] | None = None
    family: list[FamilySegregation] | None = None
    clinvar: ClinvarIndex | None = None
    parentage_confirmed: bool = False
    proband_sex: str | None = None
    # curated published evidence (PS4, PS3/BS3, literature PS2/PM6, PP1/BS4, BS2); None = the bundled file
    evidence: EvidenceSet | None = None
    use_bundled_evidence: bool = True
    # PS1/PM5 may use curated variants classified P/LP on their own evidence (off inside that classification)
    comparators: bool = True

    @property
    def criteria(self) -> dict[str, Any]:
        return self.panel.criteria
