"""Round pages: list, create, detail with the organizations' totals and stars, moving on, Excel and PDF."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.encoding import escape_uri_path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from dangjian.core.excel import export_workbook, record_export
from dangjian.core.excel.specs import Column
from dangjian.core.page_permissions import allowed, require, require_any
from dangjian.core.pagination import paginate
from dangjian.core.pdf import pdf_response
from dangjian.core.reauth import recent_auth_required
from dangjian.evaluation import services
from dangjian.evaluation.choices import ObjectionStatus, SchemeStatus
from dangjian.evaluation.forms import (
    RoundForm,
)
from dangjian.evaluation.models import (
    Assessment,
    Objection,
    RatingRound,
    RatingScheme,
)
from dangjian.evaluation.views.common import (
    CHANGE_ROUND,
    VIEW_ASSESSMENT,
    VIEW_ROUND,
    _get,
    _owners,
    _run,
    registry_has,
)

# --- Rounds ------------------------------------------------------------------------------------


@login_required
@require_GET
def round_list(request):
    require_any(request.user, VIEW_ROUND)
    rounds = RatingRound.objects.visible_to(request.user).select_related("scheme", "root")
    return render(
        request,
        "evaluation/round_list.html",
        {
            "page": paginate(request, rounds.order_by("-year", "-id")),
            "can_create": registry_has(request.user, "evaluation.add_ratinground"),
        },
    )


@login_required
def round_create(request):
    require_any(request.user, "evaluation.add_ratinground")
    schemes = list(
        RatingScheme.objects.visible_to(request.user)
        .filter(status=SchemeStatus.PUBLISHED)
        .order_by("-year", "-version")[:100]
    )
    roots = _owners(request.user)
    form = RoundForm(request.POST or None, schemes=schemes, roots=roots)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        scheme = next(s for s in schemes if s.pk == data["scheme"])
        root = next(o for o in roots if o.pk == data["root"])
        made = []
        if _run(
            request,
            lambda: made.append(
                services.create_round(
                    by=request.user,
                    scheme=scheme,
                    root=root,
                    name=data["name"],
                    year=data["year"],
                    period_start=data["period_start"],
                    period_end=data["period_end"],
                    publicity_days=data["publicity_days"],
                    rated_kind=data["rated_kind"],
                )
            ),
            form,
        ):
            messages.success(request, _("Round created."))
            return redirect("evaluation:round_detail", pk=made[0].pk)
    return render(request, "evaluation/form.html", {"form": form, "title": _("New rating round")})


def _round(request, pk) -> RatingRound:
    return _get(RatingRound.objects.visible_to(request.user).select_related("scheme", "root"), pk)


def _assessments(request, rating_round):
    return (
        Assessment.objects.visible_to(request.user)
        .filter(round=rating_round)
        .select_related("org")
        .annotate(open_objections=Count("objections", filter=Q(objections__status=ObjectionStatus.OPEN)))
        .order_by("org__path")
    )


STEP_LABELS = {
    "open": gettext_lazy("Open the self-assessment"),
    "review": gettext_lazy("Start the review (compute and freeze the auto items)"),
    "publicity": gettext_lazy("Start the public notice"),
    "final": gettext_lazy("Finalize the stars"),
}


@login_required
@require_GET
def round_detail(request, pk: int):
    rating_round = _round(request, pk)
    step = services.NEXT_STEP.get(rating_round.status)
    page = paginate(request, _assessments(request, rating_round))
    return render(
        request,
        "evaluation/round_detail.html",
        {
            "round": rating_round,
            "page": page,
            "next_step": (step, STEP_LABELS[step]) if step else None,
            "can_manage": allowed(request.user, CHANGE_ROUND, rating_round),
            "objection_count": Objection.objects.visible_to(request.user)
            .filter(assessment__round=rating_round)
            .count(),
        },
    )


@login_required
@require_POST
def round_advance(request, pk: int):
    """Move the round one step on (the step named in the form must be the next one)."""
    rating_round = _round(request, pk)
    require(request.user, CHANGE_ROUND, rating_round)
    step = request.POST.get("step") or ""
    if _run(request, lambda: services.advance_round(rating_round, by=request.user, step=step)):
        messages.success(request, _("The round moved on."))
    return redirect("evaluation:round_detail", pk=rating_round.pk)


RESULT_COLUMNS = [
    Column("org", _("Organization"), width=30),
    Column("status", _("Status"), width=14),
    Column("total", _("Total points"), width=12),
    Column("stars", _("Stars"), width=8),
    Column("caps", _("Caps applied"), width=24),
    Column("previous", _("Previous stars"), width=10),
    Column("movement", _("Movement"), width=10),
]


def _result_rows(request, rating_round):
    for assessment in _assessments(request, rating_round):
        yield {
            "org": assessment.org.name,
            "status": assessment.get_status_display(),
            "total": assessment.total,
            "stars": assessment.stars,
            "caps": "、".join(assessment.caps_applied or []),
            "previous": assessment.previous_stars,
            "movement": assessment.get_movement_display(),
        }


@login_required
@require_GET
@recent_auth_required
def round_export(request, pk: int):
    """The round's results as Excel (the organizations the user sees), audited."""
    rating_round = _round(request, pk)
    require_any(request.user, VIEW_ASSESSMENT)
    counter: list[int] = []
    title = _("Rating results")
    content = export_workbook(
        RESULT_COLUMNS, _result_rows(request, rating_round), title=title, counter=counter
    )
    file_name = f"{rating_round.name}-{title}.xlsx"
    record_export(
        title, by=request.user, filters={"round": rating_round.pk}, count=sum(counter), file_name=file_name
    )
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{escape_uri_path(file_name)}"
    return response


@login_required
@require_GET
def round_pdf(request, pk: int):
    """The round's results as a printable PDF, audited like an export."""
    rating_round = _round(request, pk)
    require_any(request.user, VIEW_ASSESSMENT)
    rows = list(_result_rows(request, rating_round))
    file_name = f"{rating_round.name}-{_('Rating results')}.pdf"
    record_export(
        _("Rating results"),
        by=request.user,
        filters={"round": rating_round.pk},
        count=len(rows),
        file_name=file_name,
    )
    return pdf_response(
        "evaluation/pdf/results.html",
        {"round": rating_round, "rows": rows},
        filename=file_name,
        request=request,
    )
