"""Hints for PostgreSQL's planner where its defaults mislead it on our data.

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

from django.db import migrations

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
