"""The IPEX status line: confirmed, likely, possible or not supported — and why, for this patient's sex.

* Confirmed: a (likely) pathogenic FOXP3 variant whose zygosity explains IPEX — hemizygous in a male
  (GeneReviews NBK1118: "The diagnosis is established in a male proband with … a hemizygous pathogenic
  variant in FOXP3").
* A heterozygous (likely) pathogenic FOXP3 variant in a **female** is a carrier finding that does not explain
  the phenotype ("Heterozygous females have not been reported to have clinical findings typical of IPEX
  syndrome", GeneReviews NBK1118): the status is at most "possible", the IPEX-like disorders become the
  work-up and no HSCT referral is made on this basis.
* Otherwise the status follows IPEX's place in the (genotype-re-ranked) differential: likely when ranked first
  or with posterior ≥ LIKELY_POSTERIOR, possible when in the first POSSIBLE_RANK rows.
Early referral for HSCT evaluation is recommended when IPEX is confirmed, or likely in a patient who is not
female and has no carrier finding.
"""

from __future__ import annotations

from typing import Any

from ipexpath.conclusions.model import Genetics, IpexStatus, StatusLevel, VariantFinding, VariantRole
from ipexpath.numbers import percent
from ipexpath.types import Sex

IPEX_IDS = ("OMIM:304790", "ORPHA:37042")
# IPEX is "likely" (and early HSCT referral recommended) when it is ranked first or its posterior under the
# stated prior reaches this value, "possible" when it is in the top POSSIBLE_RANK rows (ipexpath choices).
LIKELY_POSTERIOR = 0.25
POSSIBLE_RANK = 10
_ORDER = {"PATHOGENIC": 0, "LIKELY_PATHOGENIC": 1, "UNCERTAIN_SIGNIFICANCE": 2}


def is_ipex_row(row: dict[str, Any]) -> bool:
    """The differential row is IPEX itself (not IPEX-like)."""
    ids = {row.get("disease_id"), *(row.get("cross_references") or [])}
    return bool(ids & set(IPEX_IDS)) or (row.get("ipex") or row.get("ipex_flag")) == "IPEX"


def ipex_row(differential: dict[str, Any]) -> dict[str, Any] | None:
    """The best-ranked IPEX row of the differential (from the results or the IPEX/IPEX-like list)."""
    rows = list(differential.get("results") or []) + list(differential.get("ipex_and_ipex_like") or [])
    found = [r for r in rows if is_ipex_row(r)]
    return min(found, key=lambda r: int(r.get("rank", 10**9))) if found else None


def foxp3_finding(genetics: Genetics | None) -> VariantFinding | None:
    """The most significant FOXP3 variant of pathogenic or uncertain class, or None."""
    if genetics is None:
        return None
    found = [f for f in genetics.findings if f.gene == "FOXP3" and f.classification.value in _ORDER]
    return min(found, key=lambda f: _ORDER[f.classification.value]) if found else None


def decide_status(differential: dict[str, Any], genetics: Genetics | None, sex: Sex) -> IpexStatus:
    """The IPEX status from the differential and the FOXP3 finding, for this patient's sex."""
    row = ipex_row(differential)
    rank = int(row["rank"]) if row else None
    posterior = float(row["posterior"]) if row else None
    variant = foxp3_finding(genetics)
    where = (
        f"ranked {rank} with posterior {percent(posterior)}"
        if rank is not None and posterior is not None
        else "not ranked"
    )
    if variant is not None and variant.is_pathogenic and variant.role is VariantRole.EXPLAINS:
        return IpexStatus(
            StatusLevel.CONFIRMED,
            f"{variant.zygosity.value.capitalize()} variant {variant.label} classified "
            f"{variant.class_label} (the diagnosis requires a hemizygous pathogenic FOXP3 "
            "variant in a male); "
            f"IPEX {where}.",
            rank,
            posterior,
            "SOLVED",
            variant,
            refer_for_hsct=True,
        )
    level = _level(rank, posterior)
    if variant is not None and variant.role is VariantRole.CARRIER:
        level = StatusLevel.POSSIBLE if level in (StatusLevel.LIKELY, StatusLevel.POSSIBLE) else level
        return IpexStatus(
            level,
            f"Carrier finding, does not explain the phenotype: heterozygous variant {variant.label} "
            f"({variant.class_label}) in a {sex.child_word() if sex is Sex.FEMALE else 'female'}; "
            "heterozygous females are not reported to have IPEX findings (GeneReviews NBK1118). IPEX "
            f"{where}; work up the IPEX-like disorders.",
            rank,
            posterior,
            "IN_PROGRESS",
            variant,
            carrier_finding=True,
        )
    extra = ""
    if variant is not None:
        extra = f"; variant {variant.label} classified {variant.class_label} ({variant.zygosity.value})"
    refer = level is StatusLevel.LIKELY and sex is not Sex.FEMALE
    return IpexStatus(
        level, f"IPEX {where}{extra}.", rank, posterior, "IN_PROGRESS", variant, refer_for_hsct=refer
    )


def _level(rank: int | None, posterior: float | None) -> StatusLevel:
    if rank is not None and posterior is not None and (rank == 1 or posterior >= LIKELY_POSTERIOR):
        return StatusLevel.LIKELY
    if rank is not None and rank <= POSSIBLE_RANK:
        return StatusLevel.POSSIBLE
    return StatusLevel.NOT_SUPPORTED
