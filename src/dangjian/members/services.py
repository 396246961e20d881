"""State changes of party members: transfers of the party relationship (组织关系转接) within the system.

The sending organization initiates a transfer letter, the receiving organization accepts it
(the member moves) or returns it, and a daily task expires letters past their validity. Each
function checks the permission over the right side of the letter, writes the change and its
audit lines in one transaction, and raises RuleViolation instead of returning flags; pages and
the API call these.
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from dangjian.core import audit
from dangjian.core.choices import AuditAction
from dangjian.core.errors import RuleViolation
from dangjian.core.scoping import check_perm
from dangjian.members.choices import TransferState
from dangjian.members.models import PartyMember, Transfer, transfer_valid_days
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


def initiate_transfer(member: PartyMember, *, to_org: Organization, by, reason: str = "") -> Transfer:
    """The member's organization issues a transfer letter to ``to_org`` (state 发起).

    The letter records the member's version, so a member changed before acceptance is not
    moved by a stale letter. One open letter per member (also a database constraint).
    """
    with transaction.atomic():
        current = PartyMember.objects.select_for_update().select_related("org", "person").get(pk=member.pk)
        check_perm(by, "members.add_transfer", current)
        if not current.is_active:
            raise RuleViolation(
                gettext("The membership of %(name)s is not active; it cannot be transferred.")
                % {"name": current.person.name},
                rule="transfer_inactive_member",
            )
        target = Organization.objects.get(pk=to_org.pk)
        _check_target(current, target)
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
        now = timezone.now()
        today = timezone.localdate(now)
        for attempt in range(LETTER_NUMBER_ATTEMPTS):
            try:
                with transaction.atomic():
                    transfer = Transfer.objects.create(
                        letter_number=_next_letter_number(today.year),
                        member=current,
                        from_org=current.org,
                        to_org=target,
                        valid_until=today + datetime.timedelta(days=transfer_valid_days()),
                        reason=reason.strip(),
                        initiated_by=by if getattr(by, "is_authenticated", False) else None,
                        initiated_at=now,
                        member_version=current.version,
                    )
                break
            except IntegrityError:
                # Another letter took the number (or opened for the member) meanwhile.
                if (
                    attempt == LETTER_NUMBER_ATTEMPTS - 1
                    or Transfer.objects.filter(member=current, state=TransferState.INITIATED).exists()
                ):
                    raise RuleViolation(
                        gettext("The transfer could not be saved because of a concurrent change; try again."),
                        rule="transfer_concurrent",
                    ) from None
        audit.record(AuditAction.CREATE, transfer, by=by, changes=audit.diff({}, audit.snapshot(transfer)))
    return transfer


def _locked(transfer: Transfer) -> Transfer:
    return (
        Transfer.objects.select_for_update()
        .select_related("from_org", "to_org", "member__person")
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


def accept_transfer(transfer: Transfer, *, by, note: str = "") -> Transfer:
    """The receiving organization accepts: the member moves to ``to_org`` (state 已接收).

    The transfer and the member are locked, so of two concurrent acceptances one moves the
    member and the other finds the letter decided. A member whose version changed since
    initiation is refused rather than moved over the change.
    """
    with transaction.atomic():
        current = _locked(transfer)
        check_perm(by, "members.change_transfer", current.to_org)
        _check_open(current, timezone.localdate())
        member = (
            PartyMember.objects.select_for_update().select_related("org", "person").get(pk=current.member_id)
        )
        if member.version != current.member_version or member.org_id != current.from_org_id:
            raise RuleViolation(
                gettext(
                    "The record of %(name)s has changed since transfer %(number)s was issued; the "
                    "transfer is not applied. Return it, and the sending organization can issue a new one."
                )
                % {"name": member.person.name, "number": current.letter_number},
                rule="transfer_member_changed",
            )
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
        current.state = TransferState.ACCEPTED
        current.decided_by = by if getattr(by, "is_authenticated", False) else None
        current.decided_at = timezone.now()
        current.decision_note = note.strip()
        current.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
        audit.record(
            AuditAction.UPDATE,
            current,
            by=by,
            changes={"state": [TransferState.INITIATED.value, TransferState.ACCEPTED.value]},
            note=current.decision_note,
        )
        audit.record(
            AuditAction.MOVE,
            member,
            by=by,
            changes={"org": [str(old_org), str(current.to_org)]},
            note=gettext("Transfer %(number)s") % {"number": current.letter_number},
        )
    return current


def return_transfer(transfer: Transfer, *, by, reason: str) -> Transfer:
    """The receiving organization returns the letter with a reason (state 已退回); nobody moves."""
    reason = (reason or "").strip()
    with transaction.atomic():
        current = _locked(transfer)
        check_perm(by, "members.change_transfer", current.to_org)
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
        current.state = TransferState.RETURNED
        current.decided_by = by if getattr(by, "is_authenticated", False) else None
        current.decided_at = timezone.now()
        current.decision_note = reason
        current.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
        audit.record(
            AuditAction.UPDATE,
            current,
            by=by,
            changes={"state": [TransferState.INITIATED.value, TransferState.RETURNED.value]},
            note=reason,
        )
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
