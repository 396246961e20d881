"""API of announcements at /api/v1/publicity: staff list, write, publish and withdraw them and see
who has not read; a member lists what is addressed to them and records a read. Records outside
the caller's scope (and announcements not addressed to a member) answer 404."""

from __future__ import annotations

import datetime

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict

from dangjian.core.errors import PermissionDenied
from dangjian.core.scoping import node_in_scope, scope_of
from dangjian.core.search import search_queryset
from dangjian.orgs.models import Organization
from dangjian.publicity import selectors, services
from dangjian.publicity.choices import AnnouncementCategory, AnnouncementState, Audience
from dangjian.publicity.models import Announcement
from dangjian.publicity.roles import ADD, VIEW

router = Router(tags=["publicity"])

MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 50


class AnnouncementOut(Schema):
    id: int
    org_id: int
    org_name: str
    title: str
    body: str = Field(description="Sanitized HTML.")
    category: AnnouncementCategory
    audience: Audience
    state: AnnouncementState
    is_pinned: bool
    publish_at: datetime.datetime | None
    is_live: bool
    version: int

    @staticmethod
    def resolve_org_name(obj) -> str:
        return obj.org.name


class AnnouncementPage(Schema):
    items: list[AnnouncementOut]
    next: int | None = Field(None, description="Pass as `offset` for the next page; null on the last page.")


class PageParams(Schema):
    limit: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
    offset: int = Field(0, ge=0, le=10_000)


class ListParams(PageParams):
    org_id: int | None = Field(None, description="Announcements of this organization's subtree.")
    state: AnnouncementState | None = None
    q: str = Field("", max_length=100, description="Words of the title or text (简/繁, pinyin).")


class InputSchema(Schema):
    model_config = ConfigDict(extra="forbid")


class AnnouncementIn(InputSchema):
    org_id: int = Field(ge=1, le=2**63 - 1)
    title: str = Field(min_length=1, max_length=120)
    body: str = Field("", max_length=100_000, description="HTML; anything but the allowed tags is removed.")
    category: AnnouncementCategory = AnnouncementCategory.NOTICE
    audience: Audience = Audience.SUBTREE
    is_pinned: bool = False
    publish_at: datetime.datetime | None = None


class AnnouncementPatch(InputSchema):
    version: int = Field(ge=1, le=2**31)
    title: str | None = Field(None, min_length=1, max_length=120)
    body: str | None = Field(None, max_length=100_000)
    category: AnnouncementCategory | None = None
    audience: Audience | None = None
    is_pinned: bool | None = None
    publish_at: datetime.datetime | None = None


class ReasonIn(InputSchema):
    reason: str = Field(min_length=1, max_length=200)


class ReadsOut(Schema):
    read: int
    total: int
    rate: float | None


class MemberOut(Schema):
    id: int
    name: str
    org_name: str

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.person.name

    @staticmethod
    def resolve_org_name(obj) -> str:
        return obj.org.name


class MemberPage(Schema):
    items: list[MemberOut]
    next: int | None = None


class ReadOut(Schema):
    first_time: bool


def _page(queryset, params: PageParams) -> dict:
    rows = list(queryset[params.offset : params.offset + params.limit + 1])
    has_next = len(rows) > params.limit
    return {"items": rows[: params.limit], "next": params.offset + params.limit if has_next else None}


def _staff(request: HttpRequest, id: int) -> Announcement:
    return get_object_or_404(Announcement.objects.visible_to(request.user).select_related("org"), pk=id)


@router.get("/announcements", response=AnnouncementPage, url_name="announcement_list")
def announcement_list(request: HttpRequest, params: Query[ListParams]) -> dict:
    """Announcements of the organizations the caller manages; pinned first, then newest."""
    if not scope_of(request.user).has_any(VIEW):
        raise PermissionDenied(gettext("You do not have permission to view announcements."), rule="scope")
    announcements = Announcement.objects.visible_to(request.user).select_related("org")
    if params.org_id is not None:
        org = node_in_scope(Organization, params.org_id, request.user, VIEW)
        if org is None:
            raise Http404
        announcements = announcements.filter(org__path__startswith=org.path)
    if params.state:
        announcements = announcements.filter(state=params.state.value)
    if params.q.strip():
        announcements = search_queryset(announcements, params.q)
    return _page(announcements.order_by("-is_pinned", "-created_at", "-id"), params)


@router.get("/mine", response=AnnouncementPage, url_name="announcement_mine")
def announcement_mine(request: HttpRequest, params: Query[PageParams]) -> dict:
    """Live announcements addressed to the caller as a member (empty for others)."""
    return _page(
        selectors.for_member(request.user).select_related("org").order_by("-is_pinned", "-publish_at"), params
    )


@router.post("/announcements", response={201: AnnouncementOut}, url_name="announcement_create")
def announcement_create(request: HttpRequest, payload: AnnouncementIn) -> Status:
    """A draft; publish it with `…/publish`."""
    org = node_in_scope(Organization, payload.org_id, request.user, ADD)
    if org is None:
        raise Http404
    data = payload.dict(exclude={"org_id"})
    announcement = services.create_announcement(by=request.user, org=org, **data)
    return Status(201, _staff(request, announcement.pk))


@router.get("/announcements/{id:id}", response=AnnouncementOut, url_name="announcement_detail")
def announcement_detail(request: HttpRequest, id: int) -> Announcement:
    """Staff in scope read any state; a member of the audience reads it live."""
    found = Announcement.objects.visible_to(request.user).select_related("org").filter(pk=id).first()
    if found is None:
        found = selectors.for_member(request.user).select_related("org").filter(pk=id).first()
    if found is None:
        raise Http404
    return found


@router.patch("/announcements/{id:id}", response=AnnouncementOut, url_name="announcement_update")
def announcement_update(request: HttpRequest, id: int, payload: AnnouncementPatch) -> Announcement:
    fields = payload.dict(exclude_unset=True, exclude={"version"})
    services.update_announcement(_staff(request, id), by=request.user, version=payload.version, **fields)
    return _staff(request, id)


@router.post("/announcements/{id:id}/publish", response=AnnouncementOut, url_name="announcement_publish")
def announcement_publish(request: HttpRequest, id: int) -> Announcement:
    services.publish_announcement(_staff(request, id), by=request.user)
    return _staff(request, id)


@router.post("/announcements/{id:id}/withdraw", response=AnnouncementOut, url_name="announcement_withdraw")
def announcement_withdraw(request: HttpRequest, id: int, payload: ReasonIn) -> Announcement:
    services.withdraw_announcement(_staff(request, id), by=request.user, reason=payload.reason)
    return _staff(request, id)


@router.post("/announcements/{id:id}/read", response=ReadOut, url_name="announcement_read")
def announcement_read(request: HttpRequest, id: int) -> dict:
    """The caller, a member of the audience, records that they read it (once)."""
    found = selectors.for_member(request.user).select_related("org").filter(pk=id).first()
    if found is None or services.member_of_audience(request.user, found) is None:
        raise Http404
    return {"first_time": services.record_read(found, request.user)}


@router.get("/announcements/{id:id}/reads", response=ReadsOut, url_name="announcement_reads")
def announcement_reads(request: HttpRequest, id: int) -> dict:
    read, total = selectors.read_counts(_staff(request, id))
    return {"read": read, "total": total, "rate": read / total if total else None}


@router.get("/announcements/{id:id}/unread", response=MemberPage, url_name="announcement_unread")
def announcement_unread(request: HttpRequest, id: int, params: Query[PageParams]) -> dict:
    """Members of the audience who have not read it, by organization."""
    members = selectors.unread_members(_staff(request, id)).select_related("person", "org")
    return _page(members.order_by("org__path", "id"), params)
