"""Schemas of the service API (/api/v1/service): requests with their timeline, actions, categories, departments."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.urls import reverse
from ninja import Field, Schema
from pydantic import ConfigDict

from dangjian.core.validators import AnyDate
from dangjian.service.choices import RequestSource, RequestState

MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 50


class InputSchema(Schema):
    model_config = ConfigDict(extra="forbid")


class RequestOut(Schema):
    """A request as lists show it; the contact phone only masked."""

    id: int
    tracking_code: str
    source: str
    source_label: str
    state: str
    state_label: str
    category_id: int
    category_name: str
    title: str
    address: str
    latitude: Decimal | None
    longitude: Decimal | None
    area_id: int
    area_name: str
    awaiting_location: bool
    org_id: int | None
    org_name: str
    handler_org_id: int | None
    handler_org_name: str
    handler_department_id: int | None
    handler_department_name: str
    assignee_name: str
    contact_phone_masked: str
    created_at: datetime.datetime
    due_at: datetime.datetime
    resolved_at: datetime.datetime | None
    overdue_at: datetime.datetime | None
    is_overdue: bool
    is_supervised: bool
    visit_count: int
    rating_level: str
    rating_is_bad: bool | None
    version: int

    @staticmethod
    def resolve_source_label(obj) -> str:
        return str(obj.get_source_display())

    @staticmethod
    def resolve_state_label(obj) -> str:
        return str(obj.get_state_display())

    @staticmethod
    def resolve_category_name(obj) -> str:
        return obj.category.name

    @staticmethod
    def resolve_area_name(obj) -> str:
        return obj.area.name

    @staticmethod
    def resolve_org_name(obj) -> str:
        return obj.org.name if obj.org_id else ""

    @staticmethod
    def resolve_handler_org_name(obj) -> str:
        return obj.handler_org.name if obj.handler_org_id else ""

    @staticmethod
    def resolve_handler_department_name(obj) -> str:
        return obj.handler_department.name if obj.handler_department_id else ""

    @staticmethod
    def resolve_assignee_name(obj) -> str:
        if not obj.assignee_id:
            return ""
        return obj.assignee.get_full_name() or obj.assignee.get_username()

    @staticmethod
    def resolve_is_overdue(obj) -> bool:
        from django.utils import timezone

        from dangjian.service.choices import OPEN_STATES

        return (
            obj.state in OPEN_STATES and obj.state != RequestState.SUSPENDED and obj.due_at < timezone.now()
        )


class EventOut(Schema):
    action: str
    action_label: str
    from_state: str
    to_state: str
    by_name: str
    note: str
    data: dict
    created_at: datetime.datetime

    @staticmethod
    def resolve_action_label(obj) -> str:
        return str(obj.get_action_display())


class WhistleOut(Schema):
    id: int
    department_id: int
    department_name: str
    state: str
    note: str
    called_at: datetime.datetime
    report_due_at: datetime.datetime
    reported_at: datetime.datetime | None

    @staticmethod
    def resolve_department_name(obj) -> str:
        return obj.department.name


class PhotoOut(Schema):
    id: int
    kind: str
    url: str
    width: int
    height: int
    created_at: datetime.datetime

    @staticmethod
    def resolve_url(obj) -> str:
        # Photos are served only through the scoped view, never from a public media URL.
        return reverse("service:photo_file", args=[obj.pk])


class RequestDetailOut(RequestOut):
    description: str
    contact_name: str
    resolution: str
    rejection_reason: str
    rating_comment: str
    follow_up_state: str
    limit_amount: int
    limit_unit: str
    suspended_at: datetime.datetime | None
    actions: list[str] = Field(description="What the caller may do now (POST /requests/{id}/{action}).")
    timeline: list[EventOut]
    whistles: list[WhistleOut]
    photos: list[PhotoOut]

    @staticmethod
    def resolve_whistles(obj) -> list:
        return obj.whistle_calls

    @staticmethod
    def resolve_photos(obj) -> list:
        return obj.photos_list


class RequestPage(Schema):
    items: list[RequestOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page.")


class RequestListParams(Schema):
    """The request list page's filters (``service.filters.RequestFilterSet``), plus paging."""

    q: str | None = Field(
        None, max_length=100, description="A tracking code, or text in the title or description."
    )
    state: list[RequestState] | None = Field(None, description="One or more states (repeat the parameter).")
    source: RequestSource | None = None
    category: int | None = Field(None, description="A category: its requests and its subtree's.")
    area: int | None = Field(None, description="An area: requests in its subtree.")
    org: int | None = Field(
        None, description="An organization: requests it answers for or handles, with its subtree."
    )
    department: int | None = Field(None, description="Requests whose current handler is this department.")
    created_from: AnyDate | None = Field(None, description="Reported on or after this day.")
    created_to: AnyDate | None = Field(None, description="Reported on or before this day.")
    resolved_from: AnyDate | None = None
    resolved_to: AnyDate | None = None
    overdue: bool | None = Field(None, description="true: open (not 挂起) and past the deadline now.")
    supervised: bool | None = Field(None, description="true: 督办 requests only.")
    figure: str | None = Field(
        None,
        description="received, resolved, on_time, early, rated, satisfied or overdue: a figure's requests.",
    )
    start: AnyDate | None = Field(None, description="With figure: the period's first day.")
    end: AnyDate | None = Field(None, description="With figure: the day after the period.")
    limit: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
    cursor: str | None = Field(None, max_length=100)


class RequestCreate(InputSchema):
    """A request registered by staff (hotline, walk-in, patrol, mailbox, 12345)."""

    category_id: int
    description: str = Field(max_length=5000)
    source: RequestSource = RequestSource.HOTLINE
    area_id: int | None = Field(
        None,
        description="The grid; or give latitude and longitude; or only the address, and the request "
        "waits 待定位 under this community or street (else under your own) until a dispatcher places it.",
    )
    latitude: Decimal | None = Field(None, ge=-90, le=90, decimal_places=6)
    longitude: Decimal | None = Field(None, ge=-180, le=180, decimal_places=6)
    address: str = Field("", max_length=255)
    title: str = Field("", max_length=100)
    contact_name: str = Field("", max_length=64)
    contact_phone: str = Field("", max_length=20)
    visit: bool = False


class ActionIn(InputSchema):
    """What an action needs; each action reads only its own fields."""

    version: int | None = Field(
        None, description="The version the caller saw; a different current version answers 409."
    )
    note: str = Field("", max_length=5000)
    reason: str = Field("", max_length=5000)
    resolution: str = Field("", max_length=5000)
    handler_org_id: int | None = None
    handler_department_id: int | None = None
    category_id: int | None = None
    department_id: int | None = Field(None, description="吹哨: the department called.")
    area_id: int | None = Field(None, description="定位: the grid of a request 待定位.")


class CategoryNode(Schema):
    id: int
    code: str
    name: str
    description: str
    depth: int
    is_active: bool
    is_public: bool
    requests_public: bool
    limit_amount: int
    limit_unit: str
    service_mode: str
    default_handler_org_id: int | None
    default_handler_department_id: int | None
    children: list[CategoryNode] = []


CategoryNode.model_rebuild()


class DepartmentOut(Schema):
    id: int
    code: str
    name: str
    area_id: int | None
    area_name: str
    phone: str
    report_limit_amount: int
    report_limit_unit: str
    is_active: bool

    @staticmethod
    def resolve_area_name(obj) -> str:
        return obj.area.name if obj.area_id else ""
