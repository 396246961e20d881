"""The ledger in Excel: an all-or-nothing import with a dry run and row errors, re-importing to
update, and the audited, masked export in the same columns."""

from __future__ import annotations

import io

from django.urls import reverse
from openpyxl import Workbook, load_workbook

from dangjian.core import excel
from dangjian.core.choices import AuditAction
from dangjian.core.models import AuditEntry, Person
from dangjian.volunteering.choices import VolunteerState, slot_bit
from dangjian.volunteering.ledger.imports import VOLUNTEER_SPEC, availability_text, parse_availability
from dangjian.volunteering.models import Volunteer
from tests.members.ledger_data import nth_id_number
from tests.volunteering.helpers import team, volunteer

HEADER = [
    "姓名",
    "身份证号",
    "手机号",
    "居住区域编码",
    "特长",
    "其他特长",
    "兴趣",
    "每月可服务小时",
    "每周可服务时间",
    "所在队伍",
    "状态",
]


def workbook_bytes(rows: list[list]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("志愿者台账")
    sheet.append([str(column.label) for column in VOLUNTEER_SPEC.columns])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def row(n: int, area: str = "110105001001G01", **overrides) -> list:
    values = {
        "name": f"志愿者{n}",
        "id_number": nth_id_number(n),
        "mobile": f"139{n:08d}",
        "area": area,
        "skills": "理发、会修钟表",
        "skills_note": "",
        "interests": "读书",
        "capacity_hours": 6,
        "availability": "周六上午、周日全天",
        "teams": "",
        "state": "",
    }
    values.update(overrides)
    return [values[column.key] for column in VOLUNTEER_SPEC.columns]


def test_availability_reads_and_writes_the_same_words():
    mask = parse_availability("周六上午、星期日全天，周一晚上")
    assert mask == slot_bit(5, 0) | slot_bit(6, 0) | slot_bit(6, 1) | slot_bit(6, 2) | slot_bit(0, 2)
    assert parse_availability(availability_text(mask)) == mask


def test_one_bad_row_imports_nothing_then_the_corrected_file_imports_all(world, secretary_a):
    rows = [row(n, "110105001001G01" if n % 2 else "110105001001G02") for n in range(40)]
    good = [list(values) for values in rows]
    rows[5][3] = "110105001002G01"  # 社区B's grid: not hers
    rows[9][8] = "周八上午"

    report = excel.commit(VOLUNTEER_SPEC, workbook_bytes(rows), by=secretary_a, file_name="台账.xlsx")

    assert not report.committed and [error.row for error in report.errors] == [7, 11]
    assert not Volunteer.objects.exists() and not Person.objects.exists()

    dry = excel.dry_run(VOLUNTEER_SPEC, workbook_bytes(good), by=secretary_a, file_name="台账.xlsx")
    assert dry.ok and dry.created == 40 and not Volunteer.objects.exists()

    report = excel.commit(VOLUNTEER_SPEC, workbook_bytes(good), by=secretary_a, file_name="台账.xlsx")
    assert report.committed and report.created == 40, report.errors[:3]
    made = Volunteer.objects.get(person__name="志愿者1")
    assert made.skills_note == "会修钟表" and [s.name for s in made.skills.all()] == ["理发"]
    assert made.availability == parse_availability("周六上午、周日全天")
    assert AuditEntry.objects.filter(action=AuditAction.IMPORT).count() == 1


def test_reimporting_updates_known_volunteers_and_counts_unchanged_ones(world, secretary_a):
    ours = team(world.grid_a1, world.org_a, "幸福队")
    excel.commit(VOLUNTEER_SPEC, workbook_bytes([row(1), row(2)]), by=secretary_a, file_name="a.xlsx")

    report = excel.commit(
        VOLUNTEER_SPEC,
        workbook_bytes([row(1), row(2, capacity_hours=12, teams="幸福队", state="paused")]),
        by=secretary_a,
        file_name="b.xlsx",
    )

    assert report.committed and (report.created, report.updated, report.unchanged) == (0, 1, 1)
    changed = Volunteer.objects.get(person__name="志愿者2")
    assert changed.capacity_hours == 12 and list(changed.teams.all()) == [ours]
    assert changed.state == VolunteerState.PAUSED


def test_the_import_page_runs_the_dry_run_then_commits(client, world, secretary_a):
    client.force_login(secretary_a)
    upload = io.BytesIO(workbook_bytes([row(3)]))
    upload.name = "台账.xlsx"

    response = client.post(reverse("volunteering:volunteer_import"), {"file": upload})
    token = response.context["token"]
    assert token and not Volunteer.objects.exists()
    response = client.post(reverse("volunteering:volunteer_import"), {"token": token})
    assert response.context["report"].committed and Volunteer.objects.count() == 1
    assert client.get(reverse("volunteering:volunteer_import_template")).status_code == 200


def test_the_export_is_filtered_masked_and_audited(client, world, secretary_a):
    person = Person(name="孔导出")
    person.mobile = "13912345678"
    person.id_number = nth_id_number(5)
    person.save()
    volunteer(world.grid_a1, world.org_a, person=person, availability=slot_bit(5, 0))
    volunteer(world.grid_a2, world.org_a, "曹别处")
    volunteer(world.community_b, world.org_b, "严社区乙")
    client.force_login(secretary_a)

    response = client.get(reverse("volunteering:volunteer_export"), {"area": world.grid_a1.pk})

    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(values) for values in sheet.iter_rows(min_row=2, values_only=True)]
    assert [values[0] for values in rows] == ["孔导出"]
    assert rows[0][1] != nth_id_number(5) and "*" in rows[0][1] and rows[0][2] == "139****5678"
    assert rows[0][8] == "周六上午"
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT)
    assert entry.changes["rows"] == 1 and entry.changes["filters"] == {"area": str(world.grid_a1.pk)}
