"""What dues puts on the 工作台: members in arrears for the last month that is over, and those six
months in a row unpaid (党章第九条), counted with the arrears page's one definition (``in_arrears``)
over the members the user may read, and opening that page."""

from __future__ import annotations

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy

from dangjian.core.registry import RollupColumn, TodoItem, TodoSource
from dangjian.core.workbench import columns, count_by_child, with_query
from dangjian.dues.figures import in_arrears
from dangjian.dues.ledger import last_due_month
from dangjian.members.models import PartyMember

VIEW = "dues.view_duespayment"
KINDS = ("behind", "six")


def _members(user, six: bool):
    return in_arrears(PartyMember.objects.visible_to(user, VIEW), last_due_month(), six=six)


def _labels() -> dict[str, str]:
    return {
        "behind": gettext("Members behind with their dues"),
        "six": gettext("Members six months without paying dues"),
    }


def _url(six: bool, org_pk: int | None = None) -> str:
    return with_query(reverse("dues:arrears_list"), org=org_pk, six=1 if six else None)


def arrears_todo(user) -> list[TodoItem]:
    labels = _labels()
    return [
        TodoItem(labels[kind], _members(user, kind == "six").count(), _url(kind == "six"), key=f"dues.{kind}")
        for kind in KINDS
    ]


def arrears_rollup(user, parent, children) -> list[RollupColumn]:
    labels = {"behind": gettext("Behind"), "six": gettext("Six months")}
    result = []
    for kind in KINDS:
        six = kind == "six"
        counted = count_by_child(_members(user, six), "org__path", parent, children, n=Count("pk"))
        result += columns(
            counted,
            [("n", f"dues.{kind}", labels[kind])],
            lambda _name, child_pk, six=six: _url(six, child_pk),
        )
    return result


ARREARS_TODO = TodoSource(
    key="dues",
    label=gettext_lazy("Party dues"),
    items=arrears_todo,
    permission=VIEW,
    order=40,
    rollup=arrears_rollup,
)
