"""Permission table of the volunteer ledger pages: secretary_a of 社区A党委 works on volunteers
and teams of 社区A; those wholly inside 社区B are out of scope (404). Grid workers read the
ledger of their grid but change nothing; the skill taxonomy is the organization department's."""

from __future__ import annotations

from tests.members.ledger_data import nth_id_number
from tests.permissions import Route
from tests.volunteering.helpers import (
    make_secretary_a_a_resident,
    skill,
    team_in_a,
    team_in_b,
    volunteer_in_a,
    volunteer_in_b,
)

VOLUNTEER_A = lambda world: {"pk": volunteer_in_a(world).pk}  # noqa: E731
VOLUNTEER_B = lambda world: {"pk": volunteer_in_b(world).pk}  # noqa: E731
TEAM_A = lambda world: {"pk": team_in_a(world).pk}  # noqa: E731
TEAM_B = lambda world: {"pk": team_in_b(world).pk}  # noqa: E731
SKILL = lambda world: {"pk": skill().pk}  # noqa: E731
GRID = "grid_worker_a"  # reads the grid's volunteers and teams, changes nothing


def _member_a(world) -> dict:
    return {"pk": team_in_a(world).pk, "volunteer_pk": volunteer_in_a(world).pk}


def _member_b(world) -> dict:
    return {"pk": team_in_b(world).pk, "volunteer_pk": volunteer_in_b(world).pk}


def _entry(world) -> dict:
    return {"skills": [skill().pk], "capacity_hours": 6, "availability": ["15", "16"], "interests": "读书"}


def _edit(world) -> dict:
    return {**_entry(world), "version": volunteer_in_a(world).version, "area": volunteer_in_a(world).area_id}


def _team_edit(world) -> dict:
    return {
        "name": "幸福社区助老服务队",
        "kind": "service_team",
        "version": team_in_a(world).version,
        "is_active": "on",
    }


def _form(name: str, in_scope, out_of_scope, data, **options) -> list[Route]:
    """A form page: GET shows it, POST does it (302 to the record)."""
    options.setdefault("denied_persona", GRID)
    return [
        Route(name, in_scope=in_scope, out_of_scope=out_of_scope, **options),
        Route(
            name,
            method="post",
            in_scope=in_scope,
            out_of_scope=out_of_scope,
            data=data,
            allowed_status=302,
            **options,
        ),
    ]


ROUTES: list[Route] = [
    # Lists are scoped: a grid worker sees their grid's volunteers, a resident is refused.
    Route("volunteering:volunteer_list", denied_persona="resident"),
    Route("volunteering:volunteer_export", denied_persona="resident"),
    Route(
        "volunteering:volunteer_detail",
        in_scope=VOLUNTEER_A,
        out_of_scope=VOLUNTEER_B,
        denied_persona="resident",
    ),
    *_form(
        "volunteering:volunteer_create",
        lambda world: {},
        None,
        lambda world: {
            "name": "周新来",
            "id_number": nth_id_number(4321),
            "mobile": "13900001111",
            "area": world.grid_a1.pk,
            **_entry(world),
        },
    ),
    *_form("volunteering:volunteer_edit", VOLUNTEER_A, VOLUNTEER_B, _edit),
    Route(
        "volunteering:volunteer_state",
        method="post",
        in_scope=VOLUNTEER_A,
        out_of_scope=VOLUNTEER_B,
        data=lambda world: {"state": "paused", "version": volunteer_in_a(world).version},
        allowed_status=302,
        denied_persona=GRID,
    ),
    Route("volunteering:volunteer_import", denied_persona=GRID),
    Route("volunteering:volunteer_import_template", denied_persona=GRID),
    # 加入志愿者台账 opens for a person with a recorded home or membership, whatever their roles:
    # the two-role persona has no person, so it is refused like the resident.
    Route(
        "volunteering:volunteer_join",
        in_scope=make_secretary_a_a_resident,
        denied_persona="resident",
        two_roles="403",
    ),
    Route(
        "volunteering:volunteer_join",
        method="post",
        in_scope=make_secretary_a_a_resident,
        data=_entry,
        allowed_status=302,
        denied_persona="resident",
        two_roles="403",
    ),
    Route("volunteering:skill_list", denied_persona="resident"),
    *_form(
        "volunteering:skill_create",
        lambda world: {},
        None,
        lambda world: {"name": "手语翻译", "category": "专业技能", "order": 30},
        persona="district_admin",
        denied_persona="secretary_a",
    ),
    *_form(
        "volunteering:skill_edit",
        SKILL,
        None,
        lambda world: {"name": "理发（上门）", "category": "维修与生活", "order": 20},
        persona="district_admin",
        denied_persona="secretary_a",
    ),
    Route(
        "volunteering:skill_active",
        method="post",
        in_scope=SKILL,
        data=lambda world: {"active": "0"},
        allowed_status=302,
        persona="district_admin",
        denied_persona="secretary_a",
    ),
    Route("volunteering:team_list", denied_persona="resident"),
    Route("volunteering:team_detail", in_scope=TEAM_A, out_of_scope=TEAM_B, denied_persona="resident"),
    *_form(
        "volunteering:team_create",
        lambda world: {},
        None,
        lambda world: {"name": "幸福社区环境守护队", "kind": "service_team", "area": world.community_a.pk},
    ),
    *_form("volunteering:team_edit", TEAM_A, TEAM_B, _team_edit),
    Route(
        "volunteering:team_member_add",
        method="post",
        in_scope=TEAM_A,
        out_of_scope=TEAM_B,
        data=lambda world: {"volunteer": volunteer_in_a(world).pk},
        allowed_status=302,
        denied_persona=GRID,
    ),
    Route(
        "volunteering:team_member_remove",
        method="post",
        in_scope=_member_a,
        out_of_scope=_member_b,
        allowed_status=302,
        denied_persona=GRID,
    ),
]
