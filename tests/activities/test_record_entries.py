"""The service record's training, awards and evaluation (《志愿服务记录与证明出具办法（试行）》第四条):
each kind is recorded by an organization with its own fields, corrected or withdrawn only with a
trace, scoped to the recording organization, audited, and listed on that organization's 证明 as
it stood when the 证明 was issued."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from dangjian.activities.choices import RecordEntryKind
from dangjian.activities.models import RecordEntry
from dangjian.activities.services import ledger, records
from dangjian.core.errors import ConcurrentChange, PermissionDenied, RuleViolation
from dangjian.core.models import AuditEntry
from tests.activities.helpers import entry_at, record_at, volunteer

DAY = datetime.timedelta(days=1)


def _training(by, org, person, **fields):
    values = {
        "occurred_on": timezone.localdate() - DAY,
        "title": "急救知识培训",
        "training_hours": "4",
        **fields,
    }
    return records.record_entry(by=by, person=person, org=org, kind=RecordEntryKind.TRAINING, **values)


def test_a_training_is_recorded_with_its_hours_who_and_when(world, secretary_a):
    person = volunteer().person
    entry = _training(secretary_a, world.org_a, person, content="红十字会讲师授课")
    assert entry.kind == RecordEntryKind.TRAINING
    assert entry.training_hours == Decimal("4.0")
    assert entry.recorded_by == secretary_a and entry.recorded_at is not None
    assert entry.awarded_by == "" and entry.period == ""


def test_an_award_keeps_its_body_and_level(world, secretary_a):
    entry = records.record_entry(
        by=secretary_a,
        person=volunteer().person,
        org=world.org_a,
        kind=RecordEntryKind.AWARD,
        occurred_on=timezone.localdate(),
        title="优秀志愿者",
        awarded_by="幸福街道党工委",
        award_level="street",
        training_hours="9",  # another kind's field is dropped, not stored
    )
    assert (entry.awarded_by, entry.award_level, entry.training_hours) == ("幸福街道党工委", "street", None)
    assert entry.details() == f"幸福街道党工委 · {entry.get_award_level_display()}"


def test_an_evaluation_needs_its_period_and_result(world, secretary_a):
    fields = {
        "by": secretary_a,
        "person": volunteer().person,
        "org": world.org_a,
        "kind": RecordEntryKind.EVALUATION,
        "occurred_on": timezone.localdate(),
        "title": "年度志愿服务评价",
    }
    with pytest.raises(RuleViolation) as refused:
        records.record_entry(**fields, result="excellent")
    assert refused.value.field == "period"
    with pytest.raises(RuleViolation) as refused:
        records.record_entry(**fields, period="2025年度")
    assert refused.value.field == "result"
    entry = records.record_entry(**fields, period="2025年度", result="excellent", content="服务积极主动")
    assert (entry.period, entry.result, entry.content) == ("2025年度", "excellent", "服务积极主动")


@pytest.mark.parametrize("hours", ["-2", "0", "600", "abc", None])
def test_training_hours_must_be_a_positive_number_of_at_most_500(world, secretary_a, hours):
    with pytest.raises(RuleViolation) as refused:
        _training(secretary_a, world.org_a, volunteer().person, training_hours=hours)
    assert refused.value.field == "training_hours"
    assert not RecordEntry.objects.exists()


def test_an_entry_dated_in_the_future_is_refused(world, secretary_a):
    with pytest.raises(RuleViolation) as refused:
        _training(secretary_a, world.org_a, volunteer().person, occurred_on=timezone.localdate() + DAY)
    assert refused.value.rule == "future_date"


def test_another_organization_cannot_record_for_this_one(world, secretary_b):
    with pytest.raises(PermissionDenied):
        _training(secretary_b, world.org_a, volunteer().person)
    assert not RecordEntry.objects.exists()


def test_recording_writes_an_audit_line_in_the_organizations_scope(world, secretary_a):
    entry = _training(secretary_a, world.org_a, volunteer().person)
    line = AuditEntry.objects.get(object_type="activities.recordentry", object_id=str(entry.pk))
    assert line.action == "create" and line.org_path == world.org_a.path
    assert line.changes["title"] == [None, "急救知识培训"]


def test_entries_are_offered_in_the_audit_pages_filter():
    from dangjian.core.registry import registry

    assert "activities.recordentry" in registry["audited_models"]


def test_a_correction_is_a_new_entry_with_reason_and_who_and_the_original_stays(world, secretary_a):
    original = entry_at(world.org_a, volunteer().person, training_hours=4)
    correction = records.correct_entry(
        original,
        by=secretary_a,
        reason="课时登记有误",
        occurred_on=original.occurred_on,
        title=original.title,
        training_hours="3",
    )
    original.refresh_from_db()
    assert original.training_hours == Decimal("4.0")  # never overwritten
    assert correction.corrects == original and correction.reason == "课时登记有误"
    assert correction.recorded_by == secretary_a
    assert list(RecordEntry.objects.current()) == [correction]
    line = AuditEntry.objects.get(object_type="activities.recordentry", object_id=str(correction.pk))
    assert line.note == "课时登记有误"
    assert line.changes["training_hours"] == ["4.0", "3.0"]
    assert line.changes["corrects"] == [None, original.pk]


def test_a_second_correction_supersedes_the_first_and_corrects_the_original(world, secretary_a):
    original = entry_at(world.org_a, volunteer().person)
    first = records.correct_entry(
        original, by=secretary_a, reason="一", occurred_on=original.occurred_on, title="甲", training_hours=2
    )
    second = records.correct_entry(
        first, by=secretary_a, reason="二", occurred_on=original.occurred_on, title="乙", training_hours=2
    )
    assert second.corrects == original
    assert list(RecordEntry.objects.current()) == [second]


def test_a_correction_needs_a_reason_and_a_change(world, secretary_a):
    original = entry_at(world.org_a, volunteer().person, training_hours=4)
    same = {"occurred_on": original.occurred_on, "title": original.title, "training_hours": "4"}
    with pytest.raises(RuleViolation) as refused:
        records.correct_entry(original, by=secretary_a, reason=" ", **same)
    assert refused.value.rule == "reason_required"
    with pytest.raises(RuleViolation) as refused:
        records.correct_entry(original, by=secretary_a, reason="更正", **same)
    assert refused.value.rule == "no_change"


def test_a_correction_made_on_a_stale_page_is_refused(world, secretary_a):
    original = entry_at(world.org_a, volunteer().person)
    fields = {"occurred_on": original.occurred_on, "title": "新名称", "training_hours": 2}
    records.correct_entry(original, by=secretary_a, reason="更正", seen=original.pk, **fields)
    with pytest.raises(ConcurrentChange):
        records.correct_entry(original, by=secretary_a, reason="再更正", seen=original.pk, **fields)


def test_only_the_recording_organization_corrects(world, secretary_b):
    original = entry_at(world.org_a, volunteer().person)
    with pytest.raises(PermissionDenied):
        records.correct_entry(original, by=secretary_b, reason="更正", withdraw=True)


def test_a_withdrawn_entry_no_longer_counts_but_keeps_its_trace(world, secretary_a):
    person = volunteer().person
    original = entry_at(world.org_a, person)
    withdrawn = records.correct_entry(original, by=secretary_a, reason="登记错人", withdraw=True)
    assert withdrawn.is_withdrawn and withdrawn.title == original.title
    assert not RecordEntry.objects.in_effect().exists()
    assert RecordEntry.objects.count() == 2
    with pytest.raises(RuleViolation) as refused:
        records.correct_entry(original, by=secretary_a, reason="again", withdraw=True)
    assert refused.value.rule == "withdrawn"


def test_the_list_of_secretary_b_does_not_hold_community_as_entries(world, secretary_b):
    entry_at(world.org_a, volunteer().person)
    assert not RecordEntry.objects.visible_to(secretary_b).exists()


# --- the 证明 ---------------------------------------------------------------------------------


def _issue(user, org, by):
    return ledger.issue_certificate(ledger.request_certificate(by=user, org=org), by=by)


def test_the_certificate_lists_the_organizations_training_awards_and_evaluations(world, secretary_a):
    user = volunteer()
    record_at(world.org_a, user.person, hours=Decimal("3"))
    training = entry_at(world.org_a, user.person, title="急救知识培训", training_hours=4)
    entry_at(
        world.org_a,
        user.person,
        kind=RecordEntryKind.AWARD,
        title="优秀志愿者",
        awarded_by="幸福街道党工委",
        award_level="street",
    )
    entry_at(world.org_b, user.person, title="光明社区的培训")  # another organization's: not listed
    withdrawn = entry_at(world.org_a, user.person, title="登记错误的培训")
    records.correct_entry(withdrawn, by=secretary_a, reason="登记错人", withdraw=True)
    records.correct_entry(
        training,
        by=secretary_a,
        reason="课时有误",
        occurred_on=training.occurred_on,
        title="急救培训",
        training_hours=3,
    )
    issued = _issue(user, world.org_a, secretary_a)
    assert issued.total_hours == Decimal("3.0")
    rows = [(row["kind"], row["title"], row["training_hours"], row["corrected"]) for row in issued.entries]
    assert rows == [("training", "急救培训", "3.0", True), ("award", "优秀志愿者", None, False)]
    # The 证明 is printed in Chinese whatever the issuer's language.
    assert [(row["kind_label"], row["details"]) for row in issued.entries] == [
        ("培训", "培训 3.0 小时"),
        ("表彰奖励", "幸福街道党工委 · 街道级"),
    ]


def test_an_issued_certificate_does_not_change_when_an_entry_is_added_later(world, secretary_a):
    user = volunteer()
    record_at(world.org_a, user.person)
    entry_at(world.org_a, user.person, title="急救知识培训")
    issued = _issue(user, world.org_a, secretary_a)
    before = list(issued.entries)
    _training(secretary_a, world.org_a, user.person, title="后来的培训")
    issued.refresh_from_db()
    assert issued.entries == before
    assert [row["title"] for row in issued.entries] == ["急救知识培训"]
    again = _issue(user, world.org_a, secretary_a)  # a new 证明 lists what stands now
    assert [row["title"] for row in again.entries] == ["急救知识培训", "后来的培训"]
