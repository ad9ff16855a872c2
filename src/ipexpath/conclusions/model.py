"""The conclusions of one assessment: typed facts that every output (report, leaflet, JSON, terminal) reads.

The genotype re-rank, the IPEX status line, the recommendations and the leaflet are all derived once, here,
from the same objects, so they cannot disagree (the status line once called a variant "uncertain
significance" while the genetics line said "Likely pathogenic"). `report/` only renders an `Assessment`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from ipexpath.confirm.classification import AcmgClassification
from ipexpath.confirm.genetic_test import GeneticTest
from ipexpath.types import Sex, Zygosity

if TYPE_CHECKING:
    from ipexpath.conclusions.leaflet import Leaflet, RelativeChance
    from ipexpath.conclusions.recommendations import Recommendation, Reference

DECISION_SUPPORT = (
    "Decision support, not a diagnosis. This report was produced by software from the information entered; "
    "a qualified clinician and a clinical genetics service must check every finding and decision."
)


class VariantRole(StrEnum):
    """What a classified variant means for this patient (sex, zygosity, class and the gene's inheritance)."""

    EXPLAINS = "explains"  # P/LP, zygosity fits the inheritance for this sex
    CARRIER = "carrier"  # P/LP heterozygous in an X-linked recessive gene of a female
    NOT_SUFFICIENT = "not sufficient"  # P/LP that does not by itself fit (e.g. one allele of an AR gene)
    UNCERTAIN = "uncertain"  # VUS
    BENIGN = "benign"  # B/LB


@dataclass(frozen=True)
class VariantFinding:
    """One classified variant with its single class name and its meaning for this patient."""

    gene: str
    label: str  # 'FOXP3 c.1150G>A (p.Ala384Thr)'
    classification: AcmgClassification
    zygosity: Zygosity
    points: int
    role: VariantRole
    detail: dict[str, Any] = field(default_factory=dict, compare=False)  # the classifier's JSON row

    @property
    def class_label(self) -> str:
        """The one class name used everywhere: 'Pathogenic', 'Likely pathogenic', 'Uncertain significance'…"""
        return self.classification.label

    @property
    def is_pathogenic(self) -> bool:
        """Pathogenic or likely pathogenic."""
        return self.classification.is_pathogenic_or_likely

    @property
    def meaning(self) -> str:
        """What the finding means for this patient (terminal, report card and JSON say the same)."""
        disease = self.detail.get("disease") or f"the {self.gene} disorder"
        if self.role is VariantRole.EXPLAINS:
            if self.zygosity is Zygosity.HETEROZYGOUS and self.detail.get("inheritance") == "AR":
                return (
                    f"explains {disease} if in trans with the other variant (phase unknown: test the parents)"
                )
            return f"explains {disease}"
        if self.role is VariantRole.CARRIER:
            return "carrier finding (heterozygous female, X-linked recessive): does not explain the phenotype"
        if self.role is VariantRole.NOT_SUFFICIENT:
            if self.detail.get("inheritance") == "AR":
                return (
                    f"one heterozygous variant: {disease} is autosomal recessive, so this alone is a carrier "
                    "state, not the diagnosis, unless a second variant was missed (a deletion, or a region "
                    "the test did not cover)"
                )
            return f"zygosity does not fit the inheritance of {disease}: does not explain it by itself"
        if self.role is VariantRole.UNCERTAIN:
            return "uncertain significance: not to be used in clinical decision making (Richards et al. 2015)"
        return "benign or likely benign"

    def to_dict(self) -> dict[str, Any]:
        """JSON form: the classifier's row with the finding's class name, zygosity and role."""
        return {
            **self.detail,
            "gene": self.gene,
            "label": self.label,
            "classification": self.class_label,
            "classification_code": self.classification.value,
            "zygosity": self.zygosity.value,
            "points": self.points,
            "role": self.role.value,
            "meaning": self.meaning,
        }


class StatusLevel(StrEnum):
    """How strongly the evidence points to IPEX."""

    CONFIRMED = "confirmed"
    LIKELY = "likely"
    POSSIBLE = "possible"
    NOT_SUPPORTED = "not supported"


@dataclass(frozen=True)
class IpexStatus:
    """The IPEX status line: level, the reason in one sentence, IPEX's rank/posterior and the
    FOXP3 finding."""

    level: StatusLevel
    reason: str
    ipex_rank: int | None
    ipex_posterior: float | None
    progress_status: str  # Phenopacket: "SOLVED" or "IN_PROGRESS"
    variant: VariantFinding | None = None
    carrier_finding: bool = False  # a heterozygous P/LP FOXP3 variant in a female: carrier, not IPEX
    refer_for_hsct: bool = False  # early referral for HSCT evaluation: IPEX confirmed (P/LP, hemizygous)
    # IPEX likely, not established (phenotype only, a VUS, an IPEX-like disorder ranked above): early
    # referral to a specialist centre, HSCT decided on the molecular diagnosis; `pending` says what is missing
    refer_to_specialist: bool = False
    pending: tuple[str, ...] = ()
    # a (likely) pathogenic variant in an IPEX-like gene that explains its disorder for this patient
    other_finding: VariantFinding | None = None
    checks: tuple[str, ...] = ()  # conflicts to resolve before acting (a call that does not fit the sex)
    deceased: bool = False  # the patient is recorded as deceased: no treatment advice, leaflet for the family
    transplanted: bool = False  # HSCT already in the treatment history: follow-up, never a new referral
    # a hemizygous P/LP FOXP3 variant in a male whose recorded findings do not point to IPEX even with it
    atypical_phenotype: bool = False

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "level": self.level.value,
            "reason": self.reason,
            "ipex_rank": self.ipex_rank,
            "ipex_posterior": self.ipex_posterior,
            "progress_status": self.progress_status,
            "variant": None if self.variant is None else self.variant.to_dict(),
            "carrier_finding": self.carrier_finding,
            "refer_for_hsct": self.refer_for_hsct,
            "refer_to_specialist": self.refer_to_specialist,
            "pending": list(self.pending),
            "ipex_like_finding": None if self.other_finding is None else self.other_finding.to_dict(),
            "checks": list(self.checks),
            "deceased": self.deceased,
            "transplanted": self.transplanted,
            "atypical_phenotype": self.atypical_phenotype,
        }


@dataclass(frozen=True)
class Genetics:
    """The VCF that was read, what the test covered, and every classified variant."""

    vcf: str
    sample: str | None
    build: str | None
    test: GeneticTest
    findings: tuple[VariantFinding, ...]
    not_tested: tuple[str, ...]  # panel genes the test did not cover (their diseases keep LR 1)
    notes: tuple[str, ...] = ()

    @property
    def variants(self) -> tuple[dict[str, Any], ...]:
        """The classified variants as JSON rows (what the report lists)."""
        return tuple(f.to_dict() for f in self.findings)

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "vcf": self.vcf,
            "sample": self.sample,
            "build": self.build,
            "test": self.test.to_dict(),
            "not_tested": list(self.not_tested),
            "variants": list(self.variants),
            "notes": list(self.notes),
        }


class FamilyVariantStatus(StrEnum):
    """What the family's FOXP3 variant is known to be, which decides what the family is offered."""

    PATHOGENIC = "pathogenic"  # P/LP: predictive and carrier testing, prenatal options
    UNCERTAIN = "uncertain"  # VUS: tests that help classify it, no predictive testing
    NOT_FOUND = "not found"  # no FOXP3 variant of pathogenic or uncertain class in the VCF
    NOT_TESTED = "not tested"  # no VCF: the family file's own test results are used


@dataclass(frozen=True)
class FamilyConclusions:
    """Counsel's result read in the light of the classification: risks, the plan and what they mean."""

    family_id: str
    proband: str
    variant_status: FamilyVariantStatus
    probability_label: str  # what `p_variant` means for this family, in words
    individuals: tuple[dict[str, Any], ...]  # family-file entries (`counsel.person_entry`) with their risks
    risks: dict[str, Any]
    testing_plan: tuple[dict[str, Any], ...]  # predictive/carrier tests (P/LP) in order, with reasons
    classification_plan: tuple[str, ...]  # with a VUS: tests that help classify the variant
    pedigree_svg: str
    notes: tuple[str, ...] = ()
    targeted_testing: bool = True  # a P/LP familial variant is known: relatives can have targeted tests

    def to_dict(self) -> dict[str, Any]:
        """JSON form (the SVG drawing is included so the JSON holds everything the report shows)."""
        return {
            "family_id": self.family_id,
            "proband": self.proband,
            "variant_status": self.variant_status.value,
            "probability_label": self.probability_label,
            "individuals": list(self.individuals),
            "risks": self.risks,
            "testing_plan": list(self.testing_plan),
            "classification_plan": list(self.classification_plan),
            "targeted_testing": self.targeted_testing,
            "pedigree_svg": self.pedigree_svg,
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class Assessment:
    """Everything the outputs show, computed once by `run_assessment`."""

    created: str
    ipexpath_version: str
    hpo_release: str
    knowledge_release: str
    case: dict[str, Any]
    sex: Sex
    subject_id: str
    status: IpexStatus
    differential: dict[str, Any]
    differential_phenotype_only: dict[str, Any] | None
    genetics: Genetics | None
    family: FamilyConclusions | None
    recommendations: tuple[Recommendation, ...]
    leaflet: Leaflet  # every word the family reads (the HTML leaflet only lays it out)
    references: tuple[Reference, ...]
    notes: tuple[str, ...] = ()

    @property
    def relatives(self) -> tuple[RelativeChance, ...]:
        """Each relative's chance in plain words (the leaflet's table)."""
        return self.leaflet.relatives

    @property
    def top(self) -> dict[str, Any] | None:
        """The top-ranked disease row of the differential."""
        results = self.differential.get("results") or []
        return results[0] if results else None

    def to_dict(self) -> dict[str, Any]:
        """The content of assessment.json (the report package adds the Phenopacket)."""
        return {
            "kind": "ipexpath assessment",
            "notice": DECISION_SUPPORT,
            "created": self.created,
            "ipexpath_version": self.ipexpath_version,
            "hpo_release": self.hpo_release,
            "knowledge_release": self.knowledge_release,
            "subject_id": self.subject_id,
            "case": self.case,
            "status": self.status.to_dict(),
            "differential": self.differential,
            "differential_phenotype_only": self.differential_phenotype_only,
            "genetics": None if self.genetics is None else self.genetics.to_dict(),
            "family": None if self.family is None else self.family.to_dict(),
            "recommendations": [r.to_dict() for r in self.recommendations],
            "leaflet": self.leaflet.to_dict(),
            "references": [r.to_dict() for r in self.references],
            "notes": list(self.notes),
        }
