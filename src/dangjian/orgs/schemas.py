"""API shapes of the two trees: what a client reads and sends for organizations and areas.

``parent_id`` is not a column (treebeard keeps the tree in ``path``), so the API handlers look
the parents up in one query per page and set it on the nodes before these schemas read them.
"""

from __future__ import annotations

import datetime

from ninja import Field, Schema
from pydantic import ConfigDict

from dangjian.core.validators import PartyDate, not_null
from dangjian.orgs.choices import AreaKind, OrgField, OrgKind

MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 50


class TreeNodeOut(Schema):
    id: int
    name: str
    code: str
    kind: str
    kind_label: str
    parent_id: int | None
    depth: int
    path: str
    numchild: int
    is_active: bool
    version: int

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())


class OrganizationOut(TreeNodeOut):
    field: str
    field_label: str
    short_name: str
    jurisdiction_id: int | None
    unit_count: int
    established_on: datetime.date | None
    phone: str
    address: str
    note: str

    @staticmethod
    def resolve_field_label(obj) -> str:
        return str(obj.get_field_display())


class AreaOut(TreeNodeOut):
    resident_count: int
    address: str
    note: str
    boundary: dict | None


class ListParams(Schema):
    """Filters of the tree's FilterSet, plus keyset pagination by ``path``."""

    q: str | None = Field(None, description="Search by name or code (pinyin initials work too).")
    parent: int | None = Field(None, description="Only the direct children of this node.")
    is_active: bool | None = None
    limit: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
    after: str | None = Field(None, max_length=255, description="The `next` cursor of the previous page.")


class OrganizationListParams(ListParams):
    kind: OrgKind | None = None
    field: OrgField | None = None


class AreaListParams(ListParams):
    kind: AreaKind | None = None


class OrganizationPage(Schema):
    items: list[OrganizationOut]
    next: str | None = Field(description="Pass as `after` for the next page; null on the last page.")


class AreaPage(Schema):
    items: list[AreaOut]
    next: str | None = Field(description="Pass as `after` for the next page; null on the last page.")


class InputSchema(Schema):
    """A request body: unknown fields are refused (422) rather than silently ignored, so a
    client sending ``parent_id`` to PATCH learns that moving has its own endpoint."""

    model_config = ConfigDict(extra="forbid")


class OrganizationCreate(InputSchema):
    parent_id: int | None = Field(None, description="The parent organization; null for a root (admins only).")
    name: str = Field(max_length=128)
    code: str = Field(max_length=32)
    kind: OrgKind
    field: OrgField = OrgField.URBAN_COMMUNITY
    short_name: str = Field("", max_length=64)
    jurisdiction_id: int | None = None
    unit_count: int = Field(1, ge=1, le=32767)
    established_on: PartyDate | None = None
    phone: str = Field("", max_length=32)
    address: str = Field("", max_length=255)
    note: str = ""


class OrganizationUpdate(InputSchema):
    """Only the fields sent are changed; ``version`` is the one the client read (409 when stale)."""

    version: int
    name: str | None = Field(None, max_length=128)
    code: str | None = Field(None, max_length=32)
    kind: OrgKind | None = None
    field: OrgField | None = None
    short_name: str | None = Field(None, max_length=64)
    jurisdiction_id: int | None = None
    unit_count: int | None = Field(None, ge=1, le=32767)
    established_on: PartyDate | None = None
    phone: str | None = Field(None, max_length=32)
    address: str | None = Field(None, max_length=255)
    note: str | None = None

    # jurisdiction_id and established_on may be cleared with null; the rest may not.
    check_not_null = not_null(
        "name", "code", "kind", "field", "short_name", "unit_count", "phone", "address", "note"
    )


class AreaCreate(InputSchema):
    parent_id: int | None = Field(None, description="The parent area; null for a district (admins only).")
    name: str = Field(max_length=128)
    code: str = Field(max_length=32)
    kind: AreaKind
    address: str = Field("", max_length=255)
    note: str = ""
    boundary: dict | None = Field(None, description="GeoJSON geometry of a grid.")


class AreaUpdate(InputSchema):
    """Only the fields sent are changed; ``version`` is the one the client read (409 when stale)."""

    version: int
    name: str | None = Field(None, max_length=128)
    code: str | None = Field(None, max_length=32)
    kind: AreaKind | None = None
    address: str | None = Field(None, max_length=255)
    note: str | None = None
    boundary: dict | None = None

    # boundary may be cleared with null; the rest may not.
    check_not_null = not_null("name", "code", "kind", "address", "note")


class MoveIn(InputSchema):
    parent_id: int


class DeactivateIn(InputSchema):
    reason: str = Field("", max_length=500)
