"""微心愿: 居民点单 → 社区下单 → 党员接单 → fulfilled with proof → confirmed, withdrawal, and every
refusal on the way; staff record a wish for a resident; the member's pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dangjian.core.errors import PermissionDenied, RuleViolation
from dangjian.core.models import AuditEntry
from dangjian.volunteering.choices import WishState
from dangjian.volunteering.lists import services
from dangjian.volunteering.models import Wish
from tests.volunteering.lists.helpers import member_user, wish_a, wish_b


@pytest.fixture
def member(world):
    return member_user(world, "member_a", "周党员")


def test_the_whole_journey_is_audited(secretary_a, member, world):
    wish = services.record_wish(
        by=secretary_a, area=world.grid_a1, title="一个新书包", resident_name="张小明", phone="13900139000"
    )
    assert wish.tracking_code and wish.state == WishState.SUBMITTED
    assert wish.resident.mobile_masked == "139****9000"
    services.publish_wish(wish, by=secretary_a)
    services.claim_wish(wish, by=member)
    assert wish.state == WishState.CLAIMED and wish.claimed_by == member.person
    services.record_fulfilment(wish, by=member, proof="已购买书包并送到家中")
    assert wish.state == WishState.FULFILLED and wish.fulfilled_at
    services.confirm_wish(wish, by_resident=True, note="谢谢")
    assert wish.state == WishState.CONFIRMED and wish.confirmed_at and wish.confirmation_note == "谢谢"
    actions = AuditEntry.objects.filter(object_type="volunteering.wish", object_id=str(wish.pk)).count()
    assert actions == 5


def test_only_staff_in_scope_publish_confirm_and_withdraw(secretary_a, secretary_b, world):
    wish = wish_a(world)
    with pytest.raises(PermissionDenied):
        services.publish_wish(wish, by=secretary_b)
    services.publish_wish(wish, by=secretary_a)
    with pytest.raises(RuleViolation):
        services.publish_wish(wish, by=secretary_a)  # already published
    with pytest.raises(PermissionDenied):
        services.withdraw_wish(wish, by=secretary_b, reason="x")
    with pytest.raises(RuleViolation) as refusal:
        services.withdraw_wish(wish, by=secretary_a, reason="")
    assert refusal.value.field == "reason"
    services.withdraw_wish(wish, by=secretary_a, reason="居民已自行解决")
    assert wish.state == WishState.WITHDRAWN and wish.withdrawal_reason == "居民已自行解决"


def test_only_a_party_member_claims_and_not_twice(secretary_a, member, world):
    wish = wish_a(world, state=WishState.PUBLISHED)
    with pytest.raises(PermissionDenied):
        services.claim_wish(wish, by=secretary_a)  # no membership: staff do not claim
    other = member_user(world, "member_b", "吴党员")
    services.claim_wish(wish, by=member)
    with pytest.raises(RuleViolation) as refusal:
        services.claim_wish(wish, by=other)
    assert refusal.value.rule == "already_claimed"


def test_a_submitted_wish_cannot_be_claimed_and_nobody_claims_their_own(member, world):
    with pytest.raises(RuleViolation):
        services.claim_wish(wish_a(world), by=member)
    own = wish_a(world, state=WishState.PUBLISHED, resident=member.person)
    with pytest.raises(RuleViolation) as refusal:
        services.claim_wish(own, by=member)
    assert refusal.value.rule == "own_wish"


def test_only_the_claimer_records_fulfilment_or_gives_it_back(member, world):
    wish = wish_a(world, state=WishState.PUBLISHED)
    other = member_user(world, "member_b", "吴党员")
    services.claim_wish(wish, by=member)
    with pytest.raises(PermissionDenied):
        services.record_fulfilment(wish, by=other, proof="x")
    with pytest.raises(RuleViolation) as refusal:
        services.record_fulfilment(wish, by=member, proof=" ")
    assert refusal.value.field == "proof"
    services.release_wish(wish, by=member)
    assert wish.state == WishState.PUBLISHED and wish.claimed_by is None
    services.claim_wish(wish, by=other)
    assert wish.claimed_by == other.person


def test_staff_confirm_for_the_resident_only_with_a_note_and_only_when_fulfilled(secretary_a, member, world):
    wish = wish_a(world, state=WishState.PUBLISHED)
    with pytest.raises(RuleViolation):
        services.confirm_wish(wish, by=secretary_a, note="电话回访")  # not fulfilled yet
    services.claim_wish(wish, by=member)
    services.record_fulfilment(wish, by=member, proof="已送达")
    with pytest.raises(RuleViolation) as refusal:
        services.confirm_wish(wish, by=secretary_a, note="")
    assert refusal.value.field == "note"
    services.confirm_wish(wish, by=secretary_a, note="电话回访，居民满意")
    assert wish.state == WishState.CONFIRMED
    with pytest.raises(RuleViolation):
        services.withdraw_wish(wish, by=secretary_a, reason="x")  # delivered: no withdrawal


def test_pages_take_a_wish_from_publication_to_confirmation(client, secretary_a, member, world):
    wish = wish_a(world)
    client.force_login(secretary_a)
    assert (
        client.post(reverse("volunteering:wish_publish", args=[wish.pk]), {"version": 1}).status_code == 302
    )
    client.force_login(member)
    public = client.get(reverse("volunteering:public_wish_list")).content.decode()
    assert wish.title in public and reverse("volunteering:wish_claim", args=[wish.pk]) in public
    assert client.post(reverse("volunteering:wish_claim", args=[wish.pk])).status_code == 302
    mine = client.get(reverse("volunteering:my_wishes")).content.decode()
    assert reverse("volunteering:wish_fulfil", args=[wish.pk]) in mine
    response = client.post(reverse("volunteering:wish_fulfil", args=[wish.pk]), {"proof": "书包已送到"})
    assert response.status_code == 302
    client.force_login(secretary_a)
    response = client.post(reverse("volunteering:wish_confirm", args=[wish.pk]), {"note": "上门回访"})
    assert response.status_code == 302
    assert Wish.objects.get(pk=wish.pk).state == WishState.CONFIRMED


def test_the_claim_page_refuses_a_user_who_is_no_member(client, resident, world):
    wish = wish_a(world, state=WishState.PUBLISHED)
    client.force_login(resident)
    assert client.get(reverse("volunteering:wish_claim", args=[wish.pk])).status_code == 403


def test_someone_elses_claim_is_404_on_the_fulfil_page(client, member, world):
    wish = wish_a(world, state=WishState.PUBLISHED)
    other = member_user(world, "member_b", "吴党员")
    services.claim_wish(wish, by=other)
    client.force_login(member)
    assert client.get(reverse("volunteering:wish_fulfil", args=[wish.pk])).status_code == 404


def test_staff_record_a_wish_on_the_page_and_see_its_code(client, secretary_a, world):
    client.force_login(secretary_a)
    response = client.post(
        reverse("volunteering:wish_create"),
        {
            "title": "一副老花镜",
            "area": world.grid_a1.pk,
            "resident_name": "王奶奶",
            "phone": "139 0013 9001",
        },
        follow=True,
    )
    wish = Wish.objects.get()
    page = response.content.decode()
    assert wish.tracking_code in page and "139****9001" in page and "13900139001" not in page


def test_wish_list_stays_in_scope(client, secretary_a, world):
    wish_a(world, title="甲心愿")
    wish_b(world, title="乙心愿")
    client.force_login(secretary_a)
    page = client.get(reverse("volunteering:wish_list")).content.decode()
    assert "甲心愿" in page and "乙心愿" not in page
    assert client.get(reverse("volunteering:wish_detail", args=[wish_b(world).pk])).status_code == 404
