"""The wide 工作台's snapshots (core.workbench, "snapshots"): a street's or the district's arrears
and 三会一课 still to hold are read from per-organization rows the worker refreshes, and those rows
give exactly what the live count gives; narrow scopes and a stale snapshot count live."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from dangjian.core import workbench
from dangjian.dues import snapshot as dues_snapshot
from dangjian.dues import workbench as dues_workbench
from dangjian.dues.ledger import last_due_month
from dangjian.dues.models import ArrearsSnapshot, DuesPayment
from dangjian.life import snapshot as life_snapshot
from dangjian.life import workbench as life_workbench
from dangjian.life.models import OutstandingSnapshot
from dangjian.orgs.models import Organization
from tests.workbench.data import build, street_secretary

HOME = reverse("home")


def _rollup_cells(html: str, org: Organization) -> dict[str, int]:
    row = re.findall(rf'<tr data-org="{org.pk}">.*?</tr>', html, flags=re.S)[0]
    return {key: int(count) for key, count in re.findall(r'data-count="([^"]+)">(\d+)<', row)}


def _live(user) -> dict[str, int]:
    return dues_workbench._live_counts(user)


def test_a_street_is_wide_and_a_community_secretary_is_not(world, secretary_a, district_admin, admin):
    assert workbench.is_wide(street_secretary(world), "dues.view_duespayment")
    assert workbench.is_wide(district_admin, "dues.view_duespayment")
    assert workbench.is_wide(admin, "dues.view_duespayment")
    assert not workbench.is_wide(secretary_a, "dues.view_duespayment")


def test_the_arrears_snapshot_gives_the_live_counts_for_every_wide_user(
    world, service_world, district_admin, admin, secretary_a_grid_worker_b
):
    build(world, service_world, 6)
    street = street_secretary(world)
    written = dues_snapshot.refresh_arrears_snapshot()

    assert written == Organization.objects.count()
    for user in (street, district_admin, admin, secretary_a_grid_worker_b):
        from_snapshot = dues_snapshot.snapshot_counts(user, last_due_month())
        assert from_snapshot is not None
        assert from_snapshot[0] == _live(user), user.username
    assert sum(row.behind for row in ArrearsSnapshot.objects.all()) > 0


def test_the_street_rollup_from_the_snapshots_equals_the_live_rollup(client, world, service_world):
    build(world, service_world, 6)
    user = street_secretary(world)
    client.force_login(user)
    live = client.get(HOME).content.decode()
    dues_snapshot.refresh_arrears_snapshot()
    life_snapshot.refresh_outstanding_snapshot()
    from django.core.cache import cache

    cache.clear()
    snapshot_html = client.get(HOME).content.decode()

    for org in (world.org_a, world.org_b):
        assert _rollup_cells(snapshot_html, org) == _rollup_cells(live, org), org.name
    assert any(key.startswith("dues.") for key in _rollup_cells(live, world.org_a))
    assert any(key.startswith("life.") for key in _rollup_cells(live, world.org_a))


def test_the_outstanding_snapshot_equals_the_live_computation(world, service_world):
    build(world, service_world, 6)
    root = Organization.objects.get(pk=world.street_org.pk)
    life_snapshot.refresh_outstanding_snapshot()

    assert life_snapshot.snapshot_outstanding(root) == life_workbench._compute(root.pk, root.path)
    assert OutstandingSnapshot.objects.filter(is_short=True).exists()


def test_a_stale_or_missing_snapshot_is_not_used(world, service_world):
    build(world, service_world, 3)
    user = street_secretary(world)
    root = Organization.objects.get(pk=world.street_org.pk)
    assert dues_snapshot.snapshot_counts(user, last_due_month()) is None
    assert life_snapshot.snapshot_outstanding(root) is None

    dues_snapshot.refresh_arrears_snapshot()
    life_snapshot.refresh_outstanding_snapshot()
    old = timezone.now() - workbench.SNAPSHOT_MAX_AGE - datetime.timedelta(minutes=1)
    ArrearsSnapshot.objects.update(computed_at=old)
    OutstandingSnapshot.objects.update(computed_at=old)

    assert dues_snapshot.snapshot_counts(user, last_due_month()) is None
    assert life_snapshot.snapshot_outstanding(root) is None


def test_a_community_secretary_sees_a_payment_at_once_while_the_street_sees_it_at_the_next_refresh(
    client, world, service_world, secretary_a
):
    build(world, service_world, 6)
    dues_snapshot.refresh_arrears_snapshot()
    street = street_secretary(world)
    month = last_due_month()
    behind_before = dues_workbench._arrears(secretary_a, "behind")
    member = behind_before.first()
    assert member is not None
    street_before = dues_snapshot.snapshot_counts(street, month)[0]["behind"]
    secretary_before = dues_workbench._live_counts(secretary_a)["behind"]

    DuesPayment.objects.create(
        member=member,
        org=member.org,
        month=month,
        amount_due="1.00",
        amount_paid="1.00",
        paid_on=timezone.localdate(),
        method="cash",
    )
    from django.core.cache import cache

    cache.clear()
    assert dues_workbench._live_counts(secretary_a)["behind"] == secretary_before - 1
    assert dues_snapshot.snapshot_counts(street, month)[0]["behind"] == street_before
    dues_snapshot.refresh_arrears_snapshot()
    assert dues_snapshot.snapshot_counts(street, month)[0]["behind"] == street_before - 1


def test_the_snapshots_are_refreshed_by_periodic_jobs():
    from dangjian.core.scheduler import registered_jobs

    jobs = {job.name: job for job in registered_jobs()}
    for name in (
        "dangjian.dues.tasks.refresh_arrears_snapshot",
        "dangjian.life.tasks.refresh_outstanding_snapshot",
    ):
        assert jobs[name].every == workbench.SNAPSHOT_EVERY


@pytest.mark.parametrize("runs", [1, 2])
def test_refreshing_twice_keeps_one_row_per_organization(world, runs):
    for _ in range(runs):
        dues_snapshot.refresh_arrears_snapshot()
    assert ArrearsSnapshot.objects.count() == Organization.objects.count()
    assert set(ArrearsSnapshot.objects.values_list("month", flat=True)) == {last_due_month()}


def test_the_key_figures_from_the_snapshot_equal_the_live_ones(world, service_world):
    from dangjian.orgs import snapshot as orgs_snapshot
    from dangjian.orgs.workbench import KEY_FIGURES, key_figures_period

    build(world, service_world, 6)
    root = Organization.objects.get(pk=world.street_org.pk)
    period = key_figures_period()
    keys = [key for key, _dated in KEY_FIGURES]
    assert orgs_snapshot.snapshot_key_figures(root, period, keys) is None

    written = orgs_snapshot.refresh_key_figure_snapshot()

    assert (
        written == Organization.objects.filter(kind__in=("district_committee", "working_committee")).count()
    )
    values, _at = orgs_snapshot.snapshot_key_figures(root, period, keys)
    live = orgs_snapshot.compute_key_figures(root, period, keys)
    assert values == live
    assert set(values) == set(keys)
    assert {key: type(value) for key, value in values.items()} == {
        key: type(value) for key, value in live.items()
    }


def test_the_street_page_shows_the_same_key_figures_from_the_snapshot(client, world, service_world):
    from dangjian.orgs import snapshot as orgs_snapshot

    build(world, service_world, 6)
    client.force_login(street_secretary(world))
    pattern = r'data-figure="([^"]+)">.*?fs-4 fw-semibold">([^<]+)<'
    live = dict(re.findall(pattern, client.get(HOME).content.decode(), re.S))
    orgs_snapshot.refresh_key_figure_snapshot()
    from django.core.cache import cache

    cache.clear()
    from_snapshot = dict(re.findall(pattern, client.get(HOME).content.decode(), re.S))

    assert live and from_snapshot == live
