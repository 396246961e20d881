"""Job seekers: the register (search, state, organization, placed in a period), a seeker with the
postings that suit them, registering and editing, withdrawing, placing in a posting, and the
Excel export (mobiles masked unless the user may reveal them, audited)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangjian.core import excel_views
from dangjian.core.errors import RuleViolation
from dangjian.core.excel import Column, ImportSpec
from dangjian.core.pagination import paginate
from dangjian.core.reauth import recent_auth_required
from dangjian.core.scoping import has_perm_over, scope_of
from dangjian.jobs import matching, services
from dangjian.jobs.choices import PostingState, SeekerState
from dangjian.jobs.forms import PlaceForm, SeekerForm, VersionForm
from dangjian.jobs.models import JobPosting, JobSeeker
from dangjian.jobs.views.common import (
    apply,
    date_param,
    org_filter,
    people,
    require_any,
    require_over,
    visible,
)

VIEW = "jobs.view_jobseeker"
REVEAL = "core.reveal_personal_data"
RELATED = ["person", "area", "org"]
FIELDS = ["area", "org", "skills_note", "wanted_job", "note"]


def _filtered(request):
    user = request.user
    seekers = JobSeeker.objects.visible_to(user).select_related(*RELATED)
    filters: dict = {}
    org = org_filter(request, VIEW)
    if org is not None:
        seekers = seekers.filter(org__path__startswith=org.path)
        filters["org"] = org.name
    state = request.GET.get("state") or ""
    if state in SeekerState.values:
        seekers = seekers.filter(state=state)
        filters["state"] = state
    placed_from, placed_to = date_param(request, "placed_from"), date_param(request, "placed_to")
    if placed_from or placed_to:
        placed = Q()
        if placed_from:
            placed &= Q(placements__placed_on__gte=placed_from)
            filters["placed_from"] = placed_from.isoformat()
        if placed_to:
            placed &= Q(placements__placed_on__lte=placed_to)
            filters["placed_to"] = placed_to.isoformat()
        seekers = seekers.filter(pk__in=JobSeeker.objects.filter(placed).values("pk"))
    query = (request.GET.get("q") or "").strip()
    if query:
        seekers = seekers.filter(Q(person__name__icontains=query) | Q(wanted_job__icontains=query))
        filters["q"] = query
    return (
        seekers,
        {"org": org, "state": state, "query": query, "placed_from": placed_from, "placed_to": placed_to},
        filters,
    )


@login_required
@require_GET
def seeker_list(request):
    user = request.user
    require_any(user, VIEW)
    seekers, context, _filters = _filtered(request)
    page = paginate(request, seekers.order_by("-registered_on", "-id"))
    return render(
        request,
        "jobs/seeker_list.html",
        {
            **context,
            "page": page,
            "states": SeekerState.choices,
            "export_query": request.GET.urlencode(),
            "can_create": scope_of(user).has_any("jobs.add_jobseeker"),
        },
    )


@login_required
@require_GET
def seeker_detail(request, pk: int):
    user = request.user
    seeker = visible(JobSeeker.objects.select_related(*RELATED).prefetch_related("skills"), user, pk)
    matches = []
    if seeker.state == SeekerState.SEEKING and scope_of(user).has_any("jobs.view_jobposting"):
        matches = matching.postings_for(seeker, JobPosting.objects.visible_to(user))
    placements = list(seeker.placements.select_related("posting").order_by("-placed_on", "-id"))
    can_place = seeker.state == SeekerState.SEEKING and has_perm_over(user, "jobs.add_placement", seeker)
    return render(
        request,
        "jobs/seeker_detail.html",
        {
            "seeker": seeker,
            "matches": matches,
            "placements": placements,
            "can_change": has_perm_over(user, "jobs.change_jobseeker", seeker),
            "can_place": can_place,
            "place_form": PlaceForm(postings=JobPosting.objects.none()) if can_place else None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def seeker_create(request):
    user = request.user
    require_any(user, "jobs.add_jobseeker")
    initial = {"person": request.GET["person"]} if request.GET.get("person", "").isdigit() else {}
    form = SeekerForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        seeker = apply(
            form,
            lambda: services.register_seeker(
                by=user,
                person=data["person"],
                skills=data["skills"],
                registered_on=data["registered_on"],
                **{name: data[name] for name in FIELDS},
            ),
        )
        if seeker is not None:
            messages.success(request, _("The job seeker is registered."))
            return redirect("jobs:seeker_detail", pk=seeker.pk)
    return render(
        request,
        "jobs/form.html",
        {
            "form": form,
            "title": _("Register a job seeker"),
            "cancel_url": reverse("jobs:seeker_list"),
            "person_search": True,
            "person_query": request.GET.get("person_q", ""),
            "person_options": people(request),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def seeker_edit(request, pk: int):
    user = request.user
    seeker = visible(JobSeeker.objects.select_related(*RELATED), user, pk)
    require_over(user, "jobs.change_jobseeker", seeker)
    initial = {
        **{name: getattr(seeker, name) for name in FIELDS},
        "skills": list(seeker.skills.all()),
        "version": seeker.version,
    }
    form = SeekerForm(request.POST or None, user=user, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = apply(
            form,
            lambda: services.update_seeker(
                seeker,
                by=user,
                version=data.get("version"),
                skills=data["skills"],
                **{name: data[name] for name in FIELDS},
            ),
        )
        if done is not None:
            messages.success(request, _("The job seeker is saved."))
            return redirect("jobs:seeker_detail", pk=seeker.pk)
    return render(
        request,
        "jobs/form.html",
        {
            "form": form,
            "title": _("Edit the job seeker"),
            "cancel_url": reverse("jobs:seeker_detail", args=[seeker.pk]),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def seeker_withdraw(request, pk: int):
    user = request.user
    seeker = visible(JobSeeker.objects.select_related(*RELATED), user, pk)
    require_over(user, "jobs.change_jobseeker", seeker)
    form = VersionForm(request.POST or None, initial={"version": seeker.version})
    if request.method == "POST" and form.is_valid():
        done = apply(
            form, lambda: services.withdraw_seeker(seeker, by=user, version=form.cleaned_data.get("version"))
        )
        if done is not None:
            messages.success(request, _("The job seeker is withdrawn from the register."))
            return redirect("jobs:seeker_detail", pk=seeker.pk)
    return render(
        request,
        "jobs/confirm.html",
        {
            "form": form,
            "title": _("Withdraw from the register"),
            "subject": seeker.person.name,
            "button": _("Withdraw"),
            "cancel_url": reverse("jobs:seeker_detail", args=[seeker.pk]),
        },
    )


@login_required
@require_POST
def seeker_place(request, pk: int):
    """Place the seeker in a posting picked from the matches (or any open posting in scope)."""
    user = request.user
    seeker = visible(JobSeeker.objects.select_related(*RELATED), user, pk)
    require_over(user, "jobs.add_placement", seeker)
    postings = JobPosting.objects.visible_to(user).filter(state=PostingState.OPEN)
    form = PlaceForm(request.POST, postings=postings)
    if form.is_valid():
        data = form.cleaned_data
        done = apply(
            form,
            lambda: services.place_seeker(
                seeker, data["posting"], by=user, placed_on=data["placed_on"], note=data["note"]
            ),
        )
        if done is not None:
            messages.success(
                request,
                _("%(name)s is placed: %(posting)s.") % {"name": seeker.person.name, "posting": done.posting},
            )
            return redirect("jobs:seeker_detail", pk=seeker.pk)
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return redirect("jobs:seeker_detail", pk=seeker.pk)


def _no_import(row, context):  # pragma: no cover - the register exports only
    raise RuleViolation(_("Job seekers are not imported from Excel."), rule="import")


SEEKER_SPEC = ImportSpec(
    name="jobs.jobseeker",
    title=gettext_lazy("Job seekers"),
    columns=[
        Column("name", gettext_lazy("Name"), width=12),
        Column("mobile", gettext_lazy("Mobile"), width=14),
        Column("area", gettext_lazy("Area"), width=20),
        Column("org", gettext_lazy("Recording organization"), width=24),
        Column("wanted_job", gettext_lazy("Job wanted"), width=20),
        Column("skills", gettext_lazy("Skills"), width=30),
        Column("state", gettext_lazy("State"), choices=SeekerState.choices, width=10),
        Column("registered_on", gettext_lazy("Registered on"), width=12),
    ],
    handle_row=_no_import,
)


def _export_rows(seekers, *, by, revealed: dict):
    scope = scope_of(by)
    revealed.setdefault("clear_personal_data_rows", 0)
    for seeker in seekers.prefetch_related("skills").iterator(chunk_size=1000):
        person = seeker.person
        clear = bool(person.mobile_masked) and scope.has_perm(
            REVEAL, org_path=seeker.org.path, area_path=seeker.area.path
        )
        if clear:
            revealed["clear_personal_data_rows"] += 1
        skills = [skill.name for skill in seeker.skills.all()]
        if seeker.skills_note:
            skills.append(seeker.skills_note)
        yield {
            "name": person.name,
            "mobile": person.mobile.clear() if clear else person.mobile_masked,
            "area": seeker.area.name,
            "org": seeker.org.name,
            "wanted_job": seeker.wanted_job,
            "skills": "、".join(skills),
            "state": seeker.state,
            "registered_on": seeker.registered_on,
        }


@login_required
@require_GET
@recent_auth_required
def seeker_export(request):
    """The filtered register as .xlsx, audited; mobiles masked without the reveal permission."""
    require_any(request.user, VIEW)
    seekers, _context, filters = _filtered(request)
    revealed: dict = {}
    return excel_views.export_response(
        SEEKER_SPEC,
        _export_rows(seekers.order_by("-registered_on", "-id"), by=request.user, revealed=revealed),
        by=request.user,
        filters=filters,
        extra=revealed,
    )
