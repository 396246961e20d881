"""Timings and query counts of 我的 (a party member's own pages, issue 11 point 2) on generated data.

Same method as ``bench_service.py`` (``bench_trees``'s helpers): in-process with Django's test
``Client``, one warm-up request, then ``--repeat`` timed requests per page; median and p95 in
milliseconds and the SQL queries of one separate request. Personas: the demo member ``dangyuan``
and, when the demo data has one, the applicant ``shenqingren`` (only the overview and the
development page apply to an applicant). A user 我的 refuses (403) is shown as ``HTTP 403``.

Pages: ``mine:index`` (overview), ``mine:dues``, ``mine:meetings``, ``mine:ballots``,
``mine:service``, ``mine:transfers``, ``mine:development``; the target is 200 ms p95 at district
scale on PostgreSQL, and the query count must not grow with the data (the pages read only the
signed-in member's rows).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dj_bench_district \\
        .venv/bin/python bench/bench_mine.py --repeat 30 --json

With ``--json`` the results go to ``bench/results/<scale>-<database>-mine.json``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_trees import (
    RESULTS_DIR,
    Case,
    Result,
    describe_data,
    measure,
    print_table,
    setup_django,
    write_results,
)

TARGET_MS = 200
PERSONAS = {"dangyuan": "party member", "shenqingren": "applicant"}
MEMBER_PAGES = ["mine:index", "mine:dues", "mine:meetings", "mine:ballots", "mine:service", "mine:transfers"]
APPLICANT_PAGES = ["mine:index", "mine:development"]


def run(repeat: int) -> list[Result]:
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    from dangjian.accounts.models import User

    results = []
    for username, persona in PERSONAS.items():
        user = User.objects.filter(username=username).first()
        if user is None:
            print(f"user {username} missing: generate the data first", file=sys.stderr)
            continue
        client = Client(raise_request_exception=True)
        client.force_login(user)
        for name in MEMBER_PAGES if username == "dangyuan" else APPLICANT_PAGES:
            case = Case(name)
            try:
                url = reverse(name)
            except NoReverseMatch:
                results.append(Result(case.key, persona, "missing"))
                continue
            try:
                status, median, p95, queries = measure(client, url, repeat)
            except Exception as error:  # one broken page must not stop the run
                results.append(Result(case.key, persona, f"error {type(error).__name__}"))
                continue
            if status != "ok":
                results.append(Result(case.key, persona, status))
                continue
            results.append(Result(case.key, persona, "ok", round(median, 1), round(p95, 1), queries))
    return results


def describe_mine() -> dict:
    from dangjian.dues.models import DuesPayment
    from dangjian.life.models import Attendance

    data = describe_data()
    data["dues_payments"] = DuesPayment.objects.count()
    data["attendances"] = Attendance.objects.count()
    return data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per URL (default 30)")
    parser.add_argument("--json", action="store_true", help="also write bench/results/<scale>-<db>-mine.json")
    args = parser.parse_args()
    setup_django()
    data = describe_mine()
    results = run(args.repeat)
    print(f"{data['dues_payments']:,} dues payments, {data['attendances']:,} attendance rows")
    print_table(results, data, args.repeat, TARGET_MS)
    if args.json:
        write_results(
            RESULTS_DIR / f"{data['scale']}-{data['database']}-mine.json", data, args.repeat, results
        )


if __name__ == "__main__":
    main()
