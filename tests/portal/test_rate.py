"""The resident rates a resolved request once (好差评), proven by what only their phone receives:
the one-time link of the rating invitation, or a code sent on request. Staff never can.

满意率 scores organizations, so these tests plant the attacks seen in the walk: a department
handler and a secretary who know the tracking code and the phone number try to rate.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from dangjian.accounts.choices import BuiltinRole
from dangjian.core.errors import PermissionDenied
from dangjian.service import services
from dangjian.service.choices import FollowUpState, RequestState
from dangjian.service.models import RatingLevel, RatingProof
from tests.factories import UserFactory, assign
from tests.portal import sms
from tests.service.conftest import file_request, resolved_request

pytestmark = pytest.mark.django_db

PHONE = "13800138000"  # the phone ``file_request`` reports with


def levels() -> tuple[RatingLevel, RatingLevel]:
    good = RatingLevel.objects.filter(is_bad=False).order_by("order").first()
    bad = RatingLevel.objects.filter(is_bad=True).order_by("order").first()
    return good, bad


def rate_url(request_obj) -> str:
    return reverse("portal:rate", args=[request_obj.tracking_code])


def invited(world, service_world, secretary, handler) -> tuple:
    """A resolved request whose resident received the worker's invitation: (request, token)."""
    request_obj = resolved_request(world, service_world, secretary, handler)
    assert services.invite_rating(request_obj)
    return request_obj, sms.last_rating_token(PHONE)


def rate(client, request_obj, level: RatingLevel, proof: str, comment: str = ""):
    return client.post(rate_url(request_obj), {"level": level.code, "comment": comment, "proof": proof})


def test_the_invitation_link_carries_a_one_time_token_and_only_its_hash_is_stored(
    client, world, service_world, secretary_a, handler_a1, outbox
):
    request_obj, token = invited(world, service_world, secretary_a, handler_a1)

    assert len(token) >= 30
    assert f"{rate_url(request_obj)}?t={token}" in outbox[-1][1]
    proof = RatingProof.objects.get(request=request_obj)
    assert token not in proof.secret_hash and proof.kind == RatingProof.Kind.LINK
    assert proof.expires_at > timezone.now() + datetime.timedelta(days=7)


def test_the_resident_rates_once_with_the_link(client, world, service_world, secretary_a, handler_a1, outbox):
    request_obj, token = invited(world, service_world, secretary_a, handler_a1)
    good, bad = levels()

    page = client.get(f"{rate_url(request_obj)}?t={token}").content.decode()
    assert f'name="proof" value="{token}"' in page
    for level in RatingLevel.objects.filter(is_active=True):
        assert level.name in page
    response = rate(client, request_obj, good, token, comment="处理很快")

    assert response.status_code == 302
    request_obj.refresh_from_db()
    assert request_obj.state == RequestState.RATED and request_obj.rating_level == good.code
    assert request_obj.follow_up_state == FollowUpState.NONE
    assert good.name in client.get(response["Location"]).content.decode()
    # The link works once: the second use changes nothing.
    again = rate(client, request_obj, bad, token)
    assert "已评价" in again.content.decode()
    request_obj.refresh_from_db()
    assert request_obj.rating_level == good.code


def test_the_resident_without_the_link_rates_with_a_code_sent_to_the_phone(
    client, world, service_world, secretary_a, handler_a1, outbox
):
    request_obj = resolved_request(world, service_world, secretary_a, handler_a1)
    good, _bad = levels()

    page = client.get(rate_url(request_obj)).content.decode()
    assert reverse("portal:rate_code", args=[request_obj.tracking_code]) in page
    assert "138****8000" in page and PHONE not in page
    sent = client.post(reverse("portal:rate_code", args=[request_obj.tracking_code]), HTTP_HX_REQUEST="true")
    assert sent.status_code == 200 and "138****8000" in sent.content.decode()
    code = sms.last_code(PHONE)

    response = rate(client, request_obj, good, code)

    assert response.status_code == 302
    request_obj.refresh_from_db()
    assert request_obj.state == RequestState.RATED


def test_knowing_the_tracking_code_and_the_phone_number_is_not_enough(
    client, world, service_world, secretary_a, handler_a1, outbox
):
    request_obj, _token = invited(world, service_world, secretary_a, handler_a1)
    _good, bad = levels()

    for guess in ("8000", PHONE, "138000"):
        response = rate(client, request_obj, bad, guess)
        assert response.status_code == 200
        assert "phone_last4" not in response.content.decode()

    request_obj.refresh_from_db()
    assert request_obj.rated_at is None


@pytest.mark.parametrize("persona", ["department_user", "secretary_a"])
def test_staff_cannot_rate_even_with_the_code_the_phone_and_a_valid_link(
    client, world, service_world, secretary_a, handler_a1, department_user, outbox, persona
):
    staff = {"department_user": department_user, "secretary_a": secretary_a}[persona]
    # As in the walk: the department handler tries to rate the request its own department handled.
    handler = department_user if persona == "department_user" else handler_a1
    request_obj = file_request(world, service_world.garbage)
    services.accept_request(request_obj, by=secretary_a)
    if persona == "department_user":
        services.dispatch_request(request_obj, by=secretary_a, handler_department=service_world.department)
    else:
        services.dispatch_request(request_obj, by=secretary_a)
    services.start_handling(request_obj, by=handler)
    services.report_result(request_obj, by=handler, resolution="已处理")
    services.approve_result(request_obj, by=secretary_a)
    services.invite_rating(request_obj)
    token = sms.last_rating_token(PHONE)
    good, _bad = levels()
    client.force_login(staff)

    page = client.get(f"{rate_url(request_obj)}?t={token}")
    posted = rate(client, request_obj, good, token)
    code_request = client.post(reverse("portal:rate_code", args=[request_obj.tracking_code]))

    assert page.status_code == posted.status_code == code_request.status_code == 403
    assert 'name="level"' not in page.content.decode()
    messages_sent = len(outbox)
    request_obj.refresh_from_db()
    assert request_obj.rated_at is None and len(outbox) == messages_sent
    with pytest.raises(PermissionDenied) as refusal:
        services.rate_request(request_obj, level=good.code, proof=token, by=staff)
    assert refusal.value.rule == "rate.staff"
    # The resident, signed out, still can with the same link.
    client.logout()
    assert rate(client, request_obj, good, token).status_code == 302


def test_a_party_member_with_an_account_rates_like_any_resident(
    client, world, service_world, secretary_a, handler_a1, outbox
):
    member = UserFactory(username="member_resident")
    assign(member, BuiltinRole.PARTY_MEMBER, world.branch_a1)
    request_obj, token = invited(world, service_world, secretary_a, handler_a1)
    good, _bad = levels()
    client.force_login(member)

    assert rate(client, request_obj, good, "123456").status_code == 200
    assert rate(client, request_obj, good, token).status_code == 302


def test_an_expired_link_is_refused(client, world, service_world, secretary_a, handler_a1, outbox):
    request_obj, token = invited(world, service_world, secretary_a, handler_a1)
    RatingProof.objects.filter(request=request_obj).update(expires_at=timezone.now())
    good, _bad = levels()

    response = rate(client, request_obj, good, token)

    assert response.status_code == 200
    request_obj.refresh_from_db()
    assert request_obj.rated_at is None


def test_a_request_not_yet_resolved_cannot_be_rated(client, world, service_world):
    request_obj = file_request(world, service_world.garbage)
    good, _bad = levels()

    response = rate(client, request_obj, good, "123456")

    assert "办结后" in response.content.decode()
    request_obj.refresh_from_db()
    assert request_obj.rated_at is None


def test_a_bad_rating_opens_a_follow_up(client, world, service_world, secretary_a, handler_a1, outbox):
    request_obj, token = invited(world, service_world, secretary_a, handler_a1)
    _good, bad = levels()

    rate(client, request_obj, bad, token, comment="垃圾只清了一半")

    request_obj.refresh_from_db()
    assert request_obj.rating_is_bad is True
    assert request_obj.follow_up_state == "open"


def test_no_interface_offers_staff_a_rating_path(client, world, service_world, secretary_a, handler_a1):
    from dangjian.service.api import ACTION_CALLS
    from dangjian.service.open311_urls import urlpatterns as open311_patterns

    request_obj = resolved_request(world, service_world, secretary_a, handler_a1)
    client.force_login(secretary_a)

    assert "rate" not in ACTION_CALLS
    assert not any("rat" in str(pattern.pattern) for pattern in open311_patterns)
    api = client.post(
        f"/api/v1/service/requests/{request_obj.pk}/rate",
        {"level": "very_satisfied"},
        content_type="application/json",
    )
    assert api.status_code in (404, 422)
    request_obj.refresh_from_db()
    assert request_obj.rated_at is None
