"""The yearly 党建台账: each section says what the records say, nothing outside the branch or the
year shows, no ID number or phone is printed, the PDF and Excel files are what they claim, every
download is audited, another community's organization answers 404, and the cost stays flat."""

from __future__ import annotations

import datetime
import io
import re
import subprocess
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from dangjian.core.choices import AuditAction
from dangjian.core.models import AuditEntry
from dangjian.core.periods import Period
from dangjian.core.registry import get_figure
from dangjian.dashboard.reports.ledger import ARREARS, NOT_OWED, PAID, party_ledger
from dangjian.development.choices import Stage
from dangjian.members.choices import MemberStatus
from tests.dashboard.reports.helpers import at, hours, last_year, meeting, member, small_ledger_world

pytestmark = pytest.mark.django_db


def _url(name: str, org, year: int) -> str:
    return reverse(f"dashboard:reports:{name}", args=[org.pk, year])


def test_the_members_section_lists_the_branch_members_by_name_status_and_join_date(world, secretary_a):
    made = small_ledger_world(world, secretary_a)
    ledger = party_ledger(world.branch_a1, made.year, secretary_a)
    lines = {line.name: line for line in ledger.members}
    assert set(lines) == {"张党员", "李预备"}  # not 王外社 of 光明社区
    assert lines["李预备"].member.status == MemberStatus.PROBATIONARY
    assert lines["张党员"].joined_on == datetime.date(2010, 5, 20)
    assert lines["张党员"].branch == world.branch_a1.name
    assert (ledger.full_count, ledger.probationary_count) == (1, 1)


def test_the_life_section_lists_the_meetings_of_the_year_with_attendance(world, secretary_a):
    made = small_ledger_world(world, secretary_a)
    ledger = party_ledger(world.branch_a1, made.year, secretary_a)
    assert [(line.title, line.present, line.expected) for line in ledger.meetings] == [
        ("学习党章", 2, 2),
        (made.second_meeting.title, 1, 2),
    ]
    assert ledger.meetings[0].date == datetime.date(made.year, 4, 10)


def test_the_compliance_per_quarter_is_the_figures_stores_and_counts_the_meetings_held(world, secretary_a):
    made = small_ledger_world(world, secretary_a)
    ledger = party_ledger(world.branch_a1, made.year, secretary_a)
    held = get_figure("life.meetings_held")
    keys = ["life.meetings_required", "life.meetings_held", "life.meetings_missing", "life.meetings_late"]
    for number, row in enumerate(ledger.compliance[:4], start=1):
        quarter = Period.quarter(made.year, number)
        assert row.values == [get_figure(key).compute(world.branch_a1, quarter) for key in keys]
    held_by_quarter = [row.values[1] for row in ledger.compliance]
    # Q2: the 党员大会 of April; Q3: the 主题党日 of July; the year: both.
    assert held_by_quarter == [0, 1, 1, 0, 2]
    assert held.compute(world.branch_a1, Period.year(made.year)) == 2
    # Q1 held no 党员大会 (quarterly) and three months without 支委会: missing periods.
    assert ledger.compliance[0].values[2] > 0


def test_the_dues_section_shows_each_month_paid_in_arrears_or_not_owed(world, secretary_a):
    made = small_ledger_world(world, secretary_a)
    ledger = party_ledger(world.branch_a1, made.year, secretary_a)
    lines = {line.name: line for line in ledger.dues}
    full = lines["张党员"]
    assert full.months[0] == PAID and full.months[1] == ARREARS
    assert full.months[2:] == [PAID] * 10
    assert (full.paid, full.arrears, full.amount_paid) == (11, 1, Decimal("220.00"))
    probationary = lines["李预备"]  # admitted in March: January and February not owed
    assert probationary.months[:2] == [NOT_OWED, NOT_OWED]
    assert (probationary.paid, probationary.arrears) == (10, 0)


def test_the_development_section_lists_the_applicant_with_the_steps_of_the_year(world, secretary_a):
    made = small_ledger_world(world, secretary_a)
    ledger = party_ledger(world.branch_a1, made.year, secretary_a)
    assert [line.name for line in ledger.applicants] == ["赵申请"]
    steps = ledger.applicants[0].steps
    assert steps and steps[0][0] == datetime.date(made.year, 2, 20)
    assert ledger.steps_in_year == len(steps)
    assert dict(ledger.stage_counts) == {
        str(label): int(value == Stage.APPLICANT) for value, label in Stage.choices
    }
    # Next year the file is still open, but no step was recorded in it.
    later = party_ledger(world.branch_a1, made.year + 1, secretary_a)
    assert [line.steps for line in later.applicants] == [[]]


def test_the_volunteering_section_sums_the_hours_of_the_year_and_lists_posts(world, secretary_a):
    made = small_ledger_world(world, secretary_a)
    ledger = party_ledger(world.branch_a1, made.year, secretary_a)
    lines = {line.name: line for line in ledger.volunteering}
    assert lines["张党员"].hours == Decimal("5.5")  # not the 8 hours of the year before
    assert lines["张党员"].records == 2
    assert lines["张党员"].posts == ["楼道长"]
    assert lines["李预备"].hours == 0 and lines["李预备"].posts == []
    assert ledger.hours_total == Decimal("5.5")


def test_the_ledger_page_shows_the_sections_but_no_id_number_or_phone(client, world, secretary_a):
    made = small_ledger_world(world, secretary_a)
    person = made.member.person
    person.id_number = "110105198001011234"
    person.mobile = "13800138000"
    person.save()
    client.force_login(secretary_a)
    response = client.get(_url("ledger", world.branch_a1, made.year))
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("张党员", "学习党章", "赵申请", "5.5", 'id="dues"', 'id="development"', 'id="volunteering"'):
        assert text in html, text
    for secret in ("110105198001011234", "13800138000", person.id_number_masked, person.mobile_masked):
        assert secret not in html
    assert "王外社" not in html and "光明社区的会" not in html


def test_another_communitys_organization_and_impossible_years_answer_404(client, world, secretary_a):
    client.force_login(secretary_a)
    year = last_year()
    for name in ("ledger", "ledger_pdf", "ledger_export"):
        assert client.get(_url(name, world.branch_b1, year)).status_code == 404, name
        assert client.get(_url(name, world.org_b, year)).status_code == 404, name
        assert client.get(_url(name, world.branch_a1, 9999)).status_code == 404, name
        assert client.get(_url(name, world.branch_a1, 1)).status_code == 404, name
        assert (
            client.get(
                reverse(f"dashboard:reports:{name}", args=[10**18, year]).replace(str(10**18), str(2**70))
            ).status_code
            == 404
        ), name
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()


def test_a_street_or_district_committee_has_no_ledger_but_a_community_committee_has(
    client, world, district_admin
):
    client.force_login(district_admin)
    year = last_year()
    assert client.get(_url("ledger", world.org_a, year)).status_code == 200
    assert client.get(_url("ledger", world.street_org, year)).status_code == 404
    assert client.get(_url("ledger", world.district_org, year)).status_code == 404


def test_the_pdf_is_a_pdf_naming_the_organization_and_the_year(client, world, secretary_a, tmp_path):
    made = small_ledger_world(world, secretary_a)
    client.force_login(secretary_a)
    response = client.get(_url("ledger_pdf", world.branch_a1, made.year))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    path = tmp_path / "ledger.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True
    ).stdout.decode()
    assert world.branch_a1.name in text
    assert str(made.year) in text
    assert "张党员" in text and "学习党章" in text
    assert re.search(r"\b1\s*/\s*\d", text)  # page numbers: "1 / 2"


def test_the_workbook_has_a_sheet_per_section_and_keeps_a_formula_topic_as_text(client, world, secretary_a):
    made = small_ledger_world(world, secretary_a)
    client.force_login(secretary_a)
    response = client.get(_url("ledger_export", world.branch_a1, made.year))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert len(book.sheetnames) == 6  # members, life, compliance, dues, development, volunteering
    life = book[book.sheetnames[1]]
    topics = [row[2].value for row in life.iter_rows(min_row=2)]
    assert made.second_meeting.title in topics
    cell = next(row[2] for row in life.iter_rows(min_row=2) if row[2].value == made.second_meeting.title)
    assert cell.data_type == "s" and cell.quotePrefix  # text, never a live formula
    members = book[book.sheetnames[0]]
    assert sorted(row[0].value for row in members.iter_rows(min_row=2)) == sorted(["张党员", "李预备"])
    dues = book[book.sheetnames[3]]
    full = next(row for row in dues.iter_rows(min_row=2, values_only=True) if row[0] == "张党员")
    assert full[1:3] == ("✓", "✗")


def test_every_download_leaves_an_audit_line_under_the_organization(client, world, secretary_a):
    made = small_ledger_world(world, secretary_a)
    client.force_login(secretary_a)
    client.get(_url("ledger", world.branch_a1, made.year))
    assert not AuditEntry.objects.filter(
        action=AuditAction.EXPORT
    ).exists()  # reading the page is not an export
    client.get(_url("ledger_pdf", world.branch_a1, made.year))
    client.get(_url("ledger_export", world.branch_a1, made.year))
    lines = list(AuditEntry.objects.filter(action=AuditAction.EXPORT).order_by("id"))
    assert [line.changes["format"] for line in lines] == ["pdf", "xlsx"]
    assert all(line.org_path == world.branch_a1.path and line.user_id == secretary_a.pk for line in lines)
    assert all(line.changes["year"] == made.year for line in lines)


def test_the_org_page_offers_the_ledger_to_those_who_may_read_it(client, world, secretary_a, secretary_b):
    client.force_login(secretary_a)
    html = client.get(reverse("orgs:org_detail", args=[world.branch_a1.pk])).content.decode()
    assert 'data-panel="party-ledger"' in html
    assert _url("ledger", world.branch_a1, timezone.localdate().year) in html
    client.force_login(secretary_b)  # reads 光明社区's organizations, not 幸福社区's ledger
    assert (
        'data-panel="party-ledger"'
        in client.get(reverse("orgs:org_detail", args=[world.branch_b1.pk])).content.decode()
    )
    assert client.get(reverse("orgs:org_detail", args=[world.branch_a1.pk])).status_code == 404


def _many(world, count: int, year: int) -> None:
    people = [member(world.branch_a1, f"党员{index}") for index in range(count)]
    for index, one in enumerate(people):
        meeting(world.branch_a1, f"会议{index}", at(year, 1 + index % 12, 5), present=[one])
        hours(one, world.branch_a1, datetime.date(year, 6, 1), "1.0")


def test_the_ledger_costs_the_same_queries_for_3_and_30_members(client, world, secretary_a):
    year = last_year()
    client.force_login(secretary_a)
    url = _url("ledger", world.branch_a1, year)
    _many(world, 3, year)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _many(world, 27, year)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


def test_a_reader_of_the_member_ledger_only_sees_no_section_they_may_not_read(client, world, secretary_a):
    """A role with the members' view alone (an admin-made role) gets the member list and no
    meetings, dues, development or hours: a section is left out, never shown from records the
    user may not read."""
    from django.contrib.auth.models import Permission

    from dangjian.accounts.models import Role
    from tests.factories import UserFactory, assign

    made = small_ledger_world(world, secretary_a)
    role = Role.objects.create(code="ledger_reader", name="台账查阅")
    role.permissions.add(
        Permission.objects.get(content_type__app_label="members", codename="view_partymember")
    )
    reader = UserFactory(username="ledger_reader")
    assign(reader, "ledger_reader", world.org_a)
    ledger = party_ledger(world.branch_a1, made.year, reader)
    assert {line.name for line in ledger.members} == {"张党员", "李预备"}
    assert (ledger.meetings, ledger.dues, ledger.applicants, ledger.volunteering) == (None, None, None, None)
    client.force_login(reader)
    html = client.get(_url("ledger", world.branch_a1, made.year)).content.decode()
    assert "张党员" in html and 'id="dues"' not in html and "学习党章" not in html
    book = load_workbook(io.BytesIO(client.get(_url("ledger_export", world.branch_a1, made.year)).content))
    assert len(book.sheetnames) == 1
