"""The residents' pages of announcements (no login): the public archive by organization and year,
and one page per public announcement. Only live announcements with the public audience appear;
drafts, scheduled, withdrawn and member-only ones answer 404."""

from __future__ import annotations

import datetime

from django.db.models.functions import ExtractYear
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from dangjian.core.pagination import paginate
from dangjian.core.scoping import parse_id
from dangjian.orgs.models import Organization
from dangjian.publicity.models import Announcement


def archive(request: HttpRequest) -> HttpResponse:
    """党务公开: public announcements, newest first; narrow by organization and year."""
    announcements = Announcement.objects.public().select_related("org")
    org_ids = announcements.values("org_id")
    orgs = list(Organization.objects.filter(pk__in=org_ids).order_by("path").only("pk", "name", "path"))
    org = next((o for o in orgs if o.pk == parse_id(request.GET.get("org"))), None)
    if org is not None:
        announcements = announcements.filter(org__path__startswith=org.path)
    stamps = announcements.order_by().annotate(
        year=ExtractYear("publish_at", tzinfo=timezone.get_current_timezone())
    )
    years = sorted(set(stamps.values_list("year", flat=True).distinct()), reverse=True)
    year = parse_id(request.GET.get("year"))
    if year in years:
        start = timezone.make_aware(datetime.datetime(year, 1, 1))
        announcements = announcements.filter(
            publish_at__gte=start, publish_at__lt=start.replace(year=year + 1)
        )
    else:
        year = None
    return render(
        request,
        "publicity/portal/archive.html",
        {
            "page": paginate(request, announcements.order_by("-is_pinned", "-publish_at", "-id")),
            "orgs": orgs,
            "org": org,
            "years": years,
            "year": year,
        },
    )


def announcement(request: HttpRequest, pk: int) -> HttpResponse:
    found = Announcement.objects.public().select_related("org").filter(pk=pk).first()
    if found is None:
        raise Http404
    return render(
        request,
        "publicity/portal/announcement.html",
        {"announcement": found, "attachments": found.attachments.all()},
    )
