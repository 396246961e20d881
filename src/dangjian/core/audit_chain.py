"""The tamper-evident audit log: the worker seals audit entries into a SHA-256 hash chain, and
``verify_audit_chain`` recomputes it to find an entry or a seal changed, removed or slipped in.

Writers take no part: ``audit.record`` only inserts its line, so concurrent transactions never
wait on a chain head. A periodic job (``core.tasks.seal_audit_log``) seals what was committed
since its last run, oldest first, one sealer at a time (it locks the single ``AuditSealer`` row,
which no writer touches); an entry committed after later ones were sealed gets a later seal.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Exists, Max, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core.models import AuditEntry, AuditSeal, AuditSealer

# The hash before the first seal.
GENESIS_HASH = "0" * 64

# Every field of an audit entry goes into its link. Adding a field to AuditEntry needs a new
# scheme here (old seals were computed without it); tests/core/test_audit_chain.py holds the
# list against the model so the question cannot be missed.
CHAINED_FIELDS = (
    "id",
    "at",
    "user_id",
    "username",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "changes",
    "note",
    "request_id",
    "ip",
    "org_path",
    "area_path",
)

# An entry whose transaction committed after the sealer had passed its id is looked for among
# the entries written up to this long before the sealer's previous run. A transaction open
# longer than that leaves its entry unsealed, and the check reports it like an inserted one.
LATE_WINDOW = datetime.timedelta(hours=1)

BATCH_SIZE = 1000
# One run seals at most this many entries (a few seconds); a backlog drains over the next runs.
MAX_PER_RUN = 100_000

# The first breaks kept in a report; the count covers all of them.
REPORTED_BREAKS = 50


def canonical_entry(values: dict[str, Any]) -> str:
    """The entry's fields as canonical JSON: sorted keys, no spaces, the time in UTC to the µs."""
    plain = {name: values[name] for name in CHAINED_FIELDS}
    at = plain["at"]
    if isinstance(at, datetime.datetime):
        plain["at"] = at.astimezone(datetime.UTC).isoformat(timespec="microseconds")
    return json.dumps(plain, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def link_hash(previous_hash: str, values: dict[str, Any]) -> str:
    """SHA-256 of the previous link's hash followed by the entry's canonical JSON, as hex."""
    return hashlib.sha256((previous_hash + canonical_entry(values)).encode()).hexdigest()


def _unsealed(entries: QuerySet) -> QuerySet:
    return entries.filter(~Exists(AuditSeal.objects.filter(entry_id=OuterRef("pk"))))


def _sealed_high_water() -> int:
    """The highest entry id sealed so far (read from the unique index)."""
    return AuditSeal.objects.aggregate(high=Max("entry_id"))["high"] or 0


def _late_cutoff(last_run_at: datetime.datetime | None) -> datetime.datetime | None:
    return last_run_at - LATE_WINDOW if last_run_at is not None else None


def _values(entries: QuerySet) -> QuerySet:
    return entries.order_by("id").values(*CHAINED_FIELDS)


# --- sealing ---------------------------------------------------------------------------------


def _append_seals(rows: list[dict[str, Any]], now: datetime.datetime) -> int:
    """Seal ``rows`` in their order after the last seal."""
    last = AuditSeal.objects.order_by("-index").values_list("index", "hash").first()
    index, previous = last or (0, GENESIS_HASH)
    seals = []
    for row in rows:
        index += 1
        previous = link_hash(previous, row)
        seals.append(AuditSeal(index=index, entry_id=row["id"], hash=previous, sealed_at=now))
    AuditSeal.objects.bulk_create(seals)
    return len(seals)


def seal_pending(*, batch_size: int = BATCH_SIZE, limit: int = MAX_PER_RUN) -> int:
    """Seal the audit entries not sealed yet, oldest first; returns how many were sealed.

    First the entries committed late (ids below the highest sealed one, written since shortly
    before the previous run), then the new ones by id. Each batch is one transaction holding
    the sealer's lock, so a second sealer (another worker, a run started by hand) waits and then
    finds nothing left. Running it again with nothing new changes nothing.
    """
    now = timezone.now()
    AuditSealer.objects.bulk_create([AuditSealer(pk=1)], ignore_conflicts=True)
    sealed = 0
    late: QuerySet | None = None
    late_done = False
    while sealed < limit:
        size = min(batch_size, limit - sealed)
        with transaction.atomic():
            sealer = AuditSealer.objects.select_for_update().get(pk=1)
            if late is None:
                late = AuditEntry.objects.filter(id__lte=_sealed_high_water())
                if sealer.last_run_at is not None or not AuditSeal.objects.exists():
                    # A line committed after the previous run passed its id was written at most
                    # LATE_WINDOW before that run. (Seals but no sealer row: a database put
                    # together by hand; look at everything.)
                    late = late.filter(at__gte=(sealer.last_run_at or now) - LATE_WINDOW)
                late = _unsealed(late)
            sealer.last_run_at = now
            sealer.save(update_fields=["last_run_at"])
            rows = [] if late_done else list(_values(late)[:size])
            late_done = len(rows) < size
            if len(rows) < size:
                new = AuditEntry.objects.filter(id__gt=_sealed_high_water())
                rows += list(_values(new)[: size - len(rows)])
            count = _append_seals(rows, now)
        sealed += count
        if count < size:
            break
    return sealed


# --- verifying -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChainBreak:
    """One place where the chain does not hold; ``kind`` is for programs, ``message`` for people."""

    kind: str  # entry_changed, entry_deleted, seal_changed, seal_removed, entry_unsealed, anchor_mismatch
    message: str
    index: int | None = None
    entry_id: int | None = None


@dataclass
class ChainReport:
    """What ``verify_chain`` found: the head to write down elsewhere, the breaks, the backlog."""

    sealed: int = 0
    head_index: int = 0
    head_hash: str = GENESIS_HASH
    head_sealed_at: datetime.datetime | None = None
    breaks: list[ChainBreak] = field(default_factory=list)
    break_count: int = 0
    pending: int = 0
    oldest_pending_at: datetime.datetime | None = None

    @property
    def intact(self) -> bool:
        return self.break_count == 0

    def add(self, found: ChainBreak) -> None:
        self.break_count += 1
        if len(self.breaks) < REPORTED_BREAKS:
            self.breaks.append(found)


@dataclass(frozen=True)
class _Link:
    index: int
    entry_id: int
    stored_hash: str
    after_gap: int | None  # the index of the seal before, when seals between are missing
    entry_found: bool
    holds: bool  # the stored hash is the hash of the previous stored hash and the entry


def _links(batch_size: int) -> Iterator[_Link]:
    """Every seal by index with its link checked against the stored hash before it.

    Checking each link against the *stored* previous hash (rather than a recomputed chain)
    keeps a break local: one changed entry breaks one link, one changed seal two.
    """
    previous_index, previous_hash = 0, GENESIS_HASH
    while True:
        seals = list(
            AuditSeal.objects.filter(index__gt=previous_index)
            .order_by("index")
            .values_list("index", "entry_id", "hash")[:batch_size]
        )
        if not seals:
            return
        entries = {row["id"]: row for row in _values(AuditEntry.objects.filter(id__in=[s[1] for s in seals]))}
        for index, entry_id, stored_hash in seals:
            entry = entries.get(entry_id)
            gap = index != previous_index + 1
            yield _Link(
                index=index,
                entry_id=entry_id,
                stored_hash=stored_hash,
                after_gap=previous_index if gap else None,
                entry_found=entry is not None,
                holds=entry is not None and not gap and link_hash(previous_hash, entry) == stored_hash,
            )
            previous_index, previous_hash = index, stored_hash


def _pairs(links: Iterable[_Link]) -> Iterator[tuple[_Link, _Link | None]]:
    """Each link with the one after it (None after the last)."""
    previous = None
    for link in links:
        if previous is not None:
            yield previous, link
        previous = link
    if previous is not None:
        yield previous, None


def _check_links(report: ChainReport, batch_size: int) -> None:
    consequence = False  # the link after a changed seal breaks because of it: not a second break
    for link, following in _pairs(_links(batch_size)):
        report.sealed += 1
        report.head_index, report.head_hash = link.index, link.stored_hash
        if link.after_gap is not None:
            report.add(
                ChainBreak(
                    "seal_removed",
                    _("Seals %(first)s to %(last)s are missing: removed from the chain.")
                    % {"first": link.after_gap + 1, "last": link.index - 1},
                    index=link.after_gap + 1,
                )
            )
        if not link.entry_found:
            report.add(
                ChainBreak(
                    "entry_deleted",
                    _("Audit entry #%(entry)s sealed at position %(index)s is missing: it was deleted.")
                    % {"entry": link.entry_id, "index": link.index},
                    index=link.index,
                    entry_id=link.entry_id,
                )
            )
        if link.holds or not link.entry_found or link.after_gap is not None:
            consequence = False
            continue
        if consequence:
            consequence = False
            continue
        if following is None:
            # The latest link has no next one to tell a changed entry from a changed seal.
            report.add(
                ChainBreak(
                    "entry_changed",
                    _(
                        "Audit entry #%(entry)s does not match the latest seal, at position %(index)s: "
                        "the entry or the seal was changed."
                    )
                    % {"entry": link.entry_id, "index": link.index},
                    index=link.index,
                    entry_id=link.entry_id,
                )
            )
            continue
        next_checked = following.entry_found and following.after_gap is None
        if next_checked and not following.holds:
            consequence = True
            report.add(
                ChainBreak(
                    "seal_changed",
                    _(
                        "The seal at position %(index)s was changed (its hash matches neither audit entry "
                        "#%(entry)s nor the next link), or entries #%(entry)s and #%(next)s were both changed."
                    )
                    % {"index": link.index, "entry": link.entry_id, "next": following.entry_id},
                    index=link.index,
                    entry_id=link.entry_id,
                )
            )
        else:
            report.add(
                ChainBreak(
                    "entry_changed",
                    _("Audit entry #%(entry)s was changed after it was sealed at position %(index)s.")
                    % {"entry": link.entry_id, "index": link.index},
                    index=link.index,
                    entry_id=link.entry_id,
                )
            )


def _check_unsealed(report: ChainReport) -> None:
    """Count the backlog, and report entries below the sealed range that the sealer will never
    take: slipped in afterwards with an earlier time (or left by a transaction open too long)."""
    last_run_at = AuditSealer.objects.filter(pk=1).values_list("last_run_at", flat=True).first()
    cutoff = _late_cutoff(last_run_at)
    unsealed = _unsealed(AuditEntry.objects.all())
    missed = unsealed.none()
    if cutoff is not None:
        missed = unsealed.filter(id__lte=_sealed_high_water(), at__lt=cutoff)
    missed_ids = list(missed.order_by("id").values_list("id", flat=True))
    for entry_id in missed_ids:
        report.add(
            ChainBreak(
                "entry_unsealed",
                _(
                    "Audit entry #%(entry)s lies within the sealed range but was never sealed: inserted "
                    "afterwards, or written by a transaction open for more than an hour."
                )
                % {"entry": entry_id},
                entry_id=entry_id,
            )
        )
    backlog = unsealed.exclude(id__in=missed_ids) if missed_ids else unsealed
    report.pending = backlog.count()
    report.oldest_pending_at = backlog.order_by("at").values_list("at", flat=True).first()


def verify_chain(*, expect: Iterable[tuple[int, str]] = (), batch_size: int = BATCH_SIZE) -> ChainReport:
    """Recompute every link of the chain and report where it breaks, plus the unsealed backlog.

    ``expect`` holds (index, hash) pairs written down elsewhere earlier (the head the command
    printed): a chain rewritten from some point on verifies by itself, but not against them.
    """
    report = ChainReport()
    _check_links(report, batch_size)
    if report.sealed:
        report.head_sealed_at = (
            AuditSeal.objects.filter(index=report.head_index).values_list("sealed_at", flat=True).first()
        )
    for index, expected_hash in expect:
        stored = AuditSeal.objects.filter(index=index).values_list("hash", flat=True).first()
        if stored != expected_hash.lower():
            report.add(
                ChainBreak(
                    "anchor_mismatch",
                    _(
                        "The seal at position %(index)s does not have the hash written down earlier "
                        "(%(expected)s): the chain was rewritten or cut."
                    )
                    % {"index": index, "expected": expected_hash},
                    index=index,
                )
            )
    _check_unsealed(report)
    return report
