"""What accounts puts on the 工作台: where the user's roles apply, with links to those nodes."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from dangjian.core.registry import DashboardCard


def places(user) -> dict:
    """The user's active role assignments, each with its node's page when the user may open it.

    A role need not grant reading its own node (a resident's role on a building does not), and a
    link that answers 404 is worse than none: the nodes are checked against ``visible_to``, one
    query per tree that holds an assignment, whatever the number of roles.
    """
    assignments = list(
        user.role_assignments.filter(is_active=True).select_related("role", "org", "area").order_by("id")
    )
    pks_by_model: dict[type, set[int]] = {}
    for assignment in assignments:
        pks_by_model.setdefault(type(assignment.node), set()).add(assignment.node.pk)
    visible = {
        (model, pk)
        for model, pks in pks_by_model.items()
        for pk in model.objects.visible_to(user).filter(pk__in=pks).values_list("pk", flat=True)
    }
    rows = []
    for assignment in assignments:
        node = assignment.node
        url = None
        if (type(node), node.pk) in visible:
            name = "orgs:org_detail" if assignment.org_id else "orgs:area_detail"
            url = reverse(name, kwargs={"pk": node.pk})
        rows.append({"assignment": assignment, "node": node, "url": url})
    return {"places": rows}


PLACES_CARD = DashboardCard(
    key="places",
    title=_("Where your roles apply"),
    template="accounts/cards/places.html",
    provider=places,
    # After the cards of the work itself: the 工作台 leads with what waits.
    order=90,
)
