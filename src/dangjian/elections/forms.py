"""Forms and the filterset of the election pages: they validate input; ``elections.services``
changes state."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from dangjian.core.models import Person
from dangjian.core.validators import EVENT_DATES
from dangjian.elections.choices import ElectionKind, ElectionState, ExclusionCategory
from dangjian.elections.models import Election
from dangjian.members.models import PartyMember

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


class ElectionForm(forms.ModelForm):
    """Preparing an election: kind, seats, term and the voting window (the 党员大会's time)."""

    class Meta:
        model = Election
        fields = ["kind", "title", "seats", "term_years", "starts_at", "ends_at", "meeting"]
        widgets = {"starts_at": DATETIME_INPUT, "ends_at": DATETIME_INPUT}
        help_texts = {
            "seats": _("A committee needs at least 20% more candidates than seats (差额)."),
            "meeting": _("Optional: the party members' general meeting at which the election is held."),
        }

    def __init__(self, *args, meetings=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = (
            meetings if meetings is not None else self.fields["meeting"].queryset.none()
        )
        self.fields["term_years"].required = False
        for name in ("starts_at", "ends_at"):
            self.fields[name].input_formats = DATETIME_FORMATS
            self.fields[name].validators.append(EVENT_DATES)


class ElectionEditForm(ElectionForm):
    """Editing a draft election; carries the version the user loaded (optimistic lock)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version

    def service_fields(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


class FurtherRoundForm(forms.Form):
    """Opening a further round: its voting window and, for unfilled seats, who stands."""

    candidates = forms.MultipleChoiceField(
        label=_("Candidates standing"), required=False, widget=forms.CheckboxSelectMultiple
    )
    starts_at = forms.DateTimeField(
        validators=[EVENT_DATES],
        label=_("Voting starts at"),
        widget=DATETIME_INPUT,
        input_formats=DATETIME_FORMATS,
    )
    ends_at = forms.DateTimeField(
        validators=[EVENT_DATES],
        label=_("Voting ends at"),
        widget=DATETIME_INPUT,
        input_formats=DATETIME_FORMATS,
    )

    def __init__(self, *args, pool=(), choosable: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["candidates"].choices = [(str(c.pk), c.member.person.name) for c in pool]
        if choosable:
            self.fields["candidates"].required = True
        else:
            del self.fields["candidates"]

    def candidate_ids(self) -> list[int] | None:
        if "candidates" not in self.fields:
            return None
        return [int(pk) for pk in self.cleaned_data["candidates"]]


class CandidateForm(forms.Form):
    member = forms.ModelChoiceField(label=_("Party member"), queryset=PartyMember.objects.none())

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        if members is not None:
            self.fields["member"].queryset = members
        self.fields["member"].label_from_instance = lambda member: f"{member.person.name} · {member.org.name}"


class BallotForm(forms.Form):
    """The candidates as checkboxes: ticked = in favour."""

    choices = forms.MultipleChoiceField(
        label=_("Candidates in favour"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["choices"].choices = [(str(c.pk), c.member.person.name) for c in candidates]

    def candidate_ids(self) -> list[int]:
        return [int(pk) for pk in self.cleaned_data["choices"]]


class PaperBallotForm(BallotForm):
    voter = forms.ModelChoiceField(label=_("Voter"), queryset=PartyMember.objects.none())

    field_order = ["voter", "choices"]

    def __init__(self, *args, voters=None, **kwargs):
        super().__init__(*args, **kwargs)
        if voters is not None:
            self.fields["voter"].queryset = voters
        self.fields["voter"].label_from_instance = lambda member: member.person.name


class CountForm(forms.Form):
    present = forms.IntegerField(
        label=_("Voters present"),
        min_value=0,
        help_text=_("实到会人数: the voters present at the meeting, at least the number of ballots cast."),
    )


class DecisionForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))


class ElectionFilterSet(django_filters.FilterSet):
    """Election list filters: organization (with its subtree), kind and state."""

    org = django_filters.NumberFilter(method="filter_org", widget=forms.HiddenInput, label=_("Organization"))
    kind = django_filters.ChoiceFilter(
        choices=ElectionKind.choices, label=_("Kind"), empty_label=_("All kinds")
    )
    state = django_filters.ChoiceFilter(
        choices=ElectionState.choices, label=_("State"), empty_label=_("All states")
    )

    class Meta:
        model = Election
        fields = ["org", "kind", "state"]

    def filter_org(self, queryset, name, value):
        from dangjian.orgs.models import Organization

        org = Organization.objects.filter(pk=value).only("path").first()
        return queryset.filter(org__path__startswith=org.path) if org else queryset.none()


class ExclusionForm(forms.Form):
    """A voter left out of 应到会: the category and both approvals (选举工作条例 2020)."""

    member = forms.ModelChoiceField(queryset=PartyMember.objects.none(), label=_("Party member"))
    category = forms.ChoiceField(label=_("Category"), choices=ExclusionCategory.choices)
    superior_consent = forms.CharField(
        label=_("Superior's consent"),
        max_length=200,
        help_text=_("Who consented and when, e.g. the superior committee's reply and its date."),
    )
    meeting_approved = forms.BooleanField(label=_("Approved by the meeting"), required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, voters=None, **kwargs):
        super().__init__(*args, **kwargs)
        if voters is not None:
            self.fields["member"].queryset = voters
        self.fields["member"].label_from_instance = lambda member: member.person.name


class ReduceSeatsForm(forms.Form):
    consents = forms.IntegerField(
        label=_("Electors consenting"),
        min_value=0,
        help_text=_("More than half of the electors must consent to reducing the seats."),
    )


class OfficerReportForm(forms.Form):
    """The 书记 and 副书记 the committee elected from among its members."""

    secretary = forms.ModelChoiceField(queryset=Person.objects.none(), label=_("Secretary"))
    deputy = forms.ModelChoiceField(
        queryset=Person.objects.none(), label=_("Deputy secretary"), required=False
    )
    elected_on = forms.DateField(
        label=_("Elected by the committee on"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        if people is not None:
            self.fields["secretary"].queryset = people
            self.fields["deputy"].queryset = people


class OfficerDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("reject", _("Reject"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note or reason"), required=False, max_length=200, widget=forms.Textarea(attrs={"rows": 2})
    )
