"""The pipeline pages: the board and the list at a fixed query cost, the timeline, the record form."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dangjian.development.choices import Stage
from dangjian.development.models import Applicant, StepRecord
from tests.development.data import applicant_in
from tests.development.helpers import full_members, new_applicant, walk


def _grow(branch, count: int) -> None:
    for index in range(count):
        applicant = applicant_in(branch, days_ago=10 + index * 3, name=f"申请人{index}")
        if index % 3 == 1:
            Applicant.objects.filter(pk=applicant.pk).update(stage=Stage.ACTIVIST)
        elif index % 3 == 2:
            Applicant.objects.filter(pk=applicant.pk).update(stage=Stage.CANDIDATE)


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("url_name", ["development:board", "development:applicant_list"])
def test_board_and_list_cost_the_same_number_of_queries_for_3_and_30_applicants(
    client, world, secretary_a, url_name
):
    client.force_login(secretary_a)
    url = reverse(url_name) + f"?org={world.org_a.pk}"
    _grow(world.branch_a1, 3)
    few = _queries(client, url)
    _grow(world.branch_a1, 27)
    assert _queries(client, url) == few


def test_the_board_shows_each_stage_the_next_step_and_marks_late_ones(client, world, secretary_a):
    applicant_in(world.branch_a1, days_ago=10, name="按时甲")
    applicant_in(world.branch_a1, days_ago=60, name="逾期乙")
    applicant_in(world.branch_b1, days_ago=10, name="外区丙")
    client.force_login(secretary_a)
    page = client.get(reverse("development:board")).content.decode()
    for label in ("入党申请人", "入党积极分子", "发展对象", "预备党员", "正式党员"):
        assert label in page
    assert "按时甲" in page and "逾期乙" in page
    assert "外区丙" not in page
    assert "入党申请人谈话" in page and "已逾期" in page


def test_the_board_caps_a_column_and_links_to_the_rest(client, world, secretary_a):
    for index in range(14):
        applicant_in(world.branch_a1, days_ago=5 + index, name=f"排队{index}")
    client.force_login(secretary_a)
    page = client.get(reverse("development:board") + f"?org={world.branch_a1.pk}").content.decode()
    assert "还有 2 人" in page
    assert f"stage=applicant&amp;org={world.branch_a1.pk}" in page


def test_the_board_of_another_community_answers_404(client, world, secretary_a):
    client.force_login(secretary_a)
    assert client.get(reverse("development:board") + f"?org={world.org_b.pk}").status_code == 404


def test_the_timeline_shows_dated_steps_the_next_one_and_materials(client, world, secretary_a):
    members = full_members(world.branch_a1)
    applicant = new_applicant(
        world.branch_a1, secretary_a, applied_on=timezone.localdate() - datetime.timedelta(days=200)
    )
    walk(applicant, secretary_a, members, until="thought_report")
    client.force_login(secretary_a)
    page = client.get(reverse("development:applicant_detail", args=[applicant.pk])).content.decode()
    assert "递交入党申请书" in page and "确定为入党积极分子" in page
    assert "入党申请书" in page and "思想汇报" in page
    assert "下一步" in page and "确定为发展对象" in page
    assert "最早" in page


def test_a_refused_step_shows_the_rule_on_the_form_and_records_nothing(client, world, secretary_a):
    applicant = applicant_in(world.branch_a1, days_ago=60)
    client.force_login(secretary_a)
    url = reverse("development:applicant_record_step", args=[applicant.pk, "application_talk"])
    response = client.post(url, {"date": timezone.localdate().isoformat()})
    assert response.status_code == 200
    page = response.content.decode()
    assert "一个月内派人谈话" in page and "第七条" in page
    assert not StepRecord.objects.filter(applicant=applicant, step__code="application_talk").exists()


def test_the_vote_form_asks_for_the_vote_and_refuses_without_quorum(client, world, secretary_a):
    members = full_members(world.branch_a1)
    applicant = new_applicant(world.branch_a1, secretary_a)
    date = walk(applicant, secretary_a, members, until="preliminary_review")
    client.force_login(secretary_a)
    url = reverse("development:applicant_record_step", args=[applicant.pk, "branch_meeting"])
    page = client.get(url).content.decode()
    assert "到会正式党员人数" in page and "赞成" in page
    response = client.post(
        url,
        {"date": (date + datetime.timedelta(days=3)).isoformat(), "present": 2, "in_favour": 2, "against": 0},
    )
    assert "到会人数不足" in response.content.decode()
