"""The user's ClinVar VCF: same variant as context, other pathogenic missense in the same codon as PM5."""

from __future__ import annotations

from pathlib import Path

import pytest
from vcfmaker import Record, VcfSpec, foxp3_vep

from ipexpath.confirm import EvaluationContext, classify_variant, load_panel, read_clinvar, read_variants
from ipexpath.errors import InputError

CLINVAR_HEADERS = [
    '##INFO=<ID=ALLELEID,Number=1,Type=Integer,Description="the ClinVar Allele ID">',
    '##INFO=<ID=CLNSIG,Number=.,Type=String,Description="Aggregate germline classification for '
    'this single variant">',
    '##INFO=<ID=CLNREVSTAT,Number=.,Type=String,Description="ClinVar review status of germline '
    'classification">',
    '##INFO=<ID=GENEINFO,Number=1,Type=String,Description="Gene(s) for the variant reported as '
    'gene symbol:gene id">',
    '##INFO=<ID=MC,Number=.,Type=String,Description="comma separated list of molecular '
    "consequence in the form of "
    'Sequence Ontology ID|molecular_consequence">',
]
# Test content only: the c.1151 entry below is invented to exercise the codon logic
# (c.1150-c.1152 = codon 384; minus strand: chrX 49,251,480 / 479 / 478 on GRCh38).
CLINVAR = [
    Record(
        "X",
        49251480,
        "C",
        "T",
        "ALLELEID=26449;CLNSIG=Pathogenic;CLNREVSTAT=criteria_provided,_multiple_submitters,"
        "_no_conflicts;GENEINFO=FOXP3:50943;MC=SO:0001583|missense_variant",
        id="11410",
    ),
    Record(
        "X",
        49251479,
        "G",
        "A",
        "ALLELEID=1;CLNSIG=Pathogenic;CLNREVSTAT=criteria_provided,_single_submitter;"
        "GENEINFO=FOXP3:50943;MC=SO:0001583|missense_variant",
        id="999999",
    ),
]


@pytest.fixture()
def clinvar_path(tmp_path: Path) -> Path:
    spec = VcfSpec(
        CLINVAR, samples=(), chr_prefix=False, annotation_headers=(), extra_headers=CLINVAR_HEADERS
    )
    spec.extra_headers.append("##reference=GRCh38")
    return spec.write(tmp_path / "clinvar.vcf")


def test_clinvar_pm5_and_same_variant(tmp_path: Path, clinvar_path: Path) -> None:
    panel = load_panel()
    index = read_clinvar(clinvar_path, panel, "GRCh38")
    assert len(index.at("chrX", 49251479)) == 1
    vcf = VcfSpec([Record("X", 49251480, "C", "T", "CSQ=" + foxp3_vep("c.1150G>A", "p.Ala384Thr"), ["1"])])
    variant = read_variants(vcf.write(tmp_path / "p.vcf"), panel).variants[0]
    result = classify_variant(variant, EvaluationContext(panel, clinvar=index))
    pm5 = next(c for c in result.criteria if c.code == "PM5")
    assert pm5.applied and "VCV000999999" in pm5.evidence and pm5.display_code == "PM5"
    assert any("Same variant in ClinVar" in n and "VCV000011410" in n for n in result.notes)


def test_clinvar_build_mismatch(tmp_path: Path) -> None:
    spec = VcfSpec(
        CLINVAR, samples=(), build="GRCh37", annotation_headers=(), extra_headers=list(CLINVAR_HEADERS)
    )
    with pytest.raises(InputError, match="GRCh37"):
        read_clinvar(spec.write(tmp_path / "c37.vcf"), load_panel(), "GRCh38")
