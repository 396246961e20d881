"""Counts of what waits, recomputed from the records in plain Python (not through the querysets
the 工作台 uses), for the page tests and the browser test to compare with."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone

from dangjian.development.choices import OPEN_STATES as APPLICANT_OPEN
from dangjian.development.models import Applicant
from dangjian.dues.ledger import add_months, last_due_month
from dangjian.dues.models import DuesPayment, DuesReduction
from dangjian.elections.models import Election
from dangjian.life.choices import MeetingState
from dangjian.life.models import CadenceRule
from dangjian.members.models import PartyMember, Transfer
from dangjian.orgs.models import Organization
from dangjian.service.choices import OPEN_STATES, RequestState
from dangjian.service.models import ServiceRequest


def under(path: str, prefix: str) -> bool:
    return bool(path) and path.startswith(prefix)


def expected_sections(org: Organization) -> dict[str, int]:
    """The queue's sections over requests the org is responsible for, recomputed in Python."""
    now = timezone.now()
    window = datetime.timedelta(hours=settings.SERVICE_REMIND_BEFORE_HOURS)
    dispatcher = {RequestState.REPORTED, RequestState.ACCEPTED, RequestState.RETURNED, RequestState.FEEDBACK}
    counts = dict.fromkeys(("overdue", "due_soon", "returned", "review", "new", "unplaced"), 0)
    for item in ServiceRequest.objects.all():
        if not under(item.org_path, org.path) or item.state not in dispatcher:
            continue
        running = item.state in OPEN_STATES and item.state != RequestState.SUSPENDED
        counts["overdue"] += running and item.due_at < now
        counts["due_soon"] += running and now <= item.due_at <= now + window
        counts["returned"] += item.state == RequestState.RETURNED
        counts["review"] += item.state == RequestState.FEEDBACK
        counts["new"] += item.state == RequestState.REPORTED and not item.awaiting_location
        counts["unplaced"] += item.state == RequestState.REPORTED and item.awaiting_location
    return counts


def expected_others(org: Organization) -> dict[str, int]:
    today = timezone.localdate()
    month_start = today.replace(day=1)
    month_end = add_months(month_start, 1)
    last = last_due_month()
    paid = set(DuesPayment.objects.filter(month=last).values_list("member_id", flat=True))
    waived = {
        row.member_id
        for row in DuesReduction.objects.filter(state="approved", is_waiver=True)
        if row.from_month <= last <= row.to_month
    }
    behind = [
        member
        for member in PartyMember.objects.filter(is_active=True).select_related("org")
        if member.org.path.startswith(org.path)
        and member.pk not in paid
        and member.pk not in waived
        and (member.joined_on is None or member.joined_on < add_months(last, 1))
    ]
    start = add_months(last, -5)
    paid_in_six = set(
        DuesPayment.objects.filter(month__gte=start, month__lte=last).values_list("member_id", flat=True)
    )
    excused = {
        row.member_id
        for row in DuesReduction.objects.filter(state="approved")
        if row.from_month <= last and row.to_month >= start
    }
    six = [
        member
        for member in PartyMember.objects.filter(is_active=True).select_related("org")
        if member.org.path.startswith(org.path)
        and member.pk not in paid_in_six
        and member.pk not in excused
        and (member.joined_on is None or member.joined_on < add_months(start, 1))
    ]
    applicants = [
        a
        for a in Applicant.objects.select_related("org")
        if a.org.path.startswith(org.path) and a.state in APPLICANT_OPEN
    ]
    return {
        "members.transfers_in": sum(
            1
            for letter in Transfer.objects.select_related("to_org")
            if letter.state == "initiated" and letter.to_org and letter.to_org.path.startswith(org.path)
        ),
        "development.late": sum(
            1 for a in applicants if a.next_due_is_deadline and a.next_due_on and a.next_due_on < today
        ),
        "development.due": sum(
            1 for a in applicants if a.next_due_on and month_start <= a.next_due_on < month_end
        ),
        "dues.behind": len(behind),
        "dues.six": len(six),
        "elections.voting": sum(
            1
            for e in Election.objects.select_related("org")
            if e.state == "voting" and e.org.path.startswith(org.path)
        ),
    }


def expected_meetings(org: Organization) -> dict[str, int]:
    """Per required kind: organizations of the subtree that must hold it and have not closed
    enough of it (with minutes) in its running cadence period."""
    from dangjian.life.compliance import running_cadence_periods
    from dangjian.life.models import Meeting

    windows = running_cadence_periods(timezone.localdate())
    result = {}
    for rule in CadenceRule.objects.filter(is_active=True):
        start, end = windows[rule.period].bounds()
        owing = 0
        for unit in Organization.objects.filter(
            path__startswith=org.path, is_active=True, kind__in=rule.org_kinds
        ):
            held = Meeting.objects.filter(
                org=unit, kind=rule.kind, state=MeetingState.CLOSED, starts_at__gte=start, starts_at__lt=end
            ).exclude(minutes="")
            owing += held.count() < rule.minimum_count
        result[f"life.{rule.kind}"] = owing
    return result
