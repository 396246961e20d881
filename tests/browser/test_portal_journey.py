"""A resident on a phone reports a problem without an account, follows it, and rates it once resolved.

The acceptance journey of issue 4: the resident opens /portal/, reports with a photo and the
phone's location, verifies the phone with the SMS code (read from a test SMS backend), keeps the
tracking code and sees the request received; staff then accept, dispatch, handle and approve it
through the services, the worker runs the periodic service tasks (the rating invitation arrives by
SMS with a one-time rating link), and the resident sees 已办结 and rates through that link.

Screenshots of the submit, track and rate pages at 375 px go to docs/screenshots/ when
``DANGJIAN_SCREENSHOTS=1`` is set.
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from PIL import Image
from playwright.sync_api import Page, expect

from dangjian.service import services
from dangjian.service import tasks as service_tasks
from dangjian.service.choices import RequestState
from dangjian.service.models import RatingLevel, RequestPhoto, ServiceRequest
from tests.browser.helpers import assert_accessible
from tests.portal import sms
from tests.service import conftest as service_fixtures

pytestmark = pytest.mark.browser

# The service world and its handler persona (tests/service/conftest.py), used here as fixtures.
service_world = service_fixtures.service_world
handler_a1 = service_fixtures.handler_a1

PHONE = "13912345678"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
RATING_LEVELS = [  # as seeded by service/migrations/0002 (a transactional test's flush removes them)
    ("very_satisfied", "非常满意", 1, False),
    ("satisfied", "满意", 2, False),
    ("fairly_satisfied", "基本满意", 3, False),
    ("dissatisfied", "不满意", 4, True),
    ("very_dissatisfied", "非常不满意", 5, True),
]


def screenshot(page: Page, name: str) -> None:
    if os.environ.get("DANGJIAN_SCREENSHOTS"):
        page.screenshot(path=str(SCREENSHOTS / f"{name}-phone.png"), full_page=True)


def jpeg(path: Path) -> Path:
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (90, 120, 60)).save(buffer, format="JPEG")
    path.write_bytes(buffer.getvalue())
    return path


def run_service_tasks() -> None:
    """The worker processes the periodic service tasks, as ``dangjian worker`` does on its own.

    ``worker --once`` ticks the scheduler (which enqueues every periodic job due, the service's
    reminders, overdue marking and rating invitations among them) and runs the queued tasks; the
    invitation task is also enqueued explicitly so the test does not depend on the period's clock.
    """
    service_tasks.invite_ratings.enqueue()
    call_command("worker", "--once")


@pytest.fixture
def outbox(settings):
    settings.SMS_BACKEND = "tests.portal.sms.outbox_backend"
    sms.OUTBOX.clear()
    yield sms.OUTBOX
    sms.OUTBOX.clear()


def test_resident_reports_follows_and_rates_a_request_on_a_phone(
    phone_page, live_server, world, service_world, secretary_a, handler_a1, outbox, settings, tmp_path
):
    page = phone_page
    cache.clear()
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SERVICE_RATING_INVITE_DAYS = 0  # invite as soon as the worker runs after 办结
    for code, name, order, is_bad in RATING_LEVELS:
        RatingLevel.objects.get_or_create(
            code=code, defaults={"name": name, "order": order, "is_bad": is_bad}
        )
    page.context.grant_permissions(["geolocation"], origin=live_server.url)
    page.context.set_geolocation({"latitude": 39.905, "longitude": 116.405})  # inside grid_a1

    # The entry page: report or track.
    page.goto(reverse("portal:index"))
    expect(page.get_by_role("heading", name="有什么可以帮您？")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="反映问题").click()

    # The report, with a photo, the phone's location and the verified phone.
    expect(page.get_by_role("heading", name="反映问题")).to_be_visible()
    assert_accessible(page)
    page.locator("#id_category").select_option(label="垃圾清运")
    page.locator("#id_description").fill("小区门口垃圾三天没人清运，气味很大")
    page.locator("#id_photos").set_input_files(str(jpeg(tmp_path / "garbage.jpg")))
    page.get_by_role("button", name="使用我的当前位置").click()
    expect(page.locator("#location-status")).to_contain_text("已获取位置")
    page.locator("#id_address").fill("幸福里3号楼门口")
    page.locator("#id_contact_name").fill("张阿姨")
    page.locator("#id_contact_phone").fill(PHONE)
    page.get_by_role("button", name="获取验证码").click()
    expect(page.locator("#code-status")).to_contain_text("验证码已发送至 139****5678")
    page.locator("#id_code").fill(sms.last_code(PHONE))
    screenshot(page, "portal-submit")
    page.get_by_role("button", name="提交").click()

    # The confirmation shows the tracking code prominently.
    expect(page.get_by_role("heading", name="谢谢，您的诉求已收到")).to_be_visible()
    code = page.locator("#tracking-code").inner_text().strip()
    assert re.fullmatch(r"[2-9A-Z]{10}", code)
    assert_accessible(page)
    request_obj = ServiceRequest.objects.get(tracking_code=code)
    assert request_obj.area == world.grid_a1
    assert request_obj.phone_verified
    assert RequestPhoto.objects.filter(request=request_obj).count() == 1
    page.get_by_role("link", name="查询办理进度").click()

    # The track page: received, no phone.
    expect(page).to_have_url(re.compile(re.escape(reverse("portal:track", args=[code])) + "$"))
    expect(page.get_by_role("heading", name="已收到")).to_be_visible()
    assert_accessible(page)
    assert "5678" not in page.content()

    # Staff accept, dispatch, handle and approve it (their own pages are other helpers' tests).
    services.accept_request(request_obj, by=secretary_a)
    services.dispatch_request(request_obj, by=secretary_a)
    page.reload()
    expect(page.get_by_role("heading", name="正在安排办理")).to_be_visible()
    services.start_handling(request_obj, by=handler_a1)
    services.report_result(request_obj, by=handler_a1, resolution="垃圾已全部清运，并安排每日清运两次")
    services.approve_result(request_obj, by=secretary_a)

    # The worker processes the deadline tasks: the rating invitation arrives by SMS.
    run_service_tasks()
    assert DBTaskResult.objects.filter(
        task_path="dangjian.service.tasks.invite_ratings", status=TaskResultStatus.SUCCESSFUL
    ).exists()
    request_obj.refresh_from_db()
    assert request_obj.rating_invited_at is not None
    invitation = next(text for to, text in outbox if to == PHONE and code in text)
    link = re.search(r"/portal/track/[2-9A-Z]{10}/rate/\?t=[A-Za-z0-9_\-]+", invitation).group(0)

    # The resident looks at the request: 已办结 and the result, no staff names.
    page.goto(reverse("portal:track", args=[code]))
    expect(page.get_by_role("heading", name="已办结")).to_be_visible()
    expect(page.get_by_text("垃圾已全部清运")).to_be_visible()
    assert_accessible(page)
    for staff_name in ("李", "孙", "处置员"):
        assert staff_name not in page.locator("main").inner_text()
    screenshot(page, "portal-track")

    # The invitation's one-time link is the proof that it is the resident: no digits to type.
    page.goto(link)
    expect(page.get_by_role("heading", name="评价服务（好差评）")).to_be_visible()
    expect(page.get_by_text("垃圾已全部清运")).to_be_visible()
    assert_accessible(page)
    assert page.locator("#id_proof").count() == 0
    page.locator("label[for=level-satisfied]").click()
    page.locator("#id_comment").fill("处理及时，谢谢网格员")
    screenshot(page, "portal-rate")
    page.get_by_role("button", name="提交评价").click()

    expect(page.locator(".alert-success")).to_have_text("感谢您的评价。")
    expect(page.locator("#my-rating")).to_have_text("满意")
    assert_accessible(page)
    request_obj.refresh_from_db()
    assert request_obj.state == RequestState.RATED
    assert request_obj.rating_level == "satisfied"

    # A second rating is not possible.
    page.goto(reverse("portal:rate", args=[code]))
    expect(page.get_by_role("heading", name="已评价")).to_be_visible()
