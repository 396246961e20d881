"""Timings and query counts of the big screen (数据大屏, issue 13) against a generated database.

Same method as ``bench_workbench.py`` (helpers from ``bench_trees.py``): in-process with Django's
test ``Client``, one warm-up request, then ``--repeat`` timed requests; median and p95 in
milliseconds and the SQL queries of one separate request. For each persona (default: the district
admin ``zzb_admin``, the street secretary ``jd_shuji``, the community secretary ``sq_shuji``):

- ``screen cold``: ``/dashboard/screen/`` with the cache emptied before every request (the first
  load: every figure and the 12 months of trends computed);
- ``data cold``: the refresh endpoint ``/dashboard/screen/data/`` with the cache emptied (the
  headline figures and the trends both computed: a poll at worst, once every ten minutes);
- ``data minute``: the refresh endpoint after the period's figures' one-minute cache expired,
  the counts "now" and the trends (kept ten minutes) still cached: what most polls of a lone
  viewer cost;
- ``data warm``: the refresh endpoint within the minute (read from the cache).

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


def _cold(enabled: bool | str) -> None:
    """Before every request: empty the cache (True), or drop only the headline values of
    ``enabled`` (a cache key); False stops that and empties the cache once."""
    from django.core.cache import cache
    from django.core.signals import request_started

    if enabled is True:
        request_started.connect(lambda **kwargs: cache.clear(), weak=False, dispatch_uid="bench-screen-cold")
    elif enabled:
        request_started.connect(
            lambda **kwargs: cache.delete(f"workbench:{enabled}"),
            weak=False,
            dispatch_uid="bench-screen-cold",
        )
    else:
        request_started.disconnect(dispatch_uid="bench-screen-cold")
        cache.clear()


def _values_key(user) -> str:
    """The cache key of the headline figures of the period (kept a minute) of the user's default
    screen this year."""
    from django.utils import timezone

    from dangjian.core.periods import Period
    from dangjian.dashboard.screen import content

    node = content.default_node(user)
    keys = [key for key, _figure in content.readable_figures(user, node)]
    return content.value_groups(node, Period.year(timezone.localdate().year), keys)[0][0]


def run(repeat: int, personas: list[str]) -> list[Result]:
    from django.test import Client
    from django.urls import reverse

    from dangjian.accounts.models import User

    cases = (
        ("screen cold", reverse("dashboard:screen"), True),
        ("data cold", reverse("dashboard:screen_data"), True),
        ("data minute", reverse("dashboard:screen_data"), "values"),
        ("data warm", reverse("dashboard:screen_data"), False),
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
        for name, url, cold in cases:
            _cold(_values_key(user) if cold == "values" else cold)
            try:
                status, median, p95, queries = measure(client, url, repeat)
            except Exception as error:  # report and go on
                results.append(Result(name, persona, f"error {type(error).__name__}: {error}"))
                continue
            finally:
                if cold:
                    _cold(False)
            if status != "ok":
                results.append(Result(name, persona, status))
                continue
            results.append(Result(name, persona, "ok", round(median, 1), round(p95, 1), queries))
    return results


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
        transaction.set_rollback(True)
    print_table(results, data, args.repeat, TARGET_MS)
    print(f"targets: first load (screen cold) < {TARGET_MS} ms, refresh (data) < {REFRESH_TARGET_MS} ms")
    if args.json:
        write_results(
            RESULTS_DIR / f"{data['scale']}-{data['database']}-screen.json", data, args.repeat, results
        )


if __name__ == "__main__":
    main()
