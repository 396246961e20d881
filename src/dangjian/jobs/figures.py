"""就业 in the platform's figures store: postings open and people seeking work now, and people
placed in a period, each over an organization's subtree (the recording organization).

The lists the figures open filter with the same definitions (``open_q``, ``seeking_q``,
``placed_q``), so a figure's number is its list's length.
"""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy

from dangjian.core.periods import Period
from dangjian.core.registry import Figure, register_figure
from dangjian.core.workbench import with_query
from dangjian.jobs.choices import PostingState, SeekerState
from dangjian.jobs.models import JobPosting, JobSeeker, Placement


def open_q(org) -> Q:
    return Q(org__path__startswith=org.path, state=PostingState.OPEN)


def seeking_q(org) -> Q:
    return Q(org__path__startswith=org.path, state=SeekerState.SEEKING)


def placed_q(org, period: Period) -> Q:
    """Placements of the organization's seekers within ``period``."""
    return Q(seeker__org__path__startswith=org.path, placed_on__gte=period.start, placed_on__lt=period.end)


def postings_open(node, period: Period) -> int:
    return JobPosting.objects.filter(open_q(node)).count()


def seekers(node, period: Period) -> int:
    return JobSeeker.objects.filter(seeking_q(node)).count()


def placed(node, period: Period) -> int:
    return Placement.objects.filter(placed_q(node, period)).count()


def postings_url(node, period: Period) -> str:
    return with_query(reverse("jobs:posting_list"), org=node.pk, state=PostingState.OPEN)


def seekers_url(node, period: Period) -> str:
    return with_query(reverse("jobs:seeker_list"), org=node.pk, state=SeekerState.SEEKING)


def placed_url(node, period: Period) -> str:
    last = period.end.fromordinal(period.end.toordinal() - 1)
    return with_query(
        reverse("jobs:seeker_list"),
        org=node.pk,
        placed_from=period.start.isoformat(),
        placed_to=last.isoformat(),
    )


def register_figures() -> None:
    register_figure(
        Figure(
            key="jobs.postings_open",
            label=gettext_lazy("Job postings open"),
            unit=gettext_lazy("postings"),
            compute=postings_open,
            records_url=postings_url,
            permission="jobs.view_jobposting",
            description=gettext_lazy(
                "Postings recorded by the organization and those below it that are open now."
            ),
        )
    )
    register_figure(
        Figure(
            key="jobs.seekers",
            label=gettext_lazy("People seeking work"),
            unit=gettext_lazy("people"),
            compute=seekers,
            records_url=seekers_url,
            permission="jobs.view_jobseeker",
            description=gettext_lazy("People on the register still seeking work, now."),
        )
    )
    register_figure(
        Figure(
            key="jobs.placed",
            label=gettext_lazy("People placed in jobs"),
            unit=gettext_lazy("people"),
            compute=placed,
            records_url=placed_url,
            permission="jobs.view_jobseeker",
            description=gettext_lazy("Job seekers of the organization placed in a job within the period."),
        )
    )
