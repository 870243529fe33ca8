"""No request, however malformed, yields a server error: schemathesis generates requests
from the OpenAPI schema, for every operation, against the app on each backend,
anonymously and as an administrator (whose requests also reach the write paths)."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from api.main import create_app

EXAMPLES_PER_OPERATION = 25


@pytest.fixture(scope="module")
def target(databases):
    """The app on a fresh demo database of its own (the fuzzing may write), and a token."""
    demo = databases.demo({"fuzzer": "admin"}, password="fuzzing-password", tokens=["fuzzer"])
    return create_app(demo.settings()), demo.tokens["fuzzer"]


def _server_errors(app, headers: dict[str, str]) -> list[str]:
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15
    for operation in operations:

        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def call(case) -> None:
            response = case.call(headers=headers)
            if response.status_code >= 500:
                failures.append(
                    f"{case.method} {case.formatted_path} {case.query or ''} "
                    f"-> {response.status_code}: {response.text[:300]}"
                )

        call()
    return failures


def test_anonymous_requests_never_fail_on_the_server(target):
    app, _token = target
    assert _server_errors(app, {}) == []


def test_administrator_requests_never_fail_on_the_server(target):
    app, token = target
    assert _server_errors(app, {"Authorization": f"Bearer {token}"}) == []
