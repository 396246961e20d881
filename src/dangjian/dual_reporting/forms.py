"""Forms of the 双报到 pages: they validate input; ``dual_reporting.services`` changes state."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.core.validators import EVENT_DATES
from dangjian.dual_reporting.choices import ClaimKind, FeedbackRating
from dangjian.members.models import PartyMember
from dangjian.orgs.models import Organization

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = forms.Textarea(attrs={"rows": 2})


class OfferFields(forms.Form):
    """What a member offers the community when reporting."""

    reported_on = forms.DateField(
        validators=[EVENT_DATES], label=_("Reported on"), widget=DATE, initial=timezone.localdate
    )
    skills = forms.CharField(
        label=_("Skills"),
        required=False,
        max_length=500,
        widget=TEXT,
        help_text=_("For example: law, medicine, teaching, repairs, photography."),
    )
    willingness = forms.CharField(
        label=_("Willingness to serve"),
        required=False,
        max_length=500,
        widget=TEXT,
        help_text=_("For example: weekends, evenings, elderly care, epidemic prevention."),
    )
    commitments = forms.CharField(label=_("Commitments"), required=False, max_length=1000, widget=TEXT)
    confirm_not_employed = forms.BooleanField(
        label=_("The member is not in service (在职), record the report anyway"), required=False
    )

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "reported_on": data["reported_on"],
            "skills": data["skills"],
            "willingness": data["willingness"],
            "commitments": data["commitments"],
            "confirm_not_employed": data["confirm_not_employed"],
        }


class SelfReportForm(OfferFields):
    """我要报到: the member reports to the community of their home (shown, not chosen)."""


class MemberPickForm(forms.Form):
    """The member a staff user records a report for (picked from search results)."""

    member = forms.ModelChoiceField(queryset=PartyMember.objects.none(), label=_("Party member"))

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        if members is not None:
            self.fields["member"].queryset = members


class UnitPickForm(forms.Form):
    """The unit party organization to pair (picked from search results)."""

    unit_org = forms.ModelChoiceField(
        queryset=Organization.objects.none(), label=_("Unit party organization")
    )

    def __init__(self, *args, orgs=None, **kwargs):
        super().__init__(*args, **kwargs)
        if orgs is not None:
            self.fields["unit_org"].queryset = orgs


class PairingForm(forms.Form):
    since = forms.DateField(
        validators=[EVENT_DATES], label=_("Since"), widget=DATE, initial=timezone.localdate
    )
    until = forms.DateField(validators=[EVENT_DATES], label=_("Until"), widget=DATE, required=False)
    agreement = forms.CharField(
        label=_("Agreement"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the unit and the community agreed to do together (共建协议)."),
    )


class EndForm(forms.Form):
    ended_on = forms.DateField(
        validators=[EVENT_DATES], label=_("Ended on"), widget=DATE, initial=timezone.localdate
    )


class ClaimForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ClaimKind.choices)
    title = forms.CharField(label=_("What was claimed"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, max_length=2000, widget=TEXT)
    claimed_on = forms.DateField(
        validators=[EVENT_DATES], label=_("Claimed on"), widget=DATE, initial=timezone.localdate
    )


class ServiceLogForm(forms.Form):
    served_on = forms.DateField(
        validators=[EVENT_DATES], label=_("Served on"), widget=DATE, initial=timezone.localdate
    )
    hours = forms.DecimalField(
        label=_("Hours"), max_digits=5, decimal_places=1, widget=forms.NumberInput(attrs={"step": "0.5"})
    )
    description = forms.CharField(label=_("What was done"), max_length=2000, widget=TEXT)
    claim = forms.ChoiceField(label=_("For the claim"), required=False)

    def __init__(self, *args, claims=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.claims = {str(claim.pk): claim for claim in claims}
        self.fields["claim"].choices = [("", _("(none)"))] + [(pk, c.title) for pk, c in self.claims.items()]

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "served_on": data["served_on"],
            "hours": data["hours"],
            "description": data["description"],
            "claim": self.claims.get(data.get("claim") or ""),
        }


def _year_choices() -> list[tuple[int, int]]:
    this_year = timezone.localdate().year
    return [(year, year) for year in range(this_year, this_year - 5, -1)]


class FeedbackForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, choices=_year_choices)
    rating = forms.ChoiceField(label=_("Rating"), choices=FeedbackRating.choices, widget=forms.RadioSelect)
    text = forms.CharField(
        label=_("Feedback"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "What the member or unit did for the community this year; sent to the unit's organization."
        ),
    )


def default_feedback_year(today: datetime.date | None = None) -> int:
    """Feedback is usually written early in the year for the year before; late in the year for this one."""
    today = today or timezone.localdate()
    return today.year if today.month >= 11 else today.year - 1
