"""A synthetic, FICTIONAL cohort VCF with planted variants whose findings are known (benchmark and tests).

Samples are fictional; half are male (chrX outside the PAR written haploid, as sex-aware callers write it),
half female. Records (GRCh38, VEP-style CSQ annotation):

* planted, rare: CTLA4 NM_005214.5:c.151C>T p.(Arg51Ter) (published, PMID 25213377; curated in
  confirm/data/variant_evidence.yaml) in heterozygous and a few homozygous carriers, and FOXP3
  NM_014009.4:c.1150G>A p.(Ala384Thr) (ClinVar VCV000011410) in hemizygous males and heterozygous or
  homozygous females;
* background: the three common benign records of confirm/data/example_proband.vcf and 220 synthetic common
  SNVs in the FOXP3, CTLA4 and IL2RA regions (INFO SYNTHETIC, population frequency 0.05-0.5 so BA1
  applies), in Hardy-Weinberg genotypes with 1 % missing calls.

`expected` maps (sample, chrom, pos, ref, alt) to the zygosity a correct screen reports for the planted
variants; the background variants must never be reported as pathogenic, likely pathogenic or VUS.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from ipexpath.types import Sex, Zygosity

CSQ_FIELDS = (
    "Allele|Consequence|IMPACT|SYMBOL|Gene|Feature_type|Feature|BIOTYPE|EXON|INTRON|HGVSc|HGVSp|cDNA_position|"
    "CDS_position|Protein_position|Amino_acids|Codons|Existing_variation|DISTANCE|STRAND|FLAGS|SYMBOL_SOURCE|"
    "HGNC_ID|MANE_SELECT|gnomADe_AF|gnomADg_AF|MAX_AF|REVEL|CADD_PHRED|SpliceAI_pred_DS_AG|SpliceAI_pred_DS_AL|"
    "SpliceAI_pred_DS_DG|SpliceAI_pred_DS_DL"
).split("|")
CONTIGS = {"chr2": 242193529, "chr10": 133797422, "chrX": 156040895}
_GENES = {
    "FOXP3": ("50943", "NM_014009.4", "HGNC:6106", "-1"),
    "CTLA4": ("1493", "NM_005214.5", "HGNC:2505", "1"),
    "IL2RA": ("3559", "NM_000417.3", "HGNC:6008", "-1"),
}


def csq(alt: str, consequence: str, gene: str, **fields: str) -> str:
    """A VEP CSQ value in the field order of the header."""
    entrez, transcript, hgnc, strand = _GENES[gene]
    values = dict.fromkeys(CSQ_FIELDS, "")
    values.update(
        Allele=alt,
        Consequence=consequence,
        IMPACT={"stop_gained": "HIGH", "missense_variant": "MODERATE"}.get(consequence, "MODIFIER"),
        SYMBOL=gene,
        Gene=entrez,
        Feature_type="Transcript",
        Feature=transcript,
        BIOTYPE="protein_coding",
        STRAND=strand,
        SYMBOL_SOURCE="EntrezGene",
        HGNC_ID=hgnc,
        MANE_SELECT=transcript,
    )
    values.update(fields)
    return "|".join(values[name] for name in CSQ_FIELDS)


@dataclass(frozen=True)
class Record:
    """One site of the synthetic cohort."""

    chrom: str
    pos: int
    ref: str
    alt: str
    info: str
    frequency: float  # allele frequency of the background genotypes (0 = planted only)


PLANTED = (
    Record(
        "chr2", 203870627, "C", "T",
        "SYNTHETIC_PLANT;CSQ=" + csq("T", "stop_gained", "CTLA4", EXON="1/4",
                                     HGVSc="NM_005214.5:c.151C>T", HGVSp="NP_005205.2:p.Arg51Ter"),
        0.0,
    ),
    Record(
        "chrX", 49251480, "C", "T",
        "SYNTHETIC_PLANT;CSQ=" + csq("T", "missense_variant", "FOXP3", HGVSc="NM_014009.4:c.1150G>A",
                                     HGVSp="NP_054728.2:p.Ala384Thr", Existing_variation="rs122467170"),
        0.0,
    ),
)  # fmt: skip
BACKGROUND = (
    Record(
        "chr2", 203870500, "T", "C",
        "CSQ=" + csq("C", "intron_variant", "CTLA4", INTRON="2/3", HGVSc="NM_005214.5:c.457+120T>C",
                     gnomADe_AF="0.23", gnomADg_AF="0.31"),
        0.23,
    ),
    Record(
        "chr10", 6030000, "A", "G",
        "CSQ=" + csq("G", "intron_variant", "IL2RA", INTRON="1/7", HGVSc="NM_000417.3:c.64+2050T>C",
                     gnomADe_AF="0.12", gnomADg_AF="0.19"),
        0.12,
    ),
    *(
        Record(
            "chrX", pos, "A", "G",
            "SYNTHETIC;CSQ=" + csq("G", "upstream_gene_variant", "FOXP3", DISTANCE=str(pos - 49260000),
                                   gnomADe_AF=f"{af:.2f}", gnomADg_AF=f"{af:.2f}"),
            af,
        )
        for pos, af in zip(range(49262000, 49269000, 350), [0.3, 0.4, 0.5] * 7, strict=False)
    ),
    *(
        Record(
            chrom, pos, "G", "A",
            "SYNTHETIC;CSQ="
            + csq("A", "intron_variant", gene, gnomADe_AF=f"{af:.2f}", gnomADg_AF=f"{af:.2f}"),
            af,
        )
        for chrom, gene, first in (("chr2", "CTLA4", 203855000), ("chr10", "IL2RA", 6010000))
        for pos, af in zip(range(first, first + 20_000, 200), [0.05, 0.1, 0.2, 0.3, 0.5] * 20, strict=False)
    ),
)  # fmt: skip


@dataclass(frozen=True)
class Cohort:
    """The files written and the findings a correct screen reports."""

    vcf: Path
    ped: Path
    samples: tuple[str, ...]
    sexes: dict[str, Sex]
    expected: dict[tuple[str, str, int, str, str], Zygosity]  # (sample, chrom, pos, ref, alt) → zygosity
    records: int


def write_cohort(folder: Path, n_samples: int, *, seed: int = 17, carriers_per_variant: int = 0) -> Cohort:
    """Write cohort.vcf.gz (+ .tbi) and cohort.ped into `folder`; planted carriers ≈ 0.5 % of samples."""
    import pysam

    rng = random.Random(seed)
    samples = tuple(f"S{i:06d}" for i in range(1, n_samples + 1))
    sexes = {s: (Sex.MALE if rng.random() < 0.5 else Sex.FEMALE) for s in samples}
    n_carriers = carriers_per_variant or max(2, n_samples // 200)
    expected: dict[tuple[str, str, int, str, str], Zygosity] = {}
    rows: list[tuple[Record, list[str]]] = []
    for record in PLANTED:
        carriers = set(rng.sample(range(n_samples), min(n_carriers, n_samples)))
        homs = set(list(carriers)[:1])  # one homozygous carrier (a female on chrX)
        calls = []
        for i, sample in enumerate(samples):
            male_x = record.chrom == "chrX" and sexes[sample] is Sex.MALE
            if i not in carriers:
                calls.append("0" if male_x else "0/0")
                continue
            if male_x:
                calls.append("1")
                zygosity = Zygosity.HEMIZYGOUS
            elif i in homs:
                calls.append("1/1")
                zygosity = Zygosity.HOMOZYGOUS
            else:
                calls.append("0/1" if rng.random() < 0.5 else "1/0")
                zygosity = Zygosity.HETEROZYGOUS
            expected[(sample, record.chrom.removeprefix("chr"), record.pos, record.ref, record.alt)] = (
                zygosity
            )
        rows.append((record, calls))
    for record in BACKGROUND:
        calls = []
        for sample in samples:
            male_x = record.chrom == "chrX" and sexes[sample] is Sex.MALE
            if rng.random() < 0.01:
                calls.append("." if male_x else "./.")
                continue
            if male_x:
                calls.append("1" if rng.random() < record.frequency else "0")
            else:
                a, b = (int(rng.random() < record.frequency) for _ in range(2))
                calls.append(f"{a}/{b}")
        rows.append((record, calls))
    rows.sort(key=lambda r: (list(CONTIGS).index(r[0].chrom), r[0].pos))
    folder.mkdir(parents=True, exist_ok=True)
    plain = folder / "cohort.vcf"
    with plain.open("w", encoding="utf-8") as out:
        out.write("##fileformat=VCFv4.2\n")
        out.write(
            "##ipexpath_note=SYNTHETIC, FICTIONAL cohort for ipexpath benchmarks and tests (no real person)\n"
        )
        out.write("##reference=GRCh38\n")
        for name, length in CONTIGS.items():
            out.write(f"##contig=<ID={name},length={length},assembly=GRCh38>\n")
        out.write('##INFO=<ID=SYNTHETIC,Number=0,Type=Flag,Description="Synthetic background site">\n')
        out.write('##INFO=<ID=SYNTHETIC_PLANT,Number=0,Type=Flag,Description="Planted variant">\n')
        out.write(
            '##INFO=<ID=CSQ,Number=.,Type=String,Description="Consequence annotations from Ensembl VEP. '
            f'Format: {"|".join(CSQ_FIELDS)}">\n'
        )
        out.write('##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n')
        out.write(
            "\t".join(["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO", "FORMAT", *samples])
        )
        out.write("\n")
        for record, calls in rows:
            fixed = [
                record.chrom,
                str(record.pos),
                ".",
                record.ref,
                record.alt,
                "50",
                "PASS",
                record.info,
                "GT",
            ]
            out.write("\t".join(fixed + calls) + "\n")
    vcf = Path(pysam.tabix_index(str(plain), preset="vcf", force=True, keep_original=False))
    ped = folder / "cohort.ped"
    codes = {Sex.MALE: "1", Sex.FEMALE: "2"}
    ped.write_text("".join(f"F{s}\t{s}\t0\t0\t{codes[sexes[s]]}\t0\n" for s in samples), encoding="utf-8")
    return Cohort(vcf, ped, samples, sexes, expected, len(rows))
