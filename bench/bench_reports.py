"""Timings and query counts of the reports (issue 13): the service figures by grid and month of
the largest street and community, against the per-cell alternative (``compute`` of the figures
store for every grid, month and figure), and the 党建台账 of the largest branch (data, PDF, Excel).

Read-only: everything runs inside a transaction that is rolled back, nothing is audited (the
functions are called directly, not through the export views). In-process, one warm-up run, then
``--repeat`` timed runs; median and max in milliseconds and the SQL queries of one run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dj_bench_district \\
        PYTHONPATH=src .venv/bin/python bench/bench_reports.py --repeat 5
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path


def setup_django() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangjian.settings")
    import django

    django.setup()


def timed(label: str, function, repeat: int) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    function()  # warm-up
    with CaptureQueriesContext(connection) as queries:
        function()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    print(
        f"{label:<58} median {statistics.median(times):8.1f} ms  max {max(times):8.1f} ms  "
        f"queries {len(queries.captured_queries)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--year", type=int, default=0, help="the year to report (default: last year)")
    parser.add_argument(
        "--per-cell", action="store_true", help="also time the per-cell compute of a community"
    )
    options = parser.parse_args()
    setup_django()

    from django.db import transaction
    from django.db.models import Count
    from django.utils import timezone

    from dangjian.accounts.models import User
    from dangjian.core.periods import Period
    from dangjian.core.registry import registry
    from dangjian.dashboard.reports import exports, ledger, service_grid
    from dangjian.members.models import PartyMember
    from dangjian.orgs.choices import AreaKind
    from dangjian.orgs.models import Area, Organization
    from dangjian.service.models import ServiceRequest

    year = options.year or timezone.localdate().year - 1
    print(f"requests: {ServiceRequest.objects.count()}, members: {PartyMember.objects.count()}, year {year}")
    with transaction.atomic():
        street = _largest(Area, AreaKind.STREET)
        community = _largest(Area, AreaKind.COMMUNITY)
        for area in (street, community):
            grids = Area.objects.filter(path__startswith=area.path, kind=AreaKind.GRID).count()
            timed(
                f"service grid × month: {area.name} ({grids} grids)",
                lambda area=area: service_grid.service_grid(area, year),
                options.repeat,
            )
        report = service_grid.service_grid(street, year)
        timed("  its Excel workbook", lambda: exports.service_grid_workbook(report), options.repeat)
        if options.per_cell:
            grids = list(Area.objects.filter(path__startswith=community.path, kind=AreaKind.GRID))

            def per_cell() -> None:
                for grid in grids:
                    for month in range(1, 13):
                        for key in service_grid.KEYS:
                            registry["figures"][key].compute(grid, Period.month(year, month))

            timed(f"  per-cell compute instead ({len(grids)} grids × 12 × 4)", per_cell, 1)

        admin = User.objects.filter(is_superuser=True).order_by("id").first()
        branch = (
            Organization.objects.filter(members__is_active=True)
            .annotate(n=Count("members"))
            .order_by("-n", "id")
            .first()
        )
        size = PartyMember.objects.filter(org__path__startswith=branch.path, is_active=True).count()
        timed(
            f"党建台账 data: {branch.name} ({size} members)",
            lambda: ledger.party_ledger(branch, year, admin),
            options.repeat,
        )
        data = ledger.party_ledger(branch, year, admin)
        timed("  its Excel workbook", lambda: exports.ledger_workbook(data), options.repeat)
        timed("  its PDF", lambda: _pdf(data, branch, year), max(1, options.repeat // 2))
        transaction.set_rollback(True)


def _largest(model, kind):
    """The area of ``kind`` with the most grids (among the first 50)."""
    from dangjian.orgs.choices import AreaKind

    candidates = list(model.objects.filter(kind=kind).order_by("path")[:50])
    grids = {
        area.pk: model.objects.filter(path__startswith=area.path, kind=AreaKind.GRID).count()
        for area in candidates
    }
    return max(candidates, key=lambda area: (grids[area.pk], -area.pk))


def _pdf(data, org, year) -> bytes:
    from django.utils import timezone

    from dangjian.core.pdf import render_pdf
    from dangjian.dashboard.reports.ledger import MONTH_MARKS

    context = {"ledger": data, "org": org, "year": year, "marks": MONTH_MARKS, "today": timezone.localdate()}
    return render_pdf("dashboard/reports/ledger_pdf.html", context)


if __name__ == "__main__":
    main()
