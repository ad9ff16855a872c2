"""HGVS given by hand (`--variant "NM_014009.4:c.1150G>A"`), parsed with the biocommons `hgvs` parser offline.

No transcript database is consulted: the consequence is derived from the c. and p. descriptions themselves
(nonsense, frameshift, missense, synonymous, canonical splice ±1/2, in-frame, start loss), and the codon
is mapped
to a domain with the panel's protein coordinates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ipexpath.confirm.model import Consequence, PopulationData, Variant, Zygosity
from ipexpath.confirm.panel import Gene, Panel
from ipexpath.errors import InputError

_EXAMPLE = (
    'NM_014009.4:c.1150G>A, optionally followed by the protein change: "NM_014009.4:c.1150G>A p.(Ala384Thr)"'
)
_HEAD_RE = re.compile(
    r"^(?P<acc>[A-Za-z]{2}_\d+(?:\.\d+)?|ENS[TP]\d+(?:\.\d+)?)(?:\((?P<gene>[A-Za-z0-9-]+)\))?"
    r":(?P<kind>[cgnmrp])\.(?P<change>\S+)$"
)


def _split_input(text: str) -> tuple[re.Match[str], str | None] | None:
    """'NM_x:c.1A>G (p.Met1?)' -> (match of the c. part, 'p.Met1?' or None)."""
    parts = text.strip().split(None, 1)
    if not parts:
        return None
    match = _HEAD_RE.match(parts[0])
    if match is None:
        return None
    protein = None
    if len(parts) == 2:
        protein = parts[1].strip()
        while protein.startswith("(") and protein.endswith(")") and protein[1:3] == "p.":
            protein = protein[1:-1].strip()
        if not protein.startswith("p."):
            return None
    return match, protein


@lru_cache(maxsize=1)
def _parser() -> Any:
    import hgvs.parser

    return hgvs.parser.Parser()


def _parse_error() -> type[Exception]:
    import hgvs.exceptions

    return hgvs.exceptions.HGVSError


def normalize_protein(text: str | None) -> str | None:
    """'p.(A384T)' / 'Ala384Thr' / 'p.Ala384Thr' -> 'p.Ala384Thr' (three-letter, no brackets); None if
    unparsable."""
    posedit = _parse_p(text)
    if posedit is None:
        return None
    return "p." + str(posedit).strip("()")


def _parse_p(text: str | None) -> Any:
    if not text:
        return None
    body = text.strip()
    if ":" in body:
        body = body.split(":", 1)[1]
    if body.startswith("p."):
        body = body[2:]
    body = body.strip()
    if body.startswith("(") and body.endswith(")"):
        body = body[1:-1]
    if body in ("?", "=", "0", ""):
        return None
    try:
        return _parser().parse_p_posedit(body)
    except _parse_error():
        return None
    except Exception:  # the parsley grammar raises its own errors on some inputs
        return None


def protein_position(hgvs_p: str | None) -> int | None:
    posedit = _parse_p(hgvs_p)
    if posedit is None or posedit.pos is None:
        return None
    return int(posedit.pos.start.pos)


def codon_of(hgvs_p: str | None, hgvs_c: str | None) -> int | None:
    """The affected codon: from p. when given, else from a coding (exonic) c. position."""
    codon = protein_position(hgvs_p)
    if codon is not None:
        return codon
    if not hgvs_c:
        return None
    match = re.match(r"^c\.(\d+)(?:_\d+)?(?:[ACGTacgt]|del|dup|ins)", hgvs_c)
    if match:
        return (int(match.group(1)) + 2) // 3
    return None


def consequence_from_p(hgvs_p: str | None) -> Consequence | None:
    posedit = _parse_p(hgvs_p)
    if posedit is None:
        return None
    edit = posedit.edit
    kind = type(edit).__name__
    etype = getattr(edit, "type", "")
    alt = getattr(edit, "alt", None) or ""
    ref = getattr(edit, "ref", None) or ""
    start = posedit.pos.start if posedit.pos else None
    if kind == "AAFs":
        return Consequence.FRAMESHIFT
    if kind == "AAExt":
        first = start.aa if start is not None else ""
        return (
            Consequence.STOP_LOST if "*" in (ref, first) or "Ter" in (ref, first) else Consequence.START_LOST
        )
    if start is not None and start.pos == 1 and start.aa == "M" and etype != "identity":
        return Consequence.START_LOST
    if etype == "identity":
        return Consequence.SYNONYMOUS
    if kind == "AASub":
        if alt in ("*", "Ter"):
            return Consequence.STOP_GAINED
        if alt == "?":
            return Consequence.CODING_UNKNOWN
        return Consequence.MISSENSE
    if etype == "del":
        return Consequence.INFRAME_DELETION
    if etype in ("ins", "dup"):
        return Consequence.INFRAME_INSERTION
    if etype == "delins":
        if "*" in alt:
            return Consequence.STOP_GAINED
        span = 1 if posedit.pos.end is None else posedit.pos.end.pos - posedit.pos.start.pos + 1
        return Consequence.INFRAME_DELETION if len(alt) < span else Consequence.INFRAME_INSERTION
    return None


def consequence_from_c(posedit: Any) -> Consequence:
    """Consequence implied by a c. description alone (see module docstring)."""
    start, end = posedit.pos.start, posedit.pos.end
    edit = posedit.edit
    etype = edit.type
    datum = str(start.datum)
    if start.offset:
        distance = abs(start.offset)
        if distance <= 2:
            return Consequence.SPLICE_DONOR if start.offset > 0 else Consequence.SPLICE_ACCEPTOR
        if (start.offset > 0 and distance <= 8) or (start.offset < 0 and distance <= 20):
            return Consequence.SPLICE_REGION
        return Consequence.INTRON
    if end is not None and end.offset and abs(end.offset) <= 2:
        return Consequence.SPLICE_ACCEPTOR if end.offset < 0 else Consequence.SPLICE_DONOR
    if datum.endswith("CDS_END"):
        return Consequence.UTR3
    if start.base < 0:
        return Consequence.UTR5
    if start.base <= 3 and etype == "sub":
        return Consequence.START_LOST
    span = (end.base - start.base + 1) if end is not None else 1
    if etype == "sub":
        return Consequence.CODING_UNKNOWN
    alt = getattr(edit, "alt", None) or ""
    if etype == "del":
        change = -span
    elif etype == "dup":
        change = span
    elif etype == "ins":
        change = len(alt)
    elif etype == "delins":
        change = len(alt) - span
    else:
        return Consequence.CODING_UNKNOWN
    if change % 3:
        return Consequence.FRAMESHIFT
    if change < 0:
        return Consequence.INFRAME_DELETION
    if change > 0:
        return Consequence.INFRAME_INSERTION
    return Consequence.CODING_UNKNOWN


def _strip_ref(hgvs_c: str) -> str:
    """'c.227delT' -> 'c.227del' so that both spellings compare equal."""
    return re.sub(r"(del|dup)[ACGTN]+$", r"\1", hgvs_c)


def find_known(gene: Gene, hgvs_c: str | None) -> Any:
    if not hgvs_c:
        return None
    key = _strip_ref(hgvs_c)
    for known in gene.known_variants:
        if _strip_ref(known.hgvs_c) == key:
            return known
    return None


# RefSeq accessions of the chromosomes that carry panel genes (GRC assembly reports; GRCh38 values also in
# the MANE v1.5 summary's GRCh38_chr column).
CHROMOSOME_ACCESSIONS = {
    "NC_000002.11": ("GRCh37", "2"), "NC_000002.12": ("GRCh38", "2"),
    "NC_000004.11": ("GRCh37", "4"), "NC_000004.12": ("GRCh38", "4"),
    "NC_000006.11": ("GRCh37", "6"), "NC_000006.12": ("GRCh38", "6"),
    "NC_000010.10": ("GRCh37", "10"), "NC_000010.11": ("GRCh38", "10"),
    "NC_000017.10": ("GRCh37", "17"), "NC_000017.11": ("GRCh38", "17"),
    "NC_000022.10": ("GRCh37", "22"), "NC_000022.11": ("GRCh38", "22"),
    "NC_000023.10": ("GRCh37", "X"), "NC_000023.11": ("GRCh38", "X"),
}  # fmt: skip

_COMPLEMENT = str.maketrans("ACGTNacgtn", "TGCANtgcan")


def _revcomp(seq: str) -> str:
    return seq.translate(_COMPLEMENT)[::-1]


def _genomic_to_c(text: str, accession: str, change: str, panel: Panel) -> tuple[Gene, Any, str, str]:
    """'NC_000023.11:g.49251480C>T' -> (gene, transcript, 'c.1150G>A', build) on the MANE transcript."""
    from ipexpath.confirm.transcripts import load_transcripts

    located = CHROMOSOME_ACCESSIONS.get(accession)
    if located is None:
        raise InputError(
            f"'{accession}' is not a GRCh37/GRCh38 chromosome accession of a panel gene ('{text}').",
            "Use NC_000023.10 (GRCh37) or NC_000023.11 (GRCh38) for FOXP3, e.g. NC_000023.11:g.49251480C>T.",
        )
    build, chrom = located
    try:
        parsed = _parser().parse_hgvs_variant(f"{accession}:g.{change}")
    except Exception as exc:
        raise InputError(
            f"'{text}' is not a valid genomic (g.) HGVS description.",
            "Write it like NC_000023.11:g.49251480C>T or NC_000023.11:g.49255748_49255750del.",
        ) from exc
    posedit = parsed.posedit
    first = int(posedit.pos.start.base)
    last = int(posedit.pos.end.base) if posedit.pos.end is not None else first
    gene = panel.gene_at(build, chrom, first)
    model = load_transcripts().for_gene(gene.symbol, build) if gene else None
    c_first = model.c_of_genomic(first) if model else None
    c_last = model.c_of_genomic(last) if model else None
    if gene is None or model is None or c_first is None or c_last is None:
        raise InputError(
            f"'{text}' ({build} chr{chrom}:{first}) is not inside the MANE Select transcript of a panel "
            "gene.",
            "Check the position and the assembly (NC_000023.10 = GRCh37, NC_000023.11 = GRCh38).",
        )
    edit = posedit.edit
    etype = edit.type
    minus = model.strand == "-"
    lo, hi = (c_last, c_first) if minus else (c_first, c_last)
    span = f"{lo}" if lo == hi else f"{lo}_{hi}"
    ref = getattr(edit, "ref", None) or ""
    alt = getattr(edit, "alt", None) or ""
    if etype == "sub":
        body = f"{span}{_revcomp(ref) if minus else ref}>{_revcomp(alt) if minus else alt}"
    elif etype in ("del", "dup"):
        body = f"{span}{etype}"
    elif etype == "ins":
        body = f"{span}ins{_revcomp(alt) if minus else alt}"
    elif etype == "delins":
        body = f"{span}delins{_revcomp(alt) if minus else alt}"
    else:
        raise InputError(
            f"The genomic change in '{text}' ({etype}) is not supported.", "Use a c. description."
        )
    tx = next(t for t in gene.transcripts if t.base == model.accession.split(".")[0])
    return gene, tx, "c." + body, build


def _check_positions(text: str, gene: Gene, posedit: Any, build: str) -> None:
    """Refuse c. positions outside the transcript, beyond the CDS, or intronic offsets not at an exon edge."""
    from ipexpath.confirm.location import c_position
    from ipexpath.confirm.transcripts import Region, load_transcripts

    model = load_transcripts().for_gene(gene.symbol, build)
    if model is None:
        return
    ends = [posedit.pos.start] + ([posedit.pos.end] if posedit.pos.end is not None else [])
    for pos in ends:
        c = c_position(pos)
        if c.region == Region.CDS and c.base > model.cds_length:
            raise InputError(
                f"'{text}': position c.{c} is beyond the coding sequence of {model.accession} "
                f"({model.cds_length} nt, c.1-c.{model.cds_length}).",
                "Positions after the stop codon are written c.*N; check the transcript and position.",
            )
        if not model.in_transcript(c):
            raise InputError(
                f"'{text}': position c.{c} is outside the transcript {model.accession} or not next to an "
                f"exon boundary ({model.exon_count} exons, c.-{model.n_cds_start - 1} to "
                f"c.*{model.length - model.n_cds_end}).",
                "Check the position against the MANE Select transcript.",
            )


_SNV_P_CONSEQUENCES = (
    Consequence.MISSENSE,
    Consequence.STOP_GAINED,
    Consequence.SYNONYMOUS,
    Consequence.START_LOST,
    Consequence.STOP_LOST,
)


def _check_c_p_agree(
    text: str,
    gene: Gene,
    hgvs_c: str,
    c_consequence: Consequence,
    hgvs_p: str,
    reading: CodonReading | None = None,
    deletion: str | None = None,
) -> None:
    """A c. change and the p. change given with it must describe the same event (issue 18 item 10)."""
    from ipexpath.confirm.location import parse_c_span
    from ipexpath.confirm.transcripts import Region

    p_cons = consequence_from_p(hgvs_p)
    codon = protein_position(hgvs_p)
    span = parse_c_span(hgvs_c)
    problem = None
    if span is not None:
        start, end = span
        coding = (
            start.region == Region.CDS and end.region == Region.CDS and not start.offset and not end.offset
        )
        if not coding and codon is not None and p_cons not in (None, Consequence.SYNONYMOUS):
            problem = f"{hgvs_c} lies outside the coding exons, so it cannot directly change residue {codon}"
        elif coding and c_consequence == Consequence.CODING_UNKNOWN:  # single-nucleotide substitution
            expected = (start.base + 2) // 3
            if codon is not None and codon != expected:
                problem = f"{hgvs_c} changes codon {expected}, but {hgvs_p} names residue {codon}"
            elif p_cons is not None and p_cons not in _SNV_P_CONSEQUENCES:
                problem = f"a single-nucleotide substitution cannot cause {p_cons.value.replace('_', ' ')}"
        elif coding and c_consequence == Consequence.FRAMESHIFT and p_cons not in (
            None, Consequence.FRAMESHIFT, Consequence.STOP_GAINED
        ):  # fmt: skip
            problem = f"{hgvs_c} shifts the reading frame, but {hgvs_p} is not a frameshift or stop"
        elif coding and codon is not None and codon < (start.base + 2) // 3:
            problem = (
                f"{hgvs_c} starts at codon {(start.base + 2) // 3}, after residue {codon} named by {hgvs_p}"
            )
    if problem is None:
        problem = _reference_residue_problem(gene, hgvs_p)
    if problem is None and codon is not None:
        for known_p in _known_proteins(gene):
            posedit = _parse_p(known_p)
            if posedit is None or posedit.pos is None or int(posedit.pos.start.pos) != codon:
                continue
            known_ref, given = posedit.pos.start.aa, _parse_p(hgvs_p)
            if given is not None and given.pos.start.aa != known_ref:
                problem = (
                    f"residue {codon} of {gene.symbol} is {known_ref} (reported variant {known_p}), "
                    f"not {given.pos.start.aa}"
                )
                break
    if problem is None:
        problem = _codon_problem(reading, hgvs_p)
    if problem is None and deletion is not None:
        problem = _deletion_problem(gene, deletion, hgvs_p)
    if problem is None:
        known = find_known(gene, hgvs_c)
        if known is not None and known.hgvs_p and normalize_protein(known.hgvs_p) != hgvs_p:
            problem = f"{hgvs_c} is reported as {known.hgvs_p}"
    if problem:
        raise InputError(
            f"The c. and p. changes in '{text}' do not agree: {problem}.",
            "Check both descriptions (or give only the c. change; ipexpath derives what it can).",
        )


def _reference_residue_problem(gene: Gene, hgvs_p: str) -> str | None:
    """The p. change's reference residue against the bundled reference protein (confirm/codons.py)."""
    from ipexpath.confirm.codons import THREE_LETTER, protein_for

    reference = protein_for(gene.symbol)
    given = _parse_p(hgvs_p)
    if reference is None or given is None or given.pos is None:
        return None
    for end in (given.pos.start, given.pos.end):
        if end is None or not end.aa:
            continue
        position = int(end.pos)
        actual = reference.residue(position)
        if actual is None and (position != len(reference.sequence) + 1 or end.aa != "*"):
            return f"residue {position} is beyond the {len(reference.sequence)}-residue {gene.symbol} protein"
        if actual is not None and actual != end.aa:
            return (
                f"residue {position} of {gene.symbol} is {THREE_LETTER[actual]} in the reference protein "
                f"({reference.protein}), not {THREE_LETTER.get(end.aa, end.aa)}"
            )
    return None


@dataclass(frozen=True)
class CodonReading:
    """What the reference protein says about a coding single-nucleotide substitution."""

    codon: int
    residue: str  # one-letter reference residue
    residues: frozenset[str]  # residues the change can produce
    derived_p: str | None  # the p. change when only one outcome is possible


def read_codon(gene: Gene, parsed_c: Any, text: str | None = None) -> CodonReading | None:
    """For a coding substitution: reference-base check against the codons of the reference residue."""
    from ipexpath.confirm.codons import THREE_LETTER, protein_for, substitution_outcome

    reference = protein_for(gene.symbol)
    start, end, edit = parsed_c.pos.start, parsed_c.pos.end, parsed_c.edit
    if (
        reference is None
        or edit.type != "sub"
        or start.offset
        or str(start.datum).endswith("CDS_END")
        or start.base < 1
        or (end is not None and end.base != start.base)
    ):
        return None
    codon, position = (start.base + 2) // 3, (start.base - 1) % 3 + 1
    residue = reference.residue(codon) or ("*" if codon == len(reference.sequence) + 1 else None)
    if residue is None or not getattr(edit, "ref", None) or not getattr(edit, "alt", None):
        return None
    outcome = substitution_outcome(residue, position, edit.ref, edit.alt)
    if not outcome.reference_possible:
        given = f"'{text}' (c.{parsed_c})" if text and f"c.{parsed_c}" not in text else f"c.{parsed_c}"
        raise InputError(
            f"{given}: codon {codon} of {gene.symbol} encodes {THREE_LETTER[residue]} "
            f"({reference.protein}), and no {THREE_LETTER[residue]} codon has {edit.ref.upper()} at its "
            f"position {position}, so the stated reference base is wrong.",
            "Check the reference base and the position against the MANE Select transcript.",
        )
    derived = None
    if outcome.unique is not None and 1 < codon <= len(reference.sequence):
        alt = outcome.unique
        tail = "=" if alt == residue else THREE_LETTER[alt]
        derived = f"p.{THREE_LETTER[residue]}{codon}{tail}"
    return CodonReading(codon, residue, outcome.residues, derived)


def _check_stated_bases(gene: Gene, parsed_c: Any, text: str) -> None:
    """A deleted or duplicated base stated in the description (c.1150delC) must fit the reference protein's
    codon at that position, as for a substitution (read_codon); HGVS drops the stated base, so a wrong one
    would otherwise pass silently. Multi-base and non-coding stated sequences are not checked."""
    from ipexpath.confirm.codons import THREE_LETTER, protein_for, substitution_outcome

    reference = protein_for(gene.symbol)
    start, end, edit = parsed_c.pos.start, parsed_c.pos.end, parsed_c.edit
    ref = getattr(edit, "ref", None)
    if (
        reference is None
        or edit.type not in ("del", "dup")
        or not isinstance(ref, str)
        or len(ref) != 1
        or start.offset
        or str(start.datum).endswith("CDS_END")
        or start.base < 1
        or (end is not None and end.base != start.base)
    ):
        return
    codon, position = (start.base + 2) // 3, (start.base - 1) % 3 + 1
    residue = reference.residue(codon)
    if residue is None:
        return
    other = "A" if ref.upper() != "A" else "C"
    if not substitution_outcome(residue, position, ref, other).reference_possible:
        raise InputError(
            f"'{text}': codon {codon} of {gene.symbol} encodes {THREE_LETTER[residue]} "
            f"({reference.protein}), and no {THREE_LETTER[residue]} codon has {ref.upper()} at its position "
            f"{position}, so the stated {'deleted' if edit.type == 'del' else 'duplicated'} base is wrong.",
            "Check the base and the position against the MANE Select transcript (or omit the base: "
            f"c.{start.base}{edit.type}).",
        )


def derive_inframe_deletion(gene: Gene, parsed_c: Any) -> str | None:
    """p. of a 3- or 6-nt coding deletion when the genetic code fixes it (confirm/codons.py)."""
    from ipexpath.confirm.codons import inframe_deletion_outcome, protein_for

    reference = protein_for(gene.symbol)
    start, end, edit = parsed_c.pos.start, parsed_c.pos.end, parsed_c.edit
    if reference is None or edit.type != "del" or end is None or start.offset or end.offset:
        return None
    if str(start.datum).endswith("CDS_END") or str(end.datum).endswith("CDS_END") or start.base < 1:
        return None
    return inframe_deletion_outcome(reference, int(start.base), int(end.base))


def _deleted(gene: Gene, hgvs_p: str) -> str | None:
    """The reference protein with a p. deletion applied (to compare equivalent spellings in a run)."""
    from ipexpath.confirm.codons import protein_for

    reference, posedit = protein_for(gene.symbol), _parse_p(hgvs_p)
    if reference is None or posedit is None or getattr(posedit.edit, "type", "") != "del":
        return None
    first = int(posedit.pos.start.pos)
    last = int(posedit.pos.end.pos) if posedit.pos.end is not None else first
    return reference.sequence[: first - 1] + reference.sequence[last:]


def _deletion_problem(gene: Gene, derived: str | None, hgvs_p: str) -> str | None:
    """A given p. deletion must remove the same residues as the c. deletion (same protein)."""
    if derived is None or derived == hgvs_p:
        return None
    given = _deleted(gene, hgvs_p)
    if given is None or given == _deleted(gene, derived):
        return None
    return (
        f"the c. deletion removes {derived.removeprefix('p.').removesuffix('del')}, not what {hgvs_p} names"
    )


def _codon_problem(reading: CodonReading | None, hgvs_p: str) -> str | None:
    """A given p. substitution must be one the codon change can produce."""
    from ipexpath.confirm.codons import THREE_LETTER

    given = _parse_p(hgvs_p)
    if reading is None or given is None or given.pos is None or int(given.pos.start.pos) != reading.codon:
        return None
    kind, etype = type(given.edit).__name__, getattr(given.edit, "type", "")
    alt = reading.residue if etype == "identity" else (given.edit.alt if kind == "AASub" else None)
    if alt is None or alt in ("?", "") or alt in reading.residues:
        return None
    possible = ", ".join(sorted(THREE_LETTER[r] for r in reading.residues))
    return (
        f"at codon {reading.codon} ({THREE_LETTER[reading.residue]}) this substitution can only give "
        f"{possible}, not {THREE_LETTER.get(alt, alt)}"
    )


def _known_proteins(gene: Gene) -> list[str]:
    """Protein changes reported for this gene (panel list and curated evidence): reference residues."""
    found = [k.hgvs_p for k in gene.known_variants if k.hgvs_p]
    try:
        from ipexpath.confirm.evidence import load_evidence

        found += [v.hgvs_p for v in load_evidence().for_gene(gene.symbol) if v.hgvs_p]
    except ImportError:  # pragma: no cover - evidence module not present
        pass
    return found


MAX_HGVS_CHARS = 300  # longer than any small-variant description ipexpath classifies
_LOWER_ACCESSION = re.compile(r"(?:nm|np|nc|ng|nr)_(?=\d)", re.IGNORECASE)


def parse_hgvs_variant(
    text: str, panel: Panel, zygosity: Zygosity = Zygosity.UNKNOWN, build: str = "GRCh38"
) -> Variant:
    """Parse `NM_...:c.... [p....]`, `NP_...:p....` or `NC_000023.11:g....` against the panel's "
    "transcripts."""
    from ipexpath.confirm.transcripts import load_transcripts

    if len(text) > MAX_HGVS_CHARS:  # a small variant's description is short; never echo pages back
        raise InputError(
            f"The variant description is {len(text):,} characters long ('{text[:40]}…'); at most "
            f"{MAX_HGVS_CHARS} are accepted.",
            f"Give one variant in HGVS, like {_EXAMPLE}.",
        )
    lower_prefix = _LOWER_ACCESSION.match(text)
    if lower_prefix:  # "nm_014009.4:c.…": HGVS writes the RefSeq prefix in capitals; read it so, and say so
        text = lower_prefix.group(0).upper() + text[lower_prefix.end() :]
    split = _split_input(text)
    if split is None:
        raise InputError(f"'{text}' is not a valid HGVS variant description.", f"Write it like {_EXAMPLE}.")
    match, p_text = split
    accession, kind = match.group("acc"), match.group("kind")
    notes: list[str] = []
    input_notes: list[str] = []
    if lower_prefix:
        notes.append(f"accession written '{lower_prefix.group(0)}…', read as '{accession}'")
    given_kind = kind
    if kind == "g":
        gene, transcript, c_change, build = _genomic_to_c(text, accession, match.group("change"), panel)
        notes.append(f"mapped from {accession}:g.{match.group('change')} ({build})")
        kind = "c"
        change = c_change.removeprefix("c.")
    else:
        found = panel.gene_for_transcript(accession) or _gene_for_protein(panel, accession)
        if found is None:
            raise InputError(
                f"The transcript '{accession}' is not in the ipexpath panel, so the variant cannot be "
                "placed.",
                "Use the MANE Select transcript of a panel gene: " + ", ".join(panel.transcript_list()) + ".",
            )
        gene, transcript = found
        change = match.group("change")
    if (
        given_kind == "c"
        and "." in accession
        and accession.split(".")[1] != transcript.accession.split(".")[-1]
    ):
        notes.append(f"version differs from the panel's {transcript.accession}")
        input_notes.append(
            f"TRANSCRIPT VERSION: {accession} was given, but the panel's MANE Select transcript is "
            f"{transcript.accession}; the c. position was read on {transcript.accession} — check that both "
            "versions have the same coding sequence and numbering before relying on this result."
        )
    if kind in ("n", "m", "r"):
        raise InputError(
            f"'{text}' is a {kind}. description; ipexpath needs the coding (c.) change on the transcript.",
            f"Give the c. change on {gene.mane.accession}, e.g. {_EXAMPLE}.",
        )
    hgvs_c: str | None = None
    consequence: Consequence | None = None
    parsed_c: Any = None
    reading: CodonReading | None = None
    deletion: str | None = None
    if kind == "c":
        c_text = f"{transcript.accession}:c.{change}"
        try:
            parsed = _parser().parse_hgvs_variant(c_text)
        except _parse_error() as exc:
            raise InputError(
                f"'{text}' could not be parsed as HGVS: {exc}.", f"Write it like {_EXAMPLE}."
            ) from exc
        except Exception as exc:
            raise InputError(f"'{text}' could not be parsed as HGVS.", f"Write it like {_EXAMPLE}.") from exc
        parsed_c = parsed.posedit
        _upper_bases(parsed_c.edit)  # 'c.1150g>a' is c.1150G>A (else it would not match its own evidence)
        _check_positions(text, gene, parsed_c, build)
        _check_stated_bases(gene, parsed_c, text)
        hgvs_c = "c." + str(parsed_c)
        consequence = consequence_from_c(parsed_c)
        reading = read_codon(gene, parsed_c, text)
        deletion = derive_inframe_deletion(gene, parsed_c)
    else:
        p_text = change
    hgvs_p: str | None = None
    if p_text:
        hgvs_p = normalize_protein(p_text)
        if hgvs_p is None:
            raise InputError(
                f"The protein change '{p_text}' in '{text}' could not be parsed.",
                f"Write it like {_EXAMPLE}.",
            )
        if hgvs_c is not None and consequence is not None:
            _check_c_p_agree(text, gene, hgvs_c, consequence, hgvs_p, reading, deletion)
        elif hgvs_c is None:
            problem = _reference_residue_problem(gene, hgvs_p)
            if problem:
                raise InputError(
                    f"The protein change in '{text}' does not fit the reference protein: {problem}.",
                    "Check the residue and position (numbering from the initiator Met of the MANE protein).",
                )
    known = find_known(gene, hgvs_c)
    if hgvs_p is None and known is not None and known.hgvs_p:
        hgvs_p = normalize_protein(known.hgvs_p) or known.hgvs_p
        notes.append("protein change taken from the panel's list of reported variants")
    if hgvs_p is None and reading is not None and reading.derived_p is not None:
        hgvs_p = reading.derived_p
        notes.append("protein change derived from the reference protein and the genetic code")
    if hgvs_p is None and deletion is not None:
        hgvs_p = deletion
        notes.append("protein change of the in-frame deletion derived from the reference protein")
    p_consequence = consequence_from_p(hgvs_p)
    if p_consequence is not None and (consequence is None or consequence in _REFINABLE):
        consequence = p_consequence
    if reading is not None and reading.residue == "*" and consequence == Consequence.CODING_UNKNOWN:
        if "*" not in reading.residues:  # the stop codon becomes a sense codon: the protein is extended
            consequence = Consequence.STOP_LOST
            notes.append("stop codon changed to a sense codon (stop-loss) by the genetic code")
        elif reading.residues == frozenset("*"):
            consequence = Consequence.SYNONYMOUS
    chrom = pos = ref = alt = None
    exon = None
    model = load_transcripts().for_gene(gene.symbol, build)
    if parsed_c is not None and model is not None:
        from ipexpath.confirm.location import c_position

        start = c_position(parsed_c.pos.start)
        end = c_position(parsed_c.pos.end) if parsed_c.pos.end is not None else start
        g1, g2 = model.genomic(start), model.genomic(end)
        chrom, pos = model.chrom, min(g1, g2)
        edit = parsed_c.edit
        if edit.type == "sub" and getattr(edit, "ref", None) and getattr(edit, "alt", None):
            minus = model.strand == "-"
            ref = _revcomp(edit.ref) if minus else edit.ref
            alt = _revcomp(edit.alt) if minus else edit.alt
        exon = f"{model.exon_of(start).number}/{model.exon_count}" if not start.offset else None
    elif kind == "p":
        notes.append(
            "protein-only input: the nucleotide change, splicing, population frequency (BA1/BS1/PM2), "
            "PVS1 NMD position and PS1 (same amino acid by another nucleotide) cannot be evaluated"
        )
    return Variant(
        gene=gene.symbol,
        transcript=transcript.accession,
        hgvs_c=hgvs_c,
        hgvs_p=hgvs_p,
        consequence=consequence or Consequence.CODING_UNKNOWN,
        zygosity=zygosity,
        chrom=chrom,
        pos=pos,
        ref=ref,
        alt=alt,
        build=build if chrom else None,
        exon=exon,
        population=PopulationData(),
        source="hgvs",
        annotation_source="HGVS" + (f" ({'; '.join(notes)})" if notes else ""),
        input_notes=tuple(input_notes),
    )


def _upper_bases(edit: Any) -> None:
    """Nucleotides of a parsed c. edit in upper case (HGVS writes bases upper case; lower case is a typo)."""
    for attr in ("ref", "alt"):
        value = getattr(edit, attr, None)
        if isinstance(value, str) and value:
            setattr(edit, attr, value.upper())


_REFINABLE = (Consequence.CODING_UNKNOWN, Consequence.INFRAME_DELETION, Consequence.INFRAME_INSERTION)


def _gene_for_protein(panel: Panel, accession: str) -> Any:
    base = accession.split(".")[0]
    for gene in panel.genes:
        for tx in gene.transcripts:
            if tx.protein and tx.protein.split(".")[0] == base:
                return gene, tx
    return None
