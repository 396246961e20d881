"""Builders for the deliberation tests: topics of 社区A党委 and 社区B党委 in a given state, with
invitations, a meeting and tasks written directly (the services are tested on their own)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from dangjian.deliberation.choices import PartyKind, RaisedBy, TaskState, TopicState
from dangjian.deliberation.models import Comment, Invitation, Task, Topic

DAY = datetime.timedelta(days=1)


def today() -> datetime.date:
    return timezone.localdate()


def topic_at(org, state: str = TopicState.RAISED, title: str = "小区加装电梯协商", **fields) -> Topic:
    fields.setdefault("description", "3号楼居民希望加装电梯，需各方协商费用分摊。")
    fields.setdefault("raised_by_kind", RaisedBy.UNIT)
    fields.setdefault("raiser_name", "物业服务中心")
    if state in (TopicState.DECIDED, TopicState.FOLLOW_UP, TopicState.CLOSED):
        fields.setdefault("decision", "同意加装，物业牵头。")
        fields.setdefault("decided_on", today() - 5 * DAY)
    return Topic.objects.create(org=org, title=title, state=state, **fields)


def topic_in(org, state: str = TopicState.RAISED) -> Topic:
    """The table's topic of ``org`` in ``state``; found again when a row asks twice."""
    found = Topic.objects.filter(org=org, state=state, title=f"议题{state}").first()
    return found or topic_at(org, state, title=f"议题{state}")


def invitation_in(org) -> Invitation:
    topic = topic_in(org, TopicState.DISCUSSING)
    return topic.invitations.first() or Invitation.objects.create(
        topic=topic, party_kind=PartyKind.PROPERTY, unit_name="物业服务中心"
    )


def comment_in(org) -> Comment:
    topic = topic_in(org, TopicState.DISCUSSING)
    return topic.comments.first() or Comment.objects.create(topic=topic, speaking_for="物业", text="同意")


def task_in(org) -> Task:
    topic = topic_in(org, TopicState.FOLLOW_UP)
    return topic.tasks.first() or Task.objects.create(
        topic=topic,
        title="制定施工方案",
        owner_party=PartyKind.PROPERTY,
        owner_unit="物业服务中心",
        deadline=today() + 30 * DAY,
        state=TaskState.OPEN,
    )
