"""The staff pages and API of training, awards and evaluation: recording through the form, bad
input refused with a message (not a 500), a 社区B entry out of secretary_a's reach, the list's
filters and its fixed query count, and the volunteer's own hours page listing them."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from dangjian.activities.choices import RecordEntryKind
from dangjian.activities.models import RecordEntry
from dangjian.core.models import AuditEntry
from tests.activities.helpers import entry_at, volunteer
from tests.activities.routes import person_in_a


def _training_form(world, person, **changes) -> dict:
    return {
        "person": person.pk,
        "org": world.org_a.pk,
        "kind": "training",
        "occurred_on": timezone.localdate().isoformat(),
        "title": "急救知识培训",
        "training_hours": "4",
        **changes,
    }


def test_staff_record_a_training_through_the_form(client, world, secretary_a):
    person = person_in_a(world)
    client.force_login(secretary_a)
    page = client.get(reverse("activities:entry_create"), {"kind": "training", "q": person.name})
    assert page.status_code == 200 and person.name in page.content.decode()
    answer = client.post(f"{reverse('activities:entry_create')}?kind=training", _training_form(world, person))
    assert answer.status_code == 302
    entry = RecordEntry.objects.get()
    assert (entry.person, entry.org, entry.kind, entry.training_hours) == (person, world.org_a, "training", 4)
    assert AuditEntry.objects.filter(object_type="activities.recordentry", object_id=str(entry.pk)).exists()


@pytest.mark.parametrize(
    "changes",
    [
        {"occurred_on": "9999-12-31"},
        {"occurred_on": "0001-01-01"},
        {"occurred_on": "not a date"},
        {"training_hours": "-2"},
        {"training_hours": "0"},
        {"training_hours": "99999999"},
        {"training_hours": ""},
        {"title": ""},
        {"kind": "nonsense"},
    ],
)
def test_the_form_refuses_bad_input_with_a_message(client, world, secretary_a, changes):
    person = person_in_a(world)
    client.force_login(secretary_a)
    answer = client.post(
        f"{reverse('activities:entry_create')}?kind=training", _training_form(world, person, **changes)
    )
    assert answer.status_code == 200
    assert "invalid-feedback" in answer.content.decode() or "alert-danger" in answer.content.decode()
    assert not RecordEntry.objects.exists()


def test_an_award_form_needs_the_awarding_body(client, world, secretary_a):
    person = person_in_a(world)
    client.force_login(secretary_a)
    form = _training_form(world, person, kind="award", title="优秀志愿者", award_level="street")
    answer = client.post(f"{reverse('activities:entry_create')}?kind=award", form)
    assert answer.status_code == 200 and not RecordEntry.objects.exists()
    form["awarded_by"] = "幸福街道党工委"
    assert client.post(f"{reverse('activities:entry_create')}?kind=award", form).status_code == 302
    assert RecordEntry.objects.get().awarded_by == "幸福街道党工委"


def test_a_correction_through_the_page_keeps_the_original(client, world, secretary_a):
    entry = entry_at(world.org_a, volunteer().person, training_hours=4)
    client.force_login(secretary_a)
    url = reverse("activities:entry_correct", kwargs={"pk": entry.pk})
    page = client.get(url)
    assert page.status_code == 200 and entry.title in page.content.decode()
    refused = client.post(
        url, {"occurred_on": "9999-12-31", "title": "x", "training_hours": "2", "reason": "r"}
    )
    assert refused.status_code == 200
    done = client.post(
        url,
        {
            "occurred_on": entry.occurred_on.isoformat(),
            "title": entry.title,
            "training_hours": "3",
            "reason": "课时有误",
            "seen": entry.pk,
        },
    )
    assert done.status_code == 302
    entry.refresh_from_db()
    assert entry.training_hours == 4
    assert RecordEntry.objects.current().get().training_hours == 3
    stale = client.post(
        url,
        {
            "occurred_on": entry.occurred_on.isoformat(),
            "title": entry.title,
            "training_hours": "2",
            "reason": "再次更正",
            "seen": entry.pk,
        },
    )
    assert stale.status_code == 200 and "alert-danger" in stale.content.decode()


def test_a_withdrawal_through_the_page_needs_only_the_reason(client, world, secretary_a):
    entry = entry_at(world.org_a, volunteer().person)
    client.force_login(secretary_a)
    url = reverse("activities:entry_correct", kwargs={"pk": entry.pk})
    assert client.post(url, {"withdraw": "on", "reason": "登记错人"}).status_code == 302
    assert RecordEntry.objects.current().get().is_withdrawn


def test_a_community_b_entry_is_404_for_secretary_a(client, world, secretary_a):
    entry = entry_at(world.org_b, volunteer().person)
    client.force_login(secretary_a)
    url = reverse("activities:entry_correct", kwargs={"pk": entry.pk})
    assert client.get(url).status_code == 404
    assert client.post(url, {"withdraw": "on", "reason": "x"}).status_code == 404
    assert entry.title not in client.get(reverse("activities:entry_list")).content.decode()


def test_the_list_filters_by_kind_person_and_name(client, world, secretary_a):
    alice, bob = volunteer("a", "赵培训").person, volunteer("b", "钱获奖").person
    entry_at(world.org_a, alice, title="急救知识培训")
    entry_at(world.org_a, bob, kind=RecordEntryKind.AWARD, title="优秀志愿者", awarded_by="街道")
    client.force_login(secretary_a)
    url = reverse("activities:entry_list")

    def titles(**params) -> list[str]:
        return [entry.title for entry in client.get(url, params).context["page"]]

    assert sorted(titles()) == ["优秀志愿者", "急救知识培训"]
    assert titles(kind="award") == ["优秀志愿者"]
    assert titles(person=alice.pk) == ["急救知识培训"]
    assert titles(q="钱获奖") == ["优秀志愿者"]
    assert titles(org=world.org_a.pk, kind="training") == ["急救知识培训"]


def test_the_list_shows_an_empty_state(client, world, secretary_a):
    client.force_login(secretary_a)
    page = client.get(reverse("activities:entry_list"))
    assert page.status_code == 200 and page.context["page"].object_list == []


@pytest.mark.parametrize("rows", [3, 30])
def test_the_entry_list_costs_the_same_for_3_rows_and_30(
    client, secretary_a, world, rows, django_assert_max_num_queries
):
    person = volunteer().person
    for index in range(rows):
        entry_at(world.org_a, person, title=f"培训{index}")
    client.force_login(secretary_a)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("activities:entry_list")).status_code == 200


def test_my_hours_page_lists_my_entries_but_not_withdrawn_or_others(client, world):
    me, other = volunteer("me", "我"), volunteer("other", "别人")
    entry_at(world.org_a, me.person, title="我的培训")
    entry_at(world.org_a, me.person, title="撤销的", corrects=None)
    wrong = RecordEntry.objects.get(title="撤销的")
    RecordEntry.objects.create(
        person=me.person,
        org=world.org_a,
        kind=wrong.kind,
        occurred_on=wrong.occurred_on,
        title=wrong.title,
        training_hours=wrong.training_hours,
        corrects=wrong,
        reason="登记错误",
        is_withdrawn=True,
        recorded_at=timezone.now(),
    )
    entry_at(world.org_a, other.person, title="别人的培训")
    client.force_login(me)
    body = client.get(reverse("activities:my_hours")).content.decode()
    assert "我的培训" in body
    assert "撤销的" not in body and "别人的培训" not in body


# --- API ----------------------------------------------------------------------------------------


def _post(client, name: str, body: dict, **kwargs):
    return client.post(
        reverse(f"api:activities_{name}", kwargs=kwargs), body, content_type="application/json"
    )


def _api_training(world, person, **changes) -> dict:
    return {
        "person_id": person.pk,
        "org_id": world.org_a.pk,
        "kind": "training",
        "occurred_on": timezone.localdate().isoformat(),
        "title": "急救知识培训",
        "training_hours": "4",
        **changes,
    }


@pytest.mark.parametrize(
    "changes",
    [
        {"occurred_on": "9999-12-31"},
        {"training_hours": "-2"},
        {"kind": "nonsense"},
        {"award_level": "galactic"},
    ],
)
def test_the_api_refuses_bad_input_with_4xx(client, world, secretary_a, changes):
    client.force_login(secretary_a)
    answer = _post(client, "entry_create", _api_training(world, person_in_a(world), **changes))
    assert 400 <= answer.status_code < 500
    assert not RecordEntry.objects.exists()


def test_the_api_records_lists_and_corrects(client, world, secretary_a, secretary_b):
    client.force_login(secretary_a)
    created = _post(client, "entry_create", _api_training(world, person_in_a(world)))
    assert created.status_code == 201
    entry_id = created.json()["id"]
    corrected = _post(
        client,
        "entry_correct",
        {
            "occurred_on": timezone.localdate().isoformat(),
            "title": "急救培训",
            "training_hours": "3",
            "reason": "更正",
        },
        id=entry_id,
    )
    assert corrected.status_code == 201 and corrected.json()["corrects_id"] == entry_id
    items = client.get(reverse("api:activities_entry_list"), {"kind": "training"}).json()["items"]
    assert [item["title"] for item in items] == ["急救培训"]
    client.force_login(secretary_b)
    assert client.get(reverse("api:activities_entry_list")).json()["items"] == []
    assert _post(client, "entry_withdraw", {"reason": "x"}, id=entry_id).status_code in (403, 404)
