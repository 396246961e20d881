"""三会一课 figures in the figures store: required, held, missing and late over a subtree equal a
count of the meetings made by hand, and each records link lists exactly what it counts."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from dangjian.core.periods import Period
from dangjian.core.registry import get_figure
from dangjian.life.choices import MeetingKind, MeetingState
from dangjian.life.models import CadenceRule, Meeting
from dangjian.orgs.choices import OrgKind
from dangjian.orgs.models import Organization
from tests.factories import add_org
from tests.life.test_compliance import LAST_YEAR, held

pytestmark = pytest.mark.django_db

YEAR = Period.year(LAST_YEAR)
STEP = {"month": 1, "quarter": 3, "year": 12}


@pytest.fixture
def meetings(world):
    """社区A's subtree (branch, party group) and 社区B's branch over last year: closed meetings
    counted, one late, and meetings that must not count (open, no minutes, a kind the org does
    not owe, another subtree, the year before)."""
    group = add_org(world.branch_a1, "第一党小组", "G0001", OrgKind.GROUP)
    made = [
        held(world.branch_a1, MeetingKind.BRANCH_GENERAL, 2),
        held(world.branch_a1, MeetingKind.BRANCH_GENERAL, 5, late=True),
        held(world.branch_a1, MeetingKind.COMMITTEE, 1),
        held(world.branch_a1, MeetingKind.COMMITTEE, 1),
        held(world.branch_a1, MeetingKind.LECTURE, 7),
        held(world.branch_a1, MeetingKind.THEME_DAY, 3, state=MeetingState.HELD),
        held(world.branch_a1, MeetingKind.THEME_DAY, 4, minutes=""),
        held(world.branch_a1, MeetingKind.GROUP, 6),  # a branch owes no group meeting
        held(group, MeetingKind.GROUP, 3),
        held(group, MeetingKind.GROUP, 9, late=True),
        held(world.branch_b1, MeetingKind.BRANCH_GENERAL, 2),
        held(world.branch_a1, MeetingKind.BRANCH_GENERAL, 2, year=LAST_YEAR - 1),
    ]
    return {"group": group, "made": made}


def _by_hand(root: Organization, period: Period) -> dict:
    """Required, held, missing and late recomputed from the meeting and rule rows in Python."""
    rules = list(CadenceRule.objects.filter(is_active=True))
    units = [
        org
        for org in Organization.objects.filter(path__startswith=root.path, is_active=True)
        if any(org.kind in rule.org_kinds for rule in rules)
    ]
    counted = []
    required = missing = 0
    for org in units:
        for rule in rules:
            if org.kind not in rule.org_kinds:
                continue
            step = STEP[rule.period]
            for first in range(1, 13, step):
                start = datetime.date(period.start.year, first, 1)
                if not period.contains(start):
                    continue
                end = Period.month(start.year, first + step - 1).end
                if end > period.end:
                    continue
                rows = [
                    meeting
                    for meeting in Meeting.objects.filter(org=org, kind=rule.kind)
                    if meeting.state == MeetingState.CLOSED
                    and meeting.minutes
                    and start <= timezone.localtime(meeting.starts_at).date() < end
                ]
                counted += rows
                required += rule.minimum_count
                missing += len(rows) < rule.minimum_count
    return {
        "life.meetings_required": (required, None),
        "life.meetings_held": (len(counted), counted),
        "life.meetings_missing": (missing, None),
        "life.meetings_late": (sum(m.closed_late for m in counted), [m for m in counted if m.closed_late]),
        "units": {org.pk for org in units},
    }


def test_every_compliance_figure_equals_the_meetings_counted_by_hand(world, meetings):
    for root in (world.org_a, world.branch_a1, world.street_org):
        expected = _by_hand(root, YEAR)
        for key in (
            "life.meetings_required",
            "life.meetings_held",
            "life.meetings_missing",
            "life.meetings_late",
        ):
            assert get_figure(key).compute(root, YEAR) == expected[key][0], (root, key)
    assert _by_hand(world.org_a, YEAR)["life.meetings_held"][0] == 7  # the fixture is what it says


def test_held_and_late_link_to_the_meeting_list_of_exactly_those_meetings(
    client, world, meetings, secretary_a
):
    client.force_login(secretary_a)
    expected = _by_hand(world.org_a, YEAR)
    for key in ("life.meetings_held", "life.meetings_late"):
        response = client.get(get_figure(key).records_url(world.org_a, YEAR))
        assert response.status_code == 200
        listed = {meeting.pk for meeting in response.context["page"].object_list}
        assert listed == {meeting.pk for meeting in expected[key][1]}, key


def test_required_and_missing_link_to_the_compliance_page_of_the_units_counted(
    client, world, meetings, secretary_a
):
    client.force_login(secretary_a)
    expected = _by_hand(world.org_a, YEAR)
    for key in ("life.meetings_required", "life.meetings_missing"):
        response = client.get(get_figure(key).records_url(world.org_a, YEAR))
        assert response.status_code == 200
        units = list(response.context["page"].object_list)
        assert {unit.org_id for unit in units} == expected["units"]
        assert sum(unit.missing_total for unit in units) == expected["life.meetings_missing"][0]
        assert (
            sum(entry.required for unit in units for entry in unit.kinds)
            == expected["life.meetings_required"][0]
        )


def test_the_compliance_page_shows_the_store_figures_with_their_links(client, world, meetings, secretary_a):
    client.force_login(secretary_a)
    page = client.get(reverse("life:compliance"), {"org": world.org_a.pk, "year": LAST_YEAR})
    assert page.status_code == 200
    shown = {str(figure["label"]): figure["value"] for figure in page.context["figures"]}
    expected = _by_hand(world.org_a, YEAR)
    assert shown[str(get_figure("life.meetings_held").label)] == expected["life.meetings_held"][0]
    assert shown[str(get_figure("life.meetings_missing").label)] == expected["life.meetings_missing"][0]
    assert get_figure("life.meetings_late").records_url(world.org_a, YEAR) in page.content.decode().replace(
        "&amp;", "&"
    )


def test_a_quarter_and_a_month_are_periods_of_the_same_figures(world, meetings):
    for period in (Period.quarter(LAST_YEAR, 1), Period.month(LAST_YEAR, 1)):
        expected = _by_hand(world.org_a, period)
        for key in ("life.meetings_required", "life.meetings_held", "life.meetings_missing"):
            assert get_figure(key).compute(world.org_a, period) == expected[key][0], (period, key)


def test_a_period_across_two_years_is_refused(world):
    with pytest.raises(ValueError):
        get_figure("life.meetings_held").compute(
            world.org_a, Period(datetime.date(2025, 7, 1), datetime.date(2026, 7, 1))
        )
