"""Scheme pages: list, detail, edit, items, thresholds, caps, publish, copy."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from dangjian.core.errors import RuleViolation
from dangjian.core.page_permissions import allowed, require, require_any
from dangjian.core.pagination import paginate
from dangjian.core.registry import registry
from dangjian.evaluation import services
from dangjian.evaluation.forms import (
    CapForm,
    CategoryForm,
    ItemForm,
    SchemeEditForm,
    SchemeForm,
    ThresholdsForm,
)
from dangjian.evaluation.models import (
    Item,
    RatingScheme,
)
from dangjian.evaluation.views.common import (
    CHANGE_SCHEME,
    VIEW_SCHEME,
    _get,
    _owners,
    _run,
    registry_has,
)

# --- Schemes -----------------------------------------------------------------------------------


@login_required
@require_GET
def scheme_list(request):
    require_any(request.user, VIEW_SCHEME)
    schemes = (
        RatingScheme.objects.visible_to(request.user)
        .select_related("owner")
        .annotate(item_count=Count("items"))
    )
    return render(
        request,
        "evaluation/scheme_list.html",
        {
            "page": paginate(request, schemes.order_by("-year", "org_field", "-version", "-id")),
            "can_create": registry_has(request.user, "evaluation.add_ratingscheme"),
        },
    )


@login_required
def scheme_create(request):
    require_any(request.user, "evaluation.add_ratingscheme")
    owners = _owners(request.user)
    form = SchemeForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and owners:
        made = []
        data = form.cleaned_data
        if _run(
            request,
            lambda: made.append(
                services.create_scheme(
                    by=request.user,
                    owner=owners[0],
                    year=data["year"],
                    org_field=data["org_field"],
                    name=data["name"],
                    base_points=data["base_points"],
                    description=data["description"],
                )
            ),
            form,
        ):
            messages.success(request, _("Scheme created."))
            return redirect("evaluation:scheme_detail", pk=made[0].pk)
    return render(
        request, "evaluation/form.html", {"form": form, "title": _("New rating scheme"), "owner": owners[:1]}
    )


def _scheme(request, pk) -> RatingScheme:
    return _get(RatingScheme.objects.visible_to(request.user).select_related("owner", "copied_from"), pk)


@login_required
@require_GET
def scheme_detail(request, pk: int):
    scheme = _scheme(request, pk)
    items = list(scheme.items.select_related("category"))
    can_edit = allowed(request.user, CHANGE_SCHEME, scheme) and not services.scheme_is_frozen(scheme)
    return render(
        request,
        "evaluation/scheme_detail.html",
        {
            "scheme": scheme,
            "categories": list(scheme.categories.all()),
            "items": items,
            "thresholds": list(scheme.thresholds.all()),
            "caps": list(scheme.caps.select_related("item")),
            "frozen": services.scheme_is_frozen(scheme),
            "can_edit": can_edit,
            "can_copy": allowed(request.user, "evaluation.add_ratingscheme", scheme),
            "figures": registry["figures"],
            "category_form": CategoryForm(),
            "cap_form": CapForm(items=[i for i in items if i.is_auto]),
        },
    )


def _editable_scheme(request, pk) -> RatingScheme:
    scheme = _scheme(request, pk)
    require(request.user, CHANGE_SCHEME, scheme)
    return scheme


@login_required
def scheme_edit(request, pk: int):
    scheme = _editable_scheme(request, pk)
    form = SchemeEditForm(
        request.POST or None,
        initial={"name": scheme.name, "base_points": scheme.base_points, "description": scheme.description},
    )
    saved = request.method == "POST" and form.is_valid()
    if saved and _run(
        request, lambda: services.update_scheme(scheme, by=request.user, **form.cleaned_data), form
    ):
        messages.success(request, _("Scheme saved."))
        return redirect("evaluation:scheme_detail", pk=scheme.pk)
    return render(
        request, "evaluation/form.html", {"form": form, "title": _("Edit the scheme"), "scheme": scheme}
    )


@login_required
@require_POST
def category_add(request, pk: int):
    scheme = _editable_scheme(request, pk)
    form = CategoryForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        if _run(
            request,
            lambda: services.add_category(
                scheme,
                by=request.user,
                name=data["name"],
                max_points=data["max_points"],
                order=data["order"] or 0,
            ),
        ):
            messages.success(request, _("Category added."))
    else:
        messages.error(request, _("Give the category's name and maximum points."))
    return redirect("evaluation:scheme_detail", pk=scheme.pk)


def _item_form(request, scheme, item: Item | None = None) -> ItemForm:
    initial = {}
    if item is not None:
        initial = {
            name: getattr(item, name) for name in services.ITEM_FIELDS if name not in ("category", "bands")
        }
        initial["category"] = item.category_id
        initial["bands"] = ", ".join(f"{t}:{p}" for t, p in item.bands or [])
    return ItemForm(request.POST or None, initial=initial, categories=scheme.categories.all())


def _item_fields(scheme, data: dict) -> dict:
    fields = dict(data)
    category = scheme.categories.filter(pk=fields.pop("category")).first()
    if category is None:
        raise RuleViolation(_("Choose a category of this scheme."), rule="category", field="category")
    fields["category"] = category
    fields["order"] = fields.get("order") or 0
    return fields


@login_required
def item_add(request, pk: int):
    scheme = _editable_scheme(request, pk)
    form = _item_form(request, scheme)
    if request.method == "POST" and form.is_valid():

        def add():
            fields = _item_fields(scheme, form.cleaned_data)
            services.add_item(scheme, by=request.user, **fields)

        if _run(request, add, form):
            messages.success(request, _("Item added."))
            return redirect("evaluation:scheme_detail", pk=scheme.pk)
    return render(
        request, "evaluation/form.html", {"form": form, "title": _("Add an item"), "scheme": scheme}
    )


@login_required
def item_edit(request, pk: int):
    item = _get(
        Item.objects.filter(scheme__in=RatingScheme.objects.visible_to(request.user)).select_related(
            "scheme__owner"
        ),
        pk,
    )
    scheme = item.scheme
    require(request.user, CHANGE_SCHEME, scheme)
    form = _item_form(request, scheme, item)
    if (
        request.method == "POST"
        and form.is_valid()
        and _run(
            request,
            lambda: services.update_item(item, by=request.user, **_item_fields(scheme, form.cleaned_data)),
            form,
        )
    ):
        messages.success(request, _("Item saved."))
        return redirect("evaluation:scheme_detail", pk=scheme.pk)
    return render(
        request, "evaluation/form.html", {"form": form, "title": _("Edit the item"), "scheme": scheme}
    )


@login_required
def thresholds_edit(request, pk: int):
    scheme = _editable_scheme(request, pk)
    initial = {f"stars_{t.stars}": t.min_total for t in scheme.thresholds.all()}
    form = ThresholdsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = {int(name.split("_")[1]): value for name, value in form.cleaned_data.items()}
        if _run(request, lambda: services.set_thresholds(scheme, by=request.user, thresholds=values), form):
            messages.success(request, _("Star thresholds saved."))
            return redirect("evaluation:scheme_detail", pk=scheme.pk)
    return render(
        request, "evaluation/form.html", {"form": form, "title": _("Star thresholds"), "scheme": scheme}
    )


@login_required
@require_POST
def cap_add(request, pk: int):
    scheme = _editable_scheme(request, pk)
    items = [item for item in scheme.items.all() if item.is_auto]
    form = CapForm(request.POST, items=items)
    if form.is_valid():
        data = form.cleaned_data
        item = next((i for i in items if i.pk == data["item"]), None)
        if _run(
            request,
            lambda: services.add_cap(
                scheme,
                by=request.user,
                item=item,
                figure_key=data["figure_key"],
                below=data["below"],
                max_stars=data["max_stars"],
            ),
        ):
            messages.success(request, _("Cap added."))
    else:
        messages.error(request, _("Give the item or the figure, the limit and the stars."))
    return redirect("evaluation:scheme_detail", pk=scheme.pk)


@login_required
@require_POST
def scheme_publish(request, pk: int):
    scheme = _editable_scheme(request, pk)
    if _run(request, lambda: services.publish_scheme(scheme, by=request.user)):
        messages.success(request, _("Scheme published."))
    return redirect("evaluation:scheme_detail", pk=scheme.pk)


@login_required
@require_POST
def scheme_copy(request, pk: int):
    scheme = _scheme(request, pk)
    require(request.user, "evaluation.add_ratingscheme", scheme)
    year = request.POST.get("year") or scheme.year
    try:
        year = int(year)
    except (TypeError, ValueError):
        year = 0
    if not 2000 <= year <= 2100:
        messages.error(request, _("The year must be between 2000 and 2100."))
        return redirect("evaluation:scheme_detail", pk=scheme.pk)
    made = []
    if _run(request, lambda: made.append(services.copy_scheme(scheme, by=request.user, year=year))):
        messages.success(request, _("Copied as version %(version)s.") % {"version": made[0].version})
        return redirect("evaluation:scheme_detail", pk=made[0].pk)
    return redirect("evaluation:scheme_detail", pk=scheme.pk)
