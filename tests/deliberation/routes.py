"""Permission table of the deliberation pages: secretary_a of 社区A党委 runs 社区A's topics; 社区B's
are out of her scope (404). The residents' pages are public."""

from __future__ import annotations

from dangjian.deliberation.choices import TopicState
from tests.deliberation.helpers import DAY, comment_in, invitation_in, task_in, today, topic_in
from tests.permissions import Route

GRID = "grid_worker_a"  # sees the grid, holds no deliberation permission


def _pk(obj) -> dict:
    return {"pk": obj.pk}


def _topic(state: str):
    return (lambda world: _pk(topic_in(world.org_a, state)), lambda world: _pk(topic_in(world.org_b, state)))


RAISED_A, RAISED_B = _topic(TopicState.RAISED)
DISCUSSING_A, DISCUSSING_B = _topic(TopicState.DISCUSSING)
DECIDED_A, DECIDED_B = _topic(TopicState.DECIDED)
COMMENT_A = lambda world: _pk(comment_in(world.org_a))  # noqa: E731
COMMENT_B = lambda world: _pk(comment_in(world.org_b))  # noqa: E731
TASK_A = lambda world: _pk(task_in(world.org_a))  # noqa: E731
TASK_B = lambda world: _pk(task_in(world.org_b))  # noqa: E731
REASON = lambda world: {"reason": "不属于议事范围"}  # noqa: E731


def _both(name: str, in_scope, out_of_scope, data) -> list[Route]:
    """A form page: GET shows it, POST does it (302 back)."""
    return [
        Route(name, in_scope=in_scope, out_of_scope=out_of_scope, denied_persona=GRID),
        Route(
            name,
            method="post",
            in_scope=in_scope,
            out_of_scope=out_of_scope,
            data=data,
            allowed_status=302,
            denied_persona=GRID,
        ),
    ]


def _post(name: str, in_scope, out_of_scope, data=None) -> Route:
    return Route(
        name,
        method="post",
        in_scope=in_scope,
        out_of_scope=out_of_scope,
        data=data,
        allowed_status=302,
        denied_persona=GRID,
    )


def _meeting(world) -> dict:
    invitation = invitation_in(world.org_a)
    return {
        "held_at": (today() - DAY).strftime("%Y-%m-%dT15:00"),
        "place": "社区议事厅",
        "decision": "同意加装",
        f"present_{invitation.pk}": "on",
    }


PUBLISHED = lambda world: _pk(topic_in(world.org_a, TopicState.DECIDED))  # noqa: E731
UNPUBLISHED = lambda world: _pk(topic_in(world.org_b, TopicState.RAISED))  # noqa: E731


def _raise_data(world) -> dict:
    return {
        "org": world.org_a.pk,
        "title": "停车难",
        "description": "车位不够",
        "name": "王芳",
        "contact_phone": "13800138000",
        "code": "123456",
    }


ROUTES: list[Route] = [
    Route("deliberation:topic_list", denied_persona="resident"),
    Route("deliberation:topic_create", denied_persona=GRID),
    Route(
        "deliberation:topic_create",
        method="post",
        data=lambda world: {
            "org": world.org_a.pk,
            "unit_name": "物业",
            "title": "停车难",
            "description": "车位不够",
        },
        allowed_status=302,
        denied_persona=GRID,
    ),
    Route("deliberation:topic_detail", in_scope=RAISED_A, out_of_scope=RAISED_B, denied_persona=GRID),
    _post("deliberation:topic_accept", RAISED_A, RAISED_B),
    *_both("deliberation:topic_decline", RAISED_A, RAISED_B, REASON),
    *_both(
        "deliberation:invitation_add",
        DISCUSSING_A,
        DISCUSSING_B,
        lambda world: {"party_kind": "owners_committee", "unit_name": "业委会"},
    ),
    _post("deliberation:comment_add", DISCUSSING_A, DISCUSSING_B, lambda world: {"text": "同意"}),
    *_both("deliberation:comment_hide", COMMENT_A, COMMENT_B, REASON),
    *_both("deliberation:meeting_record", DISCUSSING_A, DISCUSSING_B, _meeting),
    *_both(
        "deliberation:task_add",
        DECIDED_A,
        DECIDED_B,
        lambda world: {
            "title": "公示方案",
            "owner_party": "residents_committee",
            "owner_unit": "居委会",
            "deadline": (today() + 20 * DAY).isoformat(),
        },
    ),
    *_both("deliberation:task_progress", TASK_A, TASK_B, lambda world: {"progress": 40, "text": "已开工"}),
    _post("deliberation:topic_close", DECIDED_A, DECIDED_B),
    Route("deliberation_portal:topic_list", anonymous="public"),
    Route(
        "deliberation_portal:topic_detail", in_scope=PUBLISHED, out_of_scope=UNPUBLISHED, anonymous="public"
    ),
    Route("deliberation_portal:topic_raise", anonymous="public"),
    # Without a valid phone code the topic is refused with the form (400); see test_portal.py.
    Route(
        "deliberation_portal:topic_raise",
        method="post",
        data=_raise_data,
        anonymous="public",
        allowed_status=400,
    ),
]
