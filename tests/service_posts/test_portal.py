"""The residents' pages: published posts and agreements without a login, holders and commenters
named masked, no phone anywhere, comments proved by a phone code, limited and moderated, and
messages that reach the holder through the platform."""

from __future__ import annotations

from django.urls import reverse

from dangjian.core.models import Notification
from dangjian.core.registry import portal_links
from dangjian.members.models import PartyMember
from dangjian.service_posts import services
from dangjian.service_posts.models import PostClaim, ResidentNote
from tests.factories import PersonFactory
from tests.portal import sms
from tests.service_posts.helpers import DAY, confirmed, post_at, today

PHONE = "13700001111"


def _holder(world, secretary_a, *, public: bool = True):
    person = PersonFactory(name="张先锋")
    person.mobile = "13912345678"
    person.save()
    member = PartyMember.objects.create(person=person, org=world.branch_a1)
    return confirmed(post_at(world.org_a, "楼道文明引导岗", is_public=public), member, secretary_a)


def _note(client, agreement, kind: str, *, code: str | None = None, text: str = "服务很用心") -> object:
    client.post(reverse("portal:send_code"), {"contact_phone": PHONE}, HTTP_HX_REQUEST="true")
    return client.post(
        reverse(f"service_posts_portal:{kind}", kwargs={"code": agreement.code}),
        {"name": "王芳", "contact_phone": PHONE, "code": code or sms.last_code(PHONE), "text": text},
    )


def test_the_portal_home_links_the_posts_page(client):
    assert "service_posts_portal:post_list" in {link.url_name for link in portal_links()}


def test_the_public_list_shows_posts_and_masked_holders_without_login(client, world, secretary_a):
    _claim, agreement = _holder(world, secretary_a)
    page = client.get(reverse("service_posts_portal:post_list")).content.decode()
    assert "楼道文明引导岗" in page
    assert "张*" in page and "张先锋" not in page
    assert reverse("service_posts_portal:agreement", kwargs={"code": agreement.code}) in page


def test_an_unpublished_post_stays_off_the_portal(client, world, secretary_a):
    _claim, agreement = _holder(world, secretary_a, public=False)
    assert "楼道文明引导岗" not in client.get(reverse("service_posts_portal:post_list")).content.decode()
    url = reverse("service_posts_portal:agreement", kwargs={"code": agreement.code})
    assert client.get(url).status_code == 404


def test_the_agreement_page_shows_duties_and_period_masked_and_without_phone(client, world, secretary_a):
    _claim, agreement = _holder(world, secretary_a)
    page = client.get(
        reverse("service_posts_portal:agreement", kwargs={"code": agreement.code})
    ).content.decode()
    assert agreement.number in page and "每周巡查楼道" in page
    assert "张*" in page and "张先锋" not in page
    assert "13912345678" not in page and "139****5678" not in page


def test_a_comment_with_the_phone_code_is_published_masked(client, world, secretary_a, outbox):
    _claim, agreement = _holder(world, secretary_a)
    response = _note(client, agreement, "comment", text="服务很用心，我的电话13800138000")
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "服务很用心" in page and "王*" in page and "王芳" not in page
    assert "13800138000" not in page
    assert ResidentNote.objects.get().phone_hash  # the phone is kept only as its hash


def test_a_comment_with_a_wrong_code_is_refused(client, world, secretary_a, outbox):
    _claim, agreement = _holder(world, secretary_a)
    response = _note(client, agreement, "comment", code="000000")
    assert response.status_code == 400
    assert not ResidentNote.objects.exists()


def test_a_code_verifies_one_note_only(client, world, secretary_a, outbox):
    _claim, agreement = _holder(world, secretary_a)
    code = None
    client.post(reverse("portal:send_code"), {"contact_phone": PHONE}, HTTP_HX_REQUEST="true")
    code = sms.last_code(PHONE)
    data = {"name": "王芳", "contact_phone": PHONE, "code": code, "text": "第一次"}
    url = reverse("service_posts_portal:comment", kwargs={"code": agreement.code})
    assert client.post(url, data).status_code == 302
    assert client.post(url, {**data, "text": "第二次"}).status_code == 400
    assert ResidentNote.objects.count() == 1


def test_notes_are_rate_limited_per_address(client, world, secretary_a, outbox, settings):
    _claim, agreement = _holder(world, secretary_a)
    url = reverse("service_posts_portal:comment", kwargs={"code": agreement.code})
    data = {"name": "王芳", "contact_phone": PHONE, "code": "000000", "text": "x"}
    statuses = [client.post(url, data).status_code for _ in range(12)]
    assert statuses[-1] == 429


def test_a_hidden_comment_leaves_the_portal(client, world, secretary_a, outbox):
    _claim, agreement = _holder(world, secretary_a)
    _note(client, agreement, "comment", text="不文明用语")
    note = ResidentNote.objects.get()
    client.force_login(secretary_a)
    response = client.post(reverse("service_posts:note_hide", kwargs={"pk": note.pk}), {"reason": "含辱骂"})
    assert response.status_code == 302
    client.logout()
    page = client.get(
        reverse("service_posts_portal:agreement", kwargs={"code": agreement.code})
    ).content.decode()
    assert "不文明用语" not in page


def test_a_message_reaches_the_holder_as_a_notice_and_is_not_published(client, world, secretary_a, outbox):
    from dangjian.accounts.models import User
    from tests.factories import UserFactory

    claim, agreement = _holder(world, secretary_a)
    holder_user = UserFactory(username="holder", person=claim.member.person)
    response = _note(client, agreement, "message", text="3号楼楼道灯坏了")
    assert response.status_code == 302
    notice = Notification.objects.get(user=holder_user, kind="service_posts", body="3号楼楼道灯坏了")
    assert PHONE not in notice.title + notice.body
    page = client.get(response["Location"]).content.decode()
    assert "3号楼楼道灯坏了" not in page
    assert User.objects.filter(pk=holder_user.pk).exists()


def test_the_public_pdf_masks_the_holder(client, world, secretary_a, monkeypatch):
    from django.http import HttpResponse
    from django.template.loader import render_to_string

    _claim, agreement = _holder(world, secretary_a)
    rendered = {}

    def capture(template, context, *, filename, request=None):
        rendered["html"] = render_to_string(template, context, request=request)
        return HttpResponse(b"%PDF-fake", content_type="application/pdf")

    monkeypatch.setattr("dangjian.service_posts.views.pdf_response", capture)
    client.get(reverse("service_posts_portal:agreement_pdf", kwargs={"code": agreement.code}))
    assert "张*" in rendered["html"] and "张先锋" not in rendered["html"]
    assert "13912345678" not in rendered["html"]


def test_the_public_api_lists_current_agreements_masked(client, world, secretary_a):
    _claim, agreement = _holder(world, secretary_a)
    body = client.get(reverse("api:post_public_agreements")).json()
    assert [item["number"] for item in body["items"]] == [agreement.number]
    assert body["items"][0]["holder"] == "张**"
    assert "张先锋" not in str(body) and "139" not in str(body)


def test_a_renewed_agreement_lists_only_its_newest_version(client, world, secretary_a):
    claim, first = _holder(world, secretary_a)
    PostClaim.objects.filter(pk=claim.pk).update(
        ends_on=today() + 20 * DAY, renewal_ends_on=claim.post.ends_on
    )
    second = services.confirm_renewal(claim, by=secretary_a)
    body = client.get(reverse("api:post_public_agreements")).json()
    assert [item["number"] for item in body["items"]] == [second.number]
    old_page = client.get(reverse("service_posts_portal:agreement", kwargs={"code": first.code}))
    assert (
        reverse("service_posts_portal:agreement", kwargs={"code": second.code}) in old_page.content.decode()
    )


def test_the_public_list_costs_the_same_queries_for_3_and_for_12_posts(client, world, secretary_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.service_posts.helpers import member_of

    def fill(start: int, count: int) -> None:
        for index in range(start, start + count):
            confirmed(
                post_at(world.org_a, f"岗{index}"), member_of(world.branch_a1, f"员{index}")[0], secretary_a
            )

    fill(0, 3)
    url = reverse("service_posts_portal:post_list")
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    fill(3, 9)
    with CaptureQueriesContext(connection) as large:
        page = client.get(url)
    assert "岗11" in page.content.decode()
    assert len(large.captured_queries) == len(small.captured_queries)
