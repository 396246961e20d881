"""What elections put on the 工作台: elections open for voting in the user's organizations, opening
the election list filtered to them."""

from __future__ import annotations

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy

from dangjian.core.registry import RollupColumn, TodoItem, TodoSource
from dangjian.core.workbench import columns, count_by_child, with_query
from dangjian.elections.choices import ElectionState
from dangjian.elections.models import Election

VIEW = "elections.view_election"


def _open(user):
    return Election.objects.visible_to(user).filter(state=ElectionState.VOTING)


def ballots_todo(user) -> list[TodoItem]:
    return [
        TodoItem(
            gettext("Elections open for voting"),
            _open(user).count(),
            with_query(reverse("elections:election_list"), state=ElectionState.VOTING),
            key="elections.voting",
        )
    ]


def ballots_rollup(user, parent, children) -> list[RollupColumn]:
    counted = count_by_child(_open(user), "org__path", parent, children, n=Count("pk"))
    base = reverse("elections:election_list")
    return columns(
        counted,
        [("n", "elections.voting", gettext("Voting"))],
        lambda _name, child_pk: with_query(base, org=child_pk, state=ElectionState.VOTING),
    )


BALLOTS_TODO = TodoSource(
    key="elections",
    label=gettext_lazy("Elections"),
    items=ballots_todo,
    permission=VIEW,
    order=60,
    rollup=ballots_rollup,
)
