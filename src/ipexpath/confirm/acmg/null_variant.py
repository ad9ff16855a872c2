"""PVS1 (ClinGen SVI decision tree, Abou Tayoun et al. 2018, Hum Mutat 39:1517, PMID 30192042) and PM4.

The variant is placed on the bundled MANE Select structure (confirm/location.py), so an HGVS entry and the
same allele from a VCF take the same branch:
- LOF as disease mechanism: panel.yaml `lof_is_mechanism` (GOF genes such as STAT1/STAT3 never get PVS1).
- Nonsense/frameshift: NMD is predicted unless the premature stop lies in the last exon or within 50 nt
  5' of the last exon-exon junction; for a frameshift the new stop comes from the p. description (fsTer N).
- Canonical ±1/2 splice sites: the tree's exon-skipping prediction (Abou Tayoun 2018; ClinGen SVI
  splicing subgroup, Walker et al. 2023, PMID 37352859): skipping an exon whose coding length is not a
  multiple of 3 shifts the frame (NMD unless the exon is the last or penultimate one); an in-frame skip
  removes the exon's residues (critical region / >10 % of the protein). Splice sites of a non-coding exon
  (c.-N+1, c.*N-1): PVS1 does not apply; SpliceAI (PP3) and RNA evidence decide.
- Critical region: the panel.yaml domains marked `critical` that the lost residues overlap (FOXP3: leucine
  zipper 240-261, forkhead 337-423); `critical_region_end` only for a gene without curated domains.
"""

from __future__ import annotations

import re

from ipexpath.confirm.acmg.base import CriterionResult, Strength, applied, not_applied
from ipexpath.confirm.acmg.context import EvaluationContext
from ipexpath.confirm.location import VariantLocation, locate
from ipexpath.confirm.model import Consequence, Variant
from ipexpath.confirm.panel import Gene

SOURCE = "ClinGen SVI PVS1 decision tree, Abou Tayoun et al. 2018 (PMID 30192042)"
SPLICE_SOURCE = SOURCE + "; ClinGen SVI splicing subgroup, Walker et al. 2023 (PMID 37352859)"
PM4_SOURCE = "Richards 2015 PM4 (PMID 25741868)"


def _exon(variant: Variant) -> tuple[int, int] | None:
    if not variant.exon:
        return None
    match = re.match(r"^(\d+)(?:-\d+)?/(\d+)$", variant.exon.strip())
    return (int(match.group(1)), int(match.group(2))) if match else None


def _truncation_branch(
    codon: int | None, gene: Gene, nmd_text: str, source: str = SOURCE, lost: tuple[int, int] | None = None
) -> CriterionResult:
    """The NMD-escaping branch: is a critical region removed, or > 10 % of the protein?"""
    length = gene.protein_length
    if codon is None:
        return applied(
            "PVS1",
            Strength.MODERATE,
            f"{nmd_text}; the truncation position is unknown, so the lowest branch of the tree (Moderate) "
            "is used.",
            source,
        )
    first, last = lost if lost else (codon, length or codon)
    hit = [d for d in gene.domains if d.critical and d.start <= last and first <= d.end]
    if hit:
        # The residues actually lost are compared with each critical domain (an in-frame exon skip in the
        # leucine zipper does not touch the forkhead domain, and the sentence must say which domain it hits).
        names = " and ".join(f"{d.name} ({d.start}-{d.end})" for d in hit)
        return applied(
            "PVS1",
            Strength.STRONG,
            f"{nmd_text}; residues {first}-{last} are lost, which removes (part of) the {gene.symbol} "
            f"{names}, a region critical to protein function.",
            source,
        )
    critical = gene.critical_region_end
    if critical and not gene.domains and first <= critical:
        return applied(
            "PVS1",
            Strength.STRONG,
            f"{nmd_text}; residues {first}-{last} are lost, which removes (part of) the {gene.symbol} "
            f"critical region (up to residue {critical}).",
            source,
        )
    if length and (last - first + 1) / length > 0.10:
        removed = 100 * (last - first + 1) / length
        return applied(
            "PVS1",
            Strength.STRONG,
            f"{nmd_text}; about {removed:.0f}% of the {length}-residue protein is removed (>10%).",
            source,
        )
    if length:
        return applied(
            "PVS1",
            Strength.MODERATE,
            f"{nmd_text}; less than 10% of the {length}-residue protein is removed and no critical region is "
            "affected.",
            source,
        )
    return applied("PVS1", Strength.MODERATE, f"{nmd_text}; protein length unknown.", source)


def stop_codon(variant: Variant) -> int | None:
    """Protein position of the premature stop: the codon for nonsense, codon + N - 1 for 'fsTerN'."""
    from ipexpath.confirm.hgvs_input import protein_position

    codon = variant.codon
    if variant.consequence == Consequence.FRAMESHIFT and variant.hgvs_p:
        match = re.search(r"fs(?:\*|Ter)(\d+)", variant.hgvs_p)
        start = protein_position(variant.hgvs_p)
        if match and start:
            return start + int(match.group(1)) - 1
    return codon


def _splice(variant: Variant, gene: Gene, where: VariantLocation) -> CriterionResult:
    model = where.model
    exon = model.exons[where.anchor_exon - 1]
    site = "donor" if where.start.offset > 0 else "acceptor"
    label = f"Canonical {site} site of exon {exon.number}/{model.exon_count} (c.{where.start})"
    codons = model.coding_codons(exon)
    if codons is None:
        return not_applied(
            "PVS1",
            f"{label}: the exon is non-coding (UTR only), so the PVS1 tree does not apply; a splicing "
            "effect is "
            "judged from SpliceAI (PP3) and RNA studies.",
            SPLICE_SOURCE,
        )
    coding = model.coding_length(exon)
    lost = codons
    if coding % 3:
        text = (
            f"{label}: skipping the exon ({coding} coding nt, not a multiple of 3) is predicted to shift the "
            "reading frame"
        )
        if exon.number < model.exon_count - 1:
            return applied(
                "PVS1",
                Strength.VERY_STRONG,
                f"{text}, and the exon is upstream of the penultimate exon, so NMD is predicted.",
                SPLICE_SOURCE,
            )
        return _truncation_branch(
            codons[0], gene, f"{text}; the exon is the last or penultimate one, so NMD is not assumed",
            SPLICE_SOURCE, (codons[0], gene.protein_length or codons[1]),
        )  # fmt: skip
    return _truncation_branch(
        codons[0],
        gene,
        f"{label}: skipping the exon ({coding} coding nt) keeps the reading frame (in-frame loss of residues "
        f"{lost[0]}-{lost[1]}); RNA studies can confirm",
        SPLICE_SOURCE,
        lost,
    )


def polya_signal_hit(variant: Variant, gene: Gene) -> bool:
    """The variant changes a base of the gene's canonical polyadenylation hexamer (panel.yaml)."""
    if gene.polya_signal is None or not variant.hgvs_c:
        return False
    from ipexpath.confirm.location import parse_c_span
    from ipexpath.confirm.transcripts import Region

    span = parse_c_span(variant.hgvs_c)
    if span is None:
        return False
    start, end = span
    first, last = gene.polya_signal
    return (
        start.region == end.region == Region.UTR3
        and not start.offset
        and start.base <= last
        and end.base >= first
    )


_PATHOGENIC_WORDS = ("pathogenic", "disease-associated")


def _start_loss(gene: Gene) -> CriterionResult:
    """Initiation codon branch of the PVS1 tree: reported pathogenic variants (panel list) upstream of the
    next in-frame Met -> Moderate, none -> Supporting."""
    from ipexpath.confirm.codons import protein_for

    reference = protein_for(gene.symbol)
    nxt = reference.next_methionine() if reference else None
    if reference is None or nxt is None:
        return applied(
            "PVS1",
            Strength.SUPPORTING,
            "Initiation codon variant: no reference protein is bundled for "
            f"{gene.symbol}, so the nearest downstream in-frame Met is not known and the tree's lowest "
            "level is used; raise to Moderate by override if pathogenic variants lie upstream of that Met.",
            SOURCE,
        )
    upstream = sorted(
        {
            k.hgvs_p or k.hgvs_c
            for k in gene.known_variants
            if k.codon is not None
            and 1 < k.codon < nxt
            and any(w in k.classification.lower() for w in _PATHOGENIC_WORDS)
            and "benign" not in k.classification.lower()
        }
    )
    where = (
        f"the nearest downstream in-frame Met is Met{nxt} (c.{3 * nxt - 2}_{3 * nxt}; {reference.protein}, "
        f"bundled reference protein), so residues 1-{nxt - 1} would be lost"
    )
    if upstream:
        return applied(
            "PVS1",
            Strength.MODERATE,
            f"Initiation codon variant: {where}; reported disease-causing variants lie upstream of it "
            f"({', '.join(upstream[:5])}), the tree's Moderate branch.",
            SOURCE,
        )
    return applied(
        "PVS1",
        Strength.SUPPORTING,
        f"Initiation codon variant: {where}; no reported pathogenic variant lies upstream of it, so the "
        "tree's Supporting branch is used.",
        SOURCE,
    )


def evaluate_pvs1(variant: Variant, gene: Gene, ctx: EvaluationContext) -> CriterionResult:
    cons = variant.consequence
    if polya_signal_hit(variant, gene):
        first, last = gene.polya_signal or (0, 0)
        return not_applied(
            "PVS1",
            f"{variant.hgvs_c} alters the canonical polyadenylation signal (c.*{first}_*{last}, AAUAAA), a "
            "class "
            f"reported to cause IPEX by loss of FOXP3 mRNA ({gene.polya_source}). The PVS1 tree has no "
            "branch for "
            "poly(A) variants: score expression/RNA data as PS3 and published cases as PS4 (curated "
            "evidence).",
            SOURCE,
        )
    if not cons.is_null:
        return not_applied("PVS1", f"Not a null variant ({cons.value}).", SOURCE)
    if not gene.lof_is_mechanism:
        return not_applied(
            "PVS1",
            f"Loss of function is not the disease mechanism for {gene.symbol} "
            f"({gene.mechanism}: {gene.mechanism_source}).",
            SOURCE,
        )
    where = locate(variant)
    if cons == Consequence.START_LOST:
        return _start_loss(gene)
    if cons in (Consequence.SPLICE_DONOR, Consequence.SPLICE_ACCEPTOR):
        if where is not None and where.start.offset and abs(where.start.offset) <= 2:
            return _splice(variant, gene, where)
        if variant.hgvs_c and re.match(r"^c\.(-|\*)", variant.hgvs_c):
            return not_applied(
                "PVS1",
                f"Canonical splice site of a non-coding exon ({variant.hgvs_c}): the PVS1 tree does not "
                "apply; "
                "a splicing effect is judged from SpliceAI (PP3) and RNA studies.",
                SPLICE_SOURCE,
            )
        return _truncation_branch(
            variant.codon,
            gene,
            "Canonical ±1/2 splice variant that could not be placed on the transcript structure; the "
            "splicing outcome is not predicted",
            SPLICE_SOURCE,
        )
    codon = stop_codon(variant)
    if (
        codon is not None
        and gene.protein_length
        and codon > gene.protein_length + 1
        and cons != cons.FRAMESHIFT
    ):
        return not_applied(
            "PVS1", f"Codon {codon} is beyond the {gene.protein_length}-residue protein.", SOURCE
        )
    if where is not None and codon is not None:
        escapes, why = where.model.escapes_nmd(min(codon, where.model.protein_length + 1))
        if cons == Consequence.FRAMESHIFT and not (variant.hgvs_p and "fs" in variant.hgvs_p):
            why += (
                " (frameshift without a p. description: the frameshift position stands in for the new stop)"
            )
        if escapes:
            return _truncation_branch(codon, gene, f"NMD is not predicted: {why}")
        return applied(
            "PVS1",
            Strength.VERY_STRONG,
            f"{cons.value}: {why}, in a gene where loss of function causes disease "
            f"({gene.mechanism_source}).",
            SOURCE,
        )
    exon = _exon(variant)
    if exon is None or codon is None:
        text = "NMD could not be assessed (the variant could not be placed on the transcript structure)"
        return _truncation_branch(codon, gene, text)
    number, total = exon
    if number >= total - 1:
        return _truncation_branch(
            codon, gene, f"The premature stop is in exon {number}/{total} (annotation); NMD is not assumed"
        )
    return applied(
        "PVS1",
        Strength.VERY_STRONG,
        f"{cons.value} in exon {number}/{total} (annotation): predicted to undergo NMD in a gene where loss "
        "of "
        f"function causes disease ({gene.mechanism_source}).",
        SOURCE,
    )


def evaluate_pm4(variant: Variant, gene: Gene, ctx: EvaluationContext) -> CriterionResult:
    cons = variant.consequence
    if not cons.is_inframe_length_change:
        return not_applied("PM4", "Not an in-frame insertion/deletion or stop-loss.", PM4_SOURCE)
    domain = gene.domain_at(variant.codon)
    where = f" in the {domain.name}" if domain else ""
    what = "stop-loss (protein extended)" if cons == Consequence.STOP_LOST else cons.value
    return applied(
        "PM4",
        Strength.MODERATE,
        f"{what}{where} changes the protein length; repeat regions are "
        "not checked (no repeat annotation bundled), so BP3 was not considered.",
        PM4_SOURCE,
    )
