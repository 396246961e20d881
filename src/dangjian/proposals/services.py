"""State changes of proposals: proposing (a member, or a resident proved by a phone code),
supporting once each, reaching the threshold (the organization is asked for a response and its
staff are told), responding (accept / decline with a text) and hiding (moderation).

Supports are counted with the proposal row locked and a unique constraint per person and per
phone hash, so two supports at once from the same phone count once and the threshold is crossed
exactly once. Every change is audited in its transaction.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from dangjian.core import audit, notifications
from dangjian.core.choices import AuditAction
from dangjian.core.errors import ConcurrentChange, RuleViolation
from dangjian.core.scoping import check_perm
from dangjian.members.models import PartyMember
from dangjian.orgs.models import Organization
from dangjian.proposals.choices import RESPONDABLE, SUPPORTABLE, ProposalState
from dangjian.proposals.models import DEFAULT_THRESHOLD, Proposal, Support, Threshold
from dangjian.proposals.roles import CHANGE, THRESHOLD

NOTICE = "proposals"
MAX_TEXT = 2000


def masked_name(name: str) -> str:
    """A name as the portal shows it: the first character and a star for each other one (张*)."""
    name = (name or "").strip()
    return name[0] + "*" * max(1, len(name) - 1) if name else ""


def threshold_for(org: Organization) -> int:
    """The supports needed at ``org``: its own setting, else the nearest above it, else 30."""
    ancestors = [org.path[:end] for end in range(org.steplen, len(org.path) + 1, org.steplen)]
    found = (
        Threshold.objects.filter(org__path__in=ancestors)
        .order_by("-org__depth")
        .values_list("supports_needed", flat=True)
        .first()
    )
    return found or DEFAULT_THRESHOLD


def set_threshold(org: Organization, supports_needed: int, *, by) -> Threshold:
    with transaction.atomic():
        current = Threshold.objects.select_for_update().filter(org=org).first() or Threshold(org=org)
        check_perm(by, THRESHOLD, current)
        if supports_needed < 1:
            raise RuleViolation(
                gettext("At least one support is needed."), rule="threshold_positive", field="supports_needed"
            )
        before = current.supports_needed if current.pk else None
        current.supports_needed = supports_needed
        current.save()
        audit.record(
            AuditAction.UPDATE, current, by=by, changes={"supports_needed": [before, supports_needed]}
        )
    return current


def _validate(title: str, text: str) -> tuple[str, str]:
    title, text = (title or "").strip(), (text or "").strip()
    if not title:
        raise RuleViolation(gettext("Give the proposal a title."), rule="required", field="title")
    if not text:
        raise RuleViolation(gettext("Say what you propose."), rule="required", field="text")
    if len(text) > MAX_TEXT:
        raise RuleViolation(
            gettext("The proposal is %(length)s characters long; at most %(limit)s are possible.")
            % {"length": len(text), "limit": MAX_TEXT},
            rule="too_long",
            field="text",
        )
    return title[:100], text


def _create(org: Organization, title: str, text: str, area=None, *, by=None, **proposer) -> Proposal:
    if not org.is_active:
        raise RuleViolation(
            gettext("The organization “%(name)s” is deactivated.") % {"name": org.name}, rule="inactive_org"
        )
    title, text = _validate(title, text)
    with transaction.atomic():
        proposal = Proposal.objects.create(
            org=org, area=area, title=title, text=text, threshold=threshold_for(org), **proposer
        )
        audit.record(
            AuditAction.CREATE,
            proposal,
            by=by,
            username="" if by else gettext("resident (phone verified)"),
            changes={"title": [None, title]},
        )
    return proposal


def propose_as_member(
    member: PartyMember, *, by, org: Organization, title: str, text: str, area=None
) -> Proposal:
    """A member proposes to ``org`` (their own organization or one above it)."""
    if not member.org.path.startswith(org.path):
        raise RuleViolation(
            gettext("Members propose to their own organization or one above it."),
            rule="proposal_org",
            field="org",
        )
    return _create(org, title, text, area, by=by, proposer_person_id=member.person_id)


def propose_as_resident(
    org: Organization, *, name: str, phone_hash: str, title: str, text: str, area=None
) -> Proposal:
    """A resident, proved by a code sent to their phone, proposes to ``org``."""
    name = (name or "").strip()[:50]
    if not name:
        raise RuleViolation(gettext("Please give your name."), rule="required", field="name")
    return _create(org, title, text, area, proposer_name=name, proposer_phone_hash=phone_hash)


def _support(proposal: Proposal, *, by=None, **who) -> bool:
    """Add one support; False when this person or phone supported already. Crossing the
    threshold moves the proposal to awaiting response and tells the organization's staff."""
    with transaction.atomic():
        current = Proposal.objects.select_for_update(of=("self",)).select_related("org").get(pk=proposal.pk)
        if current.is_hidden or current.state not in SUPPORTABLE:
            raise RuleViolation(
                gettext("This proposal is “%(state)s” and takes no more support.")
                % {"state": current.get_state_display()},
                rule="proposal_state",
            )
        try:
            with transaction.atomic():
                Support.objects.create(proposal=current, **who)
        except IntegrityError:
            return False
        Proposal.objects.filter(pk=current.pk).update(supports=F("supports") + 1)
        current.refresh_from_db(fields=["supports"])
        if current.state == ProposalState.OPEN and current.supports >= current.threshold:
            current.state = ProposalState.AWAITING
            current.reached_at = timezone.now()
            current.version += 1
            current.save(update_fields=["state", "reached_at", "version"])
            audit.record(
                AuditAction.UPDATE,
                current,
                by=by,
                username="" if by else "system",
                changes={"state": [ProposalState.OPEN, ProposalState.AWAITING]},
                note=gettext("%(count)s supports reached") % {"count": current.supports},
            )
            notifications.notify(
                kind=NOTICE,
                org=current.org,
                title=gettext("The proposal “%(title)s” reached %(count)s supports; please respond.")
                % {"title": current.title, "count": current.supports},
                link=reverse("proposals:proposal_detail", kwargs={"pk": current.pk}),
                permission=CHANGE,
                obj=current,
                dedupe_key=f"proposals:awaiting:{current.pk}",
            )
    return True


def support_as_member(proposal: Proposal, member: PartyMember, *, by) -> bool:
    return _support(proposal, by=by, person_id=member.person_id)


def support_as_resident(proposal: Proposal, *, phone_hash: str) -> bool:
    return _support(proposal, phone_hash=phone_hash)


def respond(
    proposal: Proposal, *, by, accept: bool, response: str, link: str = "", version: int | None = None
) -> Proposal:
    """The organization answers: accepted (with what follows, such as a service request) or
    declined, with a response text shown on the portal."""
    response = (response or "").strip()
    with transaction.atomic():
        current = Proposal.objects.select_for_update(of=("self",)).select_related("org").get(pk=proposal.pk)
        check_perm(by, CHANGE, current)
        if version is not None and current.version != version:
            raise ConcurrentChange(
                gettext("Someone changed this proposal meanwhile; reload the page and try again."),
                rule="stale_version",
            )
        if current.state not in RESPONDABLE:
            raise RuleViolation(gettext("This proposal has been answered already."), rule="proposal_state")
        if not response:
            raise RuleViolation(
                gettext("Write the response residents will read."), rule="required", field="response"
            )
        before = current.state
        current.state = ProposalState.ACCEPTED if accept else ProposalState.DECLINED
        current.response = response
        current.response_link = (link or "").strip()[:200]
        current.responded_at = timezone.now()
        current.responded_by = by
        current.version += 1
        current.save()
        audit.record(
            AuditAction.UPDATE, current, by=by, changes={"state": [before, current.state]}, note=response
        )
    return current


def hide(proposal: Proposal, *, by, reason: str) -> Proposal:
    """Moderation: hide a proposal from the portal (abusive, personal data, off topic), with a reason."""
    reason = (reason or "").strip()
    with transaction.atomic():
        current = Proposal.objects.select_for_update(of=("self",)).select_related("org").get(pk=proposal.pk)
        check_perm(by, CHANGE, current)
        if not reason:
            raise RuleViolation(gettext("Say why the proposal is hidden."), rule="required", field="reason")
        if current.is_hidden:
            raise RuleViolation(gettext("This proposal is hidden already."), rule="proposal_hidden")
        current.is_hidden = True
        current.hidden_reason = reason[:200]
        current.version += 1
        current.save()
        audit.record(AuditAction.UPDATE, current, by=by, changes={"is_hidden": [False, True]}, note=reason)
    return current
