"""State changes of party members: transfers of the party relationship (组织关系转接).

Within the system the sending organization initiates a transfer letter, the receiving
organization accepts it (the member moves) or returns it. A letter may also go to, or come from,
an organization outside the system: an outgoing letter is closed by its 回执 (the member leaves
the ledger), an incoming one is registered by the receiving branch and accepting it creates the
membership. A daily task expires letters of every direction past their validity. Each function
checks the permission over the deciding side of the letter, writes the change and its audit
lines in one transaction, and raises RuleViolation instead of returning flags; pages and the API
call these.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from dangjian.core import audit
from dangjian.core.choices import AuditAction
from dangjian.core.errors import RuleViolation
from dangjian.core.models import Person
from dangjian.core.scoping import check_perm, scope_of
from dangjian.core.validators import validate_id_number
from dangjian.members.choices import MemberStatus, TransferDirection, TransferState
from dangjian.members.models import PartyMember, Transfer, transfer_valid_days
from dangjian.members.person_matching import find_person
from dangjian.orgs.choices import BRANCH_KINDS
from dangjian.orgs.models import Organization

LETTER_PREFIX = "ZJ"
# Attempts at a fresh letter number when two letters are initiated at the same moment.
LETTER_NUMBER_ATTEMPTS = 5


def _next_letter_number(year: int) -> str:
    """The next free number of ``year``: ``ZJ2026-000123`` (six digits, counted per year)."""
    prefix = f"{LETTER_PREFIX}{year}-"
    last = (
        Transfer.objects.filter(letter_number__startswith=prefix)
        .order_by("-letter_number")
        .values_list("letter_number", flat=True)
        .first()
    )
    sequence = int(last[len(prefix) :]) + 1 if last else 1
    return f"{prefix}{sequence:06d}"


def _create_letter(*, by, **fields) -> Transfer:
    """Save a new letter (state 发起) under the next free number of the year.

    Two letters issued at the same moment may compute the same number; the unique constraint
    refuses the second, which retries with the next one. An IntegrityError that is the
    one-open-letter-per-member constraint is reported as a concurrent change instead.
    """
    now = timezone.now()
    today = timezone.localdate(now)
    member = fields.get("member")
    for attempt in range(LETTER_NUMBER_ATTEMPTS):
        try:
            with transaction.atomic():
                return Transfer.objects.create(
                    letter_number=_next_letter_number(today.year),
                    valid_until=today + datetime.timedelta(days=transfer_valid_days()),
                    initiated_by=by if getattr(by, "is_authenticated", False) else None,
                    initiated_at=now,
                    **fields,
                )
        except IntegrityError:
            # Another letter took the number (or opened for the member) meanwhile.
            if attempt == LETTER_NUMBER_ATTEMPTS - 1 or (
                member is not None
                and Transfer.objects.filter(member=member, state=TransferState.INITIATED).exists()
            ):
                break
    raise RuleViolation(
        gettext("The transfer could not be saved because of a concurrent change; try again."),
        rule="transfer_concurrent",
    )


def _check_target(member: PartyMember, to_org: Organization) -> None:
    if to_org.pk == member.org_id:
        raise RuleViolation(
            gettext("%(name)s already belongs to “%(org)s”; choose another organization.")
            % {"name": member.person.name, "org": to_org.name},
            rule="transfer_same_org",
            field="to_org",
        )
    if not to_org.is_active:
        raise RuleViolation(
            gettext("“%(org)s” is deactivated and cannot receive members.") % {"org": to_org.name},
            rule="transfer_inactive_org",
            field="to_org",
        )
    if to_org.kind not in BRANCH_KINDS:
        raise RuleViolation(
            gettext(
                "“%(org)s” is a %(kind)s; members belong to a branch, so choose a branch as the "
                "receiving organization."
            )
            % {"org": to_org.name, "kind": to_org.get_kind_display()},
            rule="transfer_to_branch",
            field="to_org",
        )


def _lock_transferable(member: PartyMember, by) -> PartyMember:
    """The member, locked, once ``by`` may transfer them and no other letter of theirs is open."""
    current = PartyMember.objects.select_for_update().select_related("org", "person").get(pk=member.pk)
    check_perm(by, "members.add_transfer", current)
    if not current.is_active:
        raise RuleViolation(
            gettext("The membership of %(name)s is not active; it cannot be transferred.")
            % {"name": current.person.name},
            rule="transfer_inactive_member",
        )
    open_letter = Transfer.objects.filter(member=current, state=TransferState.INITIATED).first()
    if open_letter is not None:
        raise RuleViolation(
            gettext(
                "%(name)s already has an open transfer (letter %(number)s); wait for it to be "
                "accepted, returned or expired."
            )
            % {"name": current.person.name, "number": open_letter.letter_number},
            rule="transfer_one_open",
        )
    return current


def initiate_transfer(member: PartyMember, *, to_org: Organization, by, reason: str = "") -> Transfer:
    """The member's organization issues a transfer letter to ``to_org`` (state 发起).

    The letter records the member's version, so a member changed before acceptance is not
    moved by a stale letter. One open letter per member (also a database constraint).
    """
    with transaction.atomic():
        current = _lock_transferable(member, by)
        target = Organization.objects.get(pk=to_org.pk)
        _check_target(current, target)
        transfer = _create_letter(
            member=current,
            from_org=current.org,
            to_org=target,
            reason=reason.strip(),
            by=by,
            member_version=current.version,
        )
        audit.record(AuditAction.CREATE, transfer, by=by, changes=audit.diff({}, audit.snapshot(transfer)))
    return transfer


def _external_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise RuleViolation(
            gettext("Give the name of the party organization outside the system."),
            rule="required",
            field="external_org_name",
        )
    return name


def issue_outgoing_letter(member: PartyMember, *, external_org_name: str, by, reason: str = "") -> Transfer:
    """The member's organization issues a letter to an organization outside the system (发起).

    The member stays in the ledger until the 回执 comes back (``record_receipt``); the letter
    records the member's version like an internal one.
    """
    external_org_name = _external_name(external_org_name)
    with transaction.atomic():
        current = _lock_transferable(member, by)
        transfer = _create_letter(
            direction=TransferDirection.OUTGOING,
            member=current,
            from_org=current.org,
            external_org_name=external_org_name,
            reason=(reason or "").strip(),
            by=by,
            member_version=current.version,
        )
        audit.record(AuditAction.CREATE, transfer, by=by, changes=audit.diff({}, audit.snapshot(transfer)))
    return transfer


@dataclass(frozen=True)
class IncomingMembership:
    """What an incoming letter says about the membership, applied when the letter is accepted."""

    external_letter_number: str
    status: str
    joined_on: datetime.date | None
    regularized_on: datetime.date | None


def incoming_membership(transfer: Transfer) -> IncomingMembership | None:
    """The membership facts registered with a letter from outside (its ``incoming_*`` fields).

    None for other letters and for an incoming letter registered without them (none is, through
    the service; the migration that introduced the fields left such a letter empty when its
    registration carried no facts): accepting such a letter is refused.
    """
    if transfer.direction != TransferDirection.INCOMING or not transfer.incoming_status:
        return None
    return IncomingMembership(
        external_letter_number=transfer.external_letter_number,
        status=transfer.incoming_status,
        joined_on=transfer.incoming_joined_on,
        regularized_on=transfer.incoming_regularized_on,
    )


def _check_membership_dates(status: str, joined_on, regularized_on, today: datetime.date) -> None:
    if joined_on is None:
        raise RuleViolation(
            gettext("Give the date the member joined the Party (the 支部大会 admission)."),
            rule="required",
            field="joined_on",
        )
    if joined_on > today:
        raise RuleViolation(
            gettext("The joining date cannot be in the future."), rule="date_future", field="joined_on"
        )
    if status == MemberStatus.PROBATIONARY and regularized_on is not None:
        raise RuleViolation(
            gettext("A probationary member has no date of becoming a full member; leave it empty."),
            rule="probationary_no_regularization",
            field="regularized_on",
        )
    if status == MemberStatus.FULL and regularized_on is None:
        raise RuleViolation(
            gettext("Give the date the full member became a full member (转正), as the letter states."),
            rule="required",
            field="regularized_on",
        )
    if regularized_on is not None and (regularized_on < joined_on or regularized_on > today):
        raise RuleViolation(
            gettext(
                "The date of becoming a full member must lie between the joining date and today "
                "(the 预备期 follows the admission)."
            ),
            rule="regularization_date",
            field="regularized_on",
        )


def register_incoming_letter(
    *,
    to_org: Organization,
    external_org_name: str,
    external_letter_number: str,
    name: str,
    gender: str,
    id_number: str,
    birth_date: datetime.date | None,
    status: str,
    joined_on: datetime.date | None,
    regularized_on: datetime.date | None = None,
    ethnicity: str = "",
    by,
    reason: str = "",
) -> Transfer:
    """A branch registers a letter from an organization outside the system (发起).

    The person is found by the keyed hash of the ID number or created. A person already known
    is reused only inside the caller's scope (a resident of hers, for instance); anyone else is
    refused with the neutral message of ``person_matching``, which names nobody. Someone who is
    an active member already is refused, since their organization should issue an internal
    transfer. The letter gets our own number beside the issuing organization's one.
    """
    external_org_name = _external_name(external_org_name)
    external_letter_number = (external_letter_number or "").strip()
    name = (name or "").strip()
    id_number = (id_number or "").strip().upper()
    today = timezone.localdate()
    if not name:
        raise RuleViolation(gettext("Give the member's name."), rule="required", field="name")
    try:
        validate_id_number(id_number, today=today)
    except ValidationError as error:
        raise RuleViolation(error.messages[0], rule="id_number", field="id_number") from None
    if status not in MemberStatus.values:
        raise RuleViolation(gettext("Choose full or probationary member."), rule="choice", field="status")
    _check_membership_dates(status, joined_on, regularized_on, today)
    with transaction.atomic():
        target = Organization.objects.get(pk=to_org.pk)
        check_perm(by, "members.add_transfer", target)
        if not target.is_active or target.kind not in BRANCH_KINDS:
            raise RuleViolation(
                gettext("A letter is received by an active branch; “%(org)s” is not one.")
                % {"org": target.name},
                rule="transfer_to_branch",
                field="to_org",
            )
        # Someone outside the caller's scope: the neutral refusal, naming nobody (person_matching).
        person = find_person(id_number, by=by, lock=True)
        if person is None:
            person = Person(name=name, gender=gender, birth_date=birth_date, ethnicity=ethnicity or "汉族")
            person.id_number = id_number
            person.save()
            audit.record(AuditAction.CREATE, person, by=by, changes=audit.diff({}, audit.snapshot(person)))
        else:
            _check_not_member(person)
            _check_no_open_letter(person, by)
        transfer = _create_letter(
            direction=TransferDirection.INCOMING,
            incoming_person=person,
            to_org=target,
            external_org_name=external_org_name,
            external_letter_number=external_letter_number,
            incoming_status=status,
            incoming_joined_on=joined_on,
            incoming_regularized_on=regularized_on,
            reason=(reason or "").strip(),
            by=by,
            member_version=0,
        )
        audit.record(AuditAction.CREATE, transfer, by=by, changes=audit.diff({}, audit.snapshot(transfer)))
    return transfer


def _check_not_member(person: Person) -> None:
    # The organization is not named: it may lie outside the caller's scope even when the person
    # (a resident of hers, say) does not.
    if PartyMember.objects.filter(person=person, is_active=True).exists():
        raise RuleViolation(
            gettext(
                "%(name)s is already an active party member in this system; their organization issues "
                "an internal transfer instead."
            )
            % {"name": person.name},
            rule="transfer_already_member",
            field="id_number",
        )


def _check_no_open_letter(person: Person, by) -> None:
    """One open incoming letter per person; its number is told only to who may read the letter."""
    open_letter = (
        Transfer.objects.filter(incoming_person=person, state=TransferState.INITIATED)
        .select_related("to_org")
        .first()
    )
    if open_letter is None:
        return
    if scope_of(by).has_perm("members.view_transfer", org_path=open_letter.to_org.path):
        message = gettext("A letter for this person is registered already (letter %(number)s).") % {
            "number": open_letter.letter_number
        }
    else:
        message = gettext(
            "A letter for this person is registered already by another organization; contact the "
            "higher-level party organization."
        )
    raise RuleViolation(message, rule="transfer_one_open", field="id_number")


def deciding_org(transfer: Transfer) -> Organization:
    """The organization that decides an open letter: the receiving one, or for a letter to the
    outside the sending one, which records the 回执 or the letter coming back."""
    if transfer.direction == TransferDirection.OUTGOING:
        return transfer.from_org
    return transfer.to_org


def _locked(transfer: Transfer) -> Transfer:
    # Only the letter's row is locked: its sides are outer joins now that either may be outside
    # the system, and PostgreSQL cannot lock the nullable side of an outer join.
    return (
        Transfer.objects.select_for_update(of=("self",))
        .select_related("from_org", "to_org", "member__person", "incoming_person")
        .get(pk=transfer.pk)
    )


def _check_open(current: Transfer, today: datetime.date) -> None:
    if current.state != TransferState.INITIATED:
        raise RuleViolation(
            gettext("Transfer %(number)s is already %(state)s; it cannot be decided again.")
            % {"number": current.letter_number, "state": current.get_state_display()},
            rule="transfer_not_open",
        )
    if current.is_past_validity(today):
        raise RuleViolation(
            gettext(
                "Transfer %(number)s was valid until %(date)s and has expired; the sending "
                "organization must issue a new letter."
            )
            % {"number": current.letter_number, "date": date_format(current.valid_until)},
            rule="transfer_expired",
        )


def _close(current: Transfer, state: str, *, by, note: str) -> None:
    current.state = state
    current.decided_by = by if getattr(by, "is_authenticated", False) else None
    current.decided_at = timezone.now()
    current.decision_note = note
    current.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
    audit.record(
        AuditAction.UPDATE,
        current,
        by=by,
        changes={"state": [TransferState.INITIATED.value, state]},
        note=note,
    )


def _locked_unchanged_member(current: Transfer) -> PartyMember:
    member = PartyMember.objects.select_for_update().select_related("org", "person").get(pk=current.member_id)
    if (
        member.version != current.member_version
        or member.org_id != current.from_org_id
        or not member.is_active
    ):
        raise RuleViolation(
            gettext(
                "The record of %(name)s has changed since transfer %(number)s was issued; the "
                "transfer is not applied. Return it, and the sending organization can issue a new one."
            )
            % {"name": member.person.name, "number": current.letter_number},
            rule="transfer_member_changed",
        )
    return member


def accept_transfer(transfer: Transfer, *, by, note: str = "") -> Transfer:
    """The deciding organization accepts the letter (state 已接收).

    Within the system the member moves to ``to_org``; for a letter to the outside this records
    its 回执 (``record_receipt``); for a letter from the outside the membership is created. The
    transfer and the member are locked, so of two concurrent acceptances one applies and the
    other finds the letter decided. A member whose version changed since initiation is refused
    rather than moved over the change.
    """
    if transfer.direction == TransferDirection.OUTGOING:
        return record_receipt(transfer, by=by, note=note)
    if transfer.direction == TransferDirection.INCOMING:
        return _accept_incoming(transfer, by=by, note=note)
    with transaction.atomic():
        current = _locked(transfer)
        check_perm(by, "members.change_transfer", current.to_org)
        _check_open(current, timezone.localdate())
        member = _locked_unchanged_member(current)
        if not current.to_org.is_active:
            raise RuleViolation(
                gettext("“%(org)s” is deactivated and cannot receive members.")
                % {"org": current.to_org.name},
                rule="transfer_inactive_org",
            )
        old_org = member.org
        member.org = current.to_org
        member.version += 1
        member.save(update_fields=["org", "version"])
        _close(current, TransferState.ACCEPTED, by=by, note=note.strip())
        audit.record(
            AuditAction.MOVE,
            member,
            by=by,
            changes={"org": [str(old_org), str(current.to_org)]},
            note=gettext("Transfer %(number)s") % {"number": current.letter_number},
        )
    return current


def record_receipt(transfer: Transfer, *, by, note: str = "") -> Transfer:
    """The 回执 of a letter to the outside came back: the member leaves the ledger (已接收).

    The membership is deactivated, not deleted: the member's history and letters stay.
    """
    with transaction.atomic():
        current = _locked(transfer)
        if current.direction != TransferDirection.OUTGOING:
            raise RuleViolation(
                gettext("Only a letter to an organization outside the system has a receipt to record."),
                rule="transfer_direction",
            )
        check_perm(by, "members.change_transfer", current.from_org)
        _check_open(current, timezone.localdate())
        member = _locked_unchanged_member(current)
        member.is_active = False
        member.version += 1
        member.save(update_fields=["is_active", "version"])
        _close(current, TransferState.ACCEPTED, by=by, note=(note or "").strip())
        audit.record(
            AuditAction.DEACTIVATE,
            member,
            by=by,
            changes={"is_active": [True, False]},
            note=gettext("Transferred to %(org)s (letter %(number)s)")
            % {"org": current.external_org_name, "number": current.letter_number},
        )
    return current


def _accept_incoming(transfer: Transfer, *, by, note: str) -> Transfer:
    """Accept a letter from the outside: the person becomes a member of ``to_org``.

    A person who left the ledger earlier (an inactive membership) gets that membership back,
    updated, since a person has one membership row; anyone else gets a new one.
    """
    with transaction.atomic():
        current = _locked(transfer)
        check_perm(by, "members.change_transfer", current.to_org)
        _check_open(current, timezone.localdate())
        if not current.to_org.is_active:
            raise RuleViolation(
                gettext("“%(org)s” is deactivated and cannot receive members.")
                % {"org": current.to_org.name},
                rule="transfer_inactive_org",
            )
        person = Person.objects.select_for_update().get(pk=current.incoming_person_id)
        _check_not_member(person)
        facts = incoming_membership(current)
        if facts is None:
            raise RuleViolation(
                gettext(
                    "The registration of letter %(number)s lacks the member's status and dates; "
                    "return it and register the letter again."
                )
                % {"number": current.letter_number},
                rule="transfer_incomplete",
            )
        member = PartyMember.objects.select_for_update().filter(person=person).first()
        values = {
            "org": current.to_org,
            "status": facts.status,
            "joined_on": facts.joined_on,
            "regularized_on": facts.regularized_on,
            "is_active": True,
        }
        if member is None:
            member = PartyMember.objects.create(person=person, **values)
            audit.record(AuditAction.CREATE, member, by=by, changes=audit.diff({}, audit.snapshot(member)))
        else:
            before = audit.snapshot(member)
            for field_name, value in values.items():
                setattr(member, field_name, value)
            member.version += 1
            member.save(update_fields=[*values, "version"])
            audit.record(
                AuditAction.REACTIVATE, member, by=by, changes=audit.diff(before, audit.snapshot(member))
            )
        current.member = member
        current.member_version = member.version
        current.save(update_fields=["member", "member_version"])
        _close(current, TransferState.ACCEPTED, by=by, note=(note or "").strip())
    return current


def return_transfer(transfer: Transfer, *, by, reason: str) -> Transfer:
    """The deciding organization returns the letter with a reason (state 已退回); nobody moves.

    For a letter to the outside this records that the other organization sent it back.
    """
    reason = (reason or "").strip()
    with transaction.atomic():
        current = _locked(transfer)
        check_perm(by, "members.change_transfer", deciding_org(current))
        if not reason:
            raise RuleViolation(
                gettext(
                    "Give the reason for returning the transfer, so the sending organization can act on it."
                ),
                rule="required",
                field="reason",
            )
        if current.state != TransferState.INITIATED:
            raise RuleViolation(
                gettext("Transfer %(number)s is already %(state)s; it cannot be decided again.")
                % {"number": current.letter_number, "state": current.get_state_display()},
                rule="transfer_not_open",
            )
        _close(current, TransferState.RETURNED, by=by, note=reason)
    return current


def expire_transfers(today: datetime.date | None = None) -> int:
    """Mark initiated letters past their validity as expired (已超期); returns how many.

    Run daily by the scheduler (``members.tasks``). Each letter is claimed with a conditional
    update on its state, so running twice, or alongside an acceptance, expires nothing twice.
    """
    today = today or timezone.localdate()
    expired = 0
    due = Transfer.objects.filter(state=TransferState.INITIATED, valid_until__lt=today).values_list(
        "pk", flat=True
    )
    for pk in list(due):
        with transaction.atomic():
            claimed = Transfer.objects.filter(
                pk=pk, state=TransferState.INITIATED, valid_until__lt=today
            ).update(state=TransferState.EXPIRED, decided_at=timezone.now())
            if not claimed:
                continue
            transfer = Transfer.objects.select_related("from_org").get(pk=pk)
            audit.record(
                AuditAction.UPDATE,
                transfer,
                changes={"state": [TransferState.INITIATED.value, TransferState.EXPIRED.value]},
                note=gettext("Expired: valid until %(date)s") % {"date": date_format(transfer.valid_until)},
                username="system",
            )
            expired += 1
    return expired
