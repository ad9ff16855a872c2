"""The loaded HPO release as compact arrays: ontology, disease annotations and gene links.

Built once per release from the release files (`build_knowledge`) and cached on disk by
`ipexpath.knowledge.cache`; hot paths (ranking, search) work on these arrays, not on Python objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import numpy.typing as npt

from ipexpath.knowledge.annotation_files import AnnotationRow, parse_gene_links, parse_hpoa
from ipexpath.knowledge.ontology_files import TermRecord, parse_ontology
from ipexpath.knowledge.release import HpoRelease

IntArray = npt.NDArray[np.int32]
FloatArray = npt.NDArray[np.float32]
BoolArray = npt.NDArray[np.bool_]

ROOT = "HP:0000001"
PHENOTYPIC_ABNORMALITY = "HP:0000118"
# Sub-roots of HPO that are not phenotypes of the patient (HPO documentation, hpo.jax.org).
MODE_OF_INHERITANCE = "HP:0000005"
CLINICAL_MODIFIER = "HP:0012823"
CLINICAL_COURSE = "HP:0031797"
ONSET = "HP:0003674"
FREQUENCY = "HP:0040279"

SEX_CODES = {"": 0, "MALE": 1, "FEMALE": 2}
# OBO synonym scopes (OBO 1.4 format guide): EXACT names the term; the others are looser.
SYNONYM_SCOPES = {"EXACT": 0, "BROAD": 1, "NARROW": 2, "RELATED": 3}
ASPECT_CODES = {"P": 0, "I": 1, "C": 2, "M": 3, "H": 4}


@dataclass(frozen=True, eq=False)
class KnowledgeBase:
    """One HPO release. Terms include obsolete ones (flagged) so old ids can be mapped forward."""

    release_label: str
    ontology_version: str
    annotation_version: str
    # --- terms (index = position) ---
    term_ids: list[str]
    labels: list[str]
    definitions: list[str]
    obsolete: BoolArray
    replaced_by: IntArray  # index of the replacement term, -1 if none
    parent_ptr: IntArray  # CSR over term index: parents of i are parent_idx[parent_ptr[i]:parent_ptr[i+1]]
    parent_idx: IntArray
    ancestor_ptr: IntArray  # CSR, ancestors including the term itself
    ancestor_idx: IntArray
    synonym_text: list[str]
    synonym_term: IntArray
    synonym_scope: npt.NDArray[np.int8]  # SYNONYM_SCOPES code of each synonym (OBO scope)
    alt_ids: list[str]
    alt_term: IntArray
    # --- diseases and annotations ---
    disease_ids: list[str]
    disease_names: list[str]
    ann_disease: IntArray
    ann_term: IntArray
    ann_frequency: FloatArray  # NaN when the HPOA gives no frequency
    ann_cohort: IntArray  # m of an n/m frequency (number of patients assessed), 0 otherwise
    ann_negated: BoolArray
    ann_onset: IntArray  # term index of the per-annotation onset, -1 if none
    ann_sex: npt.NDArray[np.int8]  # 0 any, 1 male, 2 female
    ann_aspect: npt.NDArray[np.int8]  # ASPECT_CODES
    ann_ref_ptr: IntArray  # CSR into ann_ref_idx
    ann_ref_idx: IntArray  # index into reference_ids
    reference_ids: list[str]
    # --- genes ---
    gene_symbols: list[str]
    gene_ncbi_ids: list[str]
    link_gene: IntArray
    link_disease: IntArray
    _cache: dict[str, object] = field(default_factory=dict, repr=False)

    # ---------------- lookups (built lazily, cheap) ----------------
    @cached_property
    def term_index(self) -> dict[str, int]:
        """Primary id → term index (obsolete ids included)."""
        return {tid: i for i, tid in enumerate(self.term_ids)}

    @cached_property
    def alt_index(self) -> dict[str, int]:
        """Alternative id → index of the term that now carries it."""
        return dict(zip(self.alt_ids, self.alt_term.tolist(), strict=True))

    @cached_property
    def disease_index(self) -> dict[str, int]:
        """Disease id (OMIM:…, ORPHA:…, DECIPHER:…) → disease index."""
        return {did: i for i, did in enumerate(self.disease_ids)}

    @property
    def n_terms(self) -> int:
        """Number of terms, obsolete ones included."""
        return len(self.term_ids)

    @property
    def n_diseases(self) -> int:
        """Number of annotated diseases in the release (all namespaces)."""
        return len(self.disease_ids)

    def parents(self, term: int) -> IntArray:
        """Direct is_a parents of a term index."""
        return self.parent_idx[self.parent_ptr[term] : self.parent_ptr[term + 1]]

    def ancestors(self, term: int) -> IntArray:
        """Ancestors of a term index, the term itself included."""
        return self.ancestor_idx[self.ancestor_ptr[term] : self.ancestor_ptr[term + 1]]

    @cached_property
    def children_lists(self) -> list[list[int]]:
        """Direct children of each term index."""
        children: list[list[int]] = [[] for _ in range(self.n_terms)]
        for child in range(self.n_terms):
            for parent in self.parents(child).tolist():
                children[parent].append(child)
        return children

    def is_phenotype(self, term: int) -> bool:
        """True if the term lies under Phenotypic abnormality (HP:0000118)."""
        pa = self.term_index[PHENOTYPIC_ABNORMALITY]
        return bool(np.any(self.ancestors(term) == pa))

    def is_under(self, term: int, root_id: str) -> bool:
        """True if the term is `root_id` or one of its descendants."""
        root = self.term_index.get(root_id)
        return root is not None and bool(np.any(self.ancestors(term) == root))

    def disease_genes(self, disease_id: str) -> list[str]:
        """Gene symbols linked to a disease in genes_to_phenotype.txt."""
        genes = self._gene_map()
        return sorted(genes.get(disease_id, set()))

    def _gene_map(self) -> dict[str, set[str]]:
        cached = self._cache.get("gene_map")
        if cached is None:
            mapping: dict[str, set[str]] = {}
            for g, d in zip(self.link_gene.tolist(), self.link_disease.tolist(), strict=True):
                mapping.setdefault(self.disease_ids[d], set()).add(self.gene_symbols[g])
            self._cache["gene_map"] = mapping
            cached = mapping
        assert isinstance(cached, dict)
        return cached


def _csr(lists: list[list[int]]) -> tuple[IntArray, IntArray]:
    ptr = np.zeros(len(lists) + 1, dtype=np.int32)
    ptr[1:] = np.cumsum([len(x) for x in lists])
    flat = np.fromiter((v for x in lists for v in x), dtype=np.int32, count=int(ptr[-1]))
    return ptr, flat


def _ancestor_lists(n: int, parents: list[list[int]]) -> list[list[int]]:
    memo: list[list[int] | None] = [None] * n

    def visit(i: int) -> list[int]:
        done = memo[i]
        if done is not None:
            return done
        # iterative DFS to avoid recursion limits on deep chains
        stack = [i]
        while stack:
            node = stack[-1]
            pending = [p for p in parents[node] if memo[p] is None]
            if pending:
                stack.extend(pending)
                continue
            stack.pop()
            if memo[node] is not None:
                continue
            acc = {node}
            for p in parents[node]:
                parent_anc = memo[p]
                assert parent_anc is not None
                acc.update(parent_anc)
            memo[node] = sorted(acc)
        result = memo[i]
        assert result is not None
        return result

    return [visit(i) for i in range(n)]


def build_knowledge(release: HpoRelease) -> KnowledgeBase:
    """Parse the release files and build the arrays (a few seconds; the result is cached on disk)."""
    records, ontology_version = parse_ontology(release.ontology)
    rows, annotation_version = parse_hpoa(release.annotations)
    gene_links = parse_gene_links(release.genes)
    return _assemble(release.label, records, ontology_version, rows, annotation_version, gene_links)


def _assemble(
    label: str,
    records: list[TermRecord],
    ontology_version: str,
    rows: list[AnnotationRow],
    annotation_version: str,
    gene_links: list[tuple[str, str, str]],
) -> KnowledgeBase:
    index = {r.id: i for i, r in enumerate(records)}
    parents = [[index[p] for p in r.parents if p in index] for r in records]
    ancestors = _ancestor_lists(len(records), parents)
    parent_ptr, parent_idx = _csr(parents)
    ancestor_ptr, ancestor_idx = _csr(ancestors)
    synonym_text: list[str] = []
    synonym_term: list[int] = []
    synonym_scope: list[int] = []
    alt_ids: list[str] = []
    alt_term: list[int] = []
    for i, r in enumerate(records):
        scopes = r.synonym_scopes or ["EXACT"] * len(r.synonyms)
        for s, scope in zip(r.synonyms, scopes, strict=True):
            synonym_text.append(s)
            synonym_term.append(i)
            synonym_scope.append(SYNONYM_SCOPES.get(scope, SYNONYM_SCOPES["RELATED"]))
        for a in r.alt_ids:
            if a not in index:
                alt_ids.append(a)
                alt_term.append(i)
    replaced = np.full(len(records), -1, dtype=np.int32)
    for i, r in enumerate(records):
        if r.obsolete and r.replaced_by and r.replaced_by in index:
            replaced[i] = index[r.replaced_by]

    disease_index: dict[str, int] = {}
    disease_names: list[str] = []
    reference_index: dict[str, int] = {}
    ann: dict[str, list[int] | list[float] | list[bool]] = {
        k: [] for k in ("disease", "term", "freq", "neg", "onset", "sex", "aspect", "cohort")
    }
    ref_lists: list[list[int]] = []
    alt_lookup = dict(zip(alt_ids, alt_term, strict=True))
    for row in rows:
        term = index.get(row.hpo_id, alt_lookup.get(row.hpo_id))
        if term is None:
            continue  # annotation to a term missing from this ontology file: skipped
        if records[term].obsolete and replaced[term] >= 0:
            term = int(replaced[term])
        d = disease_index.setdefault(row.disease_id, len(disease_index))
        if d == len(disease_names):
            disease_names.append(row.disease_name)
        onset = index.get(row.onset, -1) if row.onset else -1
        ann["disease"].append(d)  # type: ignore[arg-type]
        ann["term"].append(term)  # type: ignore[arg-type]
        ann["freq"].append(row.frequency)  # type: ignore[arg-type]
        ann["neg"].append(row.negated)  # type: ignore[arg-type]
        ann["onset"].append(onset)  # type: ignore[arg-type]
        ann["sex"].append(SEX_CODES.get(row.sex, 0))  # type: ignore[arg-type]
        ann["aspect"].append(ASPECT_CODES.get(row.aspect, 0))  # type: ignore[arg-type]
        ann["cohort"].append(row.cohort)  # type: ignore[arg-type]
        ref_lists.append([reference_index.setdefault(ref, len(reference_index)) for ref in row.references])
    ref_ptr, ref_idx = _csr(ref_lists)

    gene_index: dict[str, int] = {}
    gene_ncbi: list[str] = []
    link_gene: list[int] = []
    link_disease: list[int] = []
    for symbol, ncbi, disease in gene_links:
        if disease not in disease_index:
            continue
        g = gene_index.setdefault(symbol, len(gene_index))
        if g == len(gene_ncbi):
            gene_ncbi.append(ncbi)
        link_gene.append(g)
        link_disease.append(disease_index[disease])

    return KnowledgeBase(
        release_label=label,
        ontology_version=ontology_version,
        annotation_version=annotation_version,
        term_ids=[r.id for r in records],
        labels=[r.name for r in records],
        definitions=[r.definition for r in records],
        obsolete=np.array([r.obsolete for r in records], dtype=np.bool_),
        replaced_by=replaced,
        parent_ptr=parent_ptr,
        parent_idx=parent_idx,
        ancestor_ptr=ancestor_ptr,
        ancestor_idx=ancestor_idx,
        synonym_text=synonym_text,
        synonym_term=np.array(synonym_term, dtype=np.int32),
        synonym_scope=np.array(synonym_scope, dtype=np.int8),
        alt_ids=alt_ids,
        alt_term=np.array(alt_term, dtype=np.int32),
        disease_ids=list(disease_index),
        disease_names=disease_names,
        ann_disease=np.array(ann["disease"], dtype=np.int32),
        ann_term=np.array(ann["term"], dtype=np.int32),
        ann_frequency=np.array(ann["freq"], dtype=np.float32),
        ann_cohort=np.array(ann["cohort"], dtype=np.int32),
        ann_negated=np.array(ann["neg"], dtype=np.bool_),
        ann_onset=np.array(ann["onset"], dtype=np.int32),
        ann_sex=np.array(ann["sex"], dtype=np.int8),
        ann_aspect=np.array(ann["aspect"], dtype=np.int8),
        ann_ref_ptr=ref_ptr,
        ann_ref_idx=ref_idx,
        reference_ids=list(reference_index),
        gene_symbols=list(gene_index),
        gene_ncbi_ids=gene_ncbi,
        link_gene=np.array(link_gene, dtype=np.int32),
        link_disease=np.array(link_disease, dtype=np.int32),
    )
