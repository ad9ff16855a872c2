"""HGVS given by hand (`--variant "NM_014009.4:c.1150G>A"`), parsed with the biocommons `hgvs` parser offline.

No transcript database is consulted: the consequence is derived from the c. and p. descriptions themselves
(nonsense, frameshift, missense, synonymous, canonical splice ±1/2, in-frame, start loss), and the codon
is mapped
to a domain with the panel's protein coordinates.
"""

from __future__ import annotations

import re
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
        return Consequence.STOP_LOST if ref in ("*", "Ter") else Consequence.START_LOST
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


def parse_hgvs_variant(
    text: str, panel: Panel, zygosity: Zygosity = Zygosity.UNKNOWN, build: str = "GRCh38"
) -> Variant:
    """Parse `NM_...:c.... [p....]` (or `NP_...:p....`) against the panel's transcripts."""
    split = _split_input(text)
    if split is None:
        raise InputError(f"'{text}' is not a valid HGVS variant description.", f"Write it like {_EXAMPLE}.")
    match, p_text = split
    accession, kind = match.group("acc"), match.group("kind")
    found = panel.gene_for_transcript(accession) or _gene_for_protein(panel, accession)
    if found is None:
        raise InputError(
            f"The transcript '{accession}' is not in the ipexpath panel, so the variant cannot be placed.",
            "Use the MANE Select transcript of a panel gene: " + ", ".join(panel.transcript_list()) + ".",
        )
    gene, transcript = found
    notes: list[str] = []
    if "." in accession and accession.split(".")[1] != transcript.accession.split(".")[-1] and kind != "p":
        notes.append(f"version differs from the panel's {transcript.accession}")
    if kind in ("g", "n", "m", "r"):
        raise InputError(
            f"'{text}' is a {kind}. description; ipexpath needs the coding (c.) change on the transcript.",
            f"Give the c. change on {gene.mane.accession}, e.g. {_EXAMPLE}.",
        )
    hgvs_c: str | None = None
    consequence: Consequence | None = None
    if kind == "c":
        c_text = f"{transcript.accession}:c.{match.group('change')}"
        try:
            parsed = _parser().parse_hgvs_variant(c_text)
        except _parse_error() as exc:
            raise InputError(
                f"'{text}' could not be parsed as HGVS: {exc}.", f"Write it like {_EXAMPLE}."
            ) from exc
        except Exception as exc:
            raise InputError(f"'{text}' could not be parsed as HGVS.", f"Write it like {_EXAMPLE}.") from exc
        hgvs_c = "c." + str(parsed.posedit)
        consequence = consequence_from_c(parsed.posedit)
    else:
        p_text = match.group("change")
    hgvs_p: str | None = None
    if p_text:
        hgvs_p = normalize_protein(p_text)
        if hgvs_p is None:
            raise InputError(
                f"The protein change '{p_text}' in '{text}' could not be parsed.",
                f"Write it like {_EXAMPLE}.",
            )
    known = find_known(gene, hgvs_c)
    if hgvs_p is None and known is not None and known.hgvs_p:
        hgvs_p = normalize_protein(known.hgvs_p) or known.hgvs_p
        notes.append("protein change taken from the panel's list of reported variants")
    p_consequence = consequence_from_p(hgvs_p)
    if p_consequence is not None and (consequence is None or consequence in _REFINABLE):
        consequence = p_consequence
    chrom = pos = ref = alt = None
    if known is not None and known.grch38 and build == "GRCh38":
        chrom_s, pos_s, ref, alt = known.grch38.split("-")
        chrom, pos = chrom_s, int(pos_s)
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
        population=PopulationData(),
        source="hgvs",
        annotation_source="HGVS" + (f" ({'; '.join(notes)})" if notes else ""),
    )


_REFINABLE = (Consequence.CODING_UNKNOWN, Consequence.INFRAME_DELETION, Consequence.INFRAME_INSERTION)


def _gene_for_protein(panel: Panel, accession: str) -> Any:
    base = accession.split(".")[0]
    for gene in panel.genes:
        for tx in gene.transcripts:
            if tx.protein and tx.protein.split(".")[0] == base:
                return gene, tx
    return None
