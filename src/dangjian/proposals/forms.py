"""Forms of the proposal pages: they validate input; ``proposals.services`` changes state."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

MOBILE_RE = r"^1[3-9]\d{9}$"


class ProposalForm(forms.Form):
    org = forms.ModelChoiceField(label=_("To"), queryset=None, empty_label=None)
    title = forms.CharField(label=_("Title"), max_length=100)
    text = forms.CharField(
        label=_("What you propose"), max_length=2000, widget=forms.Textarea(attrs={"rows": 5})
    )

    def __init__(self, *args, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs


class PhoneProof(forms.Form):
    """A resident's name and a code sent to their phone (the portal's codes)."""

    contact_phone = forms.RegexField(
        label=_("Mobile phone"),
        regex=MOBILE_RE,
        max_length=11,
        error_messages={"invalid": _("Please enter an 11-digit mainland mobile number.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "tel"}),
    )
    code = forms.CharField(
        label=_("Verification code"),
        max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class ResidentProposalForm(ProposalForm, PhoneProof):
    name = forms.CharField(label=_("Your name"), max_length=50, help_text=_("Shown as 张*."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            css = "form-select" if name == "org" else "form-control"
            field.widget.attrs["class"] = css + (
                " is-invalid" if self.is_bound and name in self.errors else ""
            )


class RespondForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("accept", _("Accept")), ("decline", _("Decline"))]
    )
    response = forms.CharField(label=_("Response"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    link = forms.CharField(
        label=_("Follow-up"),
        max_length=200,
        required=False,
        help_text=_("Such as the number of the service request or the deliberation topic it became."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class ThresholdForm(forms.Form):
    supports_needed = forms.IntegerField(label=_("Supports needed"), min_value=1, max_value=100000)
