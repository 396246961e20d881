"""Forms of the online party school's staff pages; the services check the rules again."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.learning.choices import CourseAudience, LessonKind, QuestionKind
from dangjian.learning.models import Course
from dangjian.orgs.models import Organization


class CourseForm(forms.Form):
    org = forms.ModelChoiceField(Organization.objects.none(), label=_("Published by"))
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    audience = forms.ChoiceField(label=_("Audience"), choices=CourseAudience.choices)
    counts_as_training = forms.BooleanField(
        label=_("Counts as 发展对象 training"),
        required=False,
        help_text=_(
            "Study time of this course counts toward the training of 发展对象 (at least 3 days or 24 hours)."
        ),
    )
    quiz_size = forms.IntegerField(label=_("Questions per quiz"), min_value=1, max_value=100, initial=5)
    pass_mark = forms.IntegerField(label=_("Pass mark (%)"), min_value=1, max_value=100, initial=60)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, orgs=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs if orgs is not None else Organization.objects.none()


class LessonForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=LessonKind.choices)
    minutes = forms.IntegerField(
        label=_("Length (minutes)"),
        min_value=1,
        max_value=600,
        initial=10,
        help_text=_("The video's length, or the time the lesson takes to study."),
    )
    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 10}),
        required=False,
        help_text=_(
            "For a text lesson. Paragraphs, headings, lists, bold and links are kept; anything else is removed."
        ),
    )
    file = forms.FileField(
        label=_("File"),
        required=False,
        help_text=_("For a PDF lesson a PDF up to 20 MB; for a video lesson an MP4 or WebM up to 300 MB."),
    )


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=QuestionKind.choices)
    text = forms.CharField(label=_("Question"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    choices = forms.CharField(
        label=_("Answers"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_(
            "One answer per line; start the right answers with *. A true/false question needs only *对 or *错."
        ),
    )

    def parsed_choices(self) -> list[tuple[str, bool]]:
        lines = [line.strip() for line in self.cleaned_data.get("choices", "").splitlines() if line.strip()]
        return [(line.lstrip("*").strip(), line.startswith("*")) for line in lines]


class PlanForm(forms.Form):
    org = forms.ModelChoiceField(Organization.objects.none(), label=_("Organization"))
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("Title"), max_length=200)
    required_hours = forms.DecimalField(
        label=_("Required hours"), min_value=0, max_value=9999, decimal_places=1
    )
    courses = forms.ModelMultipleChoiceField(
        Course.objects.none(),
        label=_("Required courses"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, orgs=None, courses=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs if orgs is not None else Organization.objects.none()
        self.fields["courses"].queryset = courses if courses is not None else Course.objects.none()
        self.fields["year"].initial = timezone.localdate().year
