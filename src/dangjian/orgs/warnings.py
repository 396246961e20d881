"""Structural warnings of a party organization and its 换届 (re-election) reminders.

The rules come from 《中国共产党支部工作条例（试行）》 (2018): how many members a branch needs and
may have, how its committee is made up, and how long a term lasts. Real data is messy during
transitions, so these are warnings shown on the organization's page, never refusals.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from dangjian.members.choices import MemberStatus
from dangjian.members.models import PartyMember
from dangjian.orgs.choices import BRANCH_KINDS, CommitteeRole, OrgKind
from dangjian.orgs.models import Committee, Organization

REGULATION = "《中国共产党支部工作条例（试行）》"
# Reminders before a committee's term ends (DOMAIN.md: remind 90 and 30 days before, flag overdue).
REMIND_DAYS = 90
URGENT_DAYS = 30
# A branch committee: 3–5 members, at most 7 (条例第九条); required roles when it exists.
COMMITTEE_THRESHOLD = 7
COMMITTEE_MIN_SEATS = 3
COMMITTEE_MAX_SEATS = 7
COMMITTEE_ROLES = (
    CommitteeRole.SECRETARY,
    CommitteeRole.ORGANIZATION,
    CommitteeRole.PUBLICITY,
    CommitteeRole.DISCIPLINE,
)
SMALL_BRANCH_ROLES = {CommitteeRole.SECRETARY, CommitteeRole.DEPUTY_SECRETARY}
# The messages are Chinese whatever the user's language (like RuleViolation messages), so the
# role names are the regulation's own words rather than the translated choice labels.
ROLE_NAMES = {
    CommitteeRole.SECRETARY: "书记",
    CommitteeRole.DEPUTY_SECRETARY: "副书记",
    CommitteeRole.ORGANIZATION: "组织委员",
    CommitteeRole.PUBLICITY: "宣传委员",
    CommitteeRole.DISCIPLINE: "纪检委员",
    CommitteeRole.MEMBER: "委员",
}
# Seats are listed in the order of the roles above (书记 first), not by the stored code.
ROLE_RANK = {role: rank for rank, role in enumerate(ROLE_NAMES)}


@dataclass(frozen=True)
class StructuralWarning:
    """One finding about an organization: ``level`` is "warning" or "danger" (Bootstrap colours)."""

    level: str
    rule: str
    message: str


def _member_counts(org: Organization) -> tuple[int, int]:
    """Active 正式 and 预备 members belonging directly to ``org`` (one query)."""
    rows = (
        PartyMember.objects.filter(org=org, is_active=True)
        .values("status")
        .annotate(total=Count("id"))
        .order_by()
    )
    counts = {row["status"]: row["total"] for row in rows}
    return counts.get(MemberStatus.FULL, 0), counts.get(MemberStatus.PROBATIONARY, 0)


def current_committee(org: Organization) -> Committee | None:
    """The current committee with its sitting members and their people (two queries)."""
    from django.db.models import Prefetch

    from dangjian.orgs.models import CommitteeMember

    sitting = CommitteeMember.objects.filter(ended_on__isnull=True).select_related("person")
    committee = (
        Committee.objects.filter(org=org, is_current=True)
        .prefetch_related(Prefetch("seats", queryset=sitting, to_attr="sitting_seats"))
        .first()
    )
    if committee is not None:
        committee.sitting_seats.sort(key=lambda seat: (ROLE_RANK.get(seat.role, 99), seat.pk))
    return committee


def _branch_size_warnings(org: Organization, full: int, total: int) -> list[StructuralWarning]:
    found: list[StructuralWarning] = []
    if full < 3:
        found.append(
            StructuralWarning(
                "danger",
                "branch_min_full_members",
                f"正式党员仅 {full} 名，不足 3 名（{REGULATION}第五条）："
                "建议与邻近单位的党员联合成立联合党支部。",
            )
        )
    if org.kind == OrgKind.JOINT_BRANCH and org.unit_count > 5:
        found.append(
            StructuralWarning(
                "warning",
                "joint_branch_max_units",
                f"联合党支部覆盖 {org.unit_count} 个单位，超过 5 个（{REGULATION}第五条）：建议调整组织设置。",
            )
        )
    if total >= 100:
        found.append(
            StructuralWarning(
                "warning",
                "branch_max_members",
                f"党员 {total} 名，远超 50 名（{REGULATION}第六条）：党员 100 名以上的，"
                "可经上级党组织批准成立基层党委。",
            )
        )
    elif total > 50:
        found.append(
            StructuralWarning(
                "warning",
                "branch_max_members",
                f"党员 {total} 名，超过 50 名（{REGULATION}第六条）：可经上级党组织批准成立党总支，"
                "或划分党小组。",
            )
        )
    return found


def _role_names(roles) -> str:
    return "、".join(ROLE_NAMES[CommitteeRole(role)] for role in roles)


def _date(value: datetime.date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def _committee_shape_warnings(full: int, committee: Committee) -> list[StructuralWarning]:
    seats = committee.sitting_seats
    roles = [seat.role for seat in seats]
    found: list[StructuralWarning] = []
    if full >= COMMITTEE_THRESHOLD:
        if not COMMITTEE_MIN_SEATS <= len(seats) <= COMMITTEE_MAX_SEATS:
            found.append(
                StructuralWarning(
                    "warning",
                    "committee_size",
                    f"正式党员 {full} 名，应设支部委员会，委员一般 3 至 5 名、最多不超过 7 名"
                    f"（{REGULATION}第九条）：当前 {len(seats)} 名。",
                )
            )
        missing = [role for role in COMMITTEE_ROLES if role not in roles]
        if missing:
            found.append(
                StructuralWarning(
                    "warning",
                    "committee_roles",
                    f"支部委员会应设书记和组织委员、宣传委员、纪检委员（{REGULATION}第九条）："
                    f"尚缺{_role_names(missing)}。",
                )
            )
    else:
        extra = [role for role in roles if role not in SMALL_BRANCH_ROLES]
        if (
            extra
            or roles.count(CommitteeRole.SECRETARY) > 1
            or roles.count(CommitteeRole.DEPUTY_SECRETARY) > 1
        ):
            found.append(
                StructuralWarning(
                    "warning",
                    "committee_size",
                    f"正式党员 {full} 名，不足 7 名，不设支部委员会，只设书记 1 名，必要时设副书记 1 名"
                    f"（{REGULATION}第九条）：当前有 {len(seats)} 个职位。",
                )
            )
        if CommitteeRole.SECRETARY not in roles:
            found.append(
                StructuralWarning("warning", "committee_roles", f"尚未设党支部书记（{REGULATION}第九条）。")
            )
    return found


def _term_warning(org: Organization, committee: Committee, today: datetime.date) -> StructuralWarning | None:
    ends_on = committee.term_ends_on
    days = (ends_on - today).days
    # The 支部工作条例 governs branches; committees above them follow their own election rules.
    basis = f"依据{REGULATION}，" if org.kind in BRANCH_KINDS else "按照党内有关规定，"
    source = f"{basis}村、社区党组织每届任期 5 年，其他一般 3 年；本届任期 {committee.term_years} 年。"
    if days < 0:
        return StructuralWarning(
            "danger",
            "term_overdue",
            f"本届委员会任期已于 {_date(ends_on)}届满，已超期 {-days} 天，请及时换届。{source}",
        )
    if days <= URGENT_DAYS:
        return StructuralWarning(
            "danger",
            "term_ends_30",
            f"本届委员会任期将于 {_date(ends_on)}届满（还有 {days} 天），请抓紧准备换届选举。{source}",
        )
    if days <= REMIND_DAYS:
        return StructuralWarning(
            "warning",
            "term_ends_90",
            f"本届委员会任期将于 {_date(ends_on)}届满（还有 {days} 天），请着手准备换届。{source}",
        )
    return None


def structural_warnings(
    org: Organization, *, today: datetime.date | None = None, committee: Committee | bool | None = False
) -> list[StructuralWarning]:
    """The warnings of one organization, in at most three queries.

    ``committee`` may pass the result of ``current_committee(org)`` when the caller already
    loaded it for display (then one query); ``False`` means "load it here".
    """
    today = today or timezone.localdate()
    if org.kind == OrgKind.GROUP or not org.is_active:
        return []  # a 党小组 has a 组长, not a committee; an inactive org has no structure to check
    if committee is False:
        committee = current_committee(org)
    found: list[StructuralWarning] = []
    is_branch = org.kind in BRANCH_KINDS
    full = 0
    if is_branch:
        full, probationary = _member_counts(org)
        found += _branch_size_warnings(org, full, full + probationary)
    if committee is None:
        found.append(
            StructuralWarning(
                "warning",
                "no_committee",
                "尚未登记本届委员会（或书记）：请录入最近一次选举的日期和委员。",
            )
        )
        return found
    if is_branch:
        found += _committee_shape_warnings(full, committee)
    term = _term_warning(org, committee, today)
    if term is not None:
        found.append(term)
    return found


def latest_election_for(limit: datetime.date, years: int) -> datetime.date:
    """The latest election date whose ``years``-year term ends on or before ``limit``.

    Mirrors ``Committee.term_ends_on``: a term begun on 29 February ends on 28 February.
    """
    year = limit.year - years
    if limit.month == 2 and limit.day == 28 and calendar.isleap(year):
        return datetime.date(year, 2, 29)
    if limit.month == 2 and limit.day == 29 and not calendar.isleap(year):
        return datetime.date(year, 2, 28)
    return limit.replace(year=year)


def due_elections(queryset: QuerySet[Organization], *, today: datetime.date | None = None) -> QuerySet:
    """Organizations of ``queryset`` whose current term ends within 90 days or is already over.

    Terms differ per committee (3 or 5 years, or as recorded), so the condition is one date
    bound per term length in use (one small query for the lengths), then one indexed query.
    """
    today = today or timezone.localdate()
    limit = today + datetime.timedelta(days=REMIND_DAYS)
    lengths = (
        Committee.objects.filter(is_current=True).values_list("term_years", flat=True).distinct().order_by()
    )
    due = Q(pk__in=[])
    for years in set(lengths):
        due |= Q(term_years=years, elected_on__lte=latest_election_for(limit, years))
    committees = Committee.objects.filter(due, org=OuterRef("pk"), is_current=True)
    return queryset.filter(Exists(committees), is_active=True)
