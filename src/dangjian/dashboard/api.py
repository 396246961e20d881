"""API of the dashboards at /api/v1/dashboard: the big screen's figures (数据大屏) and the two
reports, a branch's yearly 党建台账 and the service figures by grid and month.

Each operation answers what its page shows the same user, computed by the same code
(``screen.content.screen_data``, ``reports.ledger.party_ledger``, ``reports.service_grid``) with
the same permission checks: a node outside the caller's scope is 404, a caller without the
permission anywhere 403, a year or tree the page would refuse 400 with the page's message.
The reports are reads of what the page shows (the page needs no fresh sign-in; only its PDF and
Excel files do): the ``read`` scope of a token is enough, as for every other list of the API.
"""

from __future__ import annotations

import datetime
import html
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext
from ninja import Field, Query, Router, Schema

from dangjian.core.errors import PermissionDenied, RuleViolation
from dangjian.core.scoping import parse_id, restrict, scope_of
from dangjian.dashboard.reports import ledger, service_grid
from dangjian.dashboard.screen import content
from dangjian.orgs.models import Area, Organization

router = Router(tags=["dashboard"])

# Long enough for any id or year a client means; a longer text is refused by the schema (422).
MAX_PARAMETER = 30


# --- the big screen -------------------------------------------------------------------------


class ScreenParams(Schema):
    # Text, not integers: the page reads them as text too, and answers an unreadable node 404 and
    # an unreadable year 400 with its message; the API answers the same.
    node: str | None = Field(
        None, max_length=MAX_PARAMETER, description="The node's id; default: the caller's widest scope."
    )
    tree: str | None = Field(None, max_length=MAX_PARAMETER, description="`org` (default) or `area`.")
    year: str | None = Field(
        None, max_length=MAX_PARAMETER, description="A year from 2000; default: this year."
    )


class ScreenNodeOut(Schema):
    id: int
    name: str
    tree: str = Field(description="`org` or `area`.")


class ScreenFigureOut(Schema):
    key: str = Field(description="The figure's key in the figures store, e.g. `service.received`.")
    label: str
    unit: str
    description: str
    value: int | float | None = Field(description="A ratio (`…_rate`, `…_share`) from 0 to 1; null: none.")
    shown: str = Field(description="The value as the screen writes it (a ratio as a percentage).")
    url: str = Field(description="The page of the records the figure counts.")
    scope: str = Field(description="The name of the node the figure counts over.")
    period: str = Field(description="The period counted: the year, or “now” for counts of today.")


class ScreenSentenceOut(Schema):
    key: str
    html: str = Field(description="The sentence with each number a link to its records.")
    text: str = Field(description="The same sentence as plain text.")


class ScreenSeriesOut(Schema):
    key: str
    label: str
    chart: str
    axis: str = Field(description="`rate` series are percentages (0–100); the others counts or hours.")
    values: list[float | None] = Field(description="One value per month of `months`.")


class ScreenTrendsOut(Schema):
    months: list[str] = Field(description="The twelve months, `YYYY-MM`, oldest first.")
    series: list[ScreenSeriesOut]


class ScreenOut(Schema):
    node: ScreenNodeOut
    year: int
    period: str
    computed_at: datetime.datetime = Field(description="When the oldest of the values was computed.")
    sentences: list[ScreenSentenceOut]
    figures: list[ScreenFigureOut] = Field(
        description="The figures the caller may read over the node, stars (`evaluation.stars_5` …) "
        "and 示范点 (`demonstration.designated`) included when their apps are installed."
    )
    trends: ScreenTrendsOut


def _bad_input(error: content.BadInput, field: str) -> RuleViolation:
    return RuleViolation(str(error), rule="bad_input", field=field)


@router.get("/screen", response=ScreenOut, url_name="dashboard_screen", summary="The big screen's figures")
def screen(request: HttpRequest, params: Query[ScreenParams]) -> dict[str, Any]:
    """What the big screen shows the caller for a node (default: their widest scope) and a year:
    the figures with their scope, period and records link, the headline sentences and the monthly
    trends. Cached like the page (a minute; ten for counts of today and the trends)."""
    user = request.user
    if not content.may_use_screen(user):
        raise PermissionDenied(gettext("No figure of the big screen is open to you."), rule="scope")
    try:
        year = content.parse_year(params.year)
    except content.BadInput as error:
        raise _bad_input(error, "year") from None
    try:
        node = content.resolve_node(user, params.node, params.tree)
    except content.BadInput as error:
        raise _bad_input(error, "tree") from None
    data = content.screen_data(user, node, year)
    for sentence in data["sentences"]:
        sentence["text"] = html.unescape(strip_tags(sentence["html"]))
    return data


# --- the reports ----------------------------------------------------------------------------


class ReportParams(Schema):
    year: int = Field(description="The calendar year, from 2000 to next year.")


class LedgerParams(ReportParams):
    org: int = Field(description="The id of a branch, general branch or primary committee (基层党委).")


class ServiceGridParams(ReportParams):
    node: int = Field(description="The id of a street or a community (area tree).")


class ReportOrgOut(Schema):
    id: int
    name: str


class LedgerMemberOut(Schema):
    member_id: int
    name: str
    status: str
    joined_on: datetime.date | None
    regularized_on: datetime.date | None
    branch: str


class LedgerMembersOut(Schema):
    full_count: int
    probationary_count: int
    items: list[LedgerMemberOut]


class LedgerMeetingOut(Schema):
    meeting_id: int
    kind: str
    date: datetime.date
    title: str
    state: str
    present: int
    expected: int


class LedgerComplianceOut(Schema):
    label: str = Field(description="A quarter, or the whole year.")
    values: list[int | None] = Field(description="One per `compliance_labels`; null for a quarter not begun.")


class LedgerMeetingsOut(Schema):
    items: list[LedgerMeetingOut]
    compliance_labels: list[str]
    compliance: list[LedgerComplianceOut]


class LedgerDuesLineOut(Schema):
    name: str
    months: list[str] = Field(
        description="Per month: `paid`, `arrears`, `open` (not over yet) or `not_owed`."
    )
    paid: int
    arrears: int
    amount_paid: Decimal


class LedgerDuesOut(Schema):
    months: list[str] = Field(description="The twelve months, `YYYY-MM`.")
    items: list[LedgerDuesLineOut]


class LedgerStepOut(Schema):
    date: datetime.date
    step: str


class LedgerApplicantOut(Schema):
    name: str
    stage: str
    state: str
    applied_on: datetime.date
    steps: list[LedgerStepOut]


class LedgerStageCountOut(Schema):
    stage: str
    count: int


class LedgerDevelopmentOut(Schema):
    stage_counts: list[LedgerStageCountOut]
    steps_in_year: int
    items: list[LedgerApplicantOut]


class LedgerVolunteerOut(Schema):
    name: str
    hours: Decimal
    activities: int
    records: int
    posts: list[str]


class LedgerVolunteeringOut(Schema):
    hours_total: Decimal
    items: list[LedgerVolunteerOut]


class LedgerOut(Schema):
    org: ReportOrgOut
    year: int
    members: LedgerMembersOut = Field(
        description="By name, status, dates and branch: no ID or phone numbers."
    )
    meetings: LedgerMeetingsOut | None = Field(description="Null: the caller may not read meetings here.")
    dues: LedgerDuesOut | None = Field(description="Null: the caller may not read dues here.")
    development: LedgerDevelopmentOut | None = Field(
        description="Null: the caller may not read applicants here."
    )
    volunteering: LedgerVolunteeringOut | None = Field(
        description="Null: the caller may not read volunteer hours here."
    )


class GridMonthOut(Schema):
    month: str = Field(description="`YYYY-MM`; `total` for the whole year.")
    received: int | None
    resolved: int | None
    on_time_rate: float | None = Field(description="From 0 to 1; null when nothing was resolved.")
    satisfaction_rate: float | None = Field(description="From 0 to 1; null when nothing was rated.")


class GridLineOut(Schema):
    label: str
    area_id: int | None = Field(
        description="The grid (or the area itself); null: requests placed in no grid."
    )
    months: list[GridMonthOut]
    total: GridMonthOut


class GridFigureOut(Schema):
    key: str
    label: str


class ServiceGridOut(Schema):
    area: ReportOrgOut
    year: int
    figures: list[GridFigureOut] = Field(description="The figures of each cell, in the page's order.")
    lines: list[GridLineOut]
    total: GridLineOut


def _require_any(request: HttpRequest, permission: str) -> None:
    if not scope_of(request.user).has_any(permission):
        raise PermissionDenied(gettext("You do not have permission to do this."), rule="scope")


def _report_year(year: int) -> int:
    # The page answers such a year 404 (it is part of its URL); here it is a parameter: 400.
    if not ledger.year_allowed(year):
        last = timezone.localdate().year + 1
        raise RuleViolation(
            gettext("Choose a year from %(first)s to %(last)s.") % {"first": ledger.FIRST_YEAR, "last": last},
            rule="bad_input",
            field="year",
        )
    return year


def _in_scope(queryset, pk: int):
    found = queryset.filter(pk=pk).first() if parse_id(pk) else None
    if found is None:
        raise Http404
    return found


def _month(day: datetime.date) -> str:
    return f"{day:%Y-%m}"


@router.get(
    "/reports/ledger", response=LedgerOut, url_name="dashboard_report_ledger", summary="A branch's 党建台账"
)
def ledger_report(request: HttpRequest, params: Query[LedgerParams]) -> dict[str, Any]:
    """The yearly 党建台账 of an organization's subtree, section by section as the page shows it;
    a section the caller may not read is null."""
    _require_any(request, ledger.VIEW)
    org = _in_scope(
        restrict(Organization.objects.all(), request.user, ledger.VIEW).filter(
            kind__in=ledger.LEDGER_ORG_KINDS
        ),
        params.org,
    )
    report = ledger.party_ledger(org, _report_year(params.year), request.user)
    return {
        "org": {"id": org.pk, "name": org.name},
        "year": report.year,
        "members": {
            "full_count": report.full_count,
            "probationary_count": report.probationary_count,
            "items": [
                {
                    "member_id": line.member.pk,
                    "name": line.name,
                    "status": str(line.status),
                    "joined_on": line.joined_on,
                    "regularized_on": line.regularized_on,
                    "branch": line.branch,
                }
                for line in report.members
            ],
        },
        "meetings": None
        if report.meetings is None
        else {
            "items": [
                {
                    "meeting_id": line.meeting.pk,
                    "kind": str(line.kind),
                    "date": line.date,
                    "title": line.title,
                    "state": str(line.state),
                    "present": line.present,
                    "expected": line.expected,
                }
                for line in report.meetings
            ],
            "compliance_labels": [str(label) for label in report.compliance_labels],
            "compliance": [{"label": row.label, "values": row.values} for row in report.compliance],
        },
        "dues": None
        if report.dues is None
        else {
            "months": [_month(month) for month in report.dues_months],
            "items": [
                {
                    "name": line.name,
                    "months": line.months,
                    "paid": line.paid,
                    "arrears": line.arrears,
                    "amount_paid": line.amount_paid,
                }
                for line in report.dues
            ],
        },
        "development": None
        if report.applicants is None
        else {
            "stage_counts": [{"stage": stage, "count": count} for stage, count in report.stage_counts],
            "steps_in_year": report.steps_in_year,
            "items": [
                {
                    "name": line.name,
                    "stage": line.stage,
                    "state": line.state,
                    "applied_on": line.applied_on,
                    "steps": [{"date": day, "step": step} for day, step in line.steps],
                }
                for line in report.applicants
            ],
        },
        "volunteering": None
        if report.volunteering is None
        else {
            "hours_total": report.hours_total,
            "items": [
                {
                    "name": line.name,
                    "hours": line.hours,
                    "activities": line.activities,
                    "records": line.records,
                    "posts": line.posts,
                }
                for line in report.volunteering
            ],
        },
    }


def _cells(month: str, values: list) -> dict[str, Any]:
    return {
        "month": month,
        **{key.removeprefix("service."): value for key, value in zip(service_grid.KEYS, values, strict=True)},
    }


def _grid_line(report: service_grid.ServiceGrid, line: service_grid.GridLine) -> dict[str, Any]:
    return {
        "label": line.label,
        "area_id": line.node.pk if line.node is not None else None,
        "months": [
            _cells(_month(month), values) for month, values in zip(report.months, line.months, strict=True)
        ],
        "total": _cells("total", line.total),
    }


@router.get(
    "/reports/service-grid",
    response=ServiceGridOut,
    url_name="dashboard_report_service_grid",
    summary="Service figures by grid and month",
)
def service_grid_report(request: HttpRequest, params: Query[ServiceGridParams]) -> dict[str, Any]:
    """受理量, 办结量, 按时办结率 and 满意率 of every grid of a street or community in every month
    of the year, each line with its year's total and the area's total line."""
    _require_any(request, service_grid.VIEW)
    area = _in_scope(
        restrict(Area.objects.all(), request.user, service_grid.VIEW).filter(
            kind__in=service_grid.AREA_KINDS
        ),
        params.node,
    )
    report = service_grid.service_grid(area, _report_year(params.year))
    return {
        "area": {"id": area.pk, "name": area.name},
        "year": report.year,
        "figures": [
            {"key": key, "label": str(label)}
            for key, label in zip(service_grid.KEYS, report.labels, strict=True)
        ],
        "lines": [_grid_line(report, line) for line in report.lines],
        "total": _grid_line(report, report.total),
    }
