"""Knowledge: the HPO release (ontology, disease annotations, gene links) as a cached array index,
term search, free-text concept recognition, and the cited IPEX / IPEX-like data.

Load once with `load_knowledge()` and pass the `KnowledgeBase` explicitly (no globals).
"""

from ipexpath.knowledge.annotation_files import FREQUENCY_TERMS, parse_frequency
from ipexpath.knowledge.base import PHENOTYPIC_ABNORMALITY, ROOT, KnowledgeBase, build_knowledge
from ipexpath.knowledge.cache import cache_dir, load_knowledge, require_knowledge
from ipexpath.knowledge.release import HpoRelease, default_release_label, locate_release

__all__ = [
    "FREQUENCY_TERMS",
    "PHENOTYPIC_ABNORMALITY",
    "ROOT",
    "HpoRelease",
    "KnowledgeBase",
    "build_knowledge",
    "cache_dir",
    "default_release_label",
    "load_knowledge",
    "locate_release",
    "parse_frequency",
    "require_knowledge",
]
