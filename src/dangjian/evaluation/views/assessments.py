"""An organization's assessment: detail, the self-assessment with evidence, the review page, evidence downloads."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.encoding import escape_uri_path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from dangjian.core.page_permissions import allowed, require
from dangjian.core.registry import registry
from dangjian.evaluation import services
from dangjian.evaluation.choices import RoundStatus
from dangjian.evaluation.forms import (
    SelfAssessmentForm,
)
from dangjian.evaluation.models import (
    Assessment,
    Evidence,
    Objection,
    Rectification,
)
from dangjian.evaluation.views.common import (
    REVIEW,
    SELF_ASSESS,
    VIEW_ASSESSMENT,
    _get,
    _run,
    _version,
)

# --- Assessments -------------------------------------------------------------------------------


def _assessment(request, pk) -> Assessment:
    return _get(
        Assessment.objects.visible_to(request.user).select_related("org", "round__scheme", "round__root"), pk
    )


def _scores(assessment):
    return list(
        assessment.scores.select_related("item__category").prefetch_related(
            Prefetch("evidence", queryset=Evidence.objects.order_by("uploaded_at", "id"))
        )
    )


def _records_links(assessment, scores) -> None:
    """Each auto score opens the records behind its figure (the figure's own list page)."""
    period = assessment.round.period
    for score in scores:
        score.records_url = ""
        figure = registry["figures"].get(score.item.figure_key) if score.item.figure_key else None
        if figure is not None:
            score.records_url = figure.records_url(assessment.org, period)
            score.figure_label = figure.label


@login_required
@require_GET
def assessment_detail(request, pk: int):
    assessment = _assessment(request, pk)
    scores = _scores(assessment)
    _records_links(assessment, scores)
    rating_round = assessment.round
    return render(
        request,
        "evaluation/assessment_detail.html",
        {
            "assessment": assessment,
            "round": rating_round,
            "scores": scores,
            "can_self_assess": rating_round.status == RoundStatus.SELF_ASSESSMENT
            and allowed(request.user, SELF_ASSESS, assessment)
            and assessment.status == "pending",
            "can_review": rating_round.status == RoundStatus.REVIEW
            and allowed(request.user, REVIEW, assessment)
            and assessment.status != "reviewed",
            "objections": list(Objection.objects.visible_to(request.user).filter(assessment=assessment)),
            "plan": Rectification.objects.visible_to(request.user).filter(assessment=assessment).first(),
        },
    )


@login_required
def assessment_self(request, pk: int):
    """The organization's self-assessment: its account, self-scores of manual items, evidence."""
    assessment = _assessment(request, pk)
    require(request.user, SELF_ASSESS, assessment)
    scores = _scores(assessment)
    form = SelfAssessmentForm(request.POST or None, initial={"self_assessment": assessment.self_assessment})
    if request.method == "POST" and form.is_valid():

        @transaction.atomic
        def save():
            entered = {
                score.item_id: (
                    request.POST.get(f"points_{score.item_id}", ""),
                    request.POST.get(f"note_{score.item_id}", ""),
                )
                for score in scores
                if not score.item.is_auto
            }
            services.save_self_assessment(
                assessment,
                by=request.user,
                text=form.cleaned_data["self_assessment"],
                scores=entered,
                row_version=_version(request.POST.get("row_version")),
            )
            for score in scores:
                for upload in request.FILES.getlist(f"evidence_{score.pk}"):
                    services.add_evidence(score, upload, by=request.user)
            if request.POST.get("submit") == "1":
                services.submit_self_assessment(assessment, by=request.user)

        if _run(request, save, form):
            messages.success(request, _("Self-assessment saved."))
            return redirect("evaluation:assessment_detail", pk=assessment.pk)
    for score in scores:
        score.entered = (
            request.POST.get(f"points_{score.item_id}")
            if request.method == "POST"
            else (abs(score.self_points) if score.self_points is not None else "")
        )
    return render(
        request,
        "evaluation/assessment_self.html",
        {"assessment": assessment, "round": assessment.round, "form": form, "scores": scores},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def assessment_review(request, pk: int):
    """The review page: per item the value, the auto points, the self-score and evidence, and the
    reviewer's points and comment; "close the review" computes the total and the stars."""
    assessment = _assessment(request, pk)
    require(request.user, REVIEW, assessment)
    scores = _scores(assessment)
    _records_links(assessment, scores)
    if request.method == "POST":

        @transaction.atomic
        def save():
            for score in scores:
                points = (request.POST.get(f"points_{score.pk}") or "").strip()
                comment = (request.POST.get(f"comment_{score.pk}") or "").strip()
                current = score.reviewer_text
                if points != current or comment != score.review_comment:
                    if points == "" and score.reviewer_points is None and not comment:
                        continue
                    services.review_score(
                        score,
                        by=request.user,
                        points=points or None,
                        comment=comment,
                        row_version=_version(request.POST.get(f"version_{score.pk}")),
                    )
            if request.POST.get("complete") == "1":
                services.complete_review(assessment, by=request.user)

        if _run(request, save):
            messages.success(request, _("Review saved."))
            return redirect("evaluation:assessment_review", pk=assessment.pk)
        return redirect("evaluation:assessment_review", pk=assessment.pk)
    return render(
        request,
        "evaluation/assessment_review.html",
        {"assessment": assessment, "round": assessment.round, "scores": scores},
    )


@login_required
@require_GET
def evidence_download(request, pk: int):
    """An evidence file, only to users who see the assessment (never from a public URL)."""
    item = _get(Evidence.objects.visible_to(request.user, VIEW_ASSESSMENT), pk)
    try:
        handle = item.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(
        handle, content_type=item.content_type or "application/octet-stream", filename=item.original_name
    )
    if not item.content_type.startswith("image/") and item.content_type != "application/pdf":
        response["Content-Disposition"] = (
            f"attachment; filename*=UTF-8''{escape_uri_path(item.original_name)}"
        )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
