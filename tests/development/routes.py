"""Permission table of the development pages: secretary_a of 社区A works on 社区A's applicants;
社区B's are out of scope (404); the grid worker has no development rights."""

from __future__ import annotations

import datetime

from django.utils import timezone

from dangjian.members.models import Resident
from tests.development.data import applicant_in
from tests.factories import PersonFactory
from tests.permissions import Route

IN_A = lambda world: {"pk": applicant_in(world.branch_a1).pk}  # noqa: E731
IN_B = lambda world: {"pk": applicant_in(world.branch_b1).pk}  # noqa: E731
TALK_A = lambda world: {"pk": applicant_in(world.branch_a1).pk, "code": "application_talk"}  # noqa: E731
TALK_B = lambda world: {"pk": applicant_in(world.branch_b1).pk, "code": "application_talk"}  # noqa: E731


def _today() -> str:
    return timezone.localdate().isoformat()


def _apply_data(world) -> dict:
    person = PersonFactory(name="吴申请", birth_date=datetime.date(1990, 1, 1))
    Resident.objects.create(person=person, area=world.grid_a1)
    return {"person": person.pk, "org": world.branch_a1.pk, "date": _today(), "source": "members"}


ROUTES: list[Route] = [
    # Lists and the board are scoped rather than refused: their scoping is tested in test_pages.py.
    Route("development:board", denied_persona="grid_worker_a"),
    Route("development:applicant_list", denied_persona="grid_worker_a"),
    Route("development:applicant_create", denied_persona="grid_worker_a"),
    Route(
        "development:applicant_create",
        method="post",
        data=_apply_data,
        allowed_status=302,
        denied_persona="grid_worker_a",
    ),
    Route("development:applicant_detail", in_scope=IN_A, out_of_scope=IN_B, denied_persona="grid_worker_a"),
    Route(
        "development:applicant_record_step",
        in_scope=TALK_A,
        out_of_scope=TALK_B,
        denied_persona="grid_worker_a",
    ),
    Route(
        "development:applicant_record_step",
        method="post",
        in_scope=TALK_A,
        out_of_scope=TALK_B,
        data=lambda world: {"date": _today(), "materials": ["谈话记录"]},
        allowed_status=302,
        denied_persona="grid_worker_a",
    ),
    Route("development:applicant_withdraw", in_scope=IN_A, out_of_scope=IN_B, denied_persona="grid_worker_a"),
    Route(
        "development:applicant_withdraw",
        method="post",
        in_scope=IN_A,
        out_of_scope=IN_B,
        data=lambda world: {"date": _today(), "reason": "本人申请终止"},
        allowed_status=302,
        denied_persona="grid_worker_a",
    ),
]
