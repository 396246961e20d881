"""A branch with voting members and applicants walked through valid, dated steps."""

from __future__ import annotations

import datetime

from django.utils import timezone

from dangjian.development import services
from dangjian.development.choices import ApplicantSource
from dangjian.development.models import Applicant
from dangjian.members.choices import MemberStatus
from dangjian.members.models import PartyMember
from tests.factories import PersonFactory

VOTERS = 5


def years_ago(years: float) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=round(years * 365.25))


def full_members(org, count: int = VOTERS) -> list[PartyMember]:
    """``count`` active 正式党员 of ``org`` (they vote at its 支部大会 and can introduce)."""
    return [
        PartyMember.objects.create(
            person=PersonFactory(birth_date=datetime.date(1970, 1, 1)),
            org=org,
            status=MemberStatus.FULL,
            joined_on=datetime.date(2000, 1, 1),
            regularized_on=datetime.date(2001, 1, 1),
        )
        for _ in range(count)
    ]


def new_applicant(
    org, by, *, applied_on: datetime.date | None = None, birth=datetime.date(1990, 5, 1)
) -> Applicant:
    person = PersonFactory(birth_date=birth)
    return services.apply(
        person, org=org, date=applied_on or years_ago(3), source=ApplicantSource.MEMBERS, by=by
    )


def plus(date: datetime.date, days: int) -> datetime.date:
    return date + datetime.timedelta(days=days)


# The valid path: step code, days after the previous step, values (member lists filled in).
PATH = [
    ("application_talk", 10, {}),
    ("activist", 20, {"contacts": 1}),
    ("thought_report", 80, {}),
    ("thought_report", 90, {}),
    ("thought_report", 90, {}),
    ("thought_report", 90, {}),
    ("candidate", 20, {"introducers": 2}),
    ("political_review", 10, {}),
    ("training", 5, {"days": 3}),
    ("preliminary_review", 5, {}),
    ("branch_meeting", 10, {"present": VOTERS, "in_favour": VOTERS}),
    ("admission_approval", 30, {}),
    ("oath", 5, {}),
]


def walk(applicant: Applicant, by, members: list[PartyMember], *, until: str) -> datetime.date:
    """Record the steps of PATH up to and including ``until``; returns the last date."""
    date = applicant.applied_on
    for code, days, values in PATH:
        date = plus(date, days)
        values = dict(values)
        for key in ("contacts", "introducers"):
            if key in values:
                values[key] = [member.pk for member in members[: values[key]]]
        services.record_step(applicant, code, date, by=by, **values)
        if code == until:
            break
    return date
