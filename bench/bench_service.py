"""Timings and query counts of the service pages (issue 4) against a generated database.

Same method as ``bench_trees.py`` (whose helpers it uses): in-process with Django's test
``Client``, one warm-up request, then ``--repeat`` timed requests per page; median and p95 in
milliseconds and the SQL queries of one separate request. Personas: the district 组织部 admin
(``zzb_admin``), the street secretary (``jd_shuji``), the community secretary (``sq_shuji``),
the grid worker (``wgy``) and the 城管执法局 user (``bm_handler``). A URL name that does not
reverse yet is printed as ``missing`` (skipped); a node out of a persona's scope is not timed.

Pages (issue 4's acceptance: each under 200 ms p95 on PostgreSQL at district scale):

- ``service:request_list`` for the first 街道 with filters (area, state, category) and plain;
- ``service:queue`` of each persona (org handlers, the grid worker, the department user);
- ``service:request_detail`` of the newest rated request (a full timeline) of the first community
  and of the 城管执法局 (same state at every scale, so the page offers the same actions);
- ``service:figures`` for the whole district over last year (tree=area, node=<district>);
- ``service:map_data`` for the first 街道 (the map page's data);
- the configuration forms ``service:category_create`` and ``service:routing_create`` (they once
  listed every organization in scope) and the lookups that now feed them, ``orgs:org_lookup``
  and ``orgs:area_lookup``, with a typed name.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dj_bench_district \\
        .venv/bin/python bench/bench_service.py --repeat 30 --json

With ``--json`` the results go to ``bench/results/<scale>-<database>-service.json``, which
``compare_scales.py --suite service`` reads.
"""

from __future__ import annotations

import argparse
import datetime
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
PERSONAS = {
    "zzb_admin": "district admin",
    "jd_shuji": "street secretary",
    "sq_shuji": "community secretary",
    "wgy": "grid worker",
    "bm_handler": "department user",
}
# Cases each persona is timed on (the others are about another persona's view).
ALL = set(PERSONAS)


def build_cases() -> list[tuple[Case, set[str]]]:
    from dangjian.orgs.choices import AreaKind
    from dangjian.orgs.models import Area
    from dangjian.service.choices import RequestState
    from dangjian.service.models import Category, DepartmentMember, ServiceRequest

    district = Area.objects.filter(kind=AreaKind.DISTRICT).order_by("path").first()
    street = Area.objects.filter(kind=AreaKind.STREET).order_by("path").first()
    community = Area.objects.filter(kind=AreaKind.COMMUNITY).order_by("path").first()
    top = Category.objects.filter(depth=1).order_by("path").first()
    cases: list[tuple[Case, set[str]]] = []
    if street is not None:
        filters = f"area={street.pk}&state={RequestState.IN_PROGRESS}"
        if top is not None:
            filters += f"&category={top.pk}"
        cases += [
            (
                Case(
                    "service:request_list",
                    "street",
                    query=filters,
                    query_label="area=<street>&state&category",
                ),
                ALL,
            ),
            (
                Case(
                    "service:request_list", "street", query=f"area={street.pk}", query_label="area=<street>"
                ),
                ALL,
            ),
            (Case("service:request_list"), ALL),
        ]
    cases.append((Case("service:queue"), ALL))
    if community is not None:
        # A recent request of the first community with a full timeline (the newest rated one).
        request = (
            ServiceRequest.objects.filter(area_path__startswith=community.path, state=RequestState.RATED)
            .order_by("-created_at")
            .first()
        )
        if request is not None:
            cases.append(
                (Case("service:request_detail", "community", request.pk), ALL - {"bm_handler", "wgy"})
            )
    member = DepartmentMember.objects.filter(user__username="bm_handler").first()
    if member is not None:
        request = (
            ServiceRequest.objects.filter(
                handler_department_id=member.department_id, state=RequestState.RATED
            )
            .order_by("-created_at")
            .first()
        )
        if request is not None:
            cases.append(
                (Case("service:request_detail", "department", request.pk), {"bm_handler", "zzb_admin"})
            )
    last_year = datetime.date.today().year - 1
    if district is not None:
        cases.append(
            (
                Case(
                    "service:figures",
                    "district",
                    query=f"tree=area&node={district.pk}&period=last_year",
                    query_label=f"tree=area&node=<district>&period=last_year ({last_year})",
                ),
                {"zzb_admin"},
            )
        )
    if street is not None:
        cases.append(
            (
                Case(
                    "service:map_data",
                    "street",
                    query=f"tree=area&node={street.pk}&figure=overdue",
                    query_label="tree=area&node=<street>&figure=overdue",
                ),
                {"zzb_admin", "jd_shuji"},
            )
        )
    configurers = {"zzb_admin", "jd_shuji", "sq_shuji"}
    cases += [
        (Case("service:category_create"), configurers),
        (Case("service:routing_create"), configurers),
        # "党支部" matches thousands of branches at district scale; the lookup sends 20.
        (Case("orgs:org_lookup", query="q=%E5%85%9A%E6%94%AF%E9%83%A8", query_label="q=党支部"), ALL),
        (Case("orgs:area_lookup", query="q=%E7%BD%91%E6%A0%BC", query_label="q=网格"), ALL),
    ]
    return cases


def resolve(case: Case) -> str | None:
    from django.urls import NoReverseMatch, reverse

    try:
        url = reverse(case.name, kwargs={"pk": case.pk}) if case.pk is not None else reverse(case.name)
    except NoReverseMatch:
        return None
    return url + (f"?{case.query}" if case.query else "")


def run(repeat: int) -> list[Result]:
    from django.test import Client

    from dangjian.accounts.models import User

    cases = build_cases()
    results = []
    for username, persona in PERSONAS.items():
        user = User.objects.filter(username=username).first()
        if user is None:
            print(f"user {username} missing: generate the data first", file=sys.stderr)
            continue
        client = Client(raise_request_exception=True)
        client.force_login(user)
        for case, personas in cases:
            if username not in personas:
                continue
            url = resolve(case)
            if url is None:
                print(f"skipped {case.name}: the URL name does not reverse yet", file=sys.stderr)
                results.append(Result(case.key, persona, "missing"))
                continue
            try:
                status, median, p95, queries = measure(client, url, repeat)
            except Exception as error:  # a page under construction must not stop the run
                results.append(Result(case.key, persona, f"error {type(error).__name__}"))
                continue
            if status != "ok":
                # 404 for a node out of the persona's scope, 403 without the right: not timed.
                results.append(Result(case.key, persona, status))
                continue
            results.append(Result(case.key, persona, "ok", round(median, 1), round(p95, 1), queries))
    return results


def describe_service() -> dict:
    from dangjian.service.models import RequestEvent, ServiceRequest

    data = describe_data()
    data["requests"] = ServiceRequest.objects.count()
    data["request_events"] = RequestEvent.objects.count()
    return data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per URL (default 30)")
    parser.add_argument(
        "--json", action="store_true", help="also write bench/results/<scale>-<db>-service.json"
    )
    args = parser.parse_args()
    setup_django()
    data = describe_service()
    results = run(args.repeat)
    print(f"{data['requests']:,} requests, {data['request_events']:,} timeline events")
    print_table(results, data, args.repeat, TARGET_MS)
    if args.json:
        write_results(
            RESULTS_DIR / f"{data['scale']}-{data['database']}-service.json", data, args.repeat, results
        )


if __name__ == "__main__":
    main()
