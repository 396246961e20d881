"""Voting: opening the vote, the ballot a voter sees, casting a ballot online and entering a paper
ballot, secret and once per voter.

Casting writes two things that nothing joins: a ``VoteRecord`` (this voter has voted in this
round, how, on which day) and a ``Ballot`` in the round's box (the marks, with a random key and no
voter, user or time), the box rewritten in a random order each time (``_reseal``). The audit line
is on the record and never names the marks or the ballot's validity."""

from __future__ import annotations

import datetime
import random
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from dangjian.core import audit
from dangjian.core.choices import AuditAction
from dangjian.core.errors import PermissionDenied, RuleViolation
from dangjian.elections.choices import ElectionState, VoteMethod
from dangjian.elections.models import Ballot, Candidate, Election, Round, VoteRecord
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


@dataclass(frozen=True)
class VoteReceipt:
    """What casting a ballot answers: the record that the voter has voted, and whether the
    ballot just put in the box is valid (for whoever marked it, at that moment). The ballot itself
    is not returned: nothing that leaves casting may point at it."""

    record: VoteRecord
    is_valid: bool


# The order of the box comes from the operating system's randomness, never a seeded generator.
_SHUFFLE = random.SystemRandom().shuffle


@contextmanager
def _overwriting_deleted_rows() -> Iterator[None]:
    """SQLite leaves deleted rows in the file's free pages, which a copy of the file or its backup
    keeps: the box being replaced is overwritten with zeros (``secure_delete``). PostgreSQL's
    dead rows are not in a ``pg_dump``; see docs/security.md for physical copies."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA secure_delete")
        before = int(cursor.fetchone()[0])
        cursor.execute("PRAGMA secure_delete = 1")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA secure_delete = {before}")


def _reseal(election: Election, number: int, new_ballot: Ballot, chosen: list[Candidate]) -> None:
    """Put ``new_ballot`` into the box of round ``number`` and rewrite the whole box in a random
    order under fresh random keys, inside the caller's transaction.

    A random key alone is not enough: rows are stored in the order they are written (SQLite's
    rowid, PostgreSQL's heap and the transaction id on each row), and a copy or a backup keeps that
    order, which is the order of the vote records and of the audit log. After each ballot every
    ballot of the round has been written by the same transaction in an order that owes nothing to
    the voters. Writes grow with the voters of one organization (hundreds), not with the data.
    """
    through = Ballot.choices.through
    box = Ballot.objects.filter(election=election, round=number)
    marks: dict[object, list[int]] = {}
    for ballot_id, candidate_id in through.objects.filter(
        ballot__election=election, ballot__round=number
    ).values_list("ballot_id", "candidate_id"):
        marks.setdefault(ballot_id, []).append(candidate_id)
    contents = [(is_valid, marks.get(pk, [])) for pk, is_valid in box.values_list("pk", "is_valid")]
    contents.append((new_ballot.is_valid, [candidate.pk for candidate in chosen]))
    with _overwriting_deleted_rows():
        through.objects.filter(ballot__election=election, ballot__round=number).delete()
        box.delete()
    _SHUFFLE(contents)
    ballots = [
        Ballot(id=uuid.uuid4(), election=election, round=number, is_valid=is_valid)
        for is_valid, _marked in contents
    ]
    Ballot.objects.bulk_create(ballots)
    through.objects.bulk_create(
        [
            through(ballot_id=ballot.pk, candidate_id=candidate_id)
            for ballot, (_valid, marked) in zip(ballots, contents, strict=True)
            for candidate_id in marked
        ]
    )


def _already_voted(voter: PartyMember) -> RuleViolation:
    return RuleViolation(
        gettext("%(name)s has already voted in this election; each voter has one ballot.")
        % {"name": voter.person.name},
        rule="one_ballot",
    )


def _store_ballot(
    election: Election,
    voter: PartyMember,
    chosen: list[Candidate],
    *,
    seats: int,
    now: datetime.datetime,
    cast_by=None,
    entered_by=None,
) -> VoteReceipt:
    """Record that ``voter`` has voted and put their ballot, unlinked, into the box (one
    transaction: the box holds exactly as many ballots as there are records)."""
    number = election.round
    if VoteRecord.objects.filter(election=election, round=number, voter=voter).exists():
        raise _already_voted(voter)
    try:
        with transaction.atomic():
            record = VoteRecord.objects.create(
                election=election,
                round=number,
                voter=voter,
                method=VoteMethod.PAPER if entered_by is not None else VoteMethod.PHONE,
                cast_by=cast_by,
                entered_by=entered_by,
                recorded_on=timezone.localdate(now),
            )
    except IntegrityError as error:  # the unique constraint: a second ballot at the same instant
        raise _already_voted(voter) from error
    ballot = Ballot(election=election, round=number, is_valid=len(chosen) <= seats)
    _reseal(election, number, ballot, chosen)
    return VoteReceipt(record=record, is_valid=ballot.is_valid)


def cast_ballot(
    election: Election, *, user, candidate_ids: Iterable[int], now: datetime.datetime | None = None
) -> VoteReceipt:
    """The voter casts their own ballot on a phone, once, during the voting window.

    The phone refuses more marks than seats (the voter corrects them) instead of keeping an
    invalid ballot. The audit line is on the record that the voter has voted, never on the
    ballot, and says nothing of whom the voter marked (the vote is secret).
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
        receipt = _store_ballot(current, voter, chosen, seats=seats, now=now, cast_by=user)
        audit.record(AuditAction.CREATE, receipt.record, by=user, note=gettext("Voted on a phone"))
    return receipt


def enter_paper_ballot(
    election: Election, *, by, voter: PartyMember, candidate_ids: Iterable[int], now=None
) -> VoteReceipt:
    """Staff enter a paper ballot as marked; more marks than seats make it invalid (it is kept).

    The audit line records that the voter has voted on paper, not whether the ballot is valid
    (that would say something of what the voter marked)."""
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
        receipt = _store_ballot(current, voter, chosen, seats=seats, now=now, entered_by=by)
        audit.record(AuditAction.CREATE, receipt.record, by=by, note=gettext("Paper ballot entered"))
    return receipt
