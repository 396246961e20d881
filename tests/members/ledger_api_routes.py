"""Permission table of the member ledger API (/api/v1/ledger/members): secretary_a of 社区A,
members of 社区B out of scope (404), the grid worker without the ledger permissions."""

from __future__ import annotations

from tests.members.ledger_data import id_number
from tests.members.ledger_routes import MEMBER_A, MEMBER_B, _member_a
from tests.permissions import Route


def _api(name: str, **options) -> Route:
    options.setdefault("anonymous", "401")
    return Route(name=f"api:{name}", **options)


def _id(kwargs):
    return lambda world: {"id": kwargs(world)["pk"]}


def _lost_member_a(world) -> dict:
    """Member A marked 失联 first, so that clearing the flag is allowed."""
    from dangjian.members.models import PartyMember

    member = _member_a(world)
    PartyMember.objects.filter(pk=member.pk).update(is_lost_contact=True, lost_contact_since="2026-01-01")
    return {"version": member.version, "note": "电话已恢复"}


ROUTES: list[Route] = [
    _api("ledger_member_list", denied_persona="grid_worker_a"),
    _api(
        "ledger_member_detail",
        in_scope=_id(MEMBER_A),
        out_of_scope=_id(MEMBER_B),
        denied_persona="grid_worker_a",
    ),
    _api(
        "ledger_member_create",
        method="post",
        json=True,
        data=lambda world: {
            "org_id": world.branch_a1.pk,
            "name": "陈静",
            "id_number": id_number(105),
            "status": "full",
            "category": "retired",
            "joined_on": "2005-07-01",
            "regularized_on": "2006-07-01",
        },
        allowed_status=201,
        denied_persona="grid_worker_a",
    ),
    _api(
        "ledger_member_update",
        method="patch",
        json=True,
        in_scope=_id(MEMBER_A),
        out_of_scope=_id(MEMBER_B),
        data=lambda world: {"version": _member_a(world).version, "job_title": "书记"},
        denied_persona="grid_worker_a",
    ),
    _api(
        "ledger_member_lost_contact",
        method="post",
        json=True,
        in_scope=_id(MEMBER_A),
        out_of_scope=_id(MEMBER_B),
        data=lambda world: {"version": _member_a(world).version, "since": "2026-01-01", "note": "电话停机"},
        denied_persona="grid_worker_a",
    ),
    _api(
        "ledger_member_lost_contact_clear",
        method="post",
        json=True,
        in_scope=_id(MEMBER_A),
        out_of_scope=_id(MEMBER_B),
        data=_lost_member_a,
        denied_persona="grid_worker_a",
    ),
]
