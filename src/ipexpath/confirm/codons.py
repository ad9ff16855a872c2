"""Reference protein sequences and the genetic code: what a c. substitution can do to its codon.

Why: no transcript (cDNA) sequence with a citable source is bundled, but the reference protein is
(`confirm/data/protein_sequences.json`, UniProt Q9BZS1 for FOXP3, checked by its SHA-256). The residue at
a codon limits which codons are possible, so for a single-nucleotide substitution at codon position 1-3
we can still (a) refuse a reference base that no codon of that residue carries (a partial reference-base
check), (b) list the residues the change can produce, which checks a given p. change or derives it when
only one is possible, and (c) find the next in-frame methionine for a start-loss variant (PVS1 tree,
Abou Tayoun et al. 2018, PMID 30192042). Standard genetic code (NCBI translation table 1).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from ipexpath.errors import KnowledgeError

DATA_NAME = "protein_sequences.json"
_BASES = "TCAG"
# NCBI translation table 1, codons in TCAG order (TTT, TTC, TTA, TTG, TCT, ...); '*' = stop.
_TABLE1 = "FFLLSSSSYY**CC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG"
CODE: dict[str, str] = {
    a + b + c: _TABLE1[16 * i + 4 * j + k]
    for i, a in enumerate(_BASES)
    for j, b in enumerate(_BASES)
    for k, c in enumerate(_BASES)
}
THREE_LETTER = {
    "A": "Ala", "R": "Arg", "N": "Asn", "D": "Asp", "C": "Cys", "Q": "Gln", "E": "Glu", "G": "Gly",
    "H": "His", "I": "Ile", "L": "Leu", "K": "Lys", "M": "Met", "F": "Phe", "P": "Pro", "S": "Ser",
    "T": "Thr", "W": "Trp", "Y": "Tyr", "V": "Val", "*": "Ter",
}  # fmt: skip
ONE_LETTER = {three: one for one, three in THREE_LETTER.items()}


@dataclass(frozen=True)
class ProteinReference:
    """One gene's reference protein (residue 1 = initiator Met) and where it comes from."""

    gene: str
    transcript: str
    protein: str
    sequence: str
    source: str

    def residue(self, position: int) -> str | None:
        """One-letter residue at a 1-based position, None outside the protein."""
        return self.sequence[position - 1] if 1 <= position <= len(self.sequence) else None

    def next_methionine(self, after: int = 1) -> int | None:
        """The first in-frame Met after `after` (the nearest potential alternative start codon)."""
        found = self.sequence.find("M", after)
        return found + 1 if found >= 0 else None


@dataclass(frozen=True)
class SubstitutionOutcome:
    """What a single-nucleotide substitution at one codon position can do, given the reference residue."""

    reference_possible: bool  # some codon of the residue carries the stated reference base
    residues: frozenset[str]  # one-letter residues the changed codon can encode ('*' = stop)
    codons: tuple[str, ...]  # the reference codons consistent with the residue and base

    @property
    def unique(self) -> str | None:
        return next(iter(self.residues)) if len(self.residues) == 1 else None


def substitution_outcome(residue: str, codon_position: int, ref: str, alt: str) -> SubstitutionOutcome:
    """Codons of `residue` with `ref` at `codon_position` (1-3), and the residues after `ref` -> `alt`."""
    index = codon_position - 1
    codons = tuple(c for c, aa in CODE.items() if aa == residue and c[index] == ref.upper())
    residues = frozenset(CODE[c[:index] + alt.upper() + c[index + 1 :]] for c in codons)
    return SubstitutionOutcome(bool(codons), residues, codons)


@lru_cache(maxsize=1)
def load_proteins() -> dict[str, ProteinReference]:
    """The bundled reference proteins by gene symbol; a checksum mismatch is a packaging error."""
    raw = json.loads(resources.files("ipexpath.confirm").joinpath("data", DATA_NAME).read_text("utf-8"))
    found = {}
    for gene, entry in raw["proteins"].items():
        sequence = entry["sequence"]
        if (
            hashlib.sha256(sequence.encode()).hexdigest() != entry["sha256"]
            or len(sequence) != entry["length"]
        ):
            raise KnowledgeError(f"The bundled {gene} protein sequence does not match its checksum.")
        found[gene] = ProteinReference(gene, entry["transcript"], entry["protein"], sequence, entry["source"])
    return found


def protein_for(gene: str) -> ProteinReference | None:
    """The reference protein of a panel gene, or None when none is bundled."""
    return load_proteins().get(gene)


def inframe_deletion_outcome(reference: ProteinReference, first: int, last: int) -> str | None:
    """The p. description of deleting c.first..c.last (a multiple of 3, at most 6 nt, inside the CDS), when
    every codon choice consistent with the reference residues gives the same protein; None otherwise.
    Deletions in a run of identical residues are named at the most C-terminal residue (HGVS 3' rule)."""
    length = last - first + 1
    if length % 3 or not 3 <= length <= 6 or first < 1:
        return None
    start_codon, end_codon = (first + 2) // 3, (last + 2) // 3
    residues = [reference.residue(c) for c in range(start_codon, end_codon + 1)]
    if start_codon == 1 or any(r is None for r in residues):  # start codon: start loss, not a deletion
        return None
    choices: list[list[str]] = [[c for c, aa in CODE.items() if aa == r] for r in residues]
    offset = (start_codon - 1) * 3 + 1  # c. position of the first base of the first codon
    outcomes: set[str] = set()
    stack: list[tuple[int, str]] = [(0, "")]
    while stack:
        index, bases = stack.pop()
        if index == len(choices):
            kept = bases[: first - offset] + bases[last - offset + 1 :]
            outcomes.add("".join(CODE[kept[i : i + 3]] for i in range(0, len(kept), 3)))
            if len(outcomes) > 1:
                return None
            continue
        stack.extend((index + 1, bases + codon) for codon in choices[index])
    (protein,) = outcomes
    before = "".join(r or "" for r in residues)
    lost = len(before) - len(protein)
    for at in range(len(before) - lost + 1):  # a clean deletion of `lost` residues somewhere in the window
        if before[:at] + before[at + lost :] == protein:
            pos = start_codon + at
            while (
                reference.residue(pos + lost) is not None
                and reference.sequence[pos - 1 : pos - 1 + lost]
                == reference.sequence[pos - 1 + lost : pos - 1 + 2 * lost]
            ):
                pos += lost  # 3' rule for a deleted stretch repeated just after it
            names = [THREE_LETTER[reference.sequence[p - 1]] + str(p) for p in range(pos, pos + lost)]
            return f"p.{names[0]}del" if lost == 1 else f"p.{names[0]}_{names[-1]}del"
    return None
