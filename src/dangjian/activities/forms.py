"""Forms of the activities pages; each hands its cleaned data to a service function."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from dangjian.activities.choices import AwardLevel, EvaluationResult, RecordEntryKind
from dangjian.core.validators import EVENT_DATES
from dangjian.orgs.choices import AreaKind
from dangjian.orgs.models import Area, Organization
from dangjian.volunteering.models import Skill

ADD = "activities.add_activity"
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ActivityForm(forms.Form):
    org = forms.ModelChoiceField(label=_("Organization"), queryset=Organization.objects.none())
    area = forms.ModelChoiceField(label=_("Area"), queryset=Area.objects.none())
    title = forms.CharField(label=_("Title"), max_length=200)
    place = forms.CharField(label=_("Place"), max_length=200)
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=DATETIME)
    ends_at = forms.DateTimeField(label=_("Ends at"), widget=DATETIME)
    capacity = forms.IntegerField(label=_("Places"), min_value=1, max_value=100_000)
    skills = forms.ModelMultipleChoiceField(
        label=_("Skills wanted"), queryset=Skill.objects.filter(is_active=True), required=False
    )
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    is_public = forms.BooleanField(label=_("Show on the residents' portal to join"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user=None, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = (
            Organization.objects.visible_to(user, ADD).filter(is_active=True).order_by("path")
        )
        self.fields["area"].queryset = (
            Area.objects.visible_to(user, ADD)
            .filter(kind__in=[AreaKind.STREET, AreaKind.COMMUNITY, AreaKind.GRID])
            .order_by("path")
        )
        if editing:
            del self.fields["org"]
            del self.fields["area"]


class ConfirmHoursForm(forms.Form):
    hours = forms.DecimalField(label=_("Hours served"), min_value=0, max_value=24, decimal_places=1)
    version = forms.IntegerField(widget=forms.HiddenInput)


class CorrectHoursForm(forms.Form):
    hours = forms.DecimalField(
        label=_("Hours actually served"),
        min_value=0,
        max_value=24,
        decimal_places=1,
        help_text=_("0 if the service did not take place."),
    )
    reason = forms.CharField(label=_("Reason for the correction"), max_length=300)
    effective = forms.DecimalField(widget=forms.HiddenInput, decimal_places=1, required=False)


class CertificateRequestForm(forms.Form):
    org = forms.ModelChoiceField(label=_("Recording organization"), queryset=Organization.objects.none())
    purpose = forms.CharField(label=_("Purpose (optional)"), max_length=200, required=False)

    def __init__(self, *args, orgs=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs if orgs is not None else Organization.objects.none()


class HoursEntryForm(forms.Form):
    """Staff enter service the platform did not see; the person is picked from a search."""

    person = forms.ModelChoiceField(label=_("Volunteer"), queryset=None)
    org = forms.ModelChoiceField(label=_("Recording organization"), queryset=Organization.objects.none())
    served_on = forms.DateField(label=_("Served on"), widget=forms.DateInput(attrs={"type": "date"}))
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    content = forms.CharField(label=_("Service content"), max_length=500)
    hours = forms.DecimalField(
        label=_("Hours actually served"), min_value=Decimal("0.1"), max_value=24, decimal_places=1
    )

    def __init__(self, *args, user=None, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people
        self.fields["org"].queryset = (
            Organization.objects.visible_to(user, "activities.add_hoursrecord")
            .filter(is_active=True)
            .order_by("path")
        )

    def service_fields(self) -> dict:
        return {
            key: self.cleaned_data[key] for key in ["person", "org", "served_on", "place", "content", "hours"]
        }


class RewardForm(forms.Form):
    org = forms.ModelChoiceField(label=_("Organization"), queryset=Organization.objects.none())
    area = forms.ModelChoiceField(label=_("Area"), queryset=Area.objects.none())
    name = forms.CharField(label=_("Name"), max_length=100)
    description = forms.CharField(label=_("Description"), max_length=300, required=False)
    cost = forms.IntegerField(label=_("Points"), min_value=1, max_value=1_000_000)
    stock = forms.IntegerField(label=_("Stock"), min_value=0, max_value=1_000_000)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        permission = "activities.add_rewarditem"
        self.fields["org"].queryset = (
            Organization.objects.visible_to(user, permission).filter(is_active=True).order_by("path")
        )
        self.fields["area"].queryset = (
            Area.objects.visible_to(user, permission)
            .filter(kind__in=[AreaKind.STREET, AreaKind.COMMUNITY])
            .order_by("path")
        )


# --- training, awards and evaluation (RecordEntry) --------------------------------------------

# The fields each kind shows besides the date, title and content; the service checks them.
KIND_FIELDS = {
    RecordEntryKind.TRAINING: ["training_hours"],
    RecordEntryKind.AWARD: ["awarded_by", "award_level"],
    RecordEntryKind.EVALUATION: ["period", "result"],
}
ENTRY_FIELDS = [
    "occurred_on",
    "title",
    "content",
    *(name for names in KIND_FIELDS.values() for name in names),
]
TITLE_LABELS = {
    RecordEntryKind.TRAINING: _("Training course"),
    RecordEntryKind.AWARD: _("Award or honour"),
    RecordEntryKind.EVALUATION: _("Evaluation"),
}


class _EntryFields(forms.Form):
    """Date, title and content, and the kind's own fields (others removed for the kind)."""

    occurred_on = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}), validators=[EVENT_DATES]
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    content = forms.CharField(
        label=_("Content or comment"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    training_hours = forms.DecimalField(
        label=_("Hours of training"), max_digits=5, decimal_places=1, required=False
    )
    awarded_by = forms.CharField(label=_("Awarding body"), max_length=200, required=False)
    award_level = forms.ChoiceField(
        label=_("Level"), choices=[("", "—"), *AwardLevel.choices], required=False
    )
    period = forms.CharField(
        label=_("Period evaluated"), max_length=50, required=False, help_text=_("For example 2025年度.")
    )
    result = forms.ChoiceField(
        label=_("Result"), choices=[("", "—"), *EvaluationResult.choices], required=False
    )

    def _keep_kind(self, kind: str) -> None:
        self.fields["title"].label = TITLE_LABELS[kind]
        for names in KIND_FIELDS.values():
            for name in names:
                if name not in KIND_FIELDS[kind]:
                    del self.fields[name]

    def entry_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in ENTRY_FIELDS if name in self.cleaned_data}


class RecordEntryForm(_EntryFields):
    """Record a training, an award or an evaluation; the person is picked from a search."""

    person = forms.ModelChoiceField(label=_("Volunteer"), queryset=None)
    org = forms.ModelChoiceField(label=_("Recording organization"), queryset=Organization.objects.none())
    kind = forms.ChoiceField(choices=RecordEntryKind.choices, widget=forms.HiddenInput)

    field_order = ["person", "org", "kind", *ENTRY_FIELDS]

    def __init__(self, *args, user=None, people=None, kind: str = RecordEntryKind.TRAINING, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people
        self.fields["org"].queryset = (
            Organization.objects.visible_to(user, "activities.add_recordentry")
            .filter(is_active=True)
            .order_by("path")
        )
        self._keep_kind(kind)


class CorrectEntryForm(_EntryFields):
    """Correct an entry (all its fields as they should be) or withdraw it, with the reason."""

    withdraw = forms.BooleanField(
        label=_("Withdraw the entry"),
        required=False,
        help_text=_("If it was recorded in error; it then no longer counts or shows on a 证明."),
    )
    reason = forms.CharField(label=_("Reason for the correction"), max_length=300)
    seen = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, kind: str = RecordEntryKind.TRAINING, **kwargs):
        super().__init__(*args, **kwargs)
        self._keep_kind(kind)
        if self.data.get("withdraw"):
            for name in self.fields:
                if name not in ("withdraw", "reason", "seen"):
                    self.fields[name].required = False
