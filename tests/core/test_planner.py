"""Planner settings: pages plan without parallel workers; the aggregates that ask get them back."""

from __future__ import annotations

import pytest
from django.db import connection

from dangjian.core.planner import parallel_plans, planner_settings

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="planner settings are PostgreSQL's"),
]


def _setting(name: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SHOW {name}")
        return cursor.fetchone()[0]


def test_a_connection_starts_without_parallel_workers():
    assert _setting("max_parallel_workers_per_gather") == "0"


def test_parallel_plans_gives_the_configured_workers_and_takes_them_back(settings):
    settings.PG_PARALLEL_WORKERS = 2
    with parallel_plans():
        assert _setting("max_parallel_workers_per_gather") == "2"
    assert _setting("max_parallel_workers_per_gather") == "0"


def test_parallel_plans_with_no_workers_configured_changes_nothing(settings):
    settings.PG_PARALLEL_WORKERS = 0
    with parallel_plans():
        assert _setting("max_parallel_workers_per_gather") == "0"


def test_planner_settings_are_restored_after_an_error():
    with pytest.raises(ValueError), planner_settings(enable_seqscan="off"):
        assert _setting("enable_seqscan") == "off"
        raise ValueError("boom")
    assert _setting("enable_seqscan") == "on"
