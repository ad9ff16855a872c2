"""PS1 and PM5: same amino-acid change / another pathogenic missense at the same codon.

Sources: the panel's list of reported variants (panel.yaml `known_variants`, each with its citation) and, when
given, the user's ClinVar VCF. An established *Pathogenic* comparison variant gives the full strength; a
Likely
pathogenic (or mixed P/LP, or literature-only) one gives one level less (PS1_Moderate, PM5_Supporting),
following
common ClinGen VCEP practice. The exact same variant is not PS1 (PS1 needs a different nucleotide change);
that
the variant itself is reported is shown as context, and its published evidence (functional PS3, case counts
PS4)
must be added by a curator.
"""

from __future__ import annotations

import re

from ipexpath.confirm.acmg.base import CriterionResult, Strength, applied, not_applied
from ipexpath.confirm.acmg.context import EvaluationContext
from ipexpath.confirm.hgvs_input import _strip_ref, consequence_from_p, normalize_protein, protein_position
from ipexpath.confirm.model import Consequence, Variant
from ipexpath.confirm.panel import Gene, KnownVariant

PS1_SOURCE = "Richards 2015 PS1 (PMID 25741868); reported variants in panel.yaml"
PM5_SOURCE = "Richards 2015 PM5 (PMID 25741868); reported variants in panel.yaml / ClinVar"


def _is_missense(known: KnownVariant) -> bool:
    return consequence_from_p(known.hgvs_p) == Consequence.MISSENSE


def _full(known_class: str) -> bool:
    return known_class.strip().lower() == "pathogenic"


def exact_match(variant: Variant, gene: Gene) -> KnownVariant | None:
    if variant.hgvs_c:
        key = _strip_ref(variant.hgvs_c)
        for known in gene.known_variants:
            if _strip_ref(known.hgvs_c) == key:
                return known
    if variant.chrom and variant.build == "GRCh38":
        here = f"{re.sub('^chr', '', variant.chrom)}-{variant.pos}-{variant.ref}-{variant.alt}"
        for known in gene.known_variants:
            if known.grch38 == here:
                return known
    return None


def _codon_positions(variant: Variant, gene: Gene) -> list[int]:
    """Genomic positions of the variant's codon (same exon assumed) from its c. position and the gene
    strand."""
    if not (variant.hgvs_c and variant.pos and gene.strand):
        return []
    match = re.match(r"^c\.(\d+)[ACGT]>[ACGT]$", variant.hgvs_c)
    if not match:
        return []
    c_pos = int(match.group(1))
    first = c_pos - (c_pos - 1) % 3
    sign = -1 if gene.strand == "-" else 1
    return [variant.pos + sign * (k - c_pos) for k in range(first, first + 3)]


def evaluate_known(variant: Variant, gene: Gene, ctx: EvaluationContext) -> list[CriterionResult]:
    exact = exact_match(variant, gene)
    context = f" This exact variant is reported: {exact.classification} ({exact.source})." if exact else ""
    if variant.consequence != Consequence.MISSENSE:
        text = f"PS1/PM5 apply to missense changes; this is {variant.consequence.value}.{context}"
        return [not_applied("PS1", text, PS1_SOURCE), not_applied("PM5", text, PM5_SOURCE)]
    codon = protein_position(variant.hgvs_p)
    if codon is None:
        text = "Not evaluated: the amino-acid change is unknown (give the p. change)."
        return [
            not_applied("PS1", text, PS1_SOURCE, evaluated=False),
            not_applied("PM5", text, PM5_SOURCE, evaluated=False),
        ]
    same_aa = [
        k for k in gene.known_variants if k is not exact and k.hgvs_p == variant.hgvs_p and _is_missense(k)
    ]
    same_codon = [
        k
        for k in gene.known_variants
        if k is not exact
        and normalize_protein(k.hgvs_p) != variant.hgvs_p
        and _is_missense(k)
        and k.codon == codon
    ]
    results: list[CriterionResult] = []
    if same_aa and not variant.hgvs_c:
        # protein-only input: the nucleotide change is unknown, so it may be the reported variant itself
        results.append(
            not_applied(
                "PS1",
                f"Not evaluated: {variant.hgvs_p} is also the protein change of the reported "
                f"{same_aa[0].hgvs_c}; without the nucleotide change it may be that very variant (PS1 "
                "needs a different nucleotide change). Give the c. change.",
                PS1_SOURCE,
                evaluated=False,
            )
        )
    elif same_aa:
        best = next((k for k in same_aa if _full(k.classification)), same_aa[0])
        strength = Strength.STRONG if _full(best.classification) else Strength.MODERATE
        results.append(
            applied(
                "PS1",
                strength,
                f"Same amino-acid change {variant.hgvs_p} as {best.hgvs_c} "
                f"({best.classification}; {best.source}), by a different nucleotide change; no splicing "
                "effect is assumed (check SpliceAI).",
                PS1_SOURCE,
            )
        )
    else:
        results.append(
            not_applied(
                "PS1", f"No other reported nucleotide change gives {variant.hgvs_p}.{context}", PS1_SOURCE
            )
        )
    clinvar_hits = _clinvar_codon_hits(variant, gene, ctx)
    if same_codon:
        best = next((k for k in same_codon if _full(k.classification)), same_codon[0])
        strength = Strength.MODERATE if _full(best.classification) else Strength.SUPPORTING
        results.append(
            applied(
                "PM5",
                strength,
                f"A different missense change at codon {codon}, {best.hgvs_p} "
                f"({best.hgvs_c}), is {best.classification} ({best.source}).",
                PM5_SOURCE,
            )
        )
    elif clinvar_hits and not same_aa:
        hit = clinvar_hits[0]
        strength = Strength.MODERATE if _full(hit.significance.replace("_", " ")) else Strength.SUPPORTING
        results.append(
            applied(
                "PM5",
                strength,
                f"{hit.describe()} is a pathogenic missense change at another "
                f"nucleotide of codon {codon}. The ClinVar VCF has no protein change, so whether it gives "
                "the same amino acid (PS1) could not be checked; the codon is assumed not to span an "
                "exon junction.",
                PM5_SOURCE,
            )
        )
    else:
        results.append(
            not_applied(
                "PM5",
                f"No other pathogenic missense change is known at codon {codon}"
                + (
                    " in the panel list or ClinVar."
                    if ctx.clinvar
                    else " in the panel list (no ClinVar file given)."
                ),
                PM5_SOURCE,
            )
        )
    return results


def _clinvar_codon_hits(variant: Variant, gene: Gene, ctx: EvaluationContext) -> list:  # type: ignore[type-arg]
    if ctx.clinvar is None or variant.chrom is None:
        return []
    hits = []
    for pos in _codon_positions(variant, gene):
        for entry in ctx.clinvar.at(variant.chrom, pos):
            if entry.pos == variant.pos and entry.alt == variant.alt:
                continue
            if entry.is_pathogenic and entry.is_missense:
                hits.append(entry)
    return hits


def clinvar_same_variant(variant: Variant, ctx: EvaluationContext) -> str | None:
    if ctx.clinvar is None or variant.chrom is None or variant.pos is None:
        return None
    for entry in ctx.clinvar.at(variant.chrom, variant.pos):
        if entry.ref == variant.ref and entry.alt == variant.alt:
            return entry.describe()
    return None
