"""Submitting the results to the superior committee, which approves them (the new committee takes
its seats) or rejects them with a reason."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from dangjian.core.errors import PermissionDenied, RuleViolation
from dangjian.core.scoping import scope_of
from dangjian.elections.choices import ElectionKind, ElectionState
from dangjian.elections.models import Candidate, Election
from dangjian.elections.services.common import CHANGE, _locked, _require_state, _set_state
from dangjian.orgs import services as org_services
from dangjian.orgs.choices import CommitteeRole
from dangjian.orgs.models import Organization

# --- Approval by the superior committee ----------------------------------------------------


def superior_of(election: Election) -> Organization | None:
    return Organization.objects.get_parent(election.org)


def can_decide(election: Election, user) -> bool:
    """Whether ``user`` acts for the superior committee: change_election over the parent org."""
    superior = superior_of(election)
    scope = scope_of(user)
    if superior is None:
        return scope.is_global
    return scope.has_perm(CHANGE, org_path=superior.path)


def _check_superior(election: Election, by) -> None:
    if not can_decide(election, by):
        raise PermissionDenied(
            gettext("Only the superior party committee of “%(org)s” approves its election results.")
            % {"org": election.org.name},
            rule="superior_approval",
        )


def submit_results(election: Election, *, by) -> Election:
    """Report the counted result to the superior committee for approval."""
    with transaction.atomic():
        current = _locked(election, by)
        _require_state(current, ElectionState.COUNTED)
        if current.needs_revote:
            raise RuleViolation(
                gettext("A tie has to be settled by a further vote before the result can be reported."),
                rule="needs_revote",
            )
        if not current.candidates.filter(elected=True).exists():
            raise RuleViolation(
                gettext("Nobody was elected; there is no result to report."), rule="nobody_elected"
            )
        current.submitted_at = timezone.now()
        _set_state(current, ElectionState.SUBMITTED, by=by, extra=["submitted_at"])
    return current


def _seat_roles(election: Election, elected: list[Candidate]) -> list[tuple[Candidate, str]]:
    """Roles of the new seats: a secretary election fills 书记 then 副书记 by votes; a committee's
    members are 委员 until the committee divides its work (分工) at its first meeting."""
    if election.kind == ElectionKind.SECRETARY:
        roles = [CommitteeRole.SECRETARY, CommitteeRole.DEPUTY_SECRETARY]
        return list(zip(elected, roles, strict=False))
    return [(candidate, CommitteeRole.MEMBER) for candidate in elected]


def approve_results(election: Election, *, by, note: str = "") -> Election:
    """The superior committee approves: the new committee, its term and its members are recorded
    (through ``orgs.services``) in the same transaction as the approval."""
    with transaction.atomic():
        current = Election.objects.select_for_update().select_related("org").get(pk=election.pk)
        _check_superior(current, by)
        _require_state(current, ElectionState.SUBMITTED)
        elected = list(
            current.candidates.filter(elected=True)
            .select_related("member__person")
            .order_by("-votes_for", "order", "pk")
        )
        elected_on = timezone.localdate(current.starts_at)
        committee = org_services.elect_committee(
            current.org,
            by=by,
            elected_on=elected_on,
            term_years=current.term_years,
            note=gettext("Elected in “%(title)s”") % {"title": current.title},
        )
        for candidate, role in _seat_roles(current, elected):
            org_services.add_committee_seat(
                committee, by=by, person=candidate.member.person, role=role, started_on=elected_on
            )
        current.committee = committee
        current.decided_by = by
        current.decided_at = timezone.now()
        current.decision_note = note.strip()
        _set_state(
            current,
            ElectionState.APPROVED,
            by=by,
            note=note.strip(),
            extra=["committee", "decided_by", "decided_at", "decision_note"],
        )
    return current


def reject_results(election: Election, *, by, reason: str) -> Election:
    """The superior committee does not approve the result; the reason is kept and shown."""
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation(
            gettext("Give the reason for rejecting the result."), rule="required", field="reason"
        )
    with transaction.atomic():
        current = Election.objects.select_for_update().select_related("org").get(pk=election.pk)
        _check_superior(current, by)
        _require_state(current, ElectionState.SUBMITTED)
        current.decided_by = by
        current.decided_at = timezone.now()
        current.decision_note = reason
        _set_state(
            current,
            ElectionState.REJECTED,
            by=by,
            note=reason,
            extra=["decided_by", "decided_at", "decision_note"],
        )
    return current
