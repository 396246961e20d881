"""Filters of the member ledger, shared by the list page, the export and the API.

Age and 党龄 bands become date ranges on indexed columns (``birth_date``, ``regularized_on``), so
a band costs a range condition, not a computation per row. The search box takes a name (简体,
繁體, pinyin or initials, through the search tokens) or a whole 18-character ID number (looked up
exactly through the keyed hash; the clear number is never stored).
"""

from __future__ import annotations

import datetime
import re

import django_filters
from django import forms
from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Concat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dangjian.core.choices import Education
from dangjian.core.models import Person
from dangjian.core.scoping import NodesInScope
from dangjian.core.search import search_queryset
from dangjian.members.choices import MemberCategory, MemberStatus
from dangjian.members.models import PartyMember
from dangjian.orgs.models import Organization

ID_NUMBER_QUERY = re.compile(r"^(\d{17}[\dXx]|\d{15})$")

# (code, label, lowest age, highest age); None is open.
AGE_BANDS: list[tuple[str, object, int | None, int | None]] = [
    ("lt35", _("Under 35"), None, 34),
    ("35-45", _("35 to 45"), 35, 45),
    ("46-60", _("46 to 60"), 46, 60),
    ("gt60", _("Over 60"), 61, None),
]
# 党龄 bands in whole years since 转正; "none" is a 预备党员 (no 党龄 yet).
STANDING_BANDS: list[tuple[str, object, int | None, int | None]] = [
    ("lt10", _("Under 10 years"), 0, 9),
    ("10-19", _("10 to 19 years"), 10, 19),
    ("20-29", _("20 to 29 years"), 20, 29),
    ("30-49", _("30 to 49 years"), 30, 49),
    ("ge50", _("50 years or more"), 50, None),
]
NO_STANDING = "none"


def years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def whole_years_q(field: str, low: int | None, high: int | None, today: datetime.date) -> Q:
    """Rows whose whole years since ``field`` lie in [low, high] on ``today``.

    Whole years ≥ n ⟺ date ≤ today − n years; whole years ≤ m ⟺ date > today − (m + 1) years.
    """
    condition = Q(**{f"{field}__isnull": False})
    if low is not None:
        condition &= Q(**{f"{field}__lte": years_before(today, low)})
    if high is not None:
        condition &= Q(**{f"{field}__gt": years_before(today, high + 1)})
    return condition


def search_members(queryset: QuerySet, text: str) -> QuerySet:
    """A whole ID number by keyed hash, else 简/繁/pinyin/initials search of the person's name."""
    text = (text or "").strip()[:100]
    if not text:
        return queryset
    compact = text.replace(" ", "").replace("-", "")
    if ID_NUMBER_QUERY.match(compact):
        return queryset.filter(person__in=Person.objects.with_id_number(compact).values("pk"))
    # The membership's own copy of the tokens and its own index (see PartyMember.search_tokens).
    return search_queryset(queryset, text)


def in_name_order(queryset: QuerySet, *, searched: bool) -> QuerySet:
    """Members in pinyin order of their names.

    Without a search, PostgreSQL walks the (sort_name, id) index and stops after one page. With
    a search it must not: walking the index and testing every member's tokens reads half the
    ledger for a common surname such as 王 (~140 ms at district scale), while the search index
    finds the few thousand matches at once and sorting them costs a few milliseconds. Sorting by
    an expression of ``sort_name`` (same order) keeps the planner off the index walk.
    """
    if searched:
        return queryset.order_by(Concat("sort_name", Value("")).asc(), "id")
    return queryset.order_by("sort_name", "id")


class MemberFilterSet(NodesInScope, django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name or ID number"), method="filter_search")
    org = django_filters.NumberFilter(
        label=pgettext_lazy("member ledger", "Party organization"),
        method="filter_org",
        widget=forms.HiddenInput,
    )
    status = django_filters.ChoiceFilter(
        label=pgettext_lazy("member ledger", "Member status"),
        choices=MemberStatus.choices,
        empty_label=_("All statuses"),
    )
    category = django_filters.ChoiceFilter(
        label=pgettext_lazy("member ledger", "Member category"),
        choices=MemberCategory.choices,
        empty_label=_("All categories"),
    )
    age = django_filters.ChoiceFilter(
        label=_("Age"),
        choices=[(code, label) for code, label, _low, _high in AGE_BANDS],
        method="filter_age",
        empty_label=_("All ages"),
    )
    standing = django_filters.ChoiceFilter(
        label=_("党龄"),
        choices=[
            *((code, label) for code, label, _low, _high in STANDING_BANDS),
            (NO_STANDING, _("None yet (预备党员)")),
        ],
        method="filter_standing",
        empty_label=_("Any 党龄"),
    )
    education = django_filters.ChoiceFilter(
        label=_("Education"),
        choices=Education.choices,
        field_name="person__education",
        empty_label=_("All education levels"),
    )
    lost_contact = django_filters.ChoiceFilter(
        label=_("Lost contact"),
        choices=[("yes", _("Lost contact")), ("no", _("In contact"))],
        method="filter_lost_contact",
        empty_label=_("All"),
    )
    active = django_filters.ChoiceFilter(
        label=_("Active"),
        choices=[("yes", _("Active")), ("no", _("Inactive")), ("all", _("All"))],
        method="filter_active",
        empty_label=_("Active"),
    )

    class Meta:
        model = PartyMember
        fields = ["q", "org", "status", "category", "age", "standing", "education", "lost_contact", "active"]

    def __init__(self, *args, today: datetime.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        self.org_node: Organization | None = None

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        # Active members only unless the filter says otherwise: an empty field means "active".
        if not self.form.cleaned_data.get("active"):
            queryset = queryset.filter(is_active=True)
        return queryset

    def filter_search(self, queryset, name, value):
        return search_members(queryset, value)

    def filter_org(self, queryset, name, value):
        """Members of the organization and every organization below it."""
        node = self.node_in_scope(Organization, value, "members.view_partymember")
        self.org_node = node
        if node is None:
            return queryset.none()
        return queryset.filter(org__path__startswith=node.path)

    def filter_age(self, queryset, name, value):
        for code, _label, low, high in AGE_BANDS:
            if code == value:
                return queryset.filter(whole_years_q("person__birth_date", low, high, self.today))
        return queryset

    def filter_standing(self, queryset, name, value):
        if value == NO_STANDING:
            return queryset.filter(regularized_on__isnull=True)
        for code, _label, low, high in STANDING_BANDS:
            if code == value:
                return queryset.filter(whole_years_q("regularized_on", low, high, self.today))
        return queryset

    def filter_lost_contact(self, queryset, name, value):
        return queryset.filter(is_lost_contact=value == "yes")

    def filter_active(self, queryset, name, value):
        if value == "all":
            return queryset
        return queryset.filter(is_active=value != "no")
