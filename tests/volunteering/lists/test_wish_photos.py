"""Photos proving a 微心愿 fulfilled: uploaded with the proof in one POST, checked by content,
stored under MEDIA_ROOT with random names, and shown only to staff in scope, the member who
fulfilled it and the resident holding the tracking code."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from dangjian.core.choices import AuditAction
from dangjian.core.errors import RuleViolation
from dangjian.core.models import AuditEntry
from dangjian.volunteering.choices import WishState
from dangjian.volunteering.lists import services
from dangjian.volunteering.models import WishPhoto
from tests.volunteering.lists.helpers import JPEG, PNG, member_user, photo_of, wish_a, wish_b

WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 32


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def member(world):
    return member_user(world, "member_a", "周党员")


@pytest.fixture
def claimed(world, member):
    return wish_a(world, state=WishState.CLAIMED, claimed_by=member.person, claimed_at=timezone.now())


def test_photos_are_uploaded_with_the_proof_and_audited(client, member, claimed, media):
    client.force_login(member)
    response = client.post(
        reverse("volunteering:wish_fulfil", kwargs={"pk": claimed.pk}),
        {
            "proof": "书包已送到家中",
            "photos": [
                SimpleUploadedFile("送书包.jpg", JPEG, content_type="image/jpeg"),
                SimpleUploadedFile("合影.webp", WEBP, content_type="image/webp"),
            ],
        },
    )

    assert response.status_code == 302
    claimed.refresh_from_db()
    assert claimed.state == WishState.FULFILLED and claimed.proof == "书包已送到家中"
    photos = list(claimed.photos.order_by("id"))
    assert [(p.original_name, p.content_type, p.size) for p in photos] == [
        ("送书包.jpg", "image/jpeg", len(JPEG)),
        ("合影.webp", "image/webp", len(WEBP)),
    ]
    for photo in photos:
        assert str(media) in photo.file.path
        assert photo.original_name not in photo.file.name  # a random stored name
    assert (
        AuditEntry.objects.filter(action=AuditAction.CREATE, object_type="volunteering.wishphoto").count()
        == 2
    )
    download = client.get(reverse("volunteering:wish_photo", kwargs={"pk": photos[0].pk}))
    assert b"".join(download.streaming_content) == JPEG
    assert download["Cache-Control"] == "private, no-store"


def test_a_file_that_is_no_picture_is_refused_whatever_its_name(client, member, claimed):
    client.force_login(member)
    response = client.post(
        reverse("volunteering:wish_fulfil", kwargs={"pk": claimed.pk}),
        {
            "proof": "书包已送到家中",
            "photos": [SimpleUploadedFile("伪装.png", b"<html>not a picture</html>")],
        },
    )

    assert response.status_code == 200
    assert "“伪装.png”不是 JPEG、PNG 或 WebP 格式的图片" in response.content.decode()
    claimed.refresh_from_db()
    assert claimed.state == WishState.CLAIMED and not WishPhoto.objects.exists()


def test_more_than_three_photos_or_a_photo_over_5_mb_is_refused(member, claimed):
    four = [SimpleUploadedFile(f"{n}.png", PNG) for n in range(4)]
    with pytest.raises(RuleViolation) as refusal:
        services.record_fulfilment(claimed, by=member, proof="已送到", photos=four)
    assert refusal.value.field == "photos" and "3" in refusal.value.message
    big = SimpleUploadedFile("大图.png", PNG + b"\x00" * (5 * 1024 * 1024))
    with pytest.raises(RuleViolation) as refusal:
        services.record_fulfilment(claimed, by=member, proof="已送到", photos=[big])
    assert "大图.png" in refusal.value.message and "5 MB" in refusal.value.message
    claimed.refresh_from_db()
    assert claimed.state == WishState.CLAIMED and not WishPhoto.objects.exists()


def test_a_user_out_of_scope_gets_404_on_the_photo(client, world, secretary_a, secretary_b, resident):
    photo = photo_of(wish_a(world, state=WishState.FULFILLED))
    url = reverse("volunteering:wish_photo", kwargs={"pk": photo.pk})

    client.force_login(secretary_b)
    assert client.get(url).status_code == 404
    client.force_login(resident)
    assert client.get(url).status_code == 404
    client.force_login(secretary_a)
    assert client.get(url).status_code == 200


def test_the_resident_with_the_tracking_code_sees_the_photo(client, world):
    wish = wish_a(world, state=WishState.FULFILLED, proof="书包已送到家中", fulfilled_at=timezone.now())
    photo = photo_of(wish)
    other = photo_of(wish_b(world, state=WishState.FULFILLED))

    page = client.get(reverse("volunteering:public_wish_track", kwargs={"code": wish.tracking_code}))
    photo_url = reverse("volunteering:public_wish_photo", kwargs={"code": wish.tracking_code, "pk": photo.pk})
    assert photo_url in page.content.decode()
    response = client.get(photo_url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PNG
    # Another wish's photo is not reached through this wish's code, nor with a wrong code.
    wrong = reverse("volunteering:public_wish_photo", kwargs={"code": wish.tracking_code, "pk": other.pk})
    assert client.get(wrong).status_code == 404
    guessed = reverse("volunteering:public_wish_photo", kwargs={"code": "NOSUCHCODE", "pk": photo.pk})
    assert client.get(guessed).status_code == 404


def test_staff_in_scope_see_the_photos_on_the_wish_page(client, world, secretary_a):
    wish = wish_a(world, state=WishState.FULFILLED, proof="书包已送到家中", fulfilled_at=timezone.now())
    photo = photo_of(wish)
    client.force_login(secretary_a)
    page = client.get(reverse("volunteering:wish_detail", kwargs={"pk": wish.pk}))
    assert reverse("volunteering:wish_photo", kwargs={"pk": photo.pk}) in page.content.decode()
