"""Monthly party dues under 《关于中国共产党党费收缴、使用和管理的规定》 (中组发〔2008〕3号).

In force since 2008-04-01. Amounts are ``Decimal`` yuan rounded half-up to the fen. Paying more
than the amount is allowed, reductions and waivers need an approved application: both are the
ledger's business, not this function's.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from dangjian.members.choices import MemberCategory

RULES_IN_FORCE_FROM = datetime.date(2008, 4, 1)
FEN = Decimal("0.01")

# (upper bound of the monthly base, inclusive; rate). The last bracket has no upper bound.
EMPLOYED_BRACKETS: tuple[tuple[Decimal | None, Decimal], ...] = (
    (Decimal("3000"), Decimal("0.005")),
    (Decimal("5000"), Decimal("0.01")),
    (Decimal("10000"), Decimal("0.015")),
    (None, Decimal("0.02")),
)
RETIRED_BRACKETS: tuple[tuple[Decimal | None, Decimal], ...] = (
    (Decimal("5000"), Decimal("0.005")),
    (None, Decimal("0.01")),
)
# 学生, 下岗失业, members living on 抚恤/救济 or on 最低生活保障: a flat 0.2 yuan a month.
FLAT_AMOUNT = Decimal("0.20")
FARMER_MINIMUM = Decimal("0.20")
FARMER_MAXIMUM = Decimal("1.00")

# Category names as the regulation and the 党员信息采集表 write them, and our codes.
CATEGORY_ALIASES = {
    "在职": MemberCategory.EMPLOYED,
    "离退休": MemberCategory.RETIRED,
    "农民": MemberCategory.FARMER,
    "学生": MemberCategory.STUDENT,
    "下岗失业": MemberCategory.UNEMPLOYED,
    "抚恤": "relief",
    "救济": "relief",
    "抚恤救济": "relief",
    "最低生活保障": "subsistence",
    "低保": "subsistence",
}
FLAT_CATEGORIES = {MemberCategory.STUDENT, MemberCategory.UNEMPLOYED, "relief", "subsistence"}


def _rate(brackets: tuple[tuple[Decimal | None, Decimal], ...], base: Decimal) -> Decimal:
    for upper, rate in brackets:
        if upper is None or base <= upper:
            return rate
    raise AssertionError("the last bracket has no upper bound")


def monthly_dues(category: str, base: Decimal, *, on: datetime.date | None = None) -> Decimal:
    """The dues of one month for a member of ``category`` with the declared monthly ``base``.

    ``base`` is the monthly after-tax salary (在职) or pension (离退休); for 农民 it is the fixed
    amount the branch set (0.2 to 1 yuan), returned as it is; it is ignored for the flat 0.2-yuan
    categories. Raises ValueError, with the rule in the message, for a negative base, a farmer
    amount outside 0.2–1 yuan, a month before 2008-04-01, or a category the rules do not price.
    """
    if on is not None and on < RULES_IN_FORCE_FROM:
        raise ValueError(
            _("The dues rules of 中组发〔2008〕3号 apply from 1 April 2008; %(date)s is earlier.")
            % {"date": on.isoformat()}
        )
    base = Decimal(base)
    if base < 0:
        raise ValueError(_("The monthly base cannot be negative (%(base)s).") % {"base": base})
    code = CATEGORY_ALIASES.get(category, category)
    if code == MemberCategory.EMPLOYED:
        amount = base * _rate(EMPLOYED_BRACKETS, base)
    elif code == MemberCategory.RETIRED:
        amount = base * _rate(RETIRED_BRACKETS, base)
    elif code == MemberCategory.FARMER:
        if not FARMER_MINIMUM <= base <= FARMER_MAXIMUM:
            raise ValueError(
                _(
                    "A farmer member pays a fixed 0.2 to 1 yuan a month set by the branch (中组发〔2008〕3号); %(base)s is outside it."
                )
                % {"base": base}
            )
        amount = base
    elif code in FLAT_CATEGORIES:
        amount = FLAT_AMOUNT
    else:
        raise ValueError(
            _(
                "The dues rules do not price the category “%(category)s”: record the member's income category (在职, 离退休, 农民, 学生, 下岗失业 …)."
            )
            % {"category": category}
        )
    return amount.quantize(FEN, rounding=ROUND_HALF_UP)
