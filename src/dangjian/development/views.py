"""Pages of the development pipeline (发展党员): the applicant list, an applicant's timeline, the
forms to open a file, record a step and withdraw, and the branch pipeline board.

Every queryset goes through ``visible_to(user)``; every change through ``development.services``.
The board reads the stage and the stored next step of each applicant, so it costs a fixed
number of queries whatever the subtree holds.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as PageForbidden
from django.db.models import Count, F, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from dangjian.core.errors import RuleViolation
from dangjian.core.models import Person
from dangjian.core.page_permissions import allowed, require_any, run_service
from dangjian.core.pagination import paginate
from dangjian.core.scoping import scope_of
from dangjian.development import services, timeline
from dangjian.development.choices import OPEN_STATES, ApplicantState, Stage
from dangjian.development.figures import due_q, late_q
from dangjian.development.forms import ApplicantFilterForm, ApplyForm, RecordStepForm, WithdrawForm
from dangjian.development.models import Applicant, StepRecord
from dangjian.orgs.models import Organization

VIEW = "development.view_applicant"
CHANGE = "development.change_applicant"
ADD = "development.add_applicant"
# Applicants shown per board column; the column links to the full list.
BOARD_COLUMN_SIZE = 12
# Full members stay on the board this many days after 转正.
BOARD_FULL_DAYS = 365
SEARCH_LIMIT = 20
# What a board card shows; the rest of the rows (the steps' JSON rules, personal data) stays unread.
BOARD_FIELDS = [
    "stage",
    "state",
    "next_due_on",
    "next_due_is_deadline",
    "regularized_on",
    "person__name",
    "org__name",
    "org__path",
    "next_step__code",
    "next_step__name",
]


def _applicants(user):
    # Columns of the list, the board and the timeline header: name, branch, next step.
    return Applicant.objects.visible_to(user).select_related("person", "org", "next_step")


def _visible_applicant(request, pk: int) -> Applicant:
    applicant = get_object_or_404(_applicants(request.user), pk=pk)
    if not allowed(request.user, VIEW, applicant):
        raise Http404
    return applicant


def _org_param(request) -> Organization | None:
    value = request.GET.get("org", "")
    if not value.isdigit():
        return None
    return get_object_or_404(
        Organization.objects.visible_to(request.user, "development.view_applicant"), pk=int(value)
    )


@login_required
@require_GET
def applicant_list(request):
    """Applicants of the user's branches, filtered by stage, state, lateness and name."""
    require_any(request.user, VIEW)
    form = ApplicantFilterForm(request.GET or None)
    applicants = _applicants(request.user)
    org = _org_param(request)
    if org is not None:
        applicants = applicants.in_subtree(org)
    if form.is_valid():
        data = form.cleaned_data
        if data["stage"]:
            applicants = applicants.filter(stage=data["stage"])
        if data["state"]:
            applicants = applicants.filter(state=data["state"])
        if data["late"]:
            applicants = applicants.filter(late_q(timezone.localdate()))
        if data["due_from"] or data["due_until"]:
            applicants = applicants.filter(due_q(data["due_from"], data["due_until"]))
        if data["q"]:
            applicants = applicants.filter(person__in=Person.objects.search(data["q"]).values("pk"))
    page = paginate(request, applicants.order_by("-applied_on", "-id"))
    return render(
        request,
        "development/applicant_list.html",
        {
            "form": form,
            "page": page,
            "org": org,
            "today": timezone.localdate(),
            "can_add": scope_of(request.user).has_any(ADD),
        },
    )


@login_required
def applicant_create(request):
    """Open a file: find the person, choose the branch, the application date and the source."""
    require_any(request.user, ADD)
    form = ApplyForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        created: list[Applicant] = []
        data = form.cleaned_data
        if run_service(
            form,
            lambda: created.append(
                services.apply(
                    data["person"],
                    org=data["org"],
                    date=data["date"],
                    source=data["source"],
                    by=request.user,
                    note=data["note"],
                )
            ),
        ):
            applicant = created[0]
            messages.success(
                request, _("The development file of %(name)s is opened.") % {"name": applicant.person.name}
            )
            for warning in applicant.warnings:
                messages.warning(request, warning)
            return redirect("development:applicant_detail", pk=applicant.pk)
    query = (request.GET.get("q") or "").strip()[:100]
    people = []
    if query:
        people = list(
            Person.objects.visible_to(request.user, "development.add_applicant")
            .search(query)
            .filter(membership__isnull=True)
            .order_by("name_pinyin", "id")[:SEARCH_LIMIT]
        )
    elif request.method == "POST" and str(form.data.get("person", "")).isdigit():
        people = list(
            Person.objects.visible_to(request.user, "development.add_applicant").filter(
                pk=form.data["person"]
            )[:1]
        )
    return render(
        request,
        "development/applicant_form.html",
        {
            "form": form,
            "query": query,
            "options": [(p.pk, p.name, p.birth_date or "") for p in people],
            "chosen": str(form.data.get("person", "")),
        },
    )


@login_required
@require_GET
def applicant_detail(request, pk: int):
    """An applicant's timeline: every dated step, the next one and its date, what is late, materials."""
    applicant = _visible_applicant(request, pk)
    records = list(
        StepRecord.objects.filter(applicant=applicant)
        .select_related("step", "recorded_by")
        .order_by("date", "id")
    )
    today = timezone.localdate()
    try:
        steps = services.active_steps(applicant.org, today)
    except RuleViolation as error:
        messages.error(request, error.message)
        steps = []
    can_change = allowed(request.user, CHANGE, applicant)
    return render(
        request,
        "development/applicant_detail.html",
        {
            "applicant": applicant,
            "rows": timeline.build(applicant, records, steps, today),
            "today": today,
            "can_change": can_change,
            "can_withdraw": can_change and applicant.state == ApplicantState.ACTIVE,
            "is_late": applicant.is_late(today),
        },
    )


@login_required
def applicant_record_step(request, pk: int, code: str):
    """Record a step: date, materials, note and the values its rules read; a refused rule shows on the form."""
    applicant = _visible_applicant(request, pk)
    # The form follows the set in force today; the service judges by the set of the date entered.
    try:
        steps = services.active_steps(applicant.org)
    except RuleViolation:
        steps = []
    step = next((s for s in steps if s.code == code), None)
    if step is None:
        raise Http404(code)
    if not allowed(request.user, CHANGE, applicant):
        raise PageForbidden(CHANGE)
    form = RecordStepForm(request.POST or None, step=step, applicant=applicant)
    if request.method == "POST" and form.is_valid():
        created: list[StepRecord] = []
        if run_service(
            form,
            lambda: created.append(
                services.record_step(
                    applicant,
                    step.code,
                    form.cleaned_data["date"],
                    by=request.user,
                    materials=form.cleaned_data.get("materials", []),
                    note=form.cleaned_data["note"],
                    **form.values(),
                )
            ),
        ):
            messages.success(request, _("“%(step)s” is recorded.") % {"step": step.name})
            for warning in created[0].warnings:
                messages.warning(request, warning)
            return redirect("development:applicant_detail", pk=applicant.pk)
    rules = [services.rules.cite(rule) for rule in step.rules or []]
    return render(
        request,
        "development/record_step.html",
        {"applicant": applicant, "step": step, "form": form, "rules": rules},
    )


@login_required
def applicant_withdraw(request, pk: int):
    """Confirm closing a file in progress, with the reason."""
    applicant = _visible_applicant(request, pk)
    if not allowed(request.user, CHANGE, applicant):
        raise PageForbidden(CHANGE)
    form = WithdrawForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(
            form,
            lambda: services.withdraw(
                applicant, by=request.user, date=form.cleaned_data["date"], reason=form.cleaned_data["reason"]
            ),
        )
    ):
        messages.success(request, _("The file of %(name)s is closed.") % {"name": applicant.person.name})
        return redirect("development:applicant_detail", pk=applicant.pk)
    return render(request, "development/applicant_withdraw.html", {"applicant": applicant, "form": form})


def board_columns(user, org: Organization | None, today) -> list[dict]:
    """The board's columns for ``org``'s subtree (or all the user sees): per stage, the first
    applicants by next due date and the column's total. One query per column plus one count."""
    applicants = _applicants(user)
    if org is not None:
        applicants = applicants.in_subtree(org)
    on_board = Q(state__in=OPEN_STATES) | Q(
        state=ApplicantState.FULL, regularized_on__gte=today - timezone.timedelta(days=BOARD_FULL_DAYS)
    )
    applicants = applicants.filter(on_board)
    totals = dict(applicants.order_by().values_list("stage").annotate(count=Count("id")))
    columns = []
    for stage in Stage:
        rows = list(
            applicants.filter(stage=stage.value)
            .only(*BOARD_FIELDS)
            .order_by(F("next_due_on").asc(nulls_last=True), "id")[:BOARD_COLUMN_SIZE]
        )
        for applicant in rows:
            applicant.late = applicant.is_late(today)
        columns.append(
            {
                "stage": stage.value,
                "label": stage.label,
                "applicants": rows,
                "total": totals.get(stage.value, 0),
                "more": max(totals.get(stage.value, 0) - len(rows), 0),
            }
        )
    return columns


@login_required
@require_GET
def board(request):
    """The branch pipeline board: a column per stage, who is there, the next step and its date, late marked."""
    require_any(request.user, VIEW)
    org = _org_param(request)
    today = timezone.localdate()
    return render(
        request,
        "development/board.html",
        {"org": org, "columns": board_columns(request.user, org, today), "today": today},
    )
