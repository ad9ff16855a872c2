"""Server errors: logged with the request id, view name, exception type and frames — never the URL, query
string, body or exception message (patient data) — and answered with a friendly page quoting the id."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from webworld import World

SECRET = "PATIENT-SECRET-TEXT"


class Collect(logging.Handler):
    """Keeps the formatted records of one logger."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture()
def error_log() -> Iterator[Collect]:
    handler = Collect()
    logger = logging.getLogger("ipexpath.web.errors")
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)


def _explode(*args: object, **kwargs: object) -> None:
    raise KeyError(f"{SECRET} in the case")


def test_a_page_error_is_logged_without_patient_data_and_shows_the_request_id(
    world: World, error_log: Collect, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ipexpath.web import views

    monkeypatch.setattr(views, "oi_history", _explode)
    client = world.client("clinician")
    client.raise_request_exception = False
    response = client.get(f"/patients/{world.patient_a}/?q={SECRET}")
    assert response.status_code == 500
    ident = response["X-Request-Id"]
    page = response.content.decode()
    assert ident in page and "Something went wrong" in page
    assert SECRET not in page and "Traceback" not in page and "KeyError" not in page
    assert "script" not in page.lower()
    assert len(error_log.lines) == 1
    line = error_log.lines[0]
    assert f"request_id={ident}" in line
    assert "view=patient" in line and "exception=builtins.KeyError" in line
    assert "ipexpath/web/views.py" in line and "in patient_page" in line
    assert SECRET not in line and world.patient_a not in line and "/patients/" not in line


def test_an_api_error_answers_json_with_the_request_id(
    world: World, error_log: Collect, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ipexpath.web import views

    monkeypatch.setattr(views, "oi_history", _explode)
    client = world.client("clinician")
    client.raise_request_exception = False
    response = client.post(
        f"/api/patients/{world.patient_a}/visits",
        data={"visit_date": "2026-01-01", "infections": SECRET},
        content_type="application/json",
    )
    assert response.status_code == 201  # no error here: a normal request keeps working
    response = client.get(f"/api/patients/{world.patient_a}")
    assert response.status_code == 500
    body = response.json()
    assert body["request_id"] == response["X-Request-Id"]
    assert SECRET not in response.content.decode()
    assert len(error_log.lines) == 1 and body["request_id"] in error_log.lines[0]
    assert SECRET not in error_log.lines[0] and world.patient_a not in error_log.lines[0]


def test_every_response_carries_a_fresh_request_id(world: World) -> None:
    client = world.client()
    first = client.get("/signin/", HTTP_X_REQUEST_ID="0123456789abcdef")["X-Request-Id"]
    second = client.get("/signin/")["X-Request-Id"]
    assert first != second and first != "0123456789abcdef"
    assert len(first) == 16
