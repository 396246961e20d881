"""The mailbox on-time answer rate (按时答复率) in the platform's figures store.

Messages to the mailboxes of an organization's subtree received in the period whose deadline has
passed or that were answered; the rate is the share answered by their deadline. The message list
with the same filter (``?org=…&received_from=…&received_to=…``) shows the records.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from dangjian.core.periods import Period
from dangjian.core.registry import Figure, register_figure
from dangjian.mailbox.models import Message

VIEW = "mailbox.view_message"


def received_q(org, period: Period) -> Q:
    """Messages to the subtree's mailboxes received in ``period`` (``[start, end)``, local days)."""
    return Q(
        org_path__startswith=org.path, created_at__date__gte=period.start, created_at__date__lt=period.end
    )


def counts(org, period: Period, now=None) -> dict[str, int]:
    now = now or timezone.now()
    return Message.objects.filter(received_q(org, period)).aggregate(
        countable=Count("pk", filter=Q(answered_at__isnull=False) | Q(due_at__lt=now)),
        on_time=Count("pk", filter=Q(answered_at__isnull=False, answered_at__lte=F("due_at"))),
    )


def on_time_rate(node, period: Period) -> float | None:
    counted = counts(node, period)
    return counted["on_time"] / counted["countable"] if counted["countable"] else None


def records_url(node, period: Period) -> str:
    query = {"org": node.pk, "received_from": period.start.isoformat(), "received_to": period.end.isoformat()}
    return f"{reverse('mailbox:message_list')}?{urlencode(query)}"


def register_figures() -> None:
    register_figure(
        Figure(
            key="mailbox.on_time_rate",
            label=gettext_lazy("Mailbox on-time answer rate"),
            unit=gettext_lazy("ratio (0–1)"),
            compute=on_time_rate,
            records_url=records_url,
            permission=VIEW,
            description=gettext_lazy(
                "Messages to the mailboxes of the organization and those below it received in the period, "
                "answered by their deadline, among those answered or past their deadline."
            ),
        )
    )
