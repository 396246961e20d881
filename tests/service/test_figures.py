"""Service figures: hand-counted values on a small set, scope, period bounds, category subtree,
org vs area tree, the links behind every number, and a query count that does not grow."""

from __future__ import annotations

import contextlib
import datetime
import random
from urllib.parse import parse_qs, urlparse

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangjian.core.errors import RuleViolation
from dangjian.core.models import AuditEntry
from dangjian.service import figures, services
from dangjian.service.choices import RequestSource
from dangjian.service.figures import Period, Scope
from dangjian.service.models import ServiceRequest
from tests.service.conftest import at, dispatched_request, file_request, rate_as_resident

MARCH = Period(datetime.date(2026, 3, 1), datetime.date(2026, 4, 1))
NOW = at("2026-03-20 10:00")


def _resolve(
    world, service_world, secretary, handler, *, reported: str, resolved: str, area=None, category=None
):
    request_obj = file_request(
        world,
        category or service_world.garbage,
        area=area,
        by=secretary,
        source=RequestSource.HOTLINE,
        now=at(reported),
    )
    services.accept_request(request_obj, by=secretary, now=at(reported))
    services.dispatch_request(request_obj, by=secretary, handler_org=world.branch_a1, now=at(reported))
    services.start_handling(request_obj, by=handler, now=at(reported))
    services.report_result(request_obj, by=handler, resolution="已处理", now=at(resolved))
    services.approve_result(request_obj, by=secretary, now=at(resolved))
    request_obj.refresh_from_db()
    return request_obj


@pytest.fixture
def march(world, service_world, secretary_a, handler_a1):
    """社区A in March 2026, 垃圾清运 (3 working days; reported Monday 3-2 09:00, due 3-5):

    - early: resolved the same day (long before the deadline), rated 满意;
    - on_time: resolved 3-5 10:00 (on time, less than 24 h early), rated 不满意 (差评);
    - late: resolved 3-10 (after the deadline), not rated;
    - open: dispatched, never resolved: overdue on 3-20;
    - waiting: reported, not yet accepted (not received; overdue too, it is open);
    - refused: 不予受理 (neither received nor overdue);
    - february: reported and resolved in February (outside the period);
    - elderly: 独居老人 (another top category, 1 calendar day), reported 3-3 09:00 in grid_a2,
      resolved 3-4 08:00 (on time, but less than 24 h before its deadline).
    """
    early = _resolve(
        world,
        service_world,
        secretary_a,
        handler_a1,
        reported="2026-03-02 09:00",
        resolved="2026-03-02 11:00",
    )
    on_time = _resolve(
        world,
        service_world,
        secretary_a,
        handler_a1,
        reported="2026-03-02 09:00",
        resolved="2026-03-05 10:00",
    )
    late = _resolve(
        world,
        service_world,
        secretary_a,
        handler_a1,
        reported="2026-03-02 09:00",
        resolved="2026-03-10 10:00",
    )
    assert early.resolved_at < early.due_at - datetime.timedelta(hours=24)  # the deadline is 3-5 end of day
    assert on_time.resolved_at <= on_time.due_at < on_time.resolved_at + datetime.timedelta(hours=24)
    assert late.resolved_at > late.due_at
    rate_as_resident(early, level="satisfied", now=at("2026-03-03 09:00"))
    rate_as_resident(on_time, level="dissatisfied", now=at("2026-03-05 09:00"))
    dispatched_request(world, service_world, secretary_a, now=at("2026-03-02 09:00"))
    file_request(world, service_world.garbage, now=at("2026-03-02 09:00"))
    refused = file_request(world, service_world.garbage, now=at("2026-03-02 09:00"))
    services.reject_request(refused, by=secretary_a, reason="重复上报", now=at("2026-03-02 10:00"))
    _resolve(
        world,
        service_world,
        secretary_a,
        handler_a1,
        reported="2026-02-02 09:00",
        resolved="2026-02-03 09:00",
    )
    elderly = _resolve(
        world,
        service_world,
        secretary_a,
        handler_a1,
        reported="2026-03-03 09:00",
        resolved="2026-03-04 08:00",
        area=world.grid_a2,
        category=service_world.elderly,
    )
    assert elderly.resolved_at <= elderly.due_at < elderly.resolved_at + datetime.timedelta(hours=24)
    return {"early": early, "on_time": on_time, "late": late, "elderly": elderly}


def test_figures_equal_the_hand_counted_values(world, march):
    total = figures.compute(Scope.for_node(world.community_a), MARCH, now=NOW).total
    assert total.received == 5  # early, on_time, late, open, elderly
    assert total.resolved == 4  # early, on_time, late, elderly
    assert total.on_time == 3  # early, on_time, elderly
    assert total.early == 1  # only early: the others were less than the 24-hour margin early
    assert total.rated == 2 and total.satisfied == 1
    assert total.overdue == 2  # open and waiting; refused and resolved ones are not open
    assert total.on_time_rate == pytest.approx(3 / 4)
    assert total.satisfaction_rate == pytest.approx(1 / 2)
    hours = [march[name].handling_working_hours for name in ("early", "on_time", "late", "elderly")]
    assert total.average_hours == (sum(hours) / 4).quantize(total.average_hours)


def test_breakdowns_split_by_child_node_top_category_and_month(world, service_world, march):
    report = figures.compute(
        Scope.for_node(world.community_a),
        Period(datetime.date(2026, 2, 1), datetime.date(2026, 4, 1)),
        now=NOW,
    )
    by_child = {row.label: row.figures for row in report.by_child}
    assert by_child[str(world.grid_a1)].received == 5  # four in March, one in February
    assert by_child[str(world.grid_a2)].received == 1
    assert by_child[str(world.grid_a1)].overdue == 2
    by_category = {row.key: row.figures for row in report.by_category}
    assert by_category[service_world.parent.pk].received == 5
    assert by_category[service_world.parent.pk].resolved == 4
    months = [(row.label, row.figures.received, row.figures.resolved) for row in report.by_month]
    assert months == [("2026-02", 1, 1), ("2026-03", 5, 4)]
    assert report.total.received == 6


def test_period_bounds_are_local_days_start_included_end_excluded(world, march):
    scope = Scope.for_node(world.community_a)
    one_day = figures.compute(
        scope, Period(datetime.date(2026, 3, 2), datetime.date(2026, 3, 3)), now=NOW
    ).total
    assert one_day.received == 4  # reported on 3-2; elderly (3-3) is the next day
    next_day = figures.compute(
        scope, Period(datetime.date(2026, 3, 3), datetime.date(2026, 3, 4)), now=NOW
    ).total
    assert next_day.received == 1
    resolved_day = figures.compute(
        scope, Period(datetime.date(2026, 3, 5), datetime.date(2026, 3, 6)), now=NOW
    ).total
    assert (resolved_day.received, resolved_day.resolved, resolved_day.on_time) == (0, 1, 1)


def test_a_category_subtree_narrows_every_figure(world, service_world, march):
    node = world.community_a
    assert figures.compute(Scope.for_node(node, service_world.parent), MARCH, now=NOW).total.received == 4
    assert figures.compute(Scope.for_node(node, service_world.garbage), MARCH, now=NOW).total.received == 4
    elderly = figures.compute(Scope.for_node(node, service_world.elderly), MARCH, now=NOW).total
    assert (elderly.received, elderly.resolved, elderly.overdue) == (1, 1, 0)
    report = figures.compute(Scope.for_node(node, service_world.parent), MARCH, now=NOW)
    assert [row.key for row in report.by_category] == [service_world.garbage.pk, service_world.lighting.pk]


def test_the_org_tree_counts_by_the_responsible_organization(world, march):
    assert figures.compute(Scope.for_node(world.org_a), MARCH, now=NOW).total.received == 5
    assert figures.compute(Scope.for_node(world.org_b), MARCH, now=NOW).total.received == 0
    report = figures.compute(Scope.for_node(world.street_org), MARCH, now=NOW)
    assert report.total.received == 5
    assert {row.label: row.figures.received for row in report.by_child} == {
        str(world.org_a): 5,
        str(world.org_b): 0,
    }


def test_early_margin_follows_the_setting(world, march, settings):
    settings.SERVICE_EARLY_MARGIN_HOURS = 1
    total = figures.compute(Scope.for_node(world.community_a), MARCH, now=NOW).total
    assert total.early == 3  # now on_time (14 h early) and elderly count as early too
    assert figures.compute(Scope.for_node(world.community_a), MARCH, now=NOW).margin_hours == 1


def test_every_number_on_the_page_links_to_its_requests(client, world, service_world, secretary_a, march):
    client.force_login(secretary_a)
    response = client.get(
        reverse("service:figures"),
        {
            "node": world.community_a.pk,
            "period": "month",
            "month": "2026-03",
            "category": service_world.parent.pk,
        },
    )
    assert response.status_code == 200
    links = {}
    for item in response.context["big"]:
        url = urlparse(item["url"])
        assert url.path == reverse("service:request_list")
        query = {key: values[0] for key, values in parse_qs(url.query).items()}
        links[query["figure"]] = query
    assert set(links) == {"received", "resolved", "on_time", "early", "satisfied", "overdue"}
    assert links["received"] == {
        "figure": "received",
        "start": "2026-03-01",
        "end": "2026-04-01",
        "area": str(world.community_a.pk),
        "category": str(service_world.parent.pk),
    }
    assert links["overdue"] == {
        "figure": "overdue",
        "area": str(world.community_a.pk),
        "category": str(service_world.parent.pk),
    }
    content = response.content.decode()
    assert "幸福社区" in content and "2026-03-01 – 2026-03-31" in content
    # a breakdown row links with its own node and its own month
    grid_url = figures_url_of(response, str(world.grid_a1))
    assert f"area={world.grid_a1.pk}" in grid_url and "start=2026-03-01" in grid_url


def figures_url_of(response, label: str) -> str:
    for _title, rows in response.context["breakdowns"]:
        for row in rows:
            if row["label"] == label:
                return row["cells"][0]["url"]
    raise AssertionError(label)


def test_org_tree_links_carry_the_org(client, world, secretary_a, march):
    client.force_login(secretary_a)
    response = client.get(
        reverse("service:figures"), {"tree": "org", "node": world.org_a.pk, "period": "last_year"}
    )
    assert response.status_code == 200
    url = response.context["big"][0]["url"]
    assert f"org={world.org_a.pk}" in url and "area=" not in url


def test_secretary_b_does_not_see_community_a(client, world, secretary_b, march):
    client.force_login(secretary_b)
    assert client.get(reverse("service:figures"), {"node": world.community_a.pk}).status_code == 404
    assert client.get(reverse("service:figures"), {"tree": "org", "node": world.org_a.pk}).status_code == 404
    assert client.get(reverse("service:map_data"), {"node": world.community_a.pk}).status_code == 404
    response = client.get(reverse("service:figures"), {"period": "month", "month": "2026-03"})
    assert response.status_code == 200
    assert response.context["scope"].node == world.community_b
    assert response.context["report"].total.received == 0


def test_the_default_scope_is_the_users_top_node(client, world, district_admin, secretary_a):
    client.force_login(secretary_a)
    assert client.get(reverse("service:figures")).context["scope"].node == world.community_a
    client.force_login(district_admin)
    scope = client.get(reverse("service:figures")).context["scope"]
    assert scope.node in (world.district, world.district_org)


def test_export_writes_the_breakdown_and_an_audit_line(client, world, secretary_a, march):
    client.force_login(secretary_a)
    response = client.get(reverse("service:figures_export"), {"period": "month", "month": "2026-03"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    entry = AuditEntry.objects.filter(action="export").latest("pk")
    assert entry.changes["filters"]["node"] == world.community_a.pk
    assert entry.changes["rows"] >= 1 + 2 + 2 + 1  # total, grids, categories, month


def test_query_count_does_not_grow_with_rows(client, world, service_world, secretary_a, march):
    client.force_login(secretary_a)
    url, params = reverse("service:figures"), {"period": "month", "month": "2026-03"}
    client.get(url, params)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, params).status_code == 200
        return len(queries)

    few = count()
    for day in range(27):
        file_request(
            world, service_world.garbage, area=world.grid_a2, now=at(f"2026-03-{day % 20 + 2:02d} 09:00")
        )
    assert count() == few
    with CaptureQueriesContext(connection) as queries:
        figures.compute(Scope.for_node(world.community_a), MARCH, now=NOW)
    assert len(queries) == 5


def _same(left: figures.Report, right: figures.Report) -> None:
    assert left.total == right.total
    for name in ("by_child", "by_category", "by_month"):
        assert [(row.key, row.figures) for row in getattr(left, name)] == [
            (row.key, row.figures) for row in getattr(right, name)
        ], name


def test_large_scopes_read_the_rollup_and_agree_with_the_requests(world, march):
    for scope in (
        Scope.for_node(world.street),
        Scope.for_node(world.district),
        Scope.for_node(world.street_org),
    ):
        for period in (
            MARCH,
            Period.year(2026),
            Period(datetime.date(2026, 2, 15), datetime.date(2026, 3, 5)),
        ):
            _same(
                figures.compute(scope, period, now=NOW), figures.compute(scope, period, now=NOW, rollup=False)
            )
    assert figures.compute(Scope.for_node(world.street), MARCH, now=NOW).total.received == 5


def test_the_rollup_is_stale_after_the_margin_changes_and_the_requests_are_read(world, march, settings):
    settings.SERVICE_EARLY_MARGIN_HOURS = 1
    assert figures.compute(Scope.for_node(world.street), MARCH, now=NOW).total.early == 3
    figures.rebuild_rollup()
    assert figures.compute(Scope.for_node(world.street), MARCH, now=NOW).total.early == 3
    assert figures.stored_rollup() == figures.recompute_rollup()


def test_after_random_actions_the_rollup_equals_a_recomputation(
    world, service_world, secretary_a, handler_a1, secretary_b
):
    rng = random.Random(20261124)
    moment = at("2026-01-26 09:00")
    requests = []
    garbage, elderly = service_world.garbage, service_world.elderly
    # The likely next steps from each state (with a few refusals and detours), so that requests
    # travel the whole way: resolved on time or late, rated good or bad, reopened, re-categorized.
    steps = {
        "reported": [("accept", 6), ("reject", 1)],
        "accepted": [("dispatch", 1)],
        "returned": [("dispatch", 1)],
        "dispatched": [("start", 1)],
        "in_progress": [("report", 6), ("suspend", 1), ("recategorize", 1)],
        "suspended": [("resume", 1)],
        "feedback": [("approve", 3), ("send_back", 1)],
        "resolved": [("rate", 3), ("reopen", 1)],
        "rated": [("reopen", 1), ("accept", 1)],
    }
    run = {
        "accept": lambda r, t: services.accept_request(r, by=secretary_a, now=t),
        "reject": lambda r, t: services.reject_request(r, by=secretary_a, reason="不属于受理范围", now=t),
        "dispatch": lambda r, t: services.dispatch_request(
            r, by=secretary_a, handler_org=world.branch_a1, now=t
        ),
        "start": lambda r, t: services.start_handling(r, by=handler_a1, now=t),
        "report": lambda r, t: services.report_result(r, by=handler_a1, resolution="已处理", now=t),
        "approve": lambda r, t: services.approve_result(r, by=secretary_a, now=t),
        "send_back": lambda r, t: services.send_back(r, by=secretary_a, reason="照片不清楚", now=t),
        "suspend": lambda r, t: services.suspend_request(r, by=secretary_a, reason="等待配件", now=t),
        "resume": lambda r, t: services.resume_request(r, by=secretary_a, now=t),
        "rate": lambda r, t: rate_as_resident(r, level=rng.choice(["satisfied", "very_dissatisfied"]), now=t),
        "reopen": lambda r, t: services.reopen_request(r, by=secretary_a, reason="居民反映未解决", now=t),
        "recategorize": lambda r, t: services.recategorize_request(
            r, by=secretary_a, category=rng.choice([garbage, elderly]), now=t
        ),
    }
    for _step in range(220):
        moment += datetime.timedelta(hours=rng.choice([1, 5, 20, 40, 100]))
        if not requests or rng.random() < 0.15:
            area = rng.choice([world.grid_a1, world.grid_a2])
            requests.append(
                file_request(
                    world, garbage, area=area, by=secretary_a, source=RequestSource.HOTLINE, now=moment
                )
            )
            continue
        request_obj = rng.choice(requests)
        request_obj.refresh_from_db()
        choices = steps.get(request_obj.state, [("accept", 1)])
        action = rng.choices([name for name, _w in choices], weights=[w for _n, w in choices])[0]
        with contextlib.suppress(RuleViolation):
            run[action](request_obj, moment)
    travelled = list(ServiceRequest.objects.all())
    assert sum(1 for r in travelled if r.resolved_at) >= 5 and sum(r.reopen_count for r in travelled) >= 2
    assert figures.stored_rollup() == figures.recompute_rollup()
    for scope in (Scope.for_node(world.street), Scope.for_node(world.org_a)):
        _same(
            figures.compute(scope, Period.year(2026), now=moment),
            figures.compute(scope, Period.year(2026), now=moment, rollup=False),
        )
    figures.rebuild_rollup()
    assert figures.stored_rollup() == figures.recompute_rollup()


def test_the_generated_demo_data_leaves_the_rollup_equal_to_the_requests(db):
    from dangjian.core.generator.build import Generator
    from dangjian.core.generator.scales import COMMUNITY
    from dangjian.orgs.models import Area

    Generator(COMMUNITY, 11, log=lambda line: None).run()
    assert ServiceRequest.objects.count() > 3000
    assert figures.stored_rollup() == figures.recompute_rollup()
    district = Area.objects.get(depth=1)
    year = Period.year(datetime.date.today().year - 1)
    _same(
        figures.compute(Scope.for_node(district), year),
        figures.compute(Scope.for_node(district), year, rollup=False),
    )
    assert figures.compute(Scope.for_node(district), year).total.received > 500
