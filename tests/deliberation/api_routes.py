"""Permission table of the deliberation API (/api/v1/deliberation): secretary_a of 社区A党委 over
社区A's topics; 社区B's out of scope. The published topics answer without a login."""

from __future__ import annotations

from dangjian.deliberation.choices import TopicState
from tests.deliberation.helpers import DAY, invitation_in, task_in, today, topic_in
from tests.permissions import Route

GRID = "grid_worker_a"


def _id(obj) -> dict:
    return {"id": obj.pk}


def _topic(state: str):
    return (lambda world: _id(topic_in(world.org_a, state)), lambda world: _id(topic_in(world.org_b, state)))


RAISED_A, RAISED_B = _topic(TopicState.RAISED)
DISCUSSING_A, DISCUSSING_B = _topic(TopicState.DISCUSSING)
DECIDED_A, DECIDED_B = _topic(TopicState.DECIDED)
TASK_A = lambda world: _id(task_in(world.org_a))  # noqa: E731
TASK_B = lambda world: _id(task_in(world.org_b))  # noqa: E731


def _api(name: str, **options) -> Route:
    options.setdefault("anonymous", "401")
    return Route(name=f"api:{name}", **options)


def _action(name: str, in_scope, out_of_scope, data=None, status: int = 200) -> Route:
    return _api(
        name,
        method="post",
        json=True,
        in_scope=in_scope,
        out_of_scope=out_of_scope,
        data=data,
        allowed_status=status,
        denied_persona=GRID,
    )


def _meeting(world) -> dict:
    invitation = invitation_in(world.org_a)
    return {
        "held_at": f"{(today() - DAY).isoformat()}T15:00:00+08:00",
        "place": "社区议事厅",
        "decision": "同意加装",
        "present": [{"invitation_id": invitation.pk}],
    }


ROUTES: list[Route] = [
    _api("deliberation_topic_list", denied_persona="resident"),
    _api(
        "deliberation_topic_create",
        method="post",
        json=True,
        data=lambda world: {
            "org_id": world.org_a.pk,
            "unit_name": "物业",
            "title": "停车难",
            "description": "车位不够",
        },
        allowed_status=201,
        denied_persona=GRID,
    ),
    _api("deliberation_topic_detail", in_scope=RAISED_A, out_of_scope=RAISED_B, denied_persona=GRID),
    _action("deliberation_topic_accept", RAISED_A, RAISED_B),
    _action("deliberation_topic_decline", RAISED_A, RAISED_B, lambda world: {"reason": "不属于议事范围"}),
    _action(
        "deliberation_invite",
        DISCUSSING_A,
        DISCUSSING_B,
        lambda world: {"party_kind": "property", "unit_name": "物业二期"},
        status=201,
    ),
    _api("deliberation_comment_list", in_scope=DISCUSSING_A, out_of_scope=DISCUSSING_B, denied_persona=GRID),
    _action(
        "deliberation_comment_add", DISCUSSING_A, DISCUSSING_B, lambda world: {"text": "同意"}, status=201
    ),
    _action("deliberation_meeting_record", DISCUSSING_A, DISCUSSING_B, _meeting, status=201),
    _action(
        "deliberation_task_add",
        DECIDED_A,
        DECIDED_B,
        lambda world: {
            "title": "公示方案",
            "owner_party": "residents_committee",
            "owner_unit": "居委会",
            "deadline": (today() + 20 * DAY).isoformat(),
        },
        status=201,
    ),
    _action(
        "deliberation_task_progress",
        TASK_A,
        TASK_B,
        lambda world: {"progress": 40, "text": "已开工"},
        status=201,
    ),
    _action("deliberation_topic_close", DECIDED_A, DECIDED_B),
    _api("deliberation_public_topics", anonymous="public"),
    _api(
        "deliberation_public_topic",
        in_scope=lambda world: _id(topic_in(world.org_a, TopicState.DECIDED)),
        out_of_scope=lambda world: _id(topic_in(world.org_b, TopicState.RAISED)),
        anonymous="public",
    ),
]
