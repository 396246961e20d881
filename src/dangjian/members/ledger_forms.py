"""Forms of the member ledger pages: a member's entry (add and edit), the 失联 flag, 留党察看.

The forms only shape input; the rules (ID number, 转正 one year after joining, one membership per
person, stale edits) are the services' (``members.ledger_services``) and come back as form errors.
"""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dangjian.core.choices import Education, Gender
from dangjian.core.scoping import ORG, scope_of
from dangjian.core.validators import BIRTH_DATES, EVENT_DATES, PARTY_DATES
from dangjian.members.choices import MemberCategory, MemberStatus, RestrictionKind
from dangjian.orgs.models import Organization

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def orgs_for_new_members(user):
    """Active organizations where the user may add members (their own subtrees)."""
    scope = scope_of(user)
    organizations = Organization.objects.filter(is_active=True).order_by("path")
    if scope.is_global:
        return organizations
    paths = [
        grant.path
        for grant in scope.grants
        if grant.tree == ORG and "members.add_partymember" in grant.permissions
    ]
    if not paths:
        return organizations.none()
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(path__startswith=path)
    return organizations.filter(condition)


class MemberForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("member ledger", "Name"), max_length=64)
    id_number = forms.CharField(
        label=pgettext_lazy("member ledger", "ID number"),
        max_length=18,
        help_text=_("18 characters; the birth date and gender are read from it when left empty."),
    )
    gender = forms.ChoiceField(
        label=pgettext_lazy("member ledger", "Gender"),
        choices=[("", "---------"), *Gender.choices],
        required=False,
    )
    ethnicity = forms.CharField(
        label=pgettext_lazy("member ledger", "Ethnicity"), max_length=16, initial="汉族"
    )
    birth_date = forms.DateField(
        validators=[BIRTH_DATES],
        label=pgettext_lazy("member ledger", "Birth date"),
        required=False,
        widget=DATE,
    )
    education = forms.ChoiceField(
        label=pgettext_lazy("member ledger", "Education"),
        choices=[("", "---------"), *Education.choices],
        required=False,
    )
    mobile = forms.CharField(label=pgettext_lazy("member ledger", "Mobile"), max_length=20, required=False)
    status = forms.ChoiceField(
        label=pgettext_lazy("member ledger", "Member status"), choices=MemberStatus.choices
    )
    category = forms.ChoiceField(
        label=pgettext_lazy("member ledger", "Member category"), choices=MemberCategory.choices
    )
    joined_on = forms.DateField(
        validators=[PARTY_DATES],
        label=pgettext_lazy("member ledger", "Joined the Party on"),
        widget=DATE,
        help_text=_("The date of the 支部大会 that admitted the member as a 预备党员."),
    )
    regularized_on = forms.DateField(
        validators=[PARTY_DATES],
        label=pgettext_lazy("member ledger", "Became full member on"),
        widget=DATE,
        required=False,
        help_text=_("转正 date; at least one year after joining. Empty for a 预备党员."),
    )
    workplace = forms.CharField(
        label=pgettext_lazy("member ledger", "Workplace"), max_length=200, required=False
    )
    job_title = forms.CharField(
        label=pgettext_lazy("member ledger", "Job title"), max_length=100, required=False
    )
    flow_out_destination = forms.CharField(
        label=pgettext_lazy("member ledger", "Flow-out destination"),
        max_length=200,
        required=False,
        help_text=_("Where a mobile (流动) member is now."),
    )
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    # Hidden until the ID number turns out to be registered to someone in the user's scope; the
    # page then shows that person and this box as a checkbox (``ledger_views.member_create``).
    confirm_existing_person = forms.BooleanField(
        label=_("Link the membership to this registered person"), required=False, widget=forms.HiddenInput
    )

    def ask_to_confirm(self) -> None:
        """Show the confirmation box (the service found a registered person in scope)."""
        self.fields["confirm_existing_person"].widget = forms.CheckboxInput()


class OrgPickForm(forms.Form):
    """The organization of a new member, picked from search results (``includes/pick_one.html``).

    A district holds thousands of organizations, so the page never lists them all: it shows the
    results of a search, and this field checks the posted one with a single query against the
    organizations where the user may add members (anything else is "not a valid choice").
    """

    org = forms.ModelChoiceField(
        label=pgettext_lazy("member ledger", "Party organization"), queryset=Organization.objects.none()
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs_for_new_members(user)


class MemberEditForm(MemberForm):
    """The edit form: no organization (a move is a transfer); empty ID number or mobile keeps it."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["confirm_existing_person"]  # an edit never links another person
        for name in ("id_number", "mobile"):
            self.fields[name].required = False
        self.fields["id_number"].help_text = _("Leave empty to keep the registered ID number.")
        self.fields["mobile"].help_text = _("Leave empty to keep the registered mobile.")


class LostContactForm(forms.Form):
    since = forms.DateField(
        validators=[EVENT_DATES], label=_("Lost contact since"), widget=DATE, required=False
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class RestrictionForm(forms.Form):
    """留党察看 or suspended rights: the period and the decision."""

    kind = forms.ChoiceField(label=_("Kind"), choices=RestrictionKind.choices)
    starts_on = forms.DateField(validators=[EVENT_DATES], label=_("Starts on"), widget=DATE)
    ends_on = forms.DateField(
        label=_("Ends on (last day)"),
        widget=DATE,
        required=False,
        help_text=_("Required for 留党察看; empty for a suspension whose end is not known yet."),
    )
    decision_number = forms.CharField(label=_("Decision document number"), max_length=64, required=False)
    decision_organ = forms.CharField(label=_("Deciding organ"), max_length=200)
    decision_text = forms.CharField(
        label=_("Decision"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class EndRestrictionForm(forms.Form):
    ends_on = forms.DateField(validators=[EVENT_DATES], label=_("Last day"), widget=DATE)
    note = forms.CharField(label=_("Reason"), max_length=500)
