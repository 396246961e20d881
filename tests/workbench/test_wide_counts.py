"""The apps' counts on a wide 工作台 (core.workbench.wide_counts): a street's or the district's
volunteers, claims, wishes, hours to confirm … are read from a snapshot the worker refreshes as a
user holding the same grants. The snapshot gives what the live count gives, is shared by users
with the same grants, is never served to a user with other grants, and is refreshed or dropped by
the worker."""

from __future__ import annotations

import datetime
import re

from django.urls import reverse
from django.utils import timezone

from dangjian.accounts.roles import BuiltinRole
from dangjian.core import workbench
from dangjian.core.models import WorkbenchSnapshot
from dangjian.volunteering.ledger.registry import staff_card, staff_counts
from tests.factories import UserFactory, assign
from tests.volunteering.helpers import volunteer
from tests.workbench.data import build, street_secretary

HOME = reverse("home")


def _volunteers(world, count: int, area=None, org=None) -> None:
    for number in range(count):
        volunteer(area or world.grid_a1, org or world.org_a, f"张志愿{number}")


def test_a_street_reads_the_volunteers_from_a_snapshot_equal_to_the_live_count(world):
    _volunteers(world, 3)
    _volunteers(world, 2, world.community_b, world.org_b)
    street = street_secretary(world)

    card = staff_card(street)

    assert card["total"] == staff_counts(street)["total"] == 5
    assert WorkbenchSnapshot.objects.filter(key__startswith="volunteering.volunteers").count() == 1


def test_a_community_secretary_counts_live_keeps_it_a_minute_and_keeps_no_snapshot(world, secretary_a):
    from django.core.cache import cache

    _volunteers(world, 3)
    _volunteers(world, 2, world.community_b, world.org_b)

    assert staff_card(secretary_a)["total"] == 3
    volunteer(world.grid_a1, world.org_a, "李新来")
    assert staff_card(secretary_a)["total"] == 3  # the minute's cache (CACHE_SECONDS)
    cache.clear()
    assert staff_card(secretary_a)["total"] == 4
    assert not WorkbenchSnapshot.objects.exists()


def test_the_snapshot_holds_until_the_worker_refreshes_it(world):
    _volunteers(world, 3)
    street = street_secretary(world)
    assert staff_card(street)["total"] == 3

    volunteer(world.grid_a1, world.org_a, "李新来")
    assert staff_card(street)["total"] == 3  # read from the snapshot

    assert workbench.refresh_workbench_snapshots() == 1
    assert staff_card(street)["total"] == 4


def test_a_stale_snapshot_is_counted_again(world):
    _volunteers(world, 3)
    street = street_secretary(world)
    staff_card(street)
    volunteer(world.grid_a1, world.org_a, "李新来")
    WorkbenchSnapshot.objects.update(
        computed_at=timezone.now() - workbench.SNAPSHOT_MAX_AGE - datetime.timedelta(minutes=1)
    )

    assert staff_card(street)["total"] == 4


def test_users_with_the_same_grants_share_one_row_and_other_grants_get_their_own(world, district_admin):
    _volunteers(world, 3)
    _volunteers(world, 2, world.community_b, world.org_b)
    first = street_secretary(world)
    second = UserFactory(username="street_deputy")
    assign(second, BuiltinRole.ORG_SECRETARY, world.street_org)

    staff_card(first)
    staff_card(second)
    assert WorkbenchSnapshot.objects.count() == 1

    staff_card(district_admin)
    assert WorkbenchSnapshot.objects.count() == 2
    assert workbench.scope_signature(first, "volunteering.view_volunteer") != workbench.scope_signature(
        district_admin, "volunteering.view_volunteer"
    )


def test_the_worker_drops_the_row_of_a_user_whose_grants_changed(world):
    from dangjian.accounts.models import RoleAssignment

    _volunteers(world, 3)
    street = street_secretary(world)
    staff_card(street)
    RoleAssignment.objects.filter(user=street).delete()

    assert workbench.refresh_workbench_snapshots() == 0
    assert not WorkbenchSnapshot.objects.exists()


def _counts(html: str) -> list[tuple[str, str]]:
    return re.findall(r'data-count="([^"]+)">(\d+)<', html)


def test_the_street_home_page_shows_the_same_numbers_from_the_snapshots(client, world, service_world):
    """Every app's to-dos and cards on a street's 工作台 give the same numbers read from the
    snapshots (refreshed by the worker) as counted live."""
    build(world, service_world, 6)
    _volunteers(world, 3)
    street = street_secretary(world)
    client.force_login(street)
    live = _counts(client.get(HOME).content.decode())
    assert WorkbenchSnapshot.objects.exists()

    assert workbench.refresh_workbench_snapshots() == WorkbenchSnapshot.objects.count()
    from_snapshots = _counts(client.get(HOME).content.decode())

    assert live and from_snapshots == live


def test_the_worker_drops_rows_older_than_a_day(world):
    _volunteers(world, 3)
    street = street_secretary(world)
    staff_card(street)
    WorkbenchSnapshot.objects.update(created_at=timezone.now() - datetime.timedelta(days=1, minutes=1))

    assert workbench.refresh_workbench_snapshots() == 0
    assert not WorkbenchSnapshot.objects.exists()
