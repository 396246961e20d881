"""Structural warnings of a party organization and its 换届 (re-election) reminders.

The rules come from 《中国共产党支部工作条例（试行）》 (2018): how many members a branch needs and
may have, how its committee is made up, and how long a term lasts. Real data is messy during
transitions, so these are warnings shown on the organization's page, never refusals.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from dangjian.core.registry import registry
from dangjian.orgs.choices import BRANCH_KINDS, CommitteeRole, OrgKind
from dangjian.orgs.models import Committee, Organization

# Reminders before a committee's term ends (DOMAIN.md: remind 90 and 30 days before, flag overdue).
REMIND_DAYS = 90
URGENT_DAYS = 30
# A branch committee where there are ≥ 7 正式党员 (支部工作条例 第二十条): 3–5 members, at most 7;
# required roles when it exists.
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
# Seats are listed in the regulation's order of the roles (书记 first), not by the stored code.
ROLE_ORDER = (
    CommitteeRole.SECRETARY,
    CommitteeRole.DEPUTY_SECRETARY,
    CommitteeRole.ORGANIZATION,
    CommitteeRole.PUBLICITY,
    CommitteeRole.DISCIPLINE,
    CommitteeRole.MEMBER,
)
ROLE_RANK = {role: rank for rank, role in enumerate(ROLE_ORDER)}


@dataclass(frozen=True)
class StructuralWarning:
    """One finding about an organization: ``level`` is "warning" or "danger" (Bootstrap colours)."""

    level: str
    rule: str
    message: str


def member_counts(orgs: Iterable[Organization]) -> dict[int, tuple[int, int]]:
    """Active 正式 and 预备 members of each of ``orgs``: ``{org.pk: (full, probationary)}``.

    A member recorded in a 党小组 belongs to the branch above it, so the members of the party
    groups directly below an org count for that org. Answers ``{org.pk: (full, probationary)}``.
    The ledger (``members``, a floor above) answers through the registry's ``org_membership``.
    """
    orgs = list(orgs)
    counts = {org.pk: (0, 0) for org in orgs}
    if not orgs:
        return {}
    for source in registry["org_membership"].values():
        counts.update(source.member_counts(orgs))
    return counts


def _member_counts(org: Organization) -> tuple[int, int]:
    """Active 正式 and 预备 members of ``org`` and its party groups (one query)."""
    return member_counts([org])[org.pk]


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
                gettext(
                    "Only %(full)s full party members, fewer than 3 (Article 4 of 《中国共产党支部工作条例（试行）》): "
                    "consider forming a joint branch with the party members of neighbouring units."
                )
                % {"full": full},
            )
        )
    if org.kind == OrgKind.JOINT_BRANCH and org.unit_count > 5:
        found.append(
            StructuralWarning(
                "warning",
                "joint_branch_max_units",
                gettext(
                    "The joint branch covers %(units)s units, more than 5 (Article 5 of 《中国共产党支部工作条例（试行）》): "
                    "consider reorganizing it."
                )
                % {"units": org.unit_count},
            )
        )
    if total >= 100:
        found.append(
            StructuralWarning(
                "warning",
                "branch_max_members",
                gettext(
                    "%(total)s party members, far more than 50 (Article 4 of 《中国共产党支部工作条例（试行）》): with 100 or more "
                    "members a primary committee can be set up with the approval of the higher party "
                    "organization."
                )
                % {"total": total},
            )
        )
    elif total > 50:
        found.append(
            StructuralWarning(
                "warning",
                "branch_max_members",
                gettext(
                    "%(total)s party members, more than 50 (Article 4 of 《中国共产党支部工作条例（试行）》): with the approval of "
                    "the higher party organization a general branch can be set up, or the branch "
                    "divided into party groups."
                )
                % {"total": total},
            )
        )
    return found


def _role_names(roles) -> str:
    return gettext(", ").join(str(CommitteeRole(role).label) for role in roles)


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
                    gettext(
                        "%(full)s full party members: a branch committee is due, usually of 3 to 5 "
                        "members and at most 7 (Article 20 of 《中国共产党支部工作条例（试行）》); it has %(seats)s now."
                    )
                    % {"full": full, "seats": len(seats)},
                )
            )
        missing = [role for role in COMMITTEE_ROLES if role not in roles]
        if missing:
            found.append(
                StructuralWarning(
                    "warning",
                    "committee_roles",
                    gettext(
                        "A branch committee needs a secretary and members for organization, "
                        "publicity and discipline inspection (《中国共产党支部工作条例（试行）》); missing: %(roles)s."
                    )
                    % {"roles": _role_names(missing)},
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
                    gettext(
                        "%(full)s full party members, fewer than 7: no branch committee, only a "
                        "secretary and, if needed, a deputy secretary (Article 20 of 《中国共产党支部工作条例（试行）》); "
                        "there are %(seats)s positions now."
                    )
                    % {"full": full, "seats": len(seats)},
                )
            )
        if CommitteeRole.SECRETARY not in roles:
            found.append(
                StructuralWarning(
                    "warning",
                    "committee_roles",
                    gettext("No branch secretary yet (《中国共产党支部工作条例（试行）》)."),
                )
            )
    return found


def _term_warning(org: Organization, committee: Committee, today: datetime.date) -> StructuralWarning | None:
    ends_on = committee.term_ends_on
    days = (ends_on - today).days
    # The 支部工作条例 governs branches; committees above them follow their own election rules.
    if org.kind in BRANCH_KINDS:
        source = gettext(
            "Under 《中国共产党支部工作条例（试行）》, village and community party organizations serve 5-year terms, "
            "others usually 3; this term is %(years)s years."
        )
    elif org.kind == OrgKind.PRIMARY_COMMITTEE:
        source = gettext(
            "A 基层党委 serves a 5-year term (Article 5 of 《党和国家机关基层组织工作条例》 and the 2018 "
            "rules); this term is %(years)s years."
        )
    else:
        source = gettext(
            "Under the relevant party rules, village and community party organizations serve "
            "5-year terms, others usually 3; this term is %(years)s years."
        )
    source = source % {"years": committee.term_years}
    ends = date_format(ends_on)
    if days < 0:
        return StructuralWarning(
            "danger",
            "term_overdue",
            gettext(
                "The committee's term ended on %(date)s, %(days)s days ago; hold the re-election "
                "promptly. %(source)s"
            )
            % {"date": ends, "days": -days, "source": source},
        )
    if days <= URGENT_DAYS:
        return StructuralWarning(
            "danger",
            "term_ends_30",
            gettext(
                "The committee's term ends on %(date)s (in %(days)s days); hurry the preparation "
                "of the re-election. %(source)s"
            )
            % {"date": ends, "days": days, "source": source},
        )
    if days <= REMIND_DAYS:
        return StructuralWarning(
            "warning",
            "term_ends_90",
            gettext(
                "The committee's term ends on %(date)s (in %(days)s days); start preparing the "
                "re-election. %(source)s"
            )
            % {"date": ends, "days": days, "source": source},
        )
    return None


def structural_warnings(
    org: Organization,
    *,
    today: datetime.date | None = None,
    committee: Committee | bool | None = False,
    counts: tuple[int, int] | None = None,
) -> list[StructuralWarning]:
    """The warnings of one organization, in at most three queries.

    ``committee`` may pass the result of ``current_committee(org)`` when the caller already
    loaded it for display (then one query); ``False`` means "load it here". ``counts`` may pass
    ``(full, probationary)`` from ``member_counts`` (then no query for them).
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
        full, probationary = counts if counts is not None else _member_counts(org)
        found += _branch_size_warnings(org, full, full + probationary)
    if committee is None:
        found.append(
            StructuralWarning(
                "warning",
                "no_committee",
                gettext(
                    "The current committee (or secretary) is not recorded yet: enter the date and "
                    "members of the latest election."
                ),
            )
        )
        return found
    if is_branch:
        found += _committee_shape_warnings(full, committee)
    term = _term_warning(org, committee, today)
    if term is not None:
        found.append(term)
    return found


def structural_warnings_for(
    orgs: Iterable[Organization], *, today: datetime.date | None = None
) -> dict[int, list[StructuralWarning]]:
    """The warnings of many organizations at once (a tree page, a report): three queries whatever
    their number — the member counts grouped by org, the current committees, their sitting seats."""
    from django.db.models import Prefetch

    from dangjian.orgs.models import CommitteeMember

    today = today or timezone.localdate()
    orgs = list(orgs)
    counts = member_counts(org for org in orgs if org.kind in BRANCH_KINDS)
    sitting = CommitteeMember.objects.filter(ended_on__isnull=True).select_related("person")
    committees = {
        committee.org_id: committee
        for committee in Committee.objects.filter(org__in=orgs, is_current=True).prefetch_related(
            Prefetch("seats", queryset=sitting, to_attr="sitting_seats")
        )
    }
    for committee in committees.values():
        committee.sitting_seats.sort(key=lambda seat: (ROLE_RANK.get(seat.role, 99), seat.pk))
    return {
        org.pk: structural_warnings(
            org, today=today, committee=committees.get(org.pk), counts=counts.get(org.pk, (0, 0))
        )
        for org in orgs
    }


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
