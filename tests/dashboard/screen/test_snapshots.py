"""The big screen's kept values: a poll reads the row the worker refreshes, and computes only when
no row is young enough (no worker running)."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dangjian.dashboard.models import ScreenSnapshot
from dangjian.dashboard.screen import content, snapshots
from dangjian.dashboard.tasks import refresh_screen_snapshots
from dangjian.members.models import GridWorker
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

DATA = "dashboard:screen_data"
WORKERS = "members.grid_workers"


def workers_shown(client) -> str:
    response = client.get(reverse(DATA))
    assert response.status_code == 200, response.content[:300]
    return next(figure["shown"] for figure in response.json()["figures"] if figure["key"] == WORKERS)


def add_grid_worker(world) -> None:
    GridWorker.objects.create(
        person=PersonFactory(name="新网格员"), area=world.grid_a1, kind="full_time", is_active=True
    )


def age_rows(**delta) -> None:
    ScreenSnapshot.objects.update(computed_at=timezone.now() - datetime.timedelta(**delta))
    cache.clear()


def test_the_first_visit_writes_the_rows_and_a_later_poll_reads_them_without_computing(
    client, district_admin, monkeypatch
):
    client.force_login(district_admin)
    first = workers_shown(client)
    kinds = sorted(ScreenSnapshot.objects.values_list("kind", flat=True))
    assert kinds == ["series", "values", "values"]  # the period's figures, the counts "now", the trends

    cache.clear()  # another process, or the half minute is over

    def refuse(*args, **kwargs):
        raise AssertionError("computed")

    monkeypatch.setattr(content, "compute_key_figures", refuse)
    monkeypatch.setattr(content, "compute_series", refuse)
    with CaptureQueriesContext(connection) as queries:
        assert workers_shown(client) == first
    assert sum("dashboard_screensnapshot" in query["sql"] for query in queries) <= 3


def test_the_worker_recomputes_a_watched_row_and_the_next_poll_shows_the_new_value(
    client, district_admin, world
):
    client.force_login(district_admin)
    before = int(workers_shown(client))
    add_grid_worker(world)
    assert int(workers_shown(client)) == before  # kept: the worker has not run yet
    age_rows(minutes=2)
    # The two groups of headline figures; the trends are kept ten minutes.
    assert refresh_screen_snapshots.call() == 2
    assert int(workers_shown(client)) == before + 1


def test_the_worker_leaves_rows_younger_than_a_minute(client, district_admin):
    client.force_login(district_admin)
    workers_shown(client)
    assert snapshots.refresh_screen_snapshots() == 0


def test_without_a_worker_a_row_past_its_age_is_computed_again_in_the_request(client, district_admin, world):
    client.force_login(district_admin)
    before = int(workers_shown(client))
    add_grid_worker(world)
    age_rows(minutes=6)  # older than SERVE_FOR of the headline figures
    assert int(workers_shown(client)) == before + 1
    [row] = [row for row in ScreenSnapshot.objects.filter(kind="values") if WORKERS in row.figure_keys]
    assert timezone.now() - row.computed_at < datetime.timedelta(minutes=1)


def test_rows_nobody_reads_are_not_refreshed_and_are_dropped_after_a_day(client, district_admin):
    client.force_login(district_admin)
    workers_shown(client)
    now = timezone.now()
    ScreenSnapshot.objects.update(
        computed_at=now - datetime.timedelta(hours=1), read_at=now - datetime.timedelta(minutes=20)
    )
    assert snapshots.refresh_screen_snapshots() == 0
    assert ScreenSnapshot.objects.count() == 3
    ScreenSnapshot.objects.update(read_at=now - datetime.timedelta(days=2))
    snapshots.refresh_screen_snapshots()
    assert not ScreenSnapshot.objects.exists()


def test_the_rows_of_a_deactivated_node_are_dropped(client, district_admin, world):
    client.force_login(district_admin)
    workers_shown(client)
    age_rows(minutes=2)
    for row in ScreenSnapshot.objects.all():  # the node the district admin's screen shows
        content.TREES[row.tree].objects.filter(pk=row.node_id).update(is_active=False)
    assert snapshots.refresh_screen_snapshots() == 0
    assert not ScreenSnapshot.objects.exists()


def test_a_rate_keeps_its_exact_decimal_through_the_row():
    from decimal import Decimal

    value = {
        "service.on_time_rate": Decimal("0.99649"),
        "service.received": 12,
        "x": None,
        "s": [Decimal("1.5"), 2],
    }
    assert snapshots.decode(snapshots.encode(value)) == value
