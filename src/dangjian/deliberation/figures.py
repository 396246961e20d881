"""Deliberation in the platform's figures store: topics decided in an organization's subtree over
a period, and follow-up tasks done by their deadline; the topic list filtered the same way shows
the records."""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext_lazy

from dangjian.core.periods import Period
from dangjian.core.registry import Figure, register_figure
from dangjian.deliberation.choices import TaskState
from dangjian.deliberation.models import Task, Topic

VIEW = "deliberation.view_topic"


def topics_decided(node, period: Period) -> int:
    return Topic.objects.filter(
        org__path__startswith=node.path, decided_on__gte=period.start, decided_on__lt=period.end
    ).count()


def tasks_done_on_time(node, period: Period) -> int:
    return Task.objects.filter(
        topic__org__path__startswith=node.path,
        state=TaskState.DONE,
        done_on__gte=period.start,
        done_on__lt=period.end,
        done_on__lte=F("deadline"),
    ).count()


def records_url(node, period: Period) -> str:
    query = {"org": node.pk, "decided_from": period.start.isoformat(), "decided_to": period.end.isoformat()}
    return f"{reverse('deliberation:topic_list')}?{urlencode(query)}"


def register_figures() -> None:
    register_figure(
        Figure(
            key="deliberation.topics_decided",
            label=gettext_lazy("Deliberation topics decided"),
            unit=gettext_lazy("topics"),
            compute=topics_decided,
            records_url=records_url,
            permission=VIEW,
            description=gettext_lazy(
                "Topics of the organization and those below it whose deliberation meeting reached a "
                "decision during the period."
            ),
        )
    )
    register_figure(
        Figure(
            key="deliberation.tasks_done_on_time",
            label=gettext_lazy("Follow-up tasks done on time"),
            unit=gettext_lazy("tasks"),
            compute=tasks_done_on_time,
            records_url=records_url,
            permission=VIEW,
            description=gettext_lazy(
                "Follow-up tasks of deliberation decisions done during the period on or before their deadline."
            ),
        )
    )
