"""Forms of the service-post pages: they validate input; ``service_posts.services`` changes state."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.core.validators import EVENT_DATES
from dangjian.service_posts.models import Post

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MOBILE_RE = r"^1[3-9]\d{9}$"


class PostForm(forms.ModelForm):
    """A post's fields; the organization and area offered are those the user may set posts up in."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Post
        fields = ["org", "area", "title", "kind", "duties", "starts_on", "ends_on", "places", "is_public"]
        widgets = {
            "starts_on": DATE,
            "ends_on": DATE,
            "duties": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, orgs, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs
        self.fields["area"].queryset = areas
        self.fields["area"].required = False
        self.fields["places"].min_value = 1
        for name in ("starts_on", "ends_on"):
            self.fields[name].validators.append(EVENT_DATES)
        if not self.instance.pk:
            self.fields["starts_on"].initial = timezone.localdate
        else:
            self.fields["version"].initial = self.instance.version

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {name: data[name] for name in self.Meta.fields}


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))


class RenewForm(forms.Form):
    ends_on = forms.DateField(label=_("New end of the period"), widget=DATE, validators=[EVENT_DATES])


class NoteForm(forms.Form):
    """A resident's comment on a holder or message to them, proved by a code sent to their phone."""

    name = forms.CharField(label=_("Your name"), max_length=50, help_text=_("Shown as 张*."))
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
    text = forms.CharField(
        label=_("What you want to say"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
