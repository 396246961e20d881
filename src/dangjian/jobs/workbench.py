"""What 就业 puts on the 工作台 of community staff: open postings, people seeking work and those
placed this month in the user's scope, each opening its list (three counts)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from dangjian.core.registry import DashboardCard
from dangjian.core.scoping import scope_of
from dangjian.core.workbench import wide_counts, with_query
from dangjian.jobs.choices import PostingState, SeekerState
from dangjian.jobs.models import JobPosting, JobSeeker

VIEW = "jobs.view_jobseeker"
POSTINGS = "jobs.view_jobposting"


def jobs_counts(user) -> dict[str, int]:
    """Open postings, people seeking work, people placed this month (three counts)."""
    today = timezone.localdate()
    return {
        "postings": JobPosting.objects.visible_to(user).filter(state=PostingState.OPEN).count(),
        "seekers": JobSeeker.objects.visible_to(user).filter(state=SeekerState.SEEKING).count(),
        "placed": JobSeeker.objects.visible_to(user)
        .filter(placements__placed_on__gte=today.replace(day=1), placements__placed_on__lte=today)
        .distinct()
        .count(),
    }


def jobs_card(user) -> dict | None:
    """The counts, each opening its list (from the worker's snapshot for a street or more)."""
    scope = scope_of(user)
    if not scope.has_any(VIEW) or not scope.has_any(POSTINGS):
        return None
    today = timezone.localdate()
    month_start = today.replace(day=1)
    counts = wide_counts(f"jobs:{today}", user, f"{VIEW},{POSTINGS}", jobs_counts)
    cells = [
        {
            "key": "postings",
            "label": gettext("Postings open"),
            "count": counts["postings"],
            "url": with_query(reverse("jobs:posting_list"), state=PostingState.OPEN),
        },
        {
            "key": "seekers",
            "label": gettext("Seeking work"),
            "count": counts["seekers"],
            "url": with_query(reverse("jobs:seeker_list"), state=SeekerState.SEEKING),
        },
        {
            "key": "placed",
            "label": gettext("Placed this month"),
            "count": counts["placed"],
            "url": with_query(
                reverse("jobs:seeker_list"), placed_from=month_start.isoformat(), placed_to=today.isoformat()
            ),
        },
    ]
    return {"cells": cells}


JOBS_CARD = DashboardCard(
    key="jobs",
    title=gettext_lazy("Jobs"),
    template="jobs/cards/jobs.html",
    provider=jobs_card,
    permission=VIEW,
    order=60,
)
