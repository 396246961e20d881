"""Permission table of the mailbox API (/api/v1/mailbox): secretary_a of 社区A党委 over the messages
to 社区A's mailbox; 社区B's out of scope (404)."""

from __future__ import annotations

from tests.mailbox.routes import ANSWERED_A, ANSWERED_B, ASSIGNED_A, ASSIGNED_B, RECEIVED_A, RECEIVED_B
from tests.permissions import Route

GRID = "grid_worker_a"


def _id(kwargs):
    return lambda world: {"id": kwargs(world)["pk"]}


def _api(name: str, **options) -> Route:
    options.setdefault("anonymous", "401")
    return Route(name=f"api:{name}", **options)


def _action(name: str, in_scope, out_of_scope, data=None, status: int = 200) -> Route:
    return _api(
        name,
        method="post",
        json=True,
        in_scope=_id(in_scope),
        out_of_scope=_id(out_of_scope),
        data=data or (lambda world: {}),
        allowed_status=status,
        denied_persona=GRID,
    )


def _assignee(world) -> dict:
    from dangjian.accounts.models import RoleAssignment

    # The signed-in persona: secretary_a, or the secretary of 社区A who is a grid worker elsewhere.
    held = RoleAssignment.objects.filter(org=world.org_a, role__code="org_secretary").first()
    return {"assignee_id": held.user_id if held else 1}


def _to_request(world) -> dict:
    from tests.service.conftest import add_category

    category = add_category(None, "环境卫生", "HJ", requests_public=True, default_handler_org=world.branch_a1)
    return {"category_id": category.pk, "area_id": world.grid_a1.pk}


ROUTES: list[Route] = [
    _api("mailbox_message_list", denied_persona="resident"),
    _api(
        "mailbox_message_detail", in_scope=_id(RECEIVED_A), out_of_scope=_id(RECEIVED_B), denied_persona=GRID
    ),
    _action("mailbox_message_assign", RECEIVED_A, RECEIVED_B, _assignee),
    _action("mailbox_message_answer", ASSIGNED_A, ASSIGNED_B, lambda world: {"answer": "已安排维修。"}),
    _action("mailbox_message_close", ANSWERED_A, ANSWERED_B),
    _action(
        "mailbox_message_publish",
        ANSWERED_A,
        ANSWERED_B,
        lambda world: {
            "public_subject": "楼道灯",
            "public_text": "楼道灯坏了。",
            "public_answer": "已修好。",
        },
    ),
    _action("mailbox_message_to_request", RECEIVED_A, RECEIVED_B, _to_request, status=201),
]
