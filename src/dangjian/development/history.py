"""The member page's section on the member's own development pipeline (入党 steps and dates)."""

from __future__ import annotations

from django.urls import reverse

from dangjian.core.scoping import scope_of
from dangjian.members.history import HistorySection

LATEST = 20


def development_history(member, user) -> HistorySection | None:
    """The steps of the member's file (two queries), or None when there is none to show."""
    from dangjian.development.models import Applicant, StepRecord

    applicant = (
        Applicant.objects.visible_to(user)
        .filter(person_id=member.person_id)
        .select_related("org")
        .order_by("-id")
        .first()
    )
    if applicant is None or not scope_of(user).has_perm(
        "development.view_applicant", org_path=applicant.org.path
    ):
        return None
    records = list(
        StepRecord.objects.filter(applicant=applicant).select_related("step").order_by("date", "id")[:LATEST]
    )
    return HistorySection(
        template="development/_history.html",
        context={"applicant": applicant, "records": records},
        more_url=reverse("development:applicant_detail", args=[applicant.pk]),
    )
