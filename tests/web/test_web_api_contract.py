"""API contract: schemathesis generates requests from /api/openapi.json and sends them to the application on a
loopback server (this test process's WSGI app in a thread, on the test database); no request may get a 500.

Bounded: a few examples per operation (`MAX_EXAMPLES`), as an administrator with a bearer token (every
operation allowed), with every generated pseudonym replaced by a real patient of the administrator's centre so
that generated bodies and queries reach the handlers instead of stopping at a 404.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
from webworld import PASSWORD, wipe

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, Phase, settings  # noqa: E402
from schemathesis import GenerationMode  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402

MAX_EXAMPLES = 6
PATIENT = "API-CONTRACT-1"


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # no access log (URLs carry pseudonyms)
        return


class _ThreadingServer(WSGIServer):
    daemon_threads = True


@pytest.fixture(scope="module")
def loopback() -> Iterator[dict[str, str]]:
    """The web application on 127.0.0.1 (a free port) with an administrator, a token and one patient."""
    from django.core.wsgi import get_wsgi_application

    from ipexpath.registry.bootstrap import migrate
    from ipexpath.registry.models import Centre, Patient
    from ipexpath.web.accounts import create_user
    from ipexpath.web.models import ApiToken
    from ipexpath.web.roles import Role

    migrate()
    wipe()
    user = create_user("contract-admin", Role.ADMINISTRATOR, ["centre-a"], PASSWORD)
    Patient.objects.create(pseudonym=PATIENT, centre=Centre.objects.get(code="centre-a"), birth_year=2025)
    token = ApiToken.issue(user, "schemathesis")
    server = make_server(
        "127.0.0.1", 0, get_wsgi_application(), server_class=_ThreadingServer, handler_class=_Quiet
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield {"base": f"http://127.0.0.1:{server.server_port}", "token": token}
    finally:
        server.shutdown()
        server.server_close()
        wipe()


def test_no_generated_request_gets_a_server_error(loopback: dict[str, str]) -> None:
    """Every operation of the published schema, valid and invalid inputs (schemathesis' positive and negative
    generation), MAX_EXAMPLES each: every response is anything but a 5xx."""
    from hypothesis import given
    from hypothesis import strategies as st

    api_schema = schemathesis.openapi.from_url(f"{loopback['base']}/api/openapi.json")
    headers = {"Authorization": f"Bearer {loopback['token']}"}
    failures: list[str] = []
    statuses: list[int] = []
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 15

    for operation in operations:
        strategy = st.one_of(
            operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE)
        )

        @given(case=strategy)
        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def check(case: Any) -> None:
            if case.path_parameters and "pseudonym" in case.path_parameters:
                case.path_parameters["pseudonym"] = PATIENT  # a real patient: bodies reach the handlers
            try:
                response = case.call_and_validate(
                    base_url=loopback["base"], headers=headers, checks=[not_a_server_error], timeout=60
                )
                statuses.append(response.status_code)
            except Exception as exc:  # collect, so one run reports every operation that fails
                failures.append(f"{case.operation.label}: {str(exc)[:300]}")

        check()
    assert not failures, "\n".join(failures[:20])
    assert len(statuses) >= 2 * len(operations)  # every operation was called, more than once
    assert any(200 <= code < 300 for code in statuses) and any(code in (400, 422) for code in statuses)
