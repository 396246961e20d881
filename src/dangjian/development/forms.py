"""Forms of the pipeline pages: they validate input; ``development.services`` changes state.

The record-step form is built from the step's rules, so a region's edited step asks for the
values its rules read (votes, introducers, training hours …) without a code change.
"""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.core.models import Person
from dangjian.core.validators import EVENT_DATES
from dangjian.development.choices import ApplicantSource, ApplicantState, Stage
from dangjian.members.voters import members_with_a_vote
from dangjian.orgs.choices import BRANCH_KINDS
from dangjian.orgs.models import Organization


class DateInput(forms.DateInput):
    input_type = "date"


class ApplicantFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    stage = forms.ChoiceField(
        label=_("Stage"), choices=[("", _("All stages")), *Stage.choices], required=False
    )
    state = forms.ChoiceField(
        label=_("State"), choices=[("", _("All states")), *ApplicantState.choices], required=False
    )
    late = forms.BooleanField(label=_("Late only"), required=False)
    # The records of the "pipeline steps due" figure: next step due in [due_from, due_until).
    due_from = forms.DateField(label=_("Due from"), required=False, widget=forms.HiddenInput)
    due_until = forms.DateField(label=_("Due until (exclusive)"), required=False, widget=forms.HiddenInput)


class ApplyForm(forms.Form):
    person = forms.ModelChoiceField(
        queryset=Person.objects.none(), label=_("Person"), widget=forms.RadioSelect
    )
    org = forms.ModelChoiceField(queryset=Organization.objects.none(), label=_("Branch"))
    date = forms.DateField(validators=[EVENT_DATES], label=_("Application date"), widget=DateInput)
    source = forms.ChoiceField(label=_("Source"), choices=ApplicantSource.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=500)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.visible_to(user, "development.add_applicant")
        self.fields["org"].queryset = (
            Organization.objects.visible_to(user, "development.add_applicant")
            .filter(kind__in=BRANCH_KINDS, is_active=True)
            .order_by("path")
        )
        self.fields["date"].initial = timezone.localdate()


class MemberChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.person.name


# Values a rule kind asks for, in the form.
VOTE_FIELDS = ("present", "in_favour", "against", "abstain")


class RecordStepForm(forms.Form):
    """Date, materials handed in, note, and the values the step's rules read."""

    date = forms.DateField(validators=[EVENT_DATES], label=_("Date"), widget=DateInput)
    materials = forms.MultipleChoiceField(
        label=_("Materials handed in"), required=False, widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, step, applicant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()
        self.fields["materials"].choices = [(m, m) for m in step.materials]
        self.fields["materials"].initial = list(step.materials)
        if not step.materials:
            del self.fields["materials"]
        kinds = {rule.get("kind"): rule for rule in step.rules or []}
        # The members with a vote today, the branch's 党小组 included (``members.voters``); the
        # service checks them again on the step's date.
        members = (
            members_with_a_vote(applicant.org).select_related("person").order_by("person__name_pinyin", "id")
        )
        for rule in step.rules or []:
            if rule.get("kind") == "members":
                key = rule.get("value", "members")
                label = _("Introducers") if key == "introducers" else _("Contacts (培养联系人)")
                self.fields[key] = MemberChoiceField(
                    queryset=members, label=label, widget=forms.CheckboxSelectMultiple, required=False
                )
        if "vote" in kinds:
            labels = {
                "present": _("Full members present"),
                "in_favour": _("In favour"),
                "against": _("Against"),
                "abstain": _("Abstaining"),
            }
            for key in VOTE_FIELDS:
                self.fields[key] = forms.IntegerField(
                    label=labels[key], min_value=0, required=key != "abstain"
                )
            written = {
                "written_in_favour": _("Written opinions of absent members: in favour"),
                "written_against": _("Written opinions of absent members: against"),
                "written_abstain": _("Written opinions of absent members: abstaining"),
            }
            for key, label in written.items():
                self.fields[key] = MemberChoiceField(
                    queryset=members,
                    label=label,
                    widget=forms.SelectMultiple(attrs={"size": 4}),
                    required=False,
                    help_text=_(
                        "Members with a vote who could not attend and handed in a written opinion before the meeting (细则第二十一条)."
                    ),
                )
        if "training" in kinds:
            self.fields["days"] = forms.DecimalField(label=_("Training days"), min_value=0, required=False)
            self.fields["hours"] = forms.DecimalField(label=_("Class hours"), min_value=0, required=False)
        if "months" in kinds:
            self.fields["months"] = forms.IntegerField(label=_("Months"), min_value=1, max_value=24)
        if any(rule.get("reason") for rule in step.rules or []):
            self.fields["reason"] = forms.CharField(
                label=_("Reason for the delay"),
                help_text=_(
                    "Only when the step is later than its normal limit: the special reason (for the "
                    "approval), or the transfer that postponed the 转正 discussion."
                ),
                required=False,
                max_length=500,
            )

    def values(self) -> dict:
        values = {}
        for key, value in self.cleaned_data.items():
            if key in ("date", "materials", "note") or value in (None, ""):
                continue
            if hasattr(value, "values_list"):
                value = list(value.values_list("pk", flat=True))
            values[key] = value
        return values


class WithdrawForm(forms.Form):
    date = forms.DateField(validators=[EVENT_DATES], label=_("Date"), widget=DateInput)
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()


class RuleSetCopyForm(forms.Form):
    """A new draft from an existing set: its name, source document, effective date and place."""

    name = forms.CharField(label=_("Name"), max_length=100)
    source = forms.CharField(
        label=_("Source document"),
        max_length=200,
        help_text=_("The document the rules follow, e.g. the revised 细则 with its number."),
    )
    effective_from = forms.DateField(
        label=_("Effective from"),
        widget=DateInput,
        help_text=_("Steps dated on or after this date are judged by the new set."),
    )
    org = forms.ModelChoiceField(
        queryset=Organization.objects.none(),
        label=_("Applies to (organization subtree)"),
        required=False,
        help_text=_("Empty: applies everywhere."),
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, user=None, original=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = Organization.objects.visible_to(
            user, "development.change_ruleset"
        ).order_by("path")
        if original is not None:
            self.fields["source"].initial = original.source
            self.fields["org"].initial = original.org_id


class StepEditForm(forms.Form):
    """A step of a draft set: its words, order, materials, rules (JSON) and reminder."""

    name = forms.CharField(label=_("Name"), max_length=100)
    stage = forms.ChoiceField(label=_("Stage"), choices=Stage.choices)
    order = forms.IntegerField(label=_("Order"), min_value=0)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    materials = forms.CharField(
        label=_("Required materials"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line."),
    )
    rules = forms.JSONField(
        label=_("Time rules"),
        widget=forms.Textarea(attrs={"rows": 12, "class": "font-monospace"}),
        help_text=_("A JSON list of rules; see the rule kinds in the documentation."),
    )
    reminder_days = forms.IntegerField(label=_("Reminder days"), min_value=0, max_value=365)
    is_required = forms.BooleanField(label=_("Required"), required=False)
    is_repeatable = forms.BooleanField(label=_("Repeatable"), required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False)

    def clean_materials(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["materials"].splitlines() if line.strip()]

    def clean_rules(self) -> list:
        rules = self.cleaned_data["rules"]
        if not isinstance(rules, list) or not all(isinstance(rule, dict) for rule in rules):
            raise forms.ValidationError(_("The rules must be a list of objects."))
        return rules


class RuleSetLoadForm(forms.Form):
    file = forms.FileField(
        label=_("Rule set file (JSON)"),
        help_text=_("The format of a rule set's export: name, source, effective_from, org and steps."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 1_000_000:
            raise forms.ValidationError(_("The file is larger than 1 MB."))
        return upload
