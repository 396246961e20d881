"""Forms of the staff request pages: the actions on a request, bulk dispatch and registering a request.

The forms only collect input; the rules (a reason is required, the state allows the action, the
user may act) are the services' (``service.services``), whose Chinese messages the page shows.
Every action form carries the request's ``version``: if it changed meanwhile, nothing is done.
"""

from __future__ import annotations

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from dangjian.orgs.choices import AreaKind
from dangjian.orgs.models import Area, Organization
from dangjian.orgs.widgets import LookupInput
from dangjian.service.choices import RequestSource
from dangjian.service.models import Category, Department

# Sources staff register a request from (the portal and Open311 register themselves).
STAFF_SOURCES = [
    (code, label)
    for code, label in RequestSource.choices
    if code not in (RequestSource.PORTAL, RequestSource.OPEN311)
]


def handler_value(handler: Organization | Department | None) -> str:
    if isinstance(handler, Organization):
        return f"org:{handler.pk}"
    if isinstance(handler, Department):
        return f"dept:{handler.pk}"
    return ""


def handler_choices(orgs, departments) -> list:
    """Grouped choices "org:<pk>" / "dept:<pk>" for a handler select."""
    return [
        ("", _("Choose a handler")),
        (_("Party organizations"), [(f"org:{org.pk}", org.name) for org in orgs]),
        (_("Departments"), [(f"dept:{dept.pk}", dept.name) for dept in departments]),
    ]


def parse_handler(value: str, orgs, departments) -> tuple[Organization | None, Department | None]:
    """The organization or department a posted "org:<pk>"/"dept:<pk>" names, among the offered ones."""
    kind, _sep, pk = (value or "").partition(":")
    if not pk.isdigit():
        return None, None
    if kind == "org":
        return orgs.filter(pk=int(pk)).first(), None
    if kind == "dept":
        return None, departments.filter(pk=int(pk)).first()
    return None, None


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class NoteForm(VersionForm):
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReasonForm(VersionForm):
    # Required by the services, which name what is missing in their message.
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class HandlerForm(NoteForm):
    handler = forms.ChoiceField(label=_("Handler"), required=False)

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["handler"].choices = choices
        self.order_fields(["handler", "note"])


class FeedbackForm(VersionForm):
    resolution = forms.CharField(
        label=_("Result of handling"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    photo = forms.FileField(
        label=_("Photo of the result"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )


class PhotoForm(VersionForm):
    photo = forms.FileField(
        label=_("Photo"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )


class CategoryForm(NoteForm):
    category = forms.ModelChoiceField(label=_("New category"), queryset=Category.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = leaf_categories()
        self.fields["category"].label_from_instance = category_label
        self.order_fields(["category", "note"])


class WhistleForm(VersionForm):
    department = forms.ModelChoiceField(label=_("Department to call"), queryset=Department.objects.none())
    note = forms.CharField(
        label=_("Reason for calling (吹哨)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, departments=None, **kwargs):
        super().__init__(*args, **kwargs)
        if departments is not None:
            self.fields["department"].queryset = departments


def leaf_categories():
    return Category.objects.filter(is_active=True, numchild=0).order_by("path")


def category_label(category: Category) -> str:
    return f"{category.name}（{category.limit_amount} {category.get_limit_unit_display()}）"


class PlaceForm(NoteForm):
    """定位: the grid a request 待定位 belongs in, typed and picked by name or code."""

    area = forms.ModelChoiceField(
        label=_("Grid"),
        queryset=Area.objects.none(),
        to_field_name="code",
        help_text=_("Type the name or code of the grid the address lies in and pick it from the list."),
        widget=LookupInput(reverse_lazy("orgs:area_lookup")),
        error_messages={
            "invalid_choice": _(
                "No active grid where you dispatch requests has the code “%(value)s”; pick one from the list."
            )
        },
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = Area.objects.visible_to(user, "service.dispatch_request").filter(
            kind=AreaKind.GRID, is_active=True
        )
        self.order_fields(["area", "note"])


# action name → form class of the request page
ACTION_FORMS: dict[str, type[forms.Form]] = {
    "place": PlaceForm,
    "accept": NoteForm,
    "reject": ReasonForm,
    "dispatch": HandlerForm,
    "reassign": HandlerForm,
    "start": VersionForm,
    "feedback": FeedbackForm,
    "return": ReasonForm,
    "approve": NoteForm,
    "send_back": ReasonForm,
    "suspend": ReasonForm,
    "resume": NoteForm,
    "reopen": ReasonForm,
    "follow_up": NoteForm,
    "archive": VersionForm,
    "recategorize": CategoryForm,
    "supervise": NoteForm,
    "whistle": WhistleForm,
    "visit": NoteForm,
    "comment": NoteForm,
    "photo": PhotoForm,
}


class BulkDispatchForm(forms.Form):
    """The handler and note of a bulk dispatch; the ticked request ids are read by the view."""

    handler = forms.ChoiceField(label=_("Dispatch to"))
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["handler"].choices = choices


class RequestCreateForm(forms.Form):
    """Staff register a request: hotline, walk-in, mailbox, 12345 transfer or patrol."""

    source = forms.ChoiceField(label=_("Source"), choices=STAFF_SOURCES, initial=RequestSource.HOTLINE)
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.none())
    title = forms.CharField(label=_("Title"), required=False, max_length=100)
    description = forms.CharField(
        label=_("Description of the problem"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    address = forms.CharField(
        label=_("Address"),
        required=False,
        max_length=255,
        help_text=_(
            "Without a grid or coordinates the address is enough: the request waits 待定位 in your "
            "community or street until a dispatcher there places it in a grid."
        ),
    )
    latitude = forms.DecimalField(label=_("Latitude"), required=False, max_digits=9, decimal_places=6)
    longitude = forms.DecimalField(label=_("Longitude"), required=False, max_digits=9, decimal_places=6)
    contact_name = forms.CharField(label=_("Contact name"), required=False, max_length=64)
    contact_phone = forms.CharField(label=_("Contact mobile"), required=False, max_length=20)
    visit = forms.BooleanField(
        label=_("The resident came in person (counts as a visit for 最多跑一次)"), required=False
    )
    photo = forms.FileField(
        label=_("Photo"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = leaf_categories()
        self.fields["category"].label_from_instance = category_label
