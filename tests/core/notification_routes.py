"""Permission table of the notifications inbox: every logged-in user has one; a notification of
社区B (or of another user) is out of secretary_a's sight (404), and so is one whose permission her
roles do not carry (a resident holds none). The notice settings (page and API) are the caller's own."""

from __future__ import annotations

from dangjian.core.notifications import notify
from tests.permissions import Route

PERMISSION = "members.view_partymember"
IN_SCOPE = lambda world: {  # noqa: E731
    "pk": notify(kind="test", title="社区A提醒", org=world.branch_a1, permission=PERMISSION, link="/").pk
}
OUT_OF_SCOPE = lambda world: {  # noqa: E731
    "pk": notify(kind="test", title="社区B提醒", org=world.branch_b1, permission=PERMISSION, link="/").pk
}

ROUTES: list[Route] = [
    # Everyone logged in has an inbox; its contents are scoped (tested in test_notifications.py).
    Route("core:notification_list"),
    Route(
        "core:notification_open",
        in_scope=IN_SCOPE,
        out_of_scope=OUT_OF_SCOPE,
        allowed_status=302,
        denied_persona="resident",
    ),
    Route(
        "core:notification_read",
        method="post",
        in_scope=IN_SCOPE,
        out_of_scope=OUT_OF_SCOPE,
        data=lambda world: {},
        allowed_status=302,
        denied_persona="resident",
    ),
    Route("core:notification_read_all", method="post", data=lambda world: {}, allowed_status=302),
    # Everyone logged in sets their own channels and quiet hours; nobody reaches another's.
    Route("core:notification_preferences"),
    Route("api:notification_preferences", anonymous="401"),
    Route(
        "api:notification_preferences_update",
        method="put",
        anonymous="401",
        json=True,
        data=lambda world: {"email_groups": ["deadlines"], "sms_groups": []},
    ),
]
