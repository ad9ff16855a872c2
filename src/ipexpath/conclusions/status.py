"""The IPEX status line: confirmed, likely, possible or not supported — and why, for this patient's sex.

* Confirmed: a (likely) pathogenic FOXP3 variant whose zygosity explains IPEX — hemizygous in a male
  (GeneReviews NBK1118: "The diagnosis is established in a male proband with … a hemizygous pathogenic
  variant in FOXP3").
* A heterozygous (likely) pathogenic FOXP3 variant in a **female** is a carrier finding that does not explain
  the phenotype ("Heterozygous females have not been reported to have clinical findings typical of IPEX
  syndrome", GeneReviews NBK1118): the status is at most "possible", the IPEX-like disorders become the
  work-up and no HSCT referral is made on this basis.
* The same holds when the sex is not stated: a heterozygous call needs two X chromosomes.
* A FOXP3 call that does not fit the stated sex (heterozygous in a male, homozygous in a female) is a check
  to resolve first (karyotype, mosaicism, sample identity): never "confirmed" on that basis.
* A (likely) pathogenic variant that explains an IPEX-like disorder (e.g. heterozygous CTLA4, biallelic
  LRBA) is named in the status, and IPEX is then at most "possible".
* Otherwise the status follows IPEX's place in the (genotype-re-ranked) differential: likely with posterior
  ≥ LIKELY_POSTERIOR (ranked first is not enough: a flat differential's first row can hold a few percent),
  possible when in the first POSSIBLE_RANK rows.
* A hemizygous (likely) pathogenic FOXP3 variant in a male whose recorded findings do not point to IPEX even
  with the variant (after the genotype IPEX outside the first POSSIBLE_RANK rows, e.g. seizures and
  developmental delay with an incidental FOXP3 nonsense variant, IPEX ranked 1059) is not "confirmed":
  GeneReviews NBK1118 establishes the diagnosis "in a male proband with typical clinical findings, … and a
  hemizygous pathogenic variant in FOXP3". IPEX is at least possible; a specialist referral says what to look
  for (`ATYPICAL_PENDING`), since attenuated and late-onset forms exist (Consonni et al. 2021).
Early referral for HSCT evaluation is recommended only when IPEX is confirmed. When IPEX is likely in a
male (phenotype only, a FOXP3 variant of uncertain significance, or an IPEX-like disorder ranked above IPEX)
with no carrier finding and no IPEX-like molecular diagnosis, the referral is to a specialist immunology and
transplant centre, with what must be resolved before HSCT is decided (`IpexStatus.pending`): a VUS "should
not be used in clinical decision making" (Richards et al. 2015, PMID 25741868) and the IPEX-like disorders
share the phenotype (Gambineri et al. 2018). Never for a patient recorded as deceased. With the sex not
stated, IPEX likely or possible gets a check line ("state the sex") instead of a referral.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ipexpath.conclusions.model import Genetics, IpexStatus, StatusLevel, VariantFinding, VariantRole
from ipexpath.numbers import percent
from ipexpath.types import Sex, Zygosity

IPEX_IDS = ("OMIM:304790", "ORPHA:37042")
# IPEX is "likely" (and early HSCT referral recommended) when its posterior under the
# stated prior reaches this value, "possible" when it is in the top POSSIBLE_RANK rows (ipexpath choices).
LIKELY_POSTERIOR = 0.25
POSSIBLE_RANK = 10
UNKNOWN_SEX_CHECK = (
    "Check: the sex is not stated. IPEX is X-linked: the diagnosis is established by a hemizygous FOXP3 "
    "variant in a male (GeneReviews NBK1118), and the differential was ranked without the sex. State the "
    "sex (karyotype if in doubt); no HSCT referral is made on the phenotype alone until then."
)
ATYPICAL_PENDING = (
    "{label} would explain IPEX, but the recorded findings do not point to IPEX (IPEX {where} with the "
    "variant). The diagnosis needs typical clinical findings as well (GeneReviews NBK1118): before HSCT is "
    "considered, look for features not yet recorded (enteropathy, diabetes or thyroiditis, eczema, "
    "cytopenias; GeneReviews) and the laboratory picture (high IgE, eosinophilia, FOXP3+ regulatory T "
    "cells by flow cytometry; Seattle Children's), and check that the result belongs to this patient; "
    "attenuated and late-onset forms are reported (Consonni et al. 2021)."
)
_ORDER = {"PATHOGENIC": 0, "LIKELY_PATHOGENIC": 1, "UNCERTAIN_SIGNIFICANCE": 2}


def is_ipex_row(row: dict[str, Any]) -> bool:
    """The differential row is IPEX itself (not IPEX-like)."""
    ids = {row.get("disease_id"), *(row.get("cross_references") or [])}
    return bool(ids & set(IPEX_IDS)) or (row.get("ipex") or row.get("ipex_flag")) == "IPEX"


def ipex_row(differential: dict[str, Any]) -> dict[str, Any] | None:
    """The best-ranked IPEX row of the differential (from the results or the IPEX/IPEX-like list)."""
    rows = list(differential.get("results") or []) + list(differential.get("ipex_and_ipex_like") or [])
    found = [r for r in rows if is_ipex_row(r)]
    return min(found, key=lambda r: int(r.get("rank", 10**9))) if found else None


def foxp3_finding(genetics: Genetics | None) -> VariantFinding | None:
    """The most significant FOXP3 variant of pathogenic or uncertain class, or None."""
    if genetics is None:
        return None
    found = [f for f in genetics.findings if f.gene == "FOXP3" and f.classification.value in _ORDER]
    return min(found, key=lambda f: _ORDER[f.classification.value]) if found else None


def ipex_like_finding(genetics: Genetics | None) -> VariantFinding | None:
    """The most significant (likely) pathogenic variant outside FOXP3 that explains its disorder here."""
    if genetics is None:
        return None
    found = [
        f
        for f in genetics.findings
        if f.gene != "FOXP3" and f.is_pathogenic and f.role is VariantRole.EXPLAINS
    ]
    return min(found, key=lambda f: _ORDER.get(f.classification.value, 9)) if found else None


def sex_checks(variant: VariantFinding | None, sex: Sex) -> tuple[str, ...]:
    """Genotype calls that do not fit the stated sex: to be resolved before acting on the result.

    FOXP3 lies on the X chromosome outside the pseudoautosomal regions, so a male has one copy
    (hemizygous) and a female two (GeneReviews NBK1118).
    """
    if variant is None:
        return ()
    zygosity = variant.zygosity
    if sex is Sex.MALE and zygosity is Zygosity.HETEROZYGOUS:
        return (
            f"Check: {variant.label} is called heterozygous in a male, but a male has one X chromosome. "
            "Check the karyotype (e.g. 47,XXY), somatic mosaicism, the sample's identity and the call "
            "itself before acting on it.",
        )
    if sex is Sex.FEMALE and zygosity in (Zygosity.HOMOZYGOUS, Zygosity.HEMIZYGOUS):
        return (
            f"Check: {variant.label} is called {zygosity.value} in a female. Check the sex chromosomes "
            "(karyotype), a deletion of the other X chromosome, the sample's identity and the call itself "
            "before acting on it.",
        )
    if not sex.is_known and zygosity is Zygosity.HETEROZYGOUS:
        return (
            f"Check: the sex is not stated and {variant.label} is called heterozygous, which needs two X "
            "chromosomes; in a female it is a carrier finding that does not explain the phenotype. "
            "State the patient's sex (and karyotype if in doubt).",
        )
    return ()


def phase_checks(genetics: Genetics | None) -> tuple[str, ...]:
    """Two or more heterozygous (likely) pathogenic variants in one autosomal recessive gene: they explain its
    disorder only if they lie on different copies (in trans), which the VCF does not show. PM3 (recessive
    disorders, in trans) needs the phase, from the parents (Richards et al. 2015, PMID 25741868)."""
    if genetics is None:
        return ()
    out = []
    by_gene: dict[str, list[VariantFinding]] = {}
    for f in genetics.findings:
        if f.is_pathogenic and f.role is VariantRole.EXPLAINS and f.zygosity is Zygosity.HETEROZYGOUS:
            by_gene.setdefault(f.gene, []).append(f)
    for gene, found in by_gene.items():
        if len(found) < 2 or found[0].detail.get("inheritance") != "AR":
            continue
        labels = " and ".join(f.label for f in found)
        disease = found[0].detail.get("disease") or f"{gene} deficiency"
        out.append(
            f"Check: {labels} are both heterozygous; {disease} is autosomal recessive, so they explain it "
            "only if they lie on different copies of the gene (in trans, compound heterozygous). Test both "
            "parents to establish the phase (Richards et al. 2015, PM3)."
        )
    return tuple(out)


def decide_status(
    differential: dict[str, Any],
    genetics: Genetics | None,
    sex: Sex,
    *,
    deceased: bool = False,
    transplanted: bool = False,
) -> IpexStatus:
    """The IPEX status from the differential and the genetic findings, for this patient's sex.

    `deceased`: the patient is recorded as deceased (case or family file): no referral for treatment.
    `transplanted`: an HSCT is in the treatment history, so follow-up replaces a referral for one.
    """
    status = _decide(differential, genetics, sex, deceased=deceased)
    if not transplanted:
        return status
    return replace(
        status,
        reason=status.reason + " HSCT is recorded in the treatment history: no new referral; follow-up with "
        "the transplant centre.",
        refer_for_hsct=False,
        refer_to_specialist=False,
        pending=(),
        transplanted=True,
    )


def _decide(
    differential: dict[str, Any], genetics: Genetics | None, sex: Sex, *, deceased: bool = False
) -> IpexStatus:
    row = ipex_row(differential)
    rank = int(row["rank"]) if row else None
    posterior = float(row["posterior"]) if row else None
    variant = foxp3_finding(genetics)
    other = ipex_like_finding(genetics)
    checks = sex_checks(variant, sex) if variant is not None and variant.is_pathogenic else ()
    phase = phase_checks(genetics)
    where = (
        f"ranked {rank} with posterior {percent(posterior)}"
        if rank is not None and posterior is not None
        else "not ranked"
    )
    also = ""
    if other is not None:
        also = (
            f" Also {other.label} ({other.zygosity.value}, {other.class_label}), which explains "
            f"{other.detail.get('disease') or other.gene}."
            + "".join(" " + c.removeprefix("Check: ") for c in phase)
        )
    dead = ""
    if deceased:
        dead = (
            " The patient is recorded as deceased: no treatment or HSCT referral is given; "
            "the findings serve the diagnosis and the family's counselling."
        )
    if variant is not None and variant.is_pathogenic and variant.role is VariantRole.EXPLAINS:
        conflict = bool(sex_checks(variant, sex))
        if not conflict and _off_picture(rank, posterior):
            return _atypical(variant, sex, rank, posterior, where, also, dead, other, deceased=deceased)
        return IpexStatus(
            StatusLevel.LIKELY if conflict else StatusLevel.CONFIRMED,
            f"{variant.zygosity.value.capitalize()} variant {variant.label} classified "
            f"{variant.class_label}; "
            + (
                "this would explain IPEX, but the call does not fit the stated sex (see the check); "
                if conflict
                else "the diagnosis is established by a hemizygous pathogenic FOXP3 variant in a male "
                "(GeneReviews NBK1118); "
            )
            + f"IPEX {where}.{also}{dead}",
            rank,
            posterior,
            "IN_PROGRESS" if conflict else "SOLVED",
            variant,
            refer_for_hsct=not conflict and not deceased,
            other_finding=other,
            checks=checks,
            deceased=deceased,
        )
    checks = (*checks, *phase)  # the IPEX-like finding is the lead: its phase is a check to resolve first
    level = _level(rank, posterior)
    unsexed_het = (
        variant is not None
        and variant.is_pathogenic
        and not sex.is_known
        and variant.zygosity is Zygosity.HETEROZYGOUS
    )
    if variant is not None and (variant.role is VariantRole.CARRIER or unsexed_het):
        level = StatusLevel.POSSIBLE if level in (StatusLevel.LIKELY, StatusLevel.POSSIBLE) else level
        # "a female": the same holds for a girl and an adult woman
        who = "a female" if sex is Sex.FEMALE else "a patient whose sex is not stated (two X chromosomes)"
        return IpexStatus(
            level,
            f"Carrier finding, does not explain the phenotype: heterozygous variant {variant.label} "
            f"({variant.class_label}) in {who}; "
            "heterozygous females are not reported to have IPEX findings (GeneReviews NBK1118). IPEX "
            f"{where}; work up the IPEX-like disorders.{also}{dead}",
            rank,
            posterior,
            "IN_PROGRESS",
            variant,
            carrier_finding=True,
            other_finding=other,
            checks=checks,
            deceased=deceased,
        )
    extra = ""
    if variant is not None:
        extra = f"; variant {variant.label} classified {variant.class_label} ({variant.zygosity.value})"
    if other is not None:
        # a molecular diagnosis of an IPEX-like disorder: IPEX is at most possible (a second one is rare)
        level = StatusLevel.POSSIBLE if level is StatusLevel.LIKELY else level
        return IpexStatus(
            level,
            f"IPEX-like disorder explained: {other.label} ({other.zygosity.value}) classified "
            f"{other.class_label} explains {other.detail.get('disease') or other.gene}. "
            f"IPEX {where}{extra}.{dead}",
            rank,
            posterior,
            "IN_PROGRESS",
            variant,
            other_finding=other,
            checks=checks,
            deceased=deceased,
        )
    # IPEX likely in a male, not established: a specialist referral, HSCT decided on the molecular diagnosis.
    # On the phenotype alone a referral needs a male: with the sex not stated, state it first.
    refer = level is StatusLevel.LIKELY and sex is Sex.MALE and not deceased
    pending = _pending(differential, row, variant, genetics) if refer else ()
    if not sex.is_known and level is not StatusLevel.NOT_SUPPORTED and not any("sex" in c for c in checks):
        checks = (UNKNOWN_SEX_CHECK, *checks)
    return IpexStatus(
        level,
        f"IPEX {where}{extra}.{dead}",
        rank,
        posterior,
        "IN_PROGRESS",
        variant,
        refer_to_specialist=refer,
        pending=pending,
        checks=checks,
        deceased=deceased,
    )


def _off_picture(rank: int | None, posterior: float | None) -> bool:
    """Even with the variant, IPEX is not supported by the findings (outside the first POSSIBLE_RANK rows):
    they point elsewhere. Deliberately lenient: a fetus with hydrops and echogenic bowel (GeneReviews' fetal
    presentation) ranks IPEX 2nd at 16% with an LP variant, below a mitochondrial disease, and is IPEX."""
    return _level(rank, posterior) is StatusLevel.NOT_SUPPORTED


def _atypical(
    variant: VariantFinding,
    sex: Sex,
    rank: int | None,
    posterior: float | None,
    where: str,
    also: str,
    dead: str,
    other: VariantFinding | None,
    *,
    deceased: bool,
) -> IpexStatus:
    """A hemizygous (likely) pathogenic FOXP3 variant in a male whose recorded findings do not point to IPEX
    even with the variant (outside the first POSSIBLE_RANK rows): not "confirmed" — GeneReviews NBK1118
    establishes the diagnosis in a male with typical clinical findings and the variant — but a specialist
    work-up: attenuated and late-onset forms exist (Consonni et al. 2021); findings may be missing."""
    level = StatusLevel.POSSIBLE  # the variant keeps IPEX possible although the findings point elsewhere
    refer = sex is Sex.MALE and not deceased
    pending = (ATYPICAL_PENDING.format(label=variant.label, where=where),) if refer else ()
    return IpexStatus(
        level,
        f"{variant.zygosity.value.capitalize()} variant {variant.label} classified {variant.class_label}, "
        f"but the recorded findings do not point to IPEX even with it (IPEX {where}): the diagnosis is "
        "established in a male with typical clinical findings and a hemizygous pathogenic FOXP3 variant "
        "(GeneReviews NBK1118); look for IPEX features not yet recorded before acting on the variant; "
        f"attenuated and late-onset forms are reported (Consonni et al. 2021).{also}{dead}",
        rank,
        posterior,
        "IN_PROGRESS",
        variant,
        refer_to_specialist=refer,
        pending=pending,
        other_finding=other,
        deceased=deceased,
        atypical_phenotype=True,
    )


def _pending(
    differential: dict[str, Any],
    row: dict[str, Any] | None,
    variant: VariantFinding | None,
    genetics: Genetics | None,
) -> tuple[str, ...]:
    """What must be resolved before HSCT is decided when IPEX is likely but not established."""
    out: list[str] = []
    if variant is not None and not variant.is_pathogenic:
        out.append(
            f"{variant.label} is of uncertain significance and should not be used in clinical decision "
            "making (Richards et al. 2015): resolve it before HSCT is decided — FOXP3 protein and "
            "regulatory T cells by flow cytometry, TSDR demethylation (proposed to assist FOXP3 variant "
            "classification), the variant in the mother (inherited or de novo) and in affected male "
            "relatives (segregation)."
        )
    elif genetics is None:
        out.append(
            "No genetic result yet: IPEX is established by a hemizygous pathogenic FOXP3 variant in a male "
            "(GeneReviews NBK1118); the first genetic test is under the work-up."
        )
    elif variant is None:
        out.append(
            "No FOXP3 variant of pathogenic or uncertain class was reported"
            + (
                ""
                if genetics.test.covers("FOXP3")
                else ", but FOXP3 is not known to have been covered by the test"
            )
            + ": IPEX is established by a hemizygous pathogenic FOXP3 variant in a male "
            "(GeneReviews NBK1118)."
        )
    if row is not None:
        rank = int(row.get("rank", 10**9))
        above = [
            r
            for r in differential.get("ipex_and_ipex_like") or ()
            if (r.get("ipex") or r.get("ipex_flag")) == "IPEX-like" and int(r.get("rank", 10**9)) < rank
        ]
        for r in sorted(above, key=lambda r: int(r.get("rank", 10**9))):
            out.append(
                f"{r.get('name')} ({r.get('disease_id')}, IPEX-like, {percent(float(r['posterior']))}) ranks "
                f"above IPEX ({percent(float(row['posterior']))}); no major clinical feature separates IPEX "
                "from the IPEX-like disorders (Gambineri et al. 2018), so the genetic result decides between "
                "them before HSCT."
            )
    return tuple(out)


def _level(rank: int | None, posterior: float | None) -> StatusLevel:
    # Ranked first is not enough: with a flat differential the first row can hold a few percent.
    if rank is not None and posterior is not None and posterior >= LIKELY_POSTERIOR:
        return StatusLevel.LIKELY
    if rank is not None and rank <= POSSIBLE_RANK:
        return StatusLevel.POSSIBLE
    return StatusLevel.NOT_SUPPORTED
