"""``__any_of``: the same rows as ``__in``, sent as one array parameter on PostgreSQL."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangjian.orgs.models import Area, Organization


@pytest.mark.django_db
def test_any_of_finds_the_same_rows_as_in(world):
    ids = [world.community_a.pk, world.grid_a1.pk, world.building_a1.pk, 10**12]
    by_in = set(Area.objects.filter(pk__in=ids).values_list("pk", flat=True))
    by_any = set(Area.objects.filter(pk__any_of=ids).values_list("pk", flat=True))
    assert by_any == by_in == {world.community_a.pk, world.grid_a1.pk, world.building_a1.pk}


@pytest.mark.django_db
def test_any_of_works_on_a_foreign_key_and_in_an_or(world):
    found = Organization.objects.filter(
        jurisdiction_id__any_of=[world.community_a.pk]
    ) | Organization.objects.filter(pk__any_of=[world.district_org.pk])
    assert set(found.values_list("pk", flat=True)) == {world.org_a.pk, world.district_org.pk}
    by_field = Organization.objects.filter(jurisdiction__any_of=[world.grid_a1.pk, world.grid_b1.pk])
    assert set(by_field.values_list("pk", flat=True)) == {world.branch_a1.pk, world.branch_b1.pk}


@pytest.mark.django_db
def test_any_of_nothing_matches_nothing(world):
    assert not Area.objects.filter(pk__any_of=[]).exists()
    assert Area.objects.exclude(pk__any_of=[]).count() == Area.objects.count()


@pytest.mark.django_db
def test_on_postgresql_the_ids_travel_as_one_array_and_on_sqlite_as_in(world):
    ids = list(range(1, 300))
    with CaptureQueriesContext(connection) as queries:
        list(Area.objects.filter(pk__any_of=ids).values_list("pk", flat=True))
    sql = queries.captured_queries[0]["sql"]
    if connection.vendor == "postgresql":
        assert "= ANY(" in sql and " IN (" not in sql
    else:  # SQLite has no arrays
        assert " IN (" in sql and "ANY(" not in sql
