"""Filtersets of the two trees: one per model, serving the pages, the API and the exports."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from dangjian.core.scoping import parse_id
from dangjian.orgs.choices import AreaKind, OrgField, OrgKind
from dangjian.orgs.models import Area, Organization


class TreeFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_search")
    parent = django_filters.NumberFilter(label=_("Parent"), method="filter_parent")
    # Everything below a node (the grids a figure counts): not a form field of the list page.
    within = django_filters.NumberFilter(label=_("Within"), method="filter_within", widget=forms.HiddenInput)
    is_active = django_filters.BooleanFilter(label=_("Active"))

    def filter_search(self, queryset, name, value):
        return queryset.search(value) if value else queryset

    def filter_parent(self, queryset, name, value):
        parent = self._meta.model.objects.filter(pk=value).only("path", "depth").first()
        if parent is None:
            return queryset.none()
        return queryset.filter(path__startswith=parent.path, depth=parent.depth + 1)

    def filter_within(self, queryset, name, value):
        pk = parse_id(value)
        node = self._meta.model.objects.filter(pk=pk).only("path").first() if pk else None
        if node is None:
            return queryset.none()
        return queryset.filter(path__startswith=node.path)


class AreaFilterSet(TreeFilterSet):
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=AreaKind.choices)
    # Everything in an organization's jurisdiction (the grids ``orgs.grids`` counts for it).
    jurisdiction_of = django_filters.NumberFilter(
        label=_("In the jurisdiction of"), method="filter_jurisdiction_of", widget=forms.HiddenInput
    )

    def filter_jurisdiction_of(self, queryset, name, value):
        pk = parse_id(value)
        org = Organization.objects.filter(pk=pk).select_related("jurisdiction").first() if pk else None
        if org is None or org.jurisdiction_id is None:
            return queryset.none()
        return queryset.filter(path__startswith=org.jurisdiction.path)

    class Meta:
        model = Area
        fields = ["q", "kind", "parent", "within", "jurisdiction_of", "is_active"]


class OrganizationFilterSet(TreeFilterSet):
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=OrgKind.choices)
    field = django_filters.ChoiceFilter(label=_("Field"), choices=OrgField.choices)

    class Meta:
        model = Organization
        fields = ["q", "kind", "field", "parent", "within", "is_active"]
