"""Timings and query counts of the tree pages and the tree API against a generated database.

Runs in-process with Django's test ``Client`` as two personas: the district 组织部 admin
(``zzb_admin``) and a community secretary (``sq_shuji``), both created by the generator. Each
page or endpoint is requested ``--repeat`` times after one warm-up request; the table shows
the median and p95 in milliseconds and the number of SQL queries of one request. URL names
that do not resolve (not written yet) are reported as "missing" rather than failing.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dj_bench_district \\
        .venv/bin/python bench/bench_trees.py --repeat 30 --json
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import platform
import statistics
import sys
import time
import unicodedata
from dataclasses import asdict, dataclass
from pathlib import Path

RESULTS_DIR = Path(__file__).resolve().parent / "results"
PERSONAS = {"zzb_admin": "district admin", "sq_shuji": "community secretary"}


@dataclass
class Case:
    """One request to measure: a URL name, the node it is about, and a query string."""

    name: str
    target: str = ""  # "root", "street", "community", "branch", "grid": same key at every scale
    pk: int | None = None
    query: str = ""
    # Names the query in the key, since search words are taken from the data and vary by scale.
    query_label: str = ""

    @property
    def key(self) -> str:
        label = self.name + (f" [{self.target}]" if self.target else "")
        return label + (f" ?{self.query_label or self.query}" if self.query else "")


@dataclass
class Result:
    key: str
    persona: str
    status: str
    median_ms: float | None = None
    p95_ms: float | None = None
    queries: int | None = None


def setup_django() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangjian.settings")
    import django

    django.setup()


def build_cases() -> list[Case]:
    """The requests to time, pointed at the first district's nodes of each level."""
    from dangjian.core.models import Person
    from dangjian.orgs.choices import AreaKind, OrgKind
    from dangjian.orgs.models import Area, Organization

    root_org = Organization.objects.filter(depth=1).order_by("path").first()
    street_org = Organization.objects.filter(kind=OrgKind.WORKING_COMMITTEE).order_by("path").first()
    community_org = Organization.objects.filter(kind=OrgKind.PRIMARY_COMMITTEE).order_by("path").first()
    branch = Organization.objects.filter(kind=OrgKind.BRANCH, path__startswith=community_org.path).first()
    areas = {
        kind: Area.objects.filter(kind=kind).order_by("path").first()
        for kind in (AreaKind.DISTRICT, AreaKind.STREET, AreaKind.COMMUNITY, AreaKind.GRID)
    }
    # Search words taken from the data so they find something at every scale.
    community_word = areas[AreaKind.COMMUNITY].name[:2]
    surname = Person.objects.order_by("id").values_list("name", flat=True).first()[:1]

    org_nodes = {"root": root_org, "street": street_org, "community": community_org, "branch": branch}
    area_nodes = {
        "district": areas[AreaKind.DISTRICT],
        "street": areas[AreaKind.STREET],
        "community": areas[AreaKind.COMMUNITY],
        "grid": areas[AreaKind.GRID],
    }
    cases = [
        Case("orgs:org_tree"),
        Case("orgs:org_list"),
        Case("orgs:org_list", query=f"q={community_word}", query_label="q=<community name>"),
    ]
    cases += [
        Case("orgs:org_children", target, node.pk) for target, node in org_nodes.items() if target != "branch"
    ]
    cases += [Case("orgs:org_detail", target, node.pk) for target, node in org_nodes.items()]
    cases += [
        Case("orgs:area_tree"),
        Case("orgs:area_list"),
        Case("orgs:area_list", query=f"q={community_word}", query_label="q=<community name>"),
    ]
    cases += [Case("orgs:area_children", target, node.pk) for target, node in area_nodes.items()]
    cases += [Case("orgs:area_detail", target, node.pk) for target, node in area_nodes.items()]
    cases += [
        Case("members:person_list"),
        Case("members:person_list", query=f"q={surname}", query_label="q=<surname>"),
        Case("members:person_list", query="q=zhangwei"),
    ]
    cases += [
        Case("api:org_list"),
        Case("api:org_list", query=f"q={community_word}", query_label="q=<community name>"),
    ]
    cases += [Case("api:org_detail", target, node.pk) for target, node in org_nodes.items()]
    cases += [
        Case("api:area_list"),
        Case("api:area_list", query=f"q={community_word}", query_label="q=<community name>"),
    ]
    cases += [Case("api:area_detail", target, node.pk) for target, node in area_nodes.items()]
    return cases


def build_member_cases() -> list[Case]:
    """Issue 3's pages (member ledger, pipeline board, compliance roll-up) at each level.

    The target is 150 ms p95 on PostgreSQL at district scale (issue 3); the page names a street
    or a community through its ``org`` parameter, so one page is timed over a whole subtree.
    """
    from dangjian.core.models import Person
    from dangjian.members.models import PartyMember
    from dangjian.orgs.choices import OrgKind
    from dangjian.orgs.models import Organization

    root_org = Organization.objects.filter(depth=1).order_by("path").first()
    street_org = Organization.objects.filter(kind=OrgKind.WORKING_COMMITTEE).order_by("path").first()
    community_org = Organization.objects.filter(kind=OrgKind.PRIMARY_COMMITTEE).order_by("path").first()
    branch = Organization.objects.filter(kind=OrgKind.BRANCH, path__startswith=community_org.path).first()
    member = PartyMember.objects.filter(org__path__startswith=community_org.path).order_by("id").first()
    surname = Person.objects.order_by("id").values_list("name", flat=True).first()[:1]
    year = datetime.date.today().year
    cases = []
    for target, node in {"root": root_org, "street": street_org, "community": community_org}.items():
        cases += [
            Case("members:member_list", target, query=f"org={node.pk}", query_label=f"org=<{target}>"),
            Case("development:board", target, query=f"org={node.pk}", query_label=f"org=<{target}>"),
            Case(
                "life:compliance",
                target,
                query=f"org={node.pk}&year={year}",
                query_label=f"org=<{target}>&year",
            ),
        ]
    cases += [
        Case("members:member_list", query=f"q={surname}", query_label="q=<surname>"),
        Case("members:member_list", query="q=zhangwei"),
        Case("members:member_list", query="status=probationary"),
        Case("development:board", "branch", query=f"org={branch.pk}", query_label="org=<branch>"),
        Case(
            "life:compliance", "branch", query=f"org={branch.pk}&year={year}", query_label="org=<branch>&year"
        ),
    ]
    if member is not None:
        cases.append(Case("members:member_detail", "community", member.pk))
    return cases


SUITES = {"trees": (build_cases, 100), "members": (build_member_cases, 150)}


def resolve(case: Case) -> str | None:
    from django.urls import NoReverseMatch, reverse

    attempts = [{}] if case.pk is None else [{"kwargs": {"pk": case.pk}}, {"args": [case.pk]}]
    if case.pk is not None and case.name.startswith("api:"):
        attempts.insert(1, {"kwargs": {f"{case.name.split(':')[1].split('_')[0]}_id": case.pk}})
    for attempt in attempts:
        try:
            url = reverse(case.name, **attempt)
        except NoReverseMatch:
            continue
        return url + (f"?{case.query}" if case.query else "")
    return None


def visible(user, case: Case) -> bool:
    """Whether the persona may see the case's node (out-of-scope nodes answer 404: not timed)."""
    if case.pk is None:
        org_pk = dict(part.split("=", 1) for part in case.query.split("&") if "=" in part).get("org")
        if org_pk is None:
            return True
        from dangjian.orgs.models import Organization

        return Organization.objects.visible_to(user).filter(pk=int(org_pk)).exists()
    from dangjian.members.models import PartyMember
    from dangjian.orgs.models import Area, Organization

    if case.name.startswith("members:member"):
        model = PartyMember
    else:
        model = Organization if "org_" in case.name else Area
    return model.objects.visible_to(user).filter(pk=case.pk).exists()


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def measure(client, url: str, repeat: int) -> tuple[str, float, float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(url)  # warm-up: caches, prepared plans, the session
    if response.status_code != 200:
        return f"HTTP {response.status_code}", 0.0, 0.0, 0
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
    # Queries are counted on a separate request so capturing them does not slow the timed ones,
    # with the search box's sources asked one after another so that every query goes through
    # the connection counted (``search.selectors`` asks them side by side on connections of its
    # own): the same queries, all of them counted.
    from django.test.utils import override_settings

    with override_settings(SEARCH_THREADS=1), CaptureQueriesContext(connection) as captured:
        client.get(url)
    return "ok", statistics.median(timings), percentile(timings, 0.95), len(captured.captured_queries)


def run(repeat: int, suite: str = "trees") -> list[Result]:
    from django.test import Client

    from dangjian.accounts.models import User

    cases = SUITES[suite][0]()
    results = []
    for username, persona in PERSONAS.items():
        user = User.objects.filter(username=username).first()
        if user is None:
            print(f"user {username} missing: generate the data first (manage.py generate)", file=sys.stderr)
            continue
        client = Client(raise_request_exception=True)
        client.force_login(user)
        for case in cases:
            url = resolve(case)
            if url is None:
                results.append(Result(case.key, persona, "missing"))
                continue
            if not visible(user, case):
                continue
            try:
                status, median, p95, queries = measure(client, url, repeat)
            except Exception as error:  # a page under construction must not stop the run
                results.append(Result(case.key, persona, f"error {type(error).__name__}"))
                continue
            if status != "ok":
                results.append(Result(case.key, persona, status))
                continue
            results.append(Result(case.key, persona, "ok", round(median, 1), round(p95, 1), queries))
    return results


def describe_data() -> dict:
    from django.conf import settings
    from django.db import connection

    from dangjian.core.choices import AuditAction
    from dangjian.core.models import AuditEntry, Person
    from dangjian.members.models import PartyMember
    from dangjian.orgs.models import Area, Organization

    generated = (
        AuditEntry.objects.filter(action=AuditAction.IMPORT, username="generator").order_by("-id").first()
    )
    return {
        "scale": (generated.changes.get("scale") if generated else None) or "unknown",
        "database": connection.vendor,
        "areas": Area.objects.count(),
        "organizations": Organization.objects.count(),
        "people": Person.objects.count(),
        "members": PartyMember.objects.count(),
        # Sessions in the database (no REDIS_URL) cost a query per request that a deployment
        # with Redis (docs/deployment.md) does not make: say which one was timed.
        "sessions": settings.SESSION_ENGINE.rsplit(".", 1)[-1],
    }


def display_width(text: str) -> int:
    """Terminal columns of ``text``: CJK characters take two, so the table lines up."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def pad(text: str, width: int) -> str:
    return text + " " * max(0, width - display_width(text))


def print_table(results: list[Result], data: dict, repeat: int, target_ms: int = 100) -> None:
    print(
        f"scale {data['scale']} on {data['database']}: {data['areas']:,} areas, "
        f"{data['organizations']:,} organizations, {data['people']:,} people; {repeat} requests each; "
        f"sessions in {data.get('sessions', 'db')}"
    )
    width = max((display_width(result.key) for result in results), default=20)
    print(f"{'URL':<{width}}  {'persona':<20} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
    for result in results:
        if result.status != "ok":
            print(f"{pad(result.key, width)}  {result.persona:<20} {result.status:>28}")
            continue
        flag = f"  > {target_ms} ms" if result.p95_ms > target_ms else ""
        print(
            f"{pad(result.key, width)}  {result.persona:<20} {result.median_ms:>10.1f} "
            f"{result.p95_ms:>8.1f} {result.queries:>8}{flag}"
        )


def write_results(path: Path, data: dict, repeat: int, results: list[Result]) -> None:
    """Write one run's figures, with the data and the machine they were measured on, as JSON."""
    RESULTS_DIR.mkdir(exist_ok=True)
    payload = {
        "data": data,
        "repeat": repeat,
        "run_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
        },
        "results": [asdict(result) for result in results],
    }
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
    print(f"written {path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per URL (default 30)")
    parser.add_argument(
        "--json", action="store_true", help="also write bench/results/<scale>-<db>[-suite].json"
    )
    parser.add_argument(
        "--suite",
        choices=sorted(SUITES),
        default="trees",
        help="trees: issue 2's tree pages and API (target 100 ms); members: issue 3's ledger, "
        "pipeline board and compliance (target 150 ms)",
    )
    args = parser.parse_args()
    setup_django()
    data = describe_data()
    results = run(args.repeat, args.suite)
    print_table(results, data, args.repeat, SUITES[args.suite][1])
    if args.json:
        suffix = "" if args.suite == "trees" else f"-{args.suite}"
        write_results(
            RESULTS_DIR / f"{data['scale']}-{data['database']}{suffix}.json", data, args.repeat, results
        )


if __name__ == "__main__":
    main()
