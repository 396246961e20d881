"""Permission table of the development API (/api/v1/development): secretary_a of 社区A,
applicants of 社区B out of scope."""

from __future__ import annotations

import datetime

from django.utils import timezone

from dangjian.members.models import Resident
from tests.development.data import applicant_in
from tests.factories import PersonFactory
from tests.permissions import Route


def _api(name: str, **options) -> Route:
    options.setdefault("anonymous", "401")
    return Route(name=f"api:{name}", **options)


def _create_data(world) -> dict:
    person = PersonFactory(name="郑申请", birth_date=datetime.date(1992, 6, 1))
    Resident.objects.create(person=person, area=world.grid_a1)
    return {
        "person_id": person.pk,
        "org_id": world.branch_a1.pk,
        "date": timezone.localdate().isoformat(),
        "source": "members",
    }


IN_A = lambda world: {"id": applicant_in(world.branch_a1).pk}  # noqa: E731
IN_B = lambda world: {"id": applicant_in(world.branch_b1).pk}  # noqa: E731

ROUTES: list[Route] = [
    # The list and the board are scoped rather than refused: tested in test_api.py.
    _api("applicant_list", denied_persona="grid_worker_a"),
    _api("development_board", denied_persona="grid_worker_a"),
    _api(
        "applicant_create",
        method="post",
        json=True,
        data=_create_data,
        allowed_status=201,
        denied_persona="grid_worker_a",
    ),
    _api("applicant_detail", in_scope=IN_A, out_of_scope=IN_B, denied_persona="grid_worker_a"),
    _api("applicant_timeline", in_scope=IN_A, out_of_scope=IN_B, denied_persona="grid_worker_a"),
    _api(
        "applicant_record_step",
        method="post",
        json=True,
        in_scope=IN_A,
        out_of_scope=IN_B,
        data=lambda world: {"step": "application_talk", "date": timezone.localdate().isoformat()},
        allowed_status=201,
        denied_persona="grid_worker_a",
    ),
]
