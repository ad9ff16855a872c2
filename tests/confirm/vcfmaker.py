"""Build tiny VCFs for the tests, with real VEP / SnpEff / bcftools csq header and annotation layouts.

See README.md in this folder for how each layout was taken from the tools' documentation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

# Ensembl VEP: `--vcf --everything`-style subset plus plugins REVEL, CADD, SpliceAI and --af_gnomade/--max_af.
VEP_FIELDS = (
    "Allele|Consequence|IMPACT|SYMBOL|Gene|Feature_type|Feature|BIOTYPE|EXON|INTRON|HGVSc|HGVSp|cDNA_position|"
    "CDS_position|Protein_position|Amino_acids|Codons|Existing_variation|DISTANCE|STRAND|FLAGS|SYMBOL_SOURCE|"
    "HGNC_ID|MANE_SELECT|gnomADe_AF|gnomADg_AF|MAX_AF|REVEL|CADD_PHRED|SpliceAI_pred_DS_AG|SpliceAI_pred_DS_AL|"
    "SpliceAI_pred_DS_DG|SpliceAI_pred_DS_DL"
)
VEP_HEADER = (
    '##INFO=<ID=CSQ,Number=.,Type=String,Description="Consequence annotations from Ensembl VEP. '
    f'Format: {VEP_FIELDS}">'
)
# SnpEff 5.x ANN header, verbatim layout.
SNPEFF_HEADER = (
    "##INFO=<ID=ANN,Number=.,Type=String,Description=\"Functional annotations: 'Allele | Annotation | "
    "Annotation_Impact | Gene_Name | Gene_ID | Feature_Type | Feature_ID | Transcript_BioType | "
    "Rank | HGVS.c | "
    "HGVS.p | cDNA.pos / cDNA.length | CDS.pos / CDS.length | AA.pos / AA.length | Distance | "
    "ERRORS / WARNINGS / "
    "INFO' \">"
)
# bcftools csq BCSQ header, verbatim layout.
BCSQ_HEADER = (
    '##INFO=<ID=BCSQ,Number=.,Type=String,Description="Haplotype-aware consequence annotation '
    "from BCFtools/csq, "
    "see http://samtools.github.io/bcftools/howtos/csq-calling.html for details. "
    'Format: Consequence|gene|transcript|biotype|strand|amino_acid_change|dna_change">'
)

CONTIGS = {
    "GRCh38": {"1": 248956422, "2": 242193529, "X": 156040895},
    "GRCh37": {"1": 249250621, "2": 243199373, "X": 155270560},
}


def vep(**values: str) -> str:
    names = VEP_FIELDS.split("|")
    unknown = set(values) - set(names)
    assert not unknown, unknown
    return "|".join(values.get(name, "") for name in names)


def foxp3_vep(
    hgvs_c: str,
    hgvs_p: str = "",
    consequence: str = "missense_variant",
    allele: str = "T",
    exon: str = "",
    **extra: str,
) -> str:
    return vep(
        Allele=allele, Consequence=consequence, IMPACT="MODERATE", SYMBOL="FOXP3", Gene="50943",
        Feature_type="Transcript", Feature="NM_014009.4", BIOTYPE="protein_coding", EXON=exon,
        HGVSc=f"NM_014009.4:{hgvs_c}", HGVSp=f"NP_054728.2:{hgvs_p}" if hgvs_p else "", STRAND="-1",
        SYMBOL_SOURCE="EntrezGene", HGNC_ID="HGNC:6106", MANE_SELECT="NM_014009.4", **extra,
    )  # fmt: skip


@dataclass
class Record:
    chrom: str
    pos: int
    ref: str
    alt: str
    info: str = "."
    genotypes: Sequence[str] = ()
    id: str = "."


@dataclass
class VcfSpec:
    records: list[Record]
    samples: Sequence[str] = ("PROBAND",)
    build: str | None = "GRCh38"
    chr_prefix: bool = True
    annotation_headers: Sequence[str] = (VEP_HEADER,)
    extra_headers: list[str] = field(default_factory=list)

    def text(self) -> str:
        lines = ["##fileformat=VCFv4.2"]
        if self.build:
            for name, length in CONTIGS[self.build].items():
                lines.append(f"##contig=<ID={'chr' if self.chr_prefix else ''}{name},length={length}>")
        lines.append('##FILTER=<ID=PASS,Description="All filters passed">')
        lines += list(self.annotation_headers)
        lines += self.extra_headers
        lines.append('##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">')
        columns = ["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO"]
        if self.samples:
            columns += ["FORMAT", *self.samples]
        lines.append("\t".join(columns))
        for rec in sorted(self.records, key=lambda r: (_chrom_order(r.chrom), r.pos)):
            chrom = rec.chrom if not self.chr_prefix else f"chr{rec.chrom}"
            row = [chrom, str(rec.pos), rec.id, rec.ref, rec.alt, "50", "PASS", rec.info]
            if self.samples:
                row += ["GT", *rec.genotypes]
            lines.append("\t".join(row))
        return "\n".join(lines) + "\n"

    def write(self, path: Path) -> Path:
        path.write_text(self.text(), encoding="utf-8")
        return path

    def write_bgzip_indexed(self, path: Path) -> Path:
        """bgzip + tabix via pysam (installed with hgvs -> biocommons.seqrepo)."""
        import pysam

        plain = path.with_suffix("")
        self.write(plain)
        out = pysam.tabix_index(str(plain), preset="vcf", force=True, keep_original=False)
        return Path(out)


def _chrom_order(chrom: str) -> int:
    name = chrom.removeprefix("chr")
    return int(name) if name.isdigit() else {"X": 23, "Y": 24}.get(name, 25)
