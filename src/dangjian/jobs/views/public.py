"""The residents' portal page of open job postings: no account, no personal data — the enterprise,
the job, positions, salary and the community it is in, never a contact person or a phone."""

from __future__ import annotations

from django.db.models import Q
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from dangjian.core.pagination import paginate
from dangjian.core.redaction import redact
from dangjian.jobs.choices import PostingState
from dangjian.jobs.models import JobPosting
from dangjian.orgs.choices import AreaKind
from dangjian.orgs.models import Area

PER_PAGE = 20
PLACE_KINDS = (AreaKind.COMMUNITY, AreaKind.STREET, AreaKind.DISTRICT)


@require_GET
def public_postings(request):
    today = timezone.localdate()
    postings = (
        JobPosting.objects.filter(state=PostingState.OPEN, opens_on__lte=today)
        .filter(Q(closes_on__isnull=True) | Q(closes_on__gte=today))
        .select_related("area")
        .prefetch_related("skills")
        .only(
            "pk",
            "enterprise_name",
            "title",
            "description",
            "positions",
            "salary_min",
            "salary_max",
            "opens_on",
            "closes_on",
            "skills_note",
            "area__name",
            "area__path",
        )
    )
    query = (request.GET.get("q") or "").strip()[:50]
    if query:
        postings = postings.filter(Q(title__icontains=query) | Q(enterprise_name__icontains=query))
    page = paginate(request, postings.order_by("-opens_on", "-id"), per_page=PER_PAGE)
    names = place_names({posting.area.path for posting in page})
    for posting in page:
        posting.place_name = names.get(posting.area.path, "")
        # Free texts typed by staff may carry a contact's number: never on a public page.
        posting.title, posting.enterprise_name = redact(posting.title), redact(posting.enterprise_name)
        posting.skills_note = redact(posting.skills_note)
    return render(request, "jobs/public_postings.html", {"page": page, "query": query})


def place_names(paths: set[str]) -> dict[str, str]:
    """Each area path → the name of its community (or the coarser area it is), in one query: a
    grid's name narrows a place more than the public needs."""
    step = Area.steplen
    candidates = {path[:end] for path in paths for end in range(step, len(path) + 1, step)}
    if not candidates:
        return {}
    areas = dict(Area.objects.filter(path__in=candidates, kind__in=PLACE_KINDS).values_list("path", "name"))
    result = {}
    for path in paths:
        for end in range(len(path), 0, -step):
            if path[:end] in areas:
                result[path] = areas[path[:end]]
                break
    return result
