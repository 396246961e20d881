"""Manual awards, deductions and reversals through /api/v1/member-points: the same service and
checks as the pages (a reason, the bounds, the scope), audited; an entry is reversed once; a
token needs the write scope."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from dangjian.accounts.choices import TokenScope
from dangjian.accounts.tokens import issue_token
from dangjian.core.models import AuditEntry
from dangjian.member_points.choices import EntryKind
from dangjian.member_points.models import PointEntry
from tests.member_points.helpers import entry_of, member

pytestmark = pytest.mark.django_db

AWARDS = "/api/v1/member-points/awards"
DAY = datetime.date(2026, 3, 20)


def _reversal(entry: PointEntry) -> str:
    return f"/api/v1/member-points/entries/{entry.pk}/reversal"


def _post(client, url: str, data: dict, **headers):
    return client.post(url, data, content_type="application/json", **headers)


def _bearer(user, *scopes: str) -> dict[str, str]:
    _token, raw = issue_token(user, "脚本", by=user, scopes=list(scopes))
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _refused(response, status: int, rule: str | None = None) -> dict:
    assert response.status_code == status, response.content[:300]
    body = response.json()
    assert isinstance(body["detail"], str) and body["detail"]
    if rule is not None:
        assert body["rule"] == rule
    return body


def test_an_award_and_a_deduction_enter_audited_entries(client, world, secretary_a):
    zhang = member(world.branch_a1, "张三")
    client.force_login(secretary_a)
    awarded = _post(
        client, AWARDS, {"member_id": zhang.pk, "points": "3", "reason": "表现突出", "occurred_on": str(DAY)}
    )
    assert awarded.status_code == 201, awarded.content[:300]
    body = awarded.json()
    assert (body["kind"], body["points"], body["reason"], body["month"]) == (
        "manual",
        "3.00",
        "表现突出",
        "2026-03-01",
    )
    assert body["person_id"] == zhang.person_id and body["org_id"] == world.branch_a1.pk
    deducted = _post(client, AWARDS, {"member_id": zhang.pk, "points": "-1.5", "reason": "无故缺席主题党日"})
    assert deducted.status_code == 201 and deducted.json()["points"] == "-1.50"
    assert deducted.json()["occurred_on"] == timezone.localdate().isoformat()
    line = AuditEntry.objects.get(
        object_type="member_points.pointentry", object_id=str(deducted.json()["id"])
    )
    assert line.user_id == secretary_a.pk and line.note == "无故缺席主题党日"
    assert list(
        PointEntry.objects.filter(person_id=zhang.person_id).values_list("points", flat=True).order_by("id")
    ) == [
        Decimal("3.00"),
        Decimal("-1.50"),
    ]


@pytest.mark.parametrize(
    ("data", "rule"),
    [
        ({"points": "2", "reason": "  "}, "reason_required"),
        ({"points": "2", "reason": "很" * 301}, "reason_length"),
        ({"points": "0", "reason": "表现突出"}, "points"),
        ({"points": "0.001", "reason": "表现突出"}, "points"),
        ({"points": "2", "reason": "表现突出", "occurred_on": "2999-01-01"}, None),
    ],
)
def test_an_award_the_rules_refuse_answers_400_or_422_with_a_message(client, world, secretary_a, data, rule):
    zhang = member(world.branch_a1, "张三")
    client.force_login(secretary_a)
    response = _post(client, AWARDS, {"member_id": zhang.pk, **data})
    if rule is None:  # a date beyond the schema's bounds
        assert response.status_code in (400, 422), response.content[:300]
    else:
        _refused(response, 400, rule)
    assert not PointEntry.objects.exists()


def test_an_award_beyond_the_bounds_or_with_unknown_fields_answers_422(client, world, secretary_a):
    zhang = member(world.branch_a1, "张三")
    client.force_login(secretary_a)
    for data in (
        {"member_id": zhang.pk, "points": "1001", "reason": "表现突出"},
        {"member_id": zhang.pk, "points": "NaN", "reason": "表现突出"},
        {"member_id": zhang.pk, "points": "2", "reason": "表现突出", "kind": "posted"},
        {"member_id": zhang.pk, "reason": "表现突出"},
    ):
        assert _post(client, AWARDS, data).status_code == 422, data
    assert not PointEntry.objects.exists()


def test_an_inactive_member_earns_no_points(client, world, secretary_a):
    zhang = member(world.branch_a1, "张三")
    zhang.is_active = False
    zhang.save()
    client.force_login(secretary_a)
    response = _post(client, AWARDS, {"member_id": zhang.pk, "points": "2", "reason": "表现突出"})
    _refused(response, 400, "inactive_member")
    assert not PointEntry.objects.exists()


def test_a_member_outside_the_scope_answers_404_and_a_user_without_the_right_is_refused(
    client, world, secretary_a, grid_worker_a
):
    other = member(world.branch_b1, "乙")
    client.force_login(secretary_a)
    assert (
        _post(client, AWARDS, {"member_id": other.pk, "points": "2", "reason": "表现突出"}).status_code == 404
    )
    assert _post(client, AWARDS, {"member_id": 2**70, "points": "2", "reason": "表现突出"}).status_code in (
        400,
        404,
    )
    zhang = member(world.branch_a1, "张三")
    client.force_login(grid_worker_a)
    response = _post(client, AWARDS, {"member_id": zhang.pk, "points": "2", "reason": "表现突出"})
    assert response.status_code in (403, 404)
    assert not PointEntry.objects.exists()


def test_an_entry_is_reversed_once_with_a_reason(client, world, secretary_a):
    zhang = member(world.branch_a1, "张三")
    entry = entry_of(zhang)
    client.force_login(secretary_a)
    _refused(_post(client, _reversal(entry), {"reason": ""}), 400, "reason_required")
    reversed_ = _post(client, _reversal(entry), {"reason": "录入有误"})
    assert reversed_.status_code == 201, reversed_.content[:300]
    body = reversed_.json()
    assert (body["kind"], body["points"], body["reverses_id"], body["month"]) == (
        EntryKind.REVERSAL,
        "-2.00",
        entry.pk,
        "2026-03-01",
    )
    assert AuditEntry.objects.filter(
        object_type="member_points.pointentry", object_id=str(body["id"])
    ).exists()
    _refused(_post(client, _reversal(entry), {"reason": "再冲一次"}), 400, "already_reversed")
    reversal = PointEntry.objects.get(pk=body["id"])
    _refused(_post(client, _reversal(reversal), {"reason": "冲销冲销"}), 400, "reverse_reversal")
    assert PointEntry.objects.filter(person_id=zhang.person_id).count() == 2


def test_an_entry_outside_the_scope_answers_404(client, world, secretary_a):
    entry = entry_of(member(world.branch_b1, "乙"))
    client.force_login(secretary_a)
    assert _post(client, _reversal(entry), {"reason": "录入有误"}).status_code == 404
    assert not PointEntry.objects.filter(reverses=entry).exists()


def test_a_token_needs_the_write_scope(client, world, secretary_a):
    zhang = member(world.branch_a1, "张三")
    entry = entry_of(zhang)
    data = {"member_id": zhang.pk, "points": "2", "reason": "表现突出"}
    _refused(_post(client, AWARDS, data, **_bearer(secretary_a, TokenScope.READ)), 403)
    _refused(
        _post(client, _reversal(entry), {"reason": "录入有误"}, **_bearer(secretary_a, TokenScope.READ)), 403
    )
    assert PointEntry.objects.count() == 1
    assert _post(client, AWARDS, data, **_bearer(secretary_a, TokenScope.WRITE)).status_code == 201
    assert (
        _post(
            client, _reversal(entry), {"reason": "录入有误"}, **_bearer(secretary_a, TokenScope.WRITE)
        ).status_code
        == 201
    )
