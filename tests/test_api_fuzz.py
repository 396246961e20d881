"""schemathesis over both APIs, in-process: every operation of ``/api/v1/openapi.json`` and of the
Open311 description (``/open311/v2/openapi.json``) with generated valid and invalid input.

Each operation gets a bounded, reproducible run (``derandomize``: the same cases on every machine
and every run, so CI does not flake and a failure replays). The checks: no answer is a 5xx, every
status is one the document lists for the operation, and every documented answer matches its schema.

The requests go through Django's WSGI handler in the test's own thread and database connection,
so they run inside pytest-django's test transaction (``db``, not ``transactional_db``: nothing is
committed, and the world is built once per module run instead of flushed per example). Each case
runs in a savepoint that is rolled back after it, so a POST or DELETE of one example never changes
what the next one sees, and a database error inside one case (PostgreSQL aborts the transaction)
cannot spill into the next.

Run alone: ``PYTHONPATH=src .venv/bin/python -m pytest -n 0 tests/test_api_fuzz.py`` (docs/security.md
gives the times); ``FUZZ_EXAMPLES=50`` runs more cases per operation.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from dangjian.accounts.choices import TokenScope
from dangjian.accounts.tokens import issue_token

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "8"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
ALL_SCOPES = [TokenScope.READ, TokenScope.WRITE, TokenScope.REVEAL, TokenScope.EXPORT]


@pytest.fixture
def in_process_app():
    """Django's WSGI handler, kept from closing the test's connection around each request.

    ``close_old_connections`` runs on request start and finish; inside the test transaction it
    would close the connection and lose the transaction. Django's test client disconnects it the
    same way.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _operation_test(operation, headers: dict[str, str]):
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )
    @given(case=operation.as_strategy())
    def run(case):
        with transaction.atomic():
            try:
                case.call_and_validate(headers=headers, checks=CHECKS)
            finally:
                transaction.set_rollback(True)

    return run


def _fuzz(schema, headers: dict[str, str]) -> list[str]:
    """Run every operation of ``schema``; the failures as text (all of them, not only the first)."""
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()
        try:
            _operation_test(operation, headers)()
        except (Exception, BaseExceptionGroup) as exc:  # every operation runs; all failures named
            failures.append(f"{operation.label}: {exc}")
    return failures


def test_the_api_answers_generated_requests_without_5xx_and_as_documented(
    in_process_app, world, district_admin
):
    _, token = issue_token(district_admin, "fuzz", by=district_admin, scopes=ALL_SCOPES)
    headers = {"Authorization": f"Bearer {token}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", in_process_app, headers=headers)

    failures = _fuzz(schema, headers)

    assert failures == [], "\n\n".join(failures)
