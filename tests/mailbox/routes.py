"""Permission table of the mailbox pages: secretary_a of 社区A党委 reads and handles the messages to
社区A's mailbox; 社区B's are out of her scope (404). A grid worker holds no mailbox permission.
Writing as a signed-in user is open to any login; the residents' pages are public."""

from __future__ import annotations

from dangjian.mailbox.choices import MessageState
from tests.mailbox.helpers import mailbox_of, message_in
from tests.permissions import Route

GRID = "grid_worker_a"


def _pk(obj) -> dict:
    return {"pk": obj.pk}


def _message(state: str, **options):
    def build(org_name: str):
        return lambda world: _pk(_published(getattr(world, org_name), state, **options))

    return build("org_a"), build("org_b")


def _published(org, state, *, published: bool = False):
    from dangjian.mailbox import services

    message = message_in(org, state)
    if published and not message.is_published:
        services.publish_message(message, by=message.assignee, **services.publication_draft(message))
    return message


RECEIVED_A, RECEIVED_B = _message(MessageState.RECEIVED)
ASSIGNED_A, ASSIGNED_B = _message(MessageState.ASSIGNED)
ANSWERED_A, ANSWERED_B = _message(MessageState.ANSWERED)
MAILBOX_A = lambda world: _pk(mailbox_of(world.org_a))  # noqa: E731
MAILBOX_B = lambda world: _pk(mailbox_of(world.org_b))  # noqa: E731


def _secretary_a(world) -> dict:
    from dangjian.accounts.models import RoleAssignment

    # The signed-in persona: secretary_a, or the secretary of 社区A who is a grid worker elsewhere.
    held = RoleAssignment.objects.filter(org=world.org_a, role__code="org_secretary").first()
    return {"assignee": held.user_id if held else 1}


ANSWER = lambda world: {"answer": "已安排物业维修。"}  # noqa: E731


def _publish(world) -> dict:
    return {"public_subject": "楼道灯坏了", "public_text": "楼道灯坏了一个月。", "public_answer": "已修好。"}


def _mailbox_data(world) -> dict:
    return {"org": world.org_a.pk, "title": "社区书记信箱", "intro": "", "answer_days": 5, "is_open": "on"}


def _write_data(world) -> dict:
    return {
        "mailbox": mailbox_of(world.org_a).pk,
        "subject": "建议增设充电桩",
        "text": "电动车在楼道充电不安全。",
    }


def _code(state: str, *, published: bool = False, org: str = "org_a"):
    return lambda world: {"code": _published(getattr(world, org), state, published=published).tracking_code}


def _post(name: str, in_scope, out_of_scope, data=None, status: int = 302, **options) -> Route:
    return Route(
        name,
        method="post",
        in_scope=in_scope,
        out_of_scope=out_of_scope,
        data=data,
        allowed_status=status,
        denied_persona=GRID,
        **options,
    )


ROUTES: list[Route] = [
    Route("mailbox:message_list", denied_persona="resident"),
    Route("mailbox:message_detail", in_scope=RECEIVED_A, out_of_scope=RECEIVED_B, denied_persona=GRID),
    _post("mailbox:message_assign", RECEIVED_A, RECEIVED_B, _secretary_a),
    _post("mailbox:message_answer", ASSIGNED_A, ASSIGNED_B, ANSWER),
    _post("mailbox:message_close", ANSWERED_A, ANSWERED_B),
    Route("mailbox:message_publish", in_scope=ANSWERED_A, out_of_scope=ANSWERED_B, denied_persona=GRID),
    _post("mailbox:message_publish", ANSWERED_A, ANSWERED_B, _publish),
    # Filing the request itself is tested in test_pages.py (it needs the service categories).
    Route("mailbox:message_to_request", in_scope=RECEIVED_A, out_of_scope=RECEIVED_B, denied_persona=GRID),
    Route("mailbox:mailbox_list", denied_persona="resident"),
    Route("mailbox:mailbox_create", denied_persona=GRID),
    Route(
        "mailbox:mailbox_create", method="post", data=_mailbox_data, allowed_status=302, denied_persona=GRID
    ),
    Route("mailbox:mailbox_edit", in_scope=MAILBOX_A, out_of_scope=MAILBOX_B, denied_persona=GRID),
    _post("mailbox:mailbox_edit", MAILBOX_A, MAILBOX_B, _mailbox_data),
    # Any signed-in user writes as themself and reads their own messages.
    Route("mailbox:write", persona="resident"),
    Route("mailbox:write", method="post", data=_write_data, allowed_status=302, persona="resident"),
    Route("mailbox:mine", persona="resident"),
    # The residents' pages: no login. A message's page opens with its tracking code only.
    Route("mailbox_portal:write", anonymous="public"),
    # Without a valid phone code the message is refused with the form (400); see test_portal.py.
    Route(
        "mailbox_portal:write",
        method="post",
        anonymous="public",
        allowed_status=400,
        data=lambda world: {**_write_data(world), "contact_phone": "13912345678", "code": "123456"},
    ),
    Route(
        "mailbox_portal:written",
        in_scope=_code(MessageState.RECEIVED),
        anonymous="public",
        allowed_status=302,
    ),
    Route("mailbox_portal:track_lookup", anonymous="public"),
    Route(
        "mailbox_portal:track",
        in_scope=_code(MessageState.ANSWERED),
        out_of_scope=lambda world: {"code": "NOSUCHCODE"},
        anonymous="public",
    ),
    Route(
        "mailbox_portal:rate",
        method="post",
        in_scope=_code(MessageState.ANSWERED),
        out_of_scope=lambda world: {"code": "NOSUCHCODE"},
        data=lambda world: {"rating": 5},
        anonymous="public",
        allowed_status=302,
    ),
    Route("mailbox_portal:published_list", anonymous="public"),
    Route(
        "mailbox_portal:published_detail",
        in_scope=lambda world: _pk(_published(world.org_a, MessageState.ANSWERED, published=True)),
        out_of_scope=lambda world: _pk(_published(world.org_b, MessageState.ANSWERED)),
        anonymous="public",
    ),
]
