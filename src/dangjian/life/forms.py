"""Forms of the meeting pages: they validate input; ``life.services`` changes state."""

from __future__ import annotations

import datetime

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.core.models import Person
from dangjian.core.periods import Period
from dangjian.core.validators import ANY_DATES, EVENT_DATES
from dangjian.life.choices import AttendanceStatus, MeetingKind, MeetingState, ReviewGrade
from dangjian.life.models import Meeting

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class MeetingForm(forms.ModelForm):
    """Planning or editing a meeting; host and recorder are chosen among the org's members."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Meeting
        fields = ["kind", "title", "starts_at", "ends_at", "place", "host", "recorder", "agenda", "minutes"]
        widgets = {
            "starts_at": DATETIME_INPUT,
            "ends_at": DATETIME_INPUT,
            "agenda": forms.Textarea(attrs={"rows": 3}),
            "minutes": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        people = people if people is not None else Person.objects.none()
        self.fields["host"].queryset = people
        self.fields["recorder"].queryset = people
        self.fields["starts_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
        self.fields["ends_at"].input_formats = self.fields["starts_at"].input_formats
        for name in ("starts_at", "ends_at"):
            self.fields[name].validators.append(EVENT_DATES)
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version

    def service_fields(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


class AttendanceForm(forms.Form):
    """The attendance sheet: one status and reason per expected attendee."""

    def __init__(self, *args, rows=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = list(rows)
        for row in self.rows:
            self.fields[f"status_{row.pk}"] = forms.ChoiceField(
                label=str(row.member),
                choices=[("", "—"), *AttendanceStatus.choices],
                required=False,
                initial=row.status,
            )
            self.fields[f"reason_{row.pk}"] = forms.CharField(
                label=_("Reason"), required=False, max_length=200, initial=row.reason
            )

    def entries(self) -> list[tuple]:
        """(member, status, reason) for each row whose input differs from what is stored."""
        result = []
        for row in self.rows:
            status = self.cleaned_data.get(f"status_{row.pk}") or ""
            reason = (self.cleaned_data.get(f"reason_{row.pk}") or "").strip()
            if status and (status != row.status or reason != row.reason):
                result.append((row.member, status, reason))
        return result

    def bound_rows(self) -> list[tuple]:
        return [(row, self[f"status_{row.pk}"], self[f"reason_{row.pk}"]) for row in self.rows]


def _month_range(value: str) -> tuple[datetime.datetime, datetime.datetime] | None:
    try:
        first = datetime.datetime.strptime(value, "%Y-%m")
    except (TypeError, ValueError):
        return None
    if ANY_DATES.message(first) is not None:  # 9999-12 has no following month; year 1 no UTC
        return None
    following = (
        first.replace(year=first.year + 1, month=1)
        if first.month == 12
        else first.replace(month=first.month + 1)
    )
    zone = timezone.get_current_timezone()
    return timezone.make_aware(first, zone), timezone.make_aware(following, zone)


class MeetingFilterSet(django_filters.FilterSet):
    """Meeting list filters: organization (with its subtree), kind, state and month."""

    org = django_filters.NumberFilter(method="filter_org", widget=forms.HiddenInput, label=_("Organization"))
    kind = django_filters.ChoiceFilter(
        choices=MeetingKind.choices, label=_("Kind"), empty_label=_("All kinds")
    )
    state = django_filters.ChoiceFilter(
        choices=MeetingState.choices, label=_("State"), empty_label=_("All states")
    )
    month = django_filters.CharFilter(
        method="filter_month", label=_("Month"), widget=forms.TextInput(attrs={"type": "month"})
    )
    # The records behind a 三会一课 figure: ``counted=held`` or ``late`` over ``[start, end)``
    # of ``org``'s subtree, by ``compliance.held_q`` (the definition the figures count by).
    counted = django_filters.ChoiceFilter(
        choices=[("held", _("Held")), ("late", _("Late"))],
        method="filter_none",
        widget=forms.HiddenInput,
        label=_("Counted as"),
    )
    start = django_filters.DateFilter(method="filter_none", widget=forms.HiddenInput, label=_("From"))
    end = django_filters.DateFilter(method="filter_none", widget=forms.HiddenInput, label=_("Until"))

    class Meta:
        model = Meeting
        fields = ["org", "kind", "state", "month", "counted", "start", "end"]

    def filter_none(self, queryset, name, value):
        return queryset  # applied together in filter_queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        counted, start, end = data.get("counted"), data.get("start"), data.get("end")
        if not counted:
            return queryset
        from dangjian.life import compliance
        from dangjian.orgs.models import Organization

        org = Organization.objects.filter(pk=data.get("org") or 0).only("path").first()
        if org is None or start is None or end is None or end <= start:
            return queryset.none()
        queryset = queryset.filter(compliance.held_q(org, Period(start, end), compliance.active_rules()))
        return queryset.filter(closed_late=True) if counted == "late" else queryset

    def filter_org(self, queryset, name, value):
        from dangjian.orgs.models import Organization

        org = Organization.objects.filter(pk=value).only("path").first()
        return queryset.filter(org__path__startswith=org.path) if org else queryset.none()

    def filter_month(self, queryset, name, value):
        bounds = _month_range(value)
        if bounds is None:
            return queryset
        return queryset.filter(starts_at__gte=bounds[0], starts_at__lt=bounds[1])


class ReviewForm(forms.Form):
    """The 民主评议 sheet: one grade and note per expected attendee of the review meeting."""

    def __init__(self, *args, rows=(), existing=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = list(rows)
        existing = existing or {}
        for row in self.rows:
            review = existing.get(row.member_id)
            self.fields[f"grade_{row.member_id}"] = forms.ChoiceField(
                label=str(row.member.person.name),
                choices=[("", "—"), *ReviewGrade.choices],
                required=False,
                initial=review.grade if review else "",
            )
            self.fields[f"note_{row.member_id}"] = forms.CharField(
                label=_("Note"), required=False, max_length=200, initial=review.note if review else ""
            )

    def entries(self) -> list[tuple]:
        """(member, grade, note) for every row with a grade."""
        result = []
        for row in self.rows:
            grade = self.cleaned_data.get(f"grade_{row.member_id}") or ""
            if grade:
                result.append((row.member, grade, self.cleaned_data.get(f"note_{row.member_id}") or ""))
        return result

    def bound_rows(self) -> list[tuple]:
        return [(row, self[f"grade_{row.member_id}"], self[f"note_{row.member_id}"]) for row in self.rows]


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("Photo or document"),
        help_text=_("JPG, PNG, PDF, DOCX or XLSX, up to 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".jpg,.jpeg,.png,.pdf,.docx,.xlsx"}),
    )


# The compliance filter's value for "organizations missing some kind" (the 工作台's roll-up).
MISSING_ANY = "any"


class CompliancePeriodForm(forms.Form):
    """The report period of the compliance view: a year, optionally one quarter of it (or, from
    a figure's records link, ``start``/``end`` within one calendar year)."""

    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False)
    quarter = forms.TypedChoiceField(
        label=_("Quarter"),
        coerce=int,
        required=False,
        empty_value=None,
    )
    missing = forms.ChoiceField(label=_("Missing"), required=False)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[("", _("Organization")), ("missing", _("Most missing first"))],
    )
    start = forms.DateField(required=False, widget=forms.HiddenInput)
    end = forms.DateField(required=False, widget=forms.HiddenInput)
    # From the 工作台: the running cadence period counted as if it had ended (what is still to hold).
    outstanding = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, rules=(), **kwargs):
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        self.fields["year"].choices = [(str(year), str(year)) for year in range(this_year, this_year - 5, -1)]
        self.fields["quarter"].choices = [
            ("", _("Whole year")),
            *((str(number), _("Quarter %(number)s") % {"number": number}) for number in range(1, 5)),
        ]
        self.fields["missing"].choices = [
            ("", _("Any")),
            (MISSING_ANY, _("Some kind missing")),
            *((rule.kind, rule.get_kind_display()) for rule in rules),
        ]

    @property
    def is_outstanding(self) -> bool:
        return bool(self.is_valid() and self.cleaned_data.get("outstanding"))

    def period(self) -> Period:
        """The chosen year (this year by default), or one quarter of it."""
        data = self.cleaned_data if self.is_valid() else {}
        start, end = data.get("start"), data.get("end")
        if start and end and start < end and start.year == (end - datetime.timedelta(days=1)).year:
            return Period(start, end)
        year = data.get("year") or timezone.localdate().year
        return Period.quarter(year, data["quarter"]) if data.get("quarter") else Period.year(year)


class MeetingVoteForm(forms.Form):
    """A motion voted at a 支部党员大会 and its tally (members with a vote present only)."""

    subject = forms.CharField(label=_("Motion"), max_length=200)
    in_favour = forms.IntegerField(label=_("In favour"), min_value=0)
    against = forms.IntegerField(label=_("Against"), min_value=0, initial=0)
    abstain = forms.IntegerField(label=_("Abstaining"), min_value=0, initial=0)
