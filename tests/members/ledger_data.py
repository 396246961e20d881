"""Helpers of the member ledger tests: valid ID numbers, members with dates, 采集表 sheets."""

from __future__ import annotations

import datetime
import io

from openpyxl import Workbook

from dangjian.core.models import Person
from dangjian.core.validators import id_number_check_digit
from dangjian.members.choices import MemberCategory, MemberStatus
from dangjian.members.models import PartyMember

HEADER = [
    "姓名",
    "性别",
    "民族",
    "出生日期",
    "身份证号",
    "学历",
    "手机号",
    "所在党组织",
    "党员状态",
    "人员类别",
    "入党日期",
    "转正日期",
    "工作单位",
    "职务",
    "流出地",
    "失联",
]


def id_number(index: int, birth: datetime.date = datetime.date(1980, 1, 1), region: str = "110105") -> str:
    """A valid 18-character ID number (GB 11643 check digit), distinct for each ``index`` < 1000."""
    first17 = f"{region}{birth:%Y%m%d}{index % 1000:03d}"
    return first17 + id_number_check_digit(first17)


def nth_id_number(n: int) -> str:
    """The n-th of many distinct valid ID numbers (birth dates spread over 1950–1999)."""
    birth = datetime.date(1950, 1, 1) + datetime.timedelta(days=n // 1000 * 7)
    return id_number(n % 1000, birth)


def make_member(
    org,
    name: str = "张伟",
    *,
    number: int = 0,
    birth: datetime.date = datetime.date(1980, 1, 1),
    status: str = MemberStatus.FULL,
    category: str = MemberCategory.EMPLOYED,
    joined_on: datetime.date = datetime.date(2005, 7, 1),
    regularized_on: datetime.date | None = datetime.date(2006, 7, 1),
    education: str = "",
    **fields,
) -> PartyMember:
    person = Person(name=name, birth_date=birth, gender="male", education=education)
    person.id_number = id_number(number, birth)
    person.mobile = f"138{number:08d}"
    person.save()
    return PartyMember.objects.create(
        person=person,
        org=org,
        status=status,
        category=category,
        joined_on=joined_on,
        regularized_on=regularized_on if status == MemberStatus.FULL else None,
        **fields,
    )


def sheet_row(n: int, org_code: str = "B0001", **overrides) -> list:
    birth = datetime.date(1950, 1, 1) + datetime.timedelta(days=n // 1000 * 7)
    values = {
        "姓名": f"党员{n}",
        "性别": "",
        "民族": "汉族",
        "出生日期": None,
        "身份证号": nth_id_number(n),
        "学历": "大学本科",
        "手机号": f"139{n:08d}",
        "所在党组织": org_code,
        "党员状态": "正式党员",
        "人员类别": "在职",
        "入党日期": datetime.date(birth.year + 25, 7, 1),
        "转正日期": datetime.date(birth.year + 26, 7, 1),
        "工作单位": "示范区财政局",
        "职务": "科员",
        "流出地": "",
        "失联": "否",
    }
    values.update(overrides)
    return [values[column] for column in HEADER]


def workbook_bytes(rows: list[list]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("党员信息采集表")
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
