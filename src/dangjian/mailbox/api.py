"""API of the leader mailbox at /api/v1/mailbox: the staff's messages (list, detail) and their
actions — assign, answer, close, publish, turn into a service request — through the same service
functions as the pages. Messages outside the caller's scope answer 404. Residents write on the
portal's page (phone-verified by an SMS code); there is no public write endpoint, as the portal
has none for requests either (Open311 serves clients that hold a key)."""

from __future__ import annotations

import datetime

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict

from dangjian.core.errors import PermissionDenied, RuleViolation
from dangjian.core.scoping import scope_of
from dangjian.core.search import search_queryset
from dangjian.mailbox import services
from dangjian.mailbox.choices import MessageSource, MessageState
from dangjian.mailbox.models import Message

router = Router(tags=["mailbox"])

MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 50


class MessageOut(Schema):
    id: int
    tracking_code: str
    org_id: int
    org_name: str
    mailbox_title: str
    source: MessageSource
    subject: str
    text: str
    writer_name: str
    writer_phone: str = Field(description="Masked.")
    agrees_to_publish: bool
    state: MessageState
    created_at: datetime.datetime
    due_at: datetime.datetime
    overdue_at: datetime.datetime | None
    assignee_id: int | None
    answer: str
    answered_at: datetime.datetime | None
    rating: int | None
    is_published: bool
    service_request_id: int | None
    version: int

    @staticmethod
    def resolve_org_name(obj) -> str:
        return obj.org.name

    @staticmethod
    def resolve_mailbox_title(obj) -> str:
        return obj.mailbox.title

    @staticmethod
    def resolve_writer_phone(obj) -> str:
        return obj.writer_phone_masked


class MessagePage(Schema):
    items: list[MessageOut]
    next: int | None = Field(None, description="Pass as `offset` for the next page; null on the last page.")


class MessageListParams(Schema):
    limit: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
    offset: int = Field(0, ge=0, le=10_000)
    state: MessageState | None = None
    mine: bool = Field(False, description="Only messages assigned to the caller.")
    q: str = Field("", max_length=100, description="Words of the subject or text (简/繁, pinyin).")


class InputSchema(Schema):
    model_config = ConfigDict(extra="forbid")


class VersionIn(InputSchema):
    version: int | None = Field(
        None, ge=1, le=2**31 - 1, description="The version read; a stale one is refused."
    )


class AssignIn(VersionIn):
    assignee_id: int = Field(ge=1, le=2**63 - 1)


class AnswerIn(VersionIn):
    answer: str = Field(min_length=1, max_length=3000)


class PublishIn(VersionIn):
    public_subject: str = Field(min_length=1, max_length=100)
    public_text: str = Field(min_length=1, max_length=3000)
    public_answer: str = Field(min_length=1, max_length=3000)


class ToRequestIn(InputSchema):
    category_id: int = Field(ge=1, le=2**63 - 1)
    area_id: int = Field(ge=1, le=2**63 - 1)


class RequestOut(Schema):
    id: int
    tracking_code: str


def _message(request: HttpRequest, id: int) -> Message:
    return get_object_or_404(
        Message.objects.visible_to(request.user).select_related("org", "mailbox", "assignee"), pk=id
    )


@router.get("/messages", response=MessagePage, url_name="mailbox_message_list")
def message_list(request: HttpRequest, params: Query[MessageListParams]) -> dict:
    """Messages to the mailboxes in the caller's scope, and those assigned to the caller; newest first."""
    if not scope_of(request.user).has_any(services.VIEW):
        raise PermissionDenied(gettext("You do not have permission to view mailbox messages."), rule="scope")
    messages = Message.objects.visible_to(request.user).select_related("org", "mailbox")
    if params.state:
        messages = messages.filter(state=params.state.value)
    if params.mine:
        messages = messages.filter(assignee=request.user)
    if params.q.strip():
        messages = search_queryset(messages, params.q.strip())
    rows = list(messages.order_by("-created_at", "-id")[params.offset : params.offset + params.limit + 1])
    has_next = len(rows) > params.limit
    return {"items": rows[: params.limit], "next": params.offset + params.limit if has_next else None}


@router.get("/messages/{id:id}", response=MessageOut, url_name="mailbox_message_detail")
def message_detail(request: HttpRequest, id: int) -> Message:
    return _message(request, id)


@router.post("/messages/{id:id}/assign", response=MessageOut, url_name="mailbox_message_assign")
def message_assign(request: HttpRequest, id: int, payload: AssignIn) -> Message:
    message = _message(request, id)
    assignee = services.assignable_users(message).filter(pk=payload.assignee_id).first()
    if assignee is None:
        if not scope_of(request.user).has_perm(services.ASSIGN, org_path=message.org_path):
            raise PermissionDenied(
                gettext("You do not have permission to do this within this scope."), rule="scope"
            )
        raise RuleViolation(
            gettext("Assign to a staff member of this organization or one below it who may answer messages."),
            rule="assignee.scope",
            field="assignee_id",
        )
    return services.assign_message(message, assignee=assignee, by=request.user, version=payload.version)


@router.post("/messages/{id:id}/answer", response=MessageOut, url_name="mailbox_message_answer")
def message_answer(request: HttpRequest, id: int, payload: AnswerIn) -> Message:
    return services.answer_message(
        _message(request, id), answer=payload.answer, by=request.user, version=payload.version
    )


@router.post("/messages/{id:id}/close", response=MessageOut, url_name="mailbox_message_close")
def message_close(request: HttpRequest, id: int, payload: VersionIn) -> Message:
    return services.close_message(_message(request, id), by=request.user, version=payload.version)


@router.post("/messages/{id:id}/publish", response=MessageOut, url_name="mailbox_message_publish")
def message_publish(request: HttpRequest, id: int, payload: PublishIn) -> Message:
    return services.publish_message(
        _message(request, id),
        by=request.user,
        public_subject=payload.public_subject,
        public_text=payload.public_text,
        public_answer=payload.public_answer,
        version=payload.version,
    )


@router.post(
    "/messages/{id:id}/to-request", response={201: RequestOut}, url_name="mailbox_message_to_request"
)
def message_to_request(request: HttpRequest, id: int, payload: ToRequestIn):
    from dangjian.orgs.models import Area
    from dangjian.service.models import Category

    message = _message(request, id)
    category = Category.objects.filter(pk=payload.category_id).first()
    area = Area.objects.filter(pk=payload.area_id).first()
    if category is None or area is None:
        raise Http404
    return Status(201, services.turn_into_request(message, category=category, area=area, by=request.user))
