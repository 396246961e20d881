"""The activities API answers as the pages do: a volunteer signs up and checks in by the token, the
organizer confirms (409 on a stale copy), refusals carry the rule, and /me reads only one's own."""

from __future__ import annotations

from django.urls import reverse

from dangjian.activities.models import HoursRecord
from tests.activities.helpers import activity_a, activity_in, record_at, signed_up, volunteer


def _post(client, name: str, body: dict | None = None, **kwargs):
    return client.post(
        reverse(f"api:activities_{name}", kwargs=kwargs), body or {}, content_type="application/json"
    )


def test_a_volunteer_signs_up_and_a_second_time_is_refused_with_the_rule(client, world):
    activity = activity_in(world.org_a, world.community_a, starts_in_hours=24, is_public=True)
    client.force_login(volunteer())
    assert _post(client, "activity_sign_up", id=activity.pk).status_code == 201
    again = _post(client, "activity_sign_up", id=activity.pk)
    assert again.status_code == 400
    assert again.json()["rule"] == "already_signed_up"


def test_check_in_out_and_a_stale_confirmation_is_409(client, world, secretary_a):
    activity = activity_a(world)
    user = volunteer()
    row = signed_up(activity, user.person)
    client.force_login(user)
    assert (
        _post(client, "activity_check_in", {"token": activity.check_in_token}, id=activity.pk).status_code
        == 200
    )
    out = _post(client, "activity_check_out", {"token": activity.check_in_token}, id=activity.pk)
    assert out.status_code == 200 and out.json()["checked_out_at"]
    client.force_login(secretary_a)
    stale = _post(client, "signup_confirm", {"version": row.version, "hours": "2"}, id=row.pk)
    assert stale.status_code == 409
    row.refresh_from_db()
    done = _post(client, "signup_confirm", {"version": row.version, "hours": "2"}, id=row.pk)
    assert done.status_code == 200 and done.json()["hours"] == "2.0"
    assert HoursRecord.objects.filter(signup=row).count() == 1


def test_me_hours_reads_only_my_own_records(client, world):
    mine, other = volunteer("me", "我"), volunteer("other", "别人")
    record_at(world.org_a, mine.person, hours=2)
    record_at(world.org_a, other.person, hours=7)
    client.force_login(mine)
    body = client.get(reverse("api:activities_my_hours")).json()
    assert body["hours_total"] == "2.0" or body["hours_total"] == "2"
    assert [row["person_id"] for row in body["records"]] == [mine.person.pk]


def test_the_hours_list_is_scoped(client, world, secretary_b):
    record_at(world.org_a, volunteer().person)
    client.force_login(secretary_b)
    assert client.get(reverse("api:activities_hours_list")).json()["items"] == []


def test_a_correction_through_the_api_keeps_the_original(client, world, secretary_a):
    record = record_at(world.org_a, volunteer().person, hours=3)
    client.force_login(secretary_a)
    answer = _post(
        client, "hours_correct", {"hours": "2", "reason": "扣除路程", "effective": "3"}, id=record.pk
    )
    assert answer.status_code == 201
    assert answer.json()["corrects_id"] == record.pk
    record.refresh_from_db()
    assert str(record.hours) == "3.0"
