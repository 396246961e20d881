"""Forms of the residents' pages: the report, the code request, the tracking lookup, the rating."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from dangjian.core.validators import validate_mobile
from dangjian.orgs.choices import AreaKind
from dangjian.orgs.models import Area
from dangjian.service.models import Category, RatingLevel

MAX_PHOTOS = 5


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Several photos from one ``<input type=file multiple>`` (Django's documented recipe)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget",
            MultipleFileInput(attrs={"accept": "image/*", "capture": "environment", "multiple": True}),
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(files) > MAX_PHOTOS:
            raise ValidationError(
                gettext("Please add at most %(count)s photos.") % {"count": MAX_PHOTOS}, code="photo_count"
            )
        limit = settings.SERVICE_PHOTO_MAX_BYTES
        for upload in files:
            if upload.size > limit:
                raise ValidationError(
                    gettext("The photo “%(name)s” is %(size)s MB; photos may be at most %(limit)s MB.")
                    % {
                        "name": upload.name,
                        "size": round(upload.size / 1024 / 1024, 1),
                        "limit": round(limit / 1024 / 1024),
                    },
                    code="photo_size",
                )
        return files


def public_categories() -> list[tuple[str, list[tuple[int, str]]]]:
    """Public, active leaf categories grouped by their parent, for a ``<select>`` with optgroups."""
    nodes = list(Category.objects.filter(is_active=True).order_by("path"))
    by_path = {node.path: node for node in nodes}
    parents_with_children = {node.path[: -node.steplen] for node in nodes if node.depth > 1}
    groups: dict[str, list[tuple[int, str]]] = {}
    for node in nodes:
        if not node.is_public or node.path in parents_with_children:
            continue
        parent = by_path.get(node.path[: -node.steplen]) if node.depth > 1 else None
        groups.setdefault(parent.name if parent else gettext("Other"), []).append((node.pk, node.name))
    return list(groups.items())


def grid_choices() -> list[tuple[str, list[tuple[int, str]]]]:
    """Active grids grouped by their community (two queries, whatever the number of grids).

    Each group starts with the community itself ("幸福社区（不清楚网格）"): a resident who knows
    the community but not the grid reports there, and the request waits 待定位 for that
    community's dispatchers to place it.
    """
    grids = list(
        Area.objects.filter(kind=AreaKind.GRID, is_active=True).order_by("path").values("pk", "name", "path")
    )
    parent_paths = {grid["path"][: -Area.steplen] for grid in grids}
    parents = {
        row["path"]: row
        for row in Area.objects.filter(path__in=parent_paths, kind=AreaKind.COMMUNITY, is_active=True).values(
            "pk", "name", "path"
        )
    }
    groups: dict[str, list[tuple[int, str]]] = {}
    for grid in grids:
        parent = parents.get(grid["path"][: -Area.steplen])
        name = parent["name"] if parent else ""
        if name not in groups:
            groups[name] = (
                [(parent["pk"], gettext("%(community)s (grid not known)") % {"community": parent["name"]})]
                if parent
                else []
            )
        groups[name].append((grid["pk"], grid["name"]))
    return list(groups.items())


class ReportForm(forms.Form):
    category = forms.TypedChoiceField(label=_("What is the problem about?"), coerce=int)
    description = forms.CharField(
        label=_("Describe the problem"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What happened, where exactly, since when."),
    )
    photos = MultiplePhotoField(
        label=_("Photos"),
        required=False,
        help_text=_("Up to 5 photos; you may take them with the phone's camera."),
    )
    latitude = forms.DecimalField(
        max_digits=9, decimal_places=6, required=False, widget=forms.HiddenInput, min_value=-90, max_value=90
    )
    longitude = forms.DecimalField(
        max_digits=9,
        decimal_places=6,
        required=False,
        widget=forms.HiddenInput,
        min_value=-180,
        max_value=180,
    )
    area = forms.TypedChoiceField(
        label=_("Grid"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_(
            "Not sure? Choose only the community, use your location, or just give the address below."
        ),
    )
    address = forms.CharField(label=_("Address"), max_length=255, required=False)
    contact_name = forms.CharField(label=_("Your name"), max_length=64, required=False)
    contact_phone = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        help_text=_("Only the staff handling your request see it; it is never shown on the tracking page."),
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
        self.fields["category"].choices = [
            ("", pgettext("portal", "Choose a category")),
            *public_categories(),
        ]
        self.fields["area"].choices = [("", gettext("Choose a grid (optional)")), *grid_choices()]

    def clean_contact_phone(self) -> str:
        phone = self.cleaned_data["contact_phone"].strip().replace(" ", "").replace("-", "")
        validate_mobile(phone)
        return phone

    def clean(self):
        data = super().clean()
        latitude, longitude = data.get("latitude"), data.get("longitude")
        if (latitude is None) != (longitude is None):
            data["latitude"] = data["longitude"] = None
        if (
            data.get("area") is None
            and data.get("latitude") is None
            and not (data.get("address") or "").strip()
            and not self.errors.get("area")
        ):
            self.add_error(
                "area",
                gettext(
                    "Please use your location, choose the grid or give the address, "
                    "so we know where the problem is."
                ),
            )
        return data

    @property
    def category_obj(self) -> Category:
        return Category.objects.get(pk=self.cleaned_data["category"])

    @property
    def area_obj(self) -> Area | None:
        area_id = self.cleaned_data.get("area")
        # A community means "somewhere in it": the request waits 待定位 there.
        if not area_id:
            return None
        return Area.objects.filter(
            pk=area_id, kind__in=[AreaKind.GRID, AreaKind.COMMUNITY], is_active=True
        ).first()

    def location(self) -> tuple[Decimal | None, Decimal | None]:
        return self.cleaned_data.get("latitude"), self.cleaned_data.get("longitude")


class SendCodeForm(forms.Form):
    contact_phone = forms.CharField(max_length=20)

    def clean_contact_phone(self) -> str:
        phone = self.cleaned_data["contact_phone"].strip().replace(" ", "").replace("-", "")
        validate_mobile(phone)
        return phone


class TrackLookupForm(forms.Form):
    code = forms.CharField(
        label=pgettext_lazy("portal", "Tracking code"),
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocapitalize": "characters", "autocomplete": "off", "spellcheck": "false"}
        ),
    )

    def clean_code(self) -> str:
        return self.cleaned_data["code"].strip().upper().replace(" ", "")


class RateForm(forms.Form):
    level = forms.ChoiceField(label=_("How satisfied are you?"), widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("Comment (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    # The proof only the resident has: the token of the invitation's link (a hidden field), or
    # the 6-digit code sent to the request's phone on request. Staff never see either.
    proof = forms.CharField(
        label=_("Rating code from the text message"),
        max_length=64,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]{6}"}
        ),
        help_text=_("So that only the person who reported the problem can rate it."),
        error_messages={
            "required": _("Please enter the code sent to your phone, or open the link in the text message.")
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = [
            (level.code, level.label) for level in RatingLevel.objects.filter(is_active=True)
        ]
