"""Versioned rule sets: a set applies to steps dated from its effective date, in the branches it
covers; records keep the set that judged them; sets change only as audited drafts."""

from __future__ import annotations

import datetime
import json

import pytest
from django.urls import reverse

from dangjian.core.errors import PermissionDenied, RuleViolation
from dangjian.core.models import AuditEntry
from dangjian.development import rule_sets, services
from dangjian.development.choices import RuleSetState
from dangjian.development.models import RuleSet, StepRecord
from dangjian.development.rules import add_interval
from tests.development.helpers import full_members, new_applicant, plus, years_ago

NATIONAL = "发展党员工作细则（2014）"


@pytest.fixture
def national(db) -> RuleSet:
    return RuleSet.objects.get(name=NATIONAL)


def revised(
    national: RuleSet, by, effective_from: datetime.date, *, org=None, name="发展党员工作细则（修订）"
):
    draft = rule_sets.copy_rule_set(
        national, by=by, name=name, effective_from=effective_from, source="修订后的细则", org=org
    )
    return draft


def test_the_2014_set_ships_active_with_every_national_step(national):
    assert national.state == RuleSetState.ACTIVE
    assert "中办发〔2014〕33号" in national.source
    assert national.steps.filter(code="candidate").exists()
    assert national.steps.count() == 16


def test_a_rule_set_effective_2026_06_01_applies_to_a_step_dated_2026_06_02_and_not_to_one_dated_2026_05_31(
    world, district_admin, national
):
    draft = revised(national, district_admin, datetime.date(2026, 6, 1))
    rule_sets.activate_rule_set(draft, by=district_admin)
    assert rule_sets.rule_set_for(world.branch_a1, datetime.date(2026, 6, 2)) == draft
    assert rule_sets.rule_set_for(world.branch_a1, datetime.date(2026, 6, 1)) == draft
    assert rule_sets.rule_set_for(world.branch_a1, datetime.date(2026, 5, 31)) == national


def test_a_step_dated_after_the_new_set_is_judged_by_it_and_earlier_records_keep_the_old_set(
    world, district_admin, secretary_a, national
):
    applicant = new_applicant(world.branch_a1, secretary_a, applied_on=years_ago(0.5))
    effective = plus(applicant.applied_on, 10)
    draft = revised(national, district_admin, effective)
    talk = draft.steps.get(code="application_talk")
    rules = talk.rules
    rules[0]["max"] = {"months": 2}
    rule_sets.update_step(talk, by=district_admin, rules=rules)
    rule_sets.activate_rule_set(draft, by=district_admin)
    # 45 days after the application: refused under the 2014 set (one month), allowed by the new one.
    record = services.record_step(
        applicant, "application_talk", plus(applicant.applied_on, 45), by=secretary_a
    )
    assert record.step.rule_set == draft
    application = StepRecord.objects.get(applicant=applicant, step__code="application")
    assert application.step.rule_set == national
    assert national.steps.get(code="application_talk").rules[0]["max"] == {"months": 1}


def test_a_step_dated_before_the_new_set_is_still_judged_by_the_old_one(
    world, district_admin, secretary_a, national
):
    applicant = new_applicant(world.branch_a1, secretary_a, applied_on=years_ago(0.5))
    draft = revised(national, district_admin, plus(applicant.applied_on, 60))
    talk = draft.steps.get(code="application_talk")
    rules = talk.rules
    rules[0]["max"] = {"months": 2}
    rule_sets.update_step(talk, by=district_admin, rules=rules)
    rule_sets.activate_rule_set(draft, by=district_admin)
    with pytest.raises(RuleViolation) as refused:
        services.record_step(applicant, "application_talk", plus(applicant.applied_on, 45), by=secretary_a)
    assert "第七条" in refused.value.message


def test_a_regional_set_applies_only_in_its_subtree(world, district_admin, national):
    regional = revised(
        national, district_admin, datetime.date(2020, 1, 1), org=world.org_a, name="幸福社区规则"
    )
    rule_sets.activate_rule_set(regional, by=district_admin)
    assert rule_sets.rule_set_for(world.branch_a1, datetime.date(2026, 1, 1)) == regional
    assert rule_sets.rule_set_for(world.branch_b1, datetime.date(2026, 1, 1)) == national


def test_an_active_set_cannot_be_edited_and_a_draft_edit_is_audited(district_admin, national):
    step = national.steps.get(code="candidate")
    with pytest.raises(RuleViolation) as refused:
        rule_sets.update_step(step, by=district_admin, reminder_days=3)
    assert refused.value.rule == "development_rule_set_frozen" and NATIONAL in refused.value.message
    draft = revised(national, district_admin, datetime.date(2026, 6, 1))
    step = rule_sets.update_step(draft.steps.get(code="candidate"), by=district_admin, reminder_days=3)
    line = AuditEntry.objects.filter(object_id=str(step.pk), changes__has_key="reminder_days").get()
    assert line.changes["reminder_days"] == [30, 3] and line.username
    assert AuditEntry.objects.filter(object_id=str(draft.pk), object_repr=draft.name).exists()


def test_an_invalid_rule_in_a_draft_is_refused_with_a_clear_message(district_admin, national):
    draft = revised(national, district_admin, datetime.date(2026, 6, 1))
    with pytest.raises(RuleViolation) as refused:
        rule_sets.update_step(draft.steps.get(code="training"), by=district_admin, rules=[{"kind": "moon"}])
    assert "moon" in refused.value.message


def test_two_active_sets_for_the_same_place_and_date_are_refused(district_admin, national):
    first = revised(national, district_admin, datetime.date(2026, 6, 1), name="甲")
    second = revised(national, district_admin, datetime.date(2026, 6, 1), name="乙")
    rule_sets.activate_rule_set(first, by=district_admin)
    with pytest.raises(RuleViolation):
        rule_sets.activate_rule_set(second, by=district_admin)
    with pytest.raises(RuleViolation):
        rule_sets.activate_rule_set(first, by=district_admin)


def test_a_branch_secretary_may_not_copy_or_activate_a_national_set(secretary_a, national):
    with pytest.raises(PermissionDenied):
        revised(national, secretary_a, datetime.date(2026, 6, 1))


def test_an_exported_set_loads_back_as_a_draft_and_a_bad_file_is_refused(district_admin, national):
    data = rule_sets.export_rule_set(national)
    data["name"] = "修订细则（导入）"
    data["effective_from"] = "2026-06-01"
    loaded = rule_sets.load_rule_set(json.dumps(data, ensure_ascii=False), by=district_admin)
    assert loaded.state == RuleSetState.DRAFT and loaded.steps.count() == national.steps.count()
    with pytest.raises(RuleViolation):
        rule_sets.load_rule_set(b"not json", by=district_admin)
    data["name"] = "另一份"
    data["steps"][0]["rules"] = [{"kind": "after", "step": "nowhere"}]
    with pytest.raises(RuleViolation):
        rule_sets.load_rule_set(json.dumps(data), by=district_admin)
    assert not RuleSet.objects.filter(name="另一份").exists()


def test_the_pages_copy_edit_and_activate_a_set(client, district_admin, national):
    client.force_login(district_admin)
    assert NATIONAL in client.get(reverse("development:rule_set_list")).content.decode()
    page = client.get(reverse("development:rule_set_detail", args=[national.pk])).content.decode()
    assert "《中国共产党发展党员工作细则》第十三条" in page and "本地规定" in page
    response = client.post(
        reverse("development:rule_set_copy", args=[national.pk]),
        {"name": "修订细则", "source": "修订后的细则", "effective_from": "2026-06-01"},
    )
    draft = RuleSet.objects.get(name="修订细则")
    assert response.status_code == 302 and draft.state == RuleSetState.DRAFT
    bad = client.post(
        reverse("development:rule_set_step_edit", args=[draft.pk, draft.steps.get(code="training").pk]),
        {"name": "集中培训", "stage": "candidate", "order": 80, "rules": "[1]", "reminder_days": 7},
    )
    assert bad.status_code == 200
    client.post(reverse("development:rule_set_activate", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.state == RuleSetState.ACTIVE


# --- Point 6: refusals with a basis ------------------------------------------------------------


@pytest.fixture
def members(world):
    return full_members(world.branch_a1)


def _until_meeting(world, secretary_a, members):
    from tests.development.helpers import walk

    applicant = new_applicant(world.branch_a1, secretary_a)
    walk(applicant, secretary_a, members, until="branch_meeting")
    applicant.refresh_from_db()
    return applicant


def test_an_approval_5_months_after_the_branch_meeting_with_a_recorded_reason_is_accepted(
    world, secretary_a, members
):
    applicant = _until_meeting(world, secretary_a, members)
    date = add_interval(applicant_meeting(applicant), {"months": 5})
    record = services.record_step(
        applicant, "admission_approval", date, by=secretary_a, reason="上级党委换届"
    )
    assert record.values["reason"] == "上级党委换届"


def test_an_approval_7_months_after_the_branch_meeting_is_refused_even_with_a_reason(
    world, secretary_a, members
):
    applicant = _until_meeting(world, secretary_a, members)
    date = add_interval(applicant_meeting(applicant), {"months": 7})
    with pytest.raises(RuleViolation) as refused:
        services.record_step(applicant, "admission_approval", date, by=secretary_a, reason="上级党委换届")
    assert "《中国共产党发展党员工作细则》" in refused.value.message


def test_an_approval_after_3_months_without_a_reason_is_refused_and_asks_for_one(world, secretary_a, members):
    applicant = _until_meeting(world, secretary_a, members)
    date = add_interval(applicant_meeting(applicant), {"months": 4})
    with pytest.raises(RuleViolation) as refused:
        services.record_step(applicant, "admission_approval", date, by=secretary_a)
    assert "三个月" in refused.value.message and "理由" in refused.value.message


def applicant_meeting(applicant) -> datetime.date:
    return StepRecord.objects.get(applicant=applicant, step__code="branch_meeting").date


def test_too_few_thought_reports_only_warn_as_local_practice(world, secretary_a, members):
    from tests.development.helpers import walk

    applicant = new_applicant(world.branch_a1, secretary_a)
    activist_on = walk(applicant, secretary_a, members, until="activist")
    record = services.record_step(
        applicant,
        "candidate",
        plus(activist_on, 400),
        by=secretary_a,
        introducers=[m.pk for m in members[:2]],
    )
    assert any("本地规定" in warning for warning in record.warnings)


def test_a_transferred_in_probationary_members_regularization_may_be_postponed_6_months_article_36(
    world, secretary_a, members
):
    from tests.development.helpers import walk

    applicant = new_applicant(world.branch_a1, secretary_a, applied_on=years_ago(3.3))
    walk(applicant, secretary_a, members, until="oath")
    applicant.refresh_from_db()
    end = applicant.probation_ends_on
    votes = {"present": 5, "in_favour": 5}
    with pytest.raises(RuleViolation) as refused:
        services.record_step(
            applicant,
            "regularization_meeting",
            add_interval(end, {"months": 7}),
            by=secretary_a,
            reason="外地转入",
            **votes,
        )
    assert "第三十六条" in refused.value.message
    record = services.record_step(
        applicant,
        "regularization_meeting",
        add_interval(end, {"months": 4}),
        by=secretary_a,
        reason="外地转入，推迟讨论",
        **votes,
    )
    assert not record.warnings
    services.record_step(
        applicant, "regularization_approval", add_interval(end, {"months": 5}), by=secretary_a
    )
    applicant.refresh_from_db()
    assert applicant.regularized_on == end


def test_a_late_regularization_meeting_without_a_reason_only_warns(world, secretary_a, members):
    from tests.development.helpers import walk

    applicant = new_applicant(world.branch_a1, secretary_a, applied_on=years_ago(3.3))
    walk(applicant, secretary_a, members, until="oath")
    applicant.refresh_from_db()
    record = services.record_step(
        applicant,
        "regularization_meeting",
        add_interval(applicant.probation_ends_on, {"months": 2}),
        by=secretary_a,
        present=5,
        in_favour=5,
    )
    assert any("第三十六条" in warning for warning in record.warnings)


def test_the_rule_set_list_costs_the_same_queries_for_3_and_30_sets(client, world, district_admin, national):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(district_admin)

    def queries_with(count: int) -> int:
        RuleSet.objects.exclude(pk=national.pk).delete()
        for number in range(count - 1):
            RuleSet.objects.create(
                name=f"地方规则{number}",
                source="地方规定",
                effective_from=datetime.date(2026, 1, 1),
                org=world.org_a,
            )
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("development:rule_set_list")).status_code == 200
        return len(captured)

    assert queries_with(3) == queries_with(30)
