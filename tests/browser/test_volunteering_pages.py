"""The volunteer ledger (志愿者台账) and a batch matching proposal, each at desktop width and at
375 px, as the community's secretary sees them: the key content, no sideways scroll, and no
serious accessibility fault.

With ``DANGJIAN_SCREENSHOTS=1`` the pages are saved to
``docs/screenshots/volunteer-ledger-{1280,375}.png`` and ``matching-proposal-{1280,375}.png``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from dangjian.volunteering.choices import slot_bit
from dangjian.volunteering.matchmaking import services as matching
from tests.browser.helpers import assert_accessible, log_in
from tests.mine.helpers import PASSWORD
from tests.volunteering import helpers as ledger
from tests.volunteering.matching.helpers import grant_volunteering_permissions, need, skill, volunteer

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
MORNINGS = slot_bit(0, 0) | slot_bit(2, 0) | slot_bit(4, 0)
EVENINGS = slot_bit(0, 2) | slot_bit(1, 2)


def screenshot(page: Page, name: str) -> None:
    if os.environ.get("DANGJIAN_SCREENSHOTS"):
        width = page.viewport_size["width"]
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)


def assert_no_sideways_scroll(page: Page) -> None:
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px"


def test_the_volunteer_ledger_lists_the_communitys_volunteers(any_page, world, secretary_a):
    page = any_page
    grant_volunteering_permissions()
    haircut, repair, nursing = (
        ledger.skill("理发"),
        ledger.skill("水电维修"),
        ledger.skill("医疗护理", "医疗"),
    )
    service_team = ledger.team(world.grid_a1, world.org_a)
    ledger.volunteer(world.grid_a1, world.org_a, "王秀英", skills=[haircut], teams=[service_team])
    ledger.volunteer(world.grid_a1, world.org_a, "李建国", skills=[repair, nursing])
    ledger.volunteer(world.grid_a2, world.org_a, "赵丽华", skills=[nursing], teams=[service_team])
    ledger.volunteer(world.community_b, world.org_b, "陈光明")  # 社区B: not hers

    log_in(page, "secretary_a", PASSWORD)
    page.goto(reverse("volunteering:volunteer_list"))
    main = page.locator("main")
    for name in ("王秀英", "李建国", "赵丽华"):
        expect(main).to_contain_text(name)
    expect(main).to_contain_text("水电维修")
    expect(main).not_to_contain_text("陈光明")
    assert_accessible(page)
    assert_no_sideways_scroll(page)
    screenshot(page, "volunteer-ledger")


def test_a_matching_proposal_pairs_the_open_needs_with_volunteers(any_page, world, secretary_a):
    page = any_page
    grant_volunteering_permissions()
    nursing, repair = skill("医疗护理"), skill("水电维修")
    need(world.grid_a1, world.org_a, "陪独居老人去医院复查", skills=[nursing], availability=MORNINGS)
    need(world.grid_a2, world.org_a, "修理楼道漏水的水管", skills=[repair], availability=EVENINGS)
    need(world.grid_a1, world.org_a, "周末陪老人聊天")
    volunteer(world.grid_a1, world.org_a, "王秀英", skills=[nursing], availability=MORNINGS)
    volunteer(world.grid_a2, world.org_a, "李建国", skills=[repair], availability=EVENINGS | MORNINGS)
    volunteer(world.grid_a1, world.org_a, "赵丽华", availability=EVENINGS)
    proposal = matching.propose(world.community_a, by=secretary_a)
    assert proposal.pairs.count() == 3

    log_in(page, "secretary_a", PASSWORD)
    page.goto(reverse("volunteering:proposal_detail", kwargs={"pk": proposal.pk}))
    main = page.locator("main")
    # The optimum gives 王秀英 both needs of her grid (within her capacity) and 李建国 the repair.
    for text in ("陪独居老人去医院复查", "修理楼道漏水的水管", "周末陪老人聊天", "王秀英", "李建国"):
        expect(main).to_contain_text(text)
    assert_accessible(page)
    assert_no_sideways_scroll(page)
    screenshot(page, "matching-proposal")
