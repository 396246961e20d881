"""Generator step: party dues for the demo and benchmark data.

Every branch sets a farmer amount; every member declares a base for each year of the last 24
months and pays monthly — most on time, some late, a few in arrears, a few six months in a row
(the 党章 case), some with approved reductions or waivers. Amounts are computed in Python with
``monthly_dues`` and written with ``bulk_create`` in batches, without a query per row: at the
district scale that is about a million payments.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from dangjian.core.generator.steps import generator_step
from dangjian.dues.choices import DuesCategory, PaymentMethod, ReductionState, dues_category_for
from dangjian.dues.ledger import add_months, month_of
from dangjian.dues.models import DuesDeclaration, DuesPayment, DuesReduction, DuesSetting
from dangjian.dues.rules import RULES_IN_FORCE_FROM, monthly_dues
from dangjian.members.models import PartyMember

BATCH_SIZE = 5000
MONTHS = 24
FARMER_AMOUNTS = [Decimal("0.20"), Decimal("0.50"), Decimal("0.50"), Decimal("1.00")]
METHODS = [
    (PaymentMethod.WECHAT, 40),
    (PaymentMethod.CASH, 30),
    (PaymentMethod.ALIPAY, 10),
    (PaymentMethod.BANK_TRANSFER, 10),
    (PaymentMethod.PAYROLL, 10),
]
# Shares of the members' payment habits (the rest pay on time).
LATE, ARREARS, SIX_MONTHS, REDUCED = 0.10, 0.05, 0.02, 0.03
REASONS = [
    "因病住院，家庭收入锐减，申请减交。",
    "失业在家照顾老人，生活困难，申请免交。",
    "家庭遭受意外变故，申请免交。",
]


def _base(rng, category: str) -> Decimal:
    if category == DuesCategory.EMPLOYED:
        return Decimal(rng.randrange(2500, 16000, 100))
    if category == DuesCategory.RETIRED:
        return Decimal(rng.randrange(1800, 9000, 100))
    return Decimal("0")


def _paid_on(rng, month: datetime.date, today: datetime.date, late_months: int = 0) -> datetime.date:
    paid_month = add_months(month, late_months)
    day = paid_month.replace(day=rng.randint(1, 28))
    return min(day, today)


class _Writer:
    """Collects rows and bulk-inserts them every BATCH_SIZE, so memory stays flat."""

    def __init__(self, model):
        self.model = model
        self.rows: list = []
        self.written = 0

    def add(self, row) -> None:
        self.rows.append(row)
        if len(self.rows) >= BATCH_SIZE:
            self.flush()

    def flush(self) -> None:
        if self.rows:
            self.model.objects.bulk_create(self.rows, batch_size=BATCH_SIZE)
            self.written += len(self.rows)
            self.rows = []


@generator_step("dues", order=20)
def generate_dues(generator) -> int:
    rng = generator.rng
    today = generator.today
    current = month_of(today)
    # The last 24 months that are over, and the current one (still open).
    months = [add_months(current, offset) for offset in range(-MONTHS, 1)]
    months = [month for month in months if month >= RULES_IN_FORCE_FROM]
    years = sorted({month.year for month in months})
    members = list(
        PartyMember.objects.filter(is_active=True)
        .order_by("pk")
        .values_list("pk", "org_id", "category", "joined_on")
    )
    if not members:
        return 0
    org_ids = sorted({org_id for _pk, org_id, _category, _joined in members})
    farmer = {org_id: rng.choice(FARMER_AMOUNTS) for org_id in org_ids}
    DuesSetting.objects.bulk_create(
        [DuesSetting(org_id=org_id, farmer_amount=amount) for org_id, amount in farmer.items()],
        batch_size=BATCH_SIZE,
    )
    methods, weights = zip(*METHODS, strict=True)
    declarations = _Writer(DuesDeclaration)
    payments = _Writer(DuesPayment)
    reductions = _Writer(DuesReduction)
    amounts: dict[tuple[str, Decimal, int], Decimal] = {}

    for pk, org_id, member_category, joined_on in members:
        category = dues_category_for(member_category)
        if category == DuesCategory.UNEMPLOYED and rng.random() < 0.3:
            category = rng.choice([DuesCategory.RELIEF, DuesCategory.SUBSISTENCE])
        base = _base(rng, category)
        first = month_of(joined_on) if joined_on else months[0]
        monthly: dict[int, Decimal] = {}
        for year in years:
            if datetime.date(year, 12, 1) < first:
                continue
            year_base = farmer[org_id] if category == DuesCategory.FARMER else base
            key = (category, year_base, year)
            if key not in amounts:
                amounts[key] = monthly_dues(
                    category, year_base, on=max(datetime.date(year, 1, 1), RULES_IN_FORCE_FROM)
                )
            monthly[year] = amounts[key]
            declarations.add(
                DuesDeclaration(
                    member_id=pk,
                    year=year,
                    category=category,
                    base=year_base,
                    monthly_amount=amounts[key],
                    declared_on=min(max(datetime.date(year, 1, rng.randint(5, 28)), first), today),
                )
            )
            if category in (DuesCategory.EMPLOYED, DuesCategory.RETIRED):
                base = (base * Decimal("1.03")).quantize(Decimal("100"))  # a raise each year

        habit = rng.random()
        stop_after = None  # the last month paid, for members in arrears
        excused: tuple[datetime.date, datetime.date, bool] | None = None
        late = habit < LATE
        if LATE <= habit < LATE + ARREARS:
            stop_after = add_months(current, -rng.randint(2, 5))
        elif LATE + ARREARS <= habit < LATE + ARREARS + SIX_MONTHS:
            stop_after = add_months(current, -rng.randint(7, 10))
        elif LATE + ARREARS + SIX_MONTHS <= habit < LATE + ARREARS + SIX_MONTHS + REDUCED:
            end = add_months(current, -rng.randint(0, 3))
            excused = (add_months(end, -rng.randint(2, 8)), end, rng.random() < 0.5)
            state = ReductionState.APPROVED if rng.random() < 0.85 else ReductionState.REQUESTED
            reductions.add(
                DuesReduction(
                    member_id=pk,
                    from_month=excused[0],
                    to_month=excused[1],
                    is_waiver=excused[2],
                    reduced_amount=None if excused[2] else Decimal("0.20"),
                    reason=rng.choice(REASONS),
                    state=state,
                    decided_at=generator_now(today) if state == ReductionState.APPROVED else None,
                    decision_note="经支委会研究同意。" if state == ReductionState.APPROVED else "",
                )
            )
            if state != ReductionState.APPROVED:
                excused = None

        for month in months:
            if month < first or month.year not in monthly:
                continue
            if stop_after is not None and month > stop_after:
                continue
            due = monthly[month.year]
            if excused is not None and excused[0] <= month <= excused[1]:
                if excused[2]:
                    continue
                due = Decimal("0.20")
            delay = rng.randint(1, 3) if late and rng.random() < 0.5 else 0
            paid_on = _paid_on(rng, month, today, delay)
            if month == current and (paid_on.month != month.month or rng.random() < 0.4):
                continue  # this month is still open: not everyone has paid yet
            paid_on = max(paid_on, month, joined_on or month)  # not before the admission
            paid = due
            if rng.random() < 0.03:
                paid = due.to_integral_value() + 1  # paying more is welcome
            payments.add(
                DuesPayment(
                    member_id=pk,
                    org_id=org_id,
                    month=month,
                    amount_due=due,
                    amount_paid=paid,
                    paid_on=paid_on,
                    method=rng.choices(methods, weights)[0],
                    receipt_number=f"DF{month:%Y%m}{pk:08d}",
                )
            )
    for writer in (declarations, payments, reductions):
        writer.flush()
    return len(farmer) + declarations.written + payments.written + reductions.written


def generator_now(today: datetime.date) -> datetime.datetime:
    from django.utils import timezone

    return timezone.make_aware(datetime.datetime.combine(today, datetime.time(10)))
