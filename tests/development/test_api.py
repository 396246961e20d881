"""The pipeline API: the same rules answer 400 with the same message; lists at a fixed cost."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.development.data import applicant_in
from tests.development.helpers import full_members, new_applicant, plus, walk


def _post(client, applicant, body):
    return client.post(
        reverse("api:applicant_record_step", kwargs={"id": applicant.pk}),
        body,
        content_type="application/json",
    )


def test_the_api_refuses_a_candidate_within_a_year_with_the_rule(client, world, secretary_a):
    members = full_members(world.branch_a1)
    applicant = new_applicant(world.branch_a1, secretary_a)
    walk(applicant, secretary_a, members, until="thought_report")
    applicant.refresh_from_db()
    response = _post(
        client_login(client, secretary_a),
        applicant,
        {
            "step": "candidate",
            "date": plus(applicant.activist_on, 200).isoformat(),
            "introducers": [m.pk for m in members[:2]],
        },
    )
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert "确定为发展对象须在列为入党积极分子满一年后（《中国共产党发展党员工作细则》第十三条）" in detail
    earliest = applicant.activist_on.replace(year=applicant.activist_on.year + 1)
    assert f"最早可为{earliest.year}年{earliest.month}月{earliest.day}日" in detail
    assert response.json()["rule"] == "candidate.after"
    assert response.json()["field"] == "date"


def client_login(client, user):
    client.force_login(user)
    return client


def test_the_api_refuses_a_branch_meeting_without_quorum(client, world, secretary_a):
    members = full_members(world.branch_a1)
    applicant = new_applicant(world.branch_a1, secretary_a)
    date = walk(applicant, secretary_a, members, until="preliminary_review")
    response = _post(
        client_login(client, secretary_a),
        applicant,
        {"step": "branch_meeting", "date": plus(date, 3).isoformat(), "present": 2, "in_favour": 2},
    )
    assert response.status_code == 400
    assert "到会人数不足" in response.json()["detail"]
    assert response.json()["rule"] == "branch_meeting.vote"
    response = _post(
        client,
        applicant,
        {"step": "branch_meeting", "date": plus(date, 3).isoformat(), "present": 4, "in_favour": 4},
    )
    assert response.status_code == 201
    assert response.json()["values"]["voters"] == 5


def test_the_timeline_lists_every_step_with_its_status(client, world, secretary_a):
    applicant = applicant_in(world.branch_a1, days_ago=40)
    client.force_login(secretary_a)
    body = client.get(reverse("api:applicant_timeline", kwargs={"id": applicant.pk})).json()
    statuses = {row["step"]: row["status"] for row in body["rows"]}
    assert statuses["application"] == "done"
    assert statuses["application_talk"] == "late"
    assert body["applicant"]["is_late"] is True


def test_the_api_list_and_board_cost_the_same_queries_for_3_and_30(client, world, secretary_a):
    client.force_login(secretary_a)

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    urls = [reverse("api:applicant_list"), reverse("api:development_board") + f"?org={world.org_a.pk}"]
    for index in range(3):
        applicant_in(world.branch_a1, days_ago=5 + index, name=f"甲{index}")
    few = [queries(url) for url in urls]
    for index in range(27):
        applicant_in(world.branch_a1, days_ago=5 + index, name=f"乙{index}")
    assert [queries(url) for url in urls] == few


def test_the_api_list_shows_only_the_callers_applicants(client, world, secretary_b):
    applicant_in(world.branch_a1)
    mine = applicant_in(world.branch_b1)
    client.force_login(secretary_b)
    items = client.get(reverse("api:applicant_list")).json()["items"]
    assert [item["id"] for item in items] == [mine.pk]
    assert items[0]["next_step"] == "application_talk"
    board = client.get(reverse("api:development_board")).json()
    assert board[0]["total"] == 1 and board[0]["applicants"][0]["id"] == mine.pk
    assert isinstance(datetime.date.fromisoformat(board[0]["applicants"][0]["next_due_on"]), datetime.date)


def test_the_api_refuses_an_applicant_under_eighteen(client, world, secretary_a):
    from dangjian.members.models import Resident
    from tests.factories import PersonFactory

    person = PersonFactory(birth_date=datetime.date.today() - datetime.timedelta(days=16 * 365))
    Resident.objects.create(person=person, area=world.grid_a1)
    client.force_login(secretary_a)
    response = client.post(
        reverse("api:applicant_create"),
        {
            "person_id": person.pk,
            "org_id": world.branch_a1.pk,
            "date": datetime.date.today().isoformat(),
            "source": "league",
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "年满十八岁" in response.json()["detail"]
