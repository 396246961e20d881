"""Hints for PostgreSQL's planner where its defaults mislead it on our data.

**Parallel workers.** Connections start with ``max_parallel_workers_per_gather = 0``
(``settings.DATABASES``): starting workers costs about 20 ms on a 2-core server, the planner's
default setup cost (1000, about 0.5 ms here) underrates that, and a page's queries read tens to
a few thousand rows through an index (a district's 林 went parallel: 30 ms, 8 ms in one
process). The aggregates that do gain (a district's year of requests grouped by grid) run inside
``parallel_plans``.

**Statistics.**
``InTwoTrees`` rows (volunteers, needs, 微心愿 …) are recorded by a few hundred organizations of a
district — the community party committees — while a community secretary's scope lists every
organization under hers, most of which (its branches) record none. With the default statistics
(100 most common values) the organizations past the hundredth are estimated at hundreds of rows
each, so "the rows of these 29 organizations" was estimated at 20,000 instead of 900 and the
list's bounded count read the whole table (40 ms instead of 1 ms at ``district`` scale). With
room for every recording organization among the most common values, an organization that
records nothing is estimated at nothing.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress

from django.conf import settings
from django.db import DatabaseError, connection, connections, migrations

# Enough most-common values for every organization that records rows in a large district.
ORG_STATISTICS = 1000


def widen_statistics(schema_editor, table: str, column: str, target: int = ORG_STATISTICS) -> None:
    """Keep ``target`` most-common values of ``table.column`` (PostgreSQL only; call from a
    migration's RunPython; the next ANALYZE, manual or automatic, reads them)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f'ALTER TABLE "{table}" ALTER COLUMN "{column}" SET STATISTICS {int(target)}')


def default_statistics(schema_editor, table: str, column: str) -> None:
    """Undo ``widen_statistics``."""
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f'ALTER TABLE "{table}" ALTER COLUMN "{column}" SET STATISTICS -1')


def widen_org_statistics(tables: list[str]) -> migrations.RunPython:
    """The migration operation that widens ``org_id`` statistics of ``tables`` (and undoes it)."""

    def widen(apps, schema_editor):
        for table in tables:
            widen_statistics(schema_editor, table, "org_id")

    def restore(apps, schema_editor):
        for table in tables:
            default_statistics(schema_editor, table, "org_id")

    return migrations.RunPython(widen, restore, elidable=False)


@contextmanager
def planner_settings(**values: str) -> Iterator[None]:
    """Run the statements inside with these planner settings (PostgreSQL), restored after.

    One statement sets them all and one resets them (to the connection's own start values).
    """
    if connection.vendor != "postgresql" or not values:
        yield
        return
    reset = "; ".join(f"RESET {name}" for name in values)
    with connection.cursor() as cursor:
        cursor.execute("; ".join(f"SET {name} = {value}" for name, value in values.items()))
        try:
            yield
        except BaseException:
            # A query that failed inside a transaction aborted it; its rollback undoes the SET
            # too, and the RESET would only fail again and hide the first error.
            with suppress(DatabaseError):
                cursor.execute(reset)
            raise
        cursor.execute(reset)


@contextmanager
def parallel_plans() -> Iterator[None]:
    """Let the planner use ``settings.PG_PARALLEL_WORKERS`` workers for the aggregates inside."""
    workers = int(settings.PG_PARALLEL_WORKERS)
    with planner_settings(**({"max_parallel_workers_per_gather": str(workers)} if workers else {})):
        yield


def estimated_rows(queryset) -> int | None:
    """PostgreSQL's estimate of the rows ``queryset`` returns (its EXPLAIN, no scan); None elsewhere."""
    if queryset.db and not queryset.query.is_sliced:
        if connections[queryset.db].vendor != "postgresql":
            return None
        try:
            plan = json.loads(queryset.order_by().explain(format="json"))
        except (DatabaseError, ValueError, TypeError):
            return None
        if isinstance(plan, list) and plan and isinstance(plan[0], dict):
            rows = plan[0].get("Plan", {}).get("Plan Rows")
            return int(rows) if isinstance(rows, int | float) else None
    return None


# How long a table's size, as the statistics last counted it, is taken as known.
TABLE_ROWS_SECONDS = 600
_table_rows: dict[str, tuple[float, int]] = {}


def table_rows(model) -> int:
    """About how many rows ``model``'s table holds (``pg_class.reltuples``, read at most every
    ten minutes per process); 0 where unknown or not PostgreSQL."""
    if connection.vendor != "postgresql":
        return 0
    table = model._meta.db_table
    now = time.monotonic()
    known = _table_rows.get(table)
    if known is not None and now - known[0] < TABLE_ROWS_SECONDS:
        return known[1]
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = to_regclass(%s)", [f'"{table}"'])
        row = cursor.fetchone()
    rows = max(int(row[0]), 0) if row and row[0] is not None else 0
    _table_rows[table] = (now, rows)
    return rows
