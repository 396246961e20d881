"""Permission table of the announcement pages: secretary_a of 社区A党委 manages 社区A's
announcements; 社区B's are out of her scope (404). The portal's pages are public and show only
live public announcements."""

from __future__ import annotations

from dangjian.publicity.choices import AnnouncementState, Audience
from tests.permissions import Route
from tests.publicity.helpers import attachment_of, in_state, png

GRID = "grid_worker_a"  # sees the grid, holds no announcement permission


def _pk(obj) -> dict:
    return {"pk": obj.pk}


DRAFT_A = lambda world: _pk(in_state(world.org_a, AnnouncementState.DRAFT))  # noqa: E731
DRAFT_B = lambda world: _pk(in_state(world.org_b, AnnouncementState.DRAFT))  # noqa: E731
LIVE_A = lambda world: _pk(in_state(world.org_a, AnnouncementState.PUBLISHED))  # noqa: E731
LIVE_B = lambda world: _pk(in_state(world.org_b, AnnouncementState.PUBLISHED))  # noqa: E731
PUBLIC_A = lambda world: _pk(in_state(world.org_a, AnnouncementState.PUBLISHED, Audience.PUBLIC))  # noqa: E731
FILE_A = lambda world: _pk(attachment_of(world.org_a))  # noqa: E731
FILE_B = lambda world: _pk(attachment_of(world.org_b))  # noqa: E731


def _data(world) -> dict:
    return {
        "org": world.org_a.pk,
        "title": "关于开展主题党日活动的通知",
        "category": "notice",
        "audience": "subtree",
        "body": "<p>本周五下午。</p>",
    }


def _edit(world) -> dict:
    return {**_data(world), "version": in_state(world.org_a, AnnouncementState.DRAFT).version}


def _both(name: str, in_scope, out_of_scope, data) -> list[Route]:
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


ROUTES: list[Route] = [
    Route("publicity:announcement_list", denied_persona="resident"),
    Route("publicity:announcement_create", denied_persona=GRID),
    Route(
        "publicity:announcement_create", method="post", data=_data, allowed_status=302, denied_persona=GRID
    ),
    # A member's own list: anyone signed in gets it (empty when they are no member).
    Route("publicity:my_announcements"),
    Route("publicity:announcement_detail", in_scope=DRAFT_A, out_of_scope=DRAFT_B, denied_persona=GRID),
    *_both("publicity:announcement_edit", DRAFT_A, DRAFT_B, _edit),
    Route(
        "publicity:announcement_publish",
        method="post",
        in_scope=DRAFT_A,
        out_of_scope=DRAFT_B,
        allowed_status=302,
        denied_persona=GRID,
    ),
    *_both("publicity:announcement_withdraw", LIVE_A, LIVE_B, lambda world: {"reason": "内容有误"}),
    Route("publicity:announcement_unread", in_scope=LIVE_A, out_of_scope=LIVE_B, denied_persona=GRID),
    *_both("publicity:attachment_add", DRAFT_A, DRAFT_B, lambda world: {"file": png()}),
    Route("publicity:attachment_download", in_scope=FILE_A, out_of_scope=FILE_B, denied_persona=GRID),
    # The portal: public announcements that are live; a member-only one is nobody's there.
    Route("publicity_portal:archive", anonymous="public"),
    Route("publicity_portal:announcement", in_scope=PUBLIC_A, out_of_scope=LIVE_B, anonymous="public"),
]
