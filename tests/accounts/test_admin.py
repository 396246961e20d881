"""The admin pages of accounts: masked mobiles, and role assignments only through the services."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dangjian.accounts.choices import BuiltinRole
from dangjian.accounts.models import Role, RoleAssignment, User
from dangjian.core.choices import AuditAction
from dangjian.core.models import AuditEntry
from tests.factories import UserFactory


@pytest.fixture
def member(db):
    user = UserFactory(username="zhangwei")
    user.mobile = "13812345678"
    user.save()
    return user


def test_user_list_shows_the_mobile_masked(client, admin, member):
    client.force_login(admin)
    page = client.get(reverse("admin:accounts_user_changelist")).content.decode()
    assert "138****5678" in page
    assert "13812345678" not in page


def test_setting_a_mobile_in_the_admin_stores_it_encrypted(client, admin, member):
    client.force_login(admin)
    url = reverse("admin:accounts_user_change", args=[member.pk])
    form = client.get(url).context["adminform"].form
    data = {key: value for key, value in form.initial.items() if value is not None and key != "password"}
    data.update(
        {
            "username": "zhangwei",
            "new_mobile": "13987654321",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
            "is_active": "on",
        }
    )
    data.pop("date_joined", None)
    data.pop("last_login", None)
    data.pop("person", None)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    member.refresh_from_db()
    assert member.mobile_masked == "139****4321"
    assert member.mobile.clear() == "13987654321"
    assert member.mobile_cipher != "13987654321"


def test_an_invalid_mobile_is_refused_in_the_admin(client, admin, member):
    client.force_login(admin)
    url = reverse("admin:accounts_user_change", args=[member.pk])
    response = client.post(url, {"username": "zhangwei", "new_mobile": "12345"})
    assert response.status_code == 200
    assert "new_mobile" in response.context["adminform"].form.errors


def test_adding_a_role_assignment_in_the_admin_goes_through_the_service(client, admin, member, world):
    client.force_login(admin)
    role = Role.objects.get(code=BuiltinRole.ORG_STAFF)
    response = client.post(
        reverse("admin:accounts_roleassignment_add"),
        {"user": member.pk, "role": role.pk, "org": world.org_a.pk, "area": ""},
    )
    assert response.status_code == 302
    assignment = RoleAssignment.objects.get(user=member)
    assert AuditEntry.objects.filter(action=AuditAction.PERMISSION, object_id=str(assignment.pk)).exists()


def test_an_assignment_on_both_trees_is_refused_in_the_admin(client, admin, member, world):
    client.force_login(admin)
    role = Role.objects.get(code=BuiltinRole.ORG_STAFF)
    response = client.post(
        reverse("admin:accounts_roleassignment_add"),
        {"user": member.pk, "role": role.pk, "org": world.org_a.pk, "area": world.community_a.pk},
    )
    assert response.status_code == 200
    assert not RoleAssignment.objects.filter(user=member).exists()


def test_deleting_a_role_assignment_in_the_admin_revokes_it(client, admin, secretary_a):
    client.force_login(admin)
    assignment = secretary_a.role_assignments.get()
    response = client.post(
        reverse("admin:accounts_roleassignment_delete", args=[assignment.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.is_active is False
    assert User.objects.filter(pk=secretary_a.pk).exists()


def test_admin_pages_link_the_platform_icon_so_the_browser_asks_for_no_favicon_ico(client, admin):
    client.force_login(admin)
    page = client.get(reverse("admin:index")).content.decode()
    assert 'rel="icon"' in page and "dangjian/favicon" in page


@pytest.mark.django_db
def test_the_admin_index_has_no_english_left(client, admin):
    """The walk-through found the task queue's names and the index's hidden headers in English."""
    client.force_login(admin)
    page = client.get(reverse("admin:index")).content.decode()
    assert "后台任务" in page
    for english in (
        "Tasks Database Backend",
        "Task Results",
        "Model name",
        "Add link",
        "Change or view list link",
    ):
        assert english not in page
