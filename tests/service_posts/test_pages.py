"""The staff and member pages: the journey from claim to agreement, refusals, lists at a fixed
number of queries, and what the app adds to 我的, a person's page, the 工作台 and the figures."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse

from dangjian.core.periods import Period
from dangjian.core.registry import get_figure, todos_for
from dangjian.service_posts.choices import ClaimState
from dangjian.service_posts.models import Agreement, PostClaim
from tests.service_posts.helpers import DAY, claimed, confirmed, member_of, post_at, today


def test_a_member_claims_from_the_post_page_and_the_secretary_confirms(client, world, secretary_a):
    post = post_at(world.org_a)
    member, user = member_of(world.branch_a1, "张先锋")

    client.force_login(user)
    page = client.get(reverse("mine:index"))
    assert post.title in page.content.decode()
    response = client.post(reverse("service_posts:post_claim", kwargs={"pk": post.pk}))
    assert response.status_code == 302
    claim = PostClaim.objects.get(post=post, member=member)

    client.force_login(secretary_a)
    detail = client.get(reverse("service_posts:post_detail", kwargs={"pk": post.pk}))
    assert "张先锋" in detail.content.decode()
    client.post(reverse("service_posts:claim_confirm", kwargs={"pk": claim.pk}))

    claim.refresh_from_db()
    assert claim.state == ClaimState.CONFIRMED
    agreement = Agreement.objects.get(claim=claim)
    client.force_login(user)
    mine = client.get(reverse("mine:index")).content.decode()
    assert reverse("service_posts:agreement_pdf", kwargs={"pk": agreement.pk}) in mine


def test_staff_of_another_community_get_404_when_confirming(client, world, secretary_b):
    claim = claimed(post_at(world.org_a), member_of(world.branch_a1)[0])
    client.force_login(secretary_b)
    response = client.post(reverse("service_posts:claim_confirm", kwargs={"pk": claim.pk}))
    assert response.status_code == 404
    claim.refresh_from_db()
    assert claim.state == ClaimState.CLAIMED


def test_a_full_post_tells_the_member_on_the_page(client, world):
    post = post_at(world.org_a, places=1)
    claimed(post, member_of(world.branch_a1, "甲")[0])
    _member, user = member_of(world.branch_a1, "乙")
    client.force_login(user)
    response = client.post(reverse("service_posts:post_claim", kwargs={"pk": post.pk}))
    assert response.status_code == 200
    assert 'class="alert alert-danger"' in response.content.decode()
    assert not PostClaim.objects.filter(member=_member).exists()


def test_a_member_of_another_community_gets_404_on_the_claim_page(client, world):
    post = post_at(world.org_a)
    _member, user = member_of(world.branch_b1)
    client.force_login(user)
    assert client.get(reverse("service_posts:post_claim", kwargs={"pk": post.pk})).status_code == 404


def test_a_member_withdraws_their_own_claim_from_mine(client, world, secretary_a):
    member, user = member_of(world.branch_a1)
    claim, _agreement = confirmed(post_at(world.org_a), member, secretary_a)
    client.force_login(user)
    response = client.post(
        reverse("service_posts:claim_withdraw", kwargs={"pk": claim.pk}), {"reason": "搬家"}
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.state == ClaimState.WITHDRAWN


def test_a_member_cannot_open_someone_elses_claim(client, world, secretary_a):
    claim, _agreement = confirmed(post_at(world.org_a), member_of(world.branch_a1, "甲")[0], secretary_a)
    _other, user = member_of(world.branch_a1, "乙")
    client.force_login(user)
    assert client.get(reverse("service_posts:claim_withdraw", kwargs={"pk": claim.pk})).status_code == 404


def test_declining_without_a_reason_shows_the_form_again(client, world, secretary_a):
    claim = claimed(post_at(world.org_a), member_of(world.branch_a1)[0])
    client.force_login(secretary_a)
    response = client.post(reverse("service_posts:claim_decline", kwargs={"pk": claim.pk}), {"reason": ""})
    assert response.status_code == 200
    claim.refresh_from_db()
    assert claim.state == ClaimState.CLAIMED


def test_a_stale_edit_is_refused_on_the_page(client, world, secretary_a):
    post = post_at(world.org_a)
    client.force_login(secretary_a)
    data = {
        "org": world.org_a.pk,
        "title": "新名字",
        "kind": "service",
        "duties": "职责",
        "starts_on": post.starts_on.isoformat(),
        "ends_on": post.ends_on.isoformat(),
        "places": 2,
        "version": post.version,
    }
    assert client.post(reverse("service_posts:post_edit", kwargs={"pk": post.pk}), data).status_code == 302
    response = client.post(
        reverse("service_posts:post_edit", kwargs={"pk": post.pk}), {**data, "title": "旧"}
    )
    assert response.status_code == 200
    post.refresh_from_db()
    assert post.title == "新名字"


@pytest.mark.parametrize("url_name", ["service_posts:post_list", "service_posts:claim_list"])
def test_lists_cost_the_same_queries_for_3_and_for_30_rows(
    client, world, secretary_a, url_name, django_assert_max_num_queries
):
    def fill(count: int) -> None:
        for index in range(count):
            post = post_at(world.org_a, f"岗{index}")
            claimed(post, member_of(world.branch_a1, f"员{index}")[0])

    client.force_login(secretary_a)
    fill(3)
    client.get(reverse(url_name))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(reverse(url_name))
    fill(27)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse(url_name))


def test_the_post_detail_costs_the_same_for_3_and_for_12_claims(client, world, secretary_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    post = post_at(world.org_a, places=20)
    for index in range(3):
        confirmed(post, member_of(world.branch_a1, f"甲{index}")[0], secretary_a)
    client.force_login(secretary_a)
    url = reverse("service_posts:post_detail", kwargs={"pk": post.pk})
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for index in range(9):
        confirmed(post, member_of(world.branch_a1, f"乙{index}")[0], secretary_a)
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(large.captured_queries) == len(small.captured_queries)


def test_the_agreement_pdf_names_post_duties_period_member_and_platform_contact_but_no_phone(
    client, world, secretary_a, monkeypatch
):
    from dangjian.members.models import PartyMember
    from tests.factories import PersonFactory

    person = PersonFactory(name="张先锋")
    person.mobile = "13912345678"
    person.save()
    member = PartyMember.objects.create(person=person, org=world.branch_a1)
    _claim, agreement = confirmed(post_at(world.org_a, "楼道文明引导岗"), member, secretary_a)
    rendered: dict[str, str] = {}

    def capture(template, context, *, filename, request=None):
        rendered["html"] = render_to_string(template, context, request=request)
        return HttpResponse(b"%PDF-fake", content_type="application/pdf")

    monkeypatch.setattr("dangjian.service_posts.views.pdf_response", capture)
    client.force_login(secretary_a)
    client.get(reverse("service_posts:agreement_pdf", kwargs={"pk": agreement.pk}))

    html = rendered["html"]
    for expected in [
        "领岗协议书",
        "楼道文明引导岗",
        "每周巡查楼道",
        "张先锋",
        world.org_a.name,
        agreement.number,
    ]:
        assert expected in html
    assert f"{agreement.ends_on.year}年" in html
    assert reverse("service_posts_portal:agreement", kwargs={"code": agreement.code}) in html
    assert "13912345678" not in html and "139****5678" not in html


def test_the_agreement_pdf_is_a_real_pdf(client, world, secretary_a):
    _claim, agreement = confirmed(post_at(world.org_a), member_of(world.branch_a1)[0], secretary_a)
    client.force_login(secretary_a)
    response = client.get(reverse("service_posts:agreement_pdf", kwargs={"pk": agreement.pk}))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_the_person_page_shows_the_posts_held(client, world, secretary_a):
    member, _user = member_of(world.branch_a1)
    confirmed(post_at(world.org_a, "助老岗"), member, secretary_a)
    client.force_login(secretary_a)
    page = client.get(reverse("members:person_detail", kwargs={"pk": member.person_id})).content.decode()
    assert 'data-panel="service_posts"' in page and "助老岗" in page


def test_the_workbench_counts_claims_to_confirm_and_agreements_ending_soon(world, secretary_a, secretary_b):
    post = post_at(world.org_a)
    claimed(post, member_of(world.branch_a1, "甲")[0])
    claimed(post, member_of(world.branch_a1, "乙")[0], state=ClaimState.CONFIRMED, ends_on=today() + 10 * DAY)
    claimed(post, member_of(world.branch_a1, "丙")[0], state=ClaimState.CONFIRMED, ends_on=today() + 90 * DAY)

    items = {item.key: item for item in todos_for(secretary_a)}
    assert items["service_posts.waiting"].count == 1
    assert items["service_posts.expiring"].count == 1
    assert "service_posts.waiting" not in {item.key for item in todos_for(secretary_b)}


def test_the_posts_held_figure_counts_confirmed_claims_and_opens_them(client, world, secretary_a):
    post = post_at(world.org_a)
    claimed(post, member_of(world.branch_a1, "甲")[0], state=ClaimState.CONFIRMED)
    claimed(post, member_of(world.branch_a1, "乙")[0])
    claimed(post_at(world.org_b), member_of(world.branch_b1, "丙")[0], state=ClaimState.CONFIRMED)
    figure = get_figure("service_posts.posts_held")
    period = Period(today().replace(month=1, day=1), today() + DAY)

    assert figure.compute(world.org_a, period) == 1
    assert figure.compute(world.street_org, period) == 2
    client.force_login(secretary_a)
    page = client.get(figure.records_url(world.org_a, period)).content.decode()
    assert "甲" in page and "乙" not in page
