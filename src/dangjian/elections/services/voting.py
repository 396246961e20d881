"""Voting: opening the vote, the ballot a voter sees, casting a ballot online and entering a paper
ballot, secret and once per voter."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from dangjian.core import audit
from dangjian.core.choices import AuditAction
from dangjian.core.errors import PermissionDenied, RuleViolation
from dangjian.elections.choices import ElectionState
from dangjian.elections.models import Ballot, Candidate, Election, Round
from dangjian.elections.services.common import (
    ARTICLE_VOTE,
    _locked,
    _require_state,
    _set_state,
    voter_for,
    voters,
)
from dangjian.elections.services.exclusions import expected_voters
from dangjian.members.models import PartyMember

# --- Voting --------------------------------------------------------------------------------


def open_voting(election: Election, *, by, now: datetime.datetime | None = None) -> Election:
    """Open the ballot box; the number of voters expected (应到会人数) is fixed now."""
    now = now or timezone.now()
    with transaction.atomic():
        current = _locked(election, by)
        _require_state(current, ElectionState.CONFIRMED)
        if now > current.ends_at:
            raise RuleViolation(
                gettext("The voting window ended at %(time)s; change the voting times first.")
                % {"time": date_format(timezone.localtime(current.ends_at), "DATETIME_FORMAT")},
                rule="election_window",
            )
        # 应到会: the voters minus those left out with the approvals recorded (services.exclusions).
        current.expected_voters = expected_voters(current)
        _set_state(
            current,
            ElectionState.VOTING,
            by=by,
            note=gettext("%(count)s voters expected") % {"count": current.expected_voters},
            extra=["expected_voters"],
        )
    return current


def current_round(election: Election) -> Round | None:
    """The further round being voted on or last counted; None while the first round is current."""
    if election.round <= 1:
        return None
    return Round.objects.get(election=election, number=election.round)


def ballot_candidates(election: Election) -> QuerySet[Candidate]:
    """Who is on the ballot of the current round: every candidate, or those of the further round."""
    candidates = election.candidates.all()
    if election.round > 1:
        candidates = candidates.filter(round_entries__round__number=election.round)
    return candidates.order_by("order", "pk")


def seats_on_ballot(election: Election, further: Round | None = None) -> int:
    """How many may be marked on a ballot of the current round (more makes it invalid)."""
    return further.seats if further is not None else election.seats


def ballot_refusal(
    election: Election, *, user, now: datetime.datetime | None = None, further: Round | None = None
) -> str | None:
    """Why ``user`` cannot cast a ballot in ``election`` now, in words for the phone page."""
    now = now or timezone.now()
    if election.state != ElectionState.VOTING:
        return gettext("Voting is not open for this election (it is “%(state)s”).") % {
            "state": election.get_state_display()
        }
    if further is None and election.round > 1:
        further = current_round(election)
    starts_at, ends_at = (
        (further.starts_at, further.ends_at) if further else (election.starts_at, election.ends_at)
    )
    if now < starts_at:
        return gettext("Voting opens at %(time)s.") % {
            "time": date_format(timezone.localtime(starts_at), "DATETIME_FORMAT")
        }
    if now > ends_at:
        return gettext("Voting closed at %(time)s.") % {
            "time": date_format(timezone.localtime(ends_at), "DATETIME_FORMAT")
        }
    return None


def _choices(election: Election, candidate_ids: Iterable[int]) -> list[Candidate]:
    ids = {int(pk) for pk in candidate_ids}
    chosen = list(ballot_candidates(election).filter(pk__in=ids))
    if len(chosen) != len(ids):
        raise RuleViolation(
            gettext("The ballot marks someone who is not a candidate in this round of the election."),
            rule="ballot_choices",
            field="choices",
        )
    return chosen


def _store_ballot(
    election: Election,
    voter: PartyMember,
    chosen: list[Candidate],
    *,
    seats: int,
    now,
    cast_by=None,
    entered_by=None,
) -> Ballot:
    if Ballot.objects.filter(election=election, round=election.round, voter=voter).exists():
        raise RuleViolation(
            gettext("%(name)s has already voted in this election; each voter has one ballot.")
            % {"name": voter.person.name},
            rule="one_ballot",
        )
    try:
        with transaction.atomic():
            ballot = Ballot.objects.create(
                election=election,
                round=election.round,
                voter=voter,
                is_valid=len(chosen) <= seats,
                cast_at=now,
                cast_by=cast_by,
                entered_by=entered_by,
            )
    except IntegrityError as error:  # the unique constraint: a second ballot at the same instant
        raise RuleViolation(
            gettext("%(name)s has already voted in this election; each voter has one ballot.")
            % {"name": voter.person.name},
            rule="one_ballot",
        ) from error
    ballot.choices.set(chosen)
    return ballot


def cast_ballot(
    election: Election, *, user, candidate_ids: Iterable[int], now: datetime.datetime | None = None
) -> Ballot:
    """The voter casts their own ballot on a phone, once, during the voting window.

    The phone refuses more marks than seats (the voter corrects them) instead of keeping an
    invalid ballot; whom the voter marked is not written to the audit log (the vote is secret).
    """
    now = now or timezone.now()
    with transaction.atomic():
        current = Election.objects.select_for_update().select_related("org").get(pk=election.pk)
        voter = voter_for(current, user)
        if voter is None:
            raise PermissionDenied(
                gettext(
                    "You have no vote in this election: only the active full party members of "
                    "“%(org)s” vote (%(article)s)."
                )
                % {"org": current.org.name, "article": ARTICLE_VOTE},
                rule="voter",
            )
        further = current_round(current)
        refusal = ballot_refusal(current, user=user, now=now, further=further)
        if refusal:
            raise RuleViolation(refusal, rule="election_window")
        chosen = _choices(current, candidate_ids)
        seats = seats_on_ballot(current, further)
        if len(chosen) > seats:
            raise RuleViolation(
                gettext(
                    "You marked %(marked)s candidates but there are only %(seats)s seats; mark at most %(seats)s."
                )
                % {"marked": len(chosen), "seats": seats},
                rule="ballot_too_many",
                field="choices",
            )
        voter = PartyMember.objects.select_related("person").get(pk=voter.pk)
        ballot = _store_ballot(current, voter, chosen, seats=seats, now=now, cast_by=user)
        audit.record(AuditAction.CREATE, ballot, by=user, note=gettext("Ballot cast on a phone"))
    return ballot


def enter_paper_ballot(
    election: Election, *, by, voter: PartyMember, candidate_ids: Iterable[int], now=None
) -> Ballot:
    """Staff enter a paper ballot as marked; more marks than seats make it invalid (it is kept)."""
    now = now or timezone.now()
    with transaction.atomic():
        current = _locked(election, by)
        _require_state(current, ElectionState.VOTING)
        if not voters(current.org).filter(pk=voter.pk).exists():
            raise RuleViolation(
                gettext(
                    "%(name)s is not an active full party member of “%(org)s” and has no vote (%(article)s)."
                )
                % {"name": voter.person.name, "org": current.org.name, "article": ARTICLE_VOTE},
                rule="voter",
                field="voter",
            )
        chosen = _choices(current, candidate_ids)
        voter = PartyMember.objects.select_related("person").get(pk=voter.pk)
        seats = seats_on_ballot(current, current_round(current))
        ballot = _store_ballot(current, voter, chosen, seats=seats, now=now, entered_by=by)
        audit.record(
            AuditAction.CREATE,
            ballot,
            by=by,
            note=gettext("Paper ballot entered")
            if ballot.is_valid
            else gettext("Invalid paper ballot entered"),
        )
    return ballot
