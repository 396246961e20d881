"""What the organization rules (``orgs``, a floor below) ask of the party-member ledger.

A branch's structural warnings count its full and probationary members, and a committee seat
needs a full member of the organization (《中国共产党支部工作条例（试行）》); ``orgs`` asks
through the registry's ``org_membership`` store, which this module fills from ``ready()``.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Q

from dangjian.core.models import Person
from dangjian.core.registry import OrgMembership, registry
from dangjian.members.choices import MemberStatus
from dangjian.members.models import PartyMember
from dangjian.orgs.choices import OrgKind
from dangjian.orgs.models import Organization


def member_counts(orgs: Iterable[Organization]) -> dict[int, tuple[int, int]]:
    """Active 正式 and 预备 members of each of ``orgs``, in one grouped query for any number of orgs.

    A member recorded in a 党小组 belongs to the branch above it, so the members of the party
    groups directly below an org count for that org. Answers ``{org.pk: (full, probationary)}``.
    """
    orgs = list(orgs)
    if not orgs:
        return {}
    by_path = {org.path: org for org in orgs}
    groups_below = Q(pk__in=[])
    for org in orgs:
        groups_below |= Q(org__path__startswith=org.path, org__depth=org.depth + 1)
    rows = (
        PartyMember.objects.filter(
            Q(org__in=orgs) | (groups_below & Q(org__kind=OrgKind.GROUP)), is_active=True
        )
        .values("org__path", "status")
        .annotate(total=Count("id"))
        .order_by()
    )
    counts = {org.pk: [0, 0] for org in orgs}
    for row in rows:
        path = row["org__path"]
        owner = by_path.get(path) or by_path.get(path[: -Organization.steplen])
        if owner is None:
            continue
        slot = 0 if row["status"] == MemberStatus.FULL else 1
        counts[owner.pk][slot] += row["total"]
    return {pk: (full, probationary) for pk, (full, probationary) in counts.items()}


def active_membership(person: Person) -> tuple[Organization, bool] | None:
    """The person's active membership: its organization and whether they are a full member."""
    membership = PartyMember.objects.filter(person=person, is_active=True).select_related("org").first()
    if membership is None:
        return None
    return membership.org, membership.status == MemberStatus.FULL


def register() -> None:
    registry["org_membership"]["members"] = OrgMembership(
        key="members", member_counts=member_counts, active_membership=active_membership
    )
