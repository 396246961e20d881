"""Faults injected where they happen in production: the database connection lost in the middle of
a transaction, the database restarted between requests, a worker killed, a full disk.

``drop_connection()`` cuts this test's own database connection. On PostgreSQL it is the real
fault: a second connection runs ``pg_terminate_backend`` on ours (what a restart, a failover or
an idle-session killer does), and psycopg raises on our next statement. SQLite has no server and
no connection to lose; there the driver's own ``OperationalError`` (as for "disk I/O error") is
raised at the same point, so the same assertions hold for what the platform does with it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest
from django.db import OperationalError, connection, connections

from tests.service.conftest import handler_a1, service_world  # noqa: F401  (fixtures)


def _terminate_own_backend() -> None:
    pid = connection.connection.info.backend_pid
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
            for _ in range(100):  # until the server has really closed it
                cursor.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid])
                if cursor.fetchone() is None:
                    return
                time.sleep(0.02)
    finally:
        other.close()


@pytest.fixture
def drop_connection() -> Iterator[Callable[[], None]]:
    def drop() -> None:
        if connection.vendor == "postgresql":
            _terminate_own_backend()
        else:
            raise OperationalError("disk I/O error")

    yield drop
    # The test's own teardown (the flush) needs a live connection again.
    if connection.connection is not None and not connection.is_usable():
        connection.close()


def drop_once_in(monkeypatch, owner, name: str, drop: Callable[[], None]) -> list:
    """Make ``owner.name`` cut the connection the first time it is called, then behave as before."""
    original = getattr(owner, name)
    calls: list = []

    def dropping(*args, **kwargs):
        calls.append(args)
        if len(calls) == 1:
            drop()
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, dropping)
    return calls
