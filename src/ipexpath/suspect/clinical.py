"""Clinical constants of the ranking model: one named constant each, with where it comes from.

Numbers that were tuned on the benchmark are NOT here (they are `ModelParameters` in `model.py`, tuned on
one half of the publications only, see docs/ranking-model.md); these are fixed by clinical reasoning.
"""

from __future__ import annotations

# --- Sex and inheritance -----------------------------------------------------------------------------
# HPO inheritance terms (HPO "Mode of inheritance" sub-ontology, HP:0000005).
X_LINKED_RECESSIVE = "HP:0001419"
X_LINKED_DOMINANT = "HP:0001423"
X_LINKED = "HP:0001417"
Y_LINKED = "HP:0001450"
MALE_LIMITED = "HP:0001475"
FEMALE_LIMITED = "HP:0034344"
AUTOSOMAL_DOMINANT = "HP:0000006"
AUTOSOMAL_RECESSIVE = "HP:0000007"
MITOCHONDRIAL = "HP:0001427"

# An X-linked recessive disease in a girl: possible (skewed X-inactivation, Turner karyotype, homozygous
# or compound-heterozygous daughters of carrier mothers and affected fathers) but rare. Manifesting
# heterozygotes are reported for a minority of XLR disorders; for IPEX (FOXP3, OMIM:304790) carrier
# mothers are healthy and affected girls are exceptional (OMIM:304790 clinical description).
# LR 1/20 makes such a disease lose ~1.3 log10 units against an otherwise equal autosomal disorder —
# "unlikely but not impossible" (issue text), not an exclusion.
XLR_IN_FEMALE_LR = 0.05
# "X-linked" without recessive/dominant: heterozygous females are often affected, mildly penalised.
X_LINKED_UNSPECIFIED_IN_FEMALE_LR = 0.3
# Y-linked or male-limited disease in a female patient: essentially impossible (karyotype errors only).
Y_LINKED_IN_FEMALE_LR = 0.001
# Female-limited expression in a male patient.
FEMALE_LIMITED_IN_MALE_LR = 0.001

# --- Explicit NOT annotations -------------------------------------------------------------------------
# HPOA "NOT" lines: the disease is documented NOT to show the feature. LIRICAL uses 1/1000 (Robinson
# et al. 2020, PhenotypeLikelihoodRatio.java). We keep that order of magnitude but soften it to 1/100:
# the case curation noise measured in docs/ranking-model.md (69 % of excluded terms are features of the
# true disease) shows that single terms are not reliable enough to justify a 3-log10 penalty.
NOT_ANNOTATION_LR = 0.01

# --- Onset --------------------------------------------------------------------------------------------
# Age bins (days) used to compare the case's onset with the disease's annotated onsets. Boundaries are
# the HPO Onset term definitions (hpo.jax.org, HP:0003674 sub-ontology): neonatal ≤ 28 days,
# infantile 28 days–1 year, childhood 1–5 years, juvenile 5–15 years, young adult 16–40 years,
# middle age 40–60 years, late > 60 years. Bin 0 = antenatal/congenital (present at birth).
DAYS_PER_YEAR = 365.25
ONSET_BIN_EDGES_DAYS = (
    0.0,  # antenatal / congenital: onset at or before birth
    28.0,  # neonatal
    DAYS_PER_YEAR,  # infantile
    5 * DAYS_PER_YEAR,  # childhood
    16 * DAYS_PER_YEAR,  # juvenile
    40 * DAYS_PER_YEAR,  # young adult
    60 * DAYS_PER_YEAR,  # middle age
)
ONSET_BIN_NAMES = (
    "congenital",
    "neonatal",
    "infantile",
    "childhood",
    "juvenile",
    "young adult",
    "middle age",
    "late",
)
# HPO onset term → the bins it covers (inclusive range of bin indices).
ONSET_TERM_BINS: dict[str, tuple[int, int]] = {
    "HP:0030674": (0, 0),  # Antenatal onset
    "HP:0011460": (0, 0),  # Embryonal onset
    "HP:0011461": (0, 0),  # Fetal onset
    "HP:0034199": (0, 0),  # Late first trimester onset
    "HP:0034198": (0, 0),  # Second trimester onset
    "HP:0034197": (0, 0),  # Third trimester onset
    "HP:0003577": (0, 0),  # Congenital onset
    "HP:0003623": (1, 1),  # Neonatal onset
    "HP:0410280": (1, 4),  # Pediatric onset (birth to 15 years)
    "HP:0003593": (2, 2),  # Infantile onset
    "HP:0011463": (3, 3),  # Childhood onset
    "HP:0003621": (4, 4),  # Juvenile onset
    "HP:0003581": (5, 7),  # Adult onset
    "HP:0011462": (5, 5),  # Young adult onset
    "HP:0025708": (5, 5),  # Early young adult onset
    "HP:0025709": (5, 5),  # Intermediate young adult onset
    "HP:0025710": (5, 5),  # Late young adult onset
    "HP:0003596": (6, 6),  # Middle age onset
    "HP:0003584": (7, 7),  # Late onset
}
# Annotated onsets are coarse (often the onset of the first reported case) and variable within a disease:
# the disease's onset distribution is a mixture of its annotated bins and the background distribution
# with this weight on the background, so that a "wrong" onset costs at most ~1 log10 unit (a soft check,
# never an exclusion). Chosen a priori (not tuned); see docs/ranking-model.md.
ONSET_BACKGROUND_WEIGHT = 0.15
# Ages given in a case are ages at onset when the phenopacket says so; otherwise the age at the last
# encounter only bounds the onset from above (onset ≤ age), which is how it is used.


# The IPEX-like share: Gambineri E et al. Clinical, immunological, and molecular heterogeneity of 173 patients
# with the phenotype of immune dysregulation, polyendocrinopathy, enteropathy, X-linked (IPEX) syndrome.
# Front Immunol 2018;9:2411 (PMID 30443250, doi:10.3389/fimmu.2018.02411), abstract: 88 of the 173 patients
# with the IPEX phenotype had a FOXP3 variant, 85 had none (IPEX-like). Knowledge file source
# `gambineri_2018` (knowledge/data/ipex.yaml); reference note ipex-clinical.md §2.3.
IPEX_PHENOTYPE_COHORT = 173
IPEX_PHENOTYPE_WITHOUT_FOXP3 = 85
IPEX_LIKE_SHARE_SOURCE = "Gambineri et al., Front Immunol 2018;9:2411, PMID 30443250"
IPEX_LIKE_SHARE_LINK = "https://pubmed.ncbi.nlm.nih.gov/30443250/"


def ipex_like_share_text() -> str:
    """The cited sentence shown next to the IPEX posterior."""
    share = IPEX_PHENOTYPE_WITHOUT_FOXP3 / IPEX_PHENOTYPE_COHORT
    return (
        f"Of {IPEX_PHENOTYPE_COHORT} patients with an IPEX phenotype, {IPEX_PHENOTYPE_WITHOUT_FOXP3} "
        f"({share:.0%}) had no FOXP3 variant (IPEX-like) [{IPEX_LIKE_SHARE_SOURCE}]: a typical picture does "
        "not make IPEX certain; the IPEX-like genes belong in the same test."
    )
