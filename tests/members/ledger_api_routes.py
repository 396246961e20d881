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
]
