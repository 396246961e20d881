"""Cost of 党员积分's posting on generated data (issue 13 point 3).

Two parts:

1. ``sources`` (read-only, safe on the shared ``dj_bench_district``): how long each registered
   point source takes to stream its events over the last full month and the last twelve
   months, and how many events it yields. Each source is one set-based query.
2. ``post`` (writes; a database with the member_points tables, e.g. a community-scale SQLite):
   ``post_points`` over the last twelve months, then again (the second run posts nothing).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dj_bench_district \\
        PYTHONPATH=src .venv/bin/python bench/bench_member_points.py sources
    PYTHONPATH=src .venv/bin/python bench/bench_member_points.py post
"""

from __future__ import annotations

import argparse
import datetime
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_trees import setup_django


def _windows(today: datetime.date) -> dict[str, tuple[datetime.date, datetime.date]]:
    first = today.replace(day=1)
    last_month_end = first - datetime.timedelta(days=1)
    return {
        "last month": (last_month_end.replace(day=1), last_month_end),
        "12 months": (first.replace(year=first.year - 1), today),
    }


def sources() -> None:
    from django.db import connection
    from django.utils import timezone

    from dangjian.core.registry import registry

    print(f"database: {connection.vendor} {connection.settings_dict.get('NAME')}")
    print(f"{'source':24} {'window':12} {'events':>10} {'seconds':>9}")
    for label, (since, until) in _windows(timezone.localdate()).items():
        for key, source in sorted(registry["point_sources"].items()):
            started = time.perf_counter()
            count = sum(1 for _event in source.events(since, until))
            print(f"{key:24} {label:12} {count:>10,} {time.perf_counter() - started:>9.2f}")


def post() -> None:
    from django.db import connection
    from django.utils import timezone

    from dangjian.member_points.models import PointEntry
    from dangjian.member_points.services import ensure_default_rules, post_points

    today = timezone.localdate()
    since, until = _windows(today)["12 months"]
    ensure_default_rules(since)
    print(f"database: {connection.vendor} {connection.settings_dict.get('NAME')}")
    for run in ("first", "second"):
        started = time.perf_counter()
        result = post_points(since, until)
        seconds = time.perf_counter() - started
        print(f"{run} run: {result.events:,} events, {result.created:,} entries, {seconds:.2f} s")
    print(f"entries in the table: {PointEntry.objects.count():,}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("part", choices=["sources", "post"])
    arguments = parser.parse_args()
    setup_django()
    {"sources": sources, "post": post}[arguments.part]()
