"""Forms of the deliberation pages: they validate input; ``deliberation.services`` changes state."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.core.validators import EVENT_DATES
from dangjian.deliberation.choices import PartyKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
MOBILE_RE = r"^1[3-9]\d{9}$"


class TopicForm(forms.Form):
    """Staff record a topic for a unit, or a member raises one."""

    org = forms.ModelChoiceField(label=_("Organization"), queryset=None)
    unit_name = forms.CharField(label=_("Unit raising the topic"), max_length=100, required=False)
    title = forms.CharField(label=_("Title"), max_length=100)
    description = forms.CharField(
        label=_("Description"), max_length=2000, widget=forms.Textarea(attrs={"rows": 5})
    )
    open_to_members = forms.BooleanField(
        label=_("Open to members"),
        required=False,
        help_text=_("Party members of the organization may read and join the discussion."),
    )
    is_public = forms.BooleanField(
        label=_("Publish on the portal once decided"), required=False, initial=True
    )

    def __init__(self, *args, orgs, as_unit: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs
        if not as_unit:
            del self.fields["unit_name"]
        else:
            self.fields["unit_name"].required = True


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))


class InvitationForm(forms.Form):
    party_kind = forms.ChoiceField(label=_("Party"), choices=PartyKind.choices)
    unit_name = forms.CharField(label=_("Unit"), max_length=100)
    username = forms.CharField(
        label=_("Account taking part online (optional)"),
        max_length=150,
        required=False,
        help_text=_(
            "The login name of a staff or member account; it gets a notice and may join the discussion."
        ),
    )


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Your comment"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class MeetingForm(forms.Form):
    held_at = forms.DateTimeField(
        label=_("Held at"), widget=DATETIME, input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
    )
    place = forms.CharField(label=_("Place"), max_length=200)
    minutes = forms.CharField(
        label=_("Minutes"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    decision = forms.CharField(label=_("Decision"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, invitations, **kwargs):
        super().__init__(*args, **kwargs)
        self.invitations = list(invitations)
        for invitation in self.invitations:
            self.fields[f"present_{invitation.pk}"] = forms.BooleanField(
                label=f"{invitation.get_party_kind_display()} · {invitation.unit_name}", required=False
            )
            self.fields[f"attendees_{invitation.pk}"] = forms.CharField(
                label=_("Who came"), max_length=200, required=False
            )
        if not self.is_bound:
            self.fields["held_at"].initial = timezone.localtime().replace(second=0, microsecond=0)

    def attendance_rows(self):
        for invitation in self.invitations:
            yield invitation, self[f"present_{invitation.pk}"], self[f"attendees_{invitation.pk}"]

    def present(self) -> dict[int, str]:
        data = self.cleaned_data
        return {
            invitation.pk: data.get(f"attendees_{invitation.pk}", "")
            for invitation in self.invitations
            if data.get(f"present_{invitation.pk}")
        }


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Task"), max_length=200)
    owner_party = forms.ChoiceField(label=_("Owner's party"), choices=PartyKind.choices)
    owner_unit = forms.CharField(label=_("Owner (unit)"), max_length=100)
    username = forms.CharField(
        label=_("Owner's account (optional)"),
        max_length=150,
        required=False,
        help_text=_("The login name of the account that reports progress; it gets a notice."),
    )
    deadline = forms.DateField(label=_("Deadline"), widget=DATE, validators=[EVENT_DATES])


class ProgressForm(forms.Form):
    progress = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)
    text = forms.CharField(
        label=_("What was done"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class RaiseForm(forms.Form):
    """A resident raises a topic on the portal, proved by a code sent to their phone."""

    org = forms.ModelChoiceField(label=_("Community"), queryset=None, empty_label=_("Choose your community"))
    title = forms.CharField(label=_("Title"), max_length=100)
    description = forms.CharField(
        label=_("What should be deliberated"), max_length=2000, widget=forms.Textarea(attrs={"rows": 5})
    )
    name = forms.CharField(label=_("Your name"), max_length=50, help_text=_("Not published."))
    contact_phone = forms.RegexField(
        label=_("Mobile phone"),
        regex=MOBILE_RE,
        max_length=11,
        error_messages={"invalid": _("Please enter an 11-digit mainland mobile number.")},
    )
    code = forms.CharField(label=_("Verification code"), max_length=6)

    def __init__(self, *args, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs
