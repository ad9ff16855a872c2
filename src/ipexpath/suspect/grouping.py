"""One row per disease: an Orphanet entry grouped with the OMIM entry that describes the same condition.

The HPO annotations list many conditions twice (an OMIM entry and an Orphanet entry), so without grouping the
same disease takes two rows of the differential and two shares of the prior. The release has no OMIM–Orphanet
cross-references, so the groups come from offline rules, each strict:

1. the Orphanet entries an OMIM disease borrows annotations from (`model.orphanet_partners`: the gene's only
   OMIM disease and the Orphanet entries of that gene alone, or the one Orphanet entry with the same name);
2. the curated IPEX knowledge file, which names the OMIM and Orphanet ids of each disorder;
3. an Orphanet entry linked to one gene whose features match one of that gene's OMIM diseases clearly best
   (cosine similarity of information-content-weighted annotation profiles ≥ `MIN_PROFILE_SIMILARITY`, and
   ahead of the next OMIM disease of the gene by `MIN_PROFILE_MARGIN`), e.g. ORPHA:391487 "STAT1-related
   autoimmune enteropathy…" with OMIM:614162 (STAT1 gain of function), not with the STAT1 loss-of-function
   entries.

Everything else (DECIPHER entries, Orphanet umbrella groups of several genes) is a group of its own. A group
scores as its best member and is shown under its OMIM id, with the Orphanet ids as cross-references.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from ipexpath.knowledge.base import KnowledgeBase

IntVec = npt.NDArray[np.int64]

# Rule 3 thresholds, set a priori (not tuned on the benchmark): a clear best match among the gene's OMIM
# diseases, on annotation profiles only.
MIN_PROFILE_SIMILARITY = 0.3
MIN_PROFILE_MARGIN = 0.1


@dataclass(frozen=True, eq=False)
class DiseaseGroups:
    """Disease index → group, and each group's members (the shown member first)."""

    group_of: IntVec  # per disease index
    members: tuple[tuple[int, ...], ...]  # per group; members[g][0] is the id shown (OMIM when there is one)
    has_omim: npt.NDArray[np.bool_]  # per group

    @property
    def n_groups(self) -> int:
        """Number of diseases after grouping (the prior is uniform over them)."""
        return len(self.members)

    @cached_property
    def _shown(self) -> IntVec:
        return np.array([m[0] for m in self.members], dtype=np.int64)

    @cached_property
    def _extra_layers(self) -> list[tuple[IntVec, IntVec]]:
        """(groups, members) of the 2nd, 3rd… members, one layer per position (groups unique in a layer)."""
        layers: list[tuple[IntVec, IntVec]] = []
        depth = max(len(m) for m in self.members)
        for k in range(1, depth):
            groups = [g for g, m in enumerate(self.members) if len(m) > k]
            layers.append(
                (
                    np.array(groups, dtype=np.int64),
                    np.array([self.members[g][k] for g in groups], dtype=np.int64),
                )
            )
        return layers

    def group_scores(self, scores: npt.NDArray[np.floating]) -> npt.NDArray[np.float64]:
        """Per group: the best score of its members."""
        best = scores[self._shown].astype(np.float64)
        for groups, members in self._extra_layers:
            best[groups] = np.maximum(best[groups], scores[members])
        return best

    def best_member(self, group: int, scores: npt.NDArray[np.floating]) -> int:
        """The member (disease index) whose score is the group's (the shown member wins ties)."""
        ms = self.members[group]
        return ms[int(np.argmax([float(scores[d]) for d in ms]))]

    def cross_references(self, group: int, kb: KnowledgeBase) -> tuple[str, ...]:
        """Ids of the group's other members (e.g. the Orphanet id of an OMIM disease)."""
        return tuple(kb.disease_ids[d] for d in self.members[group][1:])


def build_groups(
    kb: KnowledgeBase, partners: dict[int, tuple[int, ...]], propagated: sp.csc_matrix
) -> DiseaseGroups:
    """Group the diseases of `kb` (see the module docstring for the rules)."""
    n = kb.n_diseases
    owner = np.arange(n, dtype=np.int64)  # disease → the OMIM disease it is grouped with (itself if none)
    taken = np.zeros(n, dtype=bool)

    def join(omim: int, orpha: int) -> None:
        if not taken[orpha] and owner[omim] == omim and orpha != omim:
            owner[orpha] = omim
            taken[orpha] = True

    for omim in sorted(partners):
        for orpha in partners[omim]:
            join(omim, orpha)
    for omim, orpha in _curated_pairs(kb):
        join(omim, orpha)
    for omim, orpha in same_gene_profile_pairs(kb, propagated):
        join(omim, orpha)

    roots, group_of = np.unique(owner, return_inverse=True)
    group_of = group_of.astype(np.int64)
    members: list[list[int]] = [[int(r)] for r in roots.tolist()]
    for d in np.flatnonzero(owner != np.arange(n)).tolist():
        members[int(group_of[d])].append(int(d))
    has_omim = np.array([kb.disease_ids[m[0]].startswith("OMIM:") for m in members], dtype=bool)
    return DiseaseGroups(group_of, tuple(tuple(m) for m in members), has_omim)


def _curated_pairs(kb: KnowledgeBase) -> list[tuple[int, int]]:
    """OMIM–Orphanet pairs named together in the IPEX knowledge file."""
    from ipexpath.knowledge.ipex import load_ipex_knowledge

    knowledge = load_ipex_knowledge()
    rows = [(knowledge.ipex.omim, knowledge.ipex.orpha)]
    rows += [(r.omim, r.orpha) for r in knowledge.ipex_like if r.orpha]
    index = kb.disease_index
    return [(index[o], index[p]) for o, p in rows if o in index and p and p in index]


def same_gene_profile_pairs(kb: KnowledgeBase, propagated: sp.csc_matrix) -> list[tuple[int, int]]:
    """Orphanet entries of one gene paired with the gene's OMIM disease whose features clearly match best."""
    genes_of: dict[int, set[int]] = {}
    for g, d in zip(kb.link_gene.tolist(), kb.link_disease.tolist(), strict=True):
        genes_of.setdefault(d, set()).add(g)
    omim_of_gene: dict[int, list[int]] = {}
    for d, genes in genes_of.items():
        if kb.disease_ids[d].startswith("OMIM:"):
            for g in genes:
                omim_of_gene.setdefault(g, []).append(d)
    annotated = (propagated > 0).astype(np.float64).tocsr()
    n_t = np.asarray(annotated.sum(axis=0)).ravel()
    ic = np.where(n_t > 0, -np.log(np.maximum(n_t, 1.0) / kb.n_diseases), 0.0)
    profiles = annotated.multiply(ic[None, :]).tocsr()
    norms = np.sqrt(np.asarray(profiles.multiply(profiles).sum(axis=1)).ravel())
    orphas = [
        d
        for d, genes in genes_of.items()
        if kb.disease_ids[d].startswith("ORPHA:") and len(genes) == 1 and norms[d] > 0
    ]
    pairs = [(d, c) for d in orphas for c in omim_of_gene.get(next(iter(genes_of[d])), [])]
    if not pairs:
        return []
    left = np.array([d for d, _ in pairs], dtype=np.int64)
    right = np.array([c for _, c in pairs], dtype=np.int64)
    dots = np.asarray(profiles[left].multiply(profiles[right]).sum(axis=1)).ravel()
    sims = dots / np.maximum(norms[left] * norms[right], 1e-12)
    by_orpha: dict[int, list[tuple[float, int]]] = {}
    for d, c, value in zip(left.tolist(), right.tolist(), sims.tolist(), strict=True):
        by_orpha.setdefault(d, []).append((value, c))
    out: list[tuple[int, int]] = []
    for d, scored in by_orpha.items():
        scored.sort(key=lambda x: -x[0])
        best = scored[0][0]
        second = scored[1][0] if len(scored) > 1 else 0.0
        if best >= MIN_PROFILE_SIMILARITY and best - second >= MIN_PROFILE_MARGIN:
            out.append((scored[0][1], d))
    return out
