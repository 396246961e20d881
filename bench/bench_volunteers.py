"""Timings and query counts of the volunteer ledger (志愿者台账, issue 12) on generated data.

Acceptance: the volunteer list, its search for the commonest surnames (张, 王, 李) and a
community's volunteer figures answer under 150 ms p95 on PostgreSQL at ``district`` scale, with
query counts that do not grow from ``community`` to ``district``. Same method as
``bench_trees.py``: in-process with Django's test ``Client``, one warm-up request, ``--repeat``
timed requests, queries counted on a separate request. The figures (``volunteering.volunteers``
of the community and of its organization, and the 工作台 card) are timed as the registry calls
them, function calls rather than pages.

Personas: the district 组织部 admin (``zzb_admin``) and the community secretary (``sq_shuji``).
Runs against whatever database ``DATABASE_URL`` names (SQLite by default)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dj_bench_district \\
        .venv/bin/python bench/bench_volunteers.py --repeat 30 --json

With ``--json`` the results go to ``bench/results/<scale>-<database>-volunteers.json``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_trees import (
    RESULTS_DIR,
    Result,
    describe_data,
    measure,
    percentile,
    print_table,
    setup_django,
    write_results,
)

TARGET_MS = 150
PERSONAS = {"zzb_admin": "district admin", "sq_shuji": "community secretary"}
SURNAMES = ["张", "王", "李"]


def _community():
    from dangjian.accounts.models import User
    from dangjian.orgs.choices import AreaKind
    from dangjian.orgs.models import Area

    secretary = User.objects.filter(username="sq_shuji").first()
    assignment = secretary.role_assignments.select_related("org__jurisdiction").first() if secretary else None
    if assignment is not None and assignment.org is not None and assignment.org.jurisdiction is not None:
        return assignment.org.jurisdiction, assignment.org
    community = Area.objects.filter(kind=AreaKind.COMMUNITY).order_by("path").first()
    return community, None


def page_cases() -> list[tuple[str, str]]:
    """(key, URL) of the pages and API calls to time."""
    from django.urls import reverse

    community, _org = _community()
    listing = reverse("volunteering:volunteer_list")
    api = reverse("api:volunteering_volunteer_list")
    cases = [("volunteering:volunteer_list", listing)]
    cases += [
        (f"volunteering:volunteer_list ?q={name}", f"{listing}?{urlencode({'q': name})}") for name in SURNAMES
    ]
    cases.append(("volunteering:volunteer_list ?q=zhang", f"{listing}?q=zhang"))
    if community is not None:
        records = urlencode({"area": community.pk, "state": "active"})
        cases.append(("volunteering:volunteer_list ?area=<community>&state=active", f"{listing}?{records}"))
        cases.append(
            (
                "volunteering:volunteer_list ?area=<community>&skill&slot",
                f"{listing}?{urlencode({'area': community.pk, 'skill': _a_skill(), 'slot': 15})}",
            )
        )
    cases.append(("api:volunteering_volunteer_list", api))
    cases += [
        (f"api:volunteering_volunteer_list ?q={name}", f"{api}?{urlencode({'q': name})}") for name in SURNAMES
    ]
    return cases


def _a_skill() -> int:
    from dangjian.volunteering.models import Skill

    skill = Skill.objects.filter(is_active=True).order_by("pk").first()
    return skill.pk if skill else 0


def time_call(call: Callable[[], object], repeat: int) -> tuple[float, float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call()  # warm-up
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        timings.append((time.perf_counter() - start) * 1000)
    with CaptureQueriesContext(connection) as captured:
        call()
    return statistics.median(timings), percentile(timings, 0.95), len(captured.captured_queries)


def figure_cases(user) -> list[tuple[str, Callable[[], object]]]:
    from django.utils import timezone

    from dangjian.core.periods import Period
    from dangjian.core.registry import get_figure
    from dangjian.volunteering.ledger.registry import staff_card

    community, org = _community()
    figure = get_figure("volunteering.volunteers")
    today = timezone.localdate()
    period = Period(today.replace(month=1, day=1), today)
    cases: list[tuple[str, Callable[[], object]]] = []
    if community is not None:
        cases.append(
            ("figure volunteering.volunteers [community]", lambda: figure.compute(community, period))
        )
    if org is not None:
        cases.append(("figure volunteering.volunteers [community org]", lambda: figure.compute(org, period)))
    cases.append(("card volunteering.volunteers (工作台)", lambda: staff_card(user)))
    return cases


def run(repeat: int) -> list[Result]:
    from django.test import Client

    from dangjian.accounts.models import User

    results = []
    for username, persona in PERSONAS.items():
        user = User.objects.filter(username=username).first()
        if user is None:
            print(f"user {username} missing: generate the data first", file=sys.stderr)
            continue
        client = Client(raise_request_exception=True)
        client.force_login(user)
        for key, url in page_cases():
            try:
                status, median, p95, queries = measure(client, url, repeat)
            except Exception as error:  # one broken page must not stop the run
                results.append(Result(key, persona, f"error {type(error).__name__}"))
                continue
            if status != "ok":
                results.append(Result(key, persona, status))
                continue
            results.append(Result(key, persona, "ok", round(median, 1), round(p95, 1), queries))
        for key, call in figure_cases(user):
            median, p95, queries = time_call(call, repeat)
            results.append(Result(key, persona, "ok", round(median, 1), round(p95, 1), queries))
    return results


def describe_volunteers() -> dict:
    from dangjian.volunteering.models import Team, Volunteer

    data = describe_data()
    data["volunteers"] = Volunteer.objects.count()
    data["teams"] = Team.objects.count()
    return data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per case (default 30)")
    parser.add_argument(
        "--json", action="store_true", help="also write bench/results/<scale>-<db>-volunteers.json"
    )
    args = parser.parse_args()
    setup_django()
    data = describe_volunteers()
    results = run(args.repeat)
    print(f"{data['volunteers']:,} volunteers, {data['teams']:,} teams")
    print_table(results, data, args.repeat, TARGET_MS)
    if args.json:
        write_results(
            RESULTS_DIR / f"{data['scale']}-{data['database']}-volunteers.json", data, args.repeat, results
        )


if __name__ == "__main__":
    main()
