"""Forms of the 示范点 pages: they validate input; ``demonstration.services`` changes state."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.core.validators import EVENT_DATES
from dangjian.demonstration.choices import DemonstrationLevel, ItemResult, RecheckOutcome, SetState
from dangjian.demonstration.models import StandardSet
from dangjian.demonstration.services import MAX_RECTIFY_WORKING_DAYS, MAX_YEAR, MIN_YEAR
from dangjian.orgs.models import Organization

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = forms.Textarea(attrs={"rows": 3})


class SetForm(forms.Form):
    org = forms.ModelChoiceField(label=_("Issued by"), queryset=Organization.objects.none())
    level = forms.ChoiceField(label=_("Level"), choices=DemonstrationLevel.choices)
    name = forms.CharField(label=_("Name"), max_length=100, initial="十大标准")
    year = forms.IntegerField(label=_("Year"), min_value=MIN_YEAR, max_value=MAX_YEAR)
    description = forms.CharField(label=_("Description"), required=False, max_length=4000, widget=TEXT)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = Organization.objects.visible_to(
            user, "demonstration.add_standardset"
        ).filter(is_active=True)
        if editing:
            del self.fields["org"]


class ItemForm(forms.Form):
    number = forms.IntegerField(label=_("Number"), min_value=1, max_value=99)
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, max_length=4000, widget=TEXT)
    evidence_required = forms.CharField(
        label=_("Evidence required"), required=False, max_length=4000, widget=TEXT
    )


class ApplicationForm(forms.Form):
    org = forms.ModelChoiceField(label=_("Organization"), queryset=Organization.objects.none())
    standard_set = forms.ModelChoiceField(label=_("Standard set"), queryset=StandardSet.objects.none())
    summary = forms.CharField(label=_("Summary"), required=False, max_length=4000, widget=TEXT)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = Organization.objects.visible_to(
            user, "demonstration.add_application"
        ).filter(is_active=True)
        self.fields["standard_set"].queryset = (
            StandardSet.objects.visible_to(user).filter(state=SetState.PUBLISHED).select_related("org")
        )


class EvidenceForm(forms.Form):
    text = forms.CharField(
        label=_("Evidence"), required=False, max_length=8000, widget=forms.Textarea(attrs={"rows": 6})
    )
    file = forms.FileField(label=_("Add a photo or document"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ReviewItemForm(forms.Form):
    result = forms.ChoiceField(
        label=_("Review"), choices=[(ItemResult.MET, _("Met")), (ItemResult.NOT_MET, _("Not met"))]
    )
    comment = forms.CharField(label=_("Review comment"), required=False, max_length=2000, widget=TEXT)


class DecideForm(forms.Form):
    DESIGNATE, REJECT = "designate", "reject"
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[(DESIGNATE, _("Designate")), (REJECT, _("Reject"))]
    )
    since = forms.DateField(
        validators=[EVENT_DATES],
        label=_("Designated since"),
        widget=DATE,
        initial=timezone.localdate,
        required=False,
    )
    next_recheck_due = forms.DateField(
        validators=[EVENT_DATES], label=_("First re-check due"), widget=DATE, required=False
    )
    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000, widget=TEXT)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class RecheckForm(forms.Form):
    """One met/not-met field and a comment per standard item, then the outcome."""

    checked_on = forms.DateField(
        validators=[EVENT_DATES], label=_("Checked on"), widget=DATE, initial=timezone.localdate
    )
    outcome = forms.ChoiceField(label=_("Outcome"), choices=RecheckOutcome.choices)
    rectify_working_days = forms.IntegerField(
        label=_("Rectify within (working days)"),
        min_value=1,
        max_value=MAX_RECTIFY_WORKING_DAYS,
        required=False,
        help_text=_("For a warning: the deadline counts working days (holidays skipped)."),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=TEXT)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        for item in self.items:
            self.fields[f"met_{item.pk}"] = forms.BooleanField(
                label=f"{item.number}. {item.title}", required=False
            )
            self.fields[f"comment_{item.pk}"] = forms.CharField(
                label=_("Comment on item %(number)s") % {"number": item.number},
                required=False,
                max_length=500,
            )

    def results(self) -> dict[int, tuple[bool, str]]:
        data = self.cleaned_data
        return {
            item.pk: (bool(data.get(f"met_{item.pk}")), data.get(f"comment_{item.pk}", ""))
            for item in self.items
        }
