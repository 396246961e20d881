"""Forms of the 就业 pages: they validate input; ``jobs.services`` changes state."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.core.models import Person
from dangjian.core.validators import EVENT_DATES
from dangjian.orgs.choices import AreaKind
from dangjian.orgs.models import Area, Organization
from dangjian.volunteering.models import Skill

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
TEXT = forms.Textarea(attrs={"rows": 2})
AREA_KINDS = (AreaKind.STREET, AreaKind.COMMUNITY, AreaKind.GRID)


class PersonNumberField(forms.ModelChoiceField):
    """A person by number (shown beside each name in the search results)."""

    widget = forms.NumberInput

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Person.objects.none())
        kwargs.setdefault(
            "error_messages", {"invalid_choice": _("No person with this number is within your scope.")}
        )
        super().__init__(**kwargs)


class PlacedForm(forms.Form):
    """The area and recording organization, limited to the user's scope."""

    area = forms.ModelChoiceField(label=_("Area"), queryset=Area.objects.none())
    org = forms.ModelChoiceField(label=_("Recording organization"), queryset=Organization.objects.none())
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = Area.objects.visible_to(user).filter(
            kind__in=AREA_KINDS, is_active=True
        )
        self.fields["org"].queryset = Organization.objects.visible_to(user).filter(is_active=True)
        if "skills" in self.fields:
            self.fields["skills"].queryset = Skill.objects.filter(is_active=True)


class PostingForm(PlacedForm):
    enterprise_name = forms.CharField(label=_("Enterprise"), max_length=200)
    title = forms.CharField(label=_("Job title"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, max_length=4000, widget=TEXT)
    skills = forms.ModelMultipleChoiceField(
        label=_("Skills wanted"),
        queryset=Skill.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    skills_note = forms.CharField(label=_("Other requirements"), required=False, max_length=200)
    positions = forms.IntegerField(label=_("Positions"), min_value=1, max_value=10000, initial=1)
    salary_min = forms.DecimalField(
        label=_("Salary from (yuan/month)"), required=False, min_value=0, max_digits=9, decimal_places=2
    )
    salary_max = forms.DecimalField(
        label=_("Salary to (yuan/month)"), required=False, min_value=0, max_digits=9, decimal_places=2
    )
    opens_on = forms.DateField(label=_("Open from"), widget=DATE, initial=timezone.localdate)
    closes_on = forms.DateField(label=_("Open until"), widget=DATE, required=False)

    field_order = [
        "enterprise_name",
        "title",
        "description",
        "skills",
        "skills_note",
        "positions",
        "salary_min",
        "salary_max",
        "opens_on",
        "closes_on",
        "area",
        "org",
    ]


class SeekerForm(PlacedForm):
    person = PersonNumberField(label=_("Person (number)"))
    wanted_job = forms.CharField(label=_("Job wanted"), required=False, max_length=200)
    skills = forms.ModelMultipleChoiceField(
        label=_("Skills"), queryset=Skill.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    skills_note = forms.CharField(label=_("Other skills"), required=False, max_length=200)
    registered_on = forms.DateField(
        label=_("Registered on"), validators=[EVENT_DATES], widget=DATE, initial=timezone.localdate
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=TEXT)

    field_order = ["person", "wanted_job", "skills", "skills_note", "registered_on", "area", "org", "note"]

    def __init__(self, *args, user, editing: bool = False, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["person"].queryset = Person.objects.visible_to(user)
        if editing:
            del self.fields["person"]
            del self.fields["registered_on"]


class TrainingForm(PlacedForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=DATETIME)
    ends_at = forms.DateTimeField(label=_("Ends at"), widget=DATETIME, required=False)
    place = forms.CharField(label=_("Place"), required=False, max_length=200)
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1, max_value=1000, initial=30)
    description = forms.CharField(label=_("Description"), required=False, max_length=4000, widget=TEXT)

    field_order = ["title", "starts_at", "ends_at", "place", "capacity", "description", "area", "org"]


class PlaceForm(forms.Form):
    posting = forms.ModelChoiceField(label=_("Posting"), queryset=None)
    placed_on = forms.DateField(
        label=_("Placed on"), validators=[EVENT_DATES], widget=DATE, initial=timezone.localdate
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=200)

    def __init__(self, *args, postings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["posting"].queryset = postings


class EnrolForm(forms.Form):
    person = PersonNumberField(label=_("Person (number)"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.visible_to(user)


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
