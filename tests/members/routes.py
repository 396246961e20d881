"""Permission table of the transfer pages: secretary_a of 社区A decides letters into 社区A;
letters wholly inside 社区B are out of scope (404)."""

from __future__ import annotations

from tests.members.transfers import (
    ID_NUMBER,
    incoming_to_a,
    inside_b,
    member_in,
    outgoing_from_a,
    outgoing_inside_b,
)
from tests.permissions import Route

INCOMING = lambda world: {"pk": incoming_to_a(world).pk}  # noqa: E731
INSIDE_B = lambda world: {"pk": inside_b(world).pk}  # noqa: E731
MEMBER_A = lambda world: {"member_pk": member_in(world.branch_a1).pk}  # noqa: E731
MEMBER_B = lambda world: {"member_pk": member_in(world.branch_b1).pk}  # noqa: E731
OUTGOING_A = lambda world: {"pk": outgoing_from_a(world).pk}  # noqa: E731
OUTGOING_B = lambda world: {"pk": outgoing_inside_b(world).pk}  # noqa: E731


def _incoming_form(world) -> dict:
    return {
        "to_org": world.branch_a1.pk,
        "external_org_name": "中共某省某委员会",
        "external_letter_number": "外-1",
        "name": "周敏",
        "gender": "female",
        "ethnicity": "汉族",
        "id_number": ID_NUMBER,
        "status": "full",
        "joined_on": "2005-07-01",
        "regularized_on": "2006-07-01",
    }


ROUTES: list[Route] = [
    # The list is scoped rather than refused: its scoping is tested in test_transfers.py.
    Route("members:transfer_list", denied_persona="resident"),
    Route(
        "members:transfer_detail", in_scope=INCOMING, out_of_scope=INSIDE_B, denied_persona="grid_worker_a"
    ),
    Route(
        "members:transfer_create", in_scope=MEMBER_A, out_of_scope=MEMBER_B, denied_persona="grid_worker_a"
    ),
    Route(
        "members:transfer_create",
        method="post",
        in_scope=MEMBER_A,
        out_of_scope=MEMBER_B,
        data=lambda world: {"to_org": world.branch_b1.pk, "reason": "搬家"},
        allowed_status=302,
        denied_persona="grid_worker_a",
    ),
    Route(
        "members:transfer_accept", in_scope=INCOMING, out_of_scope=INSIDE_B, denied_persona="grid_worker_a"
    ),
    Route(
        "members:transfer_accept",
        method="post",
        in_scope=INCOMING,
        out_of_scope=INSIDE_B,
        data=lambda world: {"note": ""},
        allowed_status=302,
        denied_persona="grid_worker_a",
    ),
    Route(
        "members:transfer_return", in_scope=INCOMING, out_of_scope=INSIDE_B, denied_persona="grid_worker_a"
    ),
    Route(
        "members:transfer_return",
        method="post",
        in_scope=INCOMING,
        out_of_scope=INSIDE_B,
        data=lambda world: {"reason": "查无此人"},
        allowed_status=302,
        denied_persona="grid_worker_a",
    ),
    Route(
        "members:transfer_outgoing_create",
        in_scope=MEMBER_A,
        out_of_scope=MEMBER_B,
        denied_persona="grid_worker_a",
    ),
    Route(
        "members:transfer_outgoing_create",
        method="post",
        in_scope=MEMBER_A,
        out_of_scope=MEMBER_B,
        data=lambda world: {"external_org_name": "中共某省某委员会", "reason": "调动"},
        allowed_status=302,
        denied_persona="grid_worker_a",
    ),
    Route("members:transfer_incoming_create", denied_persona="grid_worker_a"),
    Route(
        "members:transfer_incoming_create",
        method="post",
        data=_incoming_form,
        allowed_status=302,
        denied_persona="grid_worker_a",
    ),
    # The PDF of the letter, for both sides of it; a letter wholly inside 社区B is out of scope.
    Route(
        "members:transfer_letter_pdf",
        in_scope=OUTGOING_A,
        out_of_scope=OUTGOING_B,
        denied_persona="grid_worker_a",
    ),
    # Scoped rather than refused for holders of the ledger; others are refused (403).
    Route("members:political_birthdays", denied_persona="grid_worker_a"),
]
