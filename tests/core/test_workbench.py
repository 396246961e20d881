"""The workbench at /: where the user's roles apply, with links to those nodes."""

from __future__ import annotations

from django.urls import reverse


def test_workbench_lists_the_users_roles_with_links_to_their_nodes(client, secretary_a, world):
    client.force_login(secretary_a)
    page = client.get(reverse("home")).content.decode()
    assert world.org_a.name in page
    assert reverse("orgs:org_detail", kwargs={"pk": world.org_a.pk}) in page


def test_workbench_links_an_area_role_to_the_area(client, grid_worker_a, world):
    client.force_login(grid_worker_a)
    page = client.get(reverse("home")).content.decode()
    assert reverse("orgs:area_detail", kwargs={"pk": world.grid_a1.pk}) in page


def test_workbench_names_a_node_the_role_does_not_open_without_a_link(client, resident, world):
    from dangjian.accounts.choices import BuiltinRole
    from tests.factories import assign

    assign(resident, BuiltinRole.RESIDENT, world.building_a1)
    client.force_login(resident)
    page = client.get(reverse("home")).content.decode()
    assert world.building_a1.name in page
    assert reverse("orgs:area_detail", kwargs={"pk": world.building_a1.pk}) not in page
    assert client.get(reverse("orgs:area_detail", kwargs={"pk": world.building_a1.pk})).status_code == 404


def test_workbench_of_a_user_without_a_role_explains_what_to_do(client, resident):
    client.force_login(resident)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert response.context["places"] == []
    assert "dj-empty" in response.content.decode()


def test_revoked_roles_are_not_listed(client, secretary_a, world):
    secretary_a.role_assignments.update(is_active=False)
    client.force_login(secretary_a)
    assert client.get(reverse("home")).context["places"] == []


def test_workbench_needs_a_sign_in(client, db):
    # Without one, / is the landing page with its two doors (tests/core/test_landing.py).
    response = client.get(reverse("home"))
    assert "core/home.html" not in [t.name for t in response.templates]
    assert "core/landing.html" in [t.name for t in response.templates]


def test_workbench_lists_unread_notifications_as_waiting(client, secretary_a, world):
    from dangjian.core.notifications import mark_read, notify

    notify(kind="test", title="社区A提醒", org=world.branch_a1, permission="members.view_partymember")
    read = notify(kind="test", title="已读", org=world.branch_a1, permission="members.view_partymember")
    notify(kind="test", title="社区B提醒", org=world.branch_b1, permission="members.view_partymember")
    mark_read(secretary_a, read)
    client.force_login(secretary_a)
    response = client.get(reverse("home"))
    # Other apps' to-dos (三会一课 still to hold, …) are there too; the notices line counts one.
    url = reverse("core:notification_list") + "?unread=1"
    [item] = [item for item in response.context["todos"] if item.url == url]
    assert item.count == 1


def test_workbench_costs_the_same_queries_for_one_role_and_for_five(client, secretary_a, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dangjian.accounts.choices import BuiltinRole
    from tests.factories import assign

    client.force_login(secretary_a)
    client.get(reverse("home"))  # warm caches (sessions, content types)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("home"))
    # Roles that change what the page shows (a street's roll-up, a grid's card: the branches
    # have grids as jurisdiction) are not added here.
    from dangjian.orgs.choices import OrgKind
    from tests.factories import add_org

    groups = [add_org(world.org_a, f"党小组{i}", f"G000{i}", OrgKind.GROUP) for i in (1, 2, 3)]
    for node in (world.org_b, *groups):
        assign(secretary_a, BuiltinRole.ORG_STAFF, node)
    with CaptureQueriesContext(connection) as five:
        response = client.get(reverse("home"))
    assert len(response.context["places"]) == 5
    assert len(five) == len(one)
