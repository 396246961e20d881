"""Filters of the volunteer ledger, shared by the list page, the export, the figure's records
and the API: skill, area or organization subtree, team, state, party member, a free time slot,
and the name search (简/繁/pinyin/initials, or a whole ID number by its keyed hash).

The name search comes last and orders the rows itself (``core.search.search_in_name_order`` on
the volunteer's own copy of the sort key and tokens), so a common surname (张, 王, 李) costs a
bounded scan whatever the size of the ledger.
"""

from __future__ import annotations

import re

import django_filters
from django import forms
from django.db.models import F, QuerySet
from django.utils.translation import gettext_lazy as _

from dangjian.core.models import Person
from dangjian.core.scoping import LARGEST_ID, NodesInScope
from dangjian.core.search import search_in_name_order
from dangjian.orgs.models import Area, Organization
from dangjian.volunteering.choices import DAYS_PER_WEEK, SLOTS_PER_DAY, VolunteerState
from dangjian.volunteering.models import Skill, Team, Volunteer

ID_NUMBER_QUERY = re.compile(r"^(\d{17}[\dXx]|\d{15})$")
DAY_LABELS = [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")]
SLOT_LABELS = [_("Morning"), _("Afternoon"), _("Evening")]
# The list's default: those in the ledger now (active or paused), not those who left.
CURRENT = "current"
VIEW_VOLUNTEER = "volunteering.view_volunteer"


def slot_choices() -> list[tuple[str, str]]:
    return [
        (str(day * SLOTS_PER_DAY + slot), f"{DAY_LABELS[day]} {SLOT_LABELS[slot]}")
        for day in range(DAYS_PER_WEEK)
        for slot in range(SLOTS_PER_DAY)
    ]


class ListedChoiceIterator(forms.models.ModelChoiceIterator):
    """The choices read with one plain query. Django iterates a choice field's queryset with
    ``.iterator()``, which on PostgreSQL is a server-side cursor: DECLARE, FETCH and CLOSE, three
    round trips for the twenty-odd skills of every ledger page."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in list(self.queryset):
            yield self.choice(obj)


class ListedChoiceField(forms.ModelChoiceField):
    iterator = ListedChoiceIterator


class SkillFilter(django_filters.ModelChoiceFilter):
    field_class = ListedChoiceField


class VolunteerFilterSet(NodesInScope, django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name or ID number"), method="filter_nothing")
    skill = SkillFilter(
        label=_("Skill"),
        queryset=Skill.objects.filter(is_active=True),
        field_name="skills",
        empty_label=_("Any skill"),
    )
    area = django_filters.NumberFilter(label=_("Area"), method="filter_area", widget=forms.HiddenInput)
    org = django_filters.NumberFilter(label=_("Organization"), method="filter_org", widget=forms.HiddenInput)
    team = django_filters.NumberFilter(label=_("Team"), method="filter_team", widget=forms.HiddenInput)
    state = django_filters.ChoiceFilter(
        label=_("State"),
        choices=[*VolunteerState.choices, ("all", _("All"))],
        method="filter_state",
        empty_label=_("Active or paused"),
    )
    party = django_filters.ChoiceFilter(
        label=_("Party member"),
        choices=[("yes", _("Party members")), ("no", _("Not party members"))],
        method="filter_party",
        empty_label=_("All"),
    )
    registered_from = django_filters.DateFilter(
        label=_("Registered from"), field_name="registered_on", lookup_expr="gte", widget=forms.HiddenInput
    )
    slot = django_filters.ChoiceFilter(
        label=_("Available"), choices=slot_choices, method="filter_slot", empty_label=_("Any time")
    )

    class Meta:
        model = Volunteer
        fields = ["q", "skill", "area", "org", "team", "state", "party", "slot", "registered_from"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Bootstrap's classes set here and the fields rendered plainly: the ledger is the most
        # visited list, and rendering each field through a template cost more than its query.
        for field in self.form.fields.values():
            widget = field.widget
            if not isinstance(widget, forms.HiddenInput):
                css = (
                    "form-select form-select-sm"
                    if isinstance(widget, forms.Select)
                    else "form-control form-control-sm"
                )
                widget.attrs["class"] = css
        self.area_node: Area | None = None
        self.org_node: Organization | None = None
        self.team_node: Team | None = None

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("state"):
            queryset = queryset.exclude(state=VolunteerState.LEFT)
        return queryset

    def filter_nothing(self, queryset, name, value):
        return queryset  # the search orders the rows: see ``volunteer_rows``

    def filter_area(self, queryset, name, value):
        node = self.node_in_scope(Area, value, VIEW_VOLUNTEER)
        self.area_node = node
        return queryset.none() if node is None else queryset.filter(area__path__startswith=node.path)

    def filter_org(self, queryset, name, value):
        node = self.node_in_scope(Organization, value, VIEW_VOLUNTEER)
        self.org_node = node
        return queryset.none() if node is None else queryset.filter(org__path__startswith=node.path)

    def filter_team(self, queryset, name, value):
        teams = Team.objects.visible_to(getattr(self.request, "user", None))
        self.team_node = teams.filter(pk=value).only("name").first() if 0 < value <= LARGEST_ID else None
        return queryset.none() if self.team_node is None else queryset.filter(teams=self.team_node)

    def filter_state(self, queryset, name, value):
        return queryset if value == "all" else queryset.filter(state=value)

    def filter_party(self, queryset, name, value):
        return queryset.filter(party_member__isnull=value != "yes")

    def filter_slot(self, queryset, name, value):
        bit = 1 << int(value)
        return queryset.alias(in_slot=F("availability").bitand(bit)).filter(in_slot__gt=0)


def volunteer_rows(filterset: VolunteerFilterSet):
    """The filtered volunteers in pinyin order, searched by name or ID number when asked.

    Returns a queryset, or a ``NameOrderSearch`` (bounded slices only) for a surname.
    """
    queryset = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    text = (filterset.form.cleaned_data.get("q") or "").strip()[:100] if filterset.is_valid() else ""
    compact = text.replace(" ", "").replace("-", "")
    if ID_NUMBER_QUERY.match(compact):
        people = Person.objects.with_id_number(compact).values("pk")
        return queryset.filter(person__in=people).order_by("sort_name", "id")
    return search_in_name_order(queryset, text, key="sort_name")


def active_filters(params, filterset: VolunteerFilterSet) -> dict[str, str]:
    return {name: value for name, value in params.items() if name in filterset.filters and value}


def filtered(params, queryset: QuerySet, request) -> VolunteerFilterSet:
    return VolunteerFilterSet(params, queryset=queryset, request=request)
