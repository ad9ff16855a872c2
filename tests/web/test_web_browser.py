"""The web application in headless Chromium (Playwright driving Debian's /usr/bin/chromium) against
`ipexpath serve` on loopback: the care team's path from sign-in to the KM figure, and who may not do what.

The server is started as a user would start it (first start: synthetic cohort, fictional example family,
one-time demo sign-in). Screenshots go to `test-artifacts/web/` (git-ignored) for a person to look at.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "web"
CHROMIUM = next(
    (
        p
        for p in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser"))
        if p and Path(p).exists()
    ),
    None,
)
PASSWORD = "correct horse battery staple 42"
CREATE_USER = (sys.executable, "-m", "ipexpath.cli", "users", "create")
CASE = "WEB-CASE-1"

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (scripts/install-chromium installs Debian's package)"
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """`ipexpath serve --json` on a free loopback port with a new embedded database; two extra users."""
    data = tmp_path_factory.mktemp("web-data")
    env = {
        k: v for k, v in os.environ.items() if k not in ("IPEXPATH_DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    env.update({"IPEXPATH_DATA_DIR": str(data), "IPEXPATH_SECRET_KEY": "browser-test-only"})
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "ipexpath.cli", "serve", "--json", "--port", str(port), "--workers", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if not line:
            pytest.fail(f"ipexpath serve did not start: {process.stderr.read() if process.stderr else ''}")
        started = json.loads(line)
        assert started["first_start"] and started["demo_password"]
        # the four accounts are created side by side (each command is a Python start and an argon2 hash)
        creating = [
            subprocess.Popen(
                [*CREATE_USER, name, "--role", role, "--centre", centre, "--password-stdin"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=env,
            )
            for name, role, centre in (
                ("reader", "read_only", "synthetic-demo"),
                ("clinician", "clinician", "synthetic-demo"),
                ("coordinator", "registry_coordinator", "synthetic-demo"),
                ("elsewhere", "clinician", "other-centre"),
            )
        ]
        for created in creating:
            _, err = created.communicate(PASSWORD + "\n")
            assert created.returncode == 0, err
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):  # gunicorn binds right after printing the line
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                import time

                time.sleep(0.1)
        yield {"base": base, "password": started["demo_password"], "key": started["demo_totp_key"]}
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium (Playwright's own browser download is not used)."""
    with playwright_api.sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        yield instance
        instance.close()


def _code(key: str) -> str:
    """The authenticator app's current code for the demo administrator's key (RFC 6238, django-otp)."""
    import base64
    import time

    from django_otp.oath import TOTP

    totp = TOTP(base64.b32decode(key))
    totp.time = time.time()
    return f"{totp.token():06d}"


def _page(
    browser: Any, server: dict[str, Any], user: str, password: str, key: str | None = None
) -> tuple[Any, list[str]]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=server["base"])
    page = context.new_page()
    page.set_default_timeout(120_000)  # generous: CI machines may be shared and slow
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"{page.url}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.goto("/")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    if key is not None:  # administrators: the authenticator code comes second
        page.wait_for_url("**/signin/code/")
        page.fill("#code", _code(key))
        page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r".*/$"))
    return page, problems


def _shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _care_team_path(browser: Any, server: dict[str, Any]) -> None:
    from ipexpath.report import example_inputs

    page, problems = _page(browser, server, "demo", server["password"], server["key"])
    assert "EXAMPLE-FAMILY-1" in page.content() and "SYN-00001" in page.content()
    _shot(page, "01-patients")

    page.click("text=New patient")
    page.fill("input[name=pseudonym]", CASE)
    page.select_option("select[name=centre]", label="synthetic-demo")
    page.select_option("select[name=sex]", "male")
    page.fill("input[name=birth_year]", "2026")
    page.click("main button[type=submit]")
    page.wait_for_url(f"**/patients/{CASE}/")

    _edit_the_family(page)

    page.goto(f"/patients/{CASE}/")
    page.click("text=New assessment")
    page.fill("#term-query", "enteropaty")  # a typo: the search still finds Enteropathy
    page.wait_for_selector("#term-hits .add-term[data-kind=hpo]")
    page.locator("#term-hits .add-term[data-kind=hpo]").first.click()
    assert page.locator("#observed-terms .chip").count() == 1
    page.fill(
        "#id_text",
        "Boy aged 3 months with intractable watery diarrhea and eczema. No fever. "
        "His maternal uncle died in infancy with diabetes. Anti-flibbertigibbet antibodies positive.",
    )
    page.wait_for_selector("#text-result mark.observed")
    assert page.locator("#text-result mark.excluded").count() >= 1
    assert page.locator("#text-result mark.family").count() >= 1
    page.wait_for_selector("#text-result mark.unrecognised")
    # a span that was not recognised: "find a term" searches the terms with its words, to add one by hand
    page.locator("#text-result button.find-term").first.click()
    assert "flibbertigibbet" in page.input_value("#term-query").lower()
    page.fill("#term-query", "hypothyroid")
    page.click("#term-hits .add-term[data-kind=hpo][data-id='HP:0000821']")  # Hypothyroidism
    assert page.locator("#observed-terms .chip").count() == 2
    page.select_option("select[name=sex]", "male")
    page.fill("input[name=age]", "P3M")
    page.fill("input[name=covered]", "FOXP3")
    assert "MB" in page.inner_text("#vcf-note")
    page.set_input_files("#vcf", str(example_inputs().vcf))
    _shot(page, "02-case-entry")
    page.click("#run")
    page.wait_for_url(re.compile(r".*/assessments/\d+/$"), timeout=120_000)
    _shot(page, "03-assessment")
    assessment_url = page.url
    # the case view: what the free text gave, and the terms chosen by hand
    assert page.locator("#case-text mark.observed").count() >= 1
    assert page.locator("#case-text mark.excluded").count() >= 1
    assert page.locator("#case-text p.marked mark.unrecognised").count() == 1
    assert page.locator("#case-as-entered .tag").count() == 2
    _assessment_page_agrees_with_the_report(page, assessment_url)
    page.click("#record-diagnosis")  # the assessment's finding fills the registry's diagnosis form
    assert "c.1150G>A" in page.input_value("input[name=variant_hgvs]")
    assert page.input_value("select[name=disease]") == "OMIM:304790"
    page.fill("input[name=diagnosis_date]", "2026-05-01")
    page.click("main button[type=submit]")
    page.wait_for_url(f"**/patients/{CASE}/")
    assert "IPEX syndrome (OMIM:304790), FOXP3" in page.inner_text(
        "main"
    ) and "from assessment" in page.inner_text("main")
    page.goto(assessment_url)

    assert page.locator("#downloads a[href$='report.pdf?download=1']").count() == 1
    pdf = page.request.get(assessment_url + "report.pdf?download=1", timeout=120_000)
    assert pdf.status == 503 or pdf.body().startswith(b"%PDF-")
    packet = page.request.get(assessment_url + "phenopacket.json?download=1", timeout=120_000)
    assert packet.ok and packet.json()["subject"]["id"] == CASE

    page.goto(f"/patients/{CASE}/")
    page.click("text=Add HSCT")
    page.fill("input[name=day0]", "2026-06-01")
    page.select_option("select[name=donor_type]", "matched_unrelated")
    page.click("main button[type=submit]")
    page.wait_for_url(f"**/patients/{CASE}/")
    assert "2026-06-01" in page.inner_text("#transplants")
    page.click("text=Add visit")
    page.fill("input[name=visit_date]", "2099-09-01")  # in the future: refused, the typed values stay
    page.fill("input[name=weight_kg]", "7.9")
    page.click("main button[type=submit]")
    page.wait_for_selector("main .errorlist")
    assert page.input_value("input[name=weight_kg]") == "7.9"
    page.fill("input[name=visit_date]", "2026-09-01")
    page.click("main button[type=submit]")
    page.wait_for_url(f"**/patients/{CASE}/")
    assert "2026-09-01" in page.inner_text("#visits")
    page.click("text=Add OI score")  # Barzaghi's score before the transplant, one item not assessed
    page.fill("input[name=assessed_on]", "2026-05-20")
    page.select_option("select[name=timepoint]", "pre_HSCT")
    for item, answer in (
        ("intractable_diarrhea", "true"),
        ("malnutrition", "true"),
        ("liver_dysfunction", "false"),
    ):
        page.select_option(f"select[name={item}]", answer)
    page.select_option("select[name=respiratory_impairment]", "false")
    page.click("main button[type=submit]")
    page.wait_for_url(f"**/patients/{CASE}/")
    assert "at least 2 (4 of 5 items assessed; no group)" in page.inner_text("#oi")
    page.click("#edit-status")  # the last contact: the end of follow-up of the survival analysis
    page.fill("input[name=last_follow_up]", "2026-10-01")
    page.click("main button[type=submit]")
    page.wait_for_url(f"**/patients/{CASE}/")
    assert "alive" in page.inner_text("#patient-status") and "last contact: 2026-10-01" in page.inner_text(
        "#patient-status"
    )
    _shot(page, "05-patient-record")

    page.goto("/registry/analysis/")
    for name in ("overall_survival.png", "transplant_related_mortality.png"):
        figure = page.locator(f"img[src$='{name}']")
        figure.wait_for()
        assert page.evaluate("(img) => img.complete && img.naturalWidth > 0", figure.element_handle())
    trm = page.inner_text("#result-transplant_related_mortality")
    assert re.search(r"\d+\.\d % – \d+\.\d %", trm) and "log(-log)" in trm  # the CIF with its 95 % CI
    assert "At risk" in page.inner_text("#result-overall_survival")
    _shot(page, "06-km-figure")

    page.goto("/audit/")
    assert CASE in page.inner_text("#audit")
    assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p], problems
    page.context.close()


def _assessment_page_agrees_with_the_report(page: Any, assessment_url: str) -> None:
    """The page shows the ranking, similar published patients, the variant card and the family's counselling,
    and states the same conclusion as the report and the leaflet rendered in the same run."""
    conclusion = page.inner_text("#conclusion")
    level, reason = conclusion.removeprefix("IPEX: ").split(" — ", 1)
    assert page.locator("#differential tr").count() >= 4
    assert page.locator("#similar tr").count() >= 2 and page.inner_text("#similar tr >> nth=1").strip()
    assert "FOXP3" in page.inner_text("#variants .variant-card")
    assert page.locator("#counselling img#assessment-pedigree").count() == 1
    assert page.locator("#counselling tr[data-person='II-2']").count() == 1
    assert "--covered" not in page.inner_text("main")  # command-line wording is not shown to the care team
    report = page.context.new_page()
    report.goto(assessment_url + "report.html")
    text = " ".join(report.inner_text("body").split())
    assert level.lower() in text.lower() and " ".join(reason.split()) in text
    _shot(report, "04-report")
    report.goto(assessment_url + "leaflet.html")
    assert "IPEX" in report.inner_text("body")
    _shot(report, "04b-leaflet")
    report.close()


def _case_from_a_phenopacket(browser: Any, server: dict[str, Any]) -> None:
    """A clinician starts a case from a phenopacket: the form is filled (terms, sex, ages) for checking, the
    free text already typed stays, and the assessment runs on what the form then holds."""
    from ipexpath.case import example_case_path

    page, problems = _page(browser, server, "clinician", PASSWORD)
    page.goto("/patients/new/")
    page.fill("input[name=pseudonym]", "WEB-CASE-2")
    page.select_option("select[name=centre]", label="synthetic-demo")
    page.fill("input[name=birth_year]", "2026")
    page.click("main button[type=submit]")
    page.wait_for_url("**/patients/WEB-CASE-2/")
    page.click("text=New assessment")
    page.fill("#id_text", "Also severe eczema.")
    page.set_input_files("#phenopacket", str(example_case_path()))
    page.click("#fill-from-phenopacket")
    page.wait_for_selector("#filled")
    assert (
        page.locator("#observed-terms .chip").count() == 6
        and page.locator("#excluded-terms .chip").count() == 1
    )
    assert (
        page.input_value("input[name=age]") == "P4M" and page.input_value("#id_text") == "Also severe eczema."
    )
    _shot(page, "02c-from-phenopacket")
    page.click("#run")
    page.wait_for_url(re.compile(r".*/assessments/\d+/$"), timeout=120_000)
    assert page.inner_text("#conclusion").startswith("IPEX: ")
    assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p], problems
    page.context.close()


def _add_relative(page: Any, fields: dict[str, str], checks: tuple[str, ...] = ()) -> None:
    """Fill the relative form and submit it; htmx swaps the editor in place (no page load)."""
    for name, value in fields.items():
        selector = f"#relative-form [name={name}]"
        if page.locator(selector).evaluate("e => e.tagName") == "SELECT":
            page.select_option(selector, value)
        else:
            page.fill(selector, value)
    for name in checks:
        page.check(f"#relative-form [name={name}]")
    page.click("#save-relative")


def _edit_the_family(page: Any) -> None:
    """Add the proband and his parents, try a male mother (refused inline, nothing lost), then a test."""
    page.click("text=Family and pedigree")
    page.wait_for_selector("#no-family")
    _add_relative(page, {"id": CASE, "sex": "male", "affected": "affected", "age": "3 mo"}, ("proband",))
    page.wait_for_selector("#pedigree")
    _add_relative(page, {"id": "II-1", "sex": "male", "name": "father", "affected": "unaffected"})
    page.wait_for_selector("#relatives tr[data-person='II-1']")
    _add_relative(page, {"id": "II-2", "sex": "male", "name": "mother", "affected": "unaffected"})
    page.wait_for_selector("#relatives tr[data-person='II-2']")
    # the boy's parents: choosing a male mother is refused inline; the typed values stay in the form
    page.click("#relatives tr[data-person='" + CASE + "'] a.edit")
    page.wait_for_selector("#relative-form [name=original][value='" + CASE + "']", state="attached")
    before = page.get_attribute("#pedigree", "src")
    _add_relative(page, {"father": "II-1", "mother": "II-2", "age": "4 mo"})
    page.wait_for_selector("#family-error")
    assert "recorded as male" in page.inner_text("#family-error")
    assert page.input_value("#relative-form [name=age]") == "4 mo"
    _shot(page, "02a-family-refused")
    # fix the mother's sex, then give the boy his parents and the mother a positive test
    page.click("#relatives tr[data-person='II-2'] a.edit")
    page.wait_for_selector("#relative-form [name=original][value='II-2']", state="attached")
    _add_relative(page, {"sex": "female", "test": "found"})
    page.wait_for_selector("#family-saved")
    page.click("#relatives tr[data-person='" + CASE + "'] a.edit")
    page.wait_for_selector("#relative-form [name=original][value='" + CASE + "']", state="attached")
    _add_relative(page, {"father": "II-1", "mother": "II-2"})
    page.wait_for_selector("#family-saved")
    assert page.get_attribute("#pedigree", "src") != before  # the drawing was redone
    assert "%" in page.inner_text("#relatives tr[data-person='II-2'] td.risk")
    assert page.locator("#pregnancies").count() == 1
    _shot(page, "02b-family")


def _read_only_user_cannot_edit(browser: Any, server: dict[str, Any]) -> None:
    page, _ = _page(browser, server, "reader", PASSWORD)
    page.goto("/patients/EXAMPLE-FAMILY-1/")
    assert page.locator("text=Add HSCT").count() == 0 and page.locator("text=New assessment").count() == 0
    response = page.goto("/patients/EXAMPLE-FAMILY-1/hsct/new/")
    assert response is not None and response.status == 403
    _shot(page, "07-read-only-refused")
    page.goto("/patients/EXAMPLE-FAMILY-1/family/")
    page.wait_for_selector("#pedigree")  # the fictional example family, loaded on first start
    assert page.locator("#relative-form").count() == 0 and page.locator("a.edit").count() == 0
    page.context.close()


def _other_centre_cannot_see_the_patient(browser: Any, server: dict[str, Any]) -> None:
    page, _ = _page(browser, server, "elsewhere", PASSWORD)
    assert "EXAMPLE-FAMILY-1" not in page.content()
    response = page.goto("/patients/EXAMPLE-FAMILY-1/")
    assert response is not None and response.status == 404
    page.context.close()


def _sensitive_actions(browser: Any, server: dict[str, Any]) -> None:
    """A registry coordinator confirms who they are, exports the registry and deletes a record; the
    administrator (password, then the authenticator code) sees the users and their second factor."""
    import io
    import zipfile

    page, problems = _page(browser, server, "coordinator", PASSWORD)
    page.goto("/reauth/?next=/registry/export/")
    page.fill("#reauth-password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/registry/export/")
    page.check("#export-form input[value=csv]")
    with page.expect_download() as download:
        page.click("#export-form button[type=submit]")
    archive = zipfile.ZipFile(io.BytesIO(Path(download.value.path()).read_bytes()))
    exported = archive.read("patient.csv").decode()  # the centre's own patients; the fictional ones left out
    assert CASE in exported and "SYN-00002" not in exported and "data_dictionary.csv" in archive.namelist()
    page.goto("/patients/SYN-00002/")
    page.click("#delete-record")
    page.fill("#delete-reason", "entered twice")
    page.fill("#delete-confirm", "SYN-00002")
    _shot(page, "08-delete-record")
    page.click("#confirm-delete button[type=submit]")
    page.wait_for_url(re.compile(r".*/$"))
    assert "The record of SYN-00002 was deleted" in page.inner_text("main .message")
    assert "SYN-00002" not in page.inner_text("main table.list")
    response = page.goto("/patients/SYN-00002/")
    assert response is not None and response.status == 404
    assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p], problems
    page.context.close()

    admin, _ = _page(browser, server, "demo", server["password"], server["key"])
    admin.goto("/users/")  # just signed in: no re-authentication asked yet
    row = admin.locator("#users tr[data-user=demo]")
    assert "authenticator" in row.inner_text() and "10 recovery codes left" in row.inner_text()
    assert "required, not enrolled" not in admin.inner_text("#users tr[data-user=coordinator]")
    _shot(admin, "09-users")
    admin.context.close()


def test_web_application_in_the_browser(browser: Any, server: dict[str, Any]) -> None:
    """One test (one server start, whichever xdist worker runs it): sign in, edit the family (a refused male
    mother shown inline), enter a case with autocomplete and free text, upload the example VCF, download the
    PDF and the Phenopacket, open the report, add an HSCT and a visit, see the KM figure; a
    read-only user cannot edit; a user of another centre cannot see the patient."""
    _care_team_path(browser, server)
    _case_from_a_phenopacket(browser, server)
    _read_only_user_cannot_edit(browser, server)
    _other_centre_cannot_see_the_patient(browser, server)
    _sensitive_actions(browser, server)
