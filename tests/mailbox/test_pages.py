"""The mailbox's pages: a resident writes on the portal with the phone code and reads the answer by
the tracking code; staff see only their scope's messages, answer, publish and file a request; the
published page shows no personal details."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse

from dangjian.mailbox import services
from dangjian.mailbox.choices import MessageState
from dangjian.mailbox.models import Message
from tests.mailbox.helpers import PHONE, mailbox_of, message_in, write
from tests.portal import sms


@pytest.fixture
def outbox(settings):
    settings.SMS_BACKEND = "tests.portal.sms.outbox_backend"
    sms.OUTBOX.clear()
    cache.clear()
    yield sms.OUTBOX
    sms.OUTBOX.clear()


def test_a_resident_writes_with_the_phone_code_and_gets_a_tracking_code(client, world, outbox):
    box = mailbox_of(world.org_a)
    client.post(reverse("portal:send_code"), {"contact_phone": PHONE})
    form = {
        "mailbox": box.pk,
        "subject": "建议增设充电桩",
        "text": "电动车在楼道充电不安全。",
        "contact_phone": PHONE,
    }
    refused = client.post(reverse("mailbox_portal:write"), form | {"code": "000000"})
    assert refused.status_code == 400 and not Message.objects.exists()

    response = client.post(reverse("mailbox_portal:write"), form | {"code": sms.last_code(PHONE)})
    message = Message.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"{message.tracking_code}/done/")
    assert message.phone_verified and message.writer_phone_masked == "139****5678"
    page = client.get(response["Location"])
    assert message.tracking_code in page.content.decode()


def test_the_tracking_page_shows_the_answer_but_never_the_phone(client, world, secretary_a):
    message = message_in(world.org_a, MessageState.ANSWERED, secretary=secretary_a)
    page = client.get(reverse("mailbox_portal:track", args=[message.tracking_code])).content.decode()
    assert "已安排物业维修" in page and "13912345678" not in page and "5678" not in page


def test_staff_list_only_their_scope_and_find_by_search(client, world, secretary_a):
    mine = write(world.org_a, subject="黨建活动室开放时间")
    other = write(world.org_b, subject="党建活动室开放时间")
    client.force_login(secretary_a)
    page = client.get(reverse("mailbox:message_list"), {"q": "党建"}).content.decode()
    assert mine.tracking_code in page and other.tracking_code not in page


def test_the_list_reads_a_fixed_number_of_queries(client, world, secretary_a, django_assert_max_num_queries):
    for _ in range(3):
        write(world.org_a)
    client.force_login(secretary_a)
    client.get(reverse("mailbox:message_list"))
    with django_assert_max_num_queries(15) as few:
        client.get(reverse("mailbox:message_list"))
    for _ in range(20):
        write(world.org_a)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("mailbox:message_list"))


def test_staff_publish_and_the_portal_shows_no_personal_details(client, world, secretary_a):
    message = message_in(world.org_a, MessageState.ANSWERED, secretary=secretary_a)
    client.force_login(secretary_a)
    draft = client.get(reverse("mailbox:message_publish", args=[message.pk])).content.decode()
    assert "13912345678" not in draft.split("<form")[1]
    response = client.post(
        reverse("mailbox:message_publish", args=[message.pk]), services.publication_draft(message)
    )
    assert response.status_code == 302
    client.logout()
    public = client.get(reverse("mailbox_portal:published_detail", args=[message.pk])).content.decode()
    assert "楼道灯" in public and "张阿姨" not in public and "13912345678" not in public


def test_staff_turn_a_message_into_a_request_on_its_page(client, world, service_world, secretary_a):
    message = write(world.org_a)
    client.force_login(secretary_a)
    response = client.post(
        reverse("mailbox:message_to_request", args=[message.pk]),
        {"category": service_world.garbage.pk, "area": world.grid_a1.pk},
    )
    assert response.status_code == 302
    assert Message.objects.get(pk=message.pk).service_request is not None


def test_a_signed_in_member_writes_without_a_code_and_sees_it_on_their_page(client, world, resident):
    box = mailbox_of(world.org_a)
    client.force_login(resident)
    client.post(
        reverse("mailbox:write"), {"mailbox": box.pk, "subject": "感谢网格员", "text": "网格员很用心。"}
    )
    message = Message.objects.get()
    assert message.writer == resident and message.source == "member"
    assert "感谢网格员" in client.get(reverse("mailbox:mine")).content.decode()
