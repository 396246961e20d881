"""Forms of the volunteer ledger: the entry (skills, capacity, the 7×3 availability grid, teams),
a new person, the state change, skills and teams."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dangjian.volunteering.choices import ALL_WEEK, TeamKind, VolunteerState
from dangjian.volunteering.ledger.filters import DAY_LABELS, slot_choices
from dangjian.volunteering.models import Skill, Team


def mask_of(slots) -> int:
    """The availability bit mask of the chosen slot numbers ("0" … "20")."""
    mask = 0
    for slot in slots or ():
        mask |= 1 << int(slot)
    return mask & ALL_WEEK


def slots_of(mask: int) -> list[str]:
    return [str(bit) for bit in range(21) if mask & (1 << bit)]


class EntryForm(forms.Form):
    """What a volunteer offers; also the self-service form of 我的 (without teams)."""

    skills = forms.ModelMultipleChoiceField(
        label=_("Skills"),
        queryset=Skill.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    skills_note = forms.CharField(
        label=_("Other skills"),
        max_length=200,
        required=False,
        help_text=_("Skills not in the list, in your own words."),
    )
    interests = forms.CharField(label=_("Interests"), max_length=200, required=False)
    capacity_hours = forms.IntegerField(label=_("Hours per month"), min_value=0, max_value=200, initial=4)
    availability = forms.MultipleChoiceField(
        label=_("Weekly availability"),
        choices=slot_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def availability_rows(self) -> list[tuple[str, list]]:
        """The availability checkboxes as the 7×3 grid: (day, [morning, afternoon, evening])."""
        boxes = list(self["availability"])
        return [(DAY_LABELS[day], boxes[day * 3 : day * 3 + 3]) for day in range(7)]

    def entry_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "skills": list(data["skills"]),
            "skills_note": data["skills_note"],
            "interests": data["interests"],
            "capacity_hours": data["capacity_hours"],
            "availability": mask_of(data["availability"]),
        }


class StaffEntryForm(EntryForm):
    """The staff form: the entry, the home area (hidden, picked by search) and teams."""

    area = forms.IntegerField(widget=forms.HiddenInput, required=False)
    teams = forms.ModelMultipleChoiceField(
        label=_("Teams"), queryset=Team.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, teams=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["teams"].queryset = teams if teams is not None else Team.objects.none()

    def entry_fields(self) -> dict:
        return {**super().entry_fields(), "teams": list(self.cleaned_data["teams"])}


class NewPersonForm(forms.Form):
    """A person not yet registered: name, ID number (one person per ID number) and mobile."""

    name = forms.CharField(label=pgettext_lazy("volunteer ledger", "Name"), max_length=64)
    id_number = forms.CharField(label=_("ID number"), max_length=18)
    mobile = forms.CharField(label=_("Mobile"), max_length=20, required=False)


class StateForm(forms.Form):
    state = forms.ChoiceField(choices=VolunteerState.choices, widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(label=_("Reason"), max_length=200, required=False)


class SkillForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=64)
    category = forms.CharField(label=_("Category"), max_length=64, required=False)
    order = forms.IntegerField(label=_("Order"), min_value=0, max_value=999, initial=50)


class TeamForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=TeamKind.choices)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    area = forms.IntegerField(widget=forms.HiddenInput, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    is_active = forms.BooleanField(
        label=pgettext_lazy("volunteer team", "Active"), required=False, initial=True
    )
