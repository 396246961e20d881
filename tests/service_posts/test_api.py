"""The API: a member claims, the community confirms and the agreement comes back; refusals are
4xx with the rule's message; other communities' claims are 404."""

from __future__ import annotations

from django.urls import reverse

from dangjian.service_posts.choices import ClaimState
from dangjian.service_posts.models import PostClaim
from tests.service_posts.helpers import DAY, claimed, member_of, post_at, today


def test_a_member_claims_and_the_secretary_confirms_through_the_api(client, world, secretary_a):
    post = post_at(world.org_a)
    _member, user = member_of(world.branch_a1, "张先锋")
    client.force_login(user)
    response = client.post(reverse("api:post_claim", kwargs={"id": post.pk}), content_type="application/json")
    assert response.status_code == 201, response.content
    claim_id = response.json()["id"]
    mine = client.get(reverse("api:post_claim_list")).json()["items"]
    assert [item["id"] for item in mine] == [claim_id]

    client.force_login(secretary_a)
    agreement = client.post(
        reverse("api:post_claim_confirm", kwargs={"id": claim_id}), content_type="application/json"
    ).json()
    assert agreement["member_name"] == "张先锋"
    assert agreement["version"] == 1
    assert PostClaim.objects.get(pk=claim_id).state == ClaimState.CONFIRMED


def test_a_full_post_answers_400_with_the_rule(client, world):
    post = post_at(world.org_a, places=1)
    claimed(post, member_of(world.branch_a1, "甲")[0])
    _member, user = member_of(world.branch_a1, "乙")
    client.force_login(user)
    response = client.post(reverse("api:post_claim", kwargs={"id": post.pk}), content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"]


def test_another_communitys_claim_is_404(client, world, secretary_b):
    claim = claimed(post_at(world.org_a), member_of(world.branch_a1)[0])
    client.force_login(secretary_b)
    response = client.post(
        reverse("api:post_claim_confirm", kwargs={"id": claim.pk}), content_type="application/json"
    )
    assert response.status_code == 404


def test_renewal_and_withdrawal_through_the_api(client, world, secretary_a):
    post = post_at(world.org_a)
    member, user = member_of(world.branch_a1)
    claim = claimed(post, member, ends_on=today() + 20 * DAY)
    client.force_login(secretary_a)
    client.post(reverse("api:post_claim_confirm", kwargs={"id": claim.pk}), content_type="application/json")

    client.force_login(user)
    renewed = client.post(
        reverse("api:post_claim_renew", kwargs={"id": claim.pk}),
        {"ends_on": (today() + 100 * DAY).isoformat()},
        content_type="application/json",
    ).json()
    assert renewed["renewal_ends_on"] == (today() + 100 * DAY).isoformat()
    client.force_login(secretary_a)
    second = client.post(
        reverse("api:post_renewal_confirm", kwargs={"id": claim.pk}), content_type="application/json"
    ).json()
    assert second["version"] == 2

    client.force_login(user)
    withdrawn = client.post(
        reverse("api:post_claim_withdraw", kwargs={"id": claim.pk}),
        {"reason": "调动"},
        content_type="application/json",
    ).json()
    assert withdrawn["state"] == ClaimState.WITHDRAWN
