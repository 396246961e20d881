"""Timings and query counts of the 工作台 (issue 11 point 1) for every demo role, against a
generated database.

Same method as ``bench_trees.py`` and ``bench_service.py`` (whose helpers it uses): in-process
with Django's test ``Client``, one warm-up request, then ``--repeat`` timed requests of ``/``;
median and p95 in milliseconds and the SQL queries of one separate request. Personas: every demo
login (``admin``, ``zzb_admin``, ``jd_shuji``, ``sq_shuji``, ``wgy``, ``bm_handler``,
``dangyuan``, ``jumin``). Target: **150 ms p95** on PostgreSQL at ``district`` scale for every
role, and the same query count at every scale (``compare_scales.py --suite workbench``). The
street- and district-wide aggregates (三会一课 still to hold, the key figures) are cached for a
minute (``core.workbench.CACHE_SECONDS``); ``--cold`` empties the cache before every request to
time their computation. A street's or the district's arrears and 三会一课 still to hold come from
the snapshots the worker refreshes every five minutes (``core.workbench.SNAPSHOT_EVERY``); the
bench refreshes them first, as the worker would, and prints how long each refresh took
(``--no-snapshots`` times the page without them: every wide count computed live).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dj_bench_district \\
        .venv/bin/python bench/bench_workbench.py --repeat 30 --json

With ``--json`` the results go to ``bench/results/<scale>-<database>-workbench.json``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_trees import RESULTS_DIR, Result, describe_data, measure, print_table, setup_django, write_results

TARGET_MS = 150
PERSONAS = {
    "admin": "system admin",
    "zzb_admin": "district admin",
    "jd_shuji": "street secretary",
    "sq_shuji": "community secretary",
    "wgy": "grid worker",
    "bm_handler": "department user",
    "dangyuan": "party member",
    "jumin": "resident",
}


def run(repeat: int, personas: list[str], cold: bool = False) -> list[Result]:
    from django.test import Client
    from django.urls import reverse

    from dangjian.accounts.models import User

    url = reverse("home")
    results = []
    for username in personas:
        persona = PERSONAS.get(username, username)
        user = User.objects.filter(username=username).first()
        if user is None:
            print(f"user {username} missing: generate the data first", file=sys.stderr)
            continue
        client = Client(raise_request_exception=True)
        client.force_login(user)
        if cold:
            # Every request computes the street- or district-wide aggregates the page caches.
            from django.core.cache import cache
            from django.core.signals import request_started

            request_started.connect(lambda **kwargs: cache.clear(), weak=False, dispatch_uid="bench-cold")
        try:
            status, median, p95, queries = measure(client, url, repeat)
        except Exception as error:  # report and go on with the other roles
            results.append(Result("home", persona, f"error {type(error).__name__}: {error}"))
            continue
        if status != "ok":
            results.append(Result("home", persona, status))
            continue
        results.append(Result("home", persona, "ok", round(median, 1), round(p95, 1), queries))
    return results


def refresh_snapshots() -> dict[str, float]:
    """Run the worker's snapshot jobs once, as it does every five minutes; their times in ms."""
    import time

    from dangjian.dues.snapshot import refresh_arrears_snapshot
    from dangjian.life.snapshot import refresh_outstanding_snapshot
    from dangjian.orgs.snapshot import refresh_key_figure_snapshot

    times = {}
    jobs = (
        ("arrears", refresh_arrears_snapshot),
        ("meetings", refresh_outstanding_snapshot),
        ("key figures", refresh_key_figure_snapshot),
    )
    for name, refresh in jobs:
        started = time.perf_counter()
        rows = refresh()
        times[name] = round((time.perf_counter() - started) * 1000, 1)
        print(
            f"snapshot refresh ({name}): {rows:,} rows in {times[name]:,.1f} ms (the worker, every 5 minutes)"
        )
    return times


def drop_snapshots() -> None:
    from dangjian.dues.models import ArrearsSnapshot
    from dangjian.life.models import OutstandingSnapshot
    from dangjian.orgs.models import KeyFigureSnapshot

    for model in (ArrearsSnapshot, OutstandingSnapshot, KeyFigureSnapshot):
        model.objects.all().delete()


def describe_workbench() -> dict:
    from dangjian.service.models import ServiceRequest

    data = describe_data()
    data["requests"] = ServiceRequest.objects.count()
    return data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per role (default 30)")
    parser.add_argument(
        "--user", action="append", help="time only this demo login (repeatable; default: every one)"
    )
    parser.add_argument(
        "--cold",
        action="store_true",
        help="empty the cache before every request (the aggregates cached for a minute are computed each time)",
    )
    parser.add_argument(
        "--no-snapshots",
        action="store_true",
        help="delete the worker's snapshots first: the wide arrears and meetings counts are computed live",
    )
    parser.add_argument(
        "--json", action="store_true", help="also write bench/results/<scale>-<db>-workbench.json"
    )
    args = parser.parse_args()
    setup_django()
    data = describe_workbench()
    if args.no_snapshots:
        drop_snapshots()
    else:
        data["snapshot_refresh_ms"] = refresh_snapshots()
    results = run(args.repeat, args.user or list(PERSONAS), cold=args.cold)
    print(f"{data['requests']:,} requests")
    print_table(results, data, args.repeat, TARGET_MS)
    if args.json:
        suffix = ("-cold" if args.cold else "") + ("-no-snapshots" if args.no_snapshots else "")
        write_results(
            RESULTS_DIR / f"{data['scale']}-{data['database']}-workbench{suffix}.json",
            data,
            args.repeat,
            results,
        )


if __name__ == "__main__":
    main()
