"""Training sessions: the list, recording one, its roll (phone-friendly: one tap per person to
mark who attended) and putting people on it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangjian.core.pagination import paginate
from dangjian.core.scoping import has_perm_over, scope_of
from dangjian.jobs import services
from dangjian.jobs.forms import EnrolForm, TrainingForm
from dangjian.jobs.models import TrainingAttendance, TrainingSession
from dangjian.jobs.views.common import apply, org_filter, people, require_any, require_over, visible

VIEW = "jobs.view_trainingsession"
RELATED = ["area", "org"]
FIELDS = ["title", "starts_at", "ends_at", "place", "capacity", "description", "area", "org"]
ROLL_LIMIT = 1000


@login_required
@require_GET
def training_list(request):
    user = request.user
    require_any(user, VIEW)
    sessions = (
        TrainingSession.objects.visible_to(user)
        .select_related(*RELATED)
        .annotate(
            enrolled=Count("attendance", distinct=True),
            attended=Count("attendance", filter=Q(attendance__attended=True), distinct=True),
        )
    )
    org = org_filter(request, VIEW)
    if org is not None:
        sessions = sessions.filter(org__path__startswith=org.path)
    query = (request.GET.get("q") or "").strip()
    if query:
        sessions = sessions.filter(title__icontains=query)
    page = paginate(request, sessions.order_by("-starts_at", "-id"))
    return render(
        request,
        "jobs/training_list.html",
        {
            "page": page,
            "org": org,
            "query": query,
            "can_create": scope_of(user).has_any("jobs.add_trainingsession"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def training_create(request):
    user = request.user
    require_any(user, "jobs.add_trainingsession")
    form = TrainingForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        session = apply(
            form, lambda: services.create_training(by=user, **{name: data[name] for name in FIELDS})
        )
        if session is not None:
            messages.success(request, _("The training session is recorded."))
            return redirect("jobs:training_detail", pk=session.pk)
    return render(
        request,
        "jobs/form.html",
        {"form": form, "title": _("Record a training session"), "cancel_url": reverse("jobs:training_list")},
    )


@login_required
@require_GET
def training_detail(request, pk: int):
    """The session and its roll; staff mark attendance here on a phone."""
    user = request.user
    session = visible(TrainingSession.objects.select_related(*RELATED), user, pk)
    roll = list(
        TrainingAttendance.objects.filter(session=session)
        .select_related("person")
        .order_by("person__name_pinyin", "id")[:ROLL_LIMIT]
    )
    can_enrol = has_perm_over(user, "jobs.add_trainingattendance", session)
    return render(
        request,
        "jobs/training_detail.html",
        {
            "session": session,
            "roll": roll,
            "attended_count": sum(1 for row in roll if row.attended),
            "started": session.starts_at <= timezone.now(),
            "can_mark": has_perm_over(user, "jobs.change_trainingattendance", session),
            "can_enrol": can_enrol and len(roll) < session.capacity,
            "enrol_form": EnrolForm(user=user) if can_enrol else None,
            "person_query": request.GET.get("person_q", ""),
            "person_options": people(request) if can_enrol else [],
        },
    )


@login_required
@require_POST
def training_enrol(request, pk: int):
    user = request.user
    session = visible(TrainingSession.objects.select_related(*RELATED), user, pk)
    require_over(user, "jobs.add_trainingattendance", session)
    form = EnrolForm(request.POST, user=user)
    if form.is_valid():
        row = apply(form, lambda: services.enrol(session, form.cleaned_data["person"], by=user))
        if row is not None:
            messages.success(request, _("%(name)s is on the roll.") % {"name": row.person.name})
            return redirect("jobs:training_detail", pk=session.pk)
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return redirect("jobs:training_detail", pk=session.pk)


@login_required
@require_POST
def training_roll(request, pk: int):
    """Save the roll: each row's ``attended_<id>`` is "1" (attended) or "0" (absent)."""
    user = request.user
    session = visible(TrainingSession.objects.select_related(*RELATED), user, pk)
    require_over(user, "jobs.change_trainingattendance", session)
    marks: dict[int, bool] = {}
    for key, value in request.POST.items():
        if key.startswith("attended_") and key[9:].isdigit() and value in ("0", "1"):
            marks[int(key[9:])] = value == "1"
    form = EnrolForm(user=user)
    changed = apply(form, lambda: services.take_roll(session, marks, by=user))
    if changed is None:
        for error in form.non_field_errors():
            messages.error(request, error)
    else:
        messages.success(request, _("The roll is saved (%(count)s changed).") % {"count": changed})
    return redirect("jobs:training_detail", pk=session.pk)
