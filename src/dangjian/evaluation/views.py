"""Pages of 评星定级 for staff: schemes (items, thresholds, caps), rounds with the organizations'
totals and stars, the self-assessment form with evidence, the review page, objections, the star
records a figure opens, 整改 plans, and the round's results as Excel and PDF. Views stay thin:
every change goes through ``evaluation.services``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as PageForbidden
from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.encoding import escape_uri_path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from dangjian.core.errors import PermissionDenied, RuleViolation
from dangjian.core.excel import export_workbook, record_export
from dangjian.core.excel.specs import Column
from dangjian.core.page_permissions import allowed, require, require_any
from dangjian.core.pagination import paginate
from dangjian.core.pdf import pdf_response
from dangjian.core.registry import registry
from dangjian.core.scoping import parse_id
from dangjian.evaluation import services
from dangjian.evaluation.choices import ObjectionStatus, RoundStatus, SchemeStatus
from dangjian.evaluation.forms import (
    AnswerForm,
    CapForm,
    CategoryForm,
    ItemForm,
    RoundForm,
    SchemeEditForm,
    SchemeForm,
    SelfAssessmentForm,
    TaskForm,
    ThresholdsForm,
)
from dangjian.evaluation.models import (
    Assessment,
    Evidence,
    Item,
    Objection,
    OrgStarRecord,
    RatingRound,
    RatingScheme,
    Rectification,
    RectificationTask,
)
from dangjian.orgs.models import Organization

VIEW_SCHEME = "evaluation.view_ratingscheme"
CHANGE_SCHEME = "evaluation.change_ratingscheme"
VIEW_ROUND = "evaluation.view_ratinground"
CHANGE_ROUND = "evaluation.change_ratinground"
VIEW_ASSESSMENT = "evaluation.view_assessment"
SELF_ASSESS = "evaluation.change_assessment"
REVIEW = "evaluation.review_assessment"
VIEW_OBJECTION = "evaluation.view_objection"
ANSWER = "evaluation.change_objection"
VIEW_STARS = "evaluation.view_orgstarrecord"
VIEW_PLAN = "evaluation.view_rectification"
CHANGE_PLAN = "evaluation.change_rectification"
ORG_OPTIONS = 200


def _get(queryset, pk):
    """The row ``pk`` of an already scoped queryset, or 404 (huge or malformed ids too)."""
    found = queryset.filter(pk=pk).first() if parse_id(pk) else None
    if found is None:
        raise Http404
    return found


def _version(raw) -> int | None:
    """The row version a form was loaded with (None when absent: the service takes the current one)."""
    version = parse_id(raw)
    return version if version and version < 2**31 else None


def _run(request, call, form=None) -> bool:
    """Run a service call; a refused rule goes on the form or into the messages, no right is 403."""
    try:
        call()
    except PermissionDenied as error:
        raise PageForbidden(error.message) from error
    except RuleViolation as error:
        if form is not None:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.error(request, error.message)
        return False
    return True


# --- Schemes -----------------------------------------------------------------------------------


@login_required
@require_GET
def scheme_list(request):
    require_any(request.user, VIEW_SCHEME)
    schemes = (
        RatingScheme.objects.visible_to(request.user)
        .select_related("owner")
        .annotate(item_count=Count("items"))
    )
    return render(
        request,
        "evaluation/scheme_list.html",
        {
            "page": paginate(request, schemes.order_by("-year", "org_field", "-version", "-id")),
            "can_create": registry_has(request.user, "evaluation.add_ratingscheme"),
        },
    )


def registry_has(user, permission: str) -> bool:
    from dangjian.core.scoping import scope_of

    return scope_of(user).has_any(permission)


def _owners(user):
    return list(
        Organization.objects.visible_to(user, "evaluation.add_ratingscheme")
        .filter(is_active=True)
        .order_by("path")[:ORG_OPTIONS]
    )


@login_required
def scheme_create(request):
    require_any(request.user, "evaluation.add_ratingscheme")
    owners = _owners(request.user)
    form = SchemeForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and owners:
        made = []
        data = form.cleaned_data
        if _run(
            request,
            lambda: made.append(
                services.create_scheme(
                    by=request.user,
                    owner=owners[0],
                    year=data["year"],
                    org_field=data["org_field"],
                    name=data["name"],
                    base_points=data["base_points"],
                    description=data["description"],
                )
            ),
            form,
        ):
            messages.success(request, _("Scheme created."))
            return redirect("evaluation:scheme_detail", pk=made[0].pk)
    return render(
        request, "evaluation/form.html", {"form": form, "title": _("New rating scheme"), "owner": owners[:1]}
    )


def _scheme(request, pk) -> RatingScheme:
    return _get(RatingScheme.objects.visible_to(request.user).select_related("owner", "copied_from"), pk)


@login_required
@require_GET
def scheme_detail(request, pk: int):
    scheme = _scheme(request, pk)
    items = list(scheme.items.select_related("category"))
    can_edit = allowed(request.user, CHANGE_SCHEME, scheme) and not services.scheme_is_frozen(scheme)
    return render(
        request,
        "evaluation/scheme_detail.html",
        {
            "scheme": scheme,
            "categories": list(scheme.categories.all()),
            "items": items,
            "thresholds": list(scheme.thresholds.all()),
            "caps": list(scheme.caps.select_related("item")),
            "frozen": services.scheme_is_frozen(scheme),
            "can_edit": can_edit,
            "can_copy": allowed(request.user, "evaluation.add_ratingscheme", scheme),
            "figures": registry["figures"],
            "category_form": CategoryForm(),
            "cap_form": CapForm(items=[i for i in items if i.is_auto]),
        },
    )


def _editable_scheme(request, pk) -> RatingScheme:
    scheme = _scheme(request, pk)
    require(request.user, CHANGE_SCHEME, scheme)
    return scheme


@login_required
def scheme_edit(request, pk: int):
    scheme = _editable_scheme(request, pk)
    form = SchemeEditForm(
        request.POST or None,
        initial={"name": scheme.name, "base_points": scheme.base_points, "description": scheme.description},
    )
    saved = request.method == "POST" and form.is_valid()
    if saved and _run(
        request, lambda: services.update_scheme(scheme, by=request.user, **form.cleaned_data), form
    ):
        messages.success(request, _("Scheme saved."))
        return redirect("evaluation:scheme_detail", pk=scheme.pk)
    return render(
        request, "evaluation/form.html", {"form": form, "title": _("Edit the scheme"), "scheme": scheme}
    )


@login_required
@require_POST
def category_add(request, pk: int):
    scheme = _editable_scheme(request, pk)
    form = CategoryForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        if _run(
            request,
            lambda: services.add_category(
                scheme,
                by=request.user,
                name=data["name"],
                max_points=data["max_points"],
                order=data["order"] or 0,
            ),
        ):
            messages.success(request, _("Category added."))
    else:
        messages.error(request, _("Give the category's name and maximum points."))
    return redirect("evaluation:scheme_detail", pk=scheme.pk)


def _item_form(request, scheme, item: Item | None = None) -> ItemForm:
    initial = {}
    if item is not None:
        initial = {
            name: getattr(item, name) for name in services.ITEM_FIELDS if name not in ("category", "bands")
        }
        initial["category"] = item.category_id
        initial["bands"] = ", ".join(f"{t}:{p}" for t, p in item.bands or [])
    return ItemForm(request.POST or None, initial=initial, categories=scheme.categories.all())


def _item_fields(scheme, data: dict) -> dict:
    fields = dict(data)
    category = scheme.categories.filter(pk=fields.pop("category")).first()
    if category is None:
        raise RuleViolation(_("Choose a category of this scheme."), rule="category", field="category")
    fields["category"] = category
    fields["order"] = fields.get("order") or 0
    return fields


@login_required
def item_add(request, pk: int):
    scheme = _editable_scheme(request, pk)
    form = _item_form(request, scheme)
    if request.method == "POST" and form.is_valid():

        def add():
            fields = _item_fields(scheme, form.cleaned_data)
            services.add_item(scheme, by=request.user, **fields)

        if _run(request, add, form):
            messages.success(request, _("Item added."))
            return redirect("evaluation:scheme_detail", pk=scheme.pk)
    return render(
        request, "evaluation/form.html", {"form": form, "title": _("Add an item"), "scheme": scheme}
    )


@login_required
def item_edit(request, pk: int):
    item = _get(
        Item.objects.filter(scheme__in=RatingScheme.objects.visible_to(request.user)).select_related(
            "scheme__owner"
        ),
        pk,
    )
    scheme = item.scheme
    require(request.user, CHANGE_SCHEME, scheme)
    form = _item_form(request, scheme, item)
    if (
        request.method == "POST"
        and form.is_valid()
        and _run(
            request,
            lambda: services.update_item(item, by=request.user, **_item_fields(scheme, form.cleaned_data)),
            form,
        )
    ):
        messages.success(request, _("Item saved."))
        return redirect("evaluation:scheme_detail", pk=scheme.pk)
    return render(
        request, "evaluation/form.html", {"form": form, "title": _("Edit the item"), "scheme": scheme}
    )


@login_required
def thresholds_edit(request, pk: int):
    scheme = _editable_scheme(request, pk)
    initial = {f"stars_{t.stars}": t.min_total for t in scheme.thresholds.all()}
    form = ThresholdsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = {int(name.split("_")[1]): value for name, value in form.cleaned_data.items()}
        if _run(request, lambda: services.set_thresholds(scheme, by=request.user, thresholds=values), form):
            messages.success(request, _("Star thresholds saved."))
            return redirect("evaluation:scheme_detail", pk=scheme.pk)
    return render(
        request, "evaluation/form.html", {"form": form, "title": _("Star thresholds"), "scheme": scheme}
    )


@login_required
@require_POST
def cap_add(request, pk: int):
    scheme = _editable_scheme(request, pk)
    items = [item for item in scheme.items.all() if item.is_auto]
    form = CapForm(request.POST, items=items)
    if form.is_valid():
        data = form.cleaned_data
        item = next((i for i in items if i.pk == data["item"]), None)
        if _run(
            request,
            lambda: services.add_cap(
                scheme,
                by=request.user,
                item=item,
                figure_key=data["figure_key"],
                below=data["below"],
                max_stars=data["max_stars"],
            ),
        ):
            messages.success(request, _("Cap added."))
    else:
        messages.error(request, _("Give the item or the figure, the limit and the stars."))
    return redirect("evaluation:scheme_detail", pk=scheme.pk)


@login_required
@require_POST
def scheme_publish(request, pk: int):
    scheme = _editable_scheme(request, pk)
    if _run(request, lambda: services.publish_scheme(scheme, by=request.user)):
        messages.success(request, _("Scheme published."))
    return redirect("evaluation:scheme_detail", pk=scheme.pk)


@login_required
@require_POST
def scheme_copy(request, pk: int):
    scheme = _scheme(request, pk)
    require(request.user, "evaluation.add_ratingscheme", scheme)
    year = request.POST.get("year") or scheme.year
    try:
        year = int(year)
    except (TypeError, ValueError):
        year = 0
    if not 2000 <= year <= 2100:
        messages.error(request, _("The year must be between 2000 and 2100."))
        return redirect("evaluation:scheme_detail", pk=scheme.pk)
    made = []
    if _run(request, lambda: made.append(services.copy_scheme(scheme, by=request.user, year=year))):
        messages.success(request, _("Copied as version %(version)s.") % {"version": made[0].version})
        return redirect("evaluation:scheme_detail", pk=made[0].pk)
    return redirect("evaluation:scheme_detail", pk=scheme.pk)


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
