"""Time and memory of matching needs to volunteers (issue 12, point 5 and its acceptance line).

Three measurements:

(a) the solver alone (``volunteering.matching.assign_sparse``) on a synthetic sparse instance —
    by default 5,000 needs × 20,000 volunteers, 30 allowed pairs per need: seconds and memory;
(b) the platform's path on the database of DATABASE_URL: the open needs of the busiest street
    (most open needs) × its active volunteers, read from the database, scored, cut to the best
    ``TOP_K`` pairs per need, solved (``batch.plan``), then stored as a proposal
    (``services.propose``). When the street has fewer than ``--needs`` open needs or ``--volunteers``
    volunteers, the missing rows are synthesized in a throwaway transaction, and the output says
    so; everything (proposal included) is rolled back at the end either way;
(c) one need's suggestions page (``volunteering:need_suggestions``): median and p95 over
    ``--repeat`` requests on each of a few open needs of that street, with its query count.

Targets: (b) under 5 s and under 2 GiB; (c) under 150 ms p95 (PostgreSQL, ``district`` scale).
Memory is shown two ways: the peak of Python's own allocations during the step (tracemalloc,
numpy arrays included; measured on a separate run, since tracing slows the code) and the
process's peak resident size so far (``ru_maxrss``: everything, OR-Tools' C++ included).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dj_bench_district \\
        .venv/bin/python bench/bench_matching.py --json

With ``--json`` the results go to ``bench/results/<scale>-<database>-matching.json``.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_trees import RESULTS_DIR, Result, describe_data, measure, setup_django, write_results

TARGET_SECONDS = 5.0
TARGET_BYTES = 2 * 1024**3
TARGET_MS = 150
PERSONAS = ["zzb_admin"]  # the district's 组织部 admin of the generated data


class Rollback(Exception):
    """Raised to leave the throwaway transaction."""


def rss_mib() -> float:
    """Peak resident size of this process so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(call):
    start = time.perf_counter()
    value = call()
    return value, time.perf_counter() - start


def traced_peak(call) -> int:
    tracemalloc.start()
    try:
        call()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


# --- (a) the solver alone ---------------------------------------------------------------------


def bench_solver(n_needs: int, n_volunteers: int, per_need: int, seed: int = 12) -> dict:
    import numpy as np

    from dangjian.volunteering.matching import assign_sparse

    rng = np.random.default_rng(seed)
    needs = np.repeat(np.arange(n_needs), per_need)
    volunteers = rng.integers(0, n_volunteers, needs.size)
    costs = rng.integers(0, 100, needs.size)
    edges = np.column_stack([needs, volunteers, costs]).astype(np.float64)
    capacity = rng.integers(0, 4, n_volunteers)
    pairs, seconds = timed(lambda: assign_sparse(n_needs, n_volunteers, edges, capacity))
    peak = traced_peak(lambda: assign_sparse(n_needs, n_volunteers, edges, capacity))
    return {
        "needs": n_needs,
        "volunteers": n_volunteers,
        "edges": int(edges.shape[0]),
        "served": len(pairs),
        "seconds": round(seconds, 3),
        "traced_peak_mib": round(peak / 1024**2, 1),
        "process_peak_rss_mib": round(rss_mib(), 1),
    }


# --- (b) the platform's path ------------------------------------------------------------------


def busiest_street():
    from dangjian.orgs.choices import AreaKind
    from dangjian.orgs.models import Area
    from dangjian.volunteering.choices import NeedState
    from dangjian.volunteering.models import Need

    best, best_count = None, -1
    for street in Area.objects.filter(kind=AreaKind.STREET).order_by("path"):
        count = Need.objects.filter(state=NeedState.OPEN, area__path__startswith=street.path).count()
        if count > best_count:
            best, best_count = street, count
    return best, best_count


def bench_user():
    """The district admin when they may assign needs; else a superuser made for this run."""
    from dangjian.accounts.models import User
    from dangjian.core.scoping import scope_of

    for username in PERSONAS:
        user = User.objects.filter(username=username).first()
        if user is not None and scope_of(user).has_any("volunteering.change_need"):
            return user, username
    user = User.objects.create(username="bench_matching_admin", is_superuser=True, is_staff=True)
    return user, "a superuser made for this run (no persona may assign needs)"


def synthesize(street, want_needs: int, want_volunteers: int, skill_count: int = 40) -> dict:
    """Open needs and active volunteers added to ``street`` up to the wanted numbers (bulk)."""
    from django.utils import timezone

    from dangjian.core.models import Person
    from dangjian.orgs.choices import AreaKind
    from dangjian.orgs.models import Area, Organization
    from dangjian.volunteering.choices import ALL_WEEK, NeedCategory, NeedState, VolunteerState
    from dangjian.volunteering.models import Need, Skill, Volunteer

    rng = random.Random(7)
    grids = list(Area.objects.filter(path__startswith=street.path, kind=AreaKind.GRID).order_by("path"))
    places = grids or [street]
    org = (
        Organization.objects.filter(jurisdiction__path__startswith=street.path)
        .order_by("depth", "path")
        .first()
        or Organization.objects.order_by("path").first()
    )
    # The taxonomy's skills, topped up to ``skill_count``: the more skills, the rarer a match.
    skills = list(Skill.objects.filter(is_active=True).values_list("id", flat=True)[:skill_count])
    skills += [
        Skill.objects.create(category="bench", name=f"合成技能{n}").pk
        for n in range(skill_count - len(skills))
    ]
    have_needs = Need.objects.filter(state=NeedState.OPEN, area__path__startswith=street.path).count()
    have_volunteers = Volunteer.objects.filter(
        state=VolunteerState.ACTIVE, area__path__startswith=street.path
    ).count()
    add_needs = max(0, want_needs - have_needs)
    add_volunteers = max(0, want_volunteers - have_volunteers)

    def mask() -> int:
        return rng.getrandbits(21) & ALL_WEEK if rng.random() < 0.8 else 0

    needs = Need.objects.bulk_create(
        [
            Need(
                area=rng.choice(places),
                org=org,
                title=f"合成需求{n}",
                category=rng.choice(NeedCategory.values),
                availability=mask(),
                state=NeedState.OPEN,
            )
            for n in range(add_needs)
        ],
        batch_size=2000,
    )
    Need.skills.through.objects.bulk_create(
        [
            Need.skills.through(need_id=need.pk, skill_id=skill_id)
            for need in needs
            for skill_id in rng.sample(skills, rng.choice([0, 1, 1, 2]))
        ],
        batch_size=5000,
    )
    people = Person.objects.bulk_create(
        [Person(name=f"合成志愿者{n}") for n in range(add_volunteers)], batch_size=2000
    )
    today = timezone.localdate()
    volunteers = Volunteer.objects.bulk_create(
        [
            Volunteer(
                person_id=person.pk,
                area=rng.choice(places),
                org=org,
                availability=mask(),
                capacity_hours=rng.choice([2, 4, 4, 6, 8]),
                registered_on=today,
            )
            for person in people
        ],
        batch_size=2000,
    )
    Volunteer.skills.through.objects.bulk_create(
        [
            Volunteer.skills.through(volunteer_id=volunteer.pk, skill_id=skill_id)
            for volunteer in volunteers
            for skill_id in rng.sample(skills, rng.choice([0, 1, 2, 3]))
        ],
        batch_size=5000,
    )
    # The planner's statistics must see the new rows, as they would on a database in use
    # (ANALYZE runs inside a transaction on PostgreSQL; SQLite plans without it).
    from django.db import connection

    if connection.vendor == "postgresql" and (add_needs or add_volunteers):
        with connection.cursor() as cursor:
            for table in (
                "core_person",
                "volunteering_need",
                "volunteering_need_skills",
                "volunteering_volunteer",
                "volunteering_volunteer_skills",
            ):
                cursor.execute(f"ANALYZE {table}")
    return {
        "needs_in_database": have_needs,
        "volunteers_in_database": have_volunteers,
        "needs_synthesized": add_needs,
        "volunteers_synthesized": add_volunteers,
    }


def bench_platform(
    want_needs: int, want_volunteers: int, repeat: int, skill_count: int = 40
) -> tuple[dict, list[Result]]:
    from django.db import transaction
    from django.test import Client
    from django.urls import reverse

    from dangjian.volunteering.choices import NeedState
    from dangjian.volunteering.matchmaking import batch, services
    from dangjian.volunteering.models import Need

    street, _count = busiest_street()
    if street is None:
        raise SystemExit("no street in the database: generate the data first")
    report: dict = {"street": street.name}
    results: list[Result] = []
    try:
        with transaction.atomic():
            user, who = bench_user()
            report["user"] = who
            report.update(synthesize(street, want_needs, want_volunteers, skill_count))
            source = (
                "synthesized in a throwaway transaction"
                if report["needs_synthesized"] or report["volunteers_synthesized"]
                else "from the database"
            )
            report["data"] = source
            plan, plan_seconds = timed(lambda: batch.plan(street, user))
            report.update(
                open_needs=plan.open_needs,
                volunteers=plan.volunteers_considered,
                edges=plan.edges,
                served=len(plan.pairs),
                total_cost=plan.total_cost,
                plan_seconds=round(plan_seconds, 3),
            )
            _proposal, propose_seconds = timed(lambda: services.propose(street, by=user))
            report["propose_seconds"] = round(propose_seconds, 3)
            report["process_peak_rss_mib"] = round(rss_mib(), 1)
            report["plan_traced_peak_mib"] = round(traced_peak(lambda: batch.plan(street, user)) / 1024**2, 1)

            client = Client(raise_request_exception=True)
            client.force_login(user)
            needs = list(
                Need.objects.filter(state=NeedState.OPEN, area__path__startswith=street.path)
                .order_by("id")
                .values_list("id", flat=True)[:: max(1, plan.open_needs // 5)][:5]
            )
            from bench_trees import percentile

            from dangjian.volunteering.matchmaking.candidates import suggestions

            for need_id in needs:
                # The ranking alone (no page around it), then the page.
                need = Need.objects.select_related("area").get(pk=need_id)
                timings = []
                for _ in range(repeat):
                    _ranked, seconds = timed(lambda need=need: suggestions(need, user))
                    timings.append(seconds * 1000)
                report.setdefault("ranking_only_ms", []).append(
                    {
                        "need": need_id,
                        "median": round(sorted(timings)[len(timings) // 2], 1),
                        "p95": round(percentile(timings, 0.95), 1),
                    }
                )
                url = reverse("volunteering:need_suggestions", args=[need_id])
                status, median, p95, queries = measure(client, url, repeat)
                key = f"volunteering:need_suggestions [need {need_id}]"
                if status != "ok":
                    results.append(Result(key, who, status))
                else:
                    results.append(Result(key, who[:20], "ok", round(median, 1), round(p95, 1), queries))
            raise Rollback
    except Rollback:
        pass
    return report, results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--needs", type=int, default=5000)
    parser.add_argument("--volunteers", type=int, default=20000)
    parser.add_argument("--per-need", type=int, default=30, help="allowed pairs per need in (a)")
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per need in (c)")
    parser.add_argument(
        "--skills",
        type=int,
        default=40,
        help="skills in the synthesized taxonomy (default 40; more makes good matches rarer and the "
        "search wider)",
    )
    parser.add_argument("--solver-only", action="store_true", help="run (a) only, without a database")
    parser.add_argument(
        "--json", action="store_true", help="also write bench/results/<scale>-<db>-matching.json"
    )
    args = parser.parse_args()

    setup_django()
    solver = bench_solver(args.needs, args.volunteers, args.per_need)
    print(
        f"(a) solver: {solver['needs']:,} needs × {solver['volunteers']:,} volunteers, {solver['edges']:,} "
        f"allowed pairs → {solver['served']:,} served in {solver['seconds']:.2f} s; "
        f"traced peak {solver['traced_peak_mib']} MiB, process peak RSS {solver['process_peak_rss_mib']} MiB"
    )
    if args.solver_only:
        return
    data = describe_data()
    platform, results = bench_platform(args.needs, args.volunteers, args.repeat, args.skills)
    ok_time = platform["propose_seconds"] < TARGET_SECONDS
    ok_memory = platform["process_peak_rss_mib"] * 1024**2 < TARGET_BYTES
    print(
        f"(b) platform path, street {platform['street']} ({platform['data']}; "
        f"{platform['needs_in_database']:,} open needs and {platform['volunteers_in_database']:,} volunteers "
        f"in the database, {platform['needs_synthesized']:,} needs and {platform['volunteers_synthesized']:,} "
        f"volunteers synthesized), as {platform['user']}:"
    )
    print(
        f"    {platform['open_needs']:,} open needs × {platform['volunteers']:,} volunteers, "
        f"{platform['edges']:,} allowed pairs → {platform['served']:,} served, total cost {platform['total_cost']:,}"
    )
    print(
        f"    plan (read + score + solve) {platform['plan_seconds']:.2f} s; with the proposal stored "
        f"{platform['propose_seconds']:.2f} s {'(under' if ok_time else '(OVER'} {TARGET_SECONDS:.0f} s); "
        f"plan traced peak {platform['plan_traced_peak_mib']} MiB; process peak RSS "
        f"{platform['process_peak_rss_mib']} MiB {'(under' if ok_memory else '(OVER'} 2 GiB)"
    )
    print(f"(c) one need's suggestions, {args.repeat} requests each, on {data['database']}:")
    for ranking in platform.get("ranking_only_ms", []):
        print(
            f"    ranking alone (candidates.suggestions), need {ranking['need']}: median {ranking['median']} ms, p95 {ranking['p95']} ms"
        )
    for result in results:
        if result.status != "ok":
            print(f"    {result.key}: {result.status}")
            continue
        flag = f"  > {TARGET_MS} ms" if result.p95_ms > TARGET_MS else ""
        print(
            f"    {result.key}: median {result.median_ms:.1f} ms, p95 {result.p95_ms:.1f} ms, "
            f"{result.queries} queries{flag}"
        )
    if args.json:
        data.update(solver=solver, platform=platform)
        write_results(
            RESULTS_DIR / f"{data['scale']}-{data['database']}-matching.json", data, args.repeat, results
        )


if __name__ == "__main__":
    main()
