"""An unanswered message becomes overdue after N working days by the calendar (issue 14 acceptance):
the periodic job flags it once, escalates it to the organization above and tells the assignee;
an answered message never becomes overdue."""

from __future__ import annotations

from dangjian.core.models import AuditEntry, Notification
from dangjian.core.registry import registry
from dangjian.mailbox import services, tasks
from dangjian.mailbox.models import Message
from tests.mailbox.helpers import at, mailbox_of, write


def test_an_unanswered_message_becomes_overdue_after_n_working_days_over_the_spring_festival(
    world, secretary_a
):
    mailbox_of(world.org_a, answer_days=3)
    # Friday 02-13; 02-14 is a make-up Saturday (1), 02-15..02-23 the holiday, 02-24 (2), 02-25 (3).
    message = write(world.org_a, now=at("2026-02-13 10:00"))
    services.assign_message(message, assignee=secretary_a, by=secretary_a, now=at("2026-02-13 11:00"))

    assert tasks.mark_overdue_messages_now(at("2026-02-23 12:00")) == 0  # a calendar week later: not yet
    assert tasks.mark_overdue_messages_now(at("2026-02-25 23:00")) == 0  # the last working day
    assert tasks.mark_overdue_messages_now(at("2026-02-26 08:00")) == 1
    assert tasks.mark_overdue_messages_now(at("2026-02-26 09:00")) == 0  # flagged once

    message.refresh_from_db()
    assert message.overdue_at == at("2026-02-26 08:00") and message.is_overdue
    assert AuditEntry.objects.filter(note="mailbox.overdue", object_id=str(message.pk)).exists()
    escalated = Notification.objects.filter(kind=services.NOTICE_OVERDUE)
    assert set(escalated.exclude(org_path="").values_list("org_path", flat=True)) == {
        world.org_a.path,
        world.street_org.path,
    }
    assert escalated.filter(user=secretary_a).exists()


def test_a_answered_message_does_not_become_overdue(world, secretary_a):
    message = write(world.org_a, now=at("2026-03-02 09:00"))
    services.assign_message(message, assignee=secretary_a, by=secretary_a, now=at("2026-03-02 10:00"))
    services.answer_message(message, answer="已处理", by=secretary_a, now=at("2026-03-03 10:00"))
    assert tasks.mark_overdue_messages_now(at("2026-04-01 10:00")) == 0
    assert Message.objects.get(pk=message.pk).overdue_at is None


def test_the_overdue_check_is_a_periodic_job_of_the_registry():
    assert any("mark_overdue_messages" in name for name in registry["periodic_jobs"])


def test_the_mailbox_and_service_requests_share_one_deadline_function():
    from dangjian.core import deadlines
    from dangjian.service import deadlines as service_deadlines

    assert service_deadlines.compute_due is deadlines.compute_due
    assert tasks.sweep_overdue is deadlines.sweep_overdue
