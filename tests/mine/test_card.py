"""The 工作台 card "我的" (registry ``dashboard_cards``): shown to a member or an applicant with
this month's dues and today's meetings, hidden from everyone 我的 would refuse."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.test import RequestFactory
from django.urls import reverse

from dangjian.core.registry import dashboard_for
from dangjian.dues.rules import monthly_dues
from tests.mine.helpers import applicant_user, meeting_with, member_user


def _cards(user) -> dict[str, str]:
    request = RequestFactory().get("/")
    request.user = user
    cards, _todos = dashboard_for(request)
    return {card.key: html for card, html in cards}


def test_a_member_gets_the_card_with_this_months_dues_and_todays_meeting(world):
    user = member_user(world.branch_a1, "member_a", "张党员", base="4000")
    meeting_with([user.person.membership], "今日党课", starts_in=datetime.timedelta(hours=1))
    html = _cards(user)["mine"]
    assert 'data-card="mine"' in html
    assert str(monthly_dues("employed", Decimal("4000"))) in html
    assert reverse("mine:index") in html


def test_an_applicant_gets_the_card(world):
    assert "mine" in _cards(applicant_user(world))


def test_users_mine_refuses_do_not_get_the_card(resident, secretary_a, admin):
    for user in (resident, secretary_a, admin):
        assert "mine" not in _cards(user)
