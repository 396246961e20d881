"""The mailbox's workflow through its services: written with a deadline from the calendar, assigned
within the organization's subtree (audited, notified), answered (an SMS that says only that it was),
closed, rated once; publication only with both consents and without personal details; a message
becomes a service request."""

from __future__ import annotations

import pytest
from django.test import TestCase

from dangjian.core.errors import ConcurrentChange, PermissionDenied, RuleViolation
from dangjian.core.models import AuditEntry, Notification
from dangjian.mailbox import services
from dangjian.mailbox.choices import MessageState
from dangjian.mailbox.models import Message
from tests.mailbox.helpers import PHONE, at, mailbox_of, message_in, staff_of, write
from tests.portal import sms


@pytest.fixture
def outbox(settings):
    settings.SMS_BACKEND = "tests.portal.sms.outbox_backend"
    sms.OUTBOX.clear()
    yield sms.OUTBOX
    sms.OUTBOX.clear()


def test_a_message_is_due_after_the_mailboxes_working_days_by_the_calendar(world):
    mailbox_of(world.org_a, answer_days=5)
    # Friday 2026-02-13: 02-14 is a make-up Saturday (counts), 02-15..02-23 the Spring Festival.
    message = write(world.org_a, now=at("2026-02-13 10:00"))
    assert message.due_at.date().isoformat() == "2026-02-27"
    assert message.phone_verified and message.writer_phone_masked == "139****5678"
    assert message.writer_phone_cipher and PHONE not in message.writer_phone_cipher
    assert AuditEntry.objects.filter(note="mailbox.write", object_id=str(message.pk)).exists()


def test_a_resident_must_verify_the_phone(world):
    with pytest.raises(RuleViolation):
        write(world.org_a, phone_verified=False)


def test_the_secretary_assigns_to_staff_of_a_branch_below_and_the_assignee_answers(
    world, secretary_a, outbox
):
    message = write(world.org_a)
    branch_staff = staff_of(world.branch_a1, "branch_staff")
    services.assign_message(message, assignee=branch_staff, by=secretary_a)
    assert message.state == MessageState.ASSIGNED
    assert Notification.objects.filter(user=branch_staff, kind=services.NOTICE_ASSIGNED).exists()
    assert AuditEntry.objects.filter(note="mailbox.assign", object_id=str(message.pk)).exists()
    # The assignee, a branch's staff, reads the message of the community's mailbox.
    assert Message.objects.visible_to(branch_staff).filter(pk=message.pk).exists()

    with TestCase.captureOnCommitCallbacks(execute=True):
        services.answer_message(message, answer="已安排维修，本周内修好。", by=branch_staff)
    assert message.state == MessageState.ANSWERED
    ((to, text),) = outbox
    assert to == PHONE and message.tracking_code in text
    assert "维修" not in text  # never the answer's text


def test_staff_of_another_community_cannot_be_assigned_nor_assign(world, secretary_a, secretary_b):
    message = write(world.org_a)
    with pytest.raises(RuleViolation):
        services.assign_message(message, assignee=secretary_b, by=secretary_a)
    with pytest.raises(PermissionDenied):
        services.assign_message(message, assignee=secretary_a, by=secretary_b)


def test_a_stale_version_is_refused(world, secretary_a):
    message = write(world.org_a)
    services.assign_message(message, assignee=secretary_a, by=secretary_a, version=message.version)
    with pytest.raises(ConcurrentChange):
        services.answer_message(message, answer="好的", by=secretary_a, version=1)


def test_the_writer_rates_the_answer_once(world, secretary_a):
    message = message_in(world.org_a, MessageState.ANSWERED, secretary=secretary_a)
    services.rate_message(message, rating=5, comment="很及时")
    with pytest.raises(RuleViolation):
        services.rate_message(message, rating=1)
    assert Message.objects.get(pk=message.pk).rating == 5


def test_publication_needs_the_writers_consent(world, secretary_a):
    message = write(world.org_a, agrees_to_publish=False)
    services.assign_message(message, assignee=secretary_a, by=secretary_a)
    services.answer_message(message, answer="已处理", by=secretary_a)
    with pytest.raises(RuleViolation):
        services.publish_message(message, by=secretary_a, **services.publication_draft(message))


def test_the_published_texts_carry_no_name_phone_or_id_number(world, secretary_a):
    message = write(
        world.org_a,
        text="我是张阿姨，身份证110105194907010013，电话13912345678，住幸福里3号楼。",
    )
    services.assign_message(message, assignee=secretary_a, by=secretary_a)
    services.answer_message(message, answer="张阿姨您好，已请物业联系您（13912345678）。", by=secretary_a)
    draft = services.publication_draft(message)
    services.publish_message(message, by=secretary_a, **draft)
    published = Message.objects.get(pk=message.pk)
    for text in (published.public_text, published.public_answer):
        assert "张阿姨" not in text and "13912345678" not in text and "110105194907010013" not in text
    assert published.is_published


def test_staff_turn_a_message_into_a_service_request(world, service_world, secretary_a):
    message = write(world.org_a)
    request_obj = services.turn_into_request(
        message, category=service_world.garbage, area=world.grid_a1, by=secretary_a
    )
    message.refresh_from_db()
    assert message.service_request_id == request_obj.pk
    assert request_obj.source == "mailbox" and request_obj.contact_phone_masked == "139****5678"
    assert AuditEntry.objects.filter(note="mailbox.to_request", object_id=str(message.pk)).exists()
    with pytest.raises(RuleViolation):
        services.turn_into_request(
            message, category=service_world.garbage, area=world.grid_a1, by=secretary_a
        )
