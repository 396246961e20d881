"""Candidates of an election: adding, removing and confirming the list, at least 20% more than the
seats (差额, 选举工作条例)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext

from dangjian.core import audit
from dangjian.core.choices import AuditAction
from dangjian.core.errors import PermissionDenied, RuleViolation
from dangjian.elections.choices import ElectionKind, ElectionState
from dangjian.elections.models import Candidate, Election
from dangjian.elections.services.common import (
    ARTICLE_MARGIN,
    ARTICLE_VOTE,
    _locked,
    _require_state,
    _set_state,
    minimum_candidates,
    voters,
)
from dangjian.members.models import PartyMember

# --- Candidates ----------------------------------------------------------------------------


def add_candidate(election: Election, *, by, member: PartyMember) -> Candidate:
    """Put a 正式党员 of the organization on the list (only while the election is a draft)."""
    with transaction.atomic():
        current = _locked(election, by)
        _require_state(current, ElectionState.DRAFT)
        member = PartyMember.objects.select_related("person", "org").get(pk=member.pk)
        if not PartyMember.objects.visible_to(by).filter(pk=member.pk).exists():
            raise PermissionDenied(
                gettext("You do not have permission to view this person's information."),
                rule="scope",
                field="member",
            )
        if not voters(current.org).filter(pk=member.pk).exists():
            raise RuleViolation(
                gettext(
                    "%(name)s is not an active full party member of “%(org)s”: only full members "
                    "may be elected (%(article)s)."
                )
                % {"name": member.person.name, "org": current.org.name, "article": ARTICLE_VOTE},
                rule="candidate_full_member",
                field="member",
            )
        if current.candidates.filter(member=member).exists():
            raise RuleViolation(
                gettext("%(name)s is already a candidate.") % {"name": member.person.name},
                rule="candidate_unique",
                field="member",
            )
        order = (current.candidates.order_by("-order").values_list("order", flat=True).first() or 0) + 1
        candidate = Candidate.objects.create(election=current, member=member, order=order)
        audit.record(
            AuditAction.CREATE,
            candidate,
            by=by,
            note=gettext("Candidate %(name)s") % {"name": member.person.name},
        )
    return candidate


def remove_candidate(candidate: Candidate, *, by) -> None:
    """Take a candidate off the list while the election is a draft (nothing has been voted on)."""
    with transaction.atomic():
        current = _locked(candidate.election, by)
        _require_state(current, ElectionState.DRAFT)
        row = Candidate.objects.select_related("member__person").get(pk=candidate.pk, election=current)
        audit.record(
            AuditAction.DELETE,
            row,
            by=by,
            note=gettext("Candidate %(name)s removed") % {"name": row.member.person.name},
        )
        row.delete()


def confirm_candidates(election: Election, *, by) -> Election:
    """Fix the list of candidates; a committee needs 20% more candidates than seats (差额)."""
    with transaction.atomic():
        current = _locked(election, by)
        _require_state(current, ElectionState.DRAFT)
        count = current.candidates.count()
        needed = minimum_candidates(current.seats, current.kind)
        if count < needed:
            if current.kind == ElectionKind.COMMITTEE:
                message = gettext(
                    "%(seats)s seats need at least %(needed)s candidates (the candidates must exceed "
                    "the seats by at least 20%%, 差额选举, %(article)s); there are %(count)s."
                ) % {"seats": current.seats, "needed": needed, "count": count, "article": ARTICLE_MARGIN}
            else:
                message = gettext(
                    "%(seats)s seats need at least %(needed)s candidates; there are %(count)s."
                ) % {
                    "seats": current.seats,
                    "needed": needed,
                    "count": count,
                }
            raise RuleViolation(message, rule="candidate_margin")
        _set_state(current, ElectionState.CONFIRMED, by=by)
    return current
