"""API of deliberation at /api/v1/deliberation: topics, invitations, comments, the meeting and its
decision, follow-up tasks and their progress, through the same service functions as the pages;
the published topics answer without a login (the portal's data: no resident's name or phone).
Records outside the caller's reach answer 404."""

from __future__ import annotations

import datetime

from django.db.models import Prefetch
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict

from dangjian.accounts.models import User
from dangjian.core.errors import PermissionDenied, RuleViolation
from dangjian.core.validators import EventDate
from dangjian.deliberation import public, services
from dangjian.deliberation.choices import PartyKind, RaisedBy, TaskState, TopicState
from dangjian.deliberation.models import Task, Topic
from dangjian.deliberation.views import may_list
from dangjian.orgs.models import Organization

router = Router(tags=["deliberation"])

MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 50


class DeliberationInvitationOut(Schema):
    id: int
    party_kind: PartyKind
    unit_name: str
    user_id: int | None


class DeliberationTaskOut(Schema):
    id: int
    title: str
    owner_party: PartyKind
    owner_unit: str
    deadline: datetime.date
    state: TaskState
    progress: int
    done_on: datetime.date | None
    version: int


class DeliberationTopicOut(Schema):
    id: int
    org_id: int
    org_name: str
    title: str
    description: str
    raised_by_kind: RaisedBy
    state: TopicState
    decline_reason: str
    open_to_members: bool
    is_public: bool
    decision: str
    decided_on: datetime.date | None
    created_at: datetime.datetime
    version: int

    @staticmethod
    def resolve_org_name(obj) -> str:
        return obj.org.name


class DeliberationTopicDetailOut(DeliberationTopicOut):
    invitations: list[DeliberationInvitationOut]
    tasks: list[DeliberationTaskOut]

    @staticmethod
    def resolve_invitations(obj) -> list:
        return list(obj.invitations.all())

    @staticmethod
    def resolve_tasks(obj) -> list:
        return list(obj.tasks.all())


class DeliberationCommentOut(Schema):
    id: int
    speaking_for: str
    text: str
    created_at: datetime.datetime


class DeliberationMeetingOut(Schema):
    id: int
    held_at: datetime.datetime
    place: str
    decision: str


class DeliberationProgressOut(Schema):
    id: int
    task_id: int
    progress: int
    text: str
    created_at: datetime.datetime


class DeliberationPublicTaskOut(Schema):
    title: str
    owner_party: PartyKind
    owner_unit: str
    deadline: datetime.date
    state: TaskState
    progress: int


class DeliberationPublicTopicOut(Schema):
    id: int
    org_name: str
    title: str
    description: str
    state: TopicState
    decision: str
    decided_on: datetime.date | None
    tasks: list[DeliberationPublicTaskOut]

    @staticmethod
    def resolve_org_name(obj) -> str:
        return obj.org.name

    @staticmethod
    def resolve_tasks(obj) -> list:
        return [task for task in obj.tasks.all() if task.state != TaskState.CANCELLED]


class DeliberationTopicPage(Schema):
    items: list[DeliberationTopicOut]
    next: int | None = Field(None, description="Pass as `offset` for the next page; null on the last page.")


class DeliberationPublicTopicPage(Schema):
    items: list[DeliberationPublicTopicOut]
    next: int | None = Field(None, description="Pass as `offset` for the next page; null on the last page.")


class DeliberationPageParams(Schema):
    limit: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
    offset: int = Field(0, ge=0, le=10_000)


class DeliberationTopicListParams(DeliberationPageParams):
    state: TopicState | None = None


class DeliberationInputSchema(Schema):
    model_config = ConfigDict(extra="forbid")


class DeliberationTopicIn(DeliberationInputSchema):
    org_id: int = Field(ge=1, le=2**63 - 1)
    unit_name: str = Field(min_length=1, max_length=100)
    title: str = Field(min_length=1, max_length=100)
    description: str = Field(min_length=1, max_length=2000)
    open_to_members: bool = False
    is_public: bool = True


class DeliberationReasonIn(DeliberationInputSchema):
    reason: str = Field(min_length=1, max_length=500)


class DeliberationInvitationIn(DeliberationInputSchema):
    party_kind: PartyKind
    unit_name: str = Field(min_length=1, max_length=100)
    username: str = Field("", max_length=150)


class DeliberationCommentIn(DeliberationInputSchema):
    text: str = Field(min_length=1, max_length=2000)


class DeliberationAttendanceIn(DeliberationInputSchema):
    invitation_id: int = Field(ge=1, le=2**63 - 1)
    attendees: str = Field("", max_length=200)


class DeliberationMeetingIn(DeliberationInputSchema):
    held_at: datetime.datetime
    place: str = Field(min_length=1, max_length=200)
    minutes: str = Field("", max_length=2000)
    decision: str = Field(min_length=1, max_length=2000)
    present: list[DeliberationAttendanceIn] = Field(min_length=1, max_length=50)


class DeliberationTaskIn(DeliberationInputSchema):
    title: str = Field(min_length=1, max_length=200)
    owner_party: PartyKind
    owner_unit: str = Field(min_length=1, max_length=100)
    username: str = Field("", max_length=150)
    deadline: EventDate


class DeliberationProgressIn(DeliberationInputSchema):
    progress: int = Field(ge=0, le=100)
    text: str = Field(min_length=1, max_length=2000)
    version: int | None = Field(None, ge=1, le=2**31)


def _page(queryset, params: DeliberationPageParams) -> dict:
    rows = list(queryset[params.offset : params.offset + params.limit + 1])
    has_next = len(rows) > params.limit
    return {"items": rows[: params.limit], "next": params.offset + params.limit if has_next else None}


def _topic(request: HttpRequest, id: int) -> Topic:
    return get_object_or_404(
        Topic.objects.visible_to(request.user)
        .select_related("org", "area")
        .prefetch_related("invitations", "tasks"),
        pk=id,
    )


def _account(username: str) -> User | None:
    if not username.strip():
        return None
    user = User.objects.filter(username=username.strip(), is_active=True).first()
    if user is None:
        raise RuleViolation(
            gettext("No active account has this login name."), rule="account", field="username"
        )
    return user


@router.get("/topics", response=DeliberationTopicPage, url_name="deliberation_topic_list")
def topic_list(request: HttpRequest, params: Query[DeliberationTopicListParams]) -> dict:
    """Topics the caller sees or takes part in; newest first."""
    if not may_list(request.user):
        raise PermissionDenied(
            gettext("You do not have permission to view deliberation topics."), rule="scope"
        )
    topics = Topic.objects.visible_to(request.user).select_related("org").order_by("-created_at", "-id")
    if params.state:
        topics = topics.filter(state=params.state.value)
    return _page(topics, params)


@router.post("/topics", response={201: DeliberationTopicDetailOut}, url_name="deliberation_topic_create")
def topic_create(request: HttpRequest, payload: DeliberationTopicIn) -> Status:
    """Staff record a topic raised by a unit."""
    org = Organization.objects.visible_to(request.user, services.ADD).filter(pk=payload.org_id).first()
    if org is None:
        raise Http404
    topic = services.raise_topic(
        org,
        by=request.user,
        title=payload.title,
        description=payload.description,
        raised_by_kind=RaisedBy.UNIT,
        unit_name=payload.unit_name,
        open_to_members=payload.open_to_members,
        is_public=payload.is_public,
    )
    return Status(201, _topic(request, topic.pk))


@router.get("/topics/{id:id}", response=DeliberationTopicDetailOut, url_name="deliberation_topic_detail")
def topic_detail(request: HttpRequest, id: int) -> Topic:
    return _topic(request, id)


@router.post(
    "/topics/{id:id}/accept", response=DeliberationTopicDetailOut, url_name="deliberation_topic_accept"
)
def topic_accept(request: HttpRequest, id: int) -> Topic:
    services.accept_topic(_topic(request, id), by=request.user)
    return _topic(request, id)


@router.post(
    "/topics/{id:id}/decline", response=DeliberationTopicDetailOut, url_name="deliberation_topic_decline"
)
def topic_decline(request: HttpRequest, id: int, payload: DeliberationReasonIn) -> Topic:
    services.decline_topic(_topic(request, id), by=request.user, reason=payload.reason)
    return _topic(request, id)


@router.post(
    "/topics/{id:id}/invitations", response={201: DeliberationInvitationOut}, url_name="deliberation_invite"
)
def topic_invite(request: HttpRequest, id: int, payload: DeliberationInvitationIn) -> Status:
    topic = _topic(request, id)
    invitation = services.invite(
        topic,
        by=request.user,
        party_kind=payload.party_kind.value,
        unit_name=payload.unit_name,
        user=_account(payload.username),
    )
    return Status(201, invitation)


@router.get(
    "/topics/{id:id}/comments", response=list[DeliberationCommentOut], url_name="deliberation_comment_list"
)
def comment_list(request: HttpRequest, id: int) -> list:
    """The discussion; hidden comments only for those running the deliberation."""
    topic = _topic(request, id)
    comments = topic.comments.order_by("created_at", "id")
    if not services.may_run(request.user, topic):
        comments = comments.filter(is_hidden=False)
    return list(comments[:500])


@router.post(
    "/topics/{id:id}/comments", response={201: DeliberationCommentOut}, url_name="deliberation_comment_add"
)
def comment_add(request: HttpRequest, id: int, payload: DeliberationCommentIn) -> Status:
    return Status(201, services.add_comment(_topic(request, id), by=request.user, text=payload.text))


@router.post(
    "/topics/{id:id}/meeting", response={201: DeliberationMeetingOut}, url_name="deliberation_meeting_record"
)
def meeting_record(request: HttpRequest, id: int, payload: DeliberationMeetingIn) -> Status:
    """The meeting held and its decision; ``present`` lists the invitations whose party attended."""
    meeting = services.record_meeting(
        _topic(request, id),
        by=request.user,
        held_at=payload.held_at,
        place=payload.place,
        minutes=payload.minutes,
        decision=payload.decision,
        present={row.invitation_id: row.attendees for row in payload.present},
    )
    return Status(201, meeting)


@router.post("/topics/{id:id}/tasks", response={201: DeliberationTaskOut}, url_name="deliberation_task_add")
def task_add(request: HttpRequest, id: int, payload: DeliberationTaskIn) -> Status:
    task = services.add_task(
        _topic(request, id),
        by=request.user,
        title=payload.title,
        owner_party=payload.owner_party.value,
        owner_unit=payload.owner_unit,
        owner_user=_account(payload.username),
        deadline=payload.deadline,
    )
    return Status(201, task)


@router.post(
    "/tasks/{id:id}/progress", response={201: DeliberationProgressOut}, url_name="deliberation_task_progress"
)
def task_progress(request: HttpRequest, id: int, payload: DeliberationProgressIn) -> Status:
    task = get_object_or_404(Task.objects.select_related("topic__org", "topic__area"), pk=id)
    if not Topic.objects.visible_to(request.user).filter(pk=task.topic_id).exists():
        raise Http404
    update = services.report_progress(
        task, by=request.user, progress=payload.progress, text=payload.text, version=payload.version
    )
    return Status(201, update)


@router.post(
    "/topics/{id:id}/close", response=DeliberationTopicDetailOut, url_name="deliberation_topic_close"
)
def topic_close(request: HttpRequest, id: int) -> Topic:
    services.close_topic(_topic(request, id), by=request.user)
    return _topic(request, id)


def _published():
    tasks = Prefetch("tasks", queryset=Task.objects.order_by("deadline", "id"))
    return public.published().select_related("org").prefetch_related(tasks)


@router.get(
    "/public/topics", response=DeliberationPublicTopicPage, auth=None, url_name="deliberation_public_topics"
)
def public_topics(request: HttpRequest, params: Query[DeliberationPageParams]) -> dict:
    """Decided topics published on the portal, with their decision and tasks' progress."""
    return _page(_published().order_by("-decided_on", "-id"), params)


@router.get(
    "/public/topics/{id:id}",
    response=DeliberationPublicTopicOut,
    auth=None,
    url_name="deliberation_public_topic",
)
def public_topic(request: HttpRequest, id: int) -> Topic:
    return get_object_or_404(_published(), pk=id)
