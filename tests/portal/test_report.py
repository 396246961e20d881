"""A resident reports a problem without an account: the phone is verified by a code sent by SMS."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from dangjian.portal.models import PhoneVerification
from dangjian.service.choices import RequestSource, RequestState
from dangjian.service.models import RequestPhoto, ServiceRequest
from tests.portal import sms
from tests.portal.conftest import photo
from tests.portal.helpers import PHONE, report, report_data, request_code

pytestmark = pytest.mark.django_db


def test_the_entry_page_offers_to_report_and_to_track(client):
    response = client.get(reverse("portal:index"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "反映问题" in page
    assert reverse("portal:submit") in page
    assert reverse("portal:track_lookup") in page
    assert "dj-navbar" not in page  # no staff menu


def test_the_report_form_offers_only_public_active_leaf_categories(client, service_world):
    page = client.get(reverse("portal:submit")).content.decode()

    assert "垃圾清运" in page and "路灯维修" in page
    assert 'optgroup label="市容环境"' in page
    assert "独居老人紧急求助" not in page  # not public
    assert f'value="{service_world.parent.pk}"' not in page  # not a leaf
    assert 'capture="environment"' in page and 'accept="image/*"' in page


def test_a_code_is_sent_and_stored_hashed(client, world, outbox):
    response = request_code(client)

    assert response.status_code == 200
    assert "139****5678" in response.content.decode()
    code = sms.last_code(PHONE)
    verification = PhoneVerification.objects.get()
    assert code not in verification.code_hash and PHONE not in verification.phone_hash
    assert verification.expires_at - verification.created_at == datetime.timedelta(minutes=10)


def test_a_wrong_phone_number_gets_no_code(client, world, outbox):
    response = request_code(client, "1234")

    assert "手机号" in response.content.decode()
    assert outbox == [] and not PhoneVerification.objects.exists()


def test_resident_reports_with_the_right_code_and_gets_a_tracking_code(client, service_world, outbox, media):
    response = report(
        client,
        service_world.garbage,
        area=str(service_world_grid(service_world).pk),
        photos=[photo("a.jpg"), photo("b.jpg")],
    )

    created = ServiceRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:submitted", args=[created.tracking_code])
    assert created.source == RequestSource.PORTAL
    assert created.phone_verified is True
    assert created.state == RequestState.REPORTED
    assert created.contact_phone_masked == "139****5678"
    assert created.reported_by is None
    assert RequestPhoto.objects.filter(request=created).count() == 2
    assert PhoneVerification.objects.get().used_at is not None

    page = client.get(response["Location"]).content.decode()
    assert created.tracking_code in page
    assert "查询编号" in page
    assert reverse("portal:track", args=[created.tracking_code]) in page


def service_world_grid(service_world):
    from dangjian.orgs.models import Area

    return Area.objects.get(name="幸福社区第一网格")


def test_the_grid_is_found_from_the_browser_location(client, world, service_world, outbox):
    report(client, service_world.garbage, latitude="39.905000", longitude="116.405000")

    assert ServiceRequest.objects.get().area == world.grid_a1


def test_a_place_outside_every_grid_is_refused_with_a_message(client, service_world, outbox):
    response = report(client, service_world.garbage, latitude="31.230000", longitude="121.470000")

    assert response.status_code == 200
    # The service's message (translated by the service's catalog entries).
    message = gettext("The place is not inside any grid; choose the grid or mark the place on the map.")
    assert message in response.content.decode()
    assert not ServiceRequest.objects.exists()


def test_a_report_without_any_place_asks_for_location_grid_or_address(client, service_world, outbox):
    response = report(client, service_world.garbage, address="")

    message = gettext(
        "Please use your location, choose the grid or give the address, so we know where the problem is."
    )
    assert message in response.content.decode()
    assert not ServiceRequest.objects.exists()


def test_a_wrong_code_is_refused_and_counted(client, world, service_world, outbox):
    request_code(client)
    right = sms.last_code(PHONE)
    wrong = "000000" if right != "000000" else "111111"

    response = client.post(
        reverse("portal:submit"), report_data(service_world.garbage, code=wrong, area=str(world.grid_a1.pk))
    )

    assert response.status_code == 200
    assert "验证码不正确" in response.content.decode()
    assert not ServiceRequest.objects.exists()
    assert PhoneVerification.objects.get().attempts == 1


def test_an_expired_code_is_refused(client, world, service_world, outbox):
    request_code(client)
    PhoneVerification.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))

    response = client.post(
        reverse("portal:submit"),
        report_data(service_world.garbage, code=sms.last_code(PHONE), area=str(world.grid_a1.pk)),
    )

    assert "验证码已过期" in response.content.decode()
    assert not ServiceRequest.objects.exists()


def test_after_five_wrong_codes_even_the_right_one_is_refused(client, world, service_world, outbox):
    request_code(client)
    right = sms.last_code(PHONE)
    wrong = "000000" if right != "000000" else "111111"
    for _attempt in range(5):
        client.post(
            reverse("portal:submit"),
            report_data(service_world.garbage, code=wrong, area=str(world.grid_a1.pk)),
        )

    response = client.post(
        reverse("portal:submit"), report_data(service_world.garbage, code=right, area=str(world.grid_a1.pk))
    )

    assert "错误次数过多" in response.content.decode()
    assert not ServiceRequest.objects.exists()


def test_a_code_verifies_one_report_only(client, world, service_world, outbox):
    request_code(client)
    code = sms.last_code(PHONE)
    data = report_data(service_world.garbage, code=code, area=str(world.grid_a1.pk))
    client.post(reverse("portal:submit"), data)

    response = client.post(reverse("portal:submit"), data)

    assert response.status_code == 200
    assert ServiceRequest.objects.count() == 1


def test_a_category_that_is_not_public_cannot_be_chosen(client, world, service_world, outbox):
    response = report(client, service_world.elderly, area=str(world.grid_a1.pk))

    assert response.status_code == 200
    assert not ServiceRequest.objects.exists()
    assert "elderly" not in response.content.decode()


def test_a_photo_over_the_size_limit_is_refused_with_its_size(client, world, service_world, outbox, settings):
    settings.SERVICE_PHOTO_MAX_BYTES = 500

    response = report(
        client, service_world.garbage, area=str(world.grid_a1.pk), photos=[photo("big.jpg", (400, 400))]
    )

    page = response.content.decode()
    assert "big.jpg" in page and "MB" in page
    assert not ServiceRequest.objects.exists()


def test_a_file_that_is_no_photo_undoes_the_report(client, world, service_world, outbox, media):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = report(
        client,
        service_world.garbage,
        area=str(world.grid_a1.pk),
        photos=[SimpleUploadedFile("notes.jpg", b"not an image", content_type="image/jpeg")],
    )

    assert "notes.jpg" in response.content.decode()
    assert not ServiceRequest.objects.exists()
    assert PhoneVerification.objects.get().used_at is None  # the code can still be used
