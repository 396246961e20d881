"""Background jobs of service requests: reminders, overdue and escalation, 吹哨 deadlines, invitations, archive.

Each job runs at a fixed ``now`` through its ``*_now`` function, and a second run changes nothing.
"""

from __future__ import annotations

import datetime
import logging

import pytest
from django.core.management import call_command
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from dangjian.core.models import AuditEntry, Notification
from dangjian.core.scheduler import registered_jobs
from dangjian.service import services, tasks
from dangjian.service.choices import FollowUpState, RequestState, WhistleState
from dangjian.service.models import ServiceRequest
from tests.service.conftest import at, dispatched_request, file_request, rate_as_resident, resolved_request

S = RequestState
MONDAY = "2026-03-02 09:00"  # a working Monday; 垃圾清运's 3 working days end on Thursday 03-05 23:59:59


@pytest.fixture
def dispatched(world, service_world, secretary_a):
    return dispatched_request(world, service_world, secretary_a, now=at(MONDAY))


def states(*requests) -> list[str]:
    return [ServiceRequest.objects.get(pk=request_obj.pk).state for request_obj in requests]


def test_the_five_jobs_are_registered_with_their_periods():
    periods = {job.name: job.every for job in registered_jobs() if job.name.startswith("dangjian.service.")}

    quarter = datetime.timedelta(minutes=15)
    assert periods == {
        "dangjian.service.tasks.remind_due_requests": quarter,
        "dangjian.service.tasks.mark_overdue_requests": quarter,
        "dangjian.service.tasks.mark_overdue_whistles": quarter,
        "dangjian.service.tasks.invite_ratings": datetime.timedelta(hours=1),
        "dangjian.service.tasks.archive_old_requests": datetime.timedelta(days=1),
    }


# --- reminders ----------------------------------------------------------------------------------------


def test_a_request_due_within_the_window_is_reminded_once(dispatched, settings):
    settings.SERVICE_REMIND_BEFORE_HOURS = 24

    assert tasks.remind_due_requests_now(at("2026-03-04 09:00")) == 0  # due in 39 hours
    assert tasks.remind_due_requests_now(at("2026-03-05 08:00")) == 1
    assert tasks.remind_due_requests_now(at("2026-03-05 08:00")) == 0
    assert tasks.remind_due_requests_now(at("2026-03-05 20:00")) == 0

    dispatched.refresh_from_db()
    assert dispatched.reminded_at == at("2026-03-05 08:00")
    assert dispatched.events.filter(action="remind").count() == 1
    assert Notification.objects.filter(kind=services.NOTIFY_REMINDER).count() == 1
    assert AuditEntry.objects.filter(object_id=str(dispatched.pk), note="service.remind").count() == 1


def test_suspended_and_resolved_requests_are_not_reminded(world, service_world, secretary_a, handler_a1):
    suspended = dispatched_request(world, service_world, secretary_a, now=at(MONDAY))
    services.suspend_request(suspended, by=secretary_a, reason="等待材料", now=at("2026-03-03 09:00"))
    resolved_request(world, service_world, secretary_a, handler_a1, now=at(MONDAY))

    assert tasks.remind_due_requests_now(at("2026-03-05 08:00")) == 0


def test_after_a_suspension_the_new_deadline_is_reminded_again(dispatched, secretary_a):
    assert tasks.remind_due_requests_now(at("2026-03-05 08:00")) == 1
    services.suspend_request(dispatched, by=secretary_a, reason="等待材料", now=at("2026-03-05 09:00"))
    services.resume_request(dispatched, by=secretary_a, now=at("2026-03-09 09:00"))

    assert tasks.remind_due_requests_now(at("2026-03-09 10:00")) == 1


# --- overdue ---------------------------------------------------------------------------------------------


def test_an_overdue_request_is_marked_once_and_escalated_to_the_superior_organization(dispatched, world):
    assert tasks.mark_overdue_requests_now(at("2026-03-05 23:00")) == 0
    assert tasks.mark_overdue_requests_now(at("2026-03-06 10:00")) == 1
    assert tasks.mark_overdue_requests_now(at("2026-03-06 10:15")) == 0

    dispatched.refresh_from_db()
    assert dispatched.overdue_at == at("2026-03-06 10:00")
    assert dispatched.escalated_at == at("2026-03-06 10:00")
    assert dispatched.state == S.DISPATCHED
    escalation = dispatched.events.get(action="escalate")
    assert escalation.data == {"to": world.street_org.name}
    assert escalation.by_name == services.SYSTEM_NAME
    assert dispatched.events.filter(action="overdue").count() == 1
    notified = set(
        Notification.objects.filter(kind=services.NOTIFY_OVERDUE).values_list("org_path", flat=True)
    )
    assert notified == {world.org_a.path, world.street_org.path}
    assert AuditEntry.objects.filter(object_id=str(dispatched.pk), note="service.overdue").count() == 1


def test_a_suspended_request_does_not_become_overdue(dispatched, secretary_a):
    services.suspend_request(dispatched, by=secretary_a, reason="等待材料", now=at("2026-03-03 09:00"))

    assert tasks.mark_overdue_requests_now(at("2026-03-20 10:00")) == 0
    assert states(dispatched) == [S.SUSPENDED]


def test_the_overdue_job_walks_every_request_in_small_batches(world, service_world, monkeypatch):
    monkeypatch.setattr(tasks, "BATCH_SIZE", 2)
    requests = [file_request(world, service_world.garbage, now=at(MONDAY)) for _ in range(5)]

    assert tasks.mark_overdue_requests_now(at("2026-03-10 10:00")) == 5
    assert all(ServiceRequest.objects.get(pk=r.pk).overdue_at is not None for r in requests)
    assert tasks.mark_overdue_requests_now(at("2026-03-10 10:00")) == 0


def test_in_batches_reads_a_bounded_number_of_rows_per_query(world, service_world, django_assert_num_queries):
    for _ in range(5):
        file_request(world, service_world.garbage, now=at(MONDAY))

    with django_assert_num_queries(4):  # batches of 2, 2, 1, then an empty one
        rows = list(tasks.in_batches(ServiceRequest.objects.all(), batch_size=2))

    assert len(rows) == 5
    assert [row.pk for row in rows] == sorted(row.pk for row in rows)


# --- 吹哨 ----------------------------------------------------------------------------------------------


def test_a_whistle_not_reported_in_time_is_flagged_once(dispatched, secretary_a, service_world, world):
    call = services.whistle_request(
        dispatched, by=secretary_a, department=service_world.department, note="需要执法", now=at(MONDAY)
    )
    # The department has one working day: until Tuesday 03-03 23:59:59.
    assert tasks.mark_overdue_whistles_now(at("2026-03-03 20:00")) == 0
    assert tasks.mark_overdue_whistles_now(at("2026-03-04 09:00")) == 1
    assert tasks.mark_overdue_whistles_now(at("2026-03-04 09:15")) == 0

    call.refresh_from_db()
    assert call.state == WhistleState.OVERDUE
    assert dispatched.events.filter(action="whistle_overdue").count() == 1
    assert Notification.objects.filter(kind=services.NOTIFY_WHISTLE, org_path=world.org_a.path).count() == 1


def test_a_reported_whistle_is_never_flagged(dispatched, secretary_a, service_world, department_user):
    call = services.whistle_request(
        dispatched, by=secretary_a, department=service_world.department, note="需要执法", now=at(MONDAY)
    )
    services.report_to_whistle(call, by=department_user, now=at("2026-03-02 15:00"))

    assert tasks.mark_overdue_whistles_now(at("2026-03-10 09:00")) == 0


# --- rating invitations ------------------------------------------------------------------------------


def test_residents_are_invited_to_rate_once_some_days_after_resolution(
    world, service_world, secretary_a, handler_a1, settings, caplog
):
    settings.SERVICE_RATING_INVITE_DAYS = 3
    request_obj = resolved_request(world, service_world, secretary_a, handler_a1, now=at(MONDAY))

    assert tasks.invite_ratings_now(at("2026-03-05 08:59")) == 0
    with caplog.at_level(logging.INFO):
        assert tasks.invite_ratings_now(at("2026-03-05 09:00")) == 1
    assert tasks.invite_ratings_now(at("2026-03-06 09:00")) == 0

    request_obj.refresh_from_db()
    assert request_obj.rating_invited_at == at("2026-03-05 09:00")
    assert request_obj.events.filter(action="rating_invited").count() == 1
    assert (
        AuditEntry.objects.filter(object_id=str(request_obj.pk), note="service.rating_invited").count() == 1
    )
    assert request_obj.tracking_code in caplog.text  # the default SMS backend writes the message to the log


def test_a_rated_request_is_not_invited(world, service_world, secretary_a, handler_a1):
    request_obj = resolved_request(world, service_world, secretary_a, handler_a1, now=at(MONDAY))
    rate_as_resident(request_obj, level="satisfied", now=at("2026-03-02 12:00"))

    assert tasks.invite_ratings_now(at("2026-03-10 09:00")) == 0


# --- archive --------------------------------------------------------------------------------------------


def test_archive_takes_rated_long_resolved_and_long_refused_requests(
    world, service_world, secretary_a, handler_a1, settings
):
    settings.SERVICE_ARCHIVE_AFTER_DAYS = 30
    rated = resolved_request(world, service_world, secretary_a, handler_a1, now=at(MONDAY))
    rate_as_resident(rated, level="very_satisfied", now=at("2026-03-03 09:00"))
    bad = resolved_request(world, service_world, secretary_a, handler_a1, now=at(MONDAY))
    rate_as_resident(bad, level="dissatisfied", comment="没解决", now=at("2026-03-03 09:00"))
    old_resolved = resolved_request(world, service_world, secretary_a, handler_a1, now=at(MONDAY))
    recent_resolved = resolved_request(
        world, service_world, secretary_a, handler_a1, now=at("2026-03-25 09:00")
    )
    old_refused = file_request(world, service_world.garbage, now=at(MONDAY))
    services.reject_request(old_refused, by=secretary_a, reason="重复上报", now=at(MONDAY))
    open_request = dispatched_request(world, service_world, secretary_a, now=at(MONDAY))

    assert tasks.archive_old_requests_now(at("2026-04-02 03:00")) == 3
    assert tasks.archive_old_requests_now(at("2026-04-02 03:00")) == 0

    assert states(rated, bad, old_resolved, recent_resolved, old_refused, open_request) == [
        S.ARCHIVED,
        S.RATED,  # a 差评 whose follow-up is still open stays for the dispatcher
        S.ARCHIVED,
        S.RESOLVED,
        S.ARCHIVED,
        S.DISPATCHED,
    ]
    archived = ServiceRequest.objects.get(pk=old_resolved.pk)
    assert archived.archived_at == at("2026-04-02 03:00")
    event = archived.events.get(action="archive")
    assert event.by_name == services.SYSTEM_NAME
    assert AuditEntry.objects.filter(object_id=str(archived.pk), note="service.archive").count() == 1

    services.record_follow_up(bad, by=secretary_a, note="上门回访，已整改", now=at("2026-04-02 10:00"))
    assert ServiceRequest.objects.get(pk=bad.pk).follow_up_state == FollowUpState.DONE
    assert tasks.archive_old_requests_now(at("2026-04-03 03:00")) == 1
    assert states(bad) == [S.ARCHIVED]


# --- through the worker -------------------------------------------------------------------------------


# A transactional test starts without the calendar years the migrations entered: the deadline
# falls back to statutory holidays, with a warning that does not matter here.
@pytest.mark.filterwarnings("ignore::dangjian.core.workdays.CalendarNotEnteredWarning")
def test_the_worker_runs_the_service_jobs(transactional_db, world, service_world, secretary_a):
    # Due long ago: the first tick of the worker marks it overdue.
    dispatched_request(world, service_world, secretary_a, now=at("2026-01-05 09:00"))

    call_command("worker", "--once")

    results = {
        row.task_path: row
        for row in DBTaskResult.objects.filter(task_path__startswith="dangjian.service.tasks.")
    }
    assert set(results) == {
        "dangjian.service.tasks.remind_due_requests",
        "dangjian.service.tasks.mark_overdue_requests",
        "dangjian.service.tasks.mark_overdue_whistles",
        "dangjian.service.tasks.invite_ratings",
        "dangjian.service.tasks.archive_old_requests",
    }
    assert {row.status for row in results.values()} == {TaskResultStatus.SUCCESSFUL}
    assert results["dangjian.service.tasks.mark_overdue_requests"].return_value == 1
    assert ServiceRequest.objects.get().overdue_at is not None
