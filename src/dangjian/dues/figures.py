"""Dues arrears in the platform's figures store: members in arrears, and members six months in a
row unpaid (党章第九条 treats that, without good reason, as leaving the Party), over an
organization's subtree.

A period's arrears are judged by its last month, or by the last month that is over when the
period runs into the present (the current month is still open). The arrears page lists the
same members through ``in_arrears``, the one definition both read.
"""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy

from dangjian.core.periods import Period
from dangjian.core.registry import Figure, register_figure
from dangjian.dues.ledger import add_months, behind_q, last_due_month, leaving_q, month_of
from dangjian.members.models import PartyMember

VIEW = "dues.view_duespayment"


def arrears_month(period: Period, today: datetime.date | None = None) -> datetime.date:
    """The month whose dues decide who is in arrears over ``period``."""
    return min(month_of(period.last_day), last_due_month(today))


def arrears_q(month: datetime.date, *, six: bool = False) -> Q:
    """The condition of ``in_arrears`` over members, for a filtered count (the 工作台 counts both
    kinds of arrears in one query)."""
    on = add_months(month, 1)
    return leaving_q(on) if six else behind_q(on)


def in_arrears(members: QuerySet, month: datetime.date, *, six: bool = False) -> QuerySet:
    """Members of ``members`` who have not paid ``month`` (with ``six``: nor the five months
    before it, without an approved reduction): what the arrears page lists and the figures count."""
    return members.filter(arrears_q(month, six=six))


def _subtree(node) -> QuerySet:
    return PartyMember.objects.filter(org__path__startswith=node.path)


def _records(six: bool):
    def records_url(node, period: Period) -> str:
        query = {"org": node.pk, "month": f"{arrears_month(period):%Y-%m}"}
        if six:
            query["six"] = 1
        return f"{reverse('dues:arrears_list')}?{urlencode(query)}"

    return records_url


def members_in_arrears(node, period: Period) -> int:
    return in_arrears(_subtree(node), arrears_month(period)).count()


def members_six_months(node, period: Period) -> int:
    return in_arrears(_subtree(node), arrears_month(period), six=True).count()


def register_figures() -> None:
    """Put the arrears figures in the figures store (called from ``DuesConfig.ready``)."""
    register_figure(
        Figure(
            key="dues.members_in_arrears",
            label=gettext_lazy("Members in arrears"),
            unit=gettext_lazy("members"),
            compute=members_in_arrears,
            records_url=_records(False),
            permission=VIEW,
            description=gettext_lazy("Active members who have not paid the dues of the period's last month."),
            higher_is_better=False,
        )
    )
    register_figure(
        Figure(
            key="dues.members_six_months",
            label=gettext_lazy("Members six months in arrears"),
            unit=gettext_lazy("members"),
            compute=members_six_months,
            records_url=_records(True),
            permission=VIEW,
            description=gettext_lazy(
                "Active members with the six months up to the period's last month all unpaid and no "
                "approved reduction (Article 9 of the Party Constitution)."
            ),
            higher_is_better=False,
        )
    )
