"""Service posts through the services: claiming, places, the community's decision, renewal,
withdrawal, expiry, post edits and residents' notes."""

from __future__ import annotations

import pytest

from dangjian.core.errors import ConcurrentChange, PermissionDenied, RuleViolation
from dangjian.core.models import AuditEntry, Notification
from dangjian.dual_reporting.models import MemberReport
from dangjian.service_posts import services
from dangjian.service_posts.choices import ClaimState, PostState
from dangjian.service_posts.models import Agreement, PostClaim, ResidentNote
from dangjian.service_posts.tasks import expire_post_claims
from tests.service_posts.helpers import DAY, claimed, confirmed, member_of, post_at, today


def test_a_member_of_the_organization_claims_a_post_for_themself(world, secretary_a):
    post = post_at(world.org_a)
    member, user = member_of(world.branch_a1)

    claim = services.claim_post(post, by=user)

    assert claim.state == ClaimState.CLAIMED
    assert claim.member == member
    assert claim.ends_on == post.ends_on
    assert AuditEntry.objects.filter(object_type="service_posts.postclaim", object_id=str(claim.pk)).exists()
    notice = Notification.objects.get(kind="service_posts", org_path=world.org_a.path)
    assert notice.permission == "service_posts.change_postclaim"


def test_someone_who_is_not_a_party_member_cannot_claim(world, resident):
    post = post_at(world.org_a)
    with pytest.raises(PermissionDenied):
        services.claim_post(post, by=resident)


def test_a_member_of_another_community_is_refused(world):
    post = post_at(world.org_a)
    _member, user = member_of(world.branch_b1)
    with pytest.raises(RuleViolation) as refusal:
        services.claim_post(post, by=user)
    assert refusal.value.rule == "not_eligible"


def test_a_member_reported_to_the_community_may_claim_its_posts(world):
    post = post_at(world.org_a)
    member, user = member_of(world.branch_b1)
    MemberReport.objects.create(member=member, community=world.community_a, reported_on=today() - 5 * DAY)

    claim = services.claim_post(post, by=user)

    assert claim.post == post


def test_a_post_takes_no_more_claims_than_places(world):
    post = post_at(world.org_a, places=1)
    services.claim_post(post, by=member_of(world.branch_a1, "甲")[1])
    with pytest.raises(RuleViolation) as refusal:
        services.claim_post(post, by=member_of(world.branch_a1, "乙")[1])
    assert refusal.value.rule == "places_full"


def test_a_member_cannot_claim_the_same_post_twice(world):
    post = post_at(world.org_a)
    _member, user = member_of(world.branch_a1)
    services.claim_post(post, by=user)
    with pytest.raises(RuleViolation) as refusal:
        services.claim_post(post, by=user)
    assert refusal.value.rule == "double_claim"


def test_a_closed_post_takes_no_claims(world, secretary_a):
    post = services.close_post(post_at(world.org_a), by=secretary_a)
    assert post.state == PostState.CLOSED
    with pytest.raises(RuleViolation) as refusal:
        services.claim_post(post, by=member_of(world.branch_a1)[1])
    assert refusal.value.rule == "post_closed"


def test_the_community_confirms_and_the_agreement_is_issued(world, secretary_a):
    post = post_at(world.org_a)
    _member, user = member_of(world.branch_a1, "张先锋")
    claim = services.claim_post(post, by=user)

    agreement = services.confirm_claim(claim, by=secretary_a)

    claim.refresh_from_db()
    assert claim.state == ClaimState.CONFIRMED
    assert claim.decided_by == secretary_a
    assert agreement.version == 1
    assert agreement.member_name == "张先锋"
    assert agreement.post_title == post.title
    assert agreement.org_name == world.org_a.name
    assert agreement.number.startswith(f"LG{today():%Y}")
    assert Notification.objects.filter(user=user, kind="service_posts").exists()


def test_staff_of_another_community_cannot_confirm(world, secretary_b):
    claim = claimed(post_at(world.org_a), member_of(world.branch_a1)[0])
    with pytest.raises(PermissionDenied):
        services.confirm_claim(claim, by=secretary_b)
    claim.refresh_from_db()
    assert claim.state == ClaimState.CLAIMED


def test_a_member_cannot_confirm_their_own_claim(world):
    post = post_at(world.org_a)
    _member, user = member_of(world.branch_a1)
    claim = services.claim_post(post, by=user)
    with pytest.raises(PermissionDenied):
        services.confirm_claim(claim, by=user)


def test_declining_needs_a_reason_and_frees_the_place(world, secretary_a):
    post = post_at(world.org_a, places=1)
    claim = claimed(post, member_of(world.branch_a1, "甲")[0])
    with pytest.raises(RuleViolation):
        services.decline_claim(claim, by=secretary_a, reason=" ")

    services.decline_claim(claim, by=secretary_a, reason="该岗位需熟悉小区情况")

    claim.refresh_from_db()
    assert claim.state == ClaimState.DECLINED
    assert claim.reason == "该岗位需熟悉小区情况"
    services.claim_post(post, by=member_of(world.branch_a1, "乙")[1])


def test_a_confirmed_claim_cannot_be_confirmed_again(world, secretary_a):
    claim, _agreement = confirmed(post_at(world.org_a), member_of(world.branch_a1)[0], secretary_a)
    with pytest.raises(RuleViolation) as refusal:
        services.confirm_claim(claim, by=secretary_a)
    assert refusal.value.rule == "claim_state"


def test_the_member_withdraws_with_a_reason(world, secretary_a):
    member, user = member_of(world.branch_a1)
    claim, _agreement = confirmed(post_at(world.org_a), member, secretary_a)

    services.withdraw_claim(claim, by=user, reason="工作调动")

    claim.refresh_from_db()
    assert claim.state == ClaimState.WITHDRAWN
    assert claim.ended_on == today()
    entry = AuditEntry.objects.filter(object_type="service_posts.postclaim", object_id=str(claim.pk)).latest(
        "pk"
    )
    assert "工作调动" in entry.note


def test_the_organization_withdraws_a_holder_and_tells_them(world, secretary_a):
    member, user = member_of(world.branch_a1)
    claim, _agreement = confirmed(post_at(world.org_a), member, secretary_a)

    services.withdraw_claim(claim, by=secretary_a, reason="长期未履职")

    claim.refresh_from_db()
    assert claim.state == ClaimState.WITHDRAWN
    assert Notification.objects.filter(user=user, title__contains="长期未履职").exists()


def test_someone_else_cannot_withdraw_a_member(world, secretary_a):
    claim, _agreement = confirmed(post_at(world.org_a), member_of(world.branch_a1)[0], secretary_a)
    _other, other_user = member_of(world.branch_a1, "旁人")
    with pytest.raises(PermissionDenied):
        services.withdraw_claim(claim, by=other_user, reason="x")


def test_a_renewal_is_confirmed_with_a_new_agreement_version(world, secretary_a):
    post = post_at(world.org_a, ends_on=today() + 700 * DAY)
    member, user = member_of(world.branch_a1)
    claim = claimed(post, member, ends_on=today() + 20 * DAY)
    first = services.confirm_claim(claim, by=secretary_a)

    services.request_renewal(claim, by=user, ends_on=today() + 385 * DAY)
    second = services.confirm_renewal(claim, by=secretary_a)

    claim.refresh_from_db()
    assert claim.ends_on == today() + 385 * DAY
    assert claim.renewal_ends_on is None
    assert second.version == 2
    assert second.starts_on == today() + 21 * DAY
    assert second.ends_on == claim.ends_on
    assert second.number != first.number and second.code != first.code
    assert Agreement.objects.filter(claim=claim).count() == 2


def test_a_renewal_cannot_run_past_the_post(world, secretary_a):
    member, user = member_of(world.branch_a1)
    post = post_at(world.org_a)
    claim = claimed(post, member, ends_on=today() + 20 * DAY)
    services.confirm_claim(claim, by=secretary_a)
    with pytest.raises(RuleViolation) as refusal:
        services.request_renewal(claim, by=user, ends_on=post.ends_on + DAY)
    assert refusal.value.rule == "renewal_past_post"


def test_a_declined_renewal_leaves_the_holder_in_place(world, secretary_a):
    member, user = member_of(world.branch_a1)
    claim = claimed(post_at(world.org_a), member, ends_on=today() + 20 * DAY)
    services.confirm_claim(claim, by=secretary_a)
    services.request_renewal(claim, by=user, ends_on=today() + 200 * DAY)

    services.decline_claim(claim, by=secretary_a, reason="岗位明年调整")

    claim.refresh_from_db()
    assert claim.state == ClaimState.CONFIRMED
    assert claim.renewal_ends_on is None


def test_the_expiry_job_expires_past_claims_once_and_notifies(world, secretary_a):
    post = post_at(world.org_a, starts_on=today() - 100 * DAY)
    member, user = member_of(world.branch_a1)
    past = claimed(post, member, state=ClaimState.CONFIRMED, ends_on=today() - DAY)
    running = claimed(post, member_of(world.branch_a1, "乙")[0], state=ClaimState.CONFIRMED)

    assert expire_post_claims.call() == 1
    assert expire_post_claims.call() == 0

    past.refresh_from_db()
    running.refresh_from_db()
    assert past.state == ClaimState.EXPIRED and past.ended_on == today() - DAY
    assert running.state == ClaimState.CONFIRMED
    assert Notification.objects.filter(user=user, kind="service_posts").count() == 1


def test_an_edit_from_a_stale_form_is_refused(world, secretary_a):
    post = post_at(world.org_a)
    services.update_post(post, by=secretary_a, version=post.version, title="新标题")
    with pytest.raises(ConcurrentChange):
        services.update_post(post, by=secretary_a, version=1, title="旧表单")


def test_places_cannot_drop_below_the_holders(world, secretary_a):
    post = post_at(world.org_a, places=2)
    claimed(post, member_of(world.branch_a1, "甲")[0])
    claimed(post, member_of(world.branch_a1, "乙")[0], state=ClaimState.CONFIRMED)
    with pytest.raises(RuleViolation) as refusal:
        services.update_post(post, by=secretary_a, version=post.version, places=1)
    assert refusal.value.rule == "places_below_holders"


def test_staff_of_another_community_cannot_set_up_a_post_here(world, secretary_b):
    with pytest.raises(PermissionDenied):
        services.create_post(
            by=secretary_b, org=world.org_a, title="岗", duties="职责", starts_on=today(), ends_on=today()
        )


def test_a_resident_note_loses_phone_numbers_and_a_message_reaches_the_holder(world, secretary_a):
    member, user = member_of(world.branch_a1)
    _claim, agreement = confirmed(post_at(world.org_a), member, secretary_a)

    comment = services.leave_note(
        agreement,
        kind=ResidentNote.COMMENT,
        author_name="王芳",
        phone_hash="h",
        text="很负责，电话13800138000",
    )
    services.leave_note(
        agreement, kind=ResidentNote.MESSAGE, author_name="王芳", phone_hash="h", text="楼道灯坏了"
    )

    assert "13800138000" not in comment.text
    notice = Notification.objects.filter(user=user, body="楼道灯坏了").get()
    assert "王*" in notice.title


def test_staff_hide_a_comment_with_a_reason(world, secretary_a, secretary_b):
    _claim, agreement = confirmed(post_at(world.org_a), member_of(world.branch_a1)[0], secretary_a)
    note = services.leave_note(
        agreement, kind=ResidentNote.COMMENT, author_name="王芳", phone_hash="h", text="不文明用语"
    )
    with pytest.raises(PermissionDenied):
        services.hide_note(note, by=secretary_b, reason="辱骂")

    services.hide_note(note, by=secretary_a, reason="辱骂")

    note.refresh_from_db()
    assert note.is_hidden and note.hidden_reason == "辱骂" and note.hidden_by == secretary_a


def test_names_are_masked_after_the_first_character():
    assert services.masked_name("张三") == "张*"
    assert services.masked_name("欧阳娜娜") == "欧***"
    assert services.masked_name("李") == "李*"


def test_claimable_posts_are_those_of_the_members_organizations_and_reported_community(world):
    own = post_at(world.org_a, "本社区岗")
    post_at(world.org_b, "别社区岗")
    member, _user = member_of(world.branch_a1)
    assert list(services.claimable_posts(member)) == [own]
    PostClaim.objects.create(post=own, member=member, starts_on=own.starts_on, ends_on=own.ends_on)
    assert list(services.claimable_posts(member)) == []
