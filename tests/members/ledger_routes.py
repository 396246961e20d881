"""Permission table of the member ledger pages: secretary_a of 社区A manages 社区A's members;
a member of 社区B is out of scope (404); the grid worker has no right to the ledger."""

from __future__ import annotations

import datetime

from tests.members.ledger_data import id_number, make_member
from tests.permissions import Route


def _member_a(world):
    from dangjian.members.models import PartyMember

    return PartyMember.objects.filter(person__name="张伟", org=world.branch_a1).first() or make_member(
        world.branch_a1, "张伟", number=101
    )


def _member_b(world):
    from dangjian.members.models import PartyMember

    return PartyMember.objects.filter(person__name="王芳", org=world.branch_b1).first() or make_member(
        world.branch_b1, "王芳", number=102
    )


MEMBER_A = lambda world: {"pk": _member_a(world).pk}  # noqa: E731
MEMBER_B = lambda world: {"pk": _member_b(world).pk}  # noqa: E731


def _new_member(world) -> dict:
    return {
        "name": "陈静",
        "id_number": id_number(104),
        "ethnicity": "汉族",
        "org": world.branch_a1.pk,
        "status": "full",
        "category": "retired",
        "joined_on": "2005-07-01",
        "regularized_on": "2006-07-01",
    }


def _edit(world) -> dict:
    member = _member_a(world)
    return {
        "name": "张伟",
        "ethnicity": "汉族",
        "status": "full",
        "category": "employed",
        "joined_on": "2005-07-01",
        "regularized_on": "2006-07-01",
        "version": member.version,
    }


def _restriction(member) -> dict:
    from dangjian.members.choices import RestrictionKind
    from dangjian.members.models import RightsRestriction

    restriction = RightsRestriction.objects.filter(member=member).first() or RightsRestriction.objects.create(
        member=member,
        kind=RestrictionKind.RIGHTS_SUSPENDED,
        starts_on=datetime.date(2026, 1, 5),
        decision_organ="区监察委员会",
    )
    return {"pk": member.pk, "restriction_pk": restriction.pk}


def _new_restriction(world) -> dict:
    return {
        "kind": "rights_suspended",
        "starts_on": "2026-01-05",
        "decision_organ": "区监察委员会",
        "version": _member_a(world).version,
    }


ROUTES: list[Route] = [
    # The list and the export are scoped rather than refused: scoping is tested in test_ledger.py.
    Route("members:member_list", denied_persona="grid_worker_a"),
    Route("members:member_export", denied_persona="grid_worker_a"),
    Route("members:member_import", denied_persona="grid_worker_a"),
    Route("members:member_import_template", denied_persona="grid_worker_a"),
    Route("members:member_create", denied_persona="grid_worker_a"),
    Route(
        "members:member_create",
        method="post",
        data=_new_member,
        allowed_status=302,
        denied_persona="grid_worker_a",
    ),
    Route("members:member_detail", in_scope=MEMBER_A, out_of_scope=MEMBER_B, denied_persona="grid_worker_a"),
    Route("members:member_edit", in_scope=MEMBER_A, out_of_scope=MEMBER_B, denied_persona="grid_worker_a"),
    Route(
        "members:member_edit",
        method="post",
        in_scope=MEMBER_A,
        out_of_scope=MEMBER_B,
        data=_edit,
        allowed_status=302,
        denied_persona="grid_worker_a",
    ),
    Route(
        "members:member_lost_contact",
        method="post",
        in_scope=MEMBER_A,
        out_of_scope=MEMBER_B,
        data=lambda world: {"since": "2026-01-01", "note": "", "version": _member_a(world).version},
        allowed_status=302,
        denied_persona="grid_worker_a",
    ),
    Route(
        "members:member_restriction_create",
        in_scope=MEMBER_A,
        out_of_scope=MEMBER_B,
        denied_persona="grid_worker_a",
    ),
    Route(
        "members:member_restriction_create",
        method="post",
        in_scope=MEMBER_A,
        out_of_scope=MEMBER_B,
        data=_new_restriction,
        allowed_status=302,
        denied_persona="grid_worker_a",
    ),
    Route(
        "members:member_restriction_end",
        method="post",
        in_scope=lambda world: _restriction(_member_a(world)),
        out_of_scope=lambda world: _restriction(_member_b(world)),
        data=lambda world: {"ends_on": "2026-01-20", "note": "解除留置"},
        allowed_status=302,
        denied_persona="grid_worker_a",
    ),
]
