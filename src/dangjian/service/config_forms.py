"""Forms of the grid worker's phone pages and of the service configuration pages.

They validate input only; ``service.services`` and ``service.config_services`` change state.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.urls import reverse_lazy
from django.utils.html import escape
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from dangjian.orgs.choices import AreaKind
from dangjian.orgs.models import Area, Organization
from dangjian.orgs.widgets import LookupInput
from dangjian.service.choices import ServiceMode, TimeLimitUnit
from dangjian.service.models import Category, Department, RoutingRule


class NamedChoiceField(forms.ModelChoiceField):
    """A choice of a tree node shown with its code, indented by depth for trees."""

    def label_from_instance(self, obj) -> str:
        depth = getattr(obj, "depth", 1) or 1
        return f"{'　' * (depth - 1)}{obj.name}"


def org_code_field(label, *, required: bool = False) -> forms.ModelChoiceField:
    """An organization typed and picked by name, code or pinyin; the form posts its code.

    At district scale a ``<select>`` of every organization in scope was 3,812 options and about
    430 KB per page; the lookup sends only the matches.
    """
    return forms.ModelChoiceField(
        label=label,
        queryset=Organization.objects.none(),
        to_field_name="code",
        required=required,
        help_text=_("Type the name, code or pinyin initials of the organization and pick it from the list."),
        widget=LookupInput(reverse_lazy("orgs:org_lookup")),
        error_messages={
            "invalid_choice": _(
                "No active organization in your part of the tree has the code “%(value)s”; "
                "pick one from the list."
            )
        },
    )


def area_code_field(label, *, required: bool = True, empty_help: bool = False) -> forms.ModelChoiceField:
    """A street, community or grid typed and picked by name or code; the form posts its code."""
    return forms.ModelChoiceField(
        label=label,
        queryset=Area.objects.none(),
        to_field_name="code",
        required=required,
        help_text=None
        if empty_help
        else _("Type the name or code of a street, community or grid and pick it from the list."),
        widget=LookupInput(reverse_lazy("orgs:area_lookup")),
        error_messages={
            "invalid_choice": _(
                "No active street, community or grid in your part of the tree has the code “%(value)s”; "
                "pick one from the list."
            )
        },
    )


def _now_help(field: forms.Field, name: str) -> None:
    """Say which node is saved now: the box itself shows only its code."""
    field.help_text = format_lazy(
        "{} {}", field.help_text or "", _("Now: %(name)s.") % {"name": escape(name)}
    )


# --- grid worker ----------------------------------------------------------------------------------


class GridReportForm(forms.Form):
    """上报 from a patrol: category, a short description, a photo, the place and an optional contact."""

    category = forms.TypedChoiceField(
        label=_("Category"),
        coerce=int,
        error_messages={"invalid_choice": _("Please choose a category from the list.")},
    )
    description = forms.CharField(
        label=_("What is the problem?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("e.g. the street lamp at gate 2 is out")}),
    )
    photo = forms.FileField(
        label=_("Photo"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )
    address = forms.CharField(label=_("Place"), max_length=255, required=False)
    latitude = forms.FloatField(widget=forms.HiddenInput, required=False, min_value=-90, max_value=90)
    longitude = forms.FloatField(widget=forms.HiddenInput, required=False, min_value=-180, max_value=180)
    contact_name = forms.CharField(label=_("Resident's name"), max_length=64, required=False)
    contact_phone = forms.CharField(
        label=_("Resident's mobile"),
        max_length=11,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.categories = {category.pk: category for category, _group in categories}
        recent = [(c.pk, c.name) for c, group in categories if group == "recent"]
        others = [(c.pk, c.label) for c, group in categories if group != "recent"]
        choices: list = [("", _("Choose a category"))]
        if recent:
            choices.append((_("Used recently"), recent))
            choices.append((_("All categories"), others))
        else:
            choices.extend(others)
        self.fields["category"].choices = choices

    def clean_category(self):
        value = self.cleaned_data["category"]
        if value not in self.categories:
            raise forms.ValidationError(_("Please choose a category from the list."))
        return self.categories[value]

    @staticmethod
    def _coordinate(value: float | None) -> Decimal | None:
        return None if value is None else Decimal(str(round(value, 6)))

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "category": data["category"],
            "description": data["description"],
            "address": data.get("address") or "",
            "latitude": self._coordinate(data.get("latitude")),
            "longitude": self._coordinate(data.get("longitude")),
            "contact_name": data.get("contact_name") or "",
            "contact_phone": (data.get("contact_phone") or "").strip(),
        }


class VisitForm(forms.Form):
    note = forms.CharField(
        label=_("Note"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("What happened on this visit")}),
    )


# --- configuration --------------------------------------------------------------------------------


class CategoryForm(forms.Form):
    """A category's settings; the service checks the rules (one default handler, limit > 0)."""

    parent = NamedChoiceField(label=_("Parent category"), queryset=Category.objects.none(), required=False)
    name = forms.CharField(label=_("Category name"), max_length=128)
    code = forms.CharField(label=_("Code"), max_length=32)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    limit_amount = forms.IntegerField(label=_("Time limit"), max_value=32767)
    limit_unit = forms.ChoiceField(label=_("Time limit unit"), choices=TimeLimitUnit.choices)
    service_mode = forms.ChoiceField(label=_("Service mode"), choices=ServiceMode.choices)
    default_handler_org = org_code_field(_("Default handler organization"))
    default_handler_department = forms.ModelChoiceField(
        label=_("Default handler department"), queryset=Department.objects.none(), required=False
    )
    is_public = forms.BooleanField(label=_("Residents may choose it on the portal"), required=False)
    requests_public = forms.BooleanField(
        label=_("Its requests may be shown publicly"),
        required=False,
        help_text=_(
            "In the Open311 list without a key and on the portal's status page, with phone and ID "
            "numbers removed and the place given only as the community. Leave it off for personal "
            "matters (助残帮扶, 邻里纠纷, family, health)."
        ),
    )
    is_active = forms.BooleanField(label=_("In use"), required=False, initial=True)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user=None, creating: bool = True, category: Category | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if creating:
            self.fields["parent"].queryset = Category.objects.filter(is_active=True).order_by("path")
            del self.fields["is_active"]
        else:
            del self.fields["parent"]
        self.fields["default_handler_org"].queryset = Organization.objects.visible_to(user).filter(
            is_active=True
        )
        if category is not None and category.default_handler_org is not None:
            _now_help(self.fields["default_handler_org"], category.default_handler_org.name)
        self.fields["default_handler_department"].queryset = (
            Department.objects.visible_to(user).filter(is_active=True).order_by("code")
        )

    def service_fields(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name not in ("version", "parent")}

    @staticmethod
    def initial_for(category: Category) -> dict:
        return {
            "name": category.name,
            "code": category.code,
            "description": category.description,
            "limit_amount": category.limit_amount,
            "limit_unit": category.limit_unit,
            "service_mode": category.service_mode,
            "default_handler_org": category.default_handler_org.code if category.default_handler_org else "",
            "default_handler_department": category.default_handler_department_id,
            "is_public": category.is_public,
            "requests_public": category.requests_public,
            "is_active": category.is_active,
            "version": category.version,
        }


class RoutingRuleForm(forms.Form):
    """category × area → one handler (an organization or a department)."""

    category = NamedChoiceField(label=_("Category"), queryset=Category.objects.none())
    area = area_code_field(_("Area"))
    handler_org = org_code_field(_("Handler organization"))
    handler_department = forms.ModelChoiceField(
        label=_("Handler department"), queryset=Department.objects.none(), required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user=None, rule: RoutingRule | None = None, **kwargs):
        """``rule``: the rule being edited; its category and area stay, only the handler changes."""
        super().__init__(*args, **kwargs)
        if rule is None:
            self.fields["category"].queryset = Category.objects.filter(is_active=True).order_by("path")
            # Rules name a street, a community or a grid (buildings are too fine for routing).
            self.fields["area"].queryset = (
                Area.objects.visible_to(user).filter(is_active=True).exclude(kind=AreaKind.BUILDING)
            )
        else:
            del self.fields["category"]
            del self.fields["area"]
        self.fields["handler_org"].queryset = Organization.objects.visible_to(user).filter(is_active=True)
        if rule is not None and rule.handler_org is not None:
            _now_help(self.fields["handler_org"], rule.handler_org.name)
        self.fields["handler_department"].queryset = (
            Department.objects.visible_to(user).filter(is_active=True).order_by("code")
        )

    def clean(self):
        data = super().clean()
        if bool(data.get("handler_org")) == bool(data.get("handler_department")):
            raise forms.ValidationError(
                _("A routing rule names exactly one handler: an organization or a department.")
            )
        return data


class RoutingFilterForm(forms.Form):
    category = NamedChoiceField(
        label=_("Category"), queryset=Category.objects.none(), required=False, empty_label=_("All")
    )
    area = area_code_field(_("Area"), required=False, empty_help=True)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.order_by("path")
        self.fields["area"].queryset = Area.objects.visible_to(user).exclude(kind=AreaKind.BUILDING)


class DepartmentForm(forms.Form):
    name = forms.CharField(label=_("Department name"), max_length=100)
    code = forms.CharField(label=_("Code"), max_length=32)
    area = NamedChoiceField(
        label=_("Area served"),
        queryset=Area.objects.none(),
        required=False,
        help_text=_("Leave empty for a department serving the whole platform (system administrators only)."),
    )
    phone = forms.CharField(label=_("Office phone"), max_length=32, required=False)
    report_limit_amount = forms.IntegerField(label=_("Report (报到) within"), max_value=32767, initial=1)
    report_limit_unit = forms.ChoiceField(label=_("Report limit unit"), choices=TimeLimitUnit.choices)
    is_active = forms.BooleanField(label=_("In use"), required=False, initial=True)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = (
            Area.objects.visible_to(user)
            .filter(is_active=True, kind__in=[AreaKind.DISTRICT, AreaKind.STREET, AreaKind.COMMUNITY])
            .order_by("path")
        )

    @staticmethod
    def initial_for(department: Department) -> dict:
        return {
            "name": department.name,
            "code": department.code,
            "area": department.area_id,
            "phone": department.phone,
            "report_limit_amount": department.report_limit_amount,
            "report_limit_unit": department.report_limit_unit,
            "is_active": department.is_active,
            "version": department.version,
        }

    def service_fields(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


class DepartmentMemberForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
