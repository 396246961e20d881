"""The pipeline's rules through the services: each refusal names its rule and article."""

from __future__ import annotations

import datetime

import pytest

from dangjian.core.errors import PermissionDenied, RuleViolation
from dangjian.core.models import AuditEntry
from dangjian.development import services
from dangjian.development.choices import ApplicantSource, ApplicantState, Stage
from dangjian.development.models import StepDefinition
from dangjian.members.choices import MemberStatus
from dangjian.members.models import PartyMember
from tests.development.helpers import PATH, full_members, new_applicant, plus, walk, years_ago
from tests.factories import PersonFactory


@pytest.fixture
def members(world):
    return full_members(world.branch_a1)


def test_a_candidate_less_than_a_year_after_the_activist_decision_is_refused_naming_the_rule(
    world, secretary_a, members
):
    applicant = new_applicant(world.branch_a1, secretary_a)
    activist_on = walk(applicant, secretary_a, members, until="thought_report")
    for days in (30, 60, 90):
        services.record_step(applicant, "thought_report", plus(activist_on, days), by=secretary_a)
    with pytest.raises(RuleViolation) as refused:
        services.record_step(
            applicant,
            "candidate",
            plus(activist_on - datetime.timedelta(days=80), 300),
            by=secretary_a,
            introducers=[m.pk for m in members[:2]],
        )
    message = refused.value.message
    assert "确定为发展对象须在列为入党积极分子满一年后" in message
    assert "《中国共产党发展党员工作细则》第十三条" in message
    assert "最早可为" in message
    applicant.refresh_from_db()
    assert applicant.stage == Stage.ACTIVIST


def test_a_branch_meeting_without_quorum_is_refused(world, secretary_a, members):
    applicant = new_applicant(world.branch_a1, secretary_a)
    date = walk(applicant, secretary_a, members, until="preliminary_review")
    with pytest.raises(RuleViolation) as refused:
        services.record_step(
            applicant, "branch_meeting", plus(date, 5), by=secretary_a, present=2, in_favour=2
        )
    assert "第二十条" in refused.value.message
    assert "2" in refused.value.message and "5" in refused.value.message
    assert "超过" in refused.value.message


def test_a_vote_with_quorum_but_half_in_favour_does_not_pass(world, secretary_a, members):
    applicant = new_applicant(world.branch_a1, secretary_a)
    date = walk(applicant, secretary_a, members, until="preliminary_review")
    with pytest.raises(RuleViolation):
        services.record_step(
            applicant, "branch_meeting", plus(date, 5), by=secretary_a, present=5, in_favour=2
        )
    record = services.record_step(
        applicant, "branch_meeting", plus(date, 5), by=secretary_a, present=4, in_favour=3
    )
    assert record.values["voters"] == 5


def test_an_applicant_under_eighteen_is_refused(world, secretary_a):
    person = PersonFactory(birth_date=years_ago(17))
    with pytest.raises(RuleViolation) as refused:
        services.apply(
            person, org=world.branch_a1, date=years_ago(0), source=ApplicantSource.LEAGUE, by=secretary_a
        )
    assert "年满十八岁" in refused.value.message
    assert "《中国共产党发展党员工作细则》第五条" in refused.value.message


def test_an_applicant_under_28_not_recommended_by_the_league_is_only_warned(world, secretary_a):
    person = PersonFactory(birth_date=years_ago(22))
    applicant = services.apply(
        person, org=world.branch_a1, date=years_ago(0.1), source=ApplicantSource.SELF, by=secretary_a
    )
    assert applicant.pk and applicant.warnings
    assert "共青团推优" in applicant.warnings[0]
    assert applicant.records.get().warnings == applicant.warnings


def test_introducers_must_be_two_full_members(world, secretary_a, members):
    applicant = new_applicant(world.branch_a1, secretary_a)
    date = walk(applicant, secretary_a, members, until="thought_report")
    for days in (90, 180, 270):
        services.record_step(applicant, "thought_report", plus(date, days), by=secretary_a)
    candidate_date = plus(date, 300)
    probationary = PartyMember.objects.create(
        person=PersonFactory(), org=world.branch_a1, status=MemberStatus.PROBATIONARY
    )
    for introducers in ([members[0].pk], [members[0].pk, probationary.pk], [members[0].pk, members[0].pk]):
        with pytest.raises(RuleViolation) as refused:
            services.record_step(
                applicant, "candidate", candidate_date, by=secretary_a, introducers=introducers
            )
        assert "两名正式党员作入党介绍人" in refused.value.message
    services.record_step(
        applicant, "candidate", candidate_date, by=secretary_a, introducers=[m.pk for m in members[:2]]
    )
    applicant.refresh_from_db()
    assert applicant.stage == Stage.CANDIDATE and applicant.candidate_on == candidate_date


def test_training_needs_three_days_or_24_class_hours(world, secretary_a, members):
    applicant = new_applicant(world.branch_a1, secretary_a)
    date = walk(applicant, secretary_a, members, until="political_review")
    with pytest.raises(RuleViolation) as refused:
        services.record_step(applicant, "training", plus(date, 3), by=secretary_a, days=2, hours=16)
    assert "不少于三天或不少于二十四个学时" in refused.value.message
    services.record_step(applicant, "training", plus(date, 3), by=secretary_a, days=2, hours=24)


def test_the_superior_approval_must_come_within_three_months_of_the_meeting(world, secretary_a, members):
    applicant = new_applicant(world.branch_a1, secretary_a)
    meeting = walk(applicant, secretary_a, members, until="branch_meeting")
    with pytest.raises(RuleViolation) as refused:
        services.record_step(applicant, "admission_approval", plus(meeting, 100), by=secretary_a)
    assert "三个月内审批" in refused.value.message
    assert not PartyMember.objects.filter(person=applicant.person).exists()


def test_admission_and_regularization_keep_the_member_ledger_in_step(world, secretary_a, members):
    applicant = new_applicant(world.branch_a1, secretary_a)
    oath = walk(applicant, secretary_a, members, until="oath")
    applicant.refresh_from_db()
    meeting = applicant.admitted_on
    member = PartyMember.objects.get(person=applicant.person)
    assert member.status == MemberStatus.PROBATIONARY and member.joined_on == meeting
    assert member.org == world.branch_a1
    assert applicant.state == ApplicantState.ADMITTED and applicant.stage == Stage.PROBATIONARY
    assert applicant.probation_ends_on == meeting.replace(year=meeting.year + 1)
    # 预备期 is one year from the 支部大会: a day early is refused.
    with pytest.raises(RuleViolation) as refused:
        services.record_step(
            applicant,
            "regularization_meeting",
            plus(applicant.probation_ends_on, -1),
            by=secretary_a,
            present=5,
            in_favour=5,
        )
    assert "预备期为一年" in refused.value.message
    assert oath < applicant.probation_ends_on
    services.record_step(
        applicant,
        "regularization_meeting",
        applicant.probation_ends_on,
        by=secretary_a,
        present=5,
        in_favour=4,
    )
    version = member.version
    services.record_step(
        applicant, "regularization_approval", plus(applicant.probation_ends_on, 20), by=secretary_a
    )
    member.refresh_from_db()
    applicant.refresh_from_db()
    assert member.status == MemberStatus.FULL
    assert member.regularized_on == applicant.probation_ends_on
    assert member.version == version + 1
    assert applicant.state == ApplicantState.FULL and applicant.next_step is None
    assert AuditEntry.objects.filter(object_repr=str(member)).count() >= 2


def test_a_failed_regularization_leaves_the_member_probationary(world, secretary_a, members, monkeypatch):
    applicant = new_applicant(world.branch_a1, secretary_a)
    walk(applicant, secretary_a, members, until="oath")
    applicant.refresh_from_db()
    services.record_step(
        applicant,
        "regularization_meeting",
        applicant.probation_ends_on,
        by=secretary_a,
        present=5,
        in_favour=5,
    )

    def broken(*args, **kwargs):
        raise RuntimeError("audit down")

    monkeypatch.setattr(services.audit, "record", broken)
    with pytest.raises(RuntimeError):
        services.record_step(
            applicant, "regularization_approval", plus(applicant.probation_ends_on, 5), by=secretary_a
        )
    member = PartyMember.objects.get(person=applicant.person)
    assert member.status == MemberStatus.PROBATIONARY and member.regularized_on is None


def test_an_extension_moves_the_end_of_probation_and_is_allowed_once(world, secretary_a, members):
    applicant = new_applicant(world.branch_a1, secretary_a, applied_on=years_ago(2.2))
    oath = walk(applicant, secretary_a, members, until="oath")
    with pytest.raises(RuleViolation) as refused:
        services.record_step(applicant, "extension", plus(oath, 10), by=secretary_a, months=3)
    assert "不能少于半年" in refused.value.message
    services.record_step(applicant, "extension", plus(oath, 10), by=secretary_a, months=6)
    applicant.refresh_from_db()
    meeting = applicant.admitted_on
    assert applicant.probation_ends_on == services.rules.add_interval(meeting, {"months": 18})
    assert applicant.next_step.code == "regularization_meeting"
    assert applicant.next_due_on == applicant.probation_ends_on
    with pytest.raises(RuleViolation):
        services.record_step(applicant, "extension", plus(oath, 11), by=secretary_a, months=6)


def test_a_cancellation_ends_the_probationary_membership(world, secretary_a, members):
    applicant = new_applicant(world.branch_a1, secretary_a)
    oath = walk(applicant, secretary_a, members, until="oath")
    services.record_step(applicant, "cancellation", plus(oath, 30), by=secretary_a)
    applicant.refresh_from_db()
    member = PartyMember.objects.get(person=applicant.person)
    assert applicant.state == ApplicantState.CANCELLED and not member.is_active
    with pytest.raises(RuleViolation):
        services.record_step(applicant, "thought_report", plus(oath, 31), by=secretary_a)


def test_an_edited_step_definition_changes_the_rule_without_code(world, secretary_a, members):
    step = StepDefinition.objects.get(code="candidate")
    rules = step.rules
    rules[0]["min"] = {"months": 6}
    rules[0]["text"] = "确定为发展对象须在列为入党积极分子满半年后"
    rules[1]["min"] = 1
    step.rules = rules
    step.save()
    applicant = new_applicant(world.branch_a1, secretary_a)
    activist_on = walk(applicant, secretary_a, members, until="thought_report")
    with pytest.raises(RuleViolation) as refused:
        services.record_step(
            applicant,
            "candidate",
            plus(activist_on, 60),
            by=secretary_a,
            introducers=[m.pk for m in members[:2]],
        )
    assert "满半年后" in refused.value.message
    services.record_step(
        applicant,
        "candidate",
        plus(activist_on, 120),
        by=secretary_a,
        introducers=[m.pk for m in members[:2]],
    )


def test_the_next_step_and_its_deadline_are_stored_on_the_applicant(world, secretary_a):
    applicant = new_applicant(world.branch_a1, secretary_a, applied_on=years_ago(1))
    assert applicant.next_step.code == "application_talk"
    assert applicant.next_due_is_deadline
    assert applicant.next_due_on == services.rules.add_interval(applicant.applied_on, {"months": 1})


def test_a_secretary_of_another_community_may_not_record_steps(world, secretary_a, secretary_b, members):
    applicant = new_applicant(world.branch_a1, secretary_a)
    with pytest.raises(PermissionDenied):
        services.record_step(applicant, "application_talk", plus(applicant.applied_on, 5), by=secretary_b)
    assert len(PATH) > 10


def test_a_step_definition_with_an_unknown_rule_is_refused_in_the_admin(db):
    from django.core.exceptions import ValidationError

    step = StepDefinition.objects.get(code="training")
    step.rules = [*step.rules, {"kind": "after", "step": "no_such_step"}]
    with pytest.raises(ValidationError):
        step.full_clean()
    step.rules = [{"kind": "moon_phase"}]
    with pytest.raises(ValidationError):
        step.full_clean()
    step.rules = [{"kind": "after", "step": "candidate", "min": {"days": 10}}]
    step.full_clean()


def test_the_admin_lists_and_edits_step_definitions(admin_client):
    from django.urls import reverse

    step = StepDefinition.objects.get(code="candidate")
    assert admin_client.get(reverse("admin:development_stepdefinition_changelist")).status_code == 200
    assert (
        admin_client.get(reverse("admin:development_stepdefinition_change", args=[step.pk])).status_code
        == 200
    )
