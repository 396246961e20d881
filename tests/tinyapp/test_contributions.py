"""A new app reaches every part of the platform through the registry alone (issue 9).

The tiny app (tests/tinyapp) is installed only in the test settings and names nothing in
``core``, ``orgs`` or ``accounts``; each test finds one of its contributions where users meet it.
"""

from __future__ import annotations

import datetime

import pytest
from django.test import RequestFactory
from django.urls import reverse

from dangjian.accounts.models import Role
from dangjian.accounts.roles import builtin_role_permissions
from dangjian.core.context_processors import menu_for
from dangjian.core.periods import Period
from dangjian.core.registry import get_figure
from dangjian.core.selectors import object_type_choices
from tests.tinyapp.models import Note


def _menu(user) -> list[str]:
    request = RequestFactory().get("/")
    request.user = user
    return [entry.url_name for entry in menu_for(request)]


def test_the_menu_offers_the_apps_page_to_the_role_that_may_open_it(secretary_a, grid_worker_a, client):
    assert "tinyapp:note_list" in _menu(secretary_a)
    assert "tinyapp:note_list" not in _menu(grid_worker_a)
    client.force_login(secretary_a)
    assert client.get(reverse("tinyapp:note_list")).status_code == 200


def test_the_secretary_role_carries_the_apps_permission(db):
    assert "tinyapp.view_note" in builtin_role_permissions()["org_secretary"]
    assert "tinyapp.view_note" not in builtin_role_permissions()["grid_worker"]
    seeded = Role.objects.get(code="org_secretary").permissions.filter(content_type__app_label="tinyapp")
    assert [permission.codename for permission in seeded] == ["view_note"]


def test_the_audit_page_filter_offers_the_apps_model(client, admin):
    assert ("tinyapp.note", "tiny note") in object_type_choices()
    client.force_login(admin)
    page = client.get(reverse("core:audit_list")).content.decode()
    assert 'value="tinyapp.note"' in page


def test_the_apps_figure_is_computed_from_its_records(world):
    Note.objects.create(org=world.branch_a1, title="一", written_on=datetime.date(2026, 3, 1))
    Note.objects.create(org=world.org_a, title="二", written_on=datetime.date(2026, 4, 1))
    Note.objects.create(org=world.org_b, title="三", written_on=datetime.date(2026, 3, 2))
    figure = get_figure("tinyapp.notes")
    assert figure.compute(world.org_a, Period.year(2026)) == 2
    assert figure.compute(world.org_a, Period.month(2026, 3)) == 1
    assert figure.compute(world.street_org, Period.year(2026)) == 3
    assert figure.records_url(world.org_a, Period.year(2026)).startswith(reverse("tinyapp:note_list"))


@pytest.mark.parametrize(("persona", "shown"), [("secretary_a", True), ("grid_worker_a", False)])
def test_the_workbench_shows_the_apps_card_to_the_role_that_may_read_it(
    persona, shown, client, world, request
):
    Note.objects.create(org=world.branch_a1, title="一", written_on=datetime.date(2026, 3, 1))
    Note.objects.create(org=world.org_b, title="二", written_on=datetime.date(2026, 3, 1))
    client.force_login(request.getfixturevalue(persona))
    page = client.get(reverse("home")).content.decode()
    assert ('data-card="tinyapp_notes"' in page) is shown
    if shown:
        assert "1 notes you can read" in page
