"""Forms of the leader mailbox: writing (resident, member), assignment, answer, publication, rating,
turning into a service request, and a mailbox's settings."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from dangjian.core.validators import validate_mobile
from dangjian.mailbox.services import open_mailboxes
from dangjian.orgs.choices import AreaKind
from dangjian.orgs.models import Area


def mailbox_choices() -> list[tuple[str, str]]:
    return [(str(box.pk), f"{box.title}（{box.org.name}）") for box in open_mailboxes()]


def community_choices() -> list[tuple[str, str]]:
    rows = (
        Area.objects.filter(kind=AreaKind.COMMUNITY, is_active=True)
        .order_by("path")
        .values_list("pk", "name")
    )
    return [(str(pk), name) for pk, name in rows[:2000]]


class WriteForm(forms.Form):
    mailbox = forms.TypedChoiceField(label=pgettext_lazy("mailbox", "To"), coerce=int)
    subject = forms.CharField(label=_("Subject"), max_length=100)
    text = forms.CharField(label=_("Your message"), max_length=3000, widget=forms.Textarea(attrs={"rows": 6}))
    area = forms.TypedChoiceField(
        label=_("Your community (optional)"), coerce=int, required=False, empty_value=None
    )
    agrees_to_publish = forms.BooleanField(
        label=_("The question and answer may be published, without my name, phone or address"), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mailbox"].choices = [("", gettext("Choose a mailbox")), *mailbox_choices()]
        self.fields["area"].choices = [("", gettext("Not given")), *community_choices()]

    @property
    def area_obj(self) -> Area | None:
        pk = self.cleaned_data.get("area")
        return Area.objects.filter(pk=pk, is_active=True).first() if pk else None


class ResidentWriteForm(WriteForm):
    writer_name = forms.CharField(label=_("Your name (optional)"), max_length=64, required=False)
    contact_phone = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        help_text=_("Only the staff answering see it; it is never published."),
    )
    code = forms.CharField(label=_("Verification code"), max_length=6, min_length=6)
    notify_by_sms = forms.BooleanField(
        label=_("Send me a text message when the answer is ready"), required=False
    )

    def clean_contact_phone(self) -> str:
        phone = self.cleaned_data["contact_phone"].strip().replace(" ", "").replace("-", "")
        validate_mobile(phone)
        return phone


class AssignForm(forms.Form):
    assignee = forms.TypedChoiceField(label=_("Assign to"), coerce=int)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, users=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [("", gettext("Choose a staff member"))] + [
            (user.pk, user.get_full_name() or user.username) for user in users
        ]


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer"), max_length=3000, widget=forms.Textarea(attrs={"rows": 6}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class PublishForm(forms.Form):
    public_subject = forms.CharField(label=_("Published subject"), max_length=100)
    public_text = forms.CharField(
        label=_("Published question"), max_length=3000, widget=forms.Textarea(attrs={"rows": 5})
    )
    public_answer = forms.CharField(
        label=_("Published answer"), max_length=3000, widget=forms.Textarea(attrs={"rows": 5})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ToRequestForm(forms.Form):
    category = forms.TypedChoiceField(label=pgettext_lazy("mailbox", "Category"), coerce=int)
    area = forms.TypedChoiceField(label=_("Grid"), coerce=int)

    def __init__(self, *args, categories=(), grids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "—"), *[(c.pk, c.name) for c in categories]]
        self.fields["area"].choices = [("", "—"), *[(a.pk, a.name) for a in grids]]


class RateForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How helpful was the answer?"),
        coerce=int,
        choices=[(n, "★" * n) for n in range(5, 0, -1)],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(label=_("Comment (optional)"), max_length=500, required=False)


class MailboxForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=100)
    intro = forms.CharField(label=_("Introduction"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    answer_days = forms.IntegerField(
        label=_("Answer within (working days)"), min_value=1, max_value=60, initial=5
    )
    is_open = forms.BooleanField(label=_("Open for messages"), required=False, initial=True)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class TrackLookupForm(forms.Form):
    code = forms.CharField(label=pgettext_lazy("portal", "Tracking code"), max_length=16)

    def clean_code(self) -> str:
        return self.cleaned_data["code"].strip().upper().replace(" ", "")
