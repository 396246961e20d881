"""Permission table of the 双报到 API (/api/v1/dual-reporting): secretary_a of 社区A党委 on the
community side of 社区A; records wholly inside 社区B out of scope."""

from __future__ import annotations

from django.utils import timezone

from dangjian.members.choices import MemberCategory
from dangjian.members.models import PartyMember, Resident
from tests.dual_reporting.helpers import pairing_in_a, pairing_in_b, report_in_a, report_in_b
from tests.dual_reporting.routes import LOG_A, LOG_B, claim_in
from tests.factories import PersonFactory
from tests.permissions import Route


def _api(name: str, **options) -> Route:
    options.setdefault("anonymous", "401")
    return Route(name=f"api:{name}", **options)


def member_at_home_in_a(world) -> PartyMember:
    member = PartyMember.objects.filter(person__name="赵在职").first()
    if member is None:
        member = PartyMember.objects.create(
            person=PersonFactory(name="赵在职"), org=world.branch_a1, category=MemberCategory.EMPLOYED
        )
        Resident.objects.create(person=member.person, area=world.building_a1)
    return member


REPORT_A = lambda world: {"id": report_in_a(world).pk}  # noqa: E731
REPORT_B = lambda world: {"id": report_in_b(world).pk}  # noqa: E731
PAIRING_A = lambda world: {"id": pairing_in_a(world).pk}  # noqa: E731
PAIRING_B = lambda world: {"id": pairing_in_b(world).pk}  # noqa: E731
CLAIM_A = lambda world: {"id": claim_in(report_in_a(world)).pk}  # noqa: E731
CLAIM_B = lambda world: {"id": claim_in(report_in_b(world)).pk}  # noqa: E731
GRID = "grid_worker_a"
TODAY = lambda: timezone.localdate().isoformat()  # noqa: E731

ROUTES: list[Route] = [
    # Lists are scoped rather than refused (a persona without rights gets an empty list or 403).
    _api("dual_report_list"),
    _api("dual_pairing_list", denied_persona="resident"),
    _api("dual_claim_list"),
    _api("dual_log_list"),
    _api("dual_feedback_list"),
    _api(
        "dual_report_create",
        method="post",
        json=True,
        data=lambda world: {"member_id": member_at_home_in_a(world).pk},
        allowed_status=201,
        denied_persona=GRID,
    ),
    _api("dual_report_detail", in_scope=REPORT_A, out_of_scope=REPORT_B, denied_persona=GRID),
    _api(
        "dual_report_end",
        method="post",
        json=True,
        in_scope=REPORT_A,
        out_of_scope=REPORT_B,
        data=lambda world: {},
        denied_persona=GRID,
    ),
    _api(
        "dual_pairing_create",
        method="post",
        json=True,
        # The district committee is a 机关 organization: a unit (a community's is not).
        data=lambda world: {"unit_org_id": world.district_org.pk, "community_id": world.community_a.pk},
        allowed_status=201,
        denied_persona=GRID,
    ),
    _api("dual_pairing_detail", in_scope=PAIRING_A, out_of_scope=PAIRING_B, denied_persona=GRID),
    _api(
        "dual_pairing_end",
        method="post",
        json=True,
        in_scope=PAIRING_A,
        out_of_scope=PAIRING_B,
        data=lambda world: {},
        denied_persona=GRID,
    ),
    _api(
        "dual_claim_create",
        method="post",
        json=True,
        data=lambda world: {"report_id": report_in_a(world).pk, "title": "楼道清洁岗"},
        allowed_status=201,
        denied_persona=GRID,
    ),
    _api(
        "dual_claim_state",
        method="post",
        json=True,
        in_scope=CLAIM_A,
        out_of_scope=CLAIM_B,
        data=lambda world: {"state": "done"},
        denied_persona=GRID,
    ),
    _api(
        "dual_log_create",
        method="post",
        json=True,
        data=lambda world: {
            "report_id": report_in_a(world).pk,
            "served_on": TODAY(),
            "hours": "2",
            "description": "清扫楼道",
        },
        allowed_status=201,
        denied_persona=GRID,
    ),
    _api(
        "dual_log_confirm",
        method="post",
        json=True,
        in_scope=lambda world: {"id": LOG_A(world)["pk"]},
        out_of_scope=lambda world: {"id": LOG_B(world)["pk"]},
        denied_persona=GRID,
    ),
    _api(
        "dual_feedback_create",
        method="post",
        json=True,
        data=lambda world: {
            "report_id": report_in_a(world).pk,
            "year": timezone.localdate().year,
            "rating": "good",
        },
        allowed_status=201,
        denied_persona=GRID,
    ),
]
