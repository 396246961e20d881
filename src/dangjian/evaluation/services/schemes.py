"""Writing, publishing and copying rating schemes; a scheme used by a round in review or later is frozen."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext

from dangjian.core import audit
from dangjian.core.choices import AuditAction
from dangjian.core.errors import RuleViolation
from dangjian.core.registry import ORG_TREE, registry
from dangjian.core.scoping import check_perm
from dangjian.evaluation.choices import (
    ItemKind,
    PointsMapping,
    SchemeStatus,
)
from dangjian.evaluation.models import (
    Cap,
    Category,
    Item,
    ItemScore,
    RatingRound,
    RatingScheme,
    StarThreshold,
)
from dangjian.evaluation.services.common import (
    FROZEN_STATES,
    ITEM_FIELDS,
    SCHEME_FIELDS,
    _bump,
    _decimal,
    _text,
    _user,
)
from dangjian.orgs.models import Organization

# --- Schemes -----------------------------------------------------------------------------------


def scheme_is_frozen(scheme: RatingScheme) -> bool:
    """Whether a round using the scheme has reached review: its results rest on this version."""
    return RatingRound.objects.filter(scheme=scheme, status__in=FROZEN_STATES).exists()


def _check_editable(scheme: RatingScheme) -> None:
    if scheme_is_frozen(scheme):
        raise RuleViolation(
            gettext(
                "The scheme “%(name)s” version %(version)s has been used by a round that is in review, under "
                "public notice or final; copy it to a new version and edit the copy."
            )
            % {"name": scheme.name, "version": scheme.version},
            rule="scheme_frozen",
        )


def _locked_scheme(
    scheme: RatingScheme, by, permission: str = "evaluation.change_ratingscheme"
) -> RatingScheme:
    current = RatingScheme.objects.select_for_update(of=("self",)).select_related("owner").get(pk=scheme.pk)
    check_perm(by, permission, current)
    return current


def create_scheme(
    *,
    by,
    owner: Organization,
    year: int,
    org_field: str,
    name: str,
    base_points=Decimal("200"),
    description: str = "",
) -> RatingScheme:
    """Write a new (draft) scheme for a year and a field of organizations."""
    scheme = RatingScheme(
        owner=owner,
        year=year,
        org_field=org_field,
        name=_text(name),
        base_points=_decimal(base_points, field="base_points", label=gettext("Base points")),
        description=_text(description),
        created_by=_user(by),
    )
    with transaction.atomic():
        check_perm(by, "evaluation.add_ratingscheme", scheme)
        _check_scheme(scheme)
        latest = (
            RatingScheme.objects.filter(owner=owner, year=year, org_field=org_field)
            .order_by("-version")
            .values_list("version", flat=True)
            .first()
        )
        scheme.version = (latest or 0) + 1
        scheme.save()
        audit.record(
            AuditAction.CREATE, scheme, by=by, changes=audit.diff({}, audit.snapshot(scheme, SCHEME_FIELDS))
        )
    return scheme


def _check_scheme(scheme: RatingScheme) -> None:
    if not scheme.name:
        raise RuleViolation(gettext("Give the scheme a name."), rule="name_required", field="name")
    if not isinstance(scheme.year, int) or not 2000 <= scheme.year <= 2100:
        raise RuleViolation(
            gettext("The year must be between 2000 and 2100; it is %(year)s.") % {"year": scheme.year},
            rule="year_range",
            field="year",
        )


def update_scheme(scheme: RatingScheme, *, by, row_version: int | None = None, **fields) -> RatingScheme:
    """Edit a scheme's name, base points or description (refused once a round froze it)."""
    allowed = {"name", "base_points", "description"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    with transaction.atomic():
        current = _locked_scheme(scheme, by)
        _check_editable(current)
        before = audit.snapshot(current, SCHEME_FIELDS)
        if "name" in fields:
            current.name = _text(fields["name"])
        if "description" in fields:
            current.description = _text(fields["description"])
        if "base_points" in fields:
            current.base_points = _decimal(
                fields["base_points"], field="base_points", label=gettext("Base points")
            )
        _check_scheme(current)
        _bump(
            RatingScheme,
            current,
            row_version if row_version is not None else scheme.row_version,
            **{name: getattr(current, name) for name in fields},
        )
        current.refresh_from_db()
        audit.record(
            AuditAction.UPDATE,
            current,
            by=by,
            changes=audit.diff(before, audit.snapshot(current, SCHEME_FIELDS)),
        )
    return current


def add_category(scheme: RatingScheme, *, by, name: str, max_points, order: int = 0) -> Category:
    with transaction.atomic():
        current = _locked_scheme(scheme, by)
        _check_editable(current)
        if not _text(name):
            raise RuleViolation(gettext("Give the category a name."), rule="name_required", field="name")
        category = Category.objects.create(
            scheme=current,
            name=_text(name),
            max_points=_decimal(max_points, field="max_points", label=gettext("Maximum points")),
            order=order or 0,
        )
        audit.record(
            AuditAction.UPDATE,
            current,
            by=by,
            changes={"category": [None, category.name]},
            note=gettext("Category added"),
        )
    return category


def validate_figure_key(key: str, *, field: str = "figure_key") -> None:
    """A figure key must name a figure of the store that works on the organization tree."""
    figure = registry["figures"].get(key)
    if figure is None or ORG_TREE not in figure.trees:
        raise RuleViolation(
            gettext("“%(key)s” is not a figure of the organization tree; choose one from the list.")
            % {"key": key},
            rule="unknown_figure",
            field=field,
        )


def _bands(value) -> list[list[str]]:
    """Bands as ``[[threshold, points], …]`` (text of decimals, for JSON); "0.9:10, 0.8:6" is accepted."""
    if isinstance(value, str):
        pairs = [part.split(":") for part in value.replace("，", ",").split(",") if part.strip()]
    else:
        pairs = list(value or [])
    result = []
    for pair in pairs:
        if len(pair) != 2:
            raise RuleViolation(
                gettext("Write each band as threshold:points, separated by commas (e.g. 0.9:10, 0.8:6)."),
                rule="bands",
                field="bands",
            )
        threshold = _decimal(pair[0], field="bands", label=gettext("Band threshold"), minimum=None)
        points = _decimal(pair[1], field="bands", label=gettext("Band points"))
        result.append([str(threshold), str(points)])
    return sorted(result, key=lambda band: Decimal(band[0]))


def _check_item(item: Item) -> None:
    if not item.name:
        raise RuleViolation(gettext("Give the item a name."), rule="name_required", field="name")
    if item.kind not in ItemKind.values:
        raise RuleViolation(gettext("Choose the kind of item."), rule="kind", field="kind")
    if item.category.scheme_id != item.scheme_id:
        raise RuleViolation(gettext("Choose a category of this scheme."), rule="category", field="category")
    if item.kind == ItemKind.AUTO and not item.figure_key:
        raise RuleViolation(
            gettext("An item computed from records needs a figure."),
            rule="figure_required",
            field="figure_key",
        )
    if item.kind == ItemKind.MANUAL:
        item.figure_key = item.denominator_key = ""
    if item.figure_key:
        validate_figure_key(item.figure_key)
        if item.denominator_key:
            validate_figure_key(item.denominator_key, field="denominator_key")
        if item.mapping == PointsMapping.LINEAR and (item.target is None or item.target <= 0):
            raise RuleViolation(
                gettext("A linear mapping needs a target value above 0 (the value that earns full points)."),
                rule="target",
                field="target",
            )
        if item.mapping == PointsMapping.BANDS and not item.bands:
            raise RuleViolation(gettext("Give at least one band."), rule="bands", field="bands")
        if item.mapping == PointsMapping.BANDS and any(Decimal(p) > item.max_points for _t, p in item.bands):
            raise RuleViolation(
                gettext("A band gives more points than the item's maximum (%(max)s).")
                % {"max": item.max_points},
                rule="bands",
                field="bands",
            )
        if item.mapping == PointsMapping.PER_UNIT and item.per_unit is None:
            raise RuleViolation(gettext("Give the points per unit."), rule="per_unit", field="per_unit")
    elif item.denominator_key:
        raise RuleViolation(
            gettext("A denominator needs a figure above it."), rule="denominator", field="denominator_key"
        )


def _item_values(fields: Mapping) -> dict:
    values = dict(fields)
    for name in ("name", "figure_key", "denominator_key", "description"):
        if name in values:
            values[name] = _text(values[name])
    if "max_points" in values:
        values["max_points"] = _decimal(
            values["max_points"], field="max_points", label=gettext("Maximum points")
        )
    for name, label in (("target", gettext("Target value")), ("per_unit", gettext("Points per unit"))):
        if name in values and values[name] not in (None, ""):
            values[name] = _decimal(values[name], field=name, label=label, minimum=None)
        elif name in values:
            values[name] = None
    if "bands" in values:
        values["bands"] = _bands(values["bands"])
    return values


def add_item(
    scheme: RatingScheme, *, by, category: Category, name: str, kind: str, max_points, **fields
) -> Item:
    """Add an item to a category of the scheme; an auto item's figure must exist in the store."""
    unknown = set(fields) - set(ITEM_FIELDS)
    if unknown:
        raise ValueError(f"Unknown item fields: {sorted(unknown)}")
    with transaction.atomic():
        current = _locked_scheme(scheme, by)
        _check_editable(current)
        item = Item(
            scheme=current,
            category=category,
            **_item_values({"name": name, "kind": kind, "max_points": max_points, **fields}),
        )
        _check_item(item)
        item.save()
        audit.record(
            AuditAction.CREATE, item, by=by, changes=audit.diff({}, audit.snapshot(item, ITEM_FIELDS))
        )
    return item


def update_item(item: Item, *, by, **fields) -> Item:
    unknown = set(fields) - set(ITEM_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    with transaction.atomic():
        _locked_scheme(item.scheme, by)
        _check_editable(item.scheme)
        current = Item.objects.select_for_update(of=("self",)).select_related("category").get(pk=item.pk)
        before = audit.snapshot(current, ITEM_FIELDS)
        for name, value in _item_values(fields).items():
            setattr(current, name, value)
        _check_item(current)
        current.save()
        audit.record(
            AuditAction.UPDATE,
            current,
            by=by,
            changes=audit.diff(before, audit.snapshot(current, ITEM_FIELDS)),
        )
    return current


def delete_item(item: Item, *, by) -> None:
    with transaction.atomic():
        _locked_scheme(item.scheme, by)
        _check_editable(item.scheme)
        if ItemScore.objects.filter(item=item).exists():
            raise RuleViolation(
                gettext("This item already has scores in a round; copy the scheme to a new version instead."),
                rule="item_scored",
            )
        audit.record(
            AuditAction.DELETE, item, by=by, changes=audit.diff(audit.snapshot(item, ITEM_FIELDS), {})
        )
        item.delete()


def set_thresholds(scheme: RatingScheme, *, by, thresholds: Mapping[int, object]) -> list[StarThreshold]:
    """Replace the scheme's star thresholds: ``{5: 180, 4: 160, …}``; more stars need more points."""
    with transaction.atomic():
        current = _locked_scheme(scheme, by)
        _check_editable(current)
        cleaned: dict[int, Decimal] = {}
        for stars, minimum in thresholds.items():
            if minimum in (None, ""):
                continue
            if int(stars) not in range(1, 6):
                raise RuleViolation(gettext("Stars go from 1 to 5."), rule="stars_range")
            cleaned[int(stars)] = _decimal(minimum, field=f"stars_{stars}", label=gettext("Least total"))
        ordered = sorted(cleaned.items())
        for (low_stars, low), (high_stars, high) in itertools.pairwise(ordered):
            if high <= low:
                raise RuleViolation(
                    gettext(
                        "%(high)s stars need more points (%(high_min)s) than %(low)s stars (%(low_min)s)."
                    )
                    % {"high": high_stars, "high_min": high, "low": low_stars, "low_min": low},
                    rule="thresholds_order",
                    field=f"stars_{high_stars}",
                )
        before = {str(t.stars): str(t.min_total) for t in current.thresholds.all()}
        current.thresholds.all().delete()
        made = StarThreshold.objects.bulk_create(
            [StarThreshold(scheme=current, stars=stars, min_total=minimum) for stars, minimum in ordered]
        )
        audit.record(
            AuditAction.UPDATE,
            current,
            by=by,
            changes=audit.diff({"thresholds": before}, {"thresholds": {str(s): str(m) for s, m in ordered}}),
        )
    return made


def add_cap(
    scheme: RatingScheme, *, by, below, max_stars: int, item: Item | None = None, figure_key: str = ""
) -> Cap:
    """ "If item X's (or figure X's) value is below v, at most n stars"."""
    with transaction.atomic():
        current = _locked_scheme(scheme, by)
        _check_editable(current)
        figure_key = _text(figure_key)
        if (item is None) == (not figure_key):
            raise RuleViolation(
                gettext("A cap names either an item or a figure."), rule="cap_target", field="item"
            )
        if item is not None and (item.scheme_id != current.pk or not item.is_auto):
            raise RuleViolation(
                gettext("A cap can only name an item of this scheme computed from records."),
                rule="cap_item",
                field="item",
            )
        if figure_key:
            validate_figure_key(figure_key)
        try:
            max_stars = int(max_stars)
        except (TypeError, ValueError):
            max_stars = 0
        if max_stars not in range(1, 6):
            raise RuleViolation(gettext("Stars go from 1 to 5."), rule="stars_range", field="max_stars")
        cap = Cap.objects.create(
            scheme=current,
            item=item,
            figure_key=figure_key,
            below=_decimal(below, field="below", label=gettext("Limit"), minimum=None),
            max_stars=max_stars,
        )
        audit.record(
            AuditAction.UPDATE, current, by=by, changes={"cap": [None, str(cap)]}, note=gettext("Cap added")
        )
    return cap


def delete_cap(cap: Cap, *, by) -> None:
    with transaction.atomic():
        current = _locked_scheme(cap.scheme, by)
        _check_editable(current)
        audit.record(
            AuditAction.UPDATE, current, by=by, changes={"cap": [str(cap), None]}, note=gettext("Cap removed")
        )
        cap.delete()


def publish_scheme(scheme: RatingScheme, *, by) -> RatingScheme:
    """A published scheme can be used by rounds; it needs items and star thresholds."""
    with transaction.atomic():
        current = _locked_scheme(scheme, by)
        if current.status == SchemeStatus.PUBLISHED:
            raise RuleViolation(gettext("This scheme is already published."), rule="already_published")
        if not current.items.exists():
            raise RuleViolation(gettext("Add at least one item before publishing."), rule="no_items")
        if not current.thresholds.exists():
            raise RuleViolation(gettext("Set the star thresholds before publishing."), rule="no_thresholds")
        _bump(RatingScheme, current, None, status=SchemeStatus.PUBLISHED)
        current.refresh_from_db()
        audit.record(
            AuditAction.UPDATE,
            current,
            by=by,
            changes={"status": [SchemeStatus.DRAFT, SchemeStatus.PUBLISHED]},
        )
    return current


def copy_scheme(scheme: RatingScheme, *, by, year: int | None = None) -> RatingScheme:
    """Copy a scheme (categories, items, thresholds, caps) as a new draft version, for the same
    year (a corrected version) or another year."""
    year = scheme.year if year is None else year
    with transaction.atomic():
        source = RatingScheme.objects.select_related("owner").get(pk=scheme.pk)
        check_perm(by, "evaluation.view_ratingscheme", source)
        copy = RatingScheme(
            owner=source.owner,
            year=year,
            org_field=source.org_field,
            name=source.name,
            base_points=source.base_points,
            description=source.description,
            copied_from=source,
            created_by=_user(by),
        )
        check_perm(by, "evaluation.add_ratingscheme", copy)
        _check_scheme(copy)
        latest = (
            RatingScheme.objects.filter(owner=source.owner, year=year, org_field=source.org_field)
            .order_by("-version")
            .values_list("version", flat=True)
            .first()
        )
        copy.version = (latest or 0) + 1
        copy.save()
        categories = {}
        for category in source.categories.all():
            categories[category.pk] = Category.objects.create(
                scheme=copy, name=category.name, max_points=category.max_points, order=category.order
            )
        items = {}
        for item in source.items.all():
            old_pk = item.pk
            item.pk = None
            item.scheme = copy
            item.category = categories[item.category_id]
            item.save()
            items[old_pk] = item
        StarThreshold.objects.bulk_create(
            [
                StarThreshold(scheme=copy, stars=t.stars, min_total=t.min_total)
                for t in source.thresholds.all()
            ]
        )
        Cap.objects.bulk_create(
            [
                Cap(
                    scheme=copy,
                    item=items.get(cap.item_id),
                    figure_key=cap.figure_key,
                    below=cap.below,
                    max_stars=cap.max_stars,
                )
                for cap in source.caps.all()
            ]
        )
        audit.record(
            AuditAction.CREATE,
            copy,
            by=by,
            changes=audit.diff({}, audit.snapshot(copy, SCHEME_FIELDS)),
            note=gettext("Copied from %(scheme)s") % {"scheme": source},
        )
    return copy
