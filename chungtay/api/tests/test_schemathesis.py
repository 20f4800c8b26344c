"""Property-based tests from the OpenAPI schema: every operation, public and staff (with a token
for a town office user), with generated input, and no response may be a server error.

The schema is loaded in-process from the WSGI app; each operation runs a small, fixed number of
Hypothesis examples so the whole file stays under a minute."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from hypothesis import HealthCheck, given, settings

from chungtay.accounts.services import token_issue

schemathesis = pytest.importorskip("schemathesis")
from schemathesis.checks import not_a_server_error  # noqa: E402

# Every operation runs, each with a bounded number of examples drawn deterministically (derandomize:
# the same examples on every run, so the time is bounded and a failure comes back on the next run).
MAX_EXAMPLES = 8  # per operation, with a token
ANONYMOUS_EXAMPLES = 3  # per operation, without


@pytest.fixture
def api_schema(world, people):
    from django.core.signals import request_finished, request_started
    from django.core.wsgi import get_wsgi_application
    from django.db import close_old_connections

    # As Django's test client does: a request must not close the connection holding the test's
    # transaction (PostgreSQL would then see "the connection is closed").
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _run_every_operation(api_schema, *, headers: dict[str, str], examples: int) -> list[str]:
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 10
    checked = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=examples,
            derandomize=True,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def run(case):
            cache.clear()  # the anonymous rate limit is tested elsewhere
            case.call_and_validate(checks=[not_a_server_error], headers=headers)

        run()
        checked.append(f"{operation.method.upper()} {operation.path}")
    return checked


def test_the_api_never_answers_a_staff_client_with_a_server_error(api_schema, people):
    _, token = token_issue(user=people.town_office, second_factor=True)
    checked = _run_every_operation(api_schema, headers={"Authorization": f"Token {token}"}, examples=MAX_EXAMPLES)
    assert "POST /api/households/" in checked and "GET /api/public/receipts/" in checked


def test_the_api_never_answers_an_anonymous_client_with_a_server_error(api_schema):
    _run_every_operation(api_schema, headers={}, examples=ANONYMOUS_EXAMPLES)
