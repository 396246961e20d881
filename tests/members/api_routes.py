"""Permission table of the transfer API (/api/v1/members/transfers): secretary_a of 社区A,
letters wholly inside 社区B out of scope."""

from __future__ import annotations

from tests.members.transfers import incoming_to_a, inside_b, member_in, outgoing_from_a, outgoing_inside_b
from tests.permissions import Route


def _api(name: str, **options) -> Route:
    options.setdefault("anonymous", "401")
    return Route(name=f"api:{name}", **options)


INCOMING = lambda world: {"id": incoming_to_a(world).pk}  # noqa: E731
INSIDE_B = lambda world: {"id": inside_b(world).pk}  # noqa: E731
OUTGOING_A = lambda world: {"id": outgoing_from_a(world).pk}  # noqa: E731
OUTGOING_B = lambda world: {"id": outgoing_inside_b(world).pk}  # noqa: E731


def _incoming(world) -> dict:
    return {
        "to_org_id": world.branch_a1.pk,
        "external_org_name": "中共某省某委员会",
        "name": "周敏",
        "gender": "female",
        "id_number": "110105198001011238",
        "status": "full",
        "joined_on": "2005-07-01",
        "regularized_on": "2006-07-01",
    }


ROUTES: list[Route] = [
    # The list is scoped rather than refused: its scoping is tested in test_transfers.py.
    _api("transfer_list", denied_persona="resident"),
    _api("transfer_detail", in_scope=INCOMING, out_of_scope=INSIDE_B, denied_persona="grid_worker_a"),
    _api(
        "transfer_create",
        method="post",
        json=True,
        data=lambda world: {"member_id": member_in(world.branch_a1).pk, "to_org_id": world.branch_b1.pk},
        allowed_status=201,
        # The grid worker sees the member of their grid's branch but may not transfer them: 403.
        denied_persona="grid_worker_a",
    ),
    _api(
        "transfer_accept",
        method="post",
        json=True,
        in_scope=INCOMING,
        out_of_scope=INSIDE_B,
        data=lambda world: {"note": "欢迎"},
        denied_persona="grid_worker_a",
    ),
    _api(
        "transfer_return",
        method="post",
        json=True,
        in_scope=INCOMING,
        out_of_scope=INSIDE_B,
        data=lambda world: {"reason": "查无此人"},
        denied_persona="grid_worker_a",
    ),
    _api(
        "transfer_outgoing_create",
        method="post",
        json=True,
        data=lambda world: {
            "member_id": member_in(world.branch_a1).pk,
            "external_org_name": "中共某省某委员会",
        },
        allowed_status=201,
        denied_persona="grid_worker_a",
    ),
    _api(
        "transfer_incoming_create",
        method="post",
        json=True,
        data=_incoming,
        allowed_status=201,
        denied_persona="grid_worker_a",
    ),
    _api(
        "transfer_receipt",
        method="post",
        json=True,
        in_scope=OUTGOING_A,
        out_of_scope=OUTGOING_B,
        data=lambda world: {"note": "回执已收到"},
        denied_persona="grid_worker_a",
    ),
]
