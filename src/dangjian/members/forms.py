"""Forms of the transfer pages: they validate input; ``members.services`` changes state."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from dangjian.core.choices import Gender
from dangjian.core.validators import BIRTH_DATES, PARTY_DATES, id_number_birth_date, validate_id_number
from dangjian.members.choices import MemberStatus, TransferDirection, TransferState
from dangjian.orgs.choices import BRANCH_KINDS
from dangjian.orgs.models import Organization


def receiving_orgs():
    """Organizations a member can be transferred to anywhere in the system: active branches.

    Not limited to the user's scope: a letter goes to the member's new organization, which is
    usually outside the sending secretary's subtree. Only names and codes are shown.
    """
    return Organization.objects.filter(is_active=True, kind__in=BRANCH_KINDS)


class TransferForm(forms.Form):
    to_org = forms.ModelChoiceField(
        queryset=Organization.objects.none(), label=_("To organization"), widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: moved house, changed employer."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_org"].queryset = receiving_orgs()


class AcceptForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for returning"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


class TransferFilterForm(forms.Form):
    DIRECTIONS = [("", _("Incoming and outgoing")), ("in", _("Incoming")), ("out", _("Outgoing"))]

    direction = forms.ChoiceField(label=_("Direction"), choices=DIRECTIONS, required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("All kinds")), *TransferDirection.choices], required=False
    )
    member = forms.IntegerField(required=False, widget=forms.HiddenInput)
    state = forms.ChoiceField(
        label=_("State"), choices=[("", _("All states")), *TransferState.choices], required=False
    )
    # One organization's subtree (the 工作台's roll-up by community links to it).
    org = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput)


class OutgoingForm(forms.Form):
    """A letter to an organization outside the system (another province, the army, abroad …)."""

    external_org_name = forms.CharField(
        label=_("Receiving organization outside the system"),
        max_length=200,
        help_text=_("The full name of the party organization, as it will be printed on the letter."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: moved to another city, enlisted."),
    )


class IncomingForm(forms.Form):
    """A letter from outside the system, typed in from the paper letter by the receiving branch."""

    to_org = forms.ModelChoiceField(queryset=Organization.objects.none(), label=_("Receiving branch"))
    external_org_name = forms.CharField(label=_("Issuing organization"), max_length=200)
    external_letter_number = forms.CharField(
        label=_("Number of the letter"),
        max_length=64,
        required=False,
        help_text=_("As printed on the letter by the issuing organization."),
    )
    name = forms.CharField(label=_("Name"), max_length=64)
    gender = forms.ChoiceField(label=_("Gender"), choices=Gender.choices)
    ethnicity = forms.CharField(label=_("Ethnicity"), max_length=16, initial="汉族")
    id_number = forms.CharField(label=_("ID number"), max_length=18)
    birth_date = forms.DateField(
        validators=[BIRTH_DATES],
        label=_("Birth date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    status = forms.ChoiceField(label=_("Status"), choices=MemberStatus.choices)
    joined_on = forms.DateField(
        validators=[PARTY_DATES], label=_("Joined on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    regularized_on = forms.DateField(
        validators=[PARTY_DATES],
        label=_("Became full member on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty for a probationary member."),
    )
    reason = forms.CharField(
        label=_("Note"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, branches=None, **kwargs):
        super().__init__(*args, **kwargs)
        if branches is not None:
            self.fields["to_org"].queryset = branches

    def clean_id_number(self) -> str:
        value = self.cleaned_data["id_number"].strip().upper()
        validate_id_number(value)
        return value

    def clean(self):
        cleaned = super().clean()
        # The birth date is in the ID number; fill it in when left empty.
        if not cleaned.get("birth_date") and cleaned.get("id_number"):
            cleaned["birth_date"] = id_number_birth_date(cleaned["id_number"])
        return cleaned


class BirthdayFilterForm(forms.Form):
    WINDOWS = [("month", _("This month")), ("30", _("Next 30 days"))]

    window = forms.ChoiceField(label=_("Period"), choices=WINDOWS, required=False)
    org = forms.ModelChoiceField(
        label=_("Organization"),
        queryset=Organization.objects.none(),
        required=False,
        empty_label=_("All my organizations"),
    )

    def __init__(self, *args, orgs=None, **kwargs):
        super().__init__(*args, **kwargs)
        if orgs is not None:
            self.fields["org"].queryset = orgs
