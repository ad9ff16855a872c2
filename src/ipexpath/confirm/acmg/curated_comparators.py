"""PS1/PM5 against curated variants whose own published evidence classifies them P/LP.

Why: Richards 2015 (PMID 25741868) PS1 asks for "a previously established pathogenic variant" with the same
amino-acid change, PM5 for "a different missense change determined to be pathogenic" at the same residue. The
panel list (ClinVar) covers FOXP3 only; the curated evidence file also holds IPEX-like variants. A curated
variant counts as a comparator when ipexpath itself classifies it Pathogenic or Likely pathogenic from its
curated evidence alone (entered by HGVS, no population data, no family, no phenotype, and without PS1/PM5,
so a comparator never leans on another comparator). Strength as for the panel list: Pathogenic comparator
-> PS1 / PM5 (Moderate), Likely pathogenic -> PS1_Moderate / PM5_Supporting.
"""

from __future__ import annotations

from dataclasses import replace

from ipexpath.confirm.acmg.base import CriterionResult, Strength, applied
from ipexpath.confirm.acmg.context import EvaluationContext
from ipexpath.confirm.evidence import VariantEvidence
from ipexpath.confirm.hgvs_input import _strip_ref, normalize_protein, protein_position
from ipexpath.confirm.model import Consequence, Variant
from ipexpath.confirm.panel import Gene

SOURCE = (
    "Richards 2015 PS1/PM5 (PMID 25741868); comparator classified P/LP from its curated evidence (ipexpath)"
)
# (id of the evidence set, gene, c.) -> (the evidence set itself, class or None); holding the set keeps its id
# from being reused by another set while the entry lives.
_CACHE: dict[tuple[int, str, str], tuple[object, str | None]] = {}


def _comparator_class(entry: VariantEvidence, gene: Gene, ctx: EvaluationContext) -> str | None:
    """'Pathogenic' / 'Likely pathogenic' when the curated variant reaches P/LP on its own evidence."""
    from ipexpath.confirm.engine import classify_variant
    from ipexpath.confirm.hgvs_input import parse_hgvs_variant
    from ipexpath.errors import InputError
    from ipexpath.types import Zygosity

    key = (id(ctx.evidence), entry.gene, entry.hgvs_c)
    cached = _CACHE.get(key)
    if cached is not None and cached[0] is ctx.evidence:
        return cached[1]
    if len(_CACHE) > 10_000:
        _CACHE.clear()
    text = f"{entry.transcript}:{entry.hgvs_c}" + (f" {entry.hgvs_p}" if entry.hgvs_p else "")
    zygosity = Zygosity.HEMIZYGOUS if gene.inheritance == "XLR" else Zygosity.UNKNOWN
    try:
        variant = parse_hgvs_variant(text, ctx.panel, zygosity=zygosity)
    except InputError:
        _CACHE[key] = (ctx.evidence, None)
        return None
    alone = replace(ctx, family=None, phenotype=None, clinvar=None, comparators=False)
    label = classify_variant(variant, alone).classification.label
    result = label if label in ("Pathogenic", "Likely pathogenic") else None
    _CACHE[key] = (ctx.evidence, result)
    return result


def curated_comparators(
    variant: Variant, gene: Gene, ctx: EvaluationContext, criteria: list[CriterionResult]
) -> list[CriterionResult]:
    """Replace a not-applied PS1/PM5 when a curated P/LP comparator qualifies (panel-list results stand)."""
    if not ctx.comparators or ctx.evidence is None or variant.consequence != Consequence.MISSENSE:
        return criteria
    codon = protein_position(variant.hgvs_p)
    if codon is None:
        return criteria
    own = _strip_ref(variant.hgvs_c) if variant.hgvs_c else None
    found: dict[str, CriterionResult] = {}
    for entry in ctx.evidence.for_gene(gene.symbol):
        protein = normalize_protein(entry.hgvs_p)
        if protein is None or protein_position(protein) != codon or _strip_ref(entry.hgvs_c) == own:
            continue
        same = protein == variant.hgvs_p
        if same and own is None:
            continue  # protein-only input may be this very variant: PS1 needs a different nucleotide change
        code = "PS1" if same else "PM5"
        missense = protein.removeprefix("p.")[-3:] not in ("Ter", "=", "del", "dup")
        if code in found or not missense:
            continue
        label = _comparator_class(entry, gene, ctx)
        if label is None:
            continue
        full = label == "Pathogenic"
        strength = (
            (Strength.STRONG if full else Strength.MODERATE)
            if same
            else (Strength.MODERATE if full else Strength.SUPPORTING)
        )
        what = (
            "the same amino-acid change by a different nucleotide change" if same else "a different missense"
        )
        found[code] = applied(
            code,
            strength,
            f"{entry.hgvs_c} {protein} ({what} at codon {codon}) is classified {label} by ipexpath from its "
            "curated published evidence alone (confirm/data/variant_evidence.yaml)."
            + (" No splicing effect is assumed (check SpliceAI)." if same else ""),
            SOURCE,
        )
    if not found:
        return criteria
    return [
        found[c.code]
        if c.code in found and not c.applied and not (c.code == "PM5" and _has(criteria, "PS1"))
        else c
        for c in criteria
    ]


def _has(criteria: list[CriterionResult], code: str) -> bool:
    return any(c.code == code and c.applied for c in criteria)
