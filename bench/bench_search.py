"""Timings and query counts of every search over people, members, organizations and areas,
and of the one search box (issue 14) over every source the persona is offered.

Issue 9, point 5: at ``district`` scale on PostgreSQL every search answers under 150 ms p95 for
the district 组织部 admin (``zzb_admin``) and a street secretary (``jd_shuji``), for the twenty
most common surnames, a common given-name character, full pinyin, initials and an ID number,
with query counts that do not grow from ``community`` to ``district``.

The surnames are the twenty at the head of the national household-register ranking, in the
order of ``dangjian.core.generator.names.SURNAMES`` (the generator's weights follow that
ranking; its first twenty are the list below). Runs in-process with Django's test ``Client``,
like ``bench_trees.py``: one warm-up request, ``--repeat`` timed ones, queries counted on a
separate request.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dj_bench_district \\
        .venv/bin/python bench/bench_search.py --repeat 20 --json
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import sys
from dataclasses import asdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_trees import (
    RESULTS_DIR,
    Result,
    describe_data,
    display_width,
    measure,
    pad,
    setup_django,
)

PERSONAS = {"zzb_admin": "district admin", "jd_shuji": "street secretary"}
TARGET_MS = 150
SURNAMES = [
    "王",
    "李",
    "张",
    "刘",
    "陈",
    "杨",
    "黄",
    "赵",
    "吴",
    "周",
    "徐",
    "孙",
    "马",
    "朱",
    "胡",
    "郭",
    "何",
    "林",
    "高",
    "罗",
]
OTHER_QUERIES = ["伟", "华", "zhangwei", "zw", "zhang", "张伟"]


def person_list_url() -> str:
    """The people list, wherever issue 9 moves it (members:person_list, else core:person_list)."""
    from django.urls import NoReverseMatch, reverse

    for name in ("members:person_list", "core:person_list"):
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    raise SystemExit("no person list URL")


def urls() -> list[tuple[str, str, str]]:
    """(label, kind, url) of every request to time."""
    from urllib.parse import urlencode

    from django.urls import reverse

    from dangjian.core.models import Person

    people = person_list_url()
    members = reverse("members:member_list")
    api_members = reverse("api:ledger_member_list")
    # An ID number of a resident of the street secretary's street, so both personas find it.
    id_number = _an_id_number()
    cases = []
    for text in SURNAMES + OTHER_QUERIES + ([id_number] if id_number else []):
        label = "<ID number>" if text == id_number else text
        query = urlencode({"q": text})
        cases.append((label, "people", f"{people}?{query}"))
    for text in ["王", "张", "伟", "zhangwei", "zw"]:
        query = urlencode({"q": text})
        cases.append((text, "members", f"{members}?{query}"))
        cases.append((text, "API members", f"{api_members}?{query}"))
    for text in ["党支部", "社区", "网格"]:
        query = urlencode({"q": text})
        cases += [
            (text, "org list", f"{reverse('orgs:org_list')}?{query}"),
            (text, "org lookup", f"{reverse('orgs:org_lookup')}?{query}"),
            (text, "area list", f"{reverse('orgs:area_list')}?{query}"),
            (text, "area lookup", f"{reverse('orgs:area_lookup')}?{query}"),
            (text, "API orgs", f"{reverse('api:org_list')}?{query}"),
            (text, "API areas", f"{reverse('api:area_list')}?{query}"),
        ]
    # The one search box (issue 14, point 7): every source the persona is offered, five hits
    # each, for the common surnames, pinyin, initials, 繁體 and words of request titles.
    box = reverse("search:results")
    api_box = reverse("api:search")
    for text in SURNAMES + OTHER_QUERIES + ["黨建", "党建", "路灯", "社區", "wangfang"]:
        query = urlencode({"q": text})
        cases.append((text, "search box", f"{box}?{query}"))
        if text in ("王", "张", "李", "zw", "黨建"):
            cases.append((text, "API search", f"{api_box}?{query}"))
    del Person
    return cases


def _an_id_number() -> str | None:
    from dangjian.accounts.models import User
    from dangjian.core.models import Person

    user = User.objects.filter(username="jd_shuji").first()
    if user is None:
        return None
    person = Person.objects.visible_to(user).exclude(id_number_cipher="").order_by("id").first()
    return person.id_number if person else None


def run(repeat: int, kinds: list[str] | None = None, queries: list[str] | None = None) -> list[Result]:
    from django.test import Client

    from dangjian.accounts.models import User

    results = []
    cases = [
        case for case in urls() if (not kinds or case[1] in kinds) and (not queries or case[0] in queries)
    ]
    for username, persona in PERSONAS.items():
        user = User.objects.filter(username=username).first()
        if user is None:
            print(f"user {username} missing: generate the data first", file=sys.stderr)
            continue
        client = Client(raise_request_exception=True)
        client.force_login(user)
        for label, kind, url in cases:
            key = f"{kind} ?q={label}"
            try:
                status, median, p95, queries = measure(client, url, repeat)
            except Exception as error:  # a page under construction must not stop the run
                results.append(Result(key, persona, f"error {type(error).__name__}"))
                continue
            if status != "ok":
                results.append(Result(key, persona, status))
                continue
            results.append(Result(key, persona, "ok", round(median, 1), round(p95, 1), queries))
    return results


def print_table(results: list[Result], data: dict, repeat: int) -> None:
    print(
        f"scale {data['scale']} on {data['database']}: {data['people']:,} people, "
        f"{data['members']:,} members; {repeat} requests each; surnames: {' '.join(SURNAMES)}"
    )
    width = max((display_width(result.key) for result in results), default=20)
    print(f"{pad('query', width)}  {'persona':<18} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
    for result in results:
        if result.status != "ok":
            print(f"{pad(result.key, width)}  {result.persona:<18} {result.status:>28}")
            continue
        flag = f"  > {TARGET_MS} ms" if result.p95_ms > TARGET_MS else ""
        print(
            f"{pad(result.key, width)}  {result.persona:<18} {result.median_ms:>10.1f} "
            f"{result.p95_ms:>8.1f} {result.queries:>8}{flag}"
        )
    timed = [r for r in results if r.status == "ok"]
    over = [r for r in timed if r.p95_ms > TARGET_MS]
    print(f"{len(timed)} timed, {len(over)} over {TARGET_MS} ms p95")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=20, help="timed requests per URL (default 20)")
    parser.add_argument(
        "--json", action="store_true", help="also write bench/results/<scale>-<db>-search.json"
    )
    parser.add_argument(
        "--kind",
        action="append",
        help="only these searches (people, members, 'API members', 'org list', …); repeatable",
    )
    parser.add_argument("--query", action="append", help="only these query texts; repeatable")
    args = parser.parse_args()
    setup_django()
    data = describe_data()
    results = run(args.repeat, args.kind, args.query)
    print_table(results, data, args.repeat)
    if args.json:
        RESULTS_DIR.mkdir(exist_ok=True)
        path = RESULTS_DIR / f"{data['scale']}-{data['database']}-search.json"
        payload = {
            "data": data,
            "repeat": args.repeat,
            "surnames": SURNAMES,
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


if __name__ == "__main__":
    main()
