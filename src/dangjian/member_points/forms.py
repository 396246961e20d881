"""Forms of the 党员积分 pages: they validate input; ``member_points.services`` changes state."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.core.registry import registry
from dangjian.core.validators import EVENT_DATES
from dangjian.orgs.models import Organization

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
POINTS = {"max_digits": 10, "decimal_places": 2}


def source_choices() -> list[tuple[str, str]]:
    return [(key, str(source.label)) for key, source in sorted(registry["point_sources"].items())]


class RuleForm(forms.Form):
    source_key = forms.ChoiceField(label=_("Point source"), choices=())
    name = forms.CharField(label=_("Name"), max_length=100)
    points_per_unit = forms.DecimalField(
        label=_("Points per unit"),
        min_value=Decimal("-1000"),
        max_value=Decimal("1000"),
        help_text=_(
            "Per meeting attended, per hour served, per month paid on time or per month holding a post."
        ),
        **POINTS,
    )
    monthly_cap = forms.DecimalField(
        label=_("Monthly cap"),
        required=False,
        min_value=Decimal("0"),
        max_value=Decimal("100000"),
        help_text=_(
            "At most this many points a member earns under this rule in one month; empty for no cap."
        ),
        **POINTS,
    )
    active_from = forms.DateField(label=_("Active from"), widget=DATE, initial=timezone.localdate)
    active_to = forms.DateField(label=_("Active to"), widget=DATE, required=False)
    org = forms.ModelChoiceField(
        label=_("Only for organization"),
        queryset=Organization.objects.none(),
        required=False,
        help_text=_("Empty: the rule applies to every member."),
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source_key"].choices = source_choices()
        self.fields["org"].queryset = Organization.objects.visible_to(
            user, "member_points.change_pointrule"
        ).order_by("path")


class AwardForm(forms.Form):
    direction = forms.ChoiceField(
        label=_("Award or deduct"), choices=[("award", _("Award")), ("deduct", _("Deduct"))], initial="award"
    )
    points = forms.DecimalField(
        label=_("Points"), min_value=Decimal("0.01"), max_value=Decimal("1000"), **POINTS
    )
    reason = forms.CharField(label=_("Reason"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))
    occurred_on = forms.DateField(
        label=_("Date"), widget=DATE, initial=timezone.localdate, validators=[EVENT_DATES]
    )

    def signed_points(self) -> Decimal:
        points = self.cleaned_data["points"]
        return -points if self.cleaned_data["direction"] == "deduct" else points


class ReverseForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))
