"""``field__any_of=[ids]``: one array parameter instead of one parameter per id on PostgreSQL.

Why: a scoped list filters by the ids of the areas and organizations under the user's grants (a
community's 138 areas, a street's thousands). As ``IN (%s, %s, …)`` every query of the page
carries one parameter per id, which Django builds, psycopg splits and quotes, and the server
parses, on every query (the volunteer ledger sends such a query four times per page); and a query
text that long is never found in psycopg's cache of parsed statements. ``= ANY(%s)`` with the ids
as one array is the same index scan for the planner. SQLite has no arrays: there it stays ``IN``.
"""

from __future__ import annotations

from django.core.exceptions import EmptyResultSet
from django.db import models
from django.db.models import Lookup


class AnyOf(Lookup):
    lookup_name = "any_of"
    prepare_rhs = False

    def get_prep_lookup(self) -> list[int]:
        return [int(value) for value in self.rhs]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = list(self.rhs)
        if not values:
            raise EmptyResultSet
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", [*lhs_params, values]
        placeholders = ", ".join(["%s"] * len(values))
        return f"{lhs} IN ({placeholders})", [*lhs_params, *values]


def register() -> None:
    """Make ``__any_of`` available on integer columns and foreign keys (called once by core)."""
    for field in (models.ForeignKey, models.IntegerField, models.AutoField, models.BigAutoField):
        field.register_lookup(AnyOf)
