"""A voter casts a 换届选举 ballot on a phone (375 px) during the voting window: ticks candidates,
submits and sees the confirmation; a second visit shows they have voted; ticking more candidates
than seats is refused with the reason and nothing is stored."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from dangjian.elections.choices import ElectionState
from dangjian.elections.models import Ballot, VoteRecord
from tests.browser.helpers import assert_accessible, log_in
from tests.elections.helpers import election_in, voter_user

pytestmark = pytest.mark.browser

PASSWORD = "correct horse 9"  # tests.factories.UserFactory's password


def _checkboxes(page):
    return page.locator("input[type=checkbox][name=choices]")


def test_a_voter_ticks_submits_and_sees_the_confirmation_on_a_phone(phone_page, world):
    page = phone_page
    election = election_in(world.branch_a1, state=ElectionState.VOTING, seats=3, candidates=4)
    voter = voter_user(world.branch_a1, "voter_a")
    url = reverse("elections:ballot", kwargs={"pk": election.pk})

    log_in(page, "voter_a", PASSWORD)
    page.goto(url)
    expect(page.get_by_role("heading", name=election.title)).to_be_visible()
    expect(page.get_by_text("最多 3 名")).to_be_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 375  # no sideways scroll
    assert_accessible(page)
    boxes = _checkboxes(page)
    expect(boxes).to_have_count(4)
    # Tapping the candidate's row (its label) ticks the box, as a thumb would.
    names = [c.member.person.name for c in election.candidates.order_by("order")]
    page.locator("label.list-group-item", has_text=names[0]).click()
    boxes.nth(2).check()
    expect(boxes.nth(0)).to_be_checked()
    page.locator("#cast-ballot").click()

    expect(page).to_have_url(re.compile(re.escape(url) + "$"))
    expect(page.locator(".alert-success").first).to_be_visible()
    expect(page.locator("[data-voted-on]")).to_be_visible()
    expect(_checkboxes(page)).to_have_count(0)
    assert_accessible(page)
    # That they voted is recorded; what they voted is a ballot in the box without their name.
    assert VoteRecord.objects.filter(election=election, voter__person=voter.person).count() == 1
    ballot = Ballot.objects.get(election=election)
    assert sorted(c.order for c in ballot.choices.all()) == [1, 3]

    # A second visit: they have voted, and there is nothing to submit.
    page.goto(url)
    expect(page.locator("[data-voted-on]")).to_be_visible()
    expect(page.locator("#cast-ballot")).to_have_count(0)
    assert Ballot.objects.filter(election=election).count() == 1


def test_ticking_more_than_the_seats_is_refused_with_the_message(phone_page, world):
    page = phone_page
    election = election_in(world.branch_a1, state=ElectionState.VOTING, seats=2, candidates=3)
    voter_user(world.branch_a1, "voter_b")
    url = reverse("elections:ballot", kwargs={"pk": election.pk})

    log_in(page, "voter_b", PASSWORD)
    page.goto(url)
    boxes = _checkboxes(page)
    expect(boxes).to_have_count(3)
    for index in range(3):
        boxes.nth(index).check()
    page.locator("#cast-ballot").click()

    alert = page.locator(".alert-danger")
    expect(alert).to_contain_text("最多只能选 2 名")
    expect(page.locator("#cast-ballot")).to_be_visible()  # they can correct and submit again
    expect(boxes.nth(0)).to_be_checked()  # their ticks are kept
    assert_accessible(page)
    assert not Ballot.objects.filter(election=election).exists()

    boxes.nth(2).uncheck()
    page.locator("#cast-ballot").click()
    expect(page.locator("[data-voted-on]")).to_be_visible()
    assert Ballot.objects.filter(election=election).count() == 1
