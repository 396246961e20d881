"""The generator step of service requests, run with the whole generator at community scale."""

from __future__ import annotations

from django.db.models import F

from dangjian.accounts.models import User
from dangjian.core.generator.build import Generator
from dangjian.core.generator.scales import COMMUNITY
from dangjian.service.choices import DONE_STATES, OPEN_STATES, RequestAction, RequestState, TimeLimitUnit
from dangjian.service.deadlines import compute_due, working_hours_between
from dangjian.service.demo_data import generate_service
from dangjian.service.models import (
    Category,
    DepartmentMember,
    RequestEvent,
    RoutingRule,
    ServiceRequest,
    WhistleCall,
)
from dangjian.service.selectors import figure_q
from dangjian.service.services import TRACKING_ALPHABET, TRACKING_LENGTH


def snapshot() -> list[tuple]:
    return list(
        ServiceRequest.objects.order_by("tracking_code").values_list(
            "tracking_code", "state", "category__code", "area__code", "source", "due_at", "resolved_at"
        )
    )


def test_the_community_scale_has_requests_in_every_state_with_true_deadlines_and_figures(db):
    generator = Generator(COMMUNITY, 11, log=lambda line: None)
    generator.run()
    requests = ServiceRequest.objects.all()

    # A few thousand requests over five years, in every state; a tree of categories.
    assert 3000 < requests.count() < 6000
    assert set(requests.values_list("state", flat=True)) == set(RequestState.values)
    assert Category.objects.filter(numchild=0).count() >= 30
    assert set(Category.objects.values_list("limit_unit", flat=True)) == set(TimeLimitUnit.values)
    assert RoutingRule.objects.exists()
    assert DepartmentMember.objects.filter(user__username="bm_handler").exists()
    assert User.objects.filter(username="bm_pcs").exists()

    # Deadlines are compute_due's (reopened requests count from the reopening).
    sample = list(requests.filter(reopen_count=0).select_related("category", "area", "org", "handler_org"))[
        ::23
    ]
    assert len(sample) > 100
    for request in sample:
        assert request.due_at == compute_due(request.created_at, request.limit_amount, request.limit_unit)
        assert request.category_path == request.category.path
        assert request.area_path == request.area.path
        assert request.org_path == request.org.path
        assert request.handler_org_path == (request.handler_org.path if request.handler_org else "")
        assert (request.limit_amount, request.limit_unit) == (
            request.category.limit_amount,
            request.category.limit_unit,
        )
        if request.resolved_at is not None:
            assert request.handling_working_hours == working_hours_between(
                request.created_at, request.resolved_at
            )
    assert requests.filter(reopen_count__gt=0).exists()

    # One current handler at most; returned and not yet dispatched requests have none.
    assert not requests.filter(handler_org__isnull=False, handler_department__isnull=False).exists()
    assert (
        not requests.filter(state__in=[RequestState.REPORTED, RequestState.ACCEPTED, RequestState.RETURNED])
        .exclude(handler_org__isnull=True, handler_department__isnull=True)
        .exists()
    )
    assert requests.filter(handler_department__isnull=False).exists()
    assert requests.filter(handler_org__isnull=False).exists()

    # 按时办结率 and 满意率 in a plausible band; ratings only on resolved requests.
    resolved = requests.filter(figure_q("resolved")).count()
    on_time = requests.filter(figure_q("on_time")).count()
    rated = requests.filter(figure_q("rated")).count()
    satisfied = requests.filter(figure_q("satisfied")).count()
    assert 0.88 <= on_time / resolved <= 0.99
    assert 0.55 <= rated / resolved <= 0.8
    assert 0.85 <= satisfied / rated < 1
    assert not requests.exclude(state__in=DONE_STATES).filter(rating_is_bad__isnull=False).exists()
    assert not requests.filter(resolved_at__isnull=True, rated_at__isnull=False).exists()
    assert not requests.filter(rated_at__lt=F("resolved_at")).exists()
    assert requests.filter(rating_is_bad=True).exists()

    # Overdue open requests, 督办, 挂起 and 吹哨 exist; open requests were reported before now.
    assert requests.filter(figure_q("overdue")).exists()
    assert requests.filter(is_supervised=True, state__in=OPEN_STATES).exists()
    assert requests.filter(state=RequestState.SUSPENDED, suspended_at__isnull=False).exists()
    assert WhistleCall.objects.exists()

    # Timelines: every request has its submit; recent resolved ones have the whole chain.
    assert RequestEvent.objects.filter(action=RequestAction.SUBMIT).count() == requests.count()
    latest = requests.filter(state=RequestState.RATED).order_by("-created_at").first()
    actions = list(latest.events.order_by("created_at", "id").values_list("action", flat=True))
    for action in ("submit", "accept", "dispatch", "start", "feedback", "approve", "rate"):
        assert action in actions
    assert actions[0] == "submit"

    # Tracking codes: unique, of the portal's alphabet and length.
    codes = list(requests.values_list("tracking_code", flat=True))
    assert len(set(codes)) == len(codes)
    assert all(len(code) == TRACKING_LENGTH and set(code) <= set(TRACKING_ALPHABET) for code in codes[:500])

    # Deterministic for a seed: the step again gives the same requests.
    before = snapshot()
    WhistleCall.objects.all().delete()
    RequestEvent.objects.all().delete()
    requests.delete()
    RoutingRule.objects.all().delete()
    generate_service(generator)
    assert snapshot() == before
