"""The user's own ClinVar VCF download (clinvar.vcf.gz), read for the panel genes only.

ClinVar's VCF carries the clinical significance (CLNSIG), review status (CLNREVSTAT), gene (GENEINFO) and
molecular
consequence (MC) of each variant, but not its protein change. ipexpath uses it for (1) the same variant,
reported
as context, and (2) pathogenic missense variants at other nucleotides of the same codon (PM5; see
known_variants.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ipexpath.confirm.panel import Panel, normalize_chrom
from ipexpath.errors import InputError


@dataclass(frozen=True)
class ClinvarEntry:
    chrom: str
    pos: int
    ref: str
    alt: str
    significance: str
    review_status: str
    gene: str | None
    molecular_consequence: str
    variation_id: str

    @property
    def is_pathogenic(self) -> bool:
        sig = self.significance.lower()
        return ("pathogenic" in sig) and "conflicting" not in sig and "benign" not in sig

    @property
    def stars(self) -> int:
        """ClinVar review stars from CLNREVSTAT (ClinVar's documented mapping)."""
        status = self.review_status.lower().replace(" ", "_")
        if "practice_guideline" in status:
            return 4
        if "expert_panel" in status:
            return 3
        if "multiple_submitters" in status and "no_conflicts" in status:
            return 2
        if "criteria_provided" in status:
            return 1
        return 0

    @property
    def is_missense(self) -> bool:
        return "missense" in self.molecular_consequence.lower()

    def describe(self) -> str:
        return (
            f"ClinVar VCV{self.variation_id.zfill(9)} {self.chrom}:{self.pos} {self.ref}>{self.alt} "
            f"{self.significance.replace('_', ' ')} ({self.review_status.replace('_', ' ')})"
        )


@dataclass(frozen=True)
class ClinvarIndex:
    entries: dict[tuple[str, int], tuple[ClinvarEntry, ...]]
    build: str | None
    path: str

    def at(self, chrom: str, pos: int) -> tuple[ClinvarEntry, ...]:
        return self.entries.get((normalize_chrom(chrom), pos), ())


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, tuple | list):
        return ",".join(str(v) for v in value)
    return str(value)


def read_clinvar(path: Path | str, panel: Panel, build: str) -> ClinvarIndex:
    """Index the ClinVar records that fall in the panel genes (region queries when a .tbi/.csi index
    exists)."""
    from ipexpath.confirm import vcf as vcf_module

    path = Path(path)
    vcf_module.check_vcf_file(path)
    handle = vcf_module.open_vcf(path)
    header = handle.raw_header
    detected, evidence = vcf_module.detect_build(header, panel)
    if detected and detected != build:
        raise InputError(
            f"The ClinVar file '{path.name}' is {detected} ({evidence}) but the variants are {build}.",
            f"Download the ClinVar VCF for {build} (ftp.ncbi.nlm.nih.gov/pub/clinvar/vcf_{build}/).",
        )
    entries: dict[tuple[str, int], list[ClinvarEntry]] = {}
    try:
        for _gene, rec in vcf_module._records(handle, panel, build, vcf_module._has_index(path), path):
            chrom = normalize_chrom(rec.CHROM)
            for alt in rec.ALT or []:
                entry = ClinvarEntry(
                    chrom=chrom,
                    pos=int(rec.POS),
                    ref=rec.REF,
                    alt=alt,
                    significance=_text(rec.INFO.get("CLNSIG")),
                    review_status=_text(rec.INFO.get("CLNREVSTAT")),
                    gene=(_text(rec.INFO.get("GENEINFO")).split(":")[0] or None),
                    molecular_consequence=_text(rec.INFO.get("MC")),
                    variation_id=str(rec.ID or ""),
                )
                entries.setdefault((chrom, entry.pos), []).append(entry)
    except Exception as exc:
        raise InputError(f"The ClinVar file '{path}' could not be read to the end ({exc}).") from exc
    return ClinvarIndex({k: tuple(v) for k, v in entries.items()}, detected, str(path))
