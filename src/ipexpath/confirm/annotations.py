"""Read consequence annotations written by Ensembl VEP (CSQ), SnpEff (ANN) or bcftools csq (BCSQ).

The field order is always taken from the VCF header's description ("Format: Allele|Consequence|...") so
that any
VEP field selection works. Population frequency and in-silico scores are read from the annotation when present
(VEP plugins/custom fields) or from INFO keys written by `bcftools annotate` or the SpliceAI VCF.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from ipexpath.confirm.model import Consequence, PopulationData, consequence_from_terms

# Field-name candidates, in order of preference.
_AF_FIELDS = (
    "MAX_AF",
    "gnomADe_AF_grpmax",
    "gnomAD_AF_popmax",
    "AF_popmax",
    "gnomADe_AF",
    "gnomADg_AF",
    "gnomAD_AF",
    "gnomad_AF",
    "gnomAD_exomes_AF",
    "gnomAD_genomes_AF",
)
_HEMI_FIELDS = ("gnomAD_nhemi", "nhemi", "gnomADe_nhemi", "gnomADg_nhemi", "AC_XY", "gnomAD_AC_XY")
# gnomAD allele count / number pairs (same source), gnomAD's FAF and its site filter (VEP --custom fields).
# The patient VCF's own INFO AC/AN are cohort counts and are never read here.
_AC_AN_FIELDS = (("gnomADe_AC", "gnomADe_AN"), ("gnomADg_AC", "gnomADg_AN"), ("gnomAD_AC", "gnomAD_AN"))
_FAF_FIELDS = (
    "gnomADe_faf95_max",
    "gnomAD_faf95_popmax",
    "gnomADe_fafmax_faf95_max",
    "faf95_popmax",
)
_FILTER_FIELDS = ("gnomADe_FILTER", "gnomADg_FILTER", "gnomAD_FILTER")
_REVEL_FIELDS = ("REVEL", "REVEL_score", "REVEL_rankscore_raw", "dbNSFP_REVEL_score")
_CADD_FIELDS = ("CADD_PHRED", "CADD_phred", "CADD")
_SPLICEAI_FIELDS = (
    "SpliceAI_pred_DS_AG",
    "SpliceAI_pred_DS_AL",
    "SpliceAI_pred_DS_DG",
    "SpliceAI_pred_DS_DL",
)


@dataclass(frozen=True)
class AnnotationLayout:
    """Which annotation the VCF carries and its field order (from the header)."""

    tag: str  # CSQ, ANN or BCSQ
    fields: tuple[str, ...]

    @property
    def tool(self) -> str:
        return {"CSQ": "Ensembl VEP (CSQ)", "ANN": "SnpEff (ANN)", "BCSQ": "bcftools csq (BCSQ)"}[self.tag]


@dataclass(frozen=True)
class TranscriptAnnotation:
    allele: str | None
    gene: str | None
    transcript: str | None
    consequence: Consequence
    hgvs_c: str | None
    hgvs_p: str | None
    exon: str | None
    population: PopulationData
    mane: bool


_BCSQ_FIELDS = ("Consequence", "gene", "transcript", "biotype", "strand", "amino_acid_change", "dna_change")


def layout_from_header(header_infos: dict[str, str]) -> AnnotationLayout | None:
    """Find CSQ / ANN / BCSQ in the INFO header descriptions {ID: Description}."""
    for tag in ("CSQ", "ANN", "BCSQ"):
        desc = header_infos.get(tag)
        if desc is None:
            continue
        match = re.search(r"Format:\s*'?([^'\"]+)'?", desc) or re.search(r"'([^']*\|[^']*)'", desc)
        if match:
            fields = tuple(f.strip() for f in match.group(1).strip().strip("'\"").split("|"))
        elif tag == "BCSQ":
            fields = _BCSQ_FIELDS
        else:
            continue
        return AnnotationLayout(tag, fields)
    return None


def _float(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    text = str(value).strip()
    if not text or text == ".":
        return None
    # VEP may join several values with '&' (e.g. overlapping REVEL transcripts): take the maximum.
    best: float | None = None
    for part in re.split(r"[&,]", text):
        try:
            number = float(part)
        except ValueError:
            continue
        best = number if best is None else max(best, number)
    return best


def _first(record: dict[str, Any], names: tuple[str, ...]) -> tuple[float | None, str | None]:
    for name in names:
        value = _float(record.get(name))
        if value is not None:
            return value, name
    return None, None


def population_from(
    fields: dict[str, Any], info: dict[str, Any], declared: frozenset[str] = frozenset()
) -> PopulationData:
    """Population AF, hemizygote count and scores from the annotation fields, falling back on INFO keys.

    `declared` holds the INFO keys declared in the header: a declared AF key (or an AF field in the annotation
    format) with no value means the variant was looked up and is absent from the population database.
    """
    af_checked = next((n for n in _AF_FIELDS if n in fields or n in declared), None)
    af, af_source = _first(fields, _AF_FIELDS)
    if af is None:
        af, af_source = _first(info, _AF_FIELDS)
    hemi, _ = _first(fields, _HEMI_FIELDS)
    if hemi is None:
        hemi, _ = _first(info, _HEMI_FIELDS)
    revel, _ = _first(fields, _REVEL_FIELDS)
    if revel is None:
        revel, _ = _first(info, _REVEL_FIELDS)
    cadd, _ = _first(fields, _CADD_FIELDS)
    if cadd is None:
        cadd, _ = _first(info, _CADD_FIELDS)
    spliceai_scores = [s for s in (_float(fields.get(n)) for n in _SPLICEAI_FIELDS) if s is not None]
    spliceai = max(spliceai_scores) if spliceai_scores else _spliceai_info(info.get("SpliceAI"))
    ac = an = None
    for ac_name, an_name in _AC_AN_FIELDS:
        ac_value, an_value = (
            _float(fields.get(ac_name, info.get(ac_name))),
            _float(fields.get(an_name, info.get(an_name))),
        )
        if (
            ac_value is not None
            and an_value is not None
            and math.isfinite(ac_value)
            and math.isfinite(an_value)
        ):
            ac, an = int(ac_value), int(an_value)
            af_source = af_source or ac_name.removesuffix("_AC")
            break
    faf95, _ = _first(fields, _FAF_FIELDS)
    site_filter = next(
        (str(fields.get(n) or info.get(n)) for n in _FILTER_FIELDS if fields.get(n) or info.get(n)), ""
    )
    qc_failed = bool(site_filter) and site_filter.upper() not in ("PASS", ".")
    return PopulationData(
        af=af,
        af_source=af_source or af_checked,
        af_checked=af_checked is not None or ac is not None,
        hemizygotes=int(hemi) if hemi is not None and math.isfinite(hemi) else None,
        ac=ac,
        an=an,
        faf95=faf95,
        qc_failed=qc_failed,
        revel=revel,
        cadd_phred=cadd,
        spliceai=spliceai,
    )


def _spliceai_info(value: Any) -> float | None:
    """SpliceAI VCF INFO: ALLELE|SYMBOL|DS_AG|DS_AL|DS_DG|DS_DL|DP_AG|DP_AL|DP_DG|DP_DL (comma per allele)."""
    if not value:
        return None
    best: float | None = None
    for entry in str(value).split(","):
        parts = entry.split("|")
        for part in parts[2:6]:
            score = _float(part)
            if score is not None:
                best = score if best is None else max(best, score)
    return best


def parse_annotations(
    layout: AnnotationLayout, raw: str, info: dict[str, Any], declared: frozenset[str] = frozenset()
) -> list[TranscriptAnnotation]:
    """All transcript annotations of one record."""
    result = []
    for entry in str(raw).split(","):
        values = entry.split("|")
        record = dict(zip(layout.fields, values, strict=False))
        if layout.tag == "CSQ":
            result.append(_from_vep(record, info, declared))
        elif layout.tag == "ANN":
            result.append(_from_snpeff(record, info, declared))
        else:
            parsed = _from_bcsq(record, info, declared)
            if parsed is not None:
                result.append(parsed)
    return result


def _tx_part(value: str | None) -> str | None:
    """'NM_014009.4:c.1150G>A' -> 'c.1150G>A'; '' -> None; '%3D' -> '='."""
    if not value:
        return None
    value = value.replace("%3D", "=")
    return value.split(":", 1)[1] if ":" in value else value


def _from_vep(rec: dict[str, Any], info: dict[str, Any], declared: frozenset[str]) -> TranscriptAnnotation:
    hgvsc = rec.get("HGVSc") or ""
    feature = rec.get("Feature") or (hgvsc.split(":")[0] if ":" in hgvsc else None)
    mane = bool(rec.get("MANE_SELECT") or rec.get("MANE")) or rec.get("CANONICAL") == "YES"
    return TranscriptAnnotation(
        allele=rec.get("Allele"),
        gene=rec.get("SYMBOL") or None,
        transcript=feature or None,
        consequence=consequence_from_terms(rec.get("Consequence", "")),
        hgvs_c=_tx_part(hgvsc),
        hgvs_p=_tx_part(rec.get("HGVSp")),
        exon=rec.get("EXON") or None,
        population=population_from(rec, info, declared),
        mane=mane,
    )


def _from_snpeff(rec: dict[str, Any], info: dict[str, Any], declared: frozenset[str]) -> TranscriptAnnotation:
    def get(*names: str) -> str | None:
        for name in names:
            for key, value in rec.items():
                if key.replace(" ", "").lower() == name.lower() and value:
                    return str(value)
        return None

    rank = get("Rank")
    return TranscriptAnnotation(
        allele=get("Allele"),
        gene=get("Gene_Name"),
        transcript=get("Feature_ID"),
        consequence=consequence_from_terms(get("Annotation") or ""),
        hgvs_c=_tx_part(get("HGVS.c")),
        hgvs_p=_tx_part(get("HGVS.p")),
        exon=rank,
        population=population_from({}, info, declared),
        mane=False,
    )


_AA3 = {
    "A": "Ala", "R": "Arg", "N": "Asn", "D": "Asp", "C": "Cys", "Q": "Gln", "E": "Glu",
    "G": "Gly", "H": "His", "I": "Ile", "L": "Leu", "K": "Lys", "M": "Met", "F": "Phe",
    "P": "Pro", "S": "Ser", "T": "Thr", "W": "Trp", "Y": "Tyr", "V": "Val", "*": "Ter",
}  # fmt: skip


def _from_bcsq(
    rec: dict[str, Any], info: dict[str, Any], declared: frozenset[str]
) -> TranscriptAnnotation | None:
    consequence_raw = rec.get("Consequence", "")
    if consequence_raw.startswith("@"):  # a reference to another record's compound consequence
        return None
    hgvs_p = None
    aa = rec.get("amino_acid_change") or ""
    match = re.match(r"^(\d+)([A-Z*])(?:>\d+([A-Z*]))?$", aa)
    if match:
        pos, ref, alt = match.group(1), match.group(2), match.group(3)
        if alt and ref != alt:
            hgvs_p = f"p.{_AA3.get(ref, ref)}{pos}{_AA3.get(alt, alt)}"
        elif alt:
            hgvs_p = f"p.{_AA3.get(ref, ref)}{pos}="
    return TranscriptAnnotation(
        allele=None,
        gene=rec.get("gene") or None,
        transcript=rec.get("transcript") or None,
        consequence=consequence_from_terms(consequence_raw),
        hgvs_c=None,
        hgvs_p=hgvs_p,
        exon=None,
        population=population_from({}, info, declared),
        mane=False,
    )
