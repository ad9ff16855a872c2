"""Which diseases of the differential are IPEX or IPEX-like (flagged and always listed with their rank).

The ids come from the curated IPEX knowledge file (`ipexpath.knowledge.ipex`), which ships with the package
(a file that cannot be loaded is a KnowledgeError, not silently ignored).
"""

from __future__ import annotations

from enum import Enum

# IPEX syndrome, FOXP3 (OMIM 304790; Orphanet 37042).
IPEX_IDS = frozenset({"OMIM:304790", "ORPHA:37042"})


class IpexFlag(Enum):
    """IPEX itself, or a disorder that mimics it (IPEX-like)."""

    IPEX = "IPEX"
    IPEX_LIKE = "IPEX-like"


def ipex_flags() -> dict[str, IpexFlag]:
    """Disease id → flag for IPEX and every IPEX-like disorder of the knowledge file (cited rows only)."""
    from ipexpath.knowledge.ipex import ipex_disease_ids

    flags = {i: IpexFlag.IPEX for i in IPEX_IDS}
    for disease_id in ipex_disease_ids():
        flags.setdefault(disease_id, IpexFlag.IPEX_LIKE)
    return flags
