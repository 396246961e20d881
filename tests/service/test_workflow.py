"""The state machine of service requests: every action from an allowed state, refusals, rights, audit, timeline."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from dangjian.core.errors import PermissionDenied, RuleViolation
from dangjian.core.models import AuditEntry
from dangjian.service import deadlines, services
from dangjian.service.choices import FollowUpState, RequestSource, RequestState, WhistleState
from dangjian.service.models import ServiceRequest, WhistleCall
from tests.service.conftest import at, dispatched_request, file_request, rate_as_resident
from tests.service.test_photos import jpeg_bytes

S = RequestState


@pytest.fixture(autouse=True)
def never_two_handlers(db):
    """After every test: no request has a handler organization and a handler department at once."""
    yield
    both = ServiceRequest.objects.filter(handler_org__isnull=False, handler_department__isnull=False)
    assert not both.exists(), list(both.values_list("tracking_code", flat=True))


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@dataclass
class Flow:
    """Brings a request into any state with the personas of 社区A."""

    world: object
    service_world: object
    dispatcher: object
    handler: object
    department_user: object

    def new(self, **fields) -> ServiceRequest:
        return file_request(self.world, self.service_world.garbage, **fields)

    def in_state(self, state: str, *, unplaced: bool = False) -> ServiceRequest:
        # ``unplaced``: reported with an address only in 社区A (待定位), for the 定位 action.
        request_obj = self.new(area=self.world.community_a, address="幸福路8号") if unplaced else self.new()
        if state == S.REPORTED:
            return request_obj
        if state == S.REJECTED:
            return services.reject_request(request_obj, by=self.dispatcher, reason="不属于本社区受理范围")
        services.accept_request(request_obj, by=self.dispatcher)
        if state == S.ACCEPTED:
            return request_obj
        if state == S.SUSPENDED:
            return services.suspend_request(request_obj, by=self.dispatcher, reason="等待业主提供材料")
        services.dispatch_request(request_obj, by=self.dispatcher)
        if state == S.DISPATCHED:
            return request_obj
        if state == S.RETURNED:
            return services.return_request(request_obj, by=self.handler, reason="不属于本支部处置范围")
        services.start_handling(request_obj, by=self.handler)
        if state == S.IN_PROGRESS:
            return request_obj
        services.report_result(request_obj, by=self.handler, resolution="垃圾已清运")
        if state == S.FEEDBACK:
            return request_obj
        services.approve_result(request_obj, by=self.dispatcher)
        if state == S.RESOLVED:
            return request_obj
        rate_as_resident(request_obj, level="dissatisfied", comment="拖了好几天")
        if state == S.RATED:
            return request_obj
        return services.archive_request(request_obj, by=self.dispatcher)


@pytest.fixture
def flow(world, service_world, secretary_a, handler_a1, department_user) -> Flow:
    return Flow(world, service_world, secretary_a, handler_a1, department_user)


def photo_upload() -> SimpleUploadedFile:
    return SimpleUploadedFile("现场.jpg", jpeg_bytes(), content_type="image/jpeg")


# action → (a state it is allowed from, a state it is refused from, the call, the state after or None)
ActionCall = Callable[[Flow, ServiceRequest], object]
CASES: dict[str, tuple[str, str, ActionCall, str | None]] = {
    "place": (
        S.REPORTED,
        S.REJECTED,
        lambda f, r: services.place_request(r, by=f.dispatcher, grid=f.world.grid_a1),
        None,
    ),
    "accept": (S.REPORTED, S.ACCEPTED, lambda f, r: services.accept_request(r, by=f.dispatcher), S.ACCEPTED),
    "reject": (
        S.REPORTED,
        S.DISPATCHED,
        lambda f, r: services.reject_request(r, by=f.dispatcher, reason="重复上报"),
        S.REJECTED,
    ),
    "dispatch": (
        S.ACCEPTED,
        S.REPORTED,
        lambda f, r: services.dispatch_request(r, by=f.dispatcher),
        S.DISPATCHED,
    ),
    "reassign": (
        S.IN_PROGRESS,
        S.ACCEPTED,
        lambda f, r: services.reassign_request(
            r, by=f.dispatcher, handler_department=f.service_world.department
        ),
        S.DISPATCHED,
    ),
    "start": (S.DISPATCHED, S.ACCEPTED, lambda f, r: services.start_handling(r, by=f.handler), S.IN_PROGRESS),
    "feedback": (
        S.IN_PROGRESS,
        S.DISPATCHED,
        lambda f, r: services.report_result(r, by=f.handler, resolution="已清运完毕"),
        S.FEEDBACK,
    ),
    "return": (
        S.DISPATCHED,
        S.FEEDBACK,
        lambda f, r: services.return_request(r, by=f.handler, reason="应由城管处置"),
        S.RETURNED,
    ),
    "approve": (
        S.FEEDBACK,
        S.IN_PROGRESS,
        lambda f, r: services.approve_result(r, by=f.dispatcher),
        S.RESOLVED,
    ),
    "send_back": (
        S.FEEDBACK,
        S.RESOLVED,
        lambda f, r: services.send_back(r, by=f.dispatcher, reason="现场照片看不清"),
        S.IN_PROGRESS,
    ),
    "suspend": (
        S.DISPATCHED,
        S.FEEDBACK,
        lambda f, r: services.suspend_request(r, by=f.dispatcher, reason="等待产权单位答复"),
        S.SUSPENDED,
    ),
    "resume": (
        S.SUSPENDED,
        S.DISPATCHED,
        lambda f, r: services.resume_request(r, by=f.dispatcher),
        S.ACCEPTED,
    ),
    "reopen": (
        S.RESOLVED,
        S.IN_PROGRESS,
        lambda f, r: services.reopen_request(r, by=f.dispatcher, reason="居民反映又堆满了"),
        S.ACCEPTED,
    ),
    "archive": (
        S.RATED,
        S.IN_PROGRESS,
        lambda f, r: services.archive_request(r, by=f.dispatcher),
        S.ARCHIVED,
    ),
    "recategorize": (
        S.ACCEPTED,
        S.RESOLVED,
        lambda f, r: services.recategorize_request(r, by=f.dispatcher, category=f.service_world.elderly),
        None,
    ),
    "supervise": (
        S.IN_PROGRESS,
        S.RESOLVED,
        lambda f, r: services.supervise_request(r, by=f.dispatcher),
        None,
    ),
    "whistle": (
        S.DISPATCHED,
        S.FEEDBACK,
        lambda f, r: services.whistle_request(
            r, by=f.dispatcher, department=f.service_world.department, note="需要执法力量"
        ),
        None,
    ),
    "visit": (S.RESOLVED, S.REJECTED, lambda f, r: services.log_visit(r, by=f.dispatcher), None),
    "photo": (
        S.IN_PROGRESS,
        S.RESOLVED,
        lambda f, r: services.add_photo(r, upload=photo_upload(), by=f.handler),
        None,
    ),
    "comment": (
        S.ACCEPTED,
        S.REJECTED,
        lambda f, r: services.add_comment(r, by=f.dispatcher, note="已电话联系居民"),
        None,
    ),
    "follow_up": (
        S.RATED,
        S.IN_PROGRESS,
        lambda f, r: services.record_follow_up(r, by=f.dispatcher, note="已向居民致歉并加派人手"),
        None,
    ),
}


def test_every_action_of_the_state_machine_has_a_case():
    assert set(CASES) == set(services.ACTIONS)


@pytest.mark.parametrize("action", sorted(CASES))
def test_each_action_works_from_an_allowed_state_with_a_timeline_event_and_an_audit_line(flow, action):
    allowed, _refused, call, after = CASES[action]
    assert allowed in services.ACTIONS[action].from_states
    request_obj = flow.in_state(allowed, unplaced=action == "place")
    user = flow.handler if services.ACTIONS[action].role == "handle" else flow.dispatcher
    assert services.may(user, action, request_obj)
    audits = AuditEntry.objects.filter(object_id=str(request_obj.pk), note__startswith=f"service.{action}")
    assert not audits.exists()

    call(flow, request_obj)

    request_obj.refresh_from_db()
    assert request_obj.state == (after or allowed)
    last = request_obj.events.order_by("-created_at", "-id").first()
    assert last.action == action
    if after:
        assert (last.from_state, last.to_state) == (allowed, after)
    assert audits.count() == 1


@pytest.mark.parametrize("action", sorted(CASES))
def test_each_action_is_refused_from_a_wrong_state_with_a_message_naming_the_state(flow, action):
    _allowed, refused, call, _after = CASES[action]
    assert refused not in services.ACTIONS[action].from_states
    request_obj = flow.in_state(refused, unplaced=action == "place")
    version = request_obj.version
    user = flow.handler if services.ACTIONS[action].role == "handle" else flow.dispatcher
    assert not services.may(user, action, request_obj)

    with translation.override("zh-hans"), pytest.raises(RuleViolation) as refusal:
        call(flow, request_obj)
    with translation.override("zh-hans"):
        state_label = str(S(refused).label)

    assert refusal.value.rule == f"{action}.state"
    assert state_label in refusal.value.message
    assert any("\u4e00" <= char <= "\u9fff" for char in state_label), state_label
    request_obj.refresh_from_db()
    assert (request_obj.state, request_obj.version) == (refused, version)


def test_the_refusal_names_who_changed_the_state(flow, secretary_a):
    request_obj = flow.in_state(S.ACCEPTED)
    stale = ServiceRequest.objects.get(pk=request_obj.pk)

    with translation.override("zh-hans"), pytest.raises(RuleViolation) as refusal:
        services.accept_request(stale, by=secretary_a)

    accepted_by = request_obj.events.get(action="accept").by_name
    assert accepted_by and accepted_by in refusal.value.message
    assert "已受理" in refusal.value.message


# --- rights ---------------------------------------------------------------------------------------


def test_the_secretary_of_another_community_can_neither_see_nor_act(flow, secretary_b):
    request_obj = flow.new()

    assert not services.may_see(secretary_b, request_obj)
    assert not ServiceRequest.objects.visible_to(secretary_b).filter(pk=request_obj.pk).exists()
    assert services.available_actions(secretary_b, request_obj) == []
    with pytest.raises(PermissionDenied) as refusal:
        services.accept_request(request_obj, by=secretary_b)
    assert refusal.value.rule == "accept.permission"
    request_obj.refresh_from_db()
    assert request_obj.state == S.REPORTED
    assert not AuditEntry.objects.filter(
        object_id=str(request_obj.pk), note__startswith="service.accept"
    ).exists()


def test_the_dispatcher_sees_the_request_and_is_offered_its_actions(flow, secretary_a):
    request_obj = flow.new()

    assert services.may_see(secretary_a, request_obj)
    assert services.available_actions(secretary_a, request_obj)[:2] == ["accept", "reject"]


def test_only_the_handler_of_a_dispatched_request_may_start_it(
    flow, handler_a1, department_user, secretary_b
):
    request_obj = flow.in_state(S.DISPATCHED)
    assert request_obj.handler_org == flow.world.branch_a1

    for outsider in (department_user, secretary_b):
        assert not services.may(outsider, "start", request_obj)
        with pytest.raises(PermissionDenied) as refusal:
            services.start_handling(request_obj, by=outsider)
        assert refusal.value.rule == "start.permission"

    services.start_handling(request_obj, by=handler_a1)
    assert request_obj.state == S.IN_PROGRESS
    assert request_obj.assignee == handler_a1


def test_a_request_routed_to_a_department_is_handled_by_the_department_user_only(
    world, service_world, secretary_a, handler_a1, department_user
):
    request_obj = file_request(world, service_world.lighting, description="路灯不亮")
    services.accept_request(request_obj, by=secretary_a)
    services.dispatch_request(request_obj, by=secretary_a)

    assert request_obj.handler_department == service_world.department
    assert request_obj.handler_org is None
    assert services.may_see(department_user, request_obj)
    assert not services.may(handler_a1, "start", request_obj)
    with pytest.raises(PermissionDenied):
        services.start_handling(request_obj, by=handler_a1)

    services.start_handling(request_obj, by=department_user)
    services.report_result(request_obj, by=department_user, resolution="已更换灯泡")
    assert request_obj.state == S.FEEDBACK


def test_a_department_user_does_not_see_requests_of_other_handlers(flow, department_user):
    request_obj = flow.in_state(S.DISPATCHED)

    assert not services.may_see(department_user, request_obj)


# --- rules of single actions ----------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "   "])
def test_not_accepting_needs_a_reason(flow, secretary_a, reason):
    request_obj = flow.new()

    with pytest.raises(RuleViolation) as refusal:
        services.reject_request(request_obj, by=secretary_a, reason=reason)

    assert refusal.value.field == "reason"
    request_obj.refresh_from_db()
    assert request_obj.state == S.REPORTED


def test_not_accepting_keeps_the_reason_for_the_resident(flow, secretary_a):
    request_obj = flow.new()

    services.reject_request(request_obj, by=secretary_a, reason="属于物业合同范围，请联系物业")

    assert request_obj.state == S.REJECTED
    assert request_obj.rejection_reason == "属于物业合同范围，请联系物业"


def test_returning_clears_the_handler_and_the_dispatcher_can_dispatch_again(flow, secretary_a, handler_a1):
    request_obj = flow.in_state(S.IN_PROGRESS)
    assert request_obj.assignee == handler_a1

    services.return_request(request_obj, by=handler_a1, reason="应由城管执法处置")

    request_obj.refresh_from_db()
    assert request_obj.state == S.RETURNED
    assert (request_obj.handler_org, request_obj.handler_department, request_obj.assignee) == (
        None,
        None,
        None,
    )
    assert request_obj.handler_org_path == ""
    assert not services.may(handler_a1, "start", request_obj)

    services.dispatch_request(request_obj, by=secretary_a, handler_department=flow.service_world.department)
    assert request_obj.handler_department == flow.service_world.department
    assert request_obj.handler_org is None


def test_dispatch_to_an_organization_and_a_department_at_once_is_refused(flow, secretary_a):
    request_obj = flow.in_state(S.ACCEPTED)

    with pytest.raises(RuleViolation) as refusal:
        services.dispatch_request(
            request_obj,
            by=secretary_a,
            handler_org=flow.world.branch_a1,
            handler_department=flow.service_world.department,
        )

    assert refusal.value.rule == "dispatch.handler"
    request_obj.refresh_from_db()
    assert request_obj.state == S.ACCEPTED


def test_reassigning_to_a_department_drops_the_organization(flow, secretary_a):
    request_obj = flow.in_state(S.IN_PROGRESS)

    services.reassign_request(request_obj, by=secretary_a, handler_department=flow.service_world.department)

    request_obj.refresh_from_db()
    assert request_obj.handler_department == flow.service_world.department
    assert request_obj.handler_org is None
    assert request_obj.assignee is None
    event = request_obj.events.order_by("-id").first()
    assert event.data["to"] == flow.service_world.department.name


def test_sending_back_after_review_returns_it_to_the_handler(flow, secretary_a, handler_a1):
    request_obj = flow.in_state(S.FEEDBACK)

    services.send_back(request_obj, by=secretary_a, reason="照片未显示清运后的现场")

    assert request_obj.state == S.IN_PROGRESS
    assert request_obj.assignee == handler_a1
    services.report_result(request_obj, by=handler_a1, resolution="补充了清运后照片")
    assert request_obj.state == S.FEEDBACK


def test_approval_counts_the_handling_time_in_working_hours_without_the_suspension(
    world, service_world, secretary_a, handler_a1
):
    # Monday 2026-03-02 09:00 reported; 挂起 from Tuesday 09:00 to Wednesday 09:00 (8 office hours).
    request_obj = dispatched_request(world, service_world, secretary_a, now=at("2026-03-02 09:00"))
    services.start_handling(request_obj, by=handler_a1, now=at("2026-03-02 10:00"))
    services.suspend_request(request_obj, by=secretary_a, reason="等待物业答复", now=at("2026-03-03 09:00"))
    services.resume_request(request_obj, by=secretary_a, now=at("2026-03-04 09:00"))
    assert request_obj.state == S.IN_PROGRESS
    services.report_result(request_obj, by=handler_a1, resolution="已清运", now=at("2026-03-04 15:00"))

    services.approve_result(request_obj, by=secretary_a, now=at("2026-03-05 09:00"))

    request_obj.refresh_from_db()
    assert request_obj.state == S.RESOLVED
    assert request_obj.resolved_at == at("2026-03-05 09:00")
    # 24 office hours from Monday 09:00 to Thursday 09:00, less the 8 suspended.
    assert request_obj.handling_working_hours == Decimal("16.00")
    assert request_obj.suspended_working_hours == Decimal("8.00")


def test_reopening_gives_a_new_deadline_and_clears_the_rating(flow, secretary_a):
    request_obj = flow.in_state(S.RATED)
    assert request_obj.rating_level == "dissatisfied"
    later = at("2026-06-01 10:00")

    services.reopen_request(request_obj, by=secretary_a, reason="居民反映问题依旧", now=later)

    request_obj.refresh_from_db()
    assert request_obj.state == S.ACCEPTED
    assert request_obj.due_at == deadlines.compute_due(later, 3, "working_days")
    assert (request_obj.rating_level, request_obj.rating_is_bad, request_obj.rated_at) == ("", None, None)
    assert request_obj.resolved_at is None and request_obj.handling_working_hours is None
    assert request_obj.reopen_count == 1
    assert request_obj.follow_up_state == FollowUpState.DONE
    assert (request_obj.handler_org, request_obj.assignee) == (None, None)
    assert services.may(secretary_a, "dispatch", request_obj)


def test_reopen_needs_a_reason(flow, secretary_a):
    request_obj = flow.in_state(S.RESOLVED)

    with pytest.raises(RuleViolation):
        services.reopen_request(request_obj, by=secretary_a, reason="")


def test_a_bad_rating_opens_a_follow_up_that_is_recorded_once(flow, secretary_a):
    request_obj = flow.in_state(S.RESOLVED)

    rate_as_resident(request_obj, level="very_dissatisfied", comment="态度不好")

    assert request_obj.state == S.RATED
    assert request_obj.rating_is_bad is True
    assert request_obj.follow_up_state == FollowUpState.OPEN
    assert "follow_up" in services.available_actions(secretary_a, request_obj)

    services.record_follow_up(request_obj, by=secretary_a, note="上门致歉，整改到位")

    assert request_obj.follow_up_state == FollowUpState.DONE
    assert "follow_up" not in services.available_actions(secretary_a, request_obj)
    with pytest.raises(RuleViolation) as refusal:
        services.record_follow_up(request_obj, by=secretary_a, note="再次记录")
    assert refusal.value.rule == "follow_up.none"


def test_a_good_rating_opens_no_follow_up_and_a_request_is_rated_once(flow):
    request_obj = flow.in_state(S.RESOLVED)

    rate_as_resident(request_obj, level="very_satisfied")

    assert request_obj.rating_is_bad is False
    assert request_obj.follow_up_state == FollowUpState.NONE
    with pytest.raises(RuleViolation) as refusal:
        rate_as_resident(request_obj, level="satisfied")
    assert refusal.value.rule == "rate.once"


def test_rating_before_resolution_is_refused(flow):
    request_obj = flow.in_state(S.IN_PROGRESS)

    with pytest.raises(RuleViolation) as refusal:
        rate_as_resident(request_obj, level="satisfied")

    assert refusal.value.rule == "rate.state"


def test_supervising_twice_is_refused(flow, secretary_a):
    request_obj = flow.in_state(S.IN_PROGRESS)
    services.supervise_request(request_obj, by=secretary_a, note="群众反映强烈")
    assert request_obj.is_supervised

    with pytest.raises(RuleViolation) as refusal:
        services.supervise_request(request_obj, by=secretary_a)

    assert refusal.value.rule == "supervise.already"
    assert request_obj.events.filter(action="supervise").count() == 1


def test_visits_are_counted_and_more_than_one_is_flagged(flow, secretary_a):
    request_obj = file_request(
        flow.world, flow.service_world.garbage, source=RequestSource.WALK_IN, by=secretary_a
    )
    assert request_obj.visit_count == 1
    assert not request_obj.visits_flagged

    services.log_visit(request_obj, by=secretary_a, note="居民第二次来问进度")

    request_obj.refresh_from_db()
    assert request_obj.visit_count == 2
    assert request_obj.visits_flagged


def test_recategorizing_recomputes_the_deadline_and_keeps_both_in_the_timeline(flow, secretary_a):
    request_obj = file_request(flow.world, flow.service_world.garbage, now=at("2026-03-02 09:00"))
    services.accept_request(request_obj, by=secretary_a, now=at("2026-03-02 09:30"))
    old_due = request_obj.due_at

    services.recategorize_request(request_obj, by=secretary_a, category=flow.service_world.elderly)

    request_obj.refresh_from_db()
    assert request_obj.category == flow.service_world.elderly
    assert request_obj.due_at == at("2026-03-03 09:00")
    event = request_obj.events.get(action="recategorize")
    assert event.data["category"] == ["垃圾清运", "独居老人紧急求助"]
    assert len(event.data["due_at"]) == 2
    assert old_due != request_obj.due_at


# --- 吹哨报到 -----------------------------------------------------------------------------------------


def test_whistle_then_the_department_reports_and_becomes_the_only_handler(flow, secretary_a, department_user):
    request_obj = flow.in_state(S.IN_PROGRESS)
    department = flow.service_world.department
    assert not services.may_see(department_user, request_obj)

    call = services.whistle_request(request_obj, by=secretary_a, department=department, note="需要执法力量")

    assert call.state == WhistleState.CALLED
    assert call.report_due_at > call.called_at
    assert services.may_see(department_user, request_obj)
    with pytest.raises(RuleViolation) as refusal:
        services.whistle_request(request_obj, by=secretary_a, department=department, note="再次吹哨")
    assert refusal.value.rule == "whistle.pending"

    services.report_to_whistle(call, by=department_user, note="已到场")

    request_obj.refresh_from_db()
    call.refresh_from_db()
    assert call.state == WhistleState.REPORTED
    assert call.reported_by == department_user
    assert request_obj.state == S.DISPATCHED
    assert request_obj.handler_department == department
    assert request_obj.handler_org is None and request_obj.handler_org_path == ""
    assert request_obj.assignee == department_user
    assert [e.action for e in request_obj.events.order_by("created_at", "id")][-2:] == [
        "whistle",
        "whistle_report",
    ]
    assert AuditEntry.objects.filter(
        object_id=str(request_obj.pk), note__startswith="service.whistle_report"
    ).exists()
    services.start_handling(request_obj, by=department_user)
    assert request_obj.state == S.IN_PROGRESS

    with pytest.raises(RuleViolation) as refusal:
        services.report_to_whistle(call, by=department_user)
    assert refusal.value.rule == "whistle_report.state"


def test_only_the_called_department_may_report(flow, secretary_a, handler_a1):
    request_obj = flow.in_state(S.DISPATCHED)
    call = services.whistle_request(
        request_obj, by=secretary_a, department=flow.service_world.department, note="需要执法"
    )

    with pytest.raises(PermissionDenied):
        services.report_to_whistle(call, by=handler_a1)

    assert WhistleCall.objects.get(pk=call.pk).state == WhistleState.CALLED


def test_a_whistle_needs_a_reason(flow, secretary_a):
    request_obj = flow.in_state(S.DISPATCHED)

    with pytest.raises(RuleViolation):
        services.whistle_request(
            request_obj, by=secretary_a, department=flow.service_world.department, note=""
        )


# --- the whole life, timeline and audit -----------------------------------------------------------


def test_the_timeline_and_the_audit_follow_the_whole_life_of_a_request(flow, secretary_a, handler_a1):
    request_obj = flow.in_state(S.ARCHIVED)

    actions = list(request_obj.events.order_by("created_at", "id").values_list("action", flat=True))
    assert actions == ["submit", "accept", "dispatch", "start", "feedback", "approve", "rate", "archive"]
    states = list(request_obj.events.order_by("created_at", "id").values_list("to_state", flat=True))
    assert states == [
        S.REPORTED,
        S.ACCEPTED,
        S.DISPATCHED,
        S.IN_PROGRESS,
        S.FEEDBACK,
        S.RESOLVED,
        S.RATED,
        S.ARCHIVED,
    ]
    notes = list(
        AuditEntry.objects.filter(object_id=str(request_obj.pk), object_type__icontains="servicerequest")
        .order_by("id")
        .values_list("note", flat=True)
    )
    # One creation line, then one ``service.<action>`` line for each of the seven changes.
    changes = [note.split(":")[0] for note in notes if note.startswith("service.")]
    assert changes == [
        "service.accept",
        "service.dispatch",
        "service.start",
        "service.feedback",
        "service.approve",
        "service.rate",
        "service.archive",
    ]
    by_names = list(request_obj.events.order_by("created_at", "id").values_list("by_name", flat=True))
    assert by_names[0] == services.RESIDENT_NAME
    assert by_names[3] == "孙处置员"
    assert by_names[6] == services.RESIDENT_NAME


# --- submission --------------------------------------------------------------------------------------


def test_a_request_is_placed_in_the_grid_its_point_lies_in(service_world, world):
    request_obj = services.submit_request(
        category=service_world.garbage,
        description="垃圾桶满溢",
        source=RequestSource.PORTAL,
        latitude=Decimal("39.905"),
        longitude=Decimal("116.405"),
    )
    assert request_obj.area == world.grid_a1
    assert request_obj.org == world.org_a

    east = services.submit_request(
        category=service_world.garbage,
        description="垃圾桶满溢",
        source=RequestSource.PORTAL,
        latitude=Decimal("39.905"),
        longitude=Decimal("116.415"),
    )
    assert east.area == world.grid_a2


def test_a_point_outside_every_grid_is_refused(service_world):
    with pytest.raises(RuleViolation) as refusal:
        services.submit_request(
            category=service_world.garbage,
            description="垃圾桶满溢",
            source=RequestSource.PORTAL,
            latitude=Decimal("40.500"),
            longitude=Decimal("117.000"),
        )

    assert refusal.value.rule == "area.required"
    assert not ServiceRequest.objects.exists()


def test_staff_cannot_register_a_request_in_a_grid_outside_their_scope(service_world, world, secretary_b):
    with pytest.raises(PermissionDenied) as refusal:
        file_request(world, service_world.garbage, by=secretary_b, source=RequestSource.HOTLINE)

    assert refusal.value.rule == "submit.permission"
    assert not ServiceRequest.objects.exists()


def test_staff_register_in_their_grid_and_residents_cannot_use_a_private_category(
    service_world, world, grid_worker_a
):
    request_obj = file_request(world, service_world.elderly, by=grid_worker_a, source=RequestSource.PATROL)
    assert request_obj.reported_by == grid_worker_a

    with pytest.raises(RuleViolation) as refusal:
        file_request(world, service_world.elderly)
    assert refusal.value.rule == "category.public"


def test_a_request_cannot_be_filed_under_a_category_with_children(service_world, world):
    with pytest.raises(RuleViolation) as refusal:
        file_request(world, service_world.parent)

    assert refusal.value.rule == "category.leaf"


def test_submission_writes_the_first_timeline_event_and_a_creation_audit_line(service_world, world):
    request_obj = file_request(world, service_world.garbage, now=at("2026-02-13 10:00"))

    event = request_obj.events.get()
    assert (event.action, event.to_state, event.by_name) == ("submit", S.REPORTED, "居民")
    assert AuditEntry.objects.filter(object_id=str(request_obj.pk), action="create").count() == 1
    assert len(request_obj.tracking_code) == services.TRACKING_LENGTH
    assert request_obj.due_at - request_obj.created_at > datetime.timedelta(days=3)
