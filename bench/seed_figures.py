"""Seed a scratch database for the service figures and map benchmarks, without the full generator.

Builds a district-shaped area tree (12 streets, 110 communities, 1,153 grids with square
boundaries), the matching party organizations, 8 × 5 categories, an ``admin`` login (password
``dangjian-demo-2026``) and ``--rows`` service requests (default 1,000,000) over the five years
before today, inserted by one SQL statement on PostgreSQL. Then times ``service.figures`` for the
whole district over the last full year (median, p95, query count).

    createdb -h 127.0.0.1 -U postgres -T template0 --locale=C.UTF-8 -E UTF8 dj_figures_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/dj_figures_bench
    .venv/bin/django-admin migrate --settings=dangjian.settings
    .venv/bin/python bench/seed_figures.py            # seed (once) and time
    .venv/bin/python bench/seed_figures.py --time-only
"""

from __future__ import annotations

import argparse
import datetime
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


def seed_trees() -> None:
    from dangjian.accounts.models import User
    from dangjian.orgs.choices import AreaKind, OrgKind
    from dangjian.orgs.models import Area, Organization
    from dangjian.service.models import Category

    def area(parent, name, code, kind, **fields):
        node = Area(name=name, code=code, kind=kind, **fields)
        node.refresh_search_fields()
        return (
            Area.objects.add_child(parent, instance=node) if parent else Area.objects.add_root(instance=node)
        )

    def org(parent, name, code, kind, **fields):
        node = Organization(name=name, code=code, kind=kind, **fields)
        node.refresh_search_fields()
        return (
            Organization.objects.add_child(parent, instance=node)
            if parent
            else Organization.objects.add_root(instance=node)
        )

    def category(parent, name, code):
        node = Category(name=name, code=code, limit_amount=3)
        node.refresh_search_fields()
        return (
            Category.objects.add_child(parent, instance=node)
            if parent
            else Category.objects.add_root(instance=node)
        )

    size = 0.004
    district = area(None, "示范区", "110199", AreaKind.DISTRICT)
    district_org = org(None, "中共示范区委员会", "D0001", OrgKind.DISTRICT_COMMITTEE, jurisdiction=district)
    grids = 0
    for s in range(12):
        street = area(district, f"第{s + 1}街道", f"110199{s:03d}", AreaKind.STREET)
        street_org = org(
            district_org,
            f"中共第{s + 1}街道工作委员会",
            f"S{s:04d}",
            OrgKind.WORKING_COMMITTEE,
            jurisdiction=street,
        )
        communities = 10 if s < 10 else 5
        for c in range(communities):
            community = area(
                street, f"第{s + 1}街道第{c + 1}社区", f"110199{s:03d}{c:03d}", AreaKind.COMMUNITY
            )
            org(
                street_org,
                f"中共第{s + 1}街道第{c + 1}社区委员会",
                f"C{s:03d}{c:03d}",
                OrgKind.PRIMARY_COMMITTEE,
                jurisdiction=community,
            )
            count = 11 if (s * 10 + c) < 53 else 10
            for g in range(count):
                west = 116.2 + (s % 4) * 0.12 + (c % 5) * 0.022 + (g % 5) * size
                south = 39.8 + (s // 4) * 0.1 + (c // 5) * 0.02 + (g // 5) * size
                ring = [
                    [west, south],
                    [west + size, south],
                    [west + size, south + size],
                    [west, south + size],
                    [west, south],
                ]
                area(
                    community,
                    f"第{c + 1}社区第{g + 1}网格",
                    f"110199{s:03d}{c:03d}G{g:02d}",
                    AreaKind.GRID,
                    boundary={"type": "Polygon", "coordinates": [ring]},
                )
                grids += 1
    for t in range(8):
        top = category(None, f"大类{t + 1}", f"T{t}")
        for leaf in range(5):
            category(top, f"大类{t + 1}小类{leaf + 1}", f"T{t}L{leaf}")
    if not User.objects.filter(username="admin").exists():
        User.objects.create_superuser("admin", "", "dangjian-demo-2026")
    print(f"trees: {grids} grids")


SQL = """
CREATE TEMP TABLE g AS
  SELECT row_number() OVER (ORDER BY a.path) AS rn, a.id, a.path, o.id AS org_id, o.path AS org_path,
         ((a.boundary->'coordinates'->0->0->>0)::numeric) AS lon, ((a.boundary->'coordinates'->0->0->>1)::numeric) AS lat
  FROM orgs_area a JOIN orgs_area p ON p.path = substr(a.path, 1, length(a.path) - 4)
  JOIN orgs_organization o ON o.jurisdiction_id = p.id
  WHERE a.kind = 'grid';
CREATE TEMP TABLE c AS
  SELECT row_number() OVER (ORDER BY path) AS rn, id, path FROM service_category WHERE depth = 2;
INSERT INTO service_servicerequest (
  tracking_code, source, category_id, category_path, title, description, address, latitude, longitude,
  area_id, area_path, org_id, org_path, contact_name, contact_phone_cipher, contact_phone_masked,
  phone_verified, state, state_before_suspension, service_mode, handler_org_id, handler_org_path,
  created_at, accepted_at, resolved_at, updated_at, due_at, limit_amount, limit_unit,
  suspended_working_hours, handling_working_hours, is_supervised, resolution, rejection_reason,
  visit_count, reopen_count, rating_level, rating_is_bad, rating_comment, follow_up_state, version)
SELECT 'B' || lpad(n::text, 10, '0'), 'portal', c.id, c.path, '诉求' || n, '小区门口垃圾三天没人清运，请尽快处理。',
  '某路某号', g.lat + 0.002, g.lon + 0.002,
  g.id, g.path, g.org_id, g.org_path, '', '', '138****0000', true,
  CASE WHEN r.created > now() - interval '10 days' AND r.x < 0.6 THEN 'in_progress'
       WHEN r.x < 0.03 THEN 'rejected'
       WHEN r.x < 0.032 THEN 'in_progress'
       WHEN r.x < 0.6 THEN 'rated' ELSE 'archived' END,
  '', 'ordinary', g.org_id, g.org_path,
  r.created,
  CASE WHEN r.x < 0.03 AND NOT (r.created > now() - interval '10 days' AND r.x < 0.6) THEN NULL
       ELSE r.created + interval '1 hour' END,
  CASE WHEN (r.created > now() - interval '10 days' AND r.x < 0.6) OR r.x < 0.032 THEN NULL
       ELSE r.created + r.y * interval '150 hours' END,
  r.created, r.created + interval '72 hours', 3, 'working_days', 0,
  CASE WHEN (r.created > now() - interval '10 days' AND r.x < 0.6) OR r.x < 0.032 THEN NULL
       ELSE round((r.y * 40)::numeric, 2) END,
  false, '', '', 1, 0, '',
  CASE WHEN (r.created > now() - interval '10 days' AND r.x < 0.6) OR r.x < 0.032 OR r.x >= 0.6 THEN NULL
       ELSE r.z < 0.08 END,
  '', '', 1
FROM (
  SELECT n, now() - random() * interval '1826 days' AS created, random() AS x, random() AS y, random() AS z,
         1 + floor(random() * (SELECT count(*) FROM g))::int AS gi,
         1 + floor(random() * (SELECT count(*) FROM c))::int AS ci
  FROM generate_series(1, %(rows)s) AS n
) r JOIN g ON g.rn = r.gi JOIN c ON c.rn = r.ci;
"""


def seed_requests(rows: int) -> None:
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        for statement in SQL.split(";\n"):
            if statement.strip():
                cursor.execute(statement, {"rows": rows} if "%(rows)s" in statement else None)
        cursor.execute("ANALYZE service_servicerequest")
    print(f"requests: {rows} in {time.perf_counter() - started:.1f} s")


def time_figures(repeat: int) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dangjian.core.periods import Period
    from dangjian.orgs.models import Area, Organization
    from dangjian.service import figures

    today = datetime.date.today()
    start, end = datetime.date(today.year - 1, 1, 1), datetime.date(today.year, 1, 1)
    district = Area.objects.get(depth=1)
    street = Area.objects.filter(depth=2).first()
    community_org = Organization.objects.filter(depth=3).first()
    cases = [
        ("district, last year", figures.Scope.for_node(district), start, end),
        ("street, last year", figures.Scope.for_node(street), start, end),
        ("community org, last year", figures.Scope.for_node(community_org), start, end),
        (
            "district, one month",
            figures.Scope.for_node(district),
            datetime.date(today.year - 1, 6, 1),
            datetime.date(today.year - 1, 7, 1),
        ),
    ]
    print(f"{'case':32} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
    for label, scope, period_start, period_end in cases:
        period = Period(period_start, period_end)
        figures.compute(scope, period)
        times = []
        for _ in range(repeat):
            began = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                report = figures.compute(scope, period, breakdowns=True)
            times.append((time.perf_counter() - began) * 1000)
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * len(times)) - 1)]
        print(
            f"{label:32} {statistics.median(times):10.1f} {p95:8.1f} {len(queries):8d}  received={report.total.received}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--time-only", action="store_true")
    args = parser.parse_args()
    setup_django()
    if not args.time_only:
        from dangjian.orgs.models import Area

        if not Area.objects.exists():
            seed_trees()
        seed_requests(args.rows)
    time_figures(args.repeat)


if __name__ == "__main__":
    main()
