"""Forms of the 评星定级 pages: they validate input; ``evaluation.services`` changes state."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from dangjian.core.registry import ORG_TREE, registry
from dangjian.evaluation.choices import ItemKind, PointsMapping
from dangjian.orgs.choices import OrgField, OrgKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = forms.Textarea(attrs={"rows": 3})
POINTS = {"max_digits": 8, "decimal_places": 2, "min_value": 0, "max_value": 10000}


def figure_choices() -> list[tuple[str, str]]:
    """The figures of the organization tree, by label (the store at the time the form is shown)."""
    figures = [figure for figure in registry["figures"].values() if ORG_TREE in figure.trees]
    return [("", "—")] + [(f.key, f"{f.label}（{f.key}）") for f in sorted(figures, key=lambda f: f.key)]


class SchemeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    org_field = forms.ChoiceField(label=_("Field of organizations"), choices=OrgField.choices)
    base_points = forms.DecimalField(label=_("Base points"), initial=200, **POINTS)
    description = forms.CharField(label=_("Description"), required=False, widget=TEXT)


class SchemeEditForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    base_points = forms.DecimalField(label=_("Base points"), **POINTS)
    description = forms.CharField(label=_("Description"), required=False, widget=TEXT)


class CategoryForm(forms.Form):
    name = forms.CharField(label=_("Category"), max_length=100)
    max_points = forms.DecimalField(label=_("Maximum points"), **POINTS)
    order = forms.IntegerField(label=_("Order"), min_value=0, max_value=999, required=False)


class ItemForm(forms.Form):
    category = forms.TypedChoiceField(label=_("Category"), coerce=int)
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=ItemKind.choices)
    max_points = forms.DecimalField(label=_("Maximum points"), **POINTS)
    evidence_required = forms.BooleanField(label=_("Evidence required"), required=False)
    figure_key = forms.ChoiceField(label=_("Figure"), required=False)
    denominator_key = forms.ChoiceField(
        label=_("Denominator figure"),
        required=False,
        help_text=_(
            "Optional: the item's value is then the figure divided by this one (meetings held ÷ required)."
        ),
    )
    mapping = forms.ChoiceField(label=_("Mapping"), choices=PointsMapping.choices)
    target = forms.DecimalField(
        label=_("Target value"),
        required=False,
        max_digits=16,
        decimal_places=4,
        help_text=_("Linear: the value that earns full points."),
    )
    bands = forms.CharField(
        label=_("Bands"),
        required=False,
        max_length=500,
        help_text=_("Bands: threshold:points, separated by commas, e.g. 0.95:10, 0.9:8, 0.8:5."),
    )
    per_unit = forms.DecimalField(
        label=_("Points per unit"),
        required=False,
        max_digits=16,
        decimal_places=4,
        help_text=_("Per unit: points for each unit of the value (negative for a deduction)."),
    )
    description = forms.CharField(label=_("How it is scored"), required=False, widget=TEXT)
    order = forms.IntegerField(label=_("Order"), min_value=0, max_value=999, required=False)

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [(c.pk, c.name) for c in categories]
        self.fields["figure_key"].choices = figure_choices()
        self.fields["denominator_key"].choices = figure_choices()


class ThresholdsForm(forms.Form):
    stars_5 = forms.DecimalField(label=_("5 stars from"), required=False, **POINTS)
    stars_4 = forms.DecimalField(label=_("4 stars from"), required=False, **POINTS)
    stars_3 = forms.DecimalField(label=_("3 stars from"), required=False, **POINTS)
    stars_2 = forms.DecimalField(label=_("2 stars from"), required=False, **POINTS)
    stars_1 = forms.DecimalField(label=_("1 star from"), required=False, **POINTS)


class CapForm(forms.Form):
    item = forms.TypedChoiceField(label=_("Item"), coerce=int, required=False, empty_value=None)
    figure_key = forms.ChoiceField(label=_("or figure"), required=False)
    below = forms.DecimalField(label=_("When the value is below"), max_digits=16, decimal_places=4)
    max_stars = forms.IntegerField(label=_("Stars at most"), min_value=1, max_value=5)

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [("", "—")] + [(i.pk, i.name) for i in items]
        self.fields["figure_key"].choices = figure_choices()


class RoundForm(forms.Form):
    scheme = forms.TypedChoiceField(label=_("Rating scheme"), coerce=int)
    root = forms.TypedChoiceField(label=_("Organizations under"), coerce=int)
    rated_kind = forms.ChoiceField(
        label=_("Kind of organizations rated"), choices=OrgKind.choices, initial=OrgKind.PRIMARY_COMMITTEE
    )
    name = forms.CharField(label=_("Name"), max_length=200)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    period_start = forms.DateField(label=_("Period from"), widget=DATE)
    period_end = forms.DateField(label=_("Period until"), widget=DATE)
    publicity_days = forms.IntegerField(label=_("Public notice days"), min_value=1, max_value=60, initial=5)

    def __init__(self, *args, schemes=(), roots=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scheme"].choices = [(s.pk, str(s)) for s in schemes]
        self.fields["root"].choices = [(o.pk, o.name) for o in roots]


class SelfAssessmentForm(forms.Form):
    self_assessment = forms.CharField(
        label=_("Self-assessment"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )


class ObjectionForm(forms.Form):
    assessment = forms.TypedChoiceField(label=_("Organization"), coerce=int)
    name = forms.CharField(label=_("Your name"), max_length=50)
    contact = forms.CharField(label=_("Contact (optional, not published)"), max_length=50, required=False)
    text = forms.CharField(
        label=_("Objection"), min_length=5, max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, assessments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessment"].choices = [(a.pk, a.org.name) for a in assessments]


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer (published)"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Task"), max_length=200)
    owner = forms.CharField(label=_("Owner"), max_length=50)
    working_days = forms.IntegerField(label=_("Due in working days"), min_value=1, max_value=250, initial=10)
