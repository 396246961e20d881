"""Pages of proposals for staff (the proposals to their organizations, respond, hide, threshold)
and for members (propose, support). Changes go through ``proposals.services``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as PageForbidden
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from dangjian.core.errors import PermissionDenied, RuleViolation
from dangjian.core.pagination import paginate
from dangjian.core.scoping import has_perm_over, scope_of
from dangjian.core.search import search_queryset
from dangjian.members.models import PartyMember
from dangjian.orgs.models import Organization
from dangjian.proposals import services
from dangjian.proposals.choices import ProposalState
from dangjian.proposals.forms import ProposalForm, ReasonForm, RespondForm, ThresholdForm
from dangjian.proposals.models import Proposal, Support
from dangjian.proposals.roles import CHANGE, THRESHOLD, VIEW


def own_member(user) -> PartyMember | None:
    person_id = getattr(user, "person_id", None) if getattr(user, "is_authenticated", False) else None
    if not person_id:
        return None
    return PartyMember.objects.filter(person_id=person_id, is_active=True).select_related("org").first()


def _require_any(user, permission: str) -> None:
    if not scope_of(user).has_any(permission):
        raise PageForbidden(permission)


def _proposal(request: HttpRequest, pk: int, permission: str = VIEW) -> Proposal:
    proposal = get_object_or_404(
        Proposal.objects.visible_to(request.user).select_related("org", "area"), pk=pk
    )
    if permission != VIEW and not has_perm_over(request.user, permission, proposal):
        raise PageForbidden(permission)
    return proposal


def _form_page(request: HttpRequest, form, heading: str, *, proposal=None, back: str = "", danger=False):
    if proposal is not None:
        back = reverse("proposals:proposal_detail", kwargs={"pk": proposal.pk})
    context = {"form": form, "heading": heading, "proposal": proposal, "back": back, "danger": danger}
    return render(request, "proposals/_form_page.html", context)


@login_required
def proposal_list(request: HttpRequest) -> HttpResponse:
    """Proposals to the organizations the user manages; those awaiting a response first."""
    _require_any(request.user, VIEW)
    proposals = Proposal.objects.visible_to(request.user).select_related("org")
    query = (request.GET.get("q") or "").strip()[:100]
    if query:
        proposals = search_queryset(proposals, query)
    state = request.GET.get("state") or ""
    if state in ProposalState.values:
        proposals = proposals.filter(state=state)
    return render(
        request,
        "proposals/proposal_list.html",
        {
            "page": paginate(request, proposals.order_by("-reached_at", "-created_at", "-id")),
            "query": query,
            "state": state,
            "states": ProposalState.choices,
        },
    )


@login_required
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal(request, pk)
    return render(
        request,
        "proposals/proposal_detail.html",
        {
            "proposal": proposal,
            "may_change": has_perm_over(request.user, CHANGE, proposal),
            "proposer": proposal.proposer_person.name
            if proposal.proposer_person_id
            else proposal.proposer_name,
        },
    )


@login_required
def proposal_respond(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal(request, pk, CHANGE)
    form = RespondForm(request.POST or None, initial={"version": proposal.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.respond(
                proposal,
                by=request.user,
                accept=data["decision"] == "accept",
                response=data["response"],
                link=data["link"],
                version=data.get("version"),
            )
        except PermissionDenied as error:
            raise PageForbidden(error.message) from error
        except RuleViolation as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, gettext("The response is published."))
            return redirect("proposals:proposal_detail", pk=pk)
    return _form_page(request, form, gettext("Respond to the proposal"), proposal=proposal)


@login_required
def proposal_hide(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal(request, pk, CHANGE)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.hide(proposal, by=request.user, reason=form.cleaned_data["reason"])
        except PermissionDenied as error:
            raise PageForbidden(error.message) from error
        except RuleViolation as error:
            messages.error(request, error.message)
        else:
            messages.success(request, gettext("The proposal is hidden from the portal."))
        return redirect("proposals:proposal_detail", pk=pk)
    return _form_page(
        request, form, gettext("Hide the proposal from the portal"), proposal=proposal, danger=True
    )


@login_required
def threshold_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """How many supports ask this organization for a response."""
    org = get_object_or_404(Organization.objects.visible_to(request.user, THRESHOLD), pk=pk)
    form = ThresholdForm(request.POST or None, initial={"supports_needed": services.threshold_for(org)})
    if request.method == "POST" and form.is_valid():
        try:
            services.set_threshold(org, form.cleaned_data["supports_needed"], by=request.user)
        except PermissionDenied as error:
            raise PageForbidden(error.message) from error
        except RuleViolation as error:
            form.add_error("supports_needed", error.message)
        else:
            messages.success(request, gettext("The threshold is saved; it applies to new proposals."))
            return redirect("proposals:proposal_list")
    return _form_page(
        request,
        form,
        gettext("Supports needed at %(org)s") % {"org": org.name},
        back=reverse("proposals:proposal_list"),
    )


def _member_orgs(member: PartyMember):
    path = member.org.path
    ancestors = [path[:end] for end in range(Organization.steplen, len(path) + 1, Organization.steplen)]
    return Organization.objects.filter(path__in=ancestors, is_active=True).order_by("path")


@login_required
def proposal_create(request: HttpRequest) -> HttpResponse:
    """A member proposes to their organization or one above it."""
    member = own_member(request.user)
    if member is None:
        raise PageForbidden(gettext("Only party members propose here; residents propose on the portal."))
    form = ProposalForm(request.POST or None, orgs=_member_orgs(member))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            proposal = services.propose_as_member(
                member, by=request.user, org=data["org"], title=data["title"], text=data["text"]
            )
        except RuleViolation as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, gettext("Your proposal is published."))
            return redirect("proposals_portal:proposal_detail", pk=proposal.pk)
    return _form_page(
        request, form, gettext("Make a proposal"), back=reverse("proposals_portal:proposal_list")
    )


@login_required
@require_POST
def proposal_support(request: HttpRequest, pk: int) -> HttpResponse:
    """A member supports a proposal (once)."""
    member = own_member(request.user)
    proposal = Proposal.objects.filter(pk=pk, is_hidden=False).first()
    if member is None or proposal is None:
        raise Http404
    try:
        added = services.support_as_member(proposal, member, by=request.user)
    except RuleViolation as error:
        messages.error(request, error.message)
    else:
        if added:
            messages.success(request, gettext("Thank you for your support."))
        else:
            messages.info(request, gettext("You have supported this proposal already."))
    return redirect("proposals_portal:proposal_detail", pk=pk)


def supported_by(user, proposal: Proposal) -> bool:
    person_id = getattr(user, "person_id", None) if getattr(user, "is_authenticated", False) else None
    return bool(person_id) and Support.objects.filter(proposal=proposal, person_id=person_id).exists()
