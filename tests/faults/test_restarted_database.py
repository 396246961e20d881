"""A database restarted between requests (issue 15, point 11): the next request succeeds
without restarting the application, because a kept connection is checked before it is reused
(``CONN_HEALTH_CHECKS``). Requests go through Django's WSGI handler, as granian calls it, so the
request-start check runs as in production. PostgreSQL only."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.test import RequestFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite is a file opened by the process: there is no server to restart and no connection to lose",
    ),
]

PAGE = "/open311/v2/services.json"  # anonymous, and it reads the database


def _get(path: str) -> int:
    statuses: list[str] = []
    environ = RequestFactory()._base_environ(PATH_INFO=path, REQUEST_METHOD="GET")
    response = WSGIHandler()(environ, lambda status, headers, exc_info=None: statuses.append(status))
    b"".join(response)
    response.close()  # request_finished: the connection is kept (CONN_MAX_AGE) or closed
    return int(statuses[0].split()[0])


@pytest.fixture
def production(settings):
    settings.DEBUG = False


def test_connections_are_kept_and_health_checked():
    assert settings.DATABASES["default"]["CONN_MAX_AGE"] > 0
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True


def test_after_the_database_cut_every_connection_the_next_request_succeeds(
    production, service_world, drop_connection
):
    assert _get(PAGE) == 200
    assert connection.connection is not None  # kept for the next request

    drop_connection()  # what a restart does to every connection

    assert _get(PAGE) == 200


def test_without_the_health_check_the_first_request_after_a_restart_would_fail(
    production, service_world, drop_connection
):
    """Why the setting is there: the dead connection is reused once and that request fails
    (with the 503 page rather than a trace), before Django drops the connection."""
    connection.close()
    connection.settings_dict["CONN_HEALTH_CHECKS"] = False
    try:
        assert _get(PAGE) == 200
        drop_connection()

        assert _get(PAGE) == 503
        assert _get(PAGE) == 200
    finally:
        connection.settings_dict["CONN_HEALTH_CHECKS"] = True
        connection.close()
