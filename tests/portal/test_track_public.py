"""The portal's status page opens with the tracking code alone, so it follows the public rules:
no phone or ID number in any text, the community instead of the street address, and for a
private category's request nothing but its progress."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from dangjian.service import services
from dangjian.service.choices import RequestState
from dangjian.service.models import ServiceRequest
from tests.service import planted
from tests.service.planted import leaks, plant, plant_both, resolve

pytestmark = pytest.mark.django_db


def track(client, request_obj) -> str:
    response = client.get(reverse("portal:track", args=[request_obj.tracking_code]))
    assert response.status_code == 200
    return response.content.decode()


def test_a_new_public_request_shows_its_text_redacted_and_its_community(client, world, service_world):
    request_obj = plant(world, service_world)

    page = track(client, request_obj)

    assert leaks(page) == []
    assert "楼下垃圾桶满了三天没人清运，请联系 *** 或座机 ***，我的身份证号 ***。" in page
    assert world.community_a.name in page
    assert "垃圾清运" in page
    assert world.grid_a1.name not in page


def test_a_resolved_request_shows_its_result_redacted(client, world, service_world, secretary_a, handler_a1):
    request_obj = resolve(plant(world, service_world), world, secretary_a, handler_a1)

    page = track(client, request_obj)

    assert "已处理完毕，请联系 *** 或座机 ***，我的身份证号 ***。" in page
    assert leaks(page) == []


def test_a_rejection_reason_and_the_reopened_timeline_are_redacted(
    client, world, service_world, secretary_a, handler_a1
):
    rejected = plant(world, service_world)
    services.reject_request(rejected, by=secretary_a, reason=f"重复上报，请拨打{planted.LANDLINE}咨询")
    assert leaks(track(client, rejected)) == []
    assert "重复上报，请拨打***咨询" in track(client, rejected)

    # Reopened after 办结: the earlier result is on the timeline, not on the status card.
    reopened = resolve(plant(world, service_world), world, secretary_a, handler_a1)
    services.reopen_request(reopened, by=secretary_a, reason="居民反映问题仍在")
    page = track(client, reopened)
    assert "已处理完毕，请联系 ***" in page
    assert leaks(page) == []


def test_the_residents_own_rating_comment_is_redacted(client, world, service_world, secretary_a, handler_a1):
    request_obj = resolve(plant(world, service_world), world, secretary_a, handler_a1)
    ServiceRequest.objects.filter(pk=request_obj.pk).update(
        state=RequestState.RATED,
        rating_level="satisfied",
        rated_at=timezone.now(),
        rating_comment=f"很满意，有事打我电话{planted.MOBILE}",
    )

    page = track(client, request_obj)

    assert "很满意，有事打我电话***" in page
    assert leaks(page) == []


def test_a_private_category_request_shows_its_progress_and_nothing_of_its_content(
    client, world, service_world, secretary_a, handler_a1
):
    both = plant_both(world, service_world)
    resolve(both.private, world, secretary_a, handler_a1)

    page = track(client, both.private)

    assert leaks(page) == []
    for hidden in (planted.PRIVATE_MARK, "邻里纠纷", "矛盾纠纷", world.community_a.name):
        assert hidden not in page, hidden
    assert 'id="request-private"' in page
    assert "已办结" in page  # the resident still follows it
    # What the resident is owed, redacted: the result.
    assert "已处理完毕，请联系 ***" in page


def test_the_public_request_page_never_names_the_private_one(client, world, service_world):
    both = plant_both(world, service_world)

    page = track(client, both.public)

    assert both.private.tracking_code not in page
    assert planted.PRIVATE_MARK not in page
    assert 'id="request-private"' not in page


def test_a_nul_character_in_a_tracking_code_answers_404_not_500(client, world):
    assert client.get(reverse("portal:track", args=["AB\u0000CD"])).status_code == 404


def test_the_rating_page_of_a_private_request_does_not_name_its_category(
    client, world, service_world, secretary_a, handler_a1
):
    """The rating page also opens with the code alone (it then asks for the proof)."""
    both = plant_both(world, service_world)
    resolve(both.private, world, secretary_a, handler_a1)
    resolve(both.public, world, secretary_a, handler_a1)

    private_page = client.get(reverse("portal:rate", args=[both.private.tracking_code])).content.decode()
    public_page = client.get(reverse("portal:rate", args=[both.public.tracking_code])).content.decode()

    assert both.private.category.name not in private_page
    assert both.public.category.name in public_page
