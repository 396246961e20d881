"""Each section of 我的 shows the signed-in member's own records and none of another member's.

Two members of the same branch, each with dues payments, held meetings with a leave reason,
upcoming meetings, transfer letters, claims and service logs, every text tagged 本人 (mine) or
他人 (the other's): every page shows 本人 and never 他人.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from dangjian.dues.ledger import current_month
from dangjian.dues.rules import monthly_dues
from dangjian.elections.choices import ElectionState, VoteMethod
from dangjian.elections.models import VoteRecord
from dangjian.members.models import PartyMember
from tests.elections.helpers import election_in
from tests.mine.helpers import member_user, pay, plant

PAGES = ["mine:index", "mine:dues", "mine:meetings", "mine:ballots", "mine:service", "mine:transfers"]


@pytest.fixture
def me(world):
    user = member_user(world.branch_a1, "member_a", "张本人", base="4000")
    plant(user.person.membership, "本人", 3, community=world.community_a)
    return user


@pytest.fixture
def other(world):
    user = member_user(world.branch_a1, "member_other", "李他人", base="8000")
    plant(user.person.membership, "他人", 3, community=world.community_a)
    return user


@pytest.mark.parametrize("name", PAGES)
def test_each_page_shows_my_records_and_none_of_another_members(name, client, me, other):
    client.force_login(me)
    response = client.get(reverse(name))
    assert response.status_code == 200
    page = response.content.decode()
    assert "他人" not in page
    assert "李他人" not in page


def test_the_sections_show_what_is_mine(client, me, other):
    client.force_login(me)
    meetings = client.get(reverse("mine:meetings")).content.decode()
    assert "本人将开0" in meetings and "本人请假0" in meetings and "本人会议0" in meetings
    service = client.get(reverse("mine:service")).content.decode()
    assert "本人岗位0" in service and "本人服务0" in service
    transfers = client.get(reverse("mine:transfers")).content.decode()
    assert all(f"本人-00{offset}" in transfers for offset in range(3))


def test_this_months_dues_are_my_declared_amount_recomputed_by_the_rule(client, me, other):
    client.force_login(me)
    page = client.get(reverse("mine:index")).content.decode()
    mine = monthly_dues("employed", Decimal("4000"))
    theirs = monthly_dues("employed", Decimal("8000"))
    assert mine == Decimal("40.00") and theirs == Decimal("120.00")
    assert f'id="mine-dues-current" data-amount="{mine}"' in page
    assert str(theirs) not in page


def test_the_dues_page_lists_my_paid_months_with_their_dates_and_my_arrears(client, me):
    member = me.person.membership
    this_month = current_month()
    client.force_login(me)
    page = client.get(reverse("mine:dues")).content.decode()
    # plant() paid the three months before this one; this month is open, older ones in arrears.
    for payment in member.dues_payments.filter(month__year=this_month.year):
        assert f'data-month="{payment.month:%Y-%m}"' in page
    assert page.count('data-month="') == this_month.month
    unpaid_over = member.dues_payments.count() < 24
    assert ("mine-arrears-title" in page) is unpaid_over


def test_the_dues_page_shows_the_base_and_the_rule_applied(client, me):
    client.force_login(me)
    response = client.get(reverse("mine:dues"), HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert "4000" in page
    assert "中组发〔2008〕3号" in page


def test_a_past_year_shows_twelve_months(client, me):
    member = me.person.membership
    last_year = timezone.localdate().year - 1
    pay(member, datetime.date(last_year, 3, 1))
    client.force_login(me)
    page = client.get(reverse("mine:dues"), {"year": last_year}).content.decode()
    assert page.count('data-month="') == 12
    assert f'data-month="{last_year}-03"' in page


def test_another_members_ballot_does_not_count_as_mine(client, me, other, world):
    election = election_in(world.branch_a1, state=ElectionState.VOTING)
    theirs = PartyMember.objects.get(person=other.person)
    VoteRecord.objects.create(
        election=election,
        voter=theirs,
        method=VoteMethod.PHONE,
        cast_by=other,
        recorded_on=timezone.localdate(),
    )
    client.force_login(me)
    page = client.get(reverse("mine:ballots")).content.decode()
    assert reverse("elections:ballot", kwargs={"pk": election.pk}) in page
    client.force_login(other)
    page = client.get(reverse("mine:ballots")).content.decode()
    assert reverse("elections:ballot", kwargs={"pk": election.pk}) not in page
    assert f'data-election="{election.pk}"' in page


def test_an_election_of_another_branch_is_not_offered(client, me, world):
    election = election_in(world.branch_b1, state=ElectionState.VOTING)
    client.force_login(me)
    page = client.get(reverse("mine:ballots")).content.decode()
    assert f'data-election="{election.pk}"' not in page


def test_a_probationary_member_is_told_they_have_no_vote(client, world):
    user = member_user(world.branch_a1, "probationary_a", "王预备", status="probationary")
    election_in(world.branch_a1, state=ElectionState.VOTING)
    client.force_login(user)
    page = client.get(reverse("mine:ballots")).content.decode()
    assert "data-election" not in page
    assert "/ballot/" not in page


def test_hours_count_only_my_confirmed_service(client, me, other):
    client.force_login(me)
    page = client.get(reverse("mine:service")).content.decode()
    member = me.person.membership
    total = sum(log.hours for log in member.community_reports.get().service_logs.all())
    assert f'data-figure="hours-total">{total}<' in page


def test_arrears_total_counts_only_months_with_a_declared_amount_and_says_how_many_lack_one(me):
    from dangjian.dues.ledger import arrears_window
    from dangjian.mine.selectors import my_dues

    member = me.person.membership
    found = my_dues(member)
    first, last = arrears_window()
    paid = set(member.dues_payments.values_list("month", flat=True))
    unpaid = [month for month in found.arrears if month.month not in paid]
    assert len(unpaid) == len(found.arrears)
    this_year = [month for month in unpaid if month.month.year == current_month().year]
    earlier = [month for month in unpaid if month.month.year < current_month().year]
    assert found.arrears_total == sum(month.amount for month in this_year)
    assert all(month.amount == Decimal("40.00") for month in this_year)
    assert found.arrears_without_amount == len(earlier) > 0
    assert all(first <= month.month <= last for month in found.arrears)
