"""What the volunteer ledger contributes through the registry: the figure ``volunteering.volunteers``
(active volunteers of a node's subtree, in both trees), the person panel, the 工作台 card of
community staff and the 我的 card (my volunteer record, or joining the ledger).

Every number links to the ledger list filtered to exactly the rows it counts, through the same
definition (``volunteers_q``); each provider costs a fixed number of queries.
"""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from dangjian.core.periods import Period
from dangjian.core.registry import AREA_TREE, ORG_TREE, DashboardCard, Figure, Panel
from dangjian.core.scoping import scope_for
from dangjian.core.workbench import wide_counts
from dangjian.orgs.models import Area
from dangjian.volunteering.choices import VolunteerState
from dangjian.volunteering.ledger import services
from dangjian.volunteering.models import Volunteer


def volunteers_q(node) -> Q:
    """Active volunteers of ``node``'s subtree: by home area for an area, by recording
    organization for an organization."""
    field = "area__path" if isinstance(node, Area) else "org__path"
    return Q(**{f"{field}__startswith": node.path}, state=VolunteerState.ACTIVE)


def active_volunteers(node, period: Period) -> int:
    return Volunteer.objects.filter(volunteers_q(node)).count()


def records_url(node, period: Period) -> str:
    key = "area" if isinstance(node, Area) else "org"
    return f"{reverse('volunteering:volunteer_list')}?{urlencode({key: node.pk, 'state': VolunteerState.ACTIVE})}"


VOLUNTEERS_FIGURE = Figure(
    key="volunteering.volunteers",
    label=gettext_lazy("Active volunteers"),
    unit=gettext_lazy("people"),
    compute=active_volunteers,
    records_url=records_url,
    trees=(ORG_TREE, AREA_TREE),
    permission=services.VIEW,
    description=gettext_lazy(
        "Volunteers in the ledger who are active now (not paused, not left): living in the area and "
        "below it, or recorded by the organization and those below it; whatever the period."
    ),
)


# --- the person's page ------------------------------------------------------------------------


def person_volunteer(person, user) -> dict | None:
    """The person's entry in the ledger, if the user may see it (one query)."""
    volunteer = (
        Volunteer.objects.visible_to(user)
        .filter(person=person)
        .select_related("area")
        .prefetch_related("skills")
    ).first()
    if volunteer is None:
        return None
    return {"volunteer": volunteer}


PERSON_PANEL = Panel(
    key="volunteering.ledger",
    title=gettext_lazy("Volunteer ledger"),
    template="volunteering/ledger/panels/person_volunteer.html",
    provider=person_volunteer,
    order=65,
)


# --- 工作台 ------------------------------------------------------------------------------------


def month_start(today: datetime.date) -> datetime.date:
    return today.replace(day=1)


def staff_counts(user) -> dict[str, int]:
    """Active volunteers of the user's scope, those registered this month, those who are party
    members (one aggregate query)."""
    current = Volunteer.objects.visible_to(user).filter(state=VolunteerState.ACTIVE)
    return current.aggregate(
        total=Count("pk"),
        new=Count("pk", filter=Q(registered_on__gte=month_start(timezone.localdate()))),
        members=Count("pk", filter=Q(party_member__isnull=False)),
    )


def staff_card(user) -> dict | None:
    """Volunteers of the user's scope now, those registered this month and the share of party
    members, each number opening the ledger filtered the same way (from the worker's snapshot for
    a street or more, core.workbench.wide_counts)."""
    scope = scope_for(user, Volunteer, "view")
    if not scope.is_global and not scope.grants:
        return None
    today = timezone.localdate()
    counts = wide_counts(f"volunteering.volunteers:{today:%Y-%m}", user, services.VIEW, staff_counts)
    base = reverse("volunteering:volunteer_list")
    share = round(100 * counts["members"] / counts["total"]) if counts["total"] else None
    return {
        "total": counts["total"],
        "new": counts["new"],
        "members": counts["members"],
        "share": share,
        "list_url": f"{base}?state=active",
        "new_url": f"{base}?state=active&registered_from={month_start(today).isoformat()}",
        "members_url": f"{base}?state=active&party=yes",
        "month": today,
    }


STAFF_CARD = DashboardCard(
    key="volunteering.volunteers",
    title=gettext_lazy("Volunteers"),
    template="volunteering/ledger/cards/volunteers.html",
    provider=staff_card,
    permission=services.VIEW,
    order=45,
)


# --- 我的 -------------------------------------------------------------------------------------


def mine_section(me, user) -> dict | None:
    """My volunteer record (skills, hours a month, state) or the invitation to join (one or two
    queries); nothing for a user who cannot join (no home, no membership)."""
    volunteer = (
        Volunteer.objects.filter(person=me.person).select_related("area").prefetch_related("skills").first()
        if getattr(me, "person", None) is not None
        else None
    )
    if volunteer is None and not services.may_join_self(user):
        return None
    return {"volunteer": volunteer}


MINE_SECTION = Panel(
    key="volunteering.ledger",
    title=gettext_lazy("Volunteer service"),
    template="volunteering/ledger/panels/mine_volunteer.html",
    provider=mine_section,
    order=40,
)
