"""System administration of core records: the holiday calendar, the audit log and people.

The admin is for system administrators. Calendar changes are audited and reach every process
without a restart; the audit log is read-only for everyone; people's ID numbers and phones are
shown masked and entered through plain inputs that encrypt on save.
"""

from __future__ import annotations

import datetime
from functools import cached_property, partial

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.checks import InlineModelAdminChecks
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import connections, transaction
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dangjian.core import audit
from dangjian.core.choices import AuditAction, CalendarDayKind
from dangjian.core.errors import RuleViolation
from dangjian.core.models import AuditEntry, CalendarDay, CalendarYear, Person
from dangjian.core.validators import validate_id_number, validate_mobile
from dangjian.core.workdays import (
    CalendarInputError,
    bump_calendar_version,
    enter_calendar_year,
    format_days,
    missing_calendar_years,
    parse_year,
)

# --- Calendar ----------------------------------------------------------------------------------


def _year_range(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def _days_of_year(year: int) -> dict[str, list[str]]:
    """The year's special days as audit-friendly values: ``{"2027-01-01": ["holiday", "元旦"]}``."""
    return {
        f"{day:%Y-%m-%d}": [kind, name]
        for day, kind, name in CalendarDay.objects.filter(date__range=_year_range(year)).values_list(
            "date", "kind", "name"
        )
    }


def _changed_days(before: dict, after: dict) -> dict[str, list]:
    return {
        key: [before.get(key), after.get(key)]
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


class CalendarDayFormSet(forms.BaseModelFormSet):
    """The holidays and make-up days of one calendar year (joined by date, not by a foreign key)."""

    def __init__(
        self,
        data=None,
        files=None,
        instance: CalendarYear | None = None,
        save_as_new: bool = False,
        prefix: str | None = None,
        queryset=None,
        **kwargs,
    ):
        self.instance = instance
        if instance is not None and instance.year:
            queryset = CalendarDay.objects.filter(date__range=_year_range(instance.year))
        else:
            queryset = CalendarDay.objects.none()
        super().__init__(data, files, prefix=prefix, queryset=queryset, **kwargs)

    @classmethod
    def get_default_prefix(cls) -> str:
        return "calendar_days"

    def clean(self) -> None:
        super().clean()
        year = self.instance.year if self.instance is not None else None
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or form.cleaned_data.get("DELETE"):
                continue
            day = form.cleaned_data.get("date")
            kind = form.cleaned_data.get("kind")
            if day is None:
                continue
            if year and day.year != year:
                form.add_error(
                    "date",
                    gettext("%(date)s is not in %(year)s; enter it under that year.")
                    % {"date": f"{day:%Y-%m-%d}", "year": year},
                )
            if kind == CalendarDayKind.WORKDAY and day.weekday() < 5:
                form.add_error(
                    "kind",
                    gettext(
                        "%(date)s is a %(weekday)s and a working day already; "
                        "make-up working days can only be Saturdays or Sundays."
                    )
                    % {"date": f"{day:%Y-%m-%d}", "weekday": WEEKDAYS[day.weekday()]},
                )


class CalendarDayInlineChecks(InlineModelAdminChecks):
    """The inline is joined by date range, so the foreign-key checks do not apply."""

    def _check_exclude_of_parent_model(self, obj, parent_model):
        return []

    def _check_relation(self, obj, parent_model):
        return []


class CalendarDayInline(admin.TabularInline):
    model = CalendarDay
    formset = CalendarDayFormSet
    checks_class = CalendarDayInlineChecks
    fields = ("date", "kind", "name")
    extra = 0

    def get_formset(self, request, obj=None, **kwargs):
        can_delete = self.can_delete and self.has_delete_permission(request, obj)
        return forms.modelformset_factory(
            CalendarDay,
            form=self.form,
            formset=self.formset,
            fields=list(self.fields),
            formfield_callback=partial(self.formfield_for_dbfield, request=request),
            extra=self.get_extra(request, obj),
            min_num=self.get_min_num(request, obj),
            max_num=self.get_max_num(request, obj),
            can_delete=can_delete,
        )


class EnterYearForm(forms.Form):
    """A whole year from the State Council notice: holiday lines and make-up day lines."""

    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    source = forms.CharField(
        label=_("Source"),
        max_length=255,
        required=False,
        help_text=_("The notice the days come from, with its date."),
    )
    holidays = forms.CharField(
        label=_("Holidays"),
        # Not stripped, so the line numbers in error messages are the ones the admin sees.
        strip=False,
        widget=forms.Textarea(attrs={"rows": 12, "cols": 60}),
        help_text=_(
            "One day or range per line, then the holiday's name: 2027-01-01 元旦, or 2027-02-06..2027-02-12 春节."
        ),
    )
    workdays = forms.CharField(
        label=_("Make-up working days"),
        strip=False,
        widget=forms.Textarea(attrs={"rows": 6, "cols": 60}),
        required=False,
        help_text=_("Weekend days worked in exchange (调休), one per line: 2027-02-20 春节."),
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        year = cleaned.get("year")
        if year is not None and "holidays" in cleaned:
            try:
                cleaned["holiday_days"], cleaned["workday_days"] = parse_year(
                    year, cleaned["holidays"], cleaned.get("workdays", "")
                )
            except CalendarInputError as error:
                raise ValidationError(error.errors) from error
        return cleaned


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ("year", "holiday_count", "workday_count", "source", "entered_at")
    search_fields = ("year", "source")
    fields = ("year", "source")
    inlines = [CalendarDayInline]
    change_list_template = "admin/core/calendaryear/change_list.html"

    def get_inlines(self, request, obj):
        # The days of a year are edited once the year exists (the inline is filtered by its dates).
        return self.inlines if obj is not None else []

    def get_readonly_fields(self, request, obj=None):
        return ("year",) if obj is not None else ()

    def get_queryset(self, request):
        # Counts of each year's days as subqueries: one query for the whole page.
        def count(kind: str) -> Coalesce:
            days = (
                CalendarDay.objects.filter(date__year=OuterRef("year"), kind=kind)
                .order_by()
                .values("kind")
                .annotate(total=Count("id"))
                .values("total")
            )
            return Coalesce(Subquery(days, output_field=IntegerField()), 0)

        return (
            super()
            .get_queryset(request)
            .annotate(
                holiday_total=count(CalendarDayKind.HOLIDAY), workday_total=count(CalendarDayKind.WORKDAY)
            )
        )

    @admin.display(description=_("Holidays"), ordering="holiday_total")
    def holiday_count(self, obj: CalendarYear) -> int:
        return obj.holiday_total

    @admin.display(description=_("Make-up working days"), ordering="workday_total")
    def workday_count(self, obj: CalendarYear) -> int:
        return obj.workday_total

    def changelist_view(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        for year in missing_calendar_years():
            messages.warning(
                request,
                gettext(
                    "The holidays of %(year)s have not been entered: working days are counted with the "
                    "statutory fixed-date holidays only, so handling deadlines may be wrong. "
                    "Enter the whole year's arrangement on this page."
                )
                % {"year": year},
            )
        extra_context = {**(extra_context or {}), "enter_year_url": reverse("admin:core_calendaryear_enter")}
        return super().changelist_view(request, extra_context)

    def add_view(self, request: HttpRequest, form_url="", extra_context=None) -> HttpResponse:
        # A year row without its days would count every weekday of the year as a working day,
        # worse than the fallback; a year is therefore always added with its days, at once.
        return HttpResponseRedirect(reverse("admin:core_calendaryear_enter"))

    def get_urls(self):
        return [
            path(
                "enter/",
                self.admin_site.admin_view(self.enter_year_view),
                name="core_calendaryear_enter",
            ),
            *super().get_urls(),
        ]

    def enter_year_view(self, request: HttpRequest) -> HttpResponse:
        """Enter (or replace) a whole year at once from the text of the notice."""
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        if request.method == "POST":
            form = EnterYearForm(request.POST)
            if form.is_valid():
                try:
                    calendar_year = enter_calendar_year(
                        form.cleaned_data["year"],
                        holidays=form.cleaned_data["holiday_days"],
                        workdays=form.cleaned_data["workday_days"],
                        by=request.user,
                        source=form.cleaned_data["source"],
                    )
                except RuleViolation as error:
                    form.add_error(None, error.message)
                else:
                    messages.success(
                        request,
                        gettext(
                            "Saved the holiday arrangement of %(year)s "
                            "(days off: %(holidays)s; make-up working days: %(workdays)s)."
                        )
                        % {
                            "year": calendar_year.year,
                            "holidays": len(form.cleaned_data["holiday_days"]),
                            "workdays": len(form.cleaned_data["workday_days"]),
                        },
                    )
                    return HttpResponseRedirect(reverse("admin:core_calendaryear_changelist"))
        else:
            form = EnterYearForm(initial=self._initial_for(request.GET.get("year")))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Enter a whole year of holidays"),
            "opts": self.model._meta,
            "form": form,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/core/calendaryear/enter_year.html", context)

    def _initial_for(self, year_text: str | None) -> dict:
        """Pre-fill with the year's stored days so a correction starts from what is there."""
        if not (year_text or "").isdigit():
            missing = missing_calendar_years()
            return {"year": missing[-1]} if missing else {}
        year = int(year_text)
        days = CalendarDay.objects.filter(date__range=_year_range(year))
        calendar_year = CalendarYear.objects.filter(year=year).first()
        return {
            "year": year,
            "source": calendar_year.source if calendar_year else "",
            "holidays": format_days({d.date: d.name for d in days if d.kind == CalendarDayKind.HOLIDAY}),
            "workdays": format_days({d.date: d.name for d in days if d.kind == CalendarDayKind.WORKDAY}),
        }

    def save_related(self, request, form, formsets, change) -> None:
        """Save the days, then write one audit line for the year and tell every process."""
        calendar_year = form.instance
        before = _days_of_year(calendar_year.year) if change else {}
        super().save_related(request, form, formsets, change)
        changes = {
            field: [form.initial.get(field), form.cleaned_data.get(field)] for field in form.changed_data
        }
        changes |= _changed_days(before, _days_of_year(calendar_year.year))
        if changes or not change:
            audit.record(
                AuditAction.UPDATE if change else AuditAction.CREATE,
                calendar_year,
                by=request.user,
                changes=changes,
            )
        bump_calendar_version()

    def delete_model(self, request, obj: CalendarYear) -> None:
        with transaction.atomic():
            before = _days_of_year(obj.year)
            CalendarDay.objects.filter(date__range=_year_range(obj.year)).delete()
            audit.record(
                AuditAction.DELETE,
                obj,
                by=request.user,
                changes=_changed_days(before, {}),
                note=gettext(
                    "Deleted the holiday arrangement of %(year)s; the year now counts the statutory "
                    "fixed-date holidays only."
                )
                % {"year": obj.year},
            )
            super().delete_model(request, obj)
            bump_calendar_version()

    def delete_queryset(self, request, queryset) -> None:
        for calendar_year in queryset:
            self.delete_model(request, calendar_year)


# --- Audit log ---------------------------------------------------------------------------------

# Below this many rows an exact count is cheap enough; above it an unfiltered list shows the
# planner's estimate instead of scanning a table that only grows.
ESTIMATE_COUNT_ABOVE = 100_000


class EstimatedCountPaginator(Paginator):
    """Pages of a large table whose unfiltered total comes from PostgreSQL's statistics."""

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        connection = connections[queryset.db]
        if connection.vendor == "postgresql" and not queryset.query.where:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                    [queryset.model._meta.db_table],
                )
                row = cursor.fetchone()
            if row and row[0] > ESTIMATE_COUNT_ABOVE:
                return int(row[0])
        return super().count


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The audit log, read-only for everyone, superusers included (it is append-only)."""

    list_display = ("at", "username", "action", "object_type", "object_repr", "ip", "request_id")
    list_filter = ("action", "object_type", ("at", admin.DateFieldListFilter))
    search_fields = ("username", "object_repr", "object_id", "note", "request_id")
    list_select_related = False
    # A full count scans a table that only grows; the filtered count is enough on the page.
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    fields = (
        "at",
        "username",
        "user_id",
        "action",
        "object_type",
        "object_id",
        "object_repr",
        "changes",
        "note",
        "request_id",
        "ip",
        "org_path",
        "area_path",
    )
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


# --- People ------------------------------------------------------------------------------------


class PersonAdminForm(forms.ModelForm):
    """A person with plain ID number and mobile inputs; empty keeps what is stored.

    The stored values are never put back into the form: the inputs start empty and the masked
    values are shown beside them.
    """

    id_number_input = forms.CharField(
        label=_("ID number"),
        required=False,
        max_length=32,
        help_text=_("Leave empty to keep the stored ID number."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    mobile_input = forms.CharField(
        label=_("Mobile"),
        required=False,
        max_length=20,
        help_text=_("Leave empty to keep the stored mobile number."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    class Meta:
        model = Person
        fields = ("name", "gender", "ethnicity", "birth_date", "education")

    def clean_id_number_input(self) -> str:
        value = self.cleaned_data["id_number_input"].strip().replace(" ", "").upper()
        if not value:
            return ""
        validate_id_number(value)
        existing = Person.objects.with_id_number(value)
        if self.instance.pk is not None:
            existing = existing.exclude(pk=self.instance.pk)
        other = existing.first()
        if other is not None:
            raise ValidationError(
                gettext(
                    "The ID number %(masked)s is already registered for the person “%(name)s” (no. %(pk)s); "
                    "one ID number belongs to one person only. Check the number, or edit that person instead."
                )
                % {"masked": other.id_number_masked, "name": other.name, "pk": other.pk},
                code="id_number_duplicate",
            )
        return value

    def clean_mobile_input(self) -> str:
        value = self.cleaned_data["mobile_input"].strip()
        if not value:
            return ""
        validate_mobile(value)
        return value

    def save(self, commit: bool = True) -> Person:
        person = super().save(commit=False)
        if self.cleaned_data.get("id_number_input"):
            person.id_number = self.cleaned_data["id_number_input"]
        if self.cleaned_data.get("mobile_input"):
            person.mobile = self.cleaned_data["mobile_input"]
        if commit:
            person.save()
        return person


def _person_snapshot(person: Person) -> dict:
    """The audited fields of a person: masked personal values only, no derived columns."""
    snapshot = audit.snapshot(person)
    for derived in ("name_pinyin", "created_at", "updated_at"):
        snapshot.pop(derived, None)
    return snapshot


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    form = PersonAdminForm
    list_display = ("name", "gender", "birth_date", "id_number_masked", "mobile_masked", "updated_at")
    list_filter = ("gender", "education")
    search_fields = ("name",)
    readonly_fields = ("id_number_masked", "mobile_masked", "created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("name", "gender", "ethnicity", "birth_date", "education")}),
        (
            _("Personal information"),
            {
                "fields": ("id_number_masked", "id_number_input", "mobile_masked", "mobile_input"),
                "description": _("Stored encrypted and shown masked; type a new value only to replace it."),
            },
        ),
        (_("Record"), {"fields": ("created_at", "updated_at")}),
    )
    show_full_result_count = False

    def get_queryset(self, request):
        return Person.objects.visible_to(request.user)

    def get_search_results(self, request, queryset, search_term):
        """The platform's search: pinyin, initials, 繁简 and substrings of names."""
        if not search_term.strip():
            return queryset, False
        return queryset.search(search_term), False

    def save_model(self, request, obj: Person, form, change) -> None:
        before = _person_snapshot(Person.objects.get(pk=obj.pk)) if change else {}
        super().save_model(request, obj, form, change)
        audit.record(
            AuditAction.UPDATE if change else AuditAction.CREATE,
            obj,
            by=request.user,
            changes=audit.diff(before, _person_snapshot(obj)),
        )

    def delete_model(self, request, obj: Person) -> None:
        with transaction.atomic():
            audit.record(
                AuditAction.DELETE, obj, by=request.user, changes=audit.diff(_person_snapshot(obj), {})
            )
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset) -> None:
        for person in queryset:
            self.delete_model(request, person)
