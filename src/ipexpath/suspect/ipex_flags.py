"""Which diseases of the differential are IPEX or IPEX-like (flagged and always listed with their rank).

The ids come from the curated IPEX knowledge file (`ipexpath.knowledge.ipex`); if that file cannot be
loaded the two IPEX ids themselves are still flagged (OMIM:304790, ORPHA:37042).
"""

from __future__ import annotations

import logging
from enum import Enum

from ipexpath.knowledge.base import KnowledgeBase

log = logging.getLogger(__name__)

# IPEX syndrome, FOXP3 (OMIM 304790; Orphanet 37042).
IPEX_IDS = frozenset({"OMIM:304790", "ORPHA:37042"})


class IpexFlag(Enum):
    """IPEX itself, or a disorder that mimics it (IPEX-like)."""

    IPEX = "IPEX"
    IPEX_LIKE = "IPEX-like"


_FLAGS: dict[str, IpexFlag] | None = None


def ipex_flags(kb: KnowledgeBase | None = None) -> dict[str, IpexFlag]:
    """Disease id → flag for IPEX and every IPEX-like disorder of the knowledge file."""
    global _FLAGS
    if _FLAGS is None:
        flags = {i: IpexFlag.IPEX for i in IPEX_IDS}
        try:
            from ipexpath.knowledge.ipex import ipex_disease_ids

            for disease_id in ipex_disease_ids():
                flags.setdefault(disease_id, IpexFlag.IPEX_LIKE)
        except Exception as exc:  # the knowledge file is optional for ranking: degrade, say so in the log
            log.warning("IPEX-like disorders not flagged (IPEX knowledge unavailable: %s)", exc)
        _FLAGS = flags
    return _FLAGS
