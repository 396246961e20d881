"""The public 公示 pages of 评星定级 (/portal/rating/, no login): the results of rounds under
public notice or final, and the objection form while the notice runs.

Anyone may object with a name and the text (a contact is optional and never shown); writers are
shown masked (张*), the staff's answers in full. Objections are rate-limited per address.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods

from dangjian.core import ratelimit
from dangjian.core.errors import RuleViolation, too_many_requests
from dangjian.core.middleware import client_ip
from dangjian.core.pagination import paginate
from dangjian.core.scoping import parse_id
from dangjian.evaluation import services
from dangjian.evaluation.choices import ObjectionStatus, RoundStatus
from dangjian.evaluation.forms import ObjectionForm
from dangjian.evaluation.models import Assessment, Objection, RatingRound

HOUR = 60 * 60
OBJECTIONS_PER_IP_HOUR = 10
PUBLIC_STATES = (RoundStatus.PUBLICITY, RoundStatus.FINAL)


def masked_name(name: str) -> str:
    """The first character and a star for each other one (张*, 欧阳**)."""
    name = (name or "").strip()
    return name[0] + "*" * max(1, len(name) - 1) if name else ""


@require_GET
def public_list(request: HttpRequest) -> HttpResponse:
    rounds = (
        RatingRound.objects.filter(status__in=PUBLIC_STATES).select_related("root").order_by("-year", "-id")
    )
    return render(
        request,
        "evaluation/portal/round_list.html",
        {"page": paginate(request, rounds), "today": timezone.localdate()},
    )


def _round(pk) -> RatingRound:
    found = (
        RatingRound.objects.filter(pk=parse_id(pk) or 0, status__in=PUBLIC_STATES)
        .select_related("root")
        .first()
    )
    if found is None:
        raise Http404
    return found


@require_http_methods(["GET", "POST"])
def public_round(request: HttpRequest, pk: int) -> HttpResponse:
    """A round's results under 公示 (organizations, totals, stars), the answered objections, and
    the objection form while the notice runs."""
    rating_round = _round(pk)
    assessments = list(
        Assessment.objects.filter(round=rating_round).select_related("org").order_by("org__path")
    )
    is_open = (
        rating_round.status == RoundStatus.PUBLICITY and timezone.localdate() <= rating_round.publicity_end
    )
    form = ObjectionForm(request.POST or None, assessments=assessments)
    status = 200
    if request.method == "POST":
        if not is_open:
            messages.error(request, gettext("The public notice of this rating is not open."))
            return redirect("evaluation_public:round", pk=rating_round.pk)
        try:
            ratelimit.hit(
                "portal",
                "rating-objection",
                client_ip(request) or "unknown",
                limit=OBJECTIONS_PER_IP_HOUR,
                period=HOUR,
            )
        except ratelimit.RateLimited as error:
            return too_many_requests(
                request,
                gettext("Too many objections from here; please try again later."),
                retry_after=error.retry_after,
            )
        if form.is_valid():
            data = form.cleaned_data
            assessment = next(a for a in assessments if a.pk == data["assessment"])
            try:
                services.raise_objection(
                    assessment, name=data["name"], text=data["text"], contact=data["contact"]
                )
            except RuleViolation as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(
                    request, gettext("Thank you; your objection was recorded and will be answered here.")
                )
                return redirect("evaluation_public:round", pk=rating_round.pk)
        status = 400
    objections = list(
        Objection.objects.filter(assessment__round=rating_round)
        .select_related("assessment__org")
        .order_by("-created_at", "-id")[:100]
    )
    for objection in objections:
        objection.shown_name = masked_name(objection.name)
    return render(
        request,
        "evaluation/portal/round.html",
        {
            "round": rating_round,
            "assessments": assessments,
            "objections": objections,
            "form": form,
            "is_open": is_open,
            "answered": ObjectionStatus.ANSWERED,
        },
        status=status,
    )
