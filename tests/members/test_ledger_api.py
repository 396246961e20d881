"""The member ledger API (/api/v1/ledger/members): the page's filters and scope, keyset pages in
pinyin order, add and edit with the same rules, 409 on a stale version."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangjian.members.models import PartyMember
from tests.members.ledger_data import id_number, make_member

LIST = reverse("api:ledger_member_list")


def _detail(member) -> str:
    return reverse("api:ledger_member_detail", kwargs={"id": member.pk})


def test_list_is_scoped_filtered_and_paged_in_pinyin_order(client, world, secretary_a):
    for number, name in enumerate(["赵敏", "王芳", "安娜", "陈静", "白雪"]):
        make_member(
            world.branch_a1, name, number=number, category="retired" if name == "王芳" else "employed"
        )
    make_member(world.branch_b1, "艾青", number=20)
    client.force_login(secretary_a)

    first = client.get(LIST, {"limit": 3}).json()
    second = client.get(LIST, {"limit": 3, "after": first["next"]}).json()

    assert [item["name"] for item in first["items"]] == ["安娜", "白雪", "陈静"]
    assert [item["name"] for item in second["items"]] == ["王芳", "赵敏"] and second["next"] is None
    assert all("*" in item["id_number_masked"] for item in first["items"])
    assert [item["name"] for item in client.get(LIST, {"category": "retired"}).json()["items"]] == ["王芳"]
    assert [item["name"] for item in client.get(LIST, {"q": "zm"}).json()["items"]] == ["赵敏"]
    assert [item["name"] for item in client.get(LIST, {"q": id_number(3)}).json()["items"]] == ["陈静"]
    assert client.get(LIST, {"after": "%%%"}).status_code == 422


def test_detail_outside_the_scope_is_404(client, world, secretary_a):
    member = make_member(world.branch_b1, "王芳", number=4)
    client.force_login(secretary_a)
    assert client.get(_detail(member)).status_code == 404


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(LIST).status_code == 200
    return len(queries.captured_queries)


def test_list_query_count_is_the_same_for_3_and_30_members(client, world, secretary_a):
    client.force_login(secretary_a)
    for number in range(3):
        make_member(world.branch_a1, f"成员{number}", number=number)
    three = _queries(client)
    for number in range(3, 30):
        make_member(world.branch_a1, f"成员{number}", number=number)
    assert _queries(client) == three


def test_create_applies_the_rules_and_names_them(client, world, secretary_a):
    client.force_login(secretary_a)
    body = {
        "org_id": world.branch_a1.pk,
        "name": "陈静",
        "id_number": id_number(22, datetime.date(1990, 5, 6)),
        "status": "full",
        "category": "employed",
        "joined_on": "2015-06-01",
        "regularized_on": "2016-01-01",
    }

    refused = client.post(LIST, body, content_type="application/json")

    assert refused.status_code == 400 and refused.json()["rule"] == "probation_one_year"
    assert "预备期一年" in refused.json()["detail"]
    body["regularized_on"] = "2016-06-01"
    created = client.post(LIST, body, content_type="application/json")
    assert created.status_code == 201
    assert created.json()["gender"] == "female" and created.json()["party_standing_years"] >= 9
    again = client.post(LIST, body, content_type="application/json")
    assert again.status_code == 400 and again.json()["rule"] == "one_membership"
    outside = client.post(LIST, {**body, "org_id": world.branch_b1.pk}, content_type="application/json")
    assert outside.status_code == 404


def test_update_with_a_stale_version_is_409_and_applies_nothing(client, world, secretary_a):
    member = make_member(world.branch_a1, "张伟", number=1)
    client.force_login(secretary_a)
    url = reverse("api:ledger_member_update", kwargs={"id": member.pk})

    updated = client.patch(url, {"version": 1, "job_title": "书记"}, content_type="application/json")
    stale = client.patch(url, {"version": 1, "job_title": "主任"}, content_type="application/json")

    assert updated.status_code == 200 and updated.json()["version"] == 2
    assert stale.status_code == 409 and "他人已修改" in stale.json()["detail"]
    assert PartyMember.objects.get(pk=member.pk).job_title == "书记"


def test_lost_contact_is_marked_and_cleared_through_the_services(client, world, secretary_a):
    from dangjian.core.models import AuditEntry

    member = make_member(world.branch_a1, "张伟", number=1)
    client.force_login(secretary_a)
    mark = reverse("api:ledger_member_lost_contact", kwargs={"id": member.pk})
    clear = reverse("api:ledger_member_lost_contact_clear", kwargs={"id": member.pk})

    marked = client.post(
        mark, {"version": 1, "since": "2026-01-05", "note": "电话停机"}, content_type="application/json"
    )
    again = client.post(mark, {"version": 2}, content_type="application/json")
    stale = client.post(clear, {"version": 1}, content_type="application/json")
    cleared = client.post(clear, {"version": 2, "note": "已联系上"}, content_type="application/json")
    not_lost = client.post(clear, {"version": 3}, content_type="application/json")

    assert marked.status_code == 200 and marked.json()["is_lost_contact"] is True
    assert marked.json()["lost_contact_since"] == "2026-01-05" and marked.json()["version"] == 2
    assert again.status_code == 400 and again.json()["rule"] == "lost_contact"
    assert stale.status_code == 409
    assert cleared.status_code == 200 and cleared.json()["is_lost_contact"] is False
    assert cleared.json()["lost_contact_since"] is None and cleared.json()["version"] == 3
    assert not_lost.status_code == 400
    notes = AuditEntry.objects.filter(object_type="members.partymember", object_id=str(member.pk))
    assert sorted(notes.values_list("note", flat=True)) == ["已联系上", "电话停机"]


def test_lost_contact_outside_the_scope_is_404_and_a_future_date_is_refused(client, world, secretary_a):
    outside = make_member(world.branch_b1, "王芳", number=4)
    inside = make_member(world.branch_a1, "张伟", number=5)
    client.force_login(secretary_a)
    future = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()

    response = client.post(
        reverse("api:ledger_member_lost_contact", kwargs={"id": outside.pk}),
        {"version": 1},
        content_type="application/json",
    )
    refused = client.post(
        reverse("api:ledger_member_lost_contact", kwargs={"id": inside.pk}),
        {"version": 1, "since": future},
        content_type="application/json",
    )

    assert response.status_code == 404
    assert refused.status_code == 400 and not PartyMember.objects.get(pk=inside.pk).is_lost_contact
