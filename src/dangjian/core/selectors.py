"""Reading the audit log by scope, and its filters.

An audit line carries the tree paths of the record it describes (``org_path``/``area_path``),
so a district's organization department reads the lines of its own subtrees and nothing else
(``AuditEntry.objects.visible_to(user)``, the shared scoping path, asking
``core.view_auditentry``); lines with no place in the trees (sign-ins, tokens) are for system
administrators only.
"""

from __future__ import annotations

import datetime

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.core.choices import AuditAction
from dangjian.core.models import AuditEntry
from dangjian.core.registry import registry
from dangjian.core.scoping import scope_of
from dangjian.core.validators import ANY_DATES

AUDIT_PERMISSION = "core.view_auditentry"


def can_read_audit(user) -> bool:
    """Whether the user may open the audit pages at all (somewhere in the trees)."""
    return scope_of(user).has_any(AUDIT_PERMISSION)


def object_type_choices() -> list[tuple[str, str]]:
    """(``app.model``, verbose name) of every model the apps registered as audited, by name."""
    choices = [(label, str(name)) for label, name in registry["audited_models"].items()]
    return sorted(choices, key=lambda choice: choice[1])


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class AuditEntryFilter(django_filters.FilterSet):
    """The audit page's filters; dates are whole days in the server's time zone (inclusive)."""

    username = django_filters.CharFilter(label=_("User"), field_name="username", lookup_expr="istartswith")
    action = django_filters.ChoiceFilter(
        label=_("Action"), choices=AuditAction.choices, empty_label=_("All actions")
    )
    object_type = django_filters.ChoiceFilter(
        label=_("Object type"), choices=object_type_choices, empty_label=_("All types")
    )
    date_from = django_filters.DateFilter(
        validators=[ANY_DATES],
        label=_("From"),
        method="filter_date_from",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = django_filters.DateFilter(
        validators=[ANY_DATES],
        label=_("To"),
        method="filter_date_to",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    q = django_filters.CharFilter(
        label=_("Object name contains"), field_name="object_repr", lookup_expr="icontains"
    )

    class Meta:
        model = AuditEntry
        fields = ["username", "action", "object_type", "date_from", "date_to", "q"]

    def filter_date_from(self, queryset: QuerySet, name: str, value: datetime.date) -> QuerySet:
        return queryset.filter(at__gte=_day_start(value))

    def filter_date_to(self, queryset: QuerySet, name: str, value: datetime.date) -> QuerySet:
        return queryset.filter(at__lt=_day_start(value + datetime.timedelta(days=1)))
