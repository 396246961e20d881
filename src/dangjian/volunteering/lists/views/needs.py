"""需求清单 pages: the list with its filters, a need's page, recording one (also from a service
request), editing, assigning a volunteer by hand, marking it met and closing it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from dangjian.core.models import Person
from dangjian.core.pagination import paginate
from dangjian.core.scoping import scope_of
from dangjian.service.models import ServiceRequest
from dangjian.volunteering.choices import NeedCategory, NeedSource, NeedState, VolunteerState
from dangjian.volunteering.lists import services
from dangjian.volunteering.lists.forms import NeedForm, OutcomeForm, ReasonForm, availability_text, slots_of
from dangjian.volunteering.lists.views.common import (
    apply,
    attempt,
    detail_url,
    filter_period,
    filter_place,
    parse_date,
    require,
    require_any,
    search,
    start_of,
    visible_or_404,
)
from dangjian.volunteering.models import Need, Volunteer

VIEW = "volunteering.view_need"
ADD = "volunteering.add_need"
CHANGE = "volunteering.change_need"
LIST_RELATED = ["area", "org", "volunteer__person"]
DETAIL_RELATED = ["area", "org", "volunteer__person", "resident", "project", "service_request", "created_by"]
CANDIDATES = 20


def _need(request, pk: int) -> Need:
    return visible_or_404(request, Need, pk, *DETAIL_RELATED)


@login_required
@require_GET
def need_list(request):
    """The needs in the user's scope, newest first, filtered by state, category, place, source, text."""
    require_any(request.user, VIEW)
    rows = Need.objects.visible_to(request.user).select_related(*LIST_RELATED)
    rows, area, org = filter_place(request, rows)
    state = request.GET.get("state", "")
    if state in NeedState.values:
        rows = rows.filter(state=state)
    category = request.GET.get("category", "")
    if category in NeedCategory.values:
        rows = rows.filter(category=category)
    source = request.GET.get("source", "")
    if source in NeedSource.values:
        rows = rows.filter(source=source)
    rows, period = filter_period(request, rows, "met_at")
    # ``created_before``: the 工作台's "open needs older than N days" opens exactly those.
    created_before = parse_date(request.GET.get("created_before"))
    if created_before:
        rows = rows.filter(created_at__lt=start_of(created_before))
    query = request.GET.get("q", "")
    rows = search(rows, query, "title")
    page = paginate(request, rows.order_by("-created_at", "-id"))
    return render(
        request,
        "volunteering/lists/need_list.html",
        {
            "page": page,
            "state": state,
            "category": category,
            "source": source,
            "query": query,
            "area": area,
            "org": org,
            "period": period,
            "states": NeedState.choices,
            "categories": NeedCategory.choices,
            "sources": NeedSource.choices,
            "can_add": scope_of(request.user).has_any(ADD),
        },
    )


@login_required
@require_GET
def need_detail(request, pk: int):
    need = _need(request, pk)
    user = request.user
    request_visible = (
        need.service_request_id is not None
        and ServiceRequest.objects.visible_to(user).filter(pk=need.service_request_id).exists()
    )
    can_change = services.may(user, CHANGE, need)
    return render(
        request,
        "volunteering/lists/need_detail.html",
        {
            "need": need,
            "skills": list(need.skills.all()),
            "availability": availability_text(need.availability),
            "request_visible": request_visible,
            "can_change": can_change and need.state in services.OPEN_NEED_STATES,
        },
    )


def _from_request(request) -> ServiceRequest | None:
    raw = request.POST.get("from_request") or request.GET.get("from_request") or ""
    if not str(raw).isdigit():
        return None
    return get_object_or_404(
        ServiceRequest.objects.visible_to(request.user).select_related("area"), pk=int(raw)
    )


@login_required
def need_create(request):
    """Record a need; ``?from_request=<pk>`` turns a service request the user can see into one."""
    user = request.user
    require_any(user, ADD)
    code = (request.GET.get("request_code") or "").strip().upper()[:16]
    lookup_error = ""
    if code:
        found = ServiceRequest.objects.visible_to(user).filter(tracking_code=code).first()
        if found is not None:
            return redirect(f"{reverse('volunteering:need_create')}?from_request={found.pk}")
        lookup_error = _("No service request you can see has the tracking code “%(code)s”.") % {"code": code}
    service_request = _from_request(request)
    initial = {}
    if service_request is not None:
        initial = {"title": service_request.title, "description": service_request.description}
        if service_request.area.kind in ("grid", "community"):
            initial["area"] = service_request.area_id
    form = NeedForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        fields = form.need_fields()
        need = apply(
            form,
            lambda: services.create_need(
                by=user,
                source=services.need_source_for(user),
                service_request=service_request,
                **fields,
            ),
        )
        if need is not None:
            messages.success(request, _("The need “%(title)s” was recorded.") % {"title": need.title})
            return redirect("volunteering:need_detail", pk=need.pk)
    return render(
        request,
        "volunteering/lists/form.html",
        {
            "form": form,
            "heading": _("Record a need"),
            "cancel_href": reverse("volunteering:need_list"),
            "service_request": service_request,
            "request_lookup": service_request is None,
            "request_code": code,
            "lookup_error": lookup_error,
        },
    )


@login_required
def need_edit(request, pk: int):
    need = _need(request, pk)
    require(request.user, CHANGE, need)
    initial = {
        "title": need.title,
        "category": need.category,
        "description": need.description,
        "area": need.area_id,
        "skills": list(need.skills.values_list("pk", flat=True)),
        "availability": slots_of(need.availability),
        "project": need.project_id,
        "is_public": need.is_public,
        "version": need.version,
    }
    form = NeedForm(request.POST or None, user=request.user, permission=CHANGE, initial=initial)
    if request.method == "POST" and form.is_valid():
        version = form.cleaned_data.get("version")
        fields = form.need_fields()
        skills = fields.pop("skills")
        done = apply(
            form,
            lambda: services.update_need(need, by=request.user, version=version, skills=skills, **fields),
        )
        if done is not None:
            messages.success(request, _("Saved."))
            return redirect("volunteering:need_detail", pk=need.pk)
    return render(
        request,
        "volunteering/lists/form.html",
        {"form": form, "heading": _("Edit the need"), "object": need, "cancel_href": detail_url(need)},
    )


@login_required
def need_assign(request, pk: int):
    """Assign a volunteer by hand: search the ledger by name, pick one (open → assigned)."""
    need = _need(request, pk)
    require(request.user, CHANGE, need)
    volunteers = Volunteer.objects.visible_to(request.user).filter(state=VolunteerState.ACTIVE)
    error = None
    if request.method == "POST":
        raw = request.POST.get("volunteer", "")
        volunteer = volunteers.filter(pk=raw).first() if raw.isdigit() else None
        if volunteer is None:
            error = _("Please choose a volunteer from the list.")
        else:
            done, error = attempt(
                lambda: services.assign_need(
                    need, volunteer, request.user, version=request.POST.get("version")
                )
            )
            if done is not None:
                messages.success(
                    request, _("%(name)s will serve this need.") % {"name": volunteer.person.name}
                )
                return redirect("volunteering:need_detail", pk=need.pk)
    query = (request.GET.get("q") or "").strip()[:50]
    candidates = []
    if query:
        people = Person.objects.filter(name__icontains=query).values("pk")
        candidates = list(
            volunteers.filter(person__in=people)
            .select_related("person", "area")
            .order_by("person__name_pinyin", "id")[:CANDIDATES]
        )
    return render(
        request,
        "volunteering/lists/need_assign.html",
        {"need": need, "query": query, "candidates": candidates, "error": error},
    )


def _transition(request, pk: int, *, form_class, heading: str, call, done_message: str):
    """A need's change behind a small form (met with its outcome, closed with its reason)."""
    need = _need(request, pk)
    require(request.user, CHANGE, need)
    form = form_class(request.POST or None, initial={"version": need.version})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        done = apply(form, lambda: call(need, data))
        if done is not None:
            messages.success(request, done_message)
            return redirect("volunteering:need_detail", pk=need.pk)
    return render(
        request,
        "volunteering/lists/form.html",
        {
            "form": form,
            "heading": heading,
            "object": need,
            "cancel_href": detail_url(need),
        },
    )


@login_required
def need_unassign(request, pk: int):
    """Take the need back from its volunteer, after confirmation (assigned → open)."""
    need = _need(request, pk)
    require(request.user, CHANGE, need)
    error = ""
    if request.method == "POST":
        done, error = attempt(
            lambda: services.unassign_need(need, request.user, version=request.POST.get("version"))
        )
        if done is not None:
            messages.success(request, _("The need is open again."))
            return redirect("volunteering:need_detail", pk=need.pk)
    return render(
        request,
        "volunteering/lists/confirm.html",
        {
            "object": need,
            "heading": _("Take “%(title)s” back from its volunteer?") % {"title": need.title},
            "consequence": _("The need becomes open again and can be given to another volunteer."),
            "error": error,
            "version": need.version,
            "cancel_href": detail_url(need),
        },
    )


@login_required
def need_met(request, pk: int):
    return _transition(
        request,
        pk,
        form_class=OutcomeForm,
        heading=_("Mark the need met"),
        call=lambda need, data: services.mark_need_met(
            need, by=request.user, outcome=data["outcome"], version=data.get("version")
        ),
        done_message=_("The need is marked met."),
    )


@login_required
def need_close(request, pk: int):
    return _transition(
        request,
        pk,
        form_class=ReasonForm,
        heading=_("Close the need without service"),
        call=lambda need, data: services.close_need(
            need, by=request.user, reason=data["reason"], version=data.get("version")
        ),
        done_message=_("The need is closed."),
    )
