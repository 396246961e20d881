"""Who 我的 opens for, and what everyone else gets.

Decision (docs/mine.md): 我的 opens for a user linked to a person who is an active party member or
has an open development file, with no staff right needed. Anyone else gets 403 with the reason
(no person linked; or neither a member nor an applicant), and the menu never offers it to them.
An id in a URL must name something of the signed-in member's own, else 404; bad query values 404.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from dangjian.core.context_processors import menu_for
from dangjian.core.scoping import scope_of
from dangjian.members.models import PartyMember
from dangjian.mine import views
from tests.factories import PersonFactory, UserFactory
from tests.mine.helpers import applicant_user, meeting_with, member_user

PAGES = [
    "mine:index",
    "mine:dues",
    "mine:meetings",
    "mine:ballots",
    "mine:service",
    "mine:transfers",
    "mine:development",
]
VIEWS = {
    "mine:index": views.index,
    "mine:dues": views.dues,
    "mine:meetings": views.meetings,
    "mine:ballots": views.ballots,
    "mine:service": views.service,
    "mine:transfers": views.transfers,
    "mine:development": views.development,
}


def _menu(user) -> list[str]:
    request = RequestFactory().get("/")
    request.user = user
    return [entry.url_name for entry in menu_for(request)]


@pytest.mark.parametrize("role", [True, False], ids=["party_member_role", "no_role_at_all"])
@pytest.mark.parametrize("name", PAGES)
def test_a_member_without_staff_rights_opens_every_page(name, role, client, world):
    user = member_user(world.branch_a1, "member_a", "张党员", role=role)
    assert not scope_of(user).has_any("members.view_partymember")
    assert not scope_of(user).has_any("dues.view_duespayment")
    assert not scope_of(user).has_any("life.view_meeting")
    client.force_login(user)
    assert client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("name", PAGES)
def test_a_user_without_a_person_is_refused_with_the_reason(name, client, resident):
    client.force_login(resident)
    assert client.get(reverse(name)).status_code == 403
    request = RequestFactory().get(reverse(name))
    request.user = resident
    with translation.override("en"), pytest.raises(PermissionDenied) as refused:
        VIEWS[name](request)
    assert "not linked to a person" in str(refused.value)


@pytest.mark.parametrize("name", PAGES)
def test_a_person_who_is_neither_member_nor_applicant_is_refused_with_the_reason(name, client, world):
    user = UserFactory(username="plain_resident", person=PersonFactory(name="居民甲"))
    client.force_login(user)
    assert client.get(reverse(name)).status_code == 403
    request = RequestFactory().get(reverse(name))
    request.user = user
    with translation.override("en"), pytest.raises(PermissionDenied) as refused:
        VIEWS[name](request)
    assert "neither an active party member nor an applicant" in str(refused.value)


def test_a_member_who_left_is_refused(client, world):
    user = member_user(world.branch_a1, "former_a", "赵离开")
    PartyMember.objects.filter(person=user.person).update(is_active=False)
    client.force_login(user)
    assert client.get(reverse("mine:index")).status_code == 403


def test_the_menu_offers_mine_only_to_members_and_applicants(world, resident, secretary_a, admin):
    member = member_user(world.branch_a1, "member_a", "张党员")
    assert "mine:index" in _menu(member)
    for user in (resident, secretary_a, admin):
        assert "mine:index" not in _menu(user)
    plain = UserFactory(username="plain_resident", person=PersonFactory(name="居民甲"))
    assert "mine:index" not in _menu(plain)


def test_checking_in_to_a_meeting_i_am_not_expected_at_is_404(client, world):
    me = member_user(world.branch_a1, "member_a", "张党员")
    other = member_user(world.branch_a1, "member_other", "李他人")
    theirs = meeting_with([other.person.membership], "他人的会议", starts_in=-datetime.timedelta(minutes=5))
    elsewhere = member_user(world.branch_b1, "member_b", "王外支部")
    foreign = meeting_with(
        [elsewhere.person.membership], "外支部会议", starts_in=-datetime.timedelta(minutes=5)
    )
    client.force_login(me)
    for pk in (theirs.pk, foreign.pk, 999_999_999, 9_223_372_036_854_775_807):
        response = client.post(reverse("mine:meeting_checkin", kwargs={"pk": pk}))
        assert response.status_code == 404, pk
    assert not theirs.attendances.filter(checked_in_at__isnull=False).exists()
    assert not foreign.attendances.filter(checked_in_at__isnull=False).exists()


def test_checking_in_answers_405_to_a_get(client, world):
    me = member_user(world.branch_a1, "member_a", "张党员")
    meeting = meeting_with([me.person.membership], "会议", starts_in=-datetime.timedelta(minutes=5))
    client.force_login(me)
    assert client.get(reverse("mine:meeting_checkin", kwargs={"pk": meeting.pk})).status_code == 405


@pytest.mark.parametrize("year", ["9999", "2007", "abc", "-1", "1" * 30, ""])
def test_a_year_outside_my_years_is_404_not_500(year, client, world):
    me = member_user(world.branch_a1, "member_a", "张党员")
    client.force_login(me)
    response = client.get(reverse("mine:dues"), {"year": year})
    assert response.status_code == (200 if year == "" else 404)


def test_an_applicant_without_membership_opens_every_page_with_empty_member_sections(client, world):
    user = applicant_user(world)
    client.force_login(user)
    for name in PAGES:
        assert client.get(reverse(name)).status_code == 200, name
    page = client.get(reverse("mine:dues")).content.decode()
    assert "dj-empty" in page
    assert "mine:index" in _menu(user)
