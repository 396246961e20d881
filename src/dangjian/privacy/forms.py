"""Forms of the privacy pages: recording an erasure request and confirming it."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.privacy.choices import ErasureRequester


class ErasureRequestForm(forms.Form):
    requester = forms.ChoiceField(label=_("Requested by"), choices=ErasureRequester.choices)
    requested_on = forms.DateField(
        label=_("Requested on"), widget=forms.DateInput(attrs={"type": "date"}), initial=timezone.localdate
    )
    reason = forms.CharField(
        label=_("Basis and reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Why the data may be erased (consent withdrawn, purpose achieved, …); no personal data here."
        ),
    )

    def clean_requested_on(self):
        value = self.cleaned_data["requested_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The date of the request cannot be in the future."))
        return value


class ErasureConfirmForm(forms.Form):
    confirm = forms.BooleanField(
        label=_(
            "I understand that this person's personal data is anonymized everywhere and cannot be restored."
        ),
        required=True,
    )
