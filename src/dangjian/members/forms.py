"""Forms of the transfer pages: they validate input; ``members.services`` changes state."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from dangjian.members.choices import TransferState
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
    state = forms.ChoiceField(
        label=_("State"), choices=[("", _("All states")), *TransferState.choices], required=False
    )
