"""Timings and query counts of the big screen (数据大屏, issue 13) against a generated database.

Same method as ``bench_workbench.py`` (helpers from ``bench_trees.py``): in-process with Django's
test ``Client``, one warm-up request, then ``--repeat`` timed requests; median and p95 in
milliseconds and the SQL queries of one separate request. For each persona (default: the district
admin ``zzb_admin``, the street secretary ``jd_shuji``, the community secretary ``sq_shuji``):

- ``screen cold``: ``/dashboard/screen/`` with the cache emptied and no kept values (the first
  load of a node: every figure and the 12 months of trends computed, the rows written);
- ``data nothing kept``: the refresh endpoint in the same state (a poll never meets it once the
  page has loaded: the page wrote the rows);
- ``data kept``: the refresh endpoint with the process cache emptied before every request and
  the kept rows fresh (``dashboard.screen.snapshots``): what every poll costs while the worker
  runs;
- ``data no worker``: the rows older than they may be shown, so the poll computes them again (once
  every five minutes for the headline figures, thirty for the trends, when no worker runs);
- ``data warm``: the refresh endpoint within the half minute (the process cache);
- ``map cold`` / ``map warm``: the grid map panel (``/dashboard/screen/map/``) computed (every
  grid's requests of the year) and from the cache (ten minutes).

It also times the worker's refresh of the rows the district admin's screen reads (once a minute
while someone watches) and prints the grid sentence of the district admin's screen.

Targets: first load < 1000 ms, refresh < 300 ms server time. The database is only read: the whole
run (sessions of ``force_login``, ``last_login``) sits in one transaction rolled back at the end.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dj_bench_district \\
        .venv/bin/python bench/bench_screen.py --repeat 10 --json

With ``--json`` the results go to ``bench/results/<scale>-<database>-screen.json``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_trees import RESULTS_DIR, Result, describe_data, measure, print_table, setup_django, write_results

TARGET_MS = 1000
REFRESH_TARGET_MS = 300
PERSONAS = {
    "zzb_admin": "district admin",
    "jd_shuji": "street secretary",
    "sq_shuji": "community secretary",
}


def _prepare(mode: str | bool) -> None:
    """Before every request: ``nothing`` empties the cache and deletes the kept rows, ``cache``
    empties the cache, ``stale`` empties it and ages the rows past what may be shown; False stops
    that."""
    import datetime

    from django.core.cache import cache
    from django.core.signals import request_started
    from django.utils import timezone

    from dangjian.dashboard.models import ScreenSnapshot

    def before(**kwargs) -> None:
        cache.clear()
        if mode == "nothing":
            ScreenSnapshot.objects.all().delete()
        elif mode == "stale":
            ScreenSnapshot.objects.update(computed_at=timezone.now() - datetime.timedelta(days=1))

    if mode:
        request_started.connect(before, weak=False, dispatch_uid="bench-screen-cold")
    else:
        request_started.disconnect(dispatch_uid="bench-screen-cold")
        cache.clear()


def run(repeat: int, personas: list[str]) -> list[Result]:
    from django.test import Client
    from django.urls import reverse

    from dangjian.accounts.models import User

    cases = (
        ("screen cold", reverse("dashboard:screen"), "nothing"),
        ("data nothing kept", reverse("dashboard:screen_data"), "nothing"),
        ("data kept", reverse("dashboard:screen_data"), "cache"),
        ("data no worker", reverse("dashboard:screen_data"), "stale"),
        ("data warm", reverse("dashboard:screen_data"), False),
        ("map cold", reverse("dashboard:screen_map"), "cache"),
        ("map warm", reverse("dashboard:screen_map"), False),
    )
    results = []
    for username in personas:
        persona = PERSONAS.get(username, username)
        user = User.objects.filter(username=username).first()
        if user is None:
            print(f"user {username} missing: generate the data first", file=sys.stderr)
            continue
        client = Client(raise_request_exception=True)
        client.force_login(user)
        client.get(reverse("dashboard:screen"))  # the rows of this user's screen exist
        for name, url, cold in cases:
            _prepare(cold)
            try:
                status, median, p95, queries = measure(client, url, repeat)
            except Exception as error:  # report and go on
                results.append(Result(name, persona, f"error {type(error).__name__}: {error}"))
                continue
            finally:
                if cold:
                    _prepare(False)
            if status != "ok":
                results.append(Result(name, persona, status))
                continue
            results.append(Result(name, persona, "ok", round(median, 1), round(p95, 1), queries))
    return results


def worker_refresh(username: str, repeat: int) -> tuple[int, list[float]]:
    """``(rows, seconds of each run)`` of the worker's refresh of the rows ``username``'s screen
    reads, aged past their freshness before each run."""
    import datetime
    import time

    from django.core.cache import cache
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from dangjian.accounts.models import User
    from dangjian.dashboard.models import ScreenSnapshot
    from dangjian.dashboard.screen.snapshots import refresh_screen_snapshots

    client = Client()
    client.force_login(User.objects.get(username=username))
    ScreenSnapshot.objects.all().delete()
    cache.clear()
    client.get(reverse("dashboard:screen"))
    timings, rows = [], 0
    for _ in range(repeat):
        ScreenSnapshot.objects.update(computed_at=timezone.now() - datetime.timedelta(hours=1))
        started = time.perf_counter()
        rows = refresh_screen_snapshots()
        timings.append(time.perf_counter() - started)
    return rows, timings


def grid_sentence(username: str) -> str:
    """The grid sentence of ``username``'s screen, as text."""
    import re

    from django.test import Client
    from django.urls import reverse

    from dangjian.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    data = client.get(reverse("dashboard:screen_data")).json()
    html = next((item["html"] for item in data["sentences"] if item["key"] == "grids"), "")
    return re.sub(r"<[^>]+>", "", html)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=10, help="timed requests per case (default 10)")
    parser.add_argument("--user", action="append", help="time only this demo login (repeatable)")
    parser.add_argument(
        "--json", action="store_true", help="also write bench/results/<scale>-<db>-screen.json"
    )
    args = parser.parse_args()
    setup_django()
    from django.db import transaction

    with transaction.atomic():
        data = describe_data()
        results = run(args.repeat, args.user or list(PERSONAS))
        sentence = grid_sentence("zzb_admin")
        rows, timings = worker_refresh("zzb_admin", max(3, args.repeat // 3))
        transaction.set_rollback(True)
    print_table(results, data, args.repeat, TARGET_MS)
    print(f"targets: first load (screen cold) < {TARGET_MS} ms, refresh (data) < {REFRESH_TARGET_MS} ms")
    timings.sort()
    print(
        f"worker refresh of the district admin's screen: {rows} rows, "
        f"median {timings[len(timings) // 2] * 1000:.0f} ms, max {timings[-1] * 1000:.0f} ms"
    )
    print(f"grid sentence (zzb_admin): {sentence}")
    if args.json:
        write_results(
            RESULTS_DIR / f"{data['scale']}-{data['database']}-screen.json", data, args.repeat, results
        )


if __name__ == "__main__":
    main()
