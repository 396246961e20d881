"""Pages of matching: a need's suggested volunteers with their reasons (推荐志愿者), and the batch
proposals (匹配方案) of a street or community — made, read, edited pair by pair, accepted.

Thin: reading goes through ``visible_to``, every change through ``matchmaking.services``; a rule
refused becomes a message on the page it came from, a missing right a 403, another scope a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as PageForbidden
from django.db.models import Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from dangjian.core.errors import PermissionDenied, RuleViolation
from dangjian.core.pagination import paginate
from dangjian.core.scoping import has_perm_over
from dangjian.orgs.models import Area
from dangjian.volunteering.choices import NeedState
from dangjian.volunteering.matchmaking import services
from dangjian.volunteering.matchmaking.candidates import suggestions
from dangjian.volunteering.matchmaking.choices import ProposalState
from dangjian.volunteering.matchmaking.models import NEED_PERMISSION, MatchProposal, ProposedPair
from dangjian.volunteering.matchmaking.scoring import MAX_SCORE
from dangjian.volunteering.models import Need, Volunteer

SCOPE_OPTIONS_LIMIT = 300
PAIRS_PER_PAGE = 50


def _need(request, pk: int) -> Need:
    """A need the user sees (else 404) and may assign (else 403)."""
    need = get_object_or_404(Need.objects.visible_to(request.user).select_related("area", "org"), pk=pk)
    if not has_perm_over(request.user, NEED_PERMISSION, need):
        raise PageForbidden(NEED_PERMISSION)
    return need


def _proposal(request, pk: int) -> MatchProposal:
    return get_object_or_404(
        MatchProposal.objects.visible_to(request.user, NEED_PERMISSION).select_related(
            "area", "created_by", "decided_by"
        ),
        pk=pk,
    )


def _pair(proposal: MatchProposal, pair_pk: int) -> ProposedPair:
    return get_object_or_404(
        ProposedPair.objects.select_related("need__area", "volunteer__person"), pk=pair_pk, proposal=proposal
    )


def _version(request) -> int | None:
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() else None


def _run(request, call) -> object | None:
    """Run a service call: a refused rule becomes an error message (None), a missing right a 403."""
    try:
        return call()
    except PermissionDenied as error:
        raise PageForbidden(error.message) from error
    except RuleViolation as error:
        messages.error(request, error.message)
        return None


def _need_page(need: Need) -> str:
    """The need's own page (the lists part's) where it exists, else its suggestions."""
    try:
        return reverse("volunteering:need_detail", args=[need.pk])
    except NoReverseMatch:
        return reverse("volunteering:need_suggestions", args=[need.pk])


# --- one need -------------------------------------------------------------------------------


@login_required
@require_GET
def need_suggestions(request, pk: int):
    """The ten best volunteers for a need, each with its score and reasons, and an assign button."""
    need = _need(request, pk)
    return render(
        request,
        "volunteering/matchmaking/need_suggestions.html",
        {
            "need": need,
            "candidates": suggestions(need, request.user) if need.state == NeedState.OPEN else [],
            "max_score": MAX_SCORE,
            "need_page": _need_page(need),
        },
    )


@login_required
@require_POST
def need_suggestion_assign(request, pk: int):
    need = _need(request, pk)
    volunteer = get_object_or_404(
        Volunteer.objects.visible_to(request.user).select_related("person"),
        pk=request.POST.get("volunteer") or 0,
    )
    done = _run(request, lambda: services.assign_suggested(need, volunteer, by=request.user))
    if done is not None:
        messages.success(
            request,
            _("“%(need)s” is assigned to %(name)s.") % {"need": need.title, "name": volunteer.person.name},
        )
        return redirect(_need_page(need))
    return redirect("volunteering:need_suggestions", pk=need.pk)


# --- batch proposals ------------------------------------------------------------------------


def _scope_options(user) -> list[Area]:
    """Streets and communities where the user may assign needs (a bounded list)."""
    return list(
        Area.objects.visible_to(user, NEED_PERMISSION)
        .filter(kind__in=services.SCOPE_KINDS, is_active=True)
        .order_by("path")[:SCOPE_OPTIONS_LIMIT]
    )


@login_required
@require_GET
def proposal_list(request):
    if not services.may_match(request.user):
        raise PageForbidden(NEED_PERMISSION)
    proposals = (
        MatchProposal.objects.visible_to(request.user, NEED_PERMISSION)
        .select_related("area", "created_by")
        .order_by("-created_at", "-id")
    )
    return render(
        request,
        "volunteering/matchmaking/proposal_list.html",
        {"page": paginate(request, proposals), "scopes": _scope_options(request.user)},
    )


@login_required
@require_POST
def proposal_create(request):
    if not services.may_match(request.user):
        raise PageForbidden(NEED_PERMISSION)
    area = get_object_or_404(Area.objects.visible_to(request.user), pk=request.POST.get("area") or 0)
    proposal = _run(request, lambda: services.propose(area, by=request.user))
    if proposal is None:
        return redirect("volunteering:proposal_list")
    messages.success(
        request, _("The proposal is ready: check the pairs, change what you wish, then accept it.")
    )
    return redirect("volunteering:proposal_detail", pk=proposal.pk)


@login_required
@require_GET
def proposal_detail(request, pk: int):
    proposal = _proposal(request, pk)
    pairs = proposal.pairs.select_related("need__area", "volunteer__person", "volunteer__area").order_by(
        "need__area__path", "need_id"
    )
    totals = proposal.pairs.aggregate(score=Sum("score"))
    count = proposal.pairs.count()
    page = paginate(request, pairs, per_page=PAIRS_PER_PAGE)
    rows = [(pair, pair.fit(need_any_time=pair.need.availability == 0)) for pair in page]
    return render(
        request,
        "volunteering/matchmaking/proposal_detail.html",
        {
            "proposal": proposal,
            "page": page,
            "rows": rows,
            "pair_count": count,
            "total_cost": count * MAX_SCORE - (totals["score"] or 0),
            "is_draft": proposal.state == ProposalState.DRAFT,
            "max_score": MAX_SCORE,
        },
    )


@login_required
@require_POST
def proposal_pair_remove(request, pk: int, pair_pk: int):
    proposal = _proposal(request, pk)
    pair = _pair(proposal, pair_pk)
    done = _run(
        request, lambda: services.remove_pair(proposal, pair, by=request.user, version=_version(request))
    )
    if done is not None:
        messages.success(
            request, _("The pair is removed; “%(need)s” stays open.") % {"need": pair.need.title}
        )
    return redirect("volunteering:proposal_detail", pk=proposal.pk)


@login_required
def proposal_pair_change(request, pk: int, pair_pk: int):
    """Choose another volunteer for a pair's need, from that need's suggestions."""
    proposal = _proposal(request, pk)
    pair = _pair(proposal, pair_pk)
    if request.method == "POST":
        volunteer = get_object_or_404(
            Volunteer.objects.visible_to(request.user), pk=request.POST.get("volunteer") or 0
        )
        done = _run(
            request,
            lambda: services.change_pair(
                proposal, pair, volunteer, by=request.user, version=_version(request)
            ),
        )
        if done is not None:
            messages.success(request, _("The pair is changed."))
            return redirect("volunteering:proposal_detail", pk=proposal.pk)
        return redirect("volunteering:proposal_pair_change", pk=proposal.pk, pair_pk=pair.pk)
    if proposal.state != ProposalState.DRAFT:
        return redirect("volunteering:proposal_detail", pk=proposal.pk)
    return render(
        request,
        "volunteering/matchmaking/pair_change.html",
        {
            "proposal": proposal,
            "pair": pair,
            "candidates": suggestions(pair.need, request.user),
            "max_score": MAX_SCORE,
        },
    )


@login_required
@require_POST
def proposal_accept(request, pk: int):
    proposal = _proposal(request, pk)
    done = _run(request, lambda: services.accept(proposal, by=request.user, version=_version(request)))
    if done is not None:
        messages.success(request, _("The proposal is accepted: every pair is assigned."))
    return redirect("volunteering:proposal_detail", pk=proposal.pk)


@login_required
@require_POST
def proposal_discard(request, pk: int):
    proposal = _proposal(request, pk)
    done = _run(request, lambda: services.discard(proposal, by=request.user, version=_version(request)))
    if done is not None:
        messages.success(request, _("The proposal is discarded; no need was assigned."))
    return redirect("volunteering:proposal_detail", pk=proposal.pk)
