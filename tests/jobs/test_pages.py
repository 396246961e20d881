"""就业 pages: scope (two-role persona included), search, the matches shown, placing from the
seeker's page, the roll on a phone, the Excel export's masking, the public postings without
personal data, the 工作台 card, the figures with their records and flat query counts."""

from __future__ import annotations

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangjian.accounts.choices import BuiltinRole
from dangjian.core.choices import AuditAction
from dangjian.core.models import AuditEntry
from dangjian.core.periods import Period
from dangjian.core.registry import dashboard_for, get_figure, portal_links
from dangjian.jobs import services
from dangjian.jobs.choices import SeekerState
from dangjian.jobs.models import JobPosting, JobSeeker, TrainingAttendance
from tests.factories import UserFactory, assign
from tests.jobs.helpers import (
    enrolled,
    posting,
    posting_in_a,
    posting_in_b,
    resident_in,
    seeker,
    seeker_in_a,
    seeker_in_b,
    today,
    training,
)


def _rows(response) -> set[int]:
    return {row.pk for row in response.context["page"]}


def test_the_lists_show_only_the_secretarys_scope(client, world, secretary_a):
    pa, pb, sa, sb = posting_in_a(world), posting_in_b(world), seeker_in_a(world), seeker_in_b(world)
    client.force_login(secretary_a)
    assert _rows(client.get(reverse("jobs:posting_list"))) == {pa.pk}
    assert _rows(client.get(reverse("jobs:seeker_list"))) == {sa.pk}
    assert pb.pk and sb.pk


def test_a_grid_post_in_another_community_adds_nothing(client, world, secretary_a_grid_worker_b):
    pa, pb, sa, sb = posting_in_a(world), posting_in_b(world), seeker_in_a(world), seeker_in_b(world)
    assert pb.area == world.grid_b1 and sb.area == world.grid_b1
    client.force_login(secretary_a_grid_worker_b)
    assert _rows(client.get(reverse("jobs:posting_list"))) == {pa.pk}
    assert _rows(client.get(reverse("jobs:seeker_list"))) == {sa.pk}
    # Matching reads under the jobs permissions too: 社区B's seeker is never suggested.
    matches = client.get(reverse("jobs:posting_detail", args=[pa.pk])).context["matches"]
    assert sb.pk not in {match.candidate.pk for match in matches}


def test_the_lists_search_by_title_and_name(client, world, secretary_a):
    electrician = posting(world.grid_a1, world.org_a, "电工")
    posting(world.grid_a1, world.org_a, "保洁员")
    qian = seeker(world.building_a1, world.org_a, "钱多多")
    seeker(world.building_a1, world.org_a, "孙少少")
    client.force_login(secretary_a)
    assert _rows(client.get(reverse("jobs:posting_list"), {"q": "电工"})) == {electrician.pk}
    assert _rows(client.get(reverse("jobs:seeker_list"), {"q": "钱"})) == {qian.pk}


def test_the_seeker_page_suggests_postings_with_reasons_and_places_in_one(client, world, secretary_a):
    job = posting(world.grid_a2, world.org_a, "电工", skills=["电工"], positions=1)
    me = seeker(world.building_a1, world.org_a, "钱求职", skills=["电工"])
    client.force_login(secretary_a)
    page = client.get(reverse("jobs:seeker_detail", args=[me.pk]))
    assert [match.candidate.pk for match in page.context["matches"]] == [job.pk]
    assert "电工" in page.content.decode() and f'data-match="{job.pk}"' in page.content.decode()

    response = client.post(
        reverse("jobs:seeker_place", args=[me.pk]), {"posting": job.pk, "placed_on": today().isoformat()}
    )
    assert response.status_code == 302
    me.refresh_from_db()
    assert me.state == SeekerState.PLACED and me.placements.get().posting == job


def test_the_roll_is_taken_on_a_phone_page(client, world, secretary_a):
    session = training(world.grid_a1, world.org_a)
    came = enrolled(session, resident_in(world.building_a1, "周学员"))
    away = enrolled(session, resident_in(world.building_a1, "吴学员"))
    client.force_login(secretary_a)
    page = client.get(reverse("jobs:training_detail", args=[session.pk])).content.decode()
    assert 'name="viewport"' in page and f'name="attended_{came.pk}"' in page

    client.post(
        reverse("jobs:training_roll", args=[session.pk]),
        {f"attended_{came.pk}": "1", f"attended_{away.pk}": "0"},
    )
    assert dict(TrainingAttendance.objects.values_list("pk", "attended")) == {came.pk: True, away.pk: False}


def test_the_export_masks_mobiles_unless_the_user_may_reveal_them_and_is_audited(client, world, secretary_a):
    from openpyxl import load_workbook

    seeker(world.building_a1, world.org_a, "钱求职", mobile="13812345678")
    staff = UserFactory(username="staff_a")
    assign(staff, BuiltinRole.ORG_STAFF, world.org_a)

    client.force_login(staff)
    response = client.get(reverse("jobs:seeker_export"))
    cells = [
        str(c.value)
        for row in load_workbook(io.BytesIO(response.content)).active.iter_rows()
        for c in row
        if c.value
    ]
    assert "138****5678" in cells and "13812345678" not in cells

    client.force_login(secretary_a)
    response = client.get(reverse("jobs:seeker_export"))
    cells = [
        str(c.value)
        for row in load_workbook(io.BytesIO(response.content)).active.iter_rows()
        for c in row
        if c.value
    ]
    assert "13812345678" in cells and "钱求职" in cells
    entry = AuditEntry.objects.filter(action=AuditAction.EXPORT).order_by("-id").first()
    assert entry.changes["rows"] == 1 and entry.changes["clear_personal_data_rows"] == 1


def test_the_pages_never_show_a_clear_mobile(client, world, secretary_a):
    made = seeker(world.building_a1, world.org_a, "钱求职", mobile="13812345678")
    client.force_login(secretary_a)
    for url in (reverse("jobs:seeker_list"), reverse("jobs:seeker_detail", args=[made.pk])):
        body = client.get(url).content.decode()
        assert "13812345678" not in body and "138****5678" in body


def test_the_portal_lists_open_postings_without_personal_data(client, world):
    shown = posting(world.grid_a1, world.org_a, "电工", skills_note="联系人13812345678")
    posting(world.grid_a1, world.org_a, "已关闭岗位", state="closed")
    posting(world.grid_a1, world.org_a, "已过期岗位", closes_on=today() - datetime.timedelta(days=1))
    assert "jobs:public_postings" in {link.url_name for link in portal_links()}

    response = client.get(reverse("jobs:public_postings"))
    body = response.content.decode()
    assert response.status_code == 200 and _rows(response) == {shown.pk}
    assert "幸福社区" in body and "幸福社区第一网格" not in body
    assert "13812345678" not in body


def test_community_staff_see_the_jobs_card_on_the_workbench(rf, world, secretary_a):
    posting_in_a(world)
    placed = seeker(world.building_a1, world.org_a, "已就业")
    services.place_seeker(placed, posting_in_a(world), by=secretary_a)
    seeker(world.building_a1, world.org_a, "求职中")
    posting_in_b(world)
    request = rf.get("/")
    request.user = secretary_a
    cards, _todos = dashboard_for(request)
    html = {card.key: body for card, body in cards}["jobs"]
    assert 'data-count="postings"' in html
    from dangjian.jobs.workbench import jobs_card

    counts = {cell["key"]: cell["count"] for cell in jobs_card(secretary_a)["cells"]}
    assert counts == {"postings": 1, "seekers": 1, "placed": 1}


def test_the_figures_count_what_their_lists_show(client, world, secretary_a):
    open_one = posting(world.grid_a1, world.org_a, "电工")
    posting(world.grid_a1, world.org_a, "关闭", state="closed")
    posting_in_b(world)
    seeking = seeker(world.building_a1, world.org_a, "求职中")
    placed = seeker(world.building_a1, world.org_a, "已就业")
    services.place_seeker(placed, open_one, by=secretary_a)
    period = Period(today() - datetime.timedelta(days=30), today() + datetime.timedelta(days=1))
    client.force_login(secretary_a)

    for key, expected in [
        ("jobs.postings_open", {open_one.pk}),
        ("jobs.seekers", {seeking.pk}),
        ("jobs.placed", {placed.pk}),
    ]:
        figure = get_figure(key)
        assert figure.compute(world.org_a, period) == len(expected), key
        assert _rows(client.get(figure.records_url(world.org_a, period))) == expected, key


def _same_cost(client, url: str, grow) -> None:
    def count_with(total: int) -> int:
        grow(total)
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    assert count_with(3) == count_with(30)


@pytest.mark.parametrize("name", ["jobs:posting_list", "jobs:public_postings"])
def test_the_posting_lists_cost_the_same_for_3_and_30_rows(client, world, secretary_a, name):
    client.force_login(secretary_a)

    def grow(total: int) -> None:
        while JobPosting.objects.count() < total:
            posting(world.grid_a1, world.org_a, f"岗位{JobPosting.objects.count()}", skills=["电工", "焊工"])

    _same_cost(client, reverse(name), grow)


def test_the_seeker_list_and_detail_cost_the_same_for_3_and_30_rows(client, world, secretary_a):
    client.force_login(secretary_a)
    me = seeker(world.building_a1, world.org_a, "钱求职", skills=["电工"])

    def grow(total: int) -> None:
        while JobSeeker.objects.count() < total:
            seeker(world.building_a1, world.org_a, f"求职{JobSeeker.objects.count()}", skills=["电工"])
            posting(world.grid_a1, world.org_a, f"岗位{JobPosting.objects.count()}", skills=["电工"])

    _same_cost(client, reverse("jobs:seeker_list"), grow)
    _same_cost(client, reverse("jobs:seeker_detail", args=[me.pk]), grow)


def test_the_training_list_and_roll_cost_the_same_for_3_and_30_rows(client, world, secretary_a):
    client.force_login(secretary_a)
    session = training(world.grid_a1, world.org_a, capacity=100)

    def grow(total: int) -> None:
        while TrainingAttendance.objects.count() < total:
            enrolled(session, resident_in(world.building_a1, f"学员{TrainingAttendance.objects.count()}"))
            training(world.grid_a1, world.org_a, f"培训{TrainingAttendance.objects.count()}")

    _same_cost(client, reverse("jobs:training_list"), grow)
    _same_cost(client, reverse("jobs:training_detail", args=[session.pk]), grow)
