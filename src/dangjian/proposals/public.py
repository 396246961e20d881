"""The residents' pages of proposals (no login): the proposals and their responses, a form to
propose and a button to support, both proved by a code sent to the resident's phone (the
portal's codes, ``portal.verification``) and rate-limited per address. Proposers are shown
masked (张*); hidden proposals answer 404. The one module of the app that uses the portal."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from dangjian.core.errors import PermissionDenied, RuleViolation
from dangjian.core.pagination import paginate
from dangjian.orgs.choices import AreaKind
from dangjian.orgs.models import Organization
from dangjian.portal import ratelimit, verification
from dangjian.portal.views import limited
from dangjian.proposals import services
from dangjian.proposals.choices import ProposalState
from dangjian.proposals.forms import PhoneProof, ResidentProposalForm
from dangjian.proposals.models import Proposal
from dangjian.proposals.views import own_member, supported_by

HOUR = 60 * 60
PER_IP_HOUR = 10


def _public():
    return Proposal.objects.filter(is_hidden=False).select_related("org", "proposer_person")


def _shown(proposal: Proposal) -> Proposal:
    name = proposal.proposer_person.name if proposal.proposer_person_id else proposal.proposer_name
    proposal.shown_name = services.masked_name(name)
    return proposal


def community_orgs():
    """The organizations residents propose to: those whose jurisdiction is a community."""
    return Organization.objects.filter(jurisdiction__kind=AreaKind.COMMUNITY, is_active=True).order_by("path")


def proposal_list(request: HttpRequest) -> HttpResponse:
    proposals = _public()
    state = request.GET.get("state") or ""
    if state in ProposalState.values:
        proposals = proposals.filter(state=state)
    page = paginate(request, proposals.order_by("-created_at", "-id"))
    for proposal in page:
        _shown(proposal)
    return render(
        request,
        "proposals/portal/proposal_list.html",
        {"page": page, "state": state, "states": ProposalState.choices, "member": own_member(request.user)},
    )


def proposal_detail(request: HttpRequest, pk: int, form: PhoneProof | None = None) -> HttpResponse:
    proposal = _public().filter(pk=pk).first()
    if proposal is None:
        raise Http404
    return render(
        request,
        "proposals/portal/proposal_detail.html",
        {
            "proposal": _shown(proposal),
            "form": form or PhoneProof(),
            "member": own_member(request.user),
            "supported": supported_by(request.user, proposal),
            "open": proposal.state in (ProposalState.OPEN, ProposalState.AWAITING),
            "code_minutes": settings.PORTAL_CODE_VALID_MINUTES,
        },
        status=400 if form is not None else 200,
    )


@limited
def proposal_create(request: HttpRequest) -> HttpResponse:
    form = ResidentProposalForm(request.POST or None, orgs=community_orgs())
    if request.method == "POST" and form.is_valid():
        ratelimit.hit("proposal-ip", ratelimit.ip_of(request), limit=PER_IP_HOUR, period=HOUR)
        data = form.cleaned_data
        try:
            proof = verification.check_code(data["contact_phone"], data["code"])
            with transaction.atomic():
                verification.mark_used(proof)
                proposal = services.propose_as_resident(
                    data["org"],
                    name=data["name"],
                    phone_hash=proof.phone_hash,
                    title=data["title"],
                    text=data["text"],
                )
        except RuleViolation as error:
            form.add_error(error.field if error.field in form.fields else "code", error.message)
        else:
            messages.success(request, gettext("Thank you; your proposal is published."))
            return redirect("proposals_portal:proposal_detail", pk=proposal.pk)
    return render(
        request,
        "proposals/portal/proposal_create.html",
        {"form": form, "code_minutes": settings.PORTAL_CODE_VALID_MINUTES},
        status=400 if form.is_bound else 200,
    )


@require_POST
@limited
def proposal_support(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _public().filter(pk=pk).first()
    if proposal is None:
        raise Http404
    form = PhoneProof(request.POST)
    if not form.is_valid():
        return proposal_detail(request, pk, form)
    ratelimit.hit("proposal-ip", ratelimit.ip_of(request), limit=PER_IP_HOUR, period=HOUR)
    try:
        proof = verification.check_code(form.cleaned_data["contact_phone"], form.cleaned_data["code"])
        with transaction.atomic():
            verification.mark_used(proof)
            added = services.support_as_resident(proposal, phone_hash=proof.phone_hash)
    except PermissionDenied as error:
        raise Http404 from error
    except RuleViolation as error:
        form.add_error("code", error.message)
        return proposal_detail(request, pk, form)
    if added:
        messages.success(request, gettext("Thank you for your support."))
    else:
        messages.info(request, gettext("This phone has supported this proposal already."))
    return redirect("proposals_portal:proposal_detail", pk=pk)
