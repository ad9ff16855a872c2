"""The family editor: relatives checked by the counsel reader, risks and drawing redone, saved and audited;
refused changes shown inline with nothing lost; the same through the API."""

from __future__ import annotations

import re

import pytest
from webworld import World

from ipexpath.errors import InputError
from ipexpath.web.family import Relative, counsel, with_relative, without_relative

BOY = Relative(id="III-1", sex="male", father="II-1", mother="II-2", affected="affected", proband=True)
FATHER = Relative(id="II-1", sex="male", affected="unaffected")
MOTHER = Relative(id="II-2", sex="female", affected="unaffected", name="mother")
HX = {"HTTP_HX_REQUEST": "true"}


def _risk(done: object, person: str) -> float:
    return float(done.risks.p_variant(person))  # type: ignore[attr-defined]


def test_an_affected_boys_mother_is_an_obligate_or_likely_carrier() -> None:
    # The X-linked model's direction, known in advance: a woman whose son has the disease is far more likely
    # than her prior to carry the variant; a father cannot pass an X-linked variant to his son.
    done = counsel("F1", [FATHER, MOTHER, BOY])
    mother = done.risks.by_id()["II-2"]
    assert mother.p_variant > 100 * mother.prior_p_variant and _risk(done, "II-1") < 0.01
    assert done.svg.lstrip().startswith("<?xml") and "<svg" in done.svg
    assert done.svg_data_uri().startswith("data:image/svg+xml;base64,")


def test_a_positive_test_in_the_mother_makes_her_a_carrier() -> None:
    tested = with_relative([FATHER, MOTHER, BOY], Relative(**{**MOTHER.as_dict(), "test": "found"}), "II-2")
    assert _risk(counsel("F1", tested), "II-2") > 0.95


@pytest.mark.parametrize(
    ("people", "message"),
    [
        ([Relative(id="II-1", sex="female"), MOTHER, BOY], "recorded as female"),  # a father who is female
        ([FATHER, Relative(id="II-2", sex="male"), BOY], "recorded as male"),  # a mother who is male
        ([MOTHER, BOY], "not in the file"),  # a father missing
        (
            [Relative(id="A", sex="male", father="B"), Relative(id="B", sex="male", father="A")],
            "ancestor",
        ),  # a loop: each is the other's father
        ([Relative(id="<script>", sex="male")], "not usable"),
        ([], "no people"),
    ],
)
def test_impossible_families_are_refused_with_a_reason(people: list[Relative], message: str) -> None:
    with pytest.raises(InputError, match=message):
        counsel("F1", people)


def test_renaming_a_parent_renames_them_in_the_children_and_one_proband_only() -> None:
    renamed = with_relative([FATHER, MOTHER, BOY], Relative(**{**MOTHER.as_dict(), "id": "II-4"}), "II-2")
    assert [p.id for p in renamed] == ["II-1", "II-4", "III-1"] and renamed[2].mother == "II-4"
    sister = Relative(id="III-2", sex="female", father="II-1", mother="II-4", proband=True)
    both = with_relative(renamed, sister)
    assert [p.id for p in both if p.proband] == ["III-2"]
    with pytest.raises(InputError, match="already has the id"):
        with_relative(both, Relative(id="III-1", sex="male"))
    assert [p.id for p in without_relative(both, "III-2")] == ["II-1", "II-4", "III-1"]


def _post(client: object, pseudonym: str, **fields: str) -> str:
    data = {"sex": "unknown", "affected": "unknown", **fields}
    response = client.post(f"/patients/{pseudonym}/family/person/", data, **HX)  # type: ignore[attr-defined]
    assert response.status_code == 200
    return str(response.content.decode())


def test_editing_the_family_in_the_page_redraws_saves_and_audits(world: World) -> None:
    from ipexpath.registry.models import AuditEvent
    from ipexpath.web.models import FamilyRecord

    client = world.client("genetic_counsellor")
    page = client.get(f"/patients/{world.patient_a}/family/").content.decode()
    assert "No family entered yet" in page and 'id="relative-form"' in page
    first = _post(client, world.patient_a, id="II-2", sex="female", name="mother", affected="unaffected")
    assert 'id="pedigree"' in first and "II-2 added" in first
    _post(client, world.patient_a, id="II-1", sex="male", affected="unaffected")
    fragment = _post(
        client, world.patient_a, id="III-1", sex="male", father="II-1", mother="II-2", affected="affected",
        proband="on",
    )  # fmt: skip
    assert fragment.startswith('<div id="family-editor">')  # htmx gets the editor only, not the whole page
    drawing = re.search(r'id="pedigree" src="([^"]+)"', fragment)
    assert drawing is not None and drawing.group(1) != re.search(r'src="([^"]+)"', first).group(1)  # type: ignore[union-attr]
    assert "Future pregnancies" in fragment
    record = FamilyRecord.objects.get(patient__pseudonym=world.patient_a)
    assert [r["id"] for r in record.relatives] == ["II-2", "II-1", "III-1"]
    assert record.relatives[2]["mother"] == "II-2" and record.relatives[2]["proband"] is True
    changes = AuditEvent.objects.filter(model="FamilyRecord", patient_pseudonym=world.patient_a)
    assert sorted(changes.values_list("action", flat=True)) == ["create", "update", "update"]

    # a mother who is male is refused inline; what was typed stays in the form; nothing is saved
    refused = _post(client, world.patient_a, original="II-2", id="II-2", sex="male", name="mother typed")
    assert 'id="family-error"' in refused and "recorded as male" in refused
    assert 'value="mother typed"' in refused
    assert FamilyRecord.objects.get(pk=record.pk).relatives == record.relatives

    # removing a parent is refused (the child would lose her); removing the child is fine
    removed = client.post(f"/patients/{world.patient_a}/family/remove/", {"person": "II-1"}, **HX)
    assert "not in the file" in removed.content.decode()
    client.post(f"/patients/{world.patient_a}/family/remove/", {"person": "III-1"}, **HX)
    assert [r["id"] for r in FamilyRecord.objects.get(pk=record.pk).relatives] == ["II-2", "II-1"]

    # the edit link fills the form with the relative
    edit = client.get(f"/patients/{world.patient_a}/family/", {"edit": "II-2"}, **HX).content.decode()
    assert 'name="original" value="II-2"' in edit and "Change II-2" in edit


def test_without_javascript_the_form_posts_and_redirects(world: World) -> None:
    client = world.client("clinician")
    response = client.post(
        f"/patients/{world.patient_a}/family/person/", {"id": "P", "sex": "male", "affected": "affected"}
    )
    assert response.status_code == 302 and response["Location"].endswith("/family/")
    bad = client.post(f"/patients/{world.patient_a}/family/person/", {"id": "Q", "sex": "robot"})
    assert bad.status_code == 400 and "correct the marked fields" in bad.content.decode()


def test_read_only_sees_the_family_but_cannot_edit_it(world: World) -> None:
    reader = world.client("read_only")
    page = reader.get(f"/patients/{world.patient_a}/family/")
    assert page.status_code == 200 and 'id="relative-form"' not in page.content.decode()
    refused = reader.post(f"/patients/{world.patient_a}/family/person/", {"id": "X", "sex": "male"})
    assert refused.status_code == 403
    assert world.client("other").get(f"/patients/{world.patient_a}/family/").status_code == 404


def test_hostile_relationship_text_is_escaped_in_the_page_and_the_drawing(world: World) -> None:
    import base64

    client = world.client("clinician")
    hostile = "<img src=x onerror=alert(1)>"
    fragment = _post(client, world.patient_a, id="I-1", sex="male", name=hostile)
    assert hostile not in fragment and "&lt;img src=x onerror=alert(1)&gt;" in fragment
    uri = re.search(r'id="pedigree" src="data:image/svg\+xml;base64,([^"]+)"', fragment)
    assert uri is not None and "<img" not in base64.b64decode(uri.group(1)).decode()


def test_family_api_replaces_checks_and_returns_risks(world: World) -> None:
    client = world.client("clinician")
    url = f"/api/patients/{world.patient_a}/family"
    people = [p.as_dict() for p in (FATHER, MOTHER, BOY)]
    saved = client.put(url, {"relatives": people}, content_type="application/json")
    assert saved.status_code == 200, saved.content
    risks = {r["id"]: r["p_variant"] for r in saved.json()["risks"]}
    assert risks["II-2"] > 0.1 > risks["II-1"] and "<svg" in saved.json()["svg"]
    wrong = [p.as_dict() for p in (FATHER, Relative(id="II-2", sex="male"), BOY)]
    refused = client.put(url, {"relatives": wrong}, content_type="application/json")
    assert refused.status_code == 400 and "recorded as male" in refused.json()["detail"]
    assert [r["id"] for r in client.get(url).json()["relatives"]] == ["II-1", "II-2", "III-1"]
    reader = world.client("read_only")
    assert reader.put(url, {"relatives": people}, content_type="application/json").status_code == 403
