"""示范点 state changes: an application from draft to designation, re-checks that keep, warn and
revoke, the rules that refuse, the rights (nobody reviews their own organization) and the audit."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dangjian.core.errors import ConcurrentChange, PermissionDenied, RuleViolation
from dangjian.core.models import AuditEntry
from dangjian.core.workdays import add_working_days
from dangjian.demonstration import services
from dangjian.demonstration.choices import ApplicationState, DesignationState, RecheckOutcome, SetState
from dangjian.demonstration.models import Application, Designation, StandardItem
from tests.demonstration.helpers import (
    PNG,
    application,
    designation,
    designation_elsewhere,
    district_set,
    today,
)
from tests.factories import UserFactory, assign


def _audited(obj, action: str | None = None) -> list[AuditEntry]:
    entries = AuditEntry.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
    return list(entries.filter(action=action) if action else entries)


def _all_met(made: Designation) -> dict:
    return {item.pk: (True, "") for item in made.standard_set.items.all()}


def test_an_application_runs_from_draft_to_designation_to_revocation(world, district_admin, secretary_a):
    # The district's organization department issues the 十大标准 and publishes it.
    standards = services.create_set(
        by=district_admin, org=world.district_org, level="county", name="十大标准", year=today().year
    )
    for number, title in enumerate(["组织建设好", "班子队伍好", "党员作用好"], start=1):
        services.add_item(standards, by=district_admin, number=number, title=title, evidence_required="台账")
    services.publish_set(standards, by=district_admin)

    # 社区A's secretary applies and gives evidence per item, one with a photo.
    made = services.create_application(by=secretary_a, org=world.org_a, standard_set=standards)
    rows = list(made.evidence.order_by("item__number"))
    assert [row.item.number for row in rows] == [1, 2, 3]
    services.save_evidence(rows[0], by=secretary_a, text="三会一课记录齐全")
    services.save_evidence(rows[1], by=secretary_a, text="班子述职报告")
    with pytest.raises(RuleViolation) as incomplete:
        services.submit_application(made, by=secretary_a)
    assert incomplete.value.rule == "evidence_missing" and "党员作用好" in incomplete.value.message
    services.add_evidence_file(
        rows[2], SimpleUploadedFile("活动.png", PNG, content_type="image/png"), by=secretary_a
    )
    made = services.submit_application(made, by=secretary_a)
    assert made.state == ApplicationState.SUBMITTED
    with pytest.raises(RuleViolation):
        services.save_evidence(rows[0], by=secretary_a, text="提交后再改")

    # The department reviews every item and designates.
    services.start_review(made, by=district_admin)
    for row in rows:
        services.review_item(row, by=district_admin, result="met")
    point = services.designate(made, by=district_admin)
    made.refresh_from_db()
    world.org_a.refresh_from_db()
    assert made.state == ApplicationState.DESIGNATED
    assert point.is_active and point.next_recheck_due == today() + datetime.timedelta(days=365)
    assert world.org_a.demonstration_level == "county"

    # A re-check finds an item no longer met: warned, with a deadline in working days.
    items = list(standards.items.order_by("number"))
    results = {item.pk: (item.number != 2, "班子缺额" if item.number == 2 else "") for item in items}
    warned = services.record_recheck(
        point,
        by=district_admin,
        results=results,
        outcome=RecheckOutcome.WARN,
        rectify_working_days=10,
        note="限期整改",
    )
    point.refresh_from_db()
    assert warned.rectify_by == add_working_days(today(), 10)
    assert point.rectify_by == warned.rectify_by and point.next_recheck_due == warned.rectify_by
    # The next re-check revokes the title.
    services.record_recheck(
        point, by=district_admin, results=results, outcome=RecheckOutcome.REVOKE, note="整改不到位"
    )
    point.refresh_from_db()
    world.org_a.refresh_from_db()
    assert point.state == DesignationState.REVOKED and point.ended_on == today()
    assert world.org_a.demonstration_level == ""

    # Every step left its audit line.
    assert _audited(standards, "create") and len(_audited(standards, "update")) == 1
    assert sorted(entry.changes.get("state", [None, "draft"])[1] for entry in _audited(made)) == sorted(
        ["draft", "submitted", "under_review", "designated"]
    )
    assert [
        entry.changes.get("state") for entry in _audited(point, "update") if "state" in entry.changes
    ] == [["active", "revoked"]]
    assert AuditEntry.objects.filter(object_type="demonstration.evidencefile").count() == 1
    assert AuditEntry.objects.filter(object_type="demonstration.itemevidence").count() == 5
    assert AuditEntry.objects.filter(object_type="demonstration.recheck").count() == 2


def test_nobody_reviews_their_own_organizations_application(world, secretary_a):
    community_admin = UserFactory(username="community_admin")
    assign(community_admin, "org_department_admin", world.org_a)
    made = application(world, world.org_a, state=ApplicationState.SUBMITTED)
    with pytest.raises(PermissionDenied):
        services.start_review(made, by=community_admin)
    with pytest.raises(PermissionDenied):
        services.start_review(made, by=secretary_a)
    # Below her, a branch's application is hers to review.
    branch = application(world, world.branch_a1, state=ApplicationState.SUBMITTED)
    assert services.start_review(branch, by=community_admin).state == ApplicationState.UNDER_REVIEW


def test_designation_needs_every_item_met_and_rejection_needs_a_reason(world, district_admin):
    made = application(world, world.org_a, state=ApplicationState.UNDER_REVIEW)
    first, *rest = list(made.evidence.order_by("item__number"))
    services.review_item(first, by=district_admin, result="met")
    with pytest.raises(RuleViolation) as unreviewed:
        services.designate(made, by=district_admin)
    assert unreviewed.value.rule == "items_not_met"
    with pytest.raises(RuleViolation) as no_comment:
        services.review_item(rest[0], by=district_admin, result="not_met")
    assert no_comment.value.field == "comment"
    with pytest.raises(RuleViolation) as no_reason:
        services.reject(made, by=district_admin, reason="  ")
    assert no_reason.value.field == "reason"
    services.reject(made, by=district_admin, reason="阵地建设未达标")
    made.refresh_from_db()
    assert made.state == ApplicationState.REJECTED and made.decision_reason == "阵地建设未达标"
    assert not Designation.objects.exists()


def test_one_open_application_per_level_and_none_while_designated(world, secretary_a):
    standards = district_set(world)
    services.create_application(by=secretary_a, org=world.org_a, standard_set=standards)
    with pytest.raises(RuleViolation) as twice:
        services.create_application(by=secretary_a, org=world.org_a, standard_set=standards)
    assert twice.value.rule == "open_application"
    designation(world, world.branch_a1)
    with pytest.raises(RuleViolation) as held:
        services.create_application(by=secretary_a, org=world.branch_a1, standard_set=standards)
    assert held.value.rule == "already_designated"


def test_a_secretary_cannot_apply_for_another_community_nor_against_a_draft_set(
    world, secretary_a, secretary_b
):
    with pytest.raises(PermissionDenied):
        services.create_application(by=secretary_b, org=world.org_a, standard_set=district_set(world))
    draft = services.copy_set(district_set(world), by=UserFactory(is_superuser=True))
    assert draft.state == SetState.DRAFT and draft.edition == 2 and draft.items.count() == 3
    with pytest.raises(RuleViolation) as refused:
        services.create_application(by=secretary_a, org=world.org_a, standard_set=draft)
    assert refused.value.rule == "set_not_published"
    assert not Application.objects.exists()


def test_a_set_in_use_is_not_edited_but_copied(world, district_admin):
    standards = district_set(world)
    with pytest.raises(RuleViolation) as published:
        services.add_item(standards, by=district_admin, number=9, title="新标准")
    assert published.value.rule == "published"
    application(world, world.org_a)
    with pytest.raises(RuleViolation) as in_use:
        services.update_set(standards, by=district_admin, name="十大标准（新）")
    assert in_use.value.rule == "set_in_use"
    copy = services.copy_set(standards, by=district_admin)
    services.add_item(copy, by=district_admin, number=9, title="新标准")
    assert StandardItem.objects.filter(standard_set=standards).count() == 3
    assert StandardItem.objects.filter(standard_set=copy).count() == 4


def test_a_secretary_cannot_issue_standards_and_a_stale_edit_is_refused(world, district_admin, secretary_a):
    with pytest.raises(PermissionDenied):
        services.create_set(
            by=secretary_a, org=world.district_org, level="county", name="十大标准", year=2026
        )
    draft = services.create_set(
        by=district_admin, org=world.district_org, level="city", name="十大标准", year=2026
    )
    services.update_set(draft, by=district_admin, version=1, description="第一次修改")
    with pytest.raises(ConcurrentChange):
        services.update_set(draft, by=district_admin, version=1, description="过时的修改")
    with pytest.raises(RuleViolation) as year:
        services.create_set(
            by=district_admin, org=world.district_org, level="city", name="十大标准", year=9999
        )
    assert year.value.field == "year"


def test_a_recheck_keeps_only_when_every_item_is_met(world, district_admin):
    point = designation(world, world.org_a)
    items = list(point.standard_set.items.all())
    partial = {item.pk: (item == items[0], "") for item in items}
    with pytest.raises(RuleViolation) as keep:
        services.record_recheck(point, by=district_admin, results=partial, outcome=RecheckOutcome.KEEP)
    assert keep.value.rule == "keep_not_met"
    with pytest.raises(RuleViolation) as missing:
        services.record_recheck(point, by=district_admin, results={items[0].pk: (True, "")}, outcome="keep")
    assert missing.value.rule == "results_incomplete"
    with pytest.raises(RuleViolation) as future:
        services.record_recheck(
            point,
            by=district_admin,
            results=_all_met(point),
            outcome="keep",
            checked_on=today() + datetime.timedelta(days=1),
        )
    assert future.value.field == "checked_on"
    services.record_recheck(point, by=district_admin, results=_all_met(point), outcome="keep")
    point.refresh_from_db()
    assert point.next_recheck_due == today() + datetime.timedelta(days=365) and point.rectify_by is None


def test_neither_a_secretary_nor_another_districts_department_rechecks(world, secretary_a, district_admin):
    point = designation(world, world.org_a)
    with pytest.raises(PermissionDenied):
        services.record_recheck(point, by=secretary_a, results=_all_met(point), outcome="keep")
    elsewhere = designation_elsewhere(world)
    with pytest.raises(PermissionDenied):
        services.record_recheck(elsewhere, by=district_admin, results=_all_met(elsewhere), outcome="keep")
    assert not point.rechecks.exists() and not elsewhere.rechecks.exists()


def test_a_recheck_overdue_beyond_the_grace_period_lets_the_title_lapse(world):
    overdue = designation(world, world.org_a, since_days=500, due_in_days=-(services.EXPIRY_GRACE_DAYS + 1))
    late = designation(world, world.org_b, since_days=400, due_in_days=-10)
    assert services.expire_overdue() == 1
    overdue.refresh_from_db()
    late.refresh_from_db()
    assert overdue.state == DesignationState.EXPIRED and overdue.ended_on == today()
    assert late.is_active
    assert _audited(overdue, "update")[0].changes["state"] == ["active", "expired"]
    assert services.expire_overdue() == 0


def test_an_evidence_file_must_be_what_its_name_says(world, secretary_a):
    made = application(world, world.org_a, evidence=False)
    row = made.evidence.first()
    with pytest.raises(RuleViolation) as fake:
        services.add_evidence_file(row, SimpleUploadedFile("照片.png", b"MZ not a png"), by=secretary_a)
    assert fake.value.rule == "evidence_file"
    with pytest.raises(RuleViolation):
        services.add_evidence_file(row, SimpleUploadedFile("脚本.exe", b"MZ"), by=secretary_a)
    assert not row.files.exists()


def test_a_draft_file_is_removed_with_an_audit_line_and_a_submitted_ones_stays(
    world, secretary_a, secretary_b
):
    made = application(world, world.org_a, evidence=False)
    row = made.evidence.first()
    stored = services.add_evidence_file(row, SimpleUploadedFile("错传.png", PNG), by=secretary_a)
    with pytest.raises(PermissionDenied):
        services.remove_evidence_file(stored, by=secretary_b)
    services.remove_evidence_file(stored, by=secretary_a)
    assert not row.files.exists()
    assert AuditEntry.objects.filter(object_type="demonstration.evidencefile", action="delete").count() == 1
    kept = services.add_evidence_file(row, SimpleUploadedFile("台账.png", PNG), by=secretary_a)
    Application.objects.filter(pk=made.pk).update(state=ApplicationState.SUBMITTED)
    with pytest.raises(RuleViolation) as refused:
        services.remove_evidence_file(kept, by=secretary_a)
    assert refused.value.rule == "not_draft" and row.files.count() == 1
