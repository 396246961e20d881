"""Permission table of the tree pages: browser, lists, node pages, forms, history and committees.

``in_scope`` uses 社区A's nodes (secretary_a's subtree), ``out_of_scope`` 社区B's; POST rows send
valid data, so the allowed persona's answer is the redirect after a successful change.

``two_roles_outside``: 社区B's grid and its branch (光明社区第一网格党支部) are covered by the grid post
of ``secretary_a_grid_worker_b``, so she may open their pages (200) and is refused changes (403).
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from dangjian.members.choices import MemberStatus
from dangjian.members.models import PartyMember
from dangjian.orgs.choices import CommitteeRole, OrgKind
from dangjian.orgs.models import Committee, CommitteeMember, Organization
from tests.factories import PersonFactory, add_org
from tests.permissions import Route


def _pk(node) -> dict:
    return {"pk": node.pk}


def _committee(org) -> Committee:
    committee = Committee.objects.filter(org=org, is_current=True).first()
    return committee or Committee.objects.create(org=org, elected_on=datetime.date(2024, 1, 1), term_years=5)


def _seat(org) -> CommitteeMember:
    committee = _committee(org)
    seat = committee.seats.filter(ended_on__isnull=True).first()
    if seat is None:
        person = PersonFactory(name="周强")
        PartyMember.objects.create(person=person, org=org, status=MemberStatus.FULL)
        seat = CommitteeMember.objects.create(
            committee=committee, person=person, role=CommitteeRole.SECRETARY
        )
    return seat


def _org_form(world, **changes) -> dict:
    node = Organization.objects.get(pk=world.branch_a1.pk)
    data = {
        "name": node.name,
        "code": node.code,
        "kind": node.kind,
        "field": node.field,
        "jurisdiction": world.grid_a1.code,
        "unit_count": 1,
        "version": node.version,
        "phone": "010-66668888",
    }
    data.update(changes)
    return data


def _move_target(world) -> dict:
    target = Organization.objects.filter(code="GB-ROUTES").first() or add_org(
        world.org_a, "幸福社区第二党总支", "GB-ROUTES", OrgKind.GENERAL_BRANCH
    )
    return {"parent": target.pk}


def _new_seat(world) -> dict:
    person = PersonFactory(name="吴刚")
    PartyMember.objects.create(person=person, org=world.branch_a1, status=MemberStatus.FULL)
    return {"person": person.pk, "role": CommitteeRole.ORGANIZATION}


A_BRANCH = lambda world: _pk(world.branch_a1)  # noqa: E731
B_BRANCH = lambda world: _pk(world.branch_b1)  # noqa: E731
A_GRID = lambda world: _pk(world.grid_a2)  # noqa: E731
B_GRID = lambda world: _pk(world.grid_b1)  # noqa: E731

ROUTES: list[Route] = [
    # Organizations
    Route("orgs:org_tree"),
    Route("orgs:org_list"),
    Route(
        "orgs:org_detail",
        in_scope=A_BRANCH,
        out_of_scope=B_BRANCH,
        denied_persona="resident",
        two_roles_outside="200",
    ),
    Route("orgs:org_children", in_scope=lambda w: _pk(w.org_a), out_of_scope=lambda w: _pk(w.org_b)),
    Route("orgs:org_elections", in_scope=lambda w: _pk(w.org_a), out_of_scope=lambda w: _pk(w.org_b)),
    Route("orgs:org_lookup"),
    Route(
        "orgs:org_create",
        in_scope=A_BRANCH,
        out_of_scope=B_BRANCH,
        denied_persona="grid_worker_a",
        two_roles_outside="refused",
    ),
    Route(
        "orgs:org_create",
        method="post",
        in_scope=A_BRANCH,
        out_of_scope=B_BRANCH,
        data=lambda world: {
            "name": "第一党小组",
            "code": "G-ROUTES",
            "kind": OrgKind.GROUP,
            "field": "urban_community",
            "unit_count": 1,
        },
        allowed_status=302,
        denied_persona="grid_worker_a",
        two_roles_outside="refused",
    ),
    Route(
        "orgs:org_edit",
        in_scope=A_BRANCH,
        out_of_scope=B_BRANCH,
        denied_persona="grid_worker_a",
        two_roles_outside="refused",
    ),
    Route(
        "orgs:org_edit",
        method="post",
        in_scope=A_BRANCH,
        out_of_scope=B_BRANCH,
        data=_org_form,
        allowed_status=302,
        denied_persona="grid_worker_a",
        two_roles_outside="refused",
    ),
    Route(
        "orgs:org_move",
        in_scope=A_BRANCH,
        out_of_scope=B_BRANCH,
        denied_persona="grid_worker_a",
        two_roles_outside="refused",
    ),
    Route(
        "orgs:org_move",
        method="post",
        in_scope=A_BRANCH,
        out_of_scope=B_BRANCH,
        data=_move_target,
        allowed_status=302,
        denied_persona="grid_worker_a",
        two_roles_outside="refused",
    ),
    Route(
        "orgs:org_deactivate",
        in_scope=A_BRANCH,
        out_of_scope=B_BRANCH,
        denied_persona="grid_worker_a",
        two_roles_outside="refused",
    ),
    Route(
        "orgs:org_deactivate",
        method="post",
        in_scope=A_BRANCH,
        out_of_scope=B_BRANCH,
        data=lambda world: {"reason": "撤并"},
        allowed_status=302,
        denied_persona="grid_worker_a",
        two_roles_outside="refused",
    ),
    Route(
        "orgs:org_reactivate",
        in_scope=A_BRANCH,
        out_of_scope=B_BRANCH,
        denied_persona="grid_worker_a",
        two_roles_outside="refused",
    ),
    Route(
        "orgs:org_reactivate",
        method="post",
        in_scope=A_BRANCH,
        out_of_scope=B_BRANCH,
        data=lambda world: {},
        allowed_status=302,
        denied_persona="grid_worker_a",
        two_roles_outside="refused",
    ),
    Route(
        "orgs:org_history",
        in_scope=A_BRANCH,
        out_of_scope=B_BRANCH,
        denied_persona="grid_worker_a",
        two_roles_outside="refused",
    ),
    # Committees
    Route(
        "orgs:committee_create",
        in_scope=A_BRANCH,
        out_of_scope=B_BRANCH,
        denied_persona="grid_worker_a",
        two_roles_outside="refused",
    ),
    Route(
        "orgs:committee_create",
        method="post",
        in_scope=A_BRANCH,
        out_of_scope=B_BRANCH,
        data=lambda world: {"elected_on": "2024-06-01", "term_years": 5},
        allowed_status=302,
        denied_persona="grid_worker_a",
        two_roles_outside="refused",
    ),
    Route(
        "orgs:committee_detail",
        in_scope=lambda w: _pk(_committee(w.branch_a1)),
        out_of_scope=lambda w: _pk(_committee(w.branch_b1)),
        denied_persona="resident",
        two_roles_outside="200",
    ),
    Route(
        "orgs:committee_seat_add",
        in_scope=lambda w: _pk(_committee(w.branch_a1)),
        out_of_scope=lambda w: _pk(_committee(w.branch_b1)),
        denied_persona="grid_worker_a",
        two_roles_outside="refused",
    ),
    Route(
        "orgs:committee_seat_add",
        method="post",
        in_scope=lambda w: _pk(_committee(w.branch_a1)),
        out_of_scope=lambda w: _pk(_committee(w.branch_b1)),
        data=_new_seat,
        allowed_status=302,
        denied_persona="grid_worker_a",
        two_roles_outside="refused",
    ),
    Route(
        "orgs:committee_seat_end",
        in_scope=lambda w: _pk(_seat(w.branch_a1)),
        out_of_scope=lambda w: _pk(_seat(w.branch_b1)),
        denied_persona="grid_worker_a",
        two_roles_outside="refused",
    ),
    Route(
        "orgs:committee_seat_end",
        method="post",
        in_scope=lambda w: _pk(_seat(w.branch_a1)),
        out_of_scope=lambda w: _pk(_seat(w.branch_b1)),
        data=lambda world: {"ended_on": timezone.localdate().isoformat(), "reason": "调离"},
        allowed_status=302,
        denied_persona="grid_worker_a",
        two_roles_outside="refused",
    ),
    # Areas
    Route("orgs:area_tree"),
    Route("orgs:area_list"),
    Route("orgs:area_lookup"),
    Route(
        "orgs:area_detail",
        in_scope=A_GRID,
        out_of_scope=B_GRID,
        denied_persona="resident",
        two_roles_outside="200",
    ),
    Route(
        "orgs:area_children", in_scope=lambda w: _pk(w.community_a), out_of_scope=lambda w: _pk(w.community_b)
    ),
    Route(
        "orgs:area_create",
        in_scope=A_GRID,
        out_of_scope=B_GRID,
        denied_persona="grid_worker_a",
        two_roles_outside="refused",
    ),
    Route(
        "orgs:area_create",
        method="post",
        in_scope=A_GRID,
        out_of_scope=B_GRID,
        data=lambda world: {"name": "8号楼", "code": "110105001001G02B08", "kind": "building"},
        allowed_status=302,
        denied_persona="grid_worker_a",
        two_roles_outside="refused",
    ),
    Route(
        "orgs:area_edit",
        in_scope=A_GRID,
        out_of_scope=B_GRID,
        denied_persona="grid_worker_a",
        two_roles_outside="refused",
    ),
    Route(
        "orgs:area_edit",
        method="post",
        in_scope=A_GRID,
        out_of_scope=B_GRID,
        data=lambda world: {
            "name": "幸福社区第二网格",
            "code": world.grid_a2.code,
            "kind": "grid",
            "address": "幸福路 2 号",
            "version": 1,
        },
        allowed_status=302,
        denied_persona="grid_worker_a",
        two_roles_outside="refused",
    ),
    Route(
        "orgs:area_move",
        in_scope=lambda w: _pk(w.building_a1),
        out_of_scope=B_GRID,
        denied_persona="grid_worker_a",
        two_roles_outside="refused",
    ),
    Route(
        "orgs:area_move",
        method="post",
        in_scope=lambda w: _pk(w.building_a1),
        out_of_scope=B_GRID,
        data=lambda world: {"parent": world.grid_a2.pk},
        allowed_status=302,
        denied_persona="grid_worker_a",
        two_roles_outside="refused",
    ),
    Route(
        "orgs:area_deactivate",
        in_scope=A_GRID,
        out_of_scope=B_GRID,
        denied_persona="grid_worker_a",
        two_roles_outside="refused",
    ),
    Route(
        "orgs:area_deactivate",
        method="post",
        in_scope=A_GRID,
        out_of_scope=B_GRID,
        data=lambda world: {"reason": "网格调整"},
        allowed_status=302,
        denied_persona="grid_worker_a",
        two_roles_outside="refused",
    ),
    Route(
        "orgs:area_reactivate",
        in_scope=A_GRID,
        out_of_scope=B_GRID,
        denied_persona="grid_worker_a",
        two_roles_outside="refused",
    ),
    Route(
        "orgs:area_reactivate",
        method="post",
        in_scope=A_GRID,
        out_of_scope=B_GRID,
        data=lambda world: {},
        allowed_status=302,
        denied_persona="grid_worker_a",
        two_roles_outside="refused",
    ),
    Route(
        "orgs:area_history",
        in_scope=A_GRID,
        out_of_scope=B_GRID,
        denied_persona="grid_worker_a",
        two_roles_outside="refused",
    ),
]
