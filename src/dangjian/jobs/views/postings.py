"""Job postings: the list (search, state, organization), a posting with the seekers it suits,
recording and editing a posting, closing it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from dangjian.core.pagination import paginate
from dangjian.core.scoping import has_perm_over, scope_of
from dangjian.jobs import matching, services
from dangjian.jobs.choices import PostingState
from dangjian.jobs.forms import PostingForm, VersionForm
from dangjian.jobs.models import JobPosting, JobSeeker
from dangjian.jobs.views.common import apply, org_filter, require_any, require_over, visible

VIEW = "jobs.view_jobposting"
RELATED = ["area", "org", "unit_org"]
FIELDS = [
    "enterprise_name",
    "title",
    "description",
    "skills_note",
    "positions",
    "salary_min",
    "salary_max",
    "opens_on",
    "closes_on",
    "area",
    "org",
]


@login_required
@require_GET
def posting_list(request):
    user = request.user
    require_any(user, VIEW)
    postings = (
        JobPosting.objects.visible_to(user)
        .select_related(*RELATED)
        .annotate(placed=Count("placements", distinct=True))
    )
    org = org_filter(request, VIEW)
    if org is not None:
        postings = postings.filter(org__path__startswith=org.path)
    state = request.GET.get("state") or ""
    if state in PostingState.values:
        postings = postings.filter(state=state)
    query = (request.GET.get("q") or "").strip()
    if query:
        postings = postings.filter(Q(title__icontains=query) | Q(enterprise_name__icontains=query))
    page = paginate(request, postings.order_by("-opens_on", "-id"))
    return render(
        request,
        "jobs/posting_list.html",
        {
            "page": page,
            "org": org,
            "state": state,
            "query": query,
            "states": PostingState.choices,
            "can_create": scope_of(user).has_any("jobs.add_jobposting"),
        },
    )


@login_required
@require_GET
def posting_detail(request, pk: int):
    user = request.user
    posting = visible(JobPosting.objects.select_related(*RELATED).prefetch_related("skills"), user, pk)
    matches = []
    if posting.is_open and scope_of(user).has_any("jobs.view_jobseeker"):
        matches = matching.seekers_for(posting, JobSeeker.objects.visible_to(user))
    placements = list(posting.placements.select_related("seeker__person").order_by("-placed_on", "-id")[:50])
    return render(
        request,
        "jobs/posting_detail.html",
        {
            "posting": posting,
            "matches": matches,
            "placements": placements,
            "can_change": has_perm_over(user, "jobs.change_jobposting", posting),
            "can_place": scope_of(user).has_any("jobs.add_placement"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def posting_create(request):
    user = request.user
    require_any(user, "jobs.add_jobposting")
    form = PostingForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        posting = apply(
            form,
            lambda: services.create_posting(
                by=user, skills=data["skills"], **{name: data[name] for name in FIELDS}
            ),
        )
        if posting is not None:
            messages.success(request, _("The posting is recorded."))
            return redirect("jobs:posting_detail", pk=posting.pk)
    return render(
        request,
        "jobs/form.html",
        {"form": form, "title": _("Record a job posting"), "cancel_url": reverse("jobs:posting_list")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def posting_edit(request, pk: int):
    user = request.user
    posting = visible(JobPosting.objects.select_related(*RELATED), user, pk)
    require_over(user, "jobs.change_jobposting", posting)
    initial = {
        **{name: getattr(posting, name) for name in FIELDS},
        "skills": list(posting.skills.all()),
        "version": posting.version,
    }
    form = PostingForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = apply(
            form,
            lambda: services.update_posting(
                posting,
                by=user,
                version=data.get("version"),
                skills=data["skills"],
                **{name: data[name] for name in FIELDS},
            ),
        )
        if done is not None:
            messages.success(request, _("The posting is saved."))
            return redirect("jobs:posting_detail", pk=posting.pk)
    return render(
        request,
        "jobs/form.html",
        {
            "form": form,
            "title": _("Edit the job posting"),
            "cancel_url": reverse("jobs:posting_detail", args=[posting.pk]),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def posting_close(request, pk: int):
    user = request.user
    posting = visible(JobPosting.objects.select_related(*RELATED), user, pk)
    require_over(user, "jobs.change_jobposting", posting)
    form = VersionForm(request.POST or None, initial={"version": posting.version})
    if request.method == "POST" and form.is_valid():
        done = apply(
            form, lambda: services.close_posting(posting, by=user, version=form.cleaned_data.get("version"))
        )
        if done is not None:
            messages.success(request, _("The posting is closed."))
            return redirect("jobs:posting_detail", pk=posting.pk)
    return render(
        request,
        "jobs/confirm.html",
        {
            "form": form,
            "title": _("Close the posting"),
            "subject": str(posting),
            "button": _("Close the posting"),
            "cancel_url": reverse("jobs:posting_detail", args=[posting.pk]),
        },
    )
