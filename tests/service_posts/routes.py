"""Permission table of the service-post pages: secretary_a of 社区A党委 decides on the posts of
社区A; posts of 社区B are out of her scope (404). The residents' pages are public."""

from __future__ import annotations

from dangjian.service_posts.choices import ClaimState
from tests.permissions import Route
from tests.service_posts.helpers import (
    DAY,
    agreement_in,
    claim_in,
    make_secretary_a_a_member,
    post_in,
    today,
)

GRID = "grid_worker_a"  # sees the grid, holds no service-post permission


def _pk(obj) -> dict:
    return {"pk": obj.pk}


POST_A = lambda world: _pk(post_in(world.org_a))  # noqa: E731
POST_B = lambda world: _pk(post_in(world.org_b))  # noqa: E731


def _claim(state: str, *, renewal: bool = False):
    return (
        lambda world: _pk(claim_in(world.org_a, world.branch_a1, state, renewal=renewal)),
        lambda world: _pk(claim_in(world.org_b, world.branch_b1, state, renewal=renewal)),
    )


WAITING_A, WAITING_B = _claim(ClaimState.CLAIMED)
HOLDING_A, HOLDING_B = _claim(ClaimState.CONFIRMED)
RENEWAL_A, RENEWAL_B = _claim(ClaimState.CONFIRMED, renewal=True)
AGREEMENT_A = lambda world: _pk(agreement_in(world.org_a, world.branch_a1))  # noqa: E731
AGREEMENT_B = lambda world: _pk(agreement_in(world.org_b, world.branch_b1))  # noqa: E731


def _note(world, org, member_org) -> dict:
    from dangjian.service_posts.models import ResidentNote

    agreement = agreement_in(org, member_org)
    note = ResidentNote.objects.filter(claim=agreement.claim).first() or ResidentNote.objects.create(
        claim=agreement.claim, author_name="王芳", phone_hash="x", text="谢谢"
    )
    return _pk(note)


NOTE_A = lambda world: _note(world, world.org_a, world.branch_a1)  # noqa: E731
NOTE_B = lambda world: _note(world, world.org_b, world.branch_b1)  # noqa: E731


def _as_member(kwargs):
    def build(world) -> dict:
        make_secretary_a_a_member(world)
        return kwargs(world)

    return build


def _both(name: str, in_scope, out_of_scope, data, **options) -> list[Route]:
    """A form page: GET shows it, POST does it (302 back)."""
    return [
        Route(name, in_scope=in_scope, out_of_scope=out_of_scope, denied_persona=GRID, **options),
        Route(
            name,
            method="post",
            in_scope=in_scope,
            out_of_scope=out_of_scope,
            data=data,
            allowed_status=302,
            denied_persona=GRID,
            **options,
        ),
    ]


def _post_data(world) -> dict:
    return {
        "org": world.org_a.pk,
        "title": "助老服务岗",
        "kind": "vanguard",
        "duties": "每月走访独居老人两次。",
        "starts_on": today().isoformat(),
        "ends_on": (today() + 300 * DAY).isoformat(),
        "places": 3,
        "is_public": "on",
    }


def _edit_data(world) -> dict:
    return {**_post_data(world), "version": post_in(world.org_a).version}


REASON = lambda world: {"reason": "工作调整"}  # noqa: E731
NOTE = lambda world: {"name": "王芳", "contact_phone": "13800138000", "code": "123456", "text": "谢谢"}  # noqa: E731
CODE_A = lambda world: {"code": agreement_in(world.org_a, world.branch_a1).code}  # noqa: E731
# A post that is not published: its agreement has no public page (404 for everyone).
CODE_HIDDEN = lambda world: {"code": agreement_in(world.org_b, world.branch_b1, public=False).code}  # noqa: E731

ROUTES: list[Route] = [
    Route("service_posts:post_list", denied_persona="resident"),
    Route("service_posts:claim_list", denied_persona="resident"),
    Route("service_posts:post_create", denied_persona=GRID),
    Route(
        "service_posts:post_create", method="post", data=_post_data, allowed_status=302, denied_persona=GRID
    ),
    Route("service_posts:post_detail", in_scope=POST_A, out_of_scope=POST_B, denied_persona=GRID),
    *_both("service_posts:post_edit", POST_A, POST_B, _edit_data),
    Route(
        "service_posts:post_close",
        method="post",
        in_scope=POST_A,
        out_of_scope=POST_B,
        allowed_status=302,
        denied_persona=GRID,
    ),
    # A member's own page: secretary_a is made a member of 社区A's branch; 社区B's post is not
    # hers to claim (404). The two-role persona is no party member: refused on both.
    Route(
        "service_posts:post_claim",
        in_scope=_as_member(POST_A),
        out_of_scope=_as_member(POST_B),
        denied_persona=GRID,
        two_roles="refused",
        two_roles_outside="refused",
    ),
    Route(
        "service_posts:post_claim",
        method="post",
        in_scope=_as_member(POST_A),
        out_of_scope=_as_member(POST_B),
        allowed_status=302,
        denied_persona=GRID,
        two_roles="refused",
        two_roles_outside="refused",
    ),
    Route(
        "service_posts:claim_confirm",
        method="post",
        in_scope=WAITING_A,
        out_of_scope=WAITING_B,
        allowed_status=302,
        denied_persona=GRID,
    ),
    *_both("service_posts:claim_decline", WAITING_A, WAITING_B, REASON),
    *_both("service_posts:claim_withdraw", HOLDING_A, HOLDING_B, REASON),
    *_both(
        "service_posts:claim_renew",
        HOLDING_A,
        HOLDING_B,
        lambda world: {"ends_on": (today() + 100 * DAY).isoformat()},
    ),
    Route(
        "service_posts:renewal_confirm",
        method="post",
        in_scope=RENEWAL_A,
        out_of_scope=RENEWAL_B,
        allowed_status=302,
        denied_persona=GRID,
    ),
    Route("service_posts:agreement_pdf", in_scope=AGREEMENT_A, out_of_scope=AGREEMENT_B, denied_persona=GRID),
    *_both("service_posts:note_hide", NOTE_A, NOTE_B, REASON),
    # The residents' pages: no login; an unpublished post's agreement is nobody's to see.
    Route("service_posts_portal:post_list", anonymous="public"),
    Route("service_posts_portal:agreement", in_scope=CODE_A, out_of_scope=CODE_HIDDEN, anonymous="public"),
    Route(
        "service_posts_portal:agreement_pdf", in_scope=CODE_A, out_of_scope=CODE_HIDDEN, anonymous="public"
    ),
    # Without a valid phone code the note is refused with the form (400); see test_portal.py.
    Route(
        "service_posts_portal:comment",
        method="post",
        in_scope=CODE_A,
        out_of_scope=CODE_HIDDEN,
        data=NOTE,
        anonymous="public",
        allowed_status=400,
    ),
    Route(
        "service_posts_portal:message",
        method="post",
        in_scope=CODE_A,
        out_of_scope=CODE_HIDDEN,
        data=NOTE,
        anonymous="public",
        allowed_status=400,
    ),
]
