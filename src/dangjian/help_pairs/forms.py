"""Forms of the 帮扶对子 pages: they validate input; ``help_pairs.services`` changes state.

People (the helper, the head of household) are picked by their number from the search shown
above the form; the choices are the people the user may see, so a number outside their scope
is refused like a missing one.
"""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.core.models import Person
from dangjian.core.validators import EVENT_DATES
from dangjian.help_pairs.choices import PairKind
from dangjian.orgs.choices import AreaKind
from dangjian.orgs.models import Area, Organization

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = forms.Textarea(attrs={"rows": 2})
PAIR_AREA_KINDS = (AreaKind.STREET, AreaKind.COMMUNITY, AreaKind.GRID)


class PersonNumberField(forms.ModelChoiceField):
    """A person by number (shown beside each name in the search results)."""

    widget = forms.NumberInput

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Person.objects.none())
        kwargs.setdefault(
            "error_messages", {"invalid_choice": _("No person with this number is within your scope.")}
        )
        super().__init__(**kwargs)


class PairForm(forms.Form):
    helper = PersonNumberField(
        label=_("Helper (person number)"), help_text=_("The cadre or party member who helps.")
    )
    kind = forms.ChoiceField(label=_("Paired with"), choices=PairKind.choices)
    family_head = PersonNumberField(
        label=_("Head of household (person number)"),
        required=False,
        help_text=_("For a family: the head of the household."),
    )
    enterprise_name = forms.CharField(label=_("Enterprise"), required=False, max_length=200)
    area = forms.ModelChoiceField(
        label=_("Area"),
        queryset=Area.objects.none(),
        help_text=_("Where the family lives, where the enterprise is, or the village or community itself."),
    )
    org = forms.ModelChoiceField(
        label=_("Organization that owns the pair"), queryset=Organization.objects.none()
    )
    since = forms.DateField(
        validators=[EVENT_DATES], label=_("Since"), widget=DATE, initial=timezone.localdate
    )
    until = forms.DateField(validators=[EVENT_DATES], label=_("Until"), widget=DATE, required=False)
    visit_interval_days = forms.IntegerField(
        label=_("Visit every (days)"), min_value=1, max_value=366, initial=30
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=TEXT)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        people = Person.objects.visible_to(user)
        self.fields["helper"].queryset = people
        self.fields["family_head"].queryset = people
        self.fields["area"].queryset = Area.objects.visible_to(user).filter(
            kind__in=PAIR_AREA_KINDS, is_active=True
        )
        self.fields["org"].queryset = Organization.objects.visible_to(user).filter(is_active=True)


class EndForm(forms.Form):
    until = forms.DateField(
        validators=[EVENT_DATES], label=_("Ended on"), widget=DATE, initial=timezone.localdate
    )
    note = forms.CharField(label=_("Why it ends"), required=False, max_length=500, widget=TEXT)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class VisitForm(forms.Form):
    visited_on = forms.DateField(
        validators=[EVENT_DATES], label=_("Visited on"), widget=DATE, initial=timezone.localdate
    )
    findings = forms.CharField(label=_("What was found"), required=False, max_length=4000, widget=TEXT)
    problems_raised = forms.CharField(
        label=_("Problems raised"), required=False, max_length=4000, widget=TEXT
    )
    problems_raised_count = forms.IntegerField(
        label=_("Number of problems raised"), min_value=0, max_value=100, initial=0
    )
    problems_solved = forms.CharField(
        label=_("Problems solved"), required=False, max_length=4000, widget=TEXT
    )
    problems_solved_count = forms.IntegerField(
        label=_("Number of problems solved"), min_value=0, max_value=100, initial=0
    )
    next_steps = forms.CharField(label=_("Next steps"), required=False, max_length=4000, widget=TEXT)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class CorrectVisitForm(VisitForm):
    reason = forms.CharField(label=_("Reason for the correction"), max_length=500)
