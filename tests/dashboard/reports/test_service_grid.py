"""Service figures by grid and month: every cell equals the figures store's compute for that grid
and month, requests placed above any grid get their own line, the files are audited, another
community answers 404, and the cost does not grow with requests or grids."""

from __future__ import annotations

import io
import subprocess

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from dangjian.core.choices import AuditAction
from dangjian.core.models import AuditEntry
from dangjian.core.periods import Period
from dangjian.core.registry import registry
from dangjian.dashboard.reports.service_grid import KEYS, service_grid
from dangjian.orgs.choices import AreaKind
from dangjian.service import figures
from dangjian.service.figures import Scope
from dangjian.service.models import ServiceRequest
from tests.factories import add_area
from tests.service.conftest import at, file_request, handler_a1, service_world  # noqa: F401 (fixtures)
from tests.service.test_figures import march  # noqa: F401 (the fixture of hand-made requests)

pytestmark = pytest.mark.django_db
YEAR = 2026


def _url(name: str, area, year: int = YEAR) -> str:
    return reverse(f"dashboard:reports:{name}", args=[area.pk, year])


@pytest.mark.usefixtures("march")
def test_every_cell_equals_the_figure_stores_compute_for_the_grid_and_month(world):
    report = service_grid(world.community_a, YEAR)
    assert [line.node for line in report.lines] == [world.grid_a1, world.grid_a2]
    for line in report.lines:
        for month, values in zip(report.months, line.months, strict=True):
            period = Period.month(month.year, month.month)
            expected = [registry["figures"][key].compute(line.node, period) for key in KEYS]
            assert values == expected, (line.label, month)
        assert line.total == [registry["figures"][key].compute(line.node, Period.year(YEAR)) for key in KEYS]
    assert report.total.total == [
        registry["figures"][key].compute(world.community_a, Period.year(YEAR)) for key in KEYS
    ]


@pytest.mark.usefixtures("march")
def test_the_grouped_counts_equal_the_per_period_compute(world):
    """``service.figures.node_month_figures`` (this report's two queries) equals ``compute``."""
    grids = [world.grid_a1, world.grid_a2]
    cells = figures.node_month_figures(Scope.for_node(world.community_a), Period.year(YEAR), grids)
    assert cells  # the fixture is not empty
    for grid in grids:
        for month in Period.year(YEAR).months():
            total = figures.compute(
                Scope.for_node(grid), Period.month(YEAR, month.month), breakdowns=False
            ).total
            cell = cells.get((grid.path, month), figures.Figures())
            for name in ("received", "resolved", "on_time", "rated", "satisfied"):
                assert getattr(cell, name) == getattr(total, name), (grid.name, month, name)


@pytest.mark.usefixtures("march")
def test_march_reads_as_counted_by_hand(world):
    report = service_grid(world.community_a, YEAR)
    first, second = report.lines
    march_index = 2
    # grid_a1: early, on_time, late and open received in March; three resolved, two on time;
    # one rated satisfied, one 差评. grid_a2: the 独居老人 request, resolved on time.
    assert first.months[march_index] == [4, 3, pytest.approx(2 / 3), 0.5]
    assert second.months[march_index] == [1, 1, 1.0, None]
    assert first.months[1][:2] == [1, 1]  # the February request


def test_requests_placed_above_any_grid_get_their_own_line(world, service_world):  # noqa: F811
    # Filed 待定位 on the community (an address, no grid yet). The rules accept a request only once
    # it is placed in a grid; an imported or older row may still be counted on the community
    # itself, so the report must not drop it: written directly here.
    filed = file_request(
        world, service_world.garbage, area=world.community_a, address="幸福路1号", now=at("2026-05-06 09:00")
    )
    ServiceRequest.objects.filter(pk=filed.pk).update(accepted_at=at("2026-05-06 10:00"))
    figures.rebuild_rollup()  # as after an import
    report = service_grid(world.community_a, YEAR)
    assert [line.node for line in report.lines] == [world.grid_a1, world.grid_a2, None]
    assert report.lines[-1].total[0] == registry["figures"]["service.received"].compute(
        world.community_a, Period.year(YEAR)
    )


def test_another_community_a_grid_and_impossible_years_answer_404(client, world, secretary_a):
    client.force_login(secretary_a)
    for name in ("service", "service_pdf", "service_export"):
        assert client.get(_url(name, world.community_b)).status_code == 404, name
        assert client.get(_url(name, world.street)).status_code == 404, name  # above her scope
        assert client.get(_url(name, world.grid_a1)).status_code == 404, name  # not a street or community
        assert client.get(_url(name, world.community_a, 9999)).status_code == 404, name
        assert (
            client.get(
                reverse(f"dashboard:reports:{name}", args=[10**18, YEAR]).replace(str(10**18), str(2**70))
            ).status_code
            == 404
        )
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()


@pytest.mark.usefixtures("march")
def test_the_page_pdf_and_workbook_show_the_grids_and_the_downloads_are_audited(
    client, world, secretary_a, tmp_path
):
    client.force_login(secretary_a)
    page = client.get(_url("service", world.community_a))
    assert page.status_code == 200
    assert world.grid_a1.name in page.content.decode() and "66.7%" in page.content.decode()
    pdf = client.get(_url("service_pdf", world.community_a))
    assert pdf.content.startswith(b"%PDF")
    path = tmp_path / "service.pdf"
    path.write_bytes(pdf.content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True).stdout.decode()
    assert world.community_a.name in text and world.grid_a2.name in text
    book = load_workbook(io.BytesIO(client.get(_url("service_export", world.community_a)).content))
    rows = list(book.active.iter_rows(min_row=2, values_only=True))
    assert (world.grid_a1.name, "2026-03", 4, 3, "66.7%", "50.0%") in rows
    lines = AuditEntry.objects.filter(action=AuditAction.EXPORT).order_by("id")
    assert [line.changes["format"] for line in lines] == ["pdf", "xlsx"]
    assert all(line.area_path == world.community_a.path for line in lines)


def test_the_report_costs_the_same_queries_for_3_and_30_requests_and_more_grids(
    client,
    world,
    secretary_a,
    service_world,  # noqa: F811
):
    client.force_login(secretary_a)
    url = _url("service", world.community_a)
    for _ in range(3):
        file_request(world, service_world.garbage, now=at("2026-04-06 09:00"))
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for index in range(27):
        file_request(
            world, service_world.garbage, area=world.grid_a2, now=at(f"2026-{1 + index % 11:02d}-06 09:00")
        )
    for number in range(3, 6):
        add_area(world.community_a, f"幸福社区第{number}网格", f"110105001001G0{number}", AreaKind.GRID)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)
