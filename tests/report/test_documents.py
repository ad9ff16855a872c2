"""The report and the leaflet as clinical documents (issue 11): page 1 is the answer, identifiers are links,
no developer notes, the leaflet speaks to the family (no pedigree codes, no HGVS, pronouns from the sex,
words that match the variant class) at a reading grade of 7 or lower in every section."""

from __future__ import annotations

import dataclasses
import html
import re
from pathlib import Path

import pytest

from ipexpath.case import read_case
from ipexpath.conclusions import IpexStatus
from ipexpath.conclusions.leaflet import build_leaflet
from ipexpath.confirm import AcmgClassification
from ipexpath.knowledge import KnowledgeBase
from ipexpath.knowledge.ipex import load_ipex_knowledge
from ipexpath.report import Assessment, example_inputs, run_assessment
from ipexpath.report.html import render_leaflet, render_report
from ipexpath.report.links import clean, identifier_url, linkify
from ipexpath.report.people import age_as_entered, relationships
from ipexpath.report.views import DocumentOptions, performance, report_view
from ipexpath.types import Sex, Zygosity

README = Path(__file__).resolve().parents[2] / "README.md"
PEDIGREE_CODE = re.compile(r"\b(?:I|II|III|IV|V)-\d+\b")
HGVS = re.compile(r"\bc\.[-*\d]+[ACGT_+\d>delinsup]*|\bp\.[A-Z][a-z]{2}\d+")
INTERNAL = (
    "[V]",
    "[V2]",
    "[K",
    "docs/",
    ".md §",
    "not encoded",
    "CI printed as",
    "panel.yaml",
    "genotype.md",
)
MAX_GRADE = 7.0


def _text(markup: str) -> str:
    body = re.sub(r"<style.*?</style>|<svg.*?</svg>|<title>.*?</title>", " ", markup, flags=re.S)
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)))


def _sections(markup: str) -> dict[str, str]:
    """Visible text of each `<section id=…>` of a document."""
    found = re.findall(r"<section\b[^>]*\bid=\"([^\"]+)\"[^>]*>(.*?)</section>", markup, flags=re.S)
    return {sid: _text(body) for sid, body in found}


@pytest.fixture(scope="module")
def bare_assessment(kb: KnowledgeBase) -> Assessment:
    """The example boy's phenotype alone: no VCF, no family file."""
    return run_assessment(kb, read_case(example_inputs().case, kb))


# ------------------------------------------------------------------------------------------ the report
def test_page_one_is_the_answer(example_assessment: Assessment) -> None:
    markup = render_report(example_assessment, DocumentOptions(requested_by="Dr Ada Example"))
    page1 = _text(markup.split('<nav id="toc"', 1)[0])
    assert "ipexpath-example-proband" in page1 and "Dr Ada Example" in page1
    assert "Onset 1 month" in page1  # as entered (P1M), not "30 days"
    assert "Top of the differential" in page1 and example_assessment.top is not None
    assert example_assessment.top["name"] in page1
    assert "FOXP3 c.1150G>A (p.Ala384Thr) Uncertain significance" in page1
    assert example_assessment.family is not None
    if example_assessment.family.variant_status == "pathogenic":
        assert "Key family risks" in page1 and "mother (II-2)" in page1
    else:  # a VUS: no relative's figure, and it says why
        assert "Key family risks" in page1 and "Not calculated" in page1 and "mother (II-2)" not in page1
    assert "Next steps" in page1
    assert "Age of the patient differs: 4 months in the case, 5 months in the family file" in page1


def test_next_steps_by_urgency(example_assessment: Assessment) -> None:
    view = report_view(example_assessment)
    ids = [g.id for g in view.step_groups]
    assert ids.index("supportive") < ids.index("workup") < ids.index("transplant")
    supportive = {s.id for g in view.step_groups if g.id == "supportive" for s in g.steps}
    assert {"treatment.nutrition", "treatment.immunisations", "treatment.infection_prophylaxis"} <= supportive
    workup = {s.id for g in view.step_groups if g.id == "workup" for s in g.steps}
    assert "workup.ipex_like_tests" in workup
    for group in view.step_groups:
        for step in group.steps:
            assert view.cite(step.sources), step.id  # every step is cited


def test_variant_card_lists_every_criterion(example_assessment: Assessment) -> None:
    view = report_view(example_assessment)
    card = next(c for c in view.cards if c.hgvs_c == "c.1150G>A")
    statuses = {c.status for c in card.criteria}
    assert statuses == {"applied", "not applied", "not evaluated"}
    ps2 = next(c for c in card.criteria if c.code == "PS2")
    assert ps2.status == "not evaluated" and "parental testing" in ps2.evidence
    # PS4_Moderate (curated: Gambineri 2018 hot-spot, >= 2 families) + PM1 + PM2_Supporting
    assert card.reclassification.startswith("Uncertain significance at 5 points")
    assert "Likely pathogenic needs ≥ 6 points (1 more)" in card.reclassification
    assert card.transcript == "NM_014009.4" and card.zygosity == "hemizygous"
    assert "absent" in card.population
    assert (card.depth, card.genotype_quality) == ("40", "99")  # FORMAT DP and GQ of the example VCF


def test_identifiers_are_links(example_assessment: Assessment) -> None:
    markup = render_report(example_assessment)
    for href in (
        "https://omim.org/entry/304790",
        "https://www.orpha.net/en/disease/detail/37042",
        "https://hpo.jax.org/browse/term/HP:0002028",
        "https://pubmed.ncbi.nlm.nih.gov/25741868/",
        "https://doi.org/10.1002/humu.24088",
        "https://www.ncbi.nlm.nih.gov/clinvar/variation/11410/",
    ):
        assert f'href="{href}"' in markup, href


def test_method_references_complete(example_assessment: Assessment) -> None:
    text = _text(render_report(example_assessment))
    for citation in (
        "Genet Med 2015;17(5):405-424",  # ACMG/AMP 2015
        "Hum Mutat 2020;41(10):1734-1737",  # Tavtigian 2020
        "Am J Hum Genet 2022;109(12):2163-2177",  # Pejaver 2022
        "Genet Med 2017;19(10):1151-1158",  # Whiffin 2017
        "Nucleic Acids Res 2024;52(D1):D1333-D1346",  # HPO 2024
        "Online Mendelian Inheritance in Man",
        "Orphanet",
        "ClinGen Sequence Variant Interpretation",
    ):
        assert citation in text, citation


def test_sign_off_and_limitations(example_assessment: Assessment) -> None:
    sections = _sections(render_report(example_assessment, DocumentOptions(requested_by="Dr Ada Example")))
    assert "Requested by Dr Ada Example" in sections["signoff"]
    assert "Reviewed by" in sections["signoff"] and "HPO release: 2025-01-16" in sections["signoff"]
    limits = sections["limitations"]
    for figure in ("61.9 %", "35.7 %", "5.4 %", "ipexpath bench", "bench_ranking_lopo.py"):
        assert figure in limits, figure
    assert "Copy-number variants" in limits and "absent" in limits


def test_readme_quotes_the_same_accuracy() -> None:
    readme = README.read_text(encoding="utf-8")
    perf = performance()["ranking"]
    for row in perf["rows"]:
        assert f"{row['top1']} / {row['top3']} / {row['top10']}" in readme, (
            "report/data/performance.yaml no longer matches the README figures; update both together"
        )
    lopo = perf["lopo"]
    assert f"{lopo['top1']} / {lopo['top3']} / {lopo['top10']}" in readme


@pytest.mark.parametrize("name", ["report", "leaflet"])
def test_no_internal_notes(example_assessment: Assessment, name: str) -> None:
    render = render_report if name == "report" else render_leaflet
    text = _text(render(example_assessment))
    for note in INTERNAL:
        assert note not in text, note


def test_clean_and_links() -> None:
    assert clean("ClinVar VCV000011410 (rs122467170) [V2]; see docs/acmg-automation.md") == (
        "ClinVar VCV000011410 (rs122467170)"
    )
    assert identifier_url("OMIM:304790") == "https://omim.org/entry/304790"
    assert identifier_url("ORPHA:37042") == "https://www.orpha.net/en/disease/detail/37042"
    assert identifier_url("doi:10.1038/gim.2015.30") == "https://doi.org/10.1038/gim.2015.30"
    assert identifier_url("nothing") is None
    assert 'href="https://pubmed.ncbi.nlm.nih.gov/25741868/"' in linkify("Richards 2015 (PMID 25741868)")
    assert "<b>" not in linkify("<b>bold</b>")  # escaped


def test_ages_as_entered_and_relationships(example_assessment: Assessment) -> None:
    assert [age_as_entered(d) for d in (30.4375, 60.875, 121.75, 14, 3 * 365.25)] == [
        "1 month",
        "2 months",
        "4 months",
        "2 weeks",
        "3 years",
    ]
    assert example_assessment.family is not None
    rel = relationships(example_assessment.family.individuals, "III-1")
    assert (rel["II-2"].relationship, rel["I-2"].relationship, rel["I-2"].side) == (
        "mother",
        "grandmother",
        "mother's side",
    )
    assert rel["III-2"].relationship == "sister" and rel["II-3"].relationship == "uncle"
    assert rel["III-4"].relationship == "cousin" and rel["II-4"].relationship == "uncle by marriage"


# ------------------------------------------------------------------------------------------ the leaflet
def test_leaflet_speaks_to_the_family(
    example_assessment: Assessment, pathogenic_assessment: Assessment
) -> None:
    relatives = _text(render_leaflet(pathogenic_assessment))
    assert "Mother" in relatives and "Sister" in relatives  # relationships, never pedigree codes
    assert not PEDIGREE_CODE.search(relatives), PEDIGREE_CODE.search(relatives)
    text = _text(render_leaflet(example_assessment))
    assert not PEDIGREE_CODE.search(text), PEDIGREE_CODE.search(text)
    assert not HGVS.search(text), HGVS.search(text)
    assert "The report suggests" in text and "doctors think" not in text
    assert "effect is not yet known" in text  # the example's variant is a VUS
    assert "Draft — to be reviewed with your care team." in text
    for heading in ("Day-to-day care", "When to get help at once", "Your care team", "Your questions"):
        assert heading in text, heading
    assert "Sources reviewed 2026-11-30" in text


def test_leaflet_release_line(example_assessment: Assessment) -> None:
    text = _text(render_leaflet(example_assessment, DocumentOptions(released_by="Dr Ada Example")))
    assert "Released by Dr Ada Example" in text and "Draft" not in text


def test_leaflet_organisation_links(example_assessment: Assessment) -> None:
    markup = render_leaflet(example_assessment)
    assert 'href="https://ipopi.org"' in markup
    assert 'href="https://primaryimmune.org/' in markup


def test_leaflet_says_when_no_gene_test(bare_assessment: Assessment) -> None:
    text = _text(render_leaflet(bare_assessment))
    assert "No gene test result was entered for this leaflet." in text
    report = _text(render_report(bare_assessment))
    assert "No genetic test was entered" in report and "No family file was entered" in report


def _reworded(a: Assessment, status: IpexStatus, sex: Sex | None = None) -> Assessment:
    """The assessment with another status (and sex), its leaflet worded again from them (the one source)."""
    sex = sex or a.sex
    leaflet = build_leaflet(load_ipex_knowledge(), status, a.family, sex, a.genetics, a.case.get("age_days"))
    return dataclasses.replace(a, status=status, sex=sex, leaflet=leaflet)


def test_leaflet_words_match_the_class(example_assessment: Assessment) -> None:
    variant = example_assessment.status.variant
    assert variant is not None
    for klass, words, never in (
        (AcmgClassification.LIKELY_PATHOGENIC, "very likely causes IPEX", "not yet known"),
        (AcmgClassification.PATHOGENIC, "known to cause IPEX", "not yet known"),
        (AcmgClassification.UNCERTAIN_SIGNIFICANCE, "effect is not yet known", "causes IPEX."),
    ):
        changed = dataclasses.replace(variant, classification=klass)
        status = dataclasses.replace(example_assessment.status, variant=changed)
        text = _text(render_leaflet(_reworded(example_assessment, status)))
        result = text.split("What did the gene test find?", 1)[1].split("Why does IPEX", 1)[0]
        assert words in result and never not in result, (klass, result)


def test_leaflet_pronouns_follow_sex(example_assessment: Assessment) -> None:
    girl = dataclasses.replace(example_assessment, case={**example_assessment.case, "sex": "FEMALE"})
    assert example_assessment.status.variant is not None
    for klass, carrier in (
        (AcmgClassification.LIKELY_PATHOGENIC, True),
        (AcmgClassification.UNCERTAIN_SIGNIFICANCE, False),  # not a carrier of a change not known harmful
    ):
        variant = dataclasses.replace(
            example_assessment.status.variant, zygosity=Zygosity.HETEROZYGOUS, classification=klass
        )
        worded = _reworded(girl, dataclasses.replace(girl.status, variant=variant), Sex.FEMALE)
        sections = _sections(render_leaflet(worded))
        assert " his " not in f" {sections['result']} " and "her FOXP3" not in sections["result"]
        assert "one of her two copies" in sections["result"]
        assert ("Girls with one changed copy are carriers" in sections["result"]) is carrier
        assert ("do not yet know" in sections["result"]) is not carrier


def test_leaflet_nothing_about_children_of_minors(pathogenic_assessment: Assessment) -> None:
    sections = _sections(render_leaflet(pathogenic_assessment))
    family = sections["family"]
    sisters = re.findall(r"Sister.*?(?=Sister|Cousin|$)", family)
    assert sisters and all("son" not in s.replace("Sister", "") for s in sisters)
    assert "sister" not in sections.get("pregnancy_options", "").lower()


def test_leaflet_reading_level_per_section(
    example_assessment: Assessment, bare_assessment: Assessment, pathogenic_assessment: Assessment
) -> None:
    textstat = pytest.importorskip("textstat")
    for assessment in (example_assessment, bare_assessment, pathogenic_assessment):
        for sid, text in _sections(render_leaflet(assessment)).items():
            if sid in ("support", "contact"):
                continue  # names of organisations and blank lines
            grade = textstat.flesch_kincaid_grade(text)
            assert grade <= MAX_GRADE, (sid, grade, text[:200])


def test_similar_published_patients_linked(example_assessment: Assessment) -> None:
    similar = example_assessment.differential.get("similar_patients") or []
    if not similar:
        pytest.skip("no case knowledge shipped: no similar published patients")
    markup = render_report(example_assessment)
    assert "Similar published patients" in markup
    pmid = str(similar[0]["pmid"]).removeprefix("PMID:")
    assert f'href="https://pubmed.ncbi.nlm.nih.gov/{pmid}/"' in markup


def test_vus_family_section_classifies_before_predicting(example_assessment: Assessment) -> None:
    """With a VUS the report lists tests that help classify the variant, never inheritance of the disease."""
    sections = _sections(render_report(example_assessment))
    family = sections["family"]
    assert "Tests that help classify the variant" in family
    assert "P(affected son)" not in family and "P(son inherits the variant)" not in family
    assert "not calculated for a variant of uncertain significance" in family
    genetics = sections["genetics"]
    assert "Not tested:" in genetics and "LRBA" in genetics  # genes without calls, coverage not stated
