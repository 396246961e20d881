"""Dues categories of 中组发〔2008〕3号, payment methods and the states of a reduction application."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dangjian.members.choices import MemberCategory


class DuesCategory(models.TextChoices):
    """How a member's dues are priced (the codes ``dues.rules.monthly_dues`` understands)."""

    EMPLOYED = "employed", _("Employed (salary)")
    RETIRED = "retired", _("Retired (pension)")
    FARMER = "farmer", _("Farmer")
    STUDENT = "student", _("Student")
    UNEMPLOYED = "unemployed", _("Laid-off or unemployed")
    RELIEF = "relief", _("Living on pension for the disabled or relief")
    SUBSISTENCE = "subsistence", _("Living on the minimum subsistence allowance")


# The flat 0.2-yuan categories and the farmer's branch-set amount need no declared base.
CATEGORIES_WITHOUT_BASE = {
    DuesCategory.FARMER,
    DuesCategory.STUDENT,
    DuesCategory.UNEMPLOYED,
    DuesCategory.RELIEF,
    DuesCategory.SUBSISTENCE,
}


def dues_category_for(member_category: str) -> str:
    """The dues category suggested by the ledger's member category (mobile members usually work)."""
    if member_category in DuesCategory.values:
        return member_category
    return (
        DuesCategory.EMPLOYED
        if member_category in (MemberCategory.MOBILE, MemberCategory.OTHER)
        else member_category
    )


class PaymentMethod(models.TextChoices):
    CASH = "cash", _("Cash")
    WECHAT = "wechat", _("WeChat Pay")
    ALIPAY = "alipay", _("Alipay")
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")
    PAYROLL = "payroll", _("Payroll deduction")
    OTHER = "other", pgettext_lazy("payment method", "Other")


class ReductionState(models.TextChoices):
    """An application to pay less (减交) or nothing (免交): 申请 → 批准 / 不批准."""

    REQUESTED = "requested", pgettext_lazy("reduction state", "Requested")
    APPROVED = "approved", pgettext_lazy("reduction state", "Approved")
    REJECTED = "rejected", pgettext_lazy("reduction state", "Rejected")
