"""Filters of service requests, shared by the request list, its Excel export and the figures' drill-down.

Trees are filtered by path prefix (a category, area or organization with its whole subtree), dates
become ranges of aware datetimes on indexed columns, and ``figure`` with ``start``/``end`` selects
exactly the requests one figure counts (``selectors.figure_q``), so a figure and its list agree.
"""

from __future__ import annotations

import datetime

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.core.scoping import NodesInScope, parse_id
from dangjian.core.validators import ANY_DATES
from dangjian.orgs.models import Area, Organization
from dangjian.service import selectors
from dangjian.service.choices import RequestSource, RequestState
from dangjian.service.models import Category
from dangjian.service.services.rights import VIEW as VIEW_REQUEST

FIGURE_LABELS = {
    "received": _("Requests received (受理量)"),
    "resolved": _("Requests resolved (办结量)"),
    "on_time": _("Resolved on time (按时办结)"),
    "early": _("Resolved early (提前办结)"),
    "rated": _("Rated requests"),
    "satisfied": _("Satisfied ratings (满意)"),
    "overdue": _("Overdue now"),
}
YES_NO = [("", _("All")), ("true", _("Yes")), ("false", _("No"))]


def day_start(day: datetime.date) -> datetime.datetime:
    """Local midnight of ``day`` as an aware datetime (Asia/Shanghai by default)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _range(field: str, start: datetime.date | None, end: datetime.date | None) -> Q:
    """``field`` within [start, end] as whole days (end inclusive)."""
    query = Q()
    if start is not None:
        query &= Q(**{f"{field}__gte": day_start(start)})
    if end is not None:
        query &= Q(**{f"{field}__lt": day_start(end + datetime.timedelta(days=1))})
    return query


def category_choices():
    for category in Category.objects.order_by("path").only("pk", "name", "depth"):
        yield category.pk, "\u3000" * (category.depth - 1) + category.name


class _DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class RequestFilterSet(NodesInScope, django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Tracking code or text"), method="filter_text")
    state = django_filters.MultipleChoiceFilter(
        label=_("State"),
        choices=RequestState.choices,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    source = django_filters.ChoiceFilter(
        label=_("Source"), choices=RequestSource.choices, empty_label=_("All sources")
    )
    category = django_filters.ChoiceFilter(
        label=_("Category"),
        choices=category_choices,
        method="filter_category",
        empty_label=_("All categories"),
    )
    area = django_filters.NumberFilter(label=_("Grid"), method="filter_area", widget=forms.HiddenInput)
    org = django_filters.NumberFilter(label=_("Organization"), method="filter_org", widget=forms.HiddenInput)
    created_from = django_filters.DateFilter(
        validators=[ANY_DATES], label=_("Reported from"), method="filter_none", widget=_DateInput
    )
    created_to = django_filters.DateFilter(
        validators=[ANY_DATES], label=_("Reported until"), method="filter_none", widget=_DateInput
    )
    resolved_from = django_filters.DateFilter(
        validators=[ANY_DATES], label=_("Resolved from"), method="filter_none", widget=_DateInput
    )
    resolved_to = django_filters.DateFilter(
        validators=[ANY_DATES], label=_("Resolved until"), method="filter_none", widget=_DateInput
    )
    overdue = django_filters.ChoiceFilter(
        label=_("Overdue now"), choices=YES_NO[1:], empty_label=_("All"), method="filter_overdue"
    )
    supervised = django_filters.ChoiceFilter(
        label=_("Supervised (督办)"), choices=YES_NO[1:], empty_label=_("All"), method="filter_supervised"
    )
    urgency = django_filters.ChoiceFilter(
        label=_("Urgency"),
        choices=[
            ("overdue", _("Overdue now")),
            ("due_soon", _("Due soon")),
            ("later", _("Open, not due soon")),
        ],
        empty_label=_("All"),
        method="filter_urgency",
    )
    visited_on = django_filters.DateFilter(
        validators=[ANY_DATES], label=_("Visit logged on"), method="filter_visited_on", widget=_DateInput
    )
    figure = django_filters.ChoiceFilter(
        label=_("Figure"),
        choices=[(name, FIGURE_LABELS[name]) for name in selectors.FIGURES],
        method="filter_none",
        widget=forms.HiddenInput,
    )
    start = django_filters.DateFilter(
        validators=[ANY_DATES], label=_("Period from"), method="filter_none", widget=forms.HiddenInput
    )
    end = django_filters.DateFilter(
        validators=[ANY_DATES],
        label=_("Period until (exclusive)"),
        method="filter_none",
        widget=forms.HiddenInput,
    )

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        queryset = queryset.filter(
            _range("created_at", data.get("created_from"), data.get("created_to"))
            & _range("resolved_at", data.get("resolved_from"), data.get("resolved_to"))
        )
        figure = data.get("figure")
        if figure:
            start, end = data.get("start"), data.get("end")
            queryset = queryset.filter(
                selectors.figure_q(
                    figure,
                    start=day_start(start) if start else None,
                    end=day_start(end) if end else None,
                )
            )
        return queryset

    def filter_none(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset  # applied together in filter_queryset

    def filter_text(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        text = (value or "").strip()[:100]
        if not text:
            return queryset
        code = text.replace(" ", "").upper()
        if len(code) == 10 and code.isalnum():
            return queryset.filter(Q(tracking_code=code) | Q(title__icontains=text))
        return queryset.filter(Q(title__icontains=text) | Q(description__icontains=text))

    def filter_category(self, queryset: QuerySet, name: str, value) -> QuerySet:
        path = Category.objects.filter(pk=value).values_list("path", flat=True).first()
        return queryset.filter(category_path__startswith=path) if path else queryset.none()

    def filter_area(self, queryset: QuerySet, name: str, value) -> QuerySet:
        node = self.area_node
        return queryset.filter(self._node_q(Area, node)) if node else queryset.none()

    def filter_org(self, queryset: QuerySet, name: str, value) -> QuerySet:
        node = self.org_node
        return queryset.none() if node is None else queryset.filter(self._node_q(Organization, node))

    def filter_overdue(self, queryset: QuerySet, name: str, value) -> QuerySet:
        if value == "true":
            return queryset.filter(selectors.figure_q("overdue"))
        return queryset.exclude(selectors.figure_q("overdue"))

    def filter_urgency(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(selectors.urgency_q(value, timezone.now()))

    def filter_visited_on(self, queryset: QuerySet, name: str, value: datetime.date) -> QuerySet:
        return queryset.filter(selectors.visited_q(value))

    def filter_supervised(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset.filter(is_supervised=value == "true")

    @property
    def area_node(self) -> Area | None:
        return self._node("area", Area)

    @property
    def org_node(self) -> Organization | None:
        return self._node("org", Organization)

    def _node(self, name: str, model):
        """The filter's area or org if the user may know it: in their scope, or holding a request
        they read (a department's handler reads requests outside any grant of theirs)."""
        cache = self.__dict__.setdefault("_nodes", {})
        if name not in cache:
            value = self.form.cleaned_data.get(name) if self.form.is_valid() else None
            node = self.node_in_scope(model, value, VIEW_REQUEST) if value else None
            pk = parse_id(value) if node is None else None
            if pk is not None:
                candidate = model.objects.filter(pk=pk).only("pk", "name", "path", "depth").first()
                if candidate is not None and self.queryset.filter(self._node_q(model, candidate)).exists():
                    node = candidate
            cache[name] = node
        return cache[name]

    @staticmethod
    def _node_q(model, node) -> Q:
        if model is Area:
            return Q(area_path__startswith=node.path)
        return Q(org_path__startswith=node.path) | Q(handler_org_path__startswith=node.path)

    @property
    def figure_label(self) -> str:
        figure = self.form.cleaned_data.get("figure") if self.form.is_valid() else None
        return str(FIGURE_LABELS[figure]) if figure else ""
