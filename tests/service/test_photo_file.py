"""Request photos are served through a scoped view: staff who see the request get the JPEG, others 404."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from dangjian.service import services
from tests.service.conftest import file_request


def _upload() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "blue").save(buffer, format="JPEG")
    return SimpleUploadedFile("photo.jpg", buffer.getvalue(), content_type="image/jpeg")


def test_a_request_photo_is_served_only_to_staff_who_see_the_request(
    client, service_world, world, secretary_a, secretary_b
):
    request_obj = file_request(world, service_world.garbage)
    photo = services.add_photo(request_obj, upload=_upload(), system=True)
    url = reverse("service:photo_file", args=[photo.pk])

    client.force_login(secretary_a)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"
    page = client.get(reverse("service:request_detail", args=[request_obj.pk]))
    assert url in page.content.decode()
    assert "/media/" not in page.content.decode()

    client.force_login(secretary_b)
    assert client.get(url).status_code == 404
