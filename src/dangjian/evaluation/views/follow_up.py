"""After the review: objections and their answers, the star records figures open, 整改 plans."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from dangjian.core.page_permissions import allowed, require, require_any
from dangjian.core.pagination import paginate
from dangjian.core.scoping import parse_id
from dangjian.evaluation import services
from dangjian.evaluation.choices import ObjectionStatus
from dangjian.evaluation.forms import (
    AnswerForm,
    TaskForm,
)
from dangjian.evaluation.models import (
    Objection,
    OrgStarRecord,
    Rectification,
    RectificationTask,
)
from dangjian.evaluation.views.common import (
    ANSWER,
    CHANGE_PLAN,
    VIEW_OBJECTION,
    VIEW_PLAN,
    VIEW_STARS,
    _get,
    _run,
)
from dangjian.evaluation.views.rounds import _round
from dangjian.orgs.models import Organization

# --- Objections, stars, 整改 ---------------------------------------------------------------------


@login_required
@require_GET
def objection_list(request):
    require_any(request.user, VIEW_OBJECTION)
    objections = Objection.objects.visible_to(request.user).select_related(
        "assessment__org", "assessment__round"
    )
    rating_round = None
    if request.GET.get("round"):
        rating_round = _round(request, request.GET["round"])
        objections = objections.filter(assessment__round=rating_round)
    if request.GET.get("status") in ObjectionStatus.values:
        objections = objections.filter(status=request.GET["status"])
    return render(
        request,
        "evaluation/objection_list.html",
        {"page": paginate(request, objections.order_by("-created_at", "-id")), "round": rating_round},
    )


@login_required
def objection_answer(request, pk: int):
    objection = _get(
        Objection.objects.visible_to(request.user).select_related("assessment__org", "assessment__round"), pk
    )
    require(request.user, ANSWER, objection)
    form = AnswerForm(request.POST or None, initial={"answer": objection.answer})
    if (
        request.method == "POST"
        and form.is_valid()
        and _run(
            request,
            lambda: services.answer_objection(objection, by=request.user, answer=form.cleaned_data["answer"]),
            form,
        )
    ):
        messages.success(request, _("Answer published."))
        return redirect(f"{_url('evaluation:objection_list')}?round={objection.assessment.round_id}")
    return render(request, "evaluation/objection_answer.html", {"form": form, "objection": objection})


def _url(name: str) -> str:
    from django.urls import reverse

    return reverse(name)


@login_required
@require_GET
def star_list(request):
    """Star records: what the figures ``evaluation.stars_N`` count (filters org, year, stars)."""
    require_any(request.user, VIEW_STARS)
    records = OrgStarRecord.objects.visible_to(request.user).select_related("org", "round")
    org = None
    if request.GET.get("org"):
        org = (
            Organization.objects.visible_to(request.user, VIEW_STARS)
            .filter(pk=parse_id(request.GET["org"]) or 0)
            .first()
        )
        if org is None:
            raise Http404
        records = records.filter(org__path__startswith=org.path)
    year = parse_id(request.GET.get("year"))
    if year and year <= 2100:
        records = records.filter(year=year)
    stars = parse_id(request.GET.get("stars"))
    if stars and stars <= 5:
        records = records.filter(stars=stars)
    return render(
        request,
        "evaluation/star_list.html",
        {
            "page": paginate(request, records.order_by("-year", "org__path")),
            "org": org,
            "year": year,
            "stars": stars,
        },
    )


@login_required
@require_GET
def rectification_list(request):
    require_any(request.user, VIEW_PLAN)
    plans = (
        Rectification.objects.visible_to(request.user)
        .select_related("org", "assessment__round")
        .annotate(task_count=Count("tasks"), open_count=Count("tasks", filter=Q(tasks__done_at__isnull=True)))
    )
    return render(
        request,
        "evaluation/rectification_list.html",
        {"page": paginate(request, plans.order_by("-created_at", "-id"))},
    )


def _plan(request, pk) -> Rectification:
    return _get(Rectification.objects.visible_to(request.user).select_related("org", "assessment__round"), pk)


@login_required
def rectification_detail(request, pk: int):
    """A 整改 plan with its tasks; staff of the organization add tasks (deadlines in working days)."""
    plan = _plan(request, pk)
    can_change = allowed(request.user, CHANGE_PLAN, plan)
    form = TaskForm(request.POST or None)
    if request.method == "POST":
        require(request.user, CHANGE_PLAN, plan)
        if form.is_valid() and _run(
            request, lambda: services.add_task(plan, by=request.user, **form.cleaned_data), form
        ):
            messages.success(request, _("Task added."))
            return redirect("evaluation:rectification_detail", pk=plan.pk)
    return render(
        request,
        "evaluation/rectification_detail.html",
        {"plan": plan, "tasks": list(plan.tasks.all()), "form": form, "can_change": can_change},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def task_done(request, pk: int):
    task = _get(RectificationTask.objects.visible_to(request.user, VIEW_PLAN).select_related("plan__org"), pk)
    require(request.user, CHANGE_PLAN, task.plan)
    if _run(request, lambda: services.mark_task_done(task, by=request.user)):
        messages.success(request, _("Task marked done."))
    return redirect("evaluation:rectification_detail", pk=task.plan_id)
