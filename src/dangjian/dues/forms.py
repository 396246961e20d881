"""Forms of the dues pages: they validate input; ``dues.services`` changes state."""

from __future__ import annotations

import datetime
import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.core.validators import EVENT_DATES
from dangjian.dues.choices import DuesCategory, PaymentMethod

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONTH_INPUT = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
MONTH_FORMATS = ["%Y-%m", "%Y-%m-%d", "%Y/%m", "%Y年%m月"]
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


def parse_month(text: str | None) -> datetime.date | None:
    """``2026-11`` → 2026-11-01; None for anything else."""
    match = _MONTH.match((text or "").strip())
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not 2000 <= year <= 2100 or not 1 <= month <= 12:
        return None
    return datetime.date(year, month, 1)


class MonthField(forms.DateField):
    widget = MONTH_INPUT
    default_validators = [EVENT_DATES]

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", MONTH_FORMATS)
        super().__init__(**kwargs)

    def to_python(self, value):
        day = super().to_python(value)
        return day.replace(day=1) if day else day


class PaymentForm(forms.Form):
    month = MonthField(label=_("Month"))
    amount_paid = forms.DecimalField(
        label=_("Amount paid (yuan)"), min_value=0, max_digits=10, decimal_places=2
    )
    method = forms.ChoiceField(
        label=_("Payment method"), choices=PaymentMethod.choices, initial=PaymentMethod.CASH
    )
    paid_on = forms.DateField(
        validators=[EVENT_DATES], label=_("Paid on"), widget=DATE_INPUT, initial=timezone.localdate
    )
    receipt_number = forms.CharField(label=_("Receipt number"), max_length=32, required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class DeclarationForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2008, max_value=2100)
    category = forms.ChoiceField(label=_("Dues category"), choices=DuesCategory.choices)
    base = forms.DecimalField(
        label=_("Monthly base (yuan)"),
        min_value=0,
        max_digits=12,
        decimal_places=2,
        required=False,
        help_text=_(
            "After-tax monthly salary (employed) or pension (retired); not needed for the other categories."
        ),
    )
    declared_on = forms.DateField(
        validators=[EVENT_DATES], label=_("Declared on"), widget=DATE_INPUT, initial=timezone.localdate
    )


class SettingForm(forms.Form):
    farmer_amount = forms.DecimalField(
        label=_("Farmer members' monthly amount (yuan)"),
        min_value=0,
        max_digits=4,
        decimal_places=2,
        help_text=_("A fixed 0.2 to 1 yuan a month, set by the branch (中组发〔2008〕3号)."),
    )


class ReductionForm(forms.Form):
    from_month = MonthField(label=_("From month"))
    to_month = MonthField(label=_("To month"))
    is_waiver = forms.BooleanField(label=_("Waive the dues entirely"), required=False)
    reduced_amount = forms.DecimalField(
        label=_("Reduced monthly amount (yuan)"), min_value=0, max_digits=10, decimal_places=2, required=False
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("approve", _("Approve")), ("reject", _("Do not approve"))]
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
