"""Photos from phone cameras: resized, EXIF location kept only in the photo's fields, size and type checked."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from PIL.TiffImagePlugin import IFDRational

from dangjian.core.errors import RuleViolation
from dangjian.service import services
from dangjian.service.choices import PhotoKind
from dangjian.service.models import RequestPhoto
from tests.service.conftest import file_request

GPS_IFD = 0x8825


def jpeg_bytes(width: int = 3200, height: int = 2400, *, gps: bool = True) -> bytes:
    """A camera-like JPEG; with ``gps``, EXIF says 39°54'18"N 116°24'36"E (39.905, 116.41)."""
    image = Image.new("RGB", (width, height), (200, 80, 40))
    exif = Image.Exif()
    if gps:
        exif.get_ifd(GPS_IFD).update(
            {
                1: "N",
                2: (IFDRational(39), IFDRational(54), IFDRational(18)),
                3: "E",
                4: (IFDRational(116), IFDRational(24), IFDRational(36)),
            }
        )
    output = io.BytesIO()
    image.save(output, format="JPEG", exif=exif)
    return output.getvalue()


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def request_obj(world, service_world):
    return file_request(world, service_world.garbage)


def test_a_large_camera_photo_is_resized_and_its_location_kept_only_in_fields(request_obj, handler_a1):
    upload = SimpleUploadedFile("IMG_0001.jpg", jpeg_bytes(), content_type="image/jpeg")

    photo = services.add_photo(request_obj, upload=upload, kind=PhotoKind.RESULT, system=True)

    assert max(photo.width, photo.height) == 1600
    assert (photo.width, photo.height) == (1600, 1200)
    assert photo.exif_latitude == Decimal("39.905")
    assert photo.exif_longitude == Decimal("116.41")
    with photo.image.open("rb") as stored:
        image = Image.open(io.BytesIO(stored.read()))
        assert image.size == (1600, 1200)
        assert not image.getexif().get_ifd(GPS_IFD), "the stored file must not carry the location"
    assert photo.kind == PhotoKind.RESULT
    event = request_obj.events.order_by("-id").first()
    assert (event.action, event.by_name, event.data) == ("photo", "居民", {"kind": "result"})


def test_a_small_photo_without_location_is_kept_at_its_size(request_obj, secretary_a):
    upload = SimpleUploadedFile("small.jpg", jpeg_bytes(800, 600, gps=False), content_type="image/jpeg")

    photo = services.add_photo(request_obj, upload=upload, by=secretary_a)

    assert (photo.width, photo.height) == (800, 600)
    assert photo.exif_latitude is None and photo.exif_longitude is None
    assert photo.uploaded_by == secretary_a


def test_a_photo_over_10_mb_is_refused(request_obj):
    upload = SimpleUploadedFile("huge.jpg", b"\xff" * (10 * 1024 * 1024 + 1), content_type="image/jpeg")

    with pytest.raises(RuleViolation) as refusal:
        services.add_photo(request_obj, upload=upload, system=True)

    assert refusal.value.rule == "photo.size"
    assert "10" in refusal.value.message
    assert not RequestPhoto.objects.exists()


def test_a_file_that_is_not_an_image_is_refused(request_obj):
    upload = SimpleUploadedFile("photo.jpg", b"%PDF-1.4 not a photo", content_type="image/jpeg")

    with pytest.raises(RuleViolation) as refusal:
        services.add_photo(request_obj, upload=upload, system=True)

    assert refusal.value.rule == "photo.type"
    assert refusal.value.field == "photo"
    assert not RequestPhoto.objects.exists()
    assert not request_obj.events.filter(action="photo").exists()


def test_the_timeline_names_a_photos_kind_in_chinese_not_by_its_code(client, request_obj, secretary_a):
    services.add_photo(
        request_obj,
        upload=SimpleUploadedFile("a.jpg", jpeg_bytes(64, 48, gps=False), content_type="image/jpeg"),
        kind=PhotoKind.RESULT,
        by=secretary_a,
    )
    client.force_login(secretary_a)

    page = client.get(
        reverse("service:request_detail", args=[request_obj.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()

    assert "照片类型：处置结果" in page
    assert "照片类型：result" not in page
