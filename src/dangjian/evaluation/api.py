"""API of 评星定级 at /api/v1/evaluation: schemes, rounds, assessments with their item scores and
objections (read), and the main state changes (moving a round on, self-assessment, review
scores, closing a review, answering objections) through the same service functions as the pages.
Rows outside the caller's scope answer 404.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.http import Http404, HttpRequest
from django.utils.translation import gettext
from ninja import Field, Query, Router, Schema
from pydantic import ConfigDict

from dangjian.core.errors import PermissionDenied
from dangjian.core.scoping import scope_of
from dangjian.evaluation import services
from dangjian.evaluation.models import Assessment, ItemScore, Objection, RatingRound, RatingScheme

router = Router(tags=["evaluation"])

MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 50


class ItemOut(Schema):
    id: int
    category: str
    name: str
    kind: str
    max_points: Decimal
    evidence_required: bool
    figure_key: str
    denominator_key: str
    mapping: str
    target: Decimal | None
    bands: list
    per_unit: Decimal | None

    @staticmethod
    def resolve_category(obj) -> str:
        return obj.category.name


class ThresholdOut(Schema):
    stars: int
    min_total: Decimal


class CapOut(Schema):
    item_id: int | None
    figure_key: str
    below: Decimal
    max_stars: int


class SchemeOut(Schema):
    id: int
    owner_id: int
    year: int
    org_field: str
    name: str
    version: int
    status: str
    base_points: Decimal
    copied_from_id: int | None


class SchemeDetailOut(SchemeOut):
    items: list[ItemOut]
    thresholds: list[ThresholdOut]
    caps: list[CapOut]

    @staticmethod
    def resolve_items(obj) -> list:
        return list(obj.items.select_related("category"))

    @staticmethod
    def resolve_thresholds(obj) -> list:
        return list(obj.thresholds.all())

    @staticmethod
    def resolve_caps(obj) -> list:
        return list(obj.caps.all())


class RoundOut(Schema):
    id: int
    scheme_id: int
    name: str
    year: int
    root_id: int
    rated_kind: str
    period_start: datetime.date
    period_end: datetime.date
    publicity_days: int
    status: str
    publicity_start: datetime.date | None
    publicity_end: datetime.date | None
    scheme_version: int | None


class ScoreOut(Schema):
    id: int
    item_id: int
    item_name: str
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    flag: str
    auto_points: Decimal | None
    scheme_version: int | None
    self_points: Decimal | None
    self_note: str
    reviewer_points: Decimal | None
    review_comment: str
    final_points: Decimal | None
    row_version: int

    @staticmethod
    def resolve_item_name(obj) -> str:
        return obj.item.name


class AssessmentOut(Schema):
    id: int
    round_id: int
    org_id: int
    org_name: str
    status: str
    self_assessment: str
    total: Decimal | None
    stars: int | None
    uncapped_stars: int | None
    caps_applied: list
    previous_stars: int | None
    movement: str
    row_version: int

    @staticmethod
    def resolve_org_name(obj) -> str:
        return obj.org.name


class AssessmentDetailOut(AssessmentOut):
    scores: list[ScoreOut]

    @staticmethod
    def resolve_scores(obj) -> list:
        return list(obj.scores.select_related("item"))


class ObjectionOut(Schema):
    id: int
    assessment_id: int
    name: str
    text: str
    status: str
    created_at: datetime.datetime
    answer: str
    answered_at: datetime.datetime | None


class Page(Schema):
    next: int | None = Field(None, description="Pass as `offset` for the next page; null on the last page.")


class SchemePage(Page):
    items: list[SchemeOut]


class RoundPage(Page):
    items: list[RoundOut]


class AssessmentPage(Page):
    items: list[AssessmentOut]


class ObjectionPage(Page):
    items: list[ObjectionOut]


class PageParams(Schema):
    limit: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
    offset: int = Field(0, ge=0, le=10_000)


class InputSchema(Schema):
    model_config = ConfigDict(extra="forbid")


class AdvanceIn(InputSchema):
    step: str = Field(description="open, review, publicity or final: the round's next step")


class SelfScoreIn(InputSchema):
    item_id: int
    points: Decimal | None = Field(None, ge=0, le=10000)
    note: str = Field("", max_length=500)


class SelfAssessmentIn(InputSchema):
    self_assessment: str | None = Field(None, max_length=20000)
    scores: list[SelfScoreIn] = Field(default_factory=list, max_length=500)
    submit: bool = False
    row_version: int | None = None


class ReviewIn(InputSchema):
    points: Decimal | None = Field(None, ge=0, le=10000)
    comment: str = Field("", max_length=500)
    row_version: int | None = None


class AnswerIn(InputSchema):
    answer: str = Field(min_length=1, max_length=2000)


def _page(queryset, params: PageParams) -> dict:
    rows = list(queryset[params.offset : params.offset + params.limit + 1])
    return {
        "items": rows[: params.limit],
        "next": params.offset + params.limit if len(rows) > params.limit else None,
    }


def _require_any(request: HttpRequest, permission: str) -> None:
    if not scope_of(request.user).has_any(permission):
        raise PermissionDenied(gettext("You do not have permission to do this."), rule="scope")


def _one(queryset, pk: int):
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


@router.get("/schemes", response=SchemePage, url_name="evaluation_scheme_list")
def scheme_list(request: HttpRequest, params: Query[PageParams]) -> dict:
    _require_any(request, "evaluation.view_ratingscheme")
    return _page(RatingScheme.objects.visible_to(request.user).order_by("-year", "-version", "-id"), params)


@router.get("/schemes/{id:id}", response=SchemeDetailOut, url_name="evaluation_scheme_detail")
def scheme_detail(request: HttpRequest, id: int):
    return _one(RatingScheme.objects.visible_to(request.user), id)


@router.get("/rounds", response=RoundPage, url_name="evaluation_round_list")
def round_list(request: HttpRequest, params: Query[PageParams]) -> dict:
    _require_any(request, "evaluation.view_ratinground")
    return _page(RatingRound.objects.visible_to(request.user).order_by("-year", "-id"), params)


def _round(request: HttpRequest, id: int) -> RatingRound:
    return _one(RatingRound.objects.visible_to(request.user).select_related("root", "scheme"), id)


@router.get("/rounds/{id:id}", response=RoundOut, url_name="evaluation_round_detail")
def round_detail(request: HttpRequest, id: int) -> RatingRound:
    return _round(request, id)


@router.post("/rounds/{id:id}/advance", response=RoundOut, url_name="evaluation_round_advance")
def round_advance(request: HttpRequest, id: int, payload: AdvanceIn) -> RatingRound:
    """Move the round to its next step (a step other than the next one answers 400)."""
    services.advance_round(_round(request, id), by=request.user, step=payload.step)
    return _round(request, id)


@router.get("/rounds/{id:id}/assessments", response=AssessmentPage, url_name="evaluation_assessment_list")
def assessment_list(request: HttpRequest, id: int, params: Query[PageParams]) -> dict:
    rating_round = _round(request, id)
    assessments = (
        Assessment.objects.visible_to(request.user)
        .filter(round=rating_round)
        .select_related("org")
        .order_by("org__path")
    )
    return _page(assessments, params)


def _assessment(request: HttpRequest, id: int) -> Assessment:
    return _one(Assessment.objects.visible_to(request.user).select_related("org", "round"), id)


@router.get("/assessments/{id:id}", response=AssessmentDetailOut, url_name="evaluation_assessment_detail")
def assessment_detail(request: HttpRequest, id: int) -> Assessment:
    return _assessment(request, id)


@router.post("/assessments/{id:id}/self", response=AssessmentDetailOut, url_name="evaluation_assessment_self")
def assessment_self(request: HttpRequest, id: int, payload: SelfAssessmentIn) -> Assessment:
    """Save the self-assessment (text and manual items' self-scores); ``submit`` hands it in."""
    assessment = _assessment(request, id)
    services.save_self_assessment(
        assessment,
        by=request.user,
        text=payload.self_assessment,
        scores={s.item_id: (s.points, s.note) for s in payload.scores},
        row_version=payload.row_version,
    )
    if payload.submit:
        services.submit_self_assessment(assessment, by=request.user)
    return _assessment(request, id)


@router.post("/scores/{id:id}/review", response=ScoreOut, url_name="evaluation_score_review")
def score_review(request: HttpRequest, id: int, payload: ReviewIn) -> ItemScore:
    score = _one(
        ItemScore.objects.visible_to(request.user, "evaluation.view_assessment").select_related("item"), id
    )
    return services.review_score(
        score,
        by=request.user,
        points=payload.points,
        comment=payload.comment,
        row_version=payload.row_version,
    )


@router.post(
    "/assessments/{id:id}/complete", response=AssessmentDetailOut, url_name="evaluation_assessment_complete"
)
def assessment_complete(request: HttpRequest, id: int) -> Assessment:
    """Close the review: final points, the total and the stars after caps."""
    services.complete_review(_assessment(request, id), by=request.user)
    return _assessment(request, id)


@router.get("/objections", response=ObjectionPage, url_name="evaluation_objection_list")
def objection_list(request: HttpRequest, params: Query[PageParams]) -> dict:
    _require_any(request, "evaluation.view_objection")
    return _page(Objection.objects.visible_to(request.user).order_by("-created_at", "-id"), params)


@router.post("/objections/{id:id}/answer", response=ObjectionOut, url_name="evaluation_objection_answer")
def objection_answer(request: HttpRequest, id: int, payload: AnswerIn) -> Objection:
    objection = _one(Objection.objects.visible_to(request.user).select_related("assessment__org"), id)
    return services.answer_objection(objection, by=request.user, answer=payload.answer)
