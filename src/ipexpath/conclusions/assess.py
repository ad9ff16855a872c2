"""The whole pathway for one case: Suspect → Confirm → Counsel → one `Assessment` of typed conclusions.

`run_assessment` calls each step's public function directly (no look-up by name) and derives, once, every
conclusion the outputs show:

* genotype → differential: the classified variants re-rank the phenotype differential over all diseases
  (`confirm.rerank_with_genotype`), with the test's coverage and sensitivity (`GeneticTest`);
* the IPEX status follows the patient's sex: a heterozygous (likely) pathogenic FOXP3 variant in a female is
  a carrier finding, not IPEX (`conclusions.status`);
* family → classification: the pedigree is passed to the classifier for segregation (PP1/BS2/PS2);
* classification → family: only a (likely) pathogenic FOXP3 variant is counselled as the familial variant;
  with a VUS the plan becomes tests that help classify it (`conclusions.family`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import Any

from ipexpath import __version__
from ipexpath.case import Case
from ipexpath.case.readers import DEATH_CHECK
from ipexpath.conclusions import leaflet as leaflet_mod
from ipexpath.conclusions import recommendations as rec
from ipexpath.conclusions.family import assess_family, proband_id
from ipexpath.conclusions.genetics import GenotypeResult, assess_genetics
from ipexpath.conclusions.model import Assessment, FamilyConclusions, Genetics, IpexStatus, StatusLevel
from ipexpath.conclusions.recommendations import Recommendation
from ipexpath.conclusions.status import decide_status, is_ipex_row
from ipexpath.counsel import load_family
from ipexpath.knowledge.base import KnowledgeBase
from ipexpath.knowledge.ipex import IpexKnowledge, load_ipex_knowledge
from ipexpath.suspect import RankingModel, rank_case
from ipexpath.suspect.ranking_file import RankingFile
from ipexpath.types import Sex

INFERRED_SEX_CHECK = (
    "Check: the sex was not stated; it was taken as {sex} from haploid chrX calls in the VCF, which reflect "
    "how the variant caller was set up. State the sex (karyotype if in doubt) before acting on the result."
)
RANKED_ROWS = 20  # rows ranked for the genotype step (the report shows the first SHOWN_ROWS)
SHOWN_ROWS = 10


def _ipex_like_first(differential: dict[str, Any] | None, sex: Sex) -> bool:
    """The first IPEX or IPEX-like row of the differential is an IPEX-like disorder, or the patient is not
    male (IPEX is X-linked): a gene panel, not FOXP3 alone, is the first genetic test."""
    rows = [
        r for r in (differential or {}).get("ipex_and_ipex_like") or () if r.get("ipex") or r.get("ipex_flag")
    ]
    first = min(rows, key=lambda r: int(r.get("rank", 10**9)), default=None)
    return sex is not Sex.MALE or (first is not None and not is_ipex_row(first))


def _recommendations(
    knowledge: IpexKnowledge,
    status: IpexStatus,
    family: FamilyConclusions | None,
    genetics: Genetics | None,
    age_days: float | None = None,
    differential: dict[str, Any] | None = None,
    sex: Sex = Sex.UNKNOWN,
) -> tuple[Recommendation, ...]:
    """Work-up, early HSCT referral (only when the status supports it), treatment options and family."""
    done = None
    if genetics is not None:
        v = status.variant
        done = (
            f"Done in this assessment: {v.label} classified {v.class_label} ({v.zygosity.value})."
            if v is not None
            else "Done in this assessment: no FOXP3 variant of pathogenic or uncertain class in the VCF."
        )
    out = rec.workup(knowledge, done, panel_first=genetics is None and _ipex_like_first(differential, sex))
    girl_tested = sex is Sex.FEMALE and genetics is not None and status.other_finding is None
    if status.carrier_finding or girl_tested:  # a girl: the IPEX-like genes are the work-up
        out = rec.ipex_like_workup(knowledge, status) + out
    if status.other_finding is not None:
        out = (
            rec.ipex_like_diagnosis(knowledge, status.other_finding, status.level is StatusLevel.CONFIRMED)
            + out
        )
    if status.checks:
        out = rec.checks(status.checks) + out
    if status.transplanted and status.level in (StatusLevel.CONFIRMED, StatusLevel.LIKELY):
        out = rec.after_hsct(knowledge) + out + rec.treatment(knowledge)
    if status.refer_to_specialist:  # IPEX likely, not established: HSCT decided on the molecular diagnosis
        # a FOXP3 variant without the IPEX picture: IPEX's treatment rows wait for the features they treat
        treat = [] if status.atypical_phenotype else rec.treatment(knowledge)
        out = rec.specialist_referral(knowledge, status) + out + treat
    if status.refer_for_hsct:
        out = rec.referral(knowledge) + out + rec.treatment(knowledge)
        if age_days is not None and age_days < 0:  # before birth: clarify at birth, care from the start
            out = rec.prenatal(knowledge) + out
    if family is not None:
        out += rec.family(knowledge, family)
    elif status.carrier_finding and status.variant is not None and status.variant.is_pathogenic:
        minor = age_days is not None and age_days < 18 * 365.25  # Botkin 2015: no reproductive advice yet
        out += rec.carrier_counselling(knowledge, minor)
    return tuple(out)


def run_assessment(
    kb: KnowledgeBase,
    case: Case,
    vcf: Path | None = None,
    family: Path | None = None,
    *,
    covered: str | Path | None = None,
    test_sensitivity: float | None = None,
    model: RankingModel | None = None,
    knowledge: IpexKnowledge | None = None,
    created: dt.datetime | None = None,
) -> Assessment:
    """Run Suspect, Confirm (with `vcf`) and Counsel (with `family`) on one case and draw the conclusions.

    `covered` (else the case form's `covered:` field) states what the genetic test covered (gene symbols
    or a BED file); `test_sensitivity` replaces the default sequencing sensitivity
    (see `confirm.genetic_test`).
    """
    knowledge = knowledge or load_ipex_knowledge()
    model = model if model is not None else RankingModel.build(kb)
    differential = rank_case(model, case, top=RANKED_ROWS)
    ranked_json = differential.to_dict()
    phenotype_only = {**ranked_json, "results": ranked_json["results"][:SHOWN_ROWS]}
    pedigree = load_family(family) if family is not None else None
    covered = covered if covered is not None else case.covered
    sex = case.sex
    genotype: GenotypeResult | None = None
    shown = phenotype_only
    if vcf is not None:
        ranking = RankingFile.from_differential(differential, sex)
        genotype = assess_genetics(
            model, case, ranking, Path(vcf), pedigree, covered=covered, sensitivity=test_sensitivity
        )
        sex = genotype.sex
        shown = genotype.differential_json(ranked_json, SHOWN_ROWS)
    genetics = None if genotype is None else genotype.genetics
    deceased = case.death is not None or (
        pedigree is not None and pedigree.get(proband_id(pedigree, case)).deceased
    )
    status = decide_status(shown, genetics, sex, deceased=deceased, transplanted=bool(case.transplants))
    if not deceased:  # the text may say the patient died: a check on page 1, not a silent change of advice
        said = tuple(f.message for f in case.findings if f.message.startswith(DEATH_CHECK))
        status = replace(status, checks=(*status.checks, *said)) if said else status
    if sex.is_known and not case.sex.is_known:  # the VCF's haploid chrX calls, not a stated sex
        status = replace(status, checks=(*status.checks, INFERRED_SEX_CHECK.format(sex=sex.word)))
    fam = assess_family(knowledge, pedigree, case, status, genetics, sex) if pedigree is not None else None
    recommendations = _recommendations(
        knowledge, status, fam, genetics, case.age_days, differential=shown, sex=sex
    )
    leaflet = leaflet_mod.build_leaflet(knowledge, status, fam, sex, genetics, case.age_days)
    cited = [s for r in recommendations for s in r.sources] + [
        s for sec in leaflet.sections for s in sec.sources
    ]
    notes = [str(n) for n in phenotype_only.get("notes", [])]
    if genetics is None:
        notes.append("No VCF given: genetic findings and genotype re-ranking are not included.")
    elif not genetics.test.coverage_known:
        notes.append(
            "Coverage of the genetic test is unknown (no --covered): no gene counts as tested negative, so "
            "no disease is lowered for a variant not found (a call in a gene does not show that its coding "
            "exons were covered); give --covered GENES|BED to count negative results."
        )
    if fam is None:
        notes.append("No family file given: family risks and the testing plan are not included.")
    when = (created or dt.datetime.now(dt.UTC)).replace(microsecond=0)
    return Assessment(
        created=when.isoformat().replace("+00:00", "Z"),
        ipexpath_version=__version__,
        hpo_release=kb.release_label,
        knowledge_release=(
            f"{knowledge.release.name} {knowledge.release.version} (reviewed {knowledge.release.reviewed})"
        ),
        case=case.to_dict(),
        sex=sex,
        subject_id=fam.proband if fam is not None else case.id,
        status=status,
        differential=shown,
        differential_phenotype_only=phenotype_only if genetics is not None else None,
        genetics=genetics,
        family=fam,
        recommendations=recommendations,
        leaflet=leaflet,
        references=tuple(rec.references(knowledge, cited)),
        notes=tuple(notes),
    )
