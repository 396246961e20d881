"""评星定级 in the browser (issue 13): a community secretary fills in the self-assessment with an
upload, the 组织部 reviews, the result goes to 公示 on the portal where a resident objects, the
objection is answered in public, the stars are finalized and the demoted community gets a 整改
plan with a task marked done. A second journey checks the review page and the 公示 page at
375 px.

With ``DANGJIAN_SCREENSHOTS=1`` the review and 公示 pages are saved to
``docs/screenshots/evaluation-*.png`` (desktop 1280 and 375 px).
"""

from __future__ import annotations

import datetime
import os
import re
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from dangjian.accounts.choices import BuiltinRole
from dangjian.evaluation.choices import AssessmentStatus, ObjectionStatus, RoundStatus
from dangjian.evaluation.models import Assessment, Evidence, Objection, RatingRound, Rectification
from tests.browser.helpers import assert_accessible, log_in, log_out
from tests.evaluation.helpers import YEAR, assessment_of, round_in, today
from tests.factories import UserFactory, assign
from tests.help_pairs.helpers import member_in, pair
from tests.mine.helpers import PASSWORD

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64


def screenshot(page: Page, name: str) -> None:
    if os.environ.get("DANGJIAN_SCREENSHOTS"):
        page.screenshot(path=str(SCREENSHOTS / f"evaluation-{name}.png"), full_page=True)


def _people(world):
    secretary = UserFactory(username="shuji_a", last_name="李", first_name="书记")
    assign(secretary, BuiltinRole.ORG_SECRETARY, world.org_a)
    admin = UserFactory(username="zuzhibu", last_name="组织部", first_name="干部")
    assign(admin, BuiltinRole.ORG_DEPARTMENT_ADMIN, world.district_org)
    return secretary, admin


def _review(page: Page, assessment: Assessment, feature: str, deduction: str) -> None:
    page.goto(reverse("evaluation:assessment_review", args=[assessment.pk]))
    scores = {score.item.name: score for score in assessment.scores.select_related("item")}
    page.locator(f"#points_{scores['特色工作'].pk}").fill(feature)
    page.locator(f"#comment_{scores['特色工作'].pk}").fill("材料齐全")
    page.locator(f"#points_{scores['违规扣分'].pk}").fill(deduction)
    page.locator("button[name=complete][value='1']").click()
    expect(page.locator("[data-stars]")).to_be_visible()


def _advance(page: Page, rating_round: RatingRound) -> None:
    page.goto(reverse("evaluation:round_detail", args=[rating_round.pk]))
    before = RatingRound.objects.get(pk=rating_round.pk).status
    page.locator(
        f"form[action='{reverse('evaluation:round_advance', args=[rating_round.pk])}'] button"
    ).click()
    expect(page.locator("[data-status]")).not_to_have_attribute("data-status", before)


def test_a_round_from_self_assessment_to_final_stars_and_a_rectification_plan(desktop_page, world):
    page = desktop_page
    _people(world)
    for _ in range(6):
        pair(member_in(world.branch_a1, "周帮扶"), world.grid_a1, world.org_a)
    # Last year 社区B had 4★ (30 points); this year it will fall.
    round_in(
        world, RoundStatus.FINAL, year=YEAR - 1, points={world.org_a.pk: (20, 0), world.org_b.pk: (30, 0)}
    )
    rating_round = round_in(world, RoundStatus.SELF_ASSESSMENT)
    mine = assessment_of(rating_round, world.org_a)
    feature = mine.scores.get(item__name="特色工作")

    # The secretary of 社区A fills in the self-assessment with a photo and submits it.
    log_in(page, "shuji_a", PASSWORD)
    page.goto(reverse("evaluation:assessment_detail", args=[mine.pk]))
    page.locator(f"a[href='{reverse('evaluation:assessment_self', args=[mine.pk])}']").click()
    assert_accessible(page)
    page.locator("#id_self_assessment").fill("建成党群服务中心，开展特色活动12次。")
    page.locator(f"#points_{feature.item_id}").fill("27")
    page.locator(f"#evidence_{feature.pk}").set_input_files(
        files=[{"name": "阵地照片.png", "mimeType": "image/png", "buffer": PNG}]
    )
    page.locator("button[name=submit][value='1']").click()
    expect(page.locator("[data-scores]")).to_contain_text("阵地照片.png")
    assert Assessment.objects.get(pk=mine.pk).status == AssessmentStatus.SUBMITTED
    assert Evidence.objects.filter(score=feature).exists()
    log_out(page)

    # The 组织部 starts the review: the auto items are computed from the records and frozen.
    log_in(page, "zuzhibu", PASSWORD)
    _advance(page, rating_round)
    page.goto(reverse("evaluation:assessment_review", args=[mine.pk]))
    expect(page.locator("[data-review]")).to_contain_text("阵地照片.png")
    expect(page.locator(f"[data-review] a[href^='{reverse('help_pairs:pair_list')}']")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "review-desktop")
    _review(page, mine, "25", "0")
    _review(page, assessment_of(rating_round, world.org_b), "5", "2")
    _advance(page, rating_round)
    log_out(page)

    # 公示 on the portal: a resident objects.
    page.goto(reverse("evaluation_public:round_list"))
    page.locator(f"a[href='{reverse('evaluation_public:round', args=[rating_round.pk])}']").click()
    expect(page.locator("[data-results]")).to_contain_text(world.org_a.name)
    assert_accessible(page)
    page.locator("#id_assessment").select_option(str(mine.pk))
    page.locator("#id_name").fill("王居民")
    page.locator("#id_text").fill("帮扶对子的数量是否属实？")
    page.locator("form:has(#id_text) button[type=submit]").click()
    expect(page.locator("[data-objection]")).to_contain_text("帮扶对子的数量是否属实？")
    screenshot(page, "publicity-desktop")

    # The 组织部 answers it; the answer is public. After the notice the stars are finalized.
    log_in(page, "zuzhibu", PASSWORD)
    objection = Objection.objects.get()
    page.goto(reverse("evaluation:objection_answer", args=[objection.pk]))
    page.locator("#id_answer").fill("经核实，6个帮扶对子均有走访记录。")
    page.locator("form:has(#id_answer) button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/evaluation/objections/"))
    assert Objection.objects.get().status == ObjectionStatus.ANSWERED
    past = today() - datetime.timedelta(days=1)
    RatingRound.objects.filter(pk=rating_round.pk).update(publicity_start=past, publicity_end=past)
    _advance(page, rating_round)
    assert RatingRound.objects.get(pk=rating_round.pk).status == RoundStatus.FINAL
    row = page.locator(f"[data-assessment='{assessment_of(rating_round, world.org_b).pk}']")
    expect(row).to_contain_text("★")

    # 社区B went down: its 整改 plan gets a task due in working days, marked done.
    plan = Rectification.objects.get(org=world.org_b)
    page.goto(reverse("evaluation:rectification_detail", args=[plan.pk]))
    assert_accessible(page)
    page.locator("#id_title").fill("补齐组织生活记录")
    page.locator("#id_owner").fill("王书记")
    page.locator("#id_working_days").fill("10")
    page.locator("form:has(#id_title) button[type=submit]").click()
    task = page.locator("[data-task]")
    expect(task).to_contain_text("补齐组织生活记录")
    task.locator("button[type=submit]").click()
    expect(page.locator("[data-task] button")).to_have_count(0)
    assert Rectification.objects.get(pk=plan.pk).completed_at is not None


def test_the_review_and_public_notice_pages_fit_a_phone(phone_page, world):
    page = phone_page
    _people(world)
    rating_round = round_in(world, RoundStatus.REVIEW)
    mine = assessment_of(rating_round, world.org_a)
    log_in(page, "zuzhibu", PASSWORD)
    page.goto(reverse("evaluation:assessment_review", args=[mine.pk]))
    expect(page.locator("[data-review]")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "review-phone")
    log_out(page)
    publicity = round_in(world, RoundStatus.PUBLICITY)
    page.goto(reverse("evaluation_public:round", args=[publicity.pk]))
    expect(page.locator("[data-results]")).to_be_visible()
    assert_accessible(page)
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the 公示 page scrolls sideways by {overflow}px"
    screenshot(page, "publicity-phone")
