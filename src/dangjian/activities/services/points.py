"""时间银行: points from confirmed hours by configurable rules, and redemption against a catalogue.

Posting is idempotent: every points line has a unique ``source_key`` (``hours:<record>``,
``redemption:<id>``), so posting a record again — by the service that confirmed it, or by the
periodic job that catches records posted without points (a rule added later, back-filled 双报到
hours) — writes nothing. The balance lives on one account row, locked while it changes, with a
database check that it is never below 0; a redemption that would overdraw it is refused.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext

from dangjian.activities.models import (
    HoursRecord,
    PointAccount,
    PointEntry,
    PointRule,
    Redemption,
    RewardItem,
)
from dangjian.activities.services.common import user_or_none
from dangjian.core import audit
from dangjian.core.choices import AuditAction
from dangjian.core.errors import PermissionDenied, RuleViolation

POSTING_BATCH = 500


def points_for(hours: Decimal, rule: PointRule | None) -> int:
    """Points earned by ``hours`` of one record under ``rule`` (whole points, rounded down, capped)."""
    if rule is None or not rule.is_active or hours <= 0:
        return 0
    points = int((hours * rule.points_per_hour).to_integral_value(rounding=ROUND_DOWN))
    if rule.max_points_per_record is not None:
        points = min(points, rule.max_points_per_record)
    return points


def locked_account(person_id: int) -> PointAccount:
    """The person's account, created on first use, locked for this transaction."""
    try:
        with transaction.atomic():
            PointAccount.objects.get_or_create(person_id=person_id)
    except IntegrityError:  # created meanwhile by a concurrent posting
        pass
    return PointAccount.objects.select_for_update().get(person_id=person_id)


def _delta_for(record: HoursRecord, rule: PointRule | None) -> int:
    """An original's points, or what a correction changes: points of the hours after it minus
    points of the hours before it (the cap applies to the service, not to each line)."""
    if record.corrects_id is None:
        return points_for(record.hours, rule)
    earlier = HoursRecord.objects.filter(corrects_id=record.corrects_id, pk__lt=record.pk).aggregate(
        total=Sum("hours")
    )
    before = record.corrects.hours + (earlier["total"] or Decimal("0"))
    return points_for(before + record.hours, rule) - points_for(before, rule)


def post_points_for(record: HoursRecord) -> PointEntry | None:
    """Post the points of one hours record (once). A correction that takes back more points than
    are left takes what is left: the balance never goes below 0."""
    key = f"hours:{record.pk}"
    rule = PointRule.objects.filter(source=record.source, is_active=True).first()
    with transaction.atomic():
        account = locked_account(record.person_id)
        if PointEntry.objects.filter(source_key=key).exists():
            return None
        delta = _delta_for(record, rule)
        if delta == 0:
            return None
        reason = record.content
        if record.corrects_id is not None:
            reason = gettext("Correction: %(content)s (%(reason)s)") % {
                "content": record.content,
                "reason": record.reason,
            }
        if account.balance + delta < 0:
            delta = -account.balance
            reason += gettext(" — only the points left were taken back")
            if delta == 0:
                return None
        entry = PointEntry.objects.create(
            account=account, delta=delta, reason=reason[:300], source_key=key, hours_record=record
        )
        account.balance += delta
        account.save(update_fields=["balance", "updated_at"])
    return entry


def post_pending_points(limit: int | None = None) -> int:
    """Post points for every hours record without its points line yet; returns the lines written.
    Running it again writes nothing (the periodic job's body)."""
    posted = 0
    pending = (
        HoursRecord.objects.exclude(
            pk__in=PointEntry.objects.filter(hours_record__isnull=False).values("hours_record_id")
        )
        .filter(source__in=PointRule.objects.filter(is_active=True).values("source"))
        .select_related("corrects")
        .order_by("pk")
    )
    if limit is not None:
        pending = pending[:limit]
    for record in pending.iterator(chunk_size=POSTING_BATCH):
        if post_points_for(record) is not None:
            posted += 1
    return posted


def redeem(item: RewardItem, *, by, now=None) -> Redemption:
    """Exchange the signed-in person's points for one ``item``.

    The account and the item are locked; the balance must cover the cost and the item must be in
    stock, both checked under the locks and guarded by the database's checks.
    """
    person_id = getattr(by, "person_id", None)
    if not person_id:
        raise PermissionDenied(gettext("Your account is not linked to a person."), rule="no_person")
    with transaction.atomic():
        account = locked_account(person_id)
        current = (
            RewardItem.objects.select_for_update(of=("self",)).select_related("org", "area").get(pk=item.pk)
        )
        if not current.is_active:
            raise RuleViolation(
                gettext("“%(name)s” is no longer offered.") % {"name": current.name}, rule="item_withdrawn"
            )
        if current.stock < 1:
            raise RuleViolation(
                gettext("“%(name)s” is out of stock.") % {"name": current.name}, rule="out_of_stock"
            )
        if account.balance < current.cost:
            raise RuleViolation(
                gettext("“%(name)s” costs %(cost)s points; your balance is %(balance)s.")
                % {"name": current.name, "cost": current.cost, "balance": account.balance},
                rule="balance_too_low",
            )
        redemption = Redemption.objects.create(
            item=current,
            person_id=person_id,
            points=current.cost,
            redeemed_at=now or timezone.now(),
            redeemed_by=user_or_none(by),
        )
        PointEntry.objects.create(
            account=account,
            delta=-current.cost,
            reason=gettext("Redeemed: %(name)s") % {"name": current.name},
            source_key=f"redemption:{redemption.pk}",
            redemption=redemption,
        )
        account.balance -= current.cost
        account.save(update_fields=["balance", "updated_at"])
        current.stock -= 1
        current.version += 1
        current.save(update_fields=["stock", "version"])
        audit.record(
            AuditAction.CREATE,
            redemption,
            by=by,
            changes={
                "item": [None, current.name],
                "points": [None, current.cost],
                "stock": [current.stock + 1, current.stock],
            },
        )
    return redemption


def add_reward(*, by, org, area, name: str, cost, stock, description: str = "") -> RewardItem:
    """Put an item in the catalogue of ``org``."""
    from dangjian.core.scoping import check_perm

    name = (name or "").strip()
    if not name:
        raise RuleViolation(gettext("Name the item."), rule="required", field="name")
    try:
        cost, stock = int(cost), int(stock)
    except (TypeError, ValueError):
        raise RuleViolation(
            gettext("Points and stock are whole numbers."), rule="number", field="cost"
        ) from None
    if cost < 1:
        raise RuleViolation(gettext("An item costs at least 1 point."), rule="cost_positive", field="cost")
    if stock < 0:
        raise RuleViolation(gettext("Stock cannot be below 0."), rule="stock_not_negative", field="stock")
    with transaction.atomic():
        item = RewardItem(
            org=org,
            area=area,
            name=name,
            cost=cost,
            stock=stock,
            description=(description or "").strip(),
            created_by=user_or_none(by),
        )
        check_perm(by, "activities.add_rewarditem", item)
        item.save()
        audit.record(
            AuditAction.CREATE,
            item,
            by=by,
            changes=audit.diff({}, audit.snapshot(item, ["name", "cost", "stock", "org"])),
        )
    return item
