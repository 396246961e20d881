"""Lists show their size: "共 N 条" counted at a bounded cost, "约 N 条" (PostgreSQL's estimate)
or "超过 N 条" past the bound, and nothing counted at all on a list's last page."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangjian.core import audit, pagination
from dangjian.core.choices import AuditAction
from dangjian.core.models import AuditEntry
from dangjian.core.pagination import Total, count_rows, paginate

pytestmark = pytest.mark.django_db


def _lines(world, count: int) -> None:
    for _ in range(count):
        audit.record(AuditAction.UPDATE, world.org_a)


def _page(number: int, per_page: int):
    request = RequestFactory().get("/", {"page": number})
    return paginate(request, AuditEntry.objects.order_by("-id"), per_page=per_page)


def test_a_short_list_counts_as_a_long_one_does(world):
    """One bounded count whatever the length, so a page's cost does not depend on the data."""
    _lines(world, 3)
    page = _page(1, per_page=10)

    with CaptureQueriesContext(connection) as queries:
        total = page.total

    assert total == Total(3)
    assert len(queries) == 1


def test_the_first_of_several_pages_counts_once_within_a_bound(world):
    _lines(world, 7)
    page = _page(1, per_page=3)

    with CaptureQueriesContext(connection) as queries:
        assert page.total == Total(7)
        assert page.total == Total(7)  # counted once per page

    assert len(queries) == 1
    sql = queries[0]["sql"].upper()
    assert "COUNT(" in sql and "LIMIT" in sql and "ORDER BY" not in sql


def test_the_last_page_shows_the_same_total_with_the_same_one_count(world):
    _lines(world, 7)
    page = _page(3, per_page=3)

    with CaptureQueriesContext(connection) as queries:
        assert page.total == Total(7)

    assert len(queries) == 1


def test_a_list_longer_than_the_bound_is_estimated_or_said_to_be_longer(world, monkeypatch):
    monkeypatch.setattr(pagination, "COUNT_LIMIT", 5)
    _lines(world, 8)

    total = count_rows(AuditEntry.objects.order_by("-id"))

    if connection.vendor == "postgresql":
        assert total.estimated and total.count >= 6
    else:
        assert total == Total(5, at_least=True)


def test_a_list_of_plain_rows_is_counted_by_its_length():
    assert count_rows(["a", "b"]) == Total(2)


def test_a_list_page_shows_its_total_and_costs_the_same_queries_for_3_and_30_rows(
    client, world, district_admin, settings
):
    settings.PAGE_SIZE = 2
    client.force_login(district_admin)
    _lines(world, 3)
    client.get(reverse("core:audit_list"))  # warm caches
    with CaptureQueriesContext(connection) as few:
        page = client.get(reverse("core:audit_list")).content.decode()
    assert 'data-list-total="3"' in page

    _lines(world, 27)
    with CaptureQueriesContext(connection) as many:
        page = client.get(reverse("core:audit_list")).content.decode()
    assert 'data-list-total="30"' in page
    assert len(few) == len(many)


def test_a_single_page_list_shows_its_total_too(client, world, district_admin):
    client.force_login(district_admin)
    _lines(world, 3)

    page = client.get(reverse("core:audit_list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert 'data-list-total="3"' in page
    assert 'rel="next"' not in page


def test_a_surname_search_in_name_order_shows_how_many_match(client, secretary_a, world, settings):
    from tests.core.people import resident_in

    settings.PAGE_SIZE = 2
    for name in ["张一", "张二", "张三", "张四", "张五", "王六"]:
        resident_in(world.grid_a1, name)
    client.force_login(secretary_a)

    page = client.get(reverse("members:person_list"), {"q": "张"}).content.decode()

    assert 'data-list-total="5"' in page
