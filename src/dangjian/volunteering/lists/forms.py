"""Forms of the 三张清单 and 微心愿 pages, for staff and for residents on the portal."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from dangjian.core.validators import validate_mobile
from dangjian.orgs.choices import AreaKind
from dangjian.orgs.models import Area
from dangjian.volunteering.choices import (
    DAYS_PER_WEEK,
    SLOTS_PER_DAY,
    NeedCategory,
    ProjectState,
    ResourceKind,
)
from dangjian.volunteering.models import Project, Skill, Team

PLACE_KINDS = (AreaKind.COMMUNITY, AreaKind.GRID)
DAY_NAMES = [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")]
SLOT_NAMES = [_("morning"), _("afternoon"), _("evening")]


def slot_choices() -> list[tuple[str, str]]:
    return [
        (str(day * SLOTS_PER_DAY + slot), f"{DAY_NAMES[day]}{SLOT_NAMES[slot]}")
        for day in range(DAYS_PER_WEEK)
        for slot in range(SLOTS_PER_DAY)
    ]


def slots_of(mask: int) -> list[str]:
    return [str(bit) for bit in range(DAYS_PER_WEEK * SLOTS_PER_DAY) if mask & (1 << bit)]


def mask_of(slots) -> int:
    return sum(1 << int(bit) for bit in slots or [])


def availability_text(mask: int) -> str:
    """The slots of a mask as words (周一上午、周三晚上), or "any time" when none is set."""
    labels = dict(slot_choices())
    chosen = [str(labels[bit]) for bit in slots_of(mask)]
    return "、".join(chosen) if chosen else gettext("Any time")


def place_queryset(user, permission: str):
    """The communities and grids where ``user`` may do ``permission`` (add or change a row)."""
    return (
        Area.objects.visible_to(user, permission)
        .filter(kind__in=PLACE_KINDS, is_active=True)
        .order_by("path")
    )


class PlaceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Area) -> str:
        return obj.name


class VersionedForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class NeedForm(VersionedForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    category = forms.ChoiceField(label=_("Category"), choices=NeedCategory.choices)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    area = PlaceChoiceField(label=_("Community or grid"), queryset=Area.objects.none())
    skills = forms.ModelMultipleChoiceField(
        label=_("Skills wanted"),
        queryset=Skill.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    availability = forms.MultipleChoiceField(
        label=_("When it can be served"),
        choices=slot_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty for any time."),
    )
    project = forms.ModelChoiceField(label=_("Project"), queryset=Project.objects.none(), required=False)
    is_public = forms.BooleanField(
        label=_("Show on the portal"),
        required=False,
        help_text=_("The title, category and community are shown to the public; never the resident."),
    )

    def __init__(self, *args, user, permission: str = "volunteering.add_need", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = place_queryset(user, permission)
        self.fields["project"].queryset = (
            Project.objects.visible_to(user)
            .exclude(state=ProjectState.FINISHED)
            .order_by("-starts_on", "-id")
        )

    def need_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        data["availability"] = mask_of(data.get("availability"))
        data["skills"] = list(data.get("skills") or [])
        return data


class OutcomeForm(VersionedForm):
    outcome = forms.CharField(
        label=_("What was done"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReasonForm(VersionedForm):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class ResourceForm(VersionedForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=ResourceKind.choices)
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    area = PlaceChoiceField(label=_("Community or grid"), queryset=Area.objects.none())
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(), required=False)
    capacity = forms.CharField(
        label=_("Size or capacity"),
        max_length=100,
        required=False,
        help_text=_("Such as “40 seats” or “10 people”."),
    )
    is_available = forms.BooleanField(label=_("Available for use"), required=False, initial=True)

    def __init__(self, *args, user, permission: str = "volunteering.add_resource", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = place_queryset(user, permission)
        self.fields["team"].queryset = (
            Team.objects.visible_to(user).filter(is_active=True).order_by("name", "id")
        )

    def resource_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data


class ProjectForm(VersionedForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    goals = forms.CharField(label=_("Goals"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    area = PlaceChoiceField(label=_("Community or grid"), queryset=Area.objects.none())
    starts_on = forms.DateField(label=_("Starts on"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(
        label=_("Ends on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    places = forms.CharField(label=_("Locations"), max_length=255, required=False)
    state = forms.ChoiceField(label=_("State"), choices=ProjectState.choices, initial=ProjectState.PLANNED)

    def __init__(self, *args, user, permission: str = "volunteering.add_project", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = place_queryset(user, permission)

    def project_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data


class WishRecordForm(forms.Form):
    title = forms.CharField(label=_("The wish"), max_length=100)
    description = forms.CharField(
        label=_("Details"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    area = PlaceChoiceField(label=_("Community or grid"), queryset=Area.objects.none())
    resident_name = forms.CharField(label=_("Resident's name"), max_length=64)
    phone = forms.CharField(
        label=_("Resident's mobile"),
        max_length=20,
        required=False,
        help_text=_("Stored encrypted and shown masked; never on the portal."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = place_queryset(user, "volunteering.add_wish")

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip().replace(" ", "").replace("-", "")
        if phone:
            validate_mobile(phone)
        return phone


class ConfirmForm(VersionedForm):
    note = forms.CharField(
        label=_("How the resident confirmed"),
        max_length=200,
        help_text=_("Such as “visited on 5 December, the resident is satisfied”."),
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Several photos from one ``<input type=file multiple>`` (Django's documented recipe); the
    service checks their number, size and content."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp", "multiple": True})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(MultiplePhotoField, self).clean(upload, initial) for upload in files]


class ProofForm(forms.Form):
    proof = forms.CharField(
        label=_("How the wish was fulfilled"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What you did and when; the resident and the community read it."),
    )
    photos = MultiplePhotoField(
        label=_("Photos"),
        required=False,
        help_text=_(
            "Up to 3 photos (JPEG, PNG or WebP, at most 5 MB each); the resident and the community see them."
        ),
    )


# --- the portal ---------------------------------------------------------------------------------


def public_place_choices() -> list[tuple[str, list[tuple[int, str]]]]:
    """Active grids grouped by community, each group led by the community itself (two queries)."""
    grids = list(
        Area.objects.filter(kind=AreaKind.GRID, is_active=True).order_by("path").values("pk", "name", "path")
    )
    communities = {
        row["path"]: row
        for row in Area.objects.filter(kind=AreaKind.COMMUNITY, is_active=True).values("pk", "name", "path")
    }
    # Keyed by path: two streets may each have a 幸福社区.
    groups: dict[str, list[tuple[int, str]]] = {}
    for path, community in sorted(communities.items()):
        groups[path] = [
            (community["pk"], gettext("%(community)s (grid not known)") % {"community": community["name"]})
        ]
    for grid in grids:
        parent = grid["path"][: -Area.steplen]
        if parent in groups:
            groups[parent].append((grid["pk"], grid["name"]))
    return [(communities[path]["name"], options) for path, options in groups.items()]


class ResidentForm(forms.Form):
    """What a resident gives on the portal: a place, their name and a verified mobile."""

    area = forms.TypedChoiceField(label=_("Community or grid"), coerce=int)
    name = forms.CharField(label=_("Your name"), max_length=64)
    contact_phone = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        help_text=_("Only the community's staff see it; it is never shown on the portal."),
    )
    code = forms.CharField(
        label=_("Verification code"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]{6}"}
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [
            ("", gettext("Choose your community or grid")),
            *public_place_choices(),
        ]

    def clean_contact_phone(self) -> str:
        phone = self.cleaned_data["contact_phone"].strip().replace(" ", "").replace("-", "")
        validate_mobile(phone)
        return phone

    def clean_area(self) -> Area:
        area = Area.objects.filter(pk=self.cleaned_data["area"], kind__in=PLACE_KINDS, is_active=True).first()
        if area is None:
            raise ValidationError(gettext("Please choose your community or grid."))
        return area


class PublicNeedForm(ResidentForm):
    title = forms.CharField(label=_("What do you need?"), max_length=200)
    category = forms.ChoiceField(label=_("Category"), choices=NeedCategory.choices)
    description = forms.CharField(
        label=_("Details"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("When, where, what kind of help. Do not write phone or ID numbers here."),
    )
    field_order = ["title", "category", "description", "area", "name", "contact_phone", "code"]


class PublicWishForm(ResidentForm):
    title = forms.CharField(
        label=_("Your wish"),
        max_length=100,
        help_text=_("A small wish, such as “a school bag for my grandson”."),
    )
    description = forms.CharField(
        label=_("Details"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    field_order = ["title", "description", "area", "name", "contact_phone", "code"]


class CodeLookupForm(forms.Form):
    code = forms.CharField(
        label=pgettext_lazy("portal", "Tracking code"),
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocapitalize": "characters", "autocomplete": "off", "spellcheck": "false"}
        ),
    )

    def clean_code(self) -> str:
        return self.cleaned_data["code"].strip().upper().replace(" ", "")


class ResidentConfirmForm(forms.Form):
    note = forms.CharField(label=_("A word of thanks or a remark (optional)"), max_length=200, required=False)
