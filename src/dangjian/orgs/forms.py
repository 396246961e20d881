"""Forms of the tree pages: they validate input; the services in ``orgs.services`` change state."""

from __future__ import annotations

from django import forms
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.html import escape
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from dangjian.core.models import Person
from dangjian.core.validators import EVENT_DATES, PARTY_DATES
from dangjian.orgs.choices import AREA_CHILD_KIND, BRANCH_KINDS, CommitteeRole, OrgKind
from dangjian.orgs.models import Area, Organization
from dangjian.orgs.services import EDITABLE_FIELDS
from dangjian.orgs.widgets import LookupInput

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def allowed_org_kinds(parent: Organization | None) -> list[tuple[str, str]]:
    """Kinds that fit under ``parent`` (the same rules ``services.check_parent_rules`` enforces)."""
    if parent is None:
        return list(OrgKind.choices)
    if parent.kind == OrgKind.GROUP:
        return []
    if parent.kind in BRANCH_KINDS:
        return [(OrgKind.GROUP.value, OrgKind.GROUP.label)]
    kinds = [choice for choice in OrgKind.choices if choice[0] != OrgKind.GROUP]
    if parent.kind == OrgKind.GENERAL_BRANCH:
        kinds.append((OrgKind.GROUP.value, OrgKind.GROUP.label))
    return kinds


def allowed_area_kinds(parent: Area | None) -> list[tuple[str, str]]:
    from dangjian.orgs.choices import AreaKind

    if parent is None:
        return [(AreaKind.DISTRICT.value, AreaKind.DISTRICT.label)]
    child = AREA_CHILD_KIND.get(parent.kind)
    return [(child.value, child.label)] if child else []


class NodeForm(forms.ModelForm):
    """Shared part of the org and area forms: the version that guards against lost updates."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, parent=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.parent = parent
        self.user = user
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version

    def service_fields(self) -> dict:
        """The cleaned values the service accepts (everything but the version)."""
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


class OrganizationForm(NodeForm):
    jurisdiction = forms.ModelChoiceField(
        queryset=Area.objects.none(),
        to_field_name="code",
        required=False,
        label=_("Jurisdiction area (code)"),
        help_text=_("Type the name or code of a community, grid or building and pick it from the list."),
        widget=LookupInput(reverse_lazy("orgs:area_lookup")),
    )

    class Meta:
        model = Organization
        fields = list(EDITABLE_FIELDS[Organization])
        widgets = {
            "established_on": DATE_INPUT,
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["established_on"].validators.append(PARTY_DATES)
        self.fields["jurisdiction"].queryset = Area.objects.visible_to(self.user)
        if self.instance.pk and self.instance.jurisdiction_id:
            current = self.instance.jurisdiction
            if not self.is_bound:
                self.initial["jurisdiction"] = current.code
            self.fields["jurisdiction"].help_text = format_lazy(
                "{} {}",
                self.fields["jurisdiction"].help_text,
                _("Now: %(name)s.") % {"name": escape(current.name)},
            )
        parent = self.parent if not self.instance.pk else None
        if parent is not None:
            self.fields["kind"].choices = allowed_org_kinds(parent)
            self.fields["field"].initial = parent.field
        self.fields["star_rating"].widget.attrs.update({"min": 1, "max": 5})
        self.fields["unit_count"].widget.attrs.update({"min": 1})

    def clean_star_rating(self):
        value = self.cleaned_data.get("star_rating")
        if value is not None and not 1 <= value <= 5:
            raise forms.ValidationError(_("The star rating is between 1 and 5."))
        return value


class AreaForm(NodeForm):
    class Meta:
        model = Area
        fields = ["name", "code", "kind", "address", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk and self.parent is not None:
            self.fields["kind"].choices = allowed_area_kinds(self.parent)


class MoveForm(forms.Form):
    parent = forms.ModelChoiceField(queryset=Organization.objects.none(), label=_("New parent"))

    def __init__(self, *args, queryset=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = queryset


class DeactivateForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the audit log, e.g. merged into another branch after the 2026 re-election."),
    )


class CommitteeForm(forms.Form):
    elected_on = forms.DateField(validators=[EVENT_DATES], label=_("Elected on"), widget=DATE_INPUT)
    term_years = forms.IntegerField(
        label=_("Term (years)"),
        min_value=1,
        max_value=10,
        help_text=_(
            "基层党委 and community and village organizations serve 5 years, other branches generally 3."
        ),
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class SeatForm(forms.Form):
    person = forms.ModelChoiceField(
        queryset=Person.objects.none(), label=_("Person"), widget=forms.RadioSelect
    )
    role = forms.ChoiceField(label=_("Role"), choices=CommitteeRole.choices)
    started_on = forms.DateField(
        validators=[EVENT_DATES], label=_("Started on"), required=False, widget=DATE_INPUT
    )

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people if people is not None else Person.objects.none()


class SeatEndForm(forms.Form):
    ended_on = forms.DateField(
        validators=[EVENT_DATES], label=_("Ended on"), widget=DATE_INPUT, initial=timezone.localdate
    )
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)
