"""Compliance of 三会一课: held, required, missing and late per branch, and the roll-up over a subtree."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dangjian.core.choices import AuditAction
from dangjian.core.models import AuditEntry
from dangjian.core.periods import Period
from dangjian.life import compliance, services
from dangjian.life.choices import AttendanceStatus, MeetingKind, MeetingState
from dangjian.life.models import Attendance, CadenceRule, Meeting
from dangjian.orgs.choices import OrgKind
from tests.factories import add_org
from tests.life.helpers import add_member

pytestmark = pytest.mark.django_db

LAST_YEAR = timezone.localdate().year - 1


def held(
    org,
    kind: str,
    month: int,
    *,
    year: int = LAST_YEAR,
    state=MeetingState.CLOSED,
    minutes="记录",
    late=False,
):
    """A meeting written directly with its attendance: closed with minutes unless told otherwise."""
    starts_at = timezone.make_aware(datetime.datetime(year, month, 10, 9, 0))
    meeting = Meeting.objects.create(
        org=org,
        kind=kind,
        title=f"{kind} {month}月",
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=2),
        minutes=minutes,
        state=state,
        closed_at=starts_at + datetime.timedelta(hours=3) if state == MeetingState.CLOSED else None,
        closed_late=late,
    )
    for member in org.members.all() if hasattr(org, "members") else []:
        Attendance.objects.create(meeting=meeting, member=member, status=AttendanceStatus.PRESENT)
    return meeting


def kind_row(org, kind: str, *, year: int = LAST_YEAR, quarter=None):
    units = compliance.compliance(org, (Period.quarter(year, quarter) if quarter else Period.year(year)))
    unit = next(unit for unit in units if unit.org_id == org.pk)
    return unit.get(kind)


def test_only_closed_meetings_with_minutes_count_as_held(world):
    held(world.branch_a1, MeetingKind.BRANCH_GENERAL, 2)
    held(world.branch_a1, MeetingKind.BRANCH_GENERAL, 5, state=MeetingState.HELD)
    held(world.branch_a1, MeetingKind.BRANCH_GENERAL, 8, state=MeetingState.PLANNED)
    held(world.branch_a1, MeetingKind.BRANCH_GENERAL, 11, minutes="")

    row = kind_row(world.branch_a1, MeetingKind.BRANCH_GENERAL)

    assert (row.required, row.held, row.missing) == (4, 1, 3)


def test_a_yearly_report_needs_every_month_of_a_monthly_kind(world):
    for month in range(1, 12):
        held(world.branch_a1, MeetingKind.THEME_DAY, month)

    row = kind_row(world.branch_a1, MeetingKind.THEME_DAY)

    assert (row.required, row.held, row.missing) == (12, 11, 1)


def test_two_meetings_in_one_quarter_do_not_make_up_for_a_missing_quarter(world):
    held(world.branch_a1, MeetingKind.BRANCH_GENERAL, 1)
    held(world.branch_a1, MeetingKind.BRANCH_GENERAL, 2)

    row = kind_row(world.branch_a1, MeetingKind.BRANCH_GENERAL)

    assert (row.held, row.missing) == (2, 3)


def test_a_period_still_running_is_not_missing(world):
    this_year = timezone.localdate().year

    row = kind_row(world.branch_a1, MeetingKind.LIFE_MEETING, year=this_year)

    assert (row.required, row.missing) == (0, 0)


def test_a_quarter_report_leaves_out_yearly_kinds(world):
    row = kind_row(world.branch_a1, MeetingKind.COMMITTEE, quarter=2)
    assert (row.required, row.missing) == (3, 3)
    assert kind_row(world.branch_a1, MeetingKind.LIFE_MEETING, quarter=2) is None


def test_editing_the_cadence_in_the_database_changes_the_result(world):
    for month in (2, 5, 8, 11):
        held(world.branch_a1, MeetingKind.BRANCH_GENERAL, month)
    assert kind_row(world.branch_a1, MeetingKind.BRANCH_GENERAL).missing == 0

    CadenceRule.objects.filter(kind=MeetingKind.BRANCH_GENERAL).update(period="month")
    assert kind_row(world.branch_a1, MeetingKind.BRANCH_GENERAL).missing == 8

    CadenceRule.objects.filter(kind=MeetingKind.BRANCH_GENERAL).update(period="quarter", minimum_count=2)
    assert kind_row(world.branch_a1, MeetingKind.BRANCH_GENERAL).missing == 4

    CadenceRule.objects.filter(kind=MeetingKind.BRANCH_GENERAL).update(is_active=False)
    assert kind_row(world.branch_a1, MeetingKind.BRANCH_GENERAL) is None


def test_party_groups_are_judged_on_group_meetings_only(world):
    group = add_org(world.branch_a1, "第一党小组", "G0001", OrgKind.GROUP)
    held(group, MeetingKind.GROUP, 3)

    units = {unit.org_id: unit for unit in compliance.compliance(world.branch_a1, Period.year(LAST_YEAR))}

    assert [entry.kind for entry in units[group.pk].kinds] == [MeetingKind.GROUP]
    assert units[group.pk].get(MeetingKind.GROUP).held == 1
    assert units[world.branch_a1.pk].get(MeetingKind.GROUP) is None


def test_closing_a_meeting_long_after_it_ended_marks_it_late(world, secretary_a):
    add_member(world.branch_a1, "张三")
    starts_at = timezone.now() - datetime.timedelta(days=10)
    meeting = services.schedule_meeting(
        world.branch_a1,
        by=secretary_a,
        kind=MeetingKind.LECTURE,
        title="党课",
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=2),
        minutes="讲授党章",
    )
    Attendance.objects.filter(meeting=meeting).update(status=AttendanceStatus.PRESENT)
    services.close_meeting(meeting, by=secretary_a)
    meeting.refresh_from_db()
    assert meeting.closed_late is True

    row = kind_row(world.branch_a1, MeetingKind.LECTURE, year=timezone.localdate(starts_at).year)
    assert (row.held, row.late) == (1, 1)


def test_street_roll_up_lists_branches_missing_the_quarterly_general_meeting_with_links(
    client, world, district_admin
):
    for month in (2, 5, 8, 11):
        held(world.branch_a1, MeetingKind.BRANCH_GENERAL, month)
    for month in (2, 5, 8):
        held(world.branch_b1, MeetingKind.BRANCH_GENERAL, month)
    client.force_login(district_admin)

    response = client.get(
        reverse("life:compliance"),
        {"org": world.street_org.pk, "year": LAST_YEAR, "missing": MeetingKind.BRANCH_GENERAL},
    )

    assert response.status_code == 200
    html = response.content.decode()
    branch_link = reverse("life:compliance") + f"?org={world.branch_b1.pk}&amp;year={LAST_YEAR}"
    assert branch_link in html
    assert world.branch_b1.name in html
    assert world.branch_a1.name not in html
    assert "支部党员大会 × 1" in html


def test_roll_up_sorts_most_missing_first(client, world, district_admin):
    for month in (2, 5, 8, 11):
        held(world.branch_b1, MeetingKind.BRANCH_GENERAL, month)
    client.force_login(district_admin)

    response = client.get(
        reverse("life:compliance"), {"org": world.street_org.pk, "year": LAST_YEAR, "sort": "missing"}
    )

    units = [unit.org_id for unit in response.context["page"].object_list]
    assert units == [world.branch_a1.pk, world.branch_b1.pk]


def test_a_branch_page_shows_each_required_kind(client, world, secretary_a):
    held(world.branch_a1, MeetingKind.BRANCH_GENERAL, 2)
    client.force_login(secretary_a)

    response = client.get(reverse("life:compliance"), {"org": world.branch_a1.pk, "year": LAST_YEAR})

    assert response.status_code == 200
    assert response.context["detail"] is True
    html = response.content.decode()
    assert "支部党员大会" in html and "主题党日" in html


def test_the_roll_up_costs_the_same_queries_for_3_and_30_branches(client, world, district_admin):
    client.force_login(district_admin)
    url = reverse("life:compliance")

    made = []

    def count_with(total: int) -> int:
        for index in range(len(made), total):
            made.append(index)
            branch = add_org(world.org_a, f"第{index}支部", f"BX{index:03d}", OrgKind.BRANCH)
            held(branch, MeetingKind.BRANCH_GENERAL, 2)
            held(branch, MeetingKind.THEME_DAY, 3)
        client.get(url, {"org": world.street_org.pk, "year": LAST_YEAR})
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, {"org": world.street_org.pk, "year": LAST_YEAR}).status_code == 200
        return len(queries)

    assert count_with(3) == count_with(30)


def test_the_roll_up_aggregates_in_one_query(world):
    for month in (2, 5):
        held(world.branch_a1, MeetingKind.BRANCH_GENERAL, month)
    rules = compliance.active_rules()
    with CaptureQueriesContext(connection) as queries:
        compliance.compliance(world.district_org, Period.year(LAST_YEAR), rules=rules)
    assert len(queries) == 2  # the organizations, the grouped counts


def test_out_of_scope_organization_answers_404(client, world, secretary_a):
    client.force_login(secretary_a)
    response = client.get(reverse("life:compliance"), {"org": world.branch_b1.pk})
    assert response.status_code == 404


def test_export_of_the_roll_up_is_an_audited_workbook(client, world, district_admin):
    held(world.branch_a1, MeetingKind.BRANCH_GENERAL, 2)
    client.force_login(district_admin)

    response = client.get(reverse("life:compliance_export"), {"org": world.street_org.pk, "year": LAST_YEAR})

    assert response.status_code == 200
    assert response.content[:2] == b"PK"
    assert AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()


def test_cadences_are_edited_in_the_admin_with_organization_kinds_as_check_boxes(client, admin, world):
    rule = CadenceRule.objects.get(kind=MeetingKind.LECTURE)
    client.force_login(admin)
    url = reverse("admin:life_cadencerule_change", args=[rule.pk])
    assert client.get(reverse("admin:life_cadencerule_changelist")).status_code == 200
    assert client.get(url).status_code == 200

    response = client.post(
        url,
        {
            "kind": MeetingKind.LECTURE,
            "org_kinds": [OrgKind.BRANCH, OrgKind.GENERAL_BRANCH],
            "period": "month",
            "minimum_count": 1,
            "is_active": "on",
            "note": "本区要求每月一次党课",
        },
    )

    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.period, sorted(rule.org_kinds)) == ("month", ["branch", "general_branch"])
