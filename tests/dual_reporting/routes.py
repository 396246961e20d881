"""Permission table of the 双报到 pages: secretary_a of 社区A党委 is the community side of reports
and pairings in 社区A; records wholly inside 社区B are out of scope (404)."""

from __future__ import annotations

from django.utils import timezone

from dangjian.accounts.models import User
from dangjian.dual_reporting.models import Claim, ServiceLog
from dangjian.members.models import PartyMember, Resident
from tests.dual_reporting.helpers import pairing_in_a, pairing_in_b, report_in_a, report_in_b
from tests.factories import PersonFactory
from tests.permissions import Route


def secretary_a_is_a_member(world) -> dict:
    """Make secretary_a (when logged in) a party member of 社区A's branch living in 社区A."""
    user = User.objects.filter(username="secretary_a").first()
    if user is not None and user.person_id is None:
        user.person = PersonFactory(name="李书记")
        user.save(update_fields=["person"])
        PartyMember.objects.create(person=user.person, org=world.branch_a1)
        Resident.objects.create(person=user.person, area=world.building_a1)
    return {}


def claim_in(report) -> Claim:
    return Claim.objects.filter(report=report).first() or Claim.objects.create(
        report=report, title="楼道清洁岗", claimed_on=timezone.localdate()
    )


def log_in(report) -> ServiceLog:
    return ServiceLog.objects.filter(report=report).first() or ServiceLog.objects.create(
        report=report, served_on=timezone.localdate(), hours=2, description="清扫楼道"
    )


REPORT_A = lambda world: {"pk": report_in_a(world).pk}  # noqa: E731
REPORT_B = lambda world: {"pk": report_in_b(world).pk}  # noqa: E731
PAIRING_A = lambda world: {"pk": pairing_in_a(world).pk}  # noqa: E731
PAIRING_B = lambda world: {"pk": pairing_in_b(world).pk}  # noqa: E731
COMMUNITY_A = lambda world: {"pk": world.community_a.pk}  # noqa: E731
COMMUNITY_B = lambda world: {"pk": world.community_b.pk}  # noqa: E731
CLAIM_A = lambda world: {"pk": claim_in(report_in_a(world)).pk}  # noqa: E731
CLAIM_B = lambda world: {"pk": claim_in(report_in_b(world)).pk}  # noqa: E731
LOG_A = lambda world: {"pk": log_in(report_in_a(world)).pk}  # noqa: E731
LOG_B = lambda world: {"pk": log_in(report_in_b(world)).pk}  # noqa: E731
GRID = "grid_worker_a"  # sees the grid, holds no 双报到 permission


def _both(name: str, in_scope, out_of_scope, data, **options) -> list[Route]:
    """A form page: GET shows it, POST does it (302 back to the record)."""
    return [
        Route(name, in_scope=in_scope, out_of_scope=out_of_scope, denied_persona=GRID, **options),
        Route(
            name,
            method="post",
            in_scope=in_scope,
            out_of_scope=out_of_scope,
            data=data,
            allowed_status=302,
            denied_persona=GRID,
            **options,
        ),
    ]


TODAY = lambda: timezone.localdate().isoformat()  # noqa: E731

ROUTES: list[Route] = [
    # The index is scoped rather than refused: a resident (no member, no role) gets 403.
    Route("dual_reporting:index", denied_persona="resident"),
    Route(
        "dual_reporting:report_self",
        in_scope=secretary_a_is_a_member,
        denied_persona="resident",
        two_roles="403",
    ),
    Route("dual_reporting:community", in_scope=COMMUNITY_A, out_of_scope=COMMUNITY_B, denied_persona=GRID),
    Route(
        "dual_reporting:unit",
        in_scope=lambda world: {"pk": world.org_a.pk},
        out_of_scope=lambda world: {"pk": world.org_b.pk},
        denied_persona=GRID,
    ),
    Route(
        "dual_reporting:report_create", in_scope=COMMUNITY_A, out_of_scope=COMMUNITY_B, denied_persona=GRID
    ),
    Route(
        "dual_reporting:pairing_create", in_scope=COMMUNITY_A, out_of_scope=COMMUNITY_B, denied_persona=GRID
    ),
    Route("dual_reporting:report_detail", in_scope=REPORT_A, out_of_scope=REPORT_B, denied_persona=GRID),
    Route("dual_reporting:pairing_detail", in_scope=PAIRING_A, out_of_scope=PAIRING_B, denied_persona=GRID),
    *_both("dual_reporting:report_end", REPORT_A, REPORT_B, lambda world: {"ended_on": TODAY()}),
    *_both("dual_reporting:pairing_end", PAIRING_A, PAIRING_B, lambda world: {"ended_on": TODAY()}),
    *_both(
        "dual_reporting:report_claim_create",
        REPORT_A,
        REPORT_B,
        lambda world: {"kind": "post", "title": "楼道清洁岗", "claimed_on": TODAY()},
    ),
    *_both(
        "dual_reporting:pairing_claim_create",
        PAIRING_A,
        PAIRING_B,
        lambda world: {"kind": "project", "title": "义诊进社区", "claimed_on": TODAY()},
    ),
    *_both(
        "dual_reporting:report_log_create",
        REPORT_A,
        REPORT_B,
        lambda world: {"served_on": TODAY(), "hours": "2", "description": "清扫楼道"},
    ),
    *_both(
        "dual_reporting:pairing_log_create",
        PAIRING_A,
        PAIRING_B,
        lambda world: {"served_on": TODAY(), "hours": "4", "description": "义诊"},
    ),
    *_both(
        "dual_reporting:report_feedback_create",
        REPORT_A,
        REPORT_B,
        lambda world: {"year": timezone.localdate().year, "rating": "good", "text": "积极"},
    ),
    *_both(
        "dual_reporting:pairing_feedback_create",
        PAIRING_A,
        PAIRING_B,
        lambda world: {"year": timezone.localdate().year, "rating": "excellent"},
    ),
    *_both("dual_reporting:claim_state", CLAIM_A, CLAIM_B, lambda world: {"state": "done"}),
    *_both("dual_reporting:log_confirm", LOG_A, LOG_B, lambda world: {}),
]
