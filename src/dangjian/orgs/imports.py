"""Excel ledgers of the two trees: the area tree (区 → 楼栋) and the party-organization tree.

A row names its parent by code, either a node already in the database or another row of the
same file; rows run parents first. Every change goes through ``orgs.services``, so each row's
permission is checked over its own parent and each change is audited like a change on a page.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from itertools import islice
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dangjian.core.errors import RuleViolation
from dangjian.core.excel import (
    Column,
    ImportContext,
    ImportSpec,
    Outcome,
    Row,
    choice_column,
    code_column,
    date_column,
    text_column,
)
from dangjian.core.tree import TreeNode
from dangjian.orgs import services
from dangjian.orgs.choices import AreaKind, OrgField, OrgKind
from dangjian.orgs.models import Area, Organization

PARENT_HELP = _(
    "Code of the parent: an existing node, or a row of this file. Leave empty only for a top-level "
    "district (system administrators only)."
)

AREA_COLUMNS: list[Column] = [
    code_column(
        "code", _("Code"), required=True, example="110105001001G03", help=_("Unique code of the area.")
    ),
    text_column("name", _("Name"), required=True, max_length=128, example="幸福社区第三网格", width=28),
    choice_column(
        "kind",
        _("Type"),
        AreaKind.choices,
        required=True,
        help=_("District, street, community, grid or building; each level sits under the one above."),
    ),
    code_column("parent_code", _("Parent code"), example="110105001001", help=PARENT_HELP),
    text_column("address", _("Address"), max_length=255, width=32),
    text_column("note", _("Note"), width=32),
]

ORG_COLUMNS: list[Column] = [
    code_column(
        "code", _("Code"), required=True, example="B0003", help=_("Unique code of the organization.")
    ),
    text_column("name", _("Name"), required=True, max_length=128, example="幸福社区第三网格党支部", width=32),
    choice_column("kind", _("Type"), OrgKind.choices, required=True),
    # Empty keeps the current field (a new organization gets the default, urban community).
    choice_column("field", _("Field"), OrgField.choices, empty=None),
    code_column("parent_code", _("Parent code"), example="C0001", help=PARENT_HELP),
    code_column(
        "jurisdiction_code",
        _("Jurisdiction area code"),
        example="110105001001G03",
        help=_("Code of the area the organization is responsible for, if any."),
        empty=None,
    ),
    text_column("short_name", _("Short name"), max_length=64),
    date_column("established_on", _("Established on")),
    text_column("phone", _("Phone"), max_length=32, example="010-12345678"),
    text_column("address", _("Address"), max_length=255, width=32),
]


# --- Ordering rows parents first ------------------------------------------------------------


def prepare_tree_rows(rows: list[Row], context: ImportContext, *, model: type[TreeNode]) -> list[Row]:
    """Refuse duplicate codes and parent cycles; return the rows with every parent before its children."""
    by_code: dict[str, Row] = {}
    for row in rows:
        code = row.get("code")
        if not code:
            continue
        if code in by_code:
            context.error(
                row,
                gettext("The code “%(code)s” repeats line %(number)s; a code can appear only once.")
                % {"code": code, "number": by_code[code].number},
                "code",
            )
        else:
            by_code[code] = row
    context.state["rows_by_code"] = by_code
    codes = list(by_code)
    existing: set[str] = set()
    for start in range(0, len(codes), 500):  # SQLite limits the parameters of one query
        existing.update(
            model.objects.filter(code__in=codes[start : start + 500]).values_list("code", flat=True)
        )
    context.state["existing_codes"] = existing
    context.state["parents"] = {}

    waiting: dict[int, list[Row]] = {}  # id(parent row) → child rows
    pending: dict[int, int] = {}  # id(row) → unprocessed parents in the file (0 or 1)
    ready: list[tuple[int, int, Row]] = []
    for row in rows:
        if row.failed:
            continue
        parent_row = by_code.get(row.get("parent_code") or "")
        if parent_row is not None and not parent_row.failed and parent_row is not row:
            waiting.setdefault(id(parent_row), []).append(row)
            pending[id(row)] = 1
        elif parent_row is row:
            context.error(
                row,
                gettext("The parent code cannot be this row's own code “%(code)s”.") % {"code": row["code"]},
                "parent_code",
            )
        else:
            heapq.heappush(ready, (row.number, id(row), row))
    ordered: list[Row] = []
    while ready:
        _number, _key, row = heapq.heappop(ready)
        ordered.append(row)
        for child in waiting.pop(id(row), []):
            pending[id(child)] = 0
            heapq.heappush(ready, (child.number, id(child), child))
    for row in rows:
        if pending.get(id(row)) and not row.failed:
            context.error(
                row,
                gettext("The parent codes form a cycle: %(cycle)s; check the parent codes of these rows.")
                % {"cycle": _cycle(row, by_code)},
                "parent_code",
            )
    return ordered


def _cycle(row: Row, by_code: dict[str, Row]) -> str:
    codes: list[str] = []
    current: Row | None = row
    while current is not None and current["code"] not in codes:
        codes.append(current["code"])
        current = by_code.get(current.get("parent_code") or "")
    if current is not None:
        codes.append(current["code"])
    return " → ".join(codes)


# --- Importing one row ----------------------------------------------------------------------


def _is_visible(model: type[TreeNode], node: TreeNode, by) -> bool:
    return model.objects.visible_to(by).filter(pk=node.pk).exists()


def _parent(model: type[TreeNode], code: str, context: ImportContext) -> tuple[TreeNode | None, bool]:
    """The parent named by ``code`` and whether the user sees it, looked up once per import.

    Only the primary key is used later (the services lock and re-read the parent), so a cached
    node whose child count has since changed is harmless.
    """
    cache = context.state["parents"]
    if code not in cache:
        parent = model.objects.filter(code=code).first()
        cache[code] = (parent, parent is not None and _is_visible(model, parent, context.by))
    return cache[code]


def _import_node(model: type[TreeNode], row: Row, context: ImportContext, fields: dict[str, Any]) -> Outcome:
    """Create, edit or move one node through the services; unchanged rows touch nothing."""
    by, code, parent_code = context.by, row["code"], row.get("parent_code") or ""
    parent_row = context.state["rows_by_code"].get(parent_code)
    if parent_row is not None and parent_row is not row and parent_row.failed:
        raise RuleViolation(
            gettext(
                "Line %(number)s, which holds the parent code “%(code)s”, has errors; "
                "this row cannot be imported."
            )
            % {"code": parent_code, "number": parent_row.number},
            field="parent_code",
        )
    existing = model.objects.filter(code=code).first() if code in context.state["existing_codes"] else None
    if existing is not None and not _is_visible(model, existing, by):
        raise RuleViolation(
            gettext("The code “%(code)s” is already in use outside your jurisdiction; choose another code.")
            % {"code": code},
            field="code",
        )
    current_parent = model.objects.get_parent(existing) if existing is not None else None

    parent = None
    if parent_code:
        parent, visible = _parent(model, parent_code, context)
        same_as_now = parent is not None and current_parent is not None and parent.pk == current_parent.pk
        if parent is None or (not same_as_now and not visible):
            raise RuleViolation(
                gettext(
                    "The parent code “%(code)s” does not exist or is outside your jurisdiction. "
                    "Import the parent first, or add it to this file."
                )
                % {"code": parent_code},
                field="parent_code",
            )
    elif existing is not None and current_parent is not None:
        raise RuleViolation(
            gettext(
                "Fill in the parent code: the parent of “%(name)s” is now “%(parent)s” (%(parent_code)s)."
            )
            % {"name": existing.name, "parent": current_parent.name, "parent_code": current_parent.code},
            field="parent_code",
        )

    if existing is None:
        services.create_node(model, parent=parent, by=by, code=code, **fields)
        return Outcome.CREATED

    outcome = Outcome.UNCHANGED
    node = existing
    if parent is not None and (current_parent is None or parent.pk != current_parent.pk):
        node = services.move_node(node, new_parent=parent, by=by)
        outcome = Outcome.UPDATED
    changed = {name: value for name, value in fields.items() if _stored(node, name) != _stored_value(value)}
    if changed:
        services.update_node(node, by=by, **changed)
        outcome = Outcome.UPDATED
    return outcome


def _stored(node: TreeNode, name: str) -> Any:
    field = node._meta.get_field(name)
    return getattr(node, field.attname)


def _stored_value(value: Any) -> Any:
    return value.pk if isinstance(value, TreeNode) else value


def handle_area_row(row: Row, context: ImportContext) -> Outcome:
    fields = {name: row[name] for name in ("name", "kind", "address", "note")}
    return _import_node(Area, row, context, fields)


def handle_org_row(row: Row, context: ImportContext) -> Outcome:
    fields: dict[str, Any] = {
        name: row[name] for name in ("name", "kind", "short_name", "established_on", "phone", "address")
    }
    if row.get("field") is not None:
        fields["field"] = row["field"]
    jurisdiction_code = row.get("jurisdiction_code")
    if jurisdiction_code:
        area = Area.objects.visible_to(context.by).filter(code=jurisdiction_code).first()
        if area is None:
            # An organization keeps a jurisdiction outside the user's view if the row does not change it.
            current = Organization.objects.filter(code=row["code"]).select_related("jurisdiction").first()
            if (
                current is not None
                and current.jurisdiction
                and current.jurisdiction.code == jurisdiction_code
            ):
                area = current.jurisdiction
        if area is None:
            raise RuleViolation(
                gettext("The jurisdiction code “%(code)s” does not exist or is outside your jurisdiction.")
                % {"code": jurisdiction_code},
                field="jurisdiction_code",
            )
        fields["jurisdiction"] = area
    else:
        fields["jurisdiction"] = None
    return _import_node(Organization, row, context, fields)


AREA_SPEC = ImportSpec(
    name="orgs.area",
    title=_("Areas"),
    columns=AREA_COLUMNS,
    handle_row=handle_area_row,
    prepare=partial(prepare_tree_rows, model=Area),
)

ORG_SPEC = ImportSpec(
    name="orgs.organization",
    title=_("Party organizations"),
    columns=ORG_COLUMNS,
    handle_row=handle_org_row,
    prepare=partial(prepare_tree_rows, model=Organization),
)


# --- Export rows ----------------------------------------------------------------------------


def _batches(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def _with_parent_codes(
    queryset: QuerySet, to_row: Callable[[Any, str], dict[str, Any]], batch_size: int = 1000
) -> Iterator[dict[str, Any]]:
    """Rows of a tree queryset with each node's parent code, one extra query per batch."""
    model = queryset.model
    for batch in _batches(queryset.iterator(chunk_size=batch_size), batch_size):
        parent_paths = {node.path[: -model.steplen] for node in batch if node.depth > 1}
        codes = dict(model.objects.filter(path__in=parent_paths).values_list("path", "code"))
        for node in batch:
            yield to_row(node, codes.get(node.path[: -model.steplen], "") if node.depth > 1 else "")


def area_export_rows(queryset: QuerySet) -> Iterator[dict[str, Any]]:
    def to_row(area: Area, parent_code: str) -> dict[str, Any]:
        return {
            "code": area.code,
            "name": area.name,
            "kind": area.kind,
            "parent_code": parent_code,
            "address": area.address,
            "note": area.note,
        }

    return _with_parent_codes(queryset.order_by("path"), to_row)


def org_export_rows(queryset: QuerySet) -> Iterator[dict[str, Any]]:
    def to_row(org: Organization, parent_code: str) -> dict[str, Any]:
        return {
            "code": org.code,
            "name": org.name,
            "kind": org.kind,
            "field": org.field,
            "parent_code": parent_code,
            "jurisdiction_code": org.jurisdiction.code if org.jurisdiction_id else "",
            "short_name": org.short_name,
            "established_on": org.established_on,
            "phone": org.phone,
            "address": org.address,
        }

    return _with_parent_codes(queryset.select_related("jurisdiction").order_by("path"), to_row)
