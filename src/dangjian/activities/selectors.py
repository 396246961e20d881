"""Reading the activities app: a person's hours, activities, points and 证明, and the staff lists.

Everything a volunteer reads about themself is filtered by their own person; staff lists go
through ``visible_to``. Each function costs a fixed number of queries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from dangjian.activities.choices import ActivityState, CertificateState, SignUpState
from dangjian.activities.models import (
    Activity,
    Certificate,
    HoursRecord,
    PointAccount,
    PointEntry,
    RecordEntry,
    RewardItem,
    SignUp,
)
from dangjian.activities.services.ledger import person_totals
from dangjian.members.models import PartyMember
from dangjian.orgs.models import Organization


@dataclass
class MyHours:
    year: int
    hours_year: Decimal
    hours_total: Decimal
    by_org: list[dict] = field(default_factory=list)


def my_hours(person_id: int) -> MyHours:
    """My confirmed hours this year and in all, and per recording organization (two queries)."""
    totals = person_totals(person_id)
    by_org = list(
        HoursRecord.objects.filter(person_id=person_id)
        .values("org_id", "org__name")
        .annotate(total=Sum("hours"))
        .order_by("org__name")
    )
    return MyHours(
        totals["year"], totals["hours_year"], totals["hours_total"], [row for row in by_org if row["total"]]
    )


def my_records(person_id: int) -> QuerySet:
    return (
        HoursRecord.objects.filter(person_id=person_id)
        .select_related("org", "corrects")
        .order_by("-served_on", "-id")
    )


def my_entries(person_id: int) -> QuerySet:
    """My training, awards and evaluations as they stand (withdrawn ones left out)."""
    return (
        RecordEntry.objects.in_effect()
        .filter(person_id=person_id)
        .select_related("org")
        .order_by("-occurred_on", "-id")
    )


def my_signups(person_id: int) -> QuerySet:
    return (
        SignUp.objects.filter(person_id=person_id)
        .exclude(state=SignUpState.CANCELLED)
        .select_related("activity", "activity__org")
        .order_by("-activity__starts_at", "-id")
    )


def _my_org_prefixes(person_id: int) -> list[str]:
    member = PartyMember.objects.filter(person_id=person_id, is_active=True).select_related("org").first()
    if member is None:
        return []
    step = Organization.steplen
    path = member.org.path
    return [path[:end] for end in range(step, len(path) + 1, step)]


def activities_to_join(person_id: int | None) -> QuerySet:
    """Open activities not over yet: public ones, and those of my own organization and the ones
    above it (a member's branch, community, street)."""
    query = Q(is_public=True)
    prefixes = _my_org_prefixes(person_id) if person_id else []
    if prefixes:
        query |= Q(org__path__in=prefixes)
    return (
        Activity.objects.filter(query, state=ActivityState.OPEN, ends_at__gt=timezone.now())
        .select_related("org", "area")
        .order_by("starts_at", "id")
    )


def public_activities() -> QuerySet:
    return (
        Activity.objects.filter(is_public=True, state=ActivityState.OPEN, ends_at__gt=timezone.now())
        .select_related("area")
        .order_by("starts_at", "id")
    )


def places_taken(activities: list[Activity]) -> dict[int, int]:
    """Sign-ups per activity for a page of activities (one query)."""
    rows = (
        SignUp.objects.filter(activity__in=activities, state=SignUpState.SIGNED_UP)
        .values("activity_id")
        .annotate(total=Count("pk"))
    )
    return {row["activity_id"]: row["total"] for row in rows}


def balance_of(person_id: int) -> int:
    return PointAccount.objects.filter(person_id=person_id).values_list("balance", flat=True).first() or 0


def my_point_entries(person_id: int) -> QuerySet:
    return PointEntry.objects.filter(account__person_id=person_id).order_by("-created_at", "-id")


def catalogue_for(person_id: int | None) -> QuerySet:
    """Items in stock: of my own organizations (as for activities) or shown to everyone in my area.
    Without a membership, every item in stock (the catalogue is public within the platform)."""
    items = RewardItem.objects.filter(is_active=True, stock__gt=0).select_related("org")
    prefixes = _my_org_prefixes(person_id) if person_id else []
    if prefixes:
        items = items.filter(org__path__in=prefixes)
    return items.order_by("cost", "id")


def my_certificates(person_id: int) -> QuerySet:
    return (
        Certificate.objects.filter(person_id=person_id).select_related("org").order_by("-requested_at", "-id")
    )


def recording_orgs(person_id: int) -> QuerySet:
    return Organization.objects.filter(
        pk__in=HoursRecord.objects.filter(person_id=person_id).values("org_id")
    ).order_by("path")


def certificates_to_issue(user) -> QuerySet:
    return (
        Certificate.objects.visible_to(user, "change")
        .filter(state=CertificateState.REQUESTED)
        .select_related("person", "org")
        .order_by("requested_at", "id")
    )


def signups_to_confirm(user) -> QuerySet:
    """Sign-ups checked in whose hours wait for the organizer's confirmation."""
    return SignUp.objects.filter(
        activity__in=Activity.objects.visible_to(user, "change"),
        state=SignUpState.SIGNED_UP,
        checked_in_at__isnull=False,
        confirmed_at__isnull=True,
    )


def activities_to_confirm(user) -> QuerySet:
    return Activity.objects.filter(pk__in=signups_to_confirm(user).values("activity_id"))
