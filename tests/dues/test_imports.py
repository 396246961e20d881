"""Importing a branch's declarations from Excel: dry run, commit, row errors, scope."""

from __future__ import annotations

import io
from decimal import Decimal

from django.urls import reverse
from openpyxl import Workbook

from dangjian.dues.models import DuesDeclaration
from tests.dues.helpers import add_member, current_month

ID_A = "110105199001011234"
ID_B = "11010519850202002X"


def _member_with_id(org, name: str, id_number: str):
    member = add_member(org, name)
    member.person.id_number = id_number
    member.person.save()
    return member


def _workbook(rows: list[list]) -> io.BytesIO:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["身份证号", "姓名", "年度", "党费类别", "月计算基数（元）", "申报日期"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "申报.xlsx"
    return buffer


def test_declarations_are_imported_after_the_dry_run(client, world, secretary_a):
    zhang = _member_with_id(world.branch_a1, "张三", ID_A)
    year = current_month().year
    client.force_login(secretary_a)
    url = reverse("dues:declaration_import", kwargs={"org_pk": world.branch_a1.pk})

    checked = client.post(url, {"file": _workbook([[ID_A, "张三", year, "在职", 8000, None]])})
    assert checked.status_code == 200 and not DuesDeclaration.objects.exists()
    token = checked.context["token"]
    assert token

    client.post(url, {"token": token})

    declaration = DuesDeclaration.objects.get(member=zhang, year=year)
    assert declaration.monthly_amount == Decimal("120.00")


def test_rows_of_members_outside_the_branch_or_with_another_name_are_refused(client, world, secretary_a):
    _member_with_id(world.branch_a1, "张三", ID_A)
    _member_with_id(world.branch_b1, "李四", ID_B)
    year = current_month().year
    client.force_login(secretary_a)
    url = reverse("dues:declaration_import", kwargs={"org_pk": world.branch_a1.pk})

    response = client.post(
        url,
        {
            "file": _workbook(
                [[ID_A, "王五", year, "在职", 8000, None], [ID_B, "李四", year, "学生", None, None]]
            )
        },
    )

    page = response.content.decode()
    assert "没有使用此身份证号的在册党员" in page and "而不是“王五”" in page
    assert len(response.context["report"].errors) == 2
    assert not DuesDeclaration.objects.exists()


def test_template_download_has_the_columns(client, world, secretary_a):
    client.force_login(secretary_a)
    response = client.get(reverse("dues:declaration_import_template", kwargs={"org_pk": world.branch_a1.pk}))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
