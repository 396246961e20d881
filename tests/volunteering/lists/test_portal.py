"""The residents' pages of the lists: a need or a wish submitted with a verified phone, the
public lists showing only what the public may see (张*, the community, never a phone), a wish
followed, confirmed and withdrawn with its tracking code, and the limits against abuse."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dangjian.core.models import Person
from dangjian.volunteering.choices import NeedSource, NeedState, WishState
from dangjian.volunteering.lists import services
from dangjian.volunteering.models import Need, Wish
from tests.portal import sms
from tests.volunteering.lists.helpers import member_user, need_a, wish_a

PHONE = "13800138000"


@pytest.fixture
def outbox(settings):
    settings.SMS_BACKEND = "tests.portal.sms.outbox_backend"
    sms.OUTBOX.clear()
    yield sms.OUTBOX
    sms.OUTBOX.clear()


def _code(client, phone=PHONE) -> str:
    client.post(reverse("portal:send_code"), {"contact_phone": phone})
    return sms.last_code(phone)


def _need_data(world, code, **fields):
    data = {
        "title": "需要有人陪同去医院",
        "category": "elderly",
        "description": "每周二上午去区医院复查，电话13912345678",
        "area": world.grid_a1.pk,
        "name": "张阿姨",
        "contact_phone": PHONE,
        "code": code,
    }
    data.update(fields)
    return data


def _wish_data(world, code, **fields):
    data = {
        "title": "一台收音机",
        "description": "",
        "area": world.community_a.pk,
        "name": "张大爷",
        "contact_phone": PHONE,
        "code": code,
    }
    data.update(fields)
    return data


def test_a_resident_submits_a_need_with_a_verified_phone(client, world, outbox):
    response = client.post(reverse("volunteering:public_need_submit"), _need_data(world, _code(client)))
    assert response.status_code == 302
    need = Need.objects.get()
    assert need.source == NeedSource.PORTAL and need.state == NeedState.OPEN and not need.is_public
    assert need.org == world.org_a and need.resident.mobile_masked == "138****8000"
    assert need.resident.name == "张阿姨"


def test_a_wrong_code_submits_nothing(client, world, outbox):
    _code(client)
    response = client.post(reverse("volunteering:public_need_submit"), _need_data(world, "000000"))
    assert response.status_code == 200 and not Need.objects.exists()
    assert "验证码" in response.content.decode() or "code" in response.content.decode()


def test_a_code_verifies_one_submission_only(client, world, outbox):
    code = _code(client)
    client.post(reverse("volunteering:public_need_submit"), _need_data(world, code))
    client.post(reverse("volunteering:public_need_submit"), _need_data(world, code))
    assert Need.objects.count() == 1


def test_submissions_are_limited_per_address(client, world, outbox, settings):
    settings.PORTAL_SUBMISSIONS_PER_IP_DAY = 1
    client.post(reverse("volunteering:public_need_submit"), _need_data(world, _code(client)))
    response = client.post(reverse("volunteering:public_need_submit"), _need_data(world, _code(client)))
    assert response.status_code == 429 and Need.objects.count() == 1


def test_the_same_phone_is_the_same_resident(client, world, outbox):
    client.post(reverse("volunteering:public_need_submit"), _need_data(world, _code(client)))
    client.post(reverse("volunteering:public_wish_submit"), _wish_data(world, _code(client)))
    assert Person.objects.count() == 1


def test_public_needs_show_the_community_and_never_a_phone_or_the_resident(client, world, outbox):
    client.post(reverse("volunteering:public_need_submit"), _need_data(world, _code(client)))
    need = Need.objects.get()
    hidden = need_a(world, title="不公开的需求")
    page = client.get(reverse("volunteering:public_need_list")).content.decode()
    assert need.title not in page  # not public until the community says so
    Need.objects.filter(pk=need.pk).update(is_public=True)
    page = client.get(reverse("volunteering:public_need_list")).content.decode()
    assert need.title in page and "幸福社区" in page and "第一网格" not in page
    assert "13912345678" not in page and PHONE not in page and "张阿姨" not in page
    assert hidden.title not in page


def test_a_wish_is_submitted_and_its_code_shown_once(client, world, outbox):
    response = client.post(reverse("volunteering:public_wish_submit"), _wish_data(world, _code(client)))
    wish = Wish.objects.get()
    assert response["Location"] == reverse("volunteering:public_wish_track", args=[wish.tracking_code])
    first = client.get(response["Location"]).content.decode()
    assert wish.tracking_code in first and "张*" in first and "张大爷" not in first
    again = client.get(response["Location"]).content.decode()
    assert "display-6" not in again


def test_published_wishes_show_the_resident_masked_and_no_phone(client, world):
    wish = wish_a(world, state=WishState.PUBLISHED)
    wish.resident.mobile = PHONE
    wish.resident.save()
    submitted = wish_a(world, title="还没发布的心愿")
    page = client.get(reverse("volunteering:public_wish_list")).content.decode()
    assert wish.title in page and "张*" in page and "张阿姨" not in page
    assert PHONE not in page and "138****8000" not in page
    assert submitted.title not in page
    assert "wishes/" + str(wish.pk) + "/claim" not in page  # anonymous: no claim button


def test_the_resident_confirms_with_the_code(client, world):
    member = member_user(world, "member_a")
    wish = wish_a(world, state=WishState.PUBLISHED)
    services.claim_wish(wish, by=member)
    services.record_fulfilment(wish, by=member, proof="已送到，联系电话13900001111")
    url = reverse("volunteering:public_wish_track", args=[wish.tracking_code])
    page = client.get(url).content.decode()
    assert "已送到" in page and "13900001111" not in page
    response = client.post(url, {"action": "confirm", "note": "谢谢党员同志"})
    assert response.status_code == 302
    wish.refresh_from_db()
    assert wish.state == WishState.CONFIRMED and wish.confirmation_note == "谢谢党员同志"


def test_the_resident_withdraws_with_the_code_but_not_after_fulfilment(client, world):
    wish = wish_a(world)
    url = reverse("volunteering:public_wish_track", args=[wish.tracking_code])
    client.post(url, {"action": "withdraw"})
    wish.refresh_from_db()
    assert wish.state == WishState.WITHDRAWN
    confirmed = wish_a(world, state=WishState.CONFIRMED)
    response = client.post(
        reverse("volunteering:public_wish_track", args=[confirmed.tracking_code]), {"action": "withdraw"}
    )
    assert response.status_code == 200
    confirmed.refresh_from_db()
    assert confirmed.state == WishState.CONFIRMED


def test_unknown_codes_are_404_and_limited(client, world, settings):
    settings.PORTAL_LOOKUPS_PER_IP_HOUR = 2
    for _ in range(2):
        assert client.get(reverse("volunteering:public_wish_track", args=["NOSUCHCODE"])).status_code == 404
    assert client.get(reverse("volunteering:public_wish_track", args=["NOSUCHCODE"])).status_code == 429


def test_the_lookup_form_finds_a_wish_by_code(client, world):
    wish = wish_a(world)
    response = client.get(reverse("volunteering:public_wish_lookup"), {"code": wish.tracking_code.lower()})
    assert response["Location"] == reverse("volunteering:public_wish_track", args=[wish.tracking_code])


@pytest.mark.parametrize("url_name", ["volunteering:public_need_list", "volunteering:public_wish_list"])
def test_public_lists_cost_the_same_for_3_and_30_rows(client, world, django_assert_max_num_queries, url_name):
    def add(count):
        for number in range(count):
            need_a(world, title=f"公开需求{number}", is_public=True)
            wish_a(world, title=f"心愿{number}", state=WishState.PUBLISHED)

    add(3)
    client.get(reverse(url_name))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(reverse(url_name))
    add(27)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse(url_name))


def test_the_resident_is_texted_the_confirmation_link_when_the_wish_is_fulfilled(
    world, outbox, settings, django_capture_on_commit_callbacks
):
    settings.PUBLIC_URL = "https://dj.example"
    member = member_user(world, "member_a")
    wish = wish_a(world, state=WishState.PUBLISHED)
    wish.resident.mobile = PHONE
    wish.resident.save()
    services.claim_wish(wish, by=member)
    with django_capture_on_commit_callbacks(execute=True):
        services.record_fulfilment(wish, by=member, proof="已送到")
    [(to, text)] = outbox
    link = "https://dj.example" + reverse("volunteering:public_wish_track", args=[wish.tracking_code])
    assert to == PHONE and link in text and wish.tracking_code in text


def test_a_residents_submission_is_audited_under_the_resident_not_a_user(client, world, outbox):
    from dangjian.core.models import AuditEntry

    client.post(reverse("volunteering:public_wish_submit"), _wish_data(world, _code(client)))
    wish = Wish.objects.get()
    [entry] = AuditEntry.objects.filter(object_type="volunteering.wish", object_id=str(wish.pk))
    assert entry.action == "create" and entry.user_id is None and entry.username == "居民"
    assert PHONE not in str(entry.changes)
