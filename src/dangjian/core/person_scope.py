"""Where a person sits in the two trees, kept on the person row so a scoped list reads one column.

Why: a person is placed by records of other apps (a current home, a party membership, a grid
post), so "people inside a street" was three ``Exists`` subqueries. At district scale a street
secretary's name search then read every match of the district (59,565 people named 杨) and
filtered them through the three subqueries, each built in full: 400–900 ms a page. The
subqueries stay the definition (``PersonPlacement.scope_q``); ``Person.scope_keys`` is a copy
of what they answer, one token per subtree the person is placed in:

    " a0001 a00010003 a000100030007 o0001 o00010002 "

``a`` + an area path and ``o`` + an organization path, for every ancestor of every place (so
the token of a scope root is on each person beneath it). PostgreSQL indexes the tokens with a
GIN index on ``to_tsvector('simple', scope_keys)`` and keeps statistics of each token, so the
planner knows a street holds a twelfth of the district and can either walk the name index in
page order, testing one column per row, or intersect the street's token with a surname's.

The copy is kept in step where placements change: the members app's ``save``/``delete`` of a
home, membership or grid post, its bulk imports, the generator's last step, moving a node and
changing an organization's jurisdiction. ``tests/conftest.py`` checks after every database test
that each person's keys equal a recomputation from the records, so a path that forgets fails.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db import connection, models
from django.db.models import Q

from dangjian.core.registry import registry
from dangjian.core.scoping import AREA, ORG, Scope
from dangjian.core.tree import PATH_STEP

MARKS = {ORG: "o", AREA: "a"}
# Rows per UPDATE when many people change at once (the generator, a migration, a big move).
BATCH = 5000


def keys_for(places: Iterable[tuple[str, str]]) -> str:
    """The ``scope_keys`` of a person placed at ``(tree, path)`` places: every ancestor's token."""
    tokens: set[str] = set()
    for tree, path in places:
        if not path:
            continue
        mark = MARKS[tree]
        tokens.update(mark + path[:end] for end in range(PATH_STEP, len(path) + 1, PATH_STEP))
    return f" {' '.join(sorted(tokens))} " if tokens else ""


def scope_tokens(scope: Scope) -> list[str]:
    """The tokens of ``scope``'s roots: a person carrying any of them is inside the scope."""
    return [MARKS[ORG] + path for path in scope.org_paths] + [MARKS[AREA] + path for path in scope.area_paths]


class ScopeKeysMatch(models.Expression):
    """``to_tsvector('simple', scope_keys) @@ to_tsquery('simple', 'a… | o…')`` (the GIN index),
    with its twin ``strpos(scope_keys, ' a… ') > 0 OR …`` beside it.

    Why the twin: when the planner walks the name index in page order (a surname's range), the
    scope is tested on every row walked, and ``to_tsvector`` of a row costs about 5 µs; the
    twin, cheaper, is tested first and the rows outside the scope never reach ``to_tsvector``.
    A street secretary's count of 孙 walked 10,750 rows: 65 ms, 14 ms with the twin. The
    ``to_tsvector`` half stays so that the GIN index serves when the scope is the narrow side.
    """

    output_field = models.BooleanField()

    def __init__(self, tokens: list[str], field: str = "scope_keys"):
        super().__init__()
        self.tokens = tokens
        self.keys = models.F(field)

    def get_source_expressions(self):
        return [self.keys]

    def set_source_expressions(self, expressions):
        (self.keys,) = expressions

    def as_sql(self, compiler, connection):
        sql, params = compiler.compile(self.keys)
        query = " | ".join(f"'{token.lower()}'" for token in self.tokens)
        twin = " OR ".join(f"strpos({sql}, %s) > 0" for _token in self.tokens)
        return (
            f"(to_tsvector('simple', {sql}) @@ to_tsquery('simple', %s) AND ({twin}))",
            [*params, query, *(value for token in self.tokens for value in (*params, f" {token} "))],
        )


def scope_keys_q(scope: Scope) -> Q:
    """People placed inside ``scope`` (not global), read from their ``scope_keys``."""
    tokens = scope_tokens(scope)
    if not tokens:
        return Q(pk__in=[])
    if connection.vendor == "postgresql":
        return Q(ScopeKeysMatch(tokens))
    query = Q(pk__in=[])
    for token in tokens:
        query |= Q(scope_keys__contains=f" {token} ")
    return query


def placed_paths(person_ids: Iterable[int] | None = None) -> dict[int, list[tuple[str, str]]]:
    """``{person_id: [(tree, path), …]}`` from every app's records (None: every placed person)."""
    ids = None if person_ids is None else list(person_ids)
    found: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for placement in registry["person_placements"].values():
        for person_id, tree, path in placement.paths(ids):
            found[person_id].append((tree, path))
    return found


def computed_keys(person_ids: Iterable[int] | None = None) -> dict[int, str]:
    """What ``scope_keys`` should hold for each person (every person when ``person_ids`` is None)."""
    from dangjian.core.models import Person

    people = Person.objects.all() if person_ids is None else Person.objects.filter(pk__in=list(person_ids))
    places = placed_paths(None if person_ids is None else list(person_ids))
    return {pk: keys_for(places.get(pk, ())) for pk in people.values_list("pk", flat=True).iterator()}


def refresh_scope_keys(person_ids: Iterable[int] | None = None) -> int:
    """Recompute ``scope_keys`` of the given people (None: everyone); returns how many changed."""
    from dangjian.core.models import Person

    ids = None if person_ids is None else {pk for pk in person_ids if pk is not None}
    if ids is not None and not ids:
        return 0
    wanted = computed_keys(ids)
    current = Person.objects.all() if ids is None else Person.objects.filter(pk__in=ids)
    changed = [
        (pk, wanted[pk])
        for pk, keys in current.values_list("pk", "scope_keys").iterator()
        if wanted.get(pk, "") != keys
    ]
    for start in range(0, len(changed), BATCH):
        _write(changed[start : start + BATCH])
    return len(changed)


def refresh_scope_keys_under(tree: str, path: str) -> int:
    """Recompute the keys of everyone carrying the token of ``path`` (before a subtree moved)."""
    from dangjian.core.models import Person

    people = Person.objects.filter(scope_keys_q(_token_scope(tree, path))).values_list("pk", flat=True)
    return refresh_scope_keys(list(people))


def _token_scope(tree: str, path: str) -> Scope:
    from dangjian.core.scoping import Grant

    return Scope(grants=(Grant(tree, path, frozenset()),))


def _write(rows: list[tuple[int, str]]) -> None:
    from dangjian.core.models import Person

    if connection.vendor == "postgresql":
        values = ", ".join(["(%s, %s)"] * len(rows))
        params = [value for row in rows for value in row]
        with connection.cursor() as cursor:
            cursor.execute(
                f'UPDATE "core_person" AS p SET "scope_keys" = v.keys '
                f"FROM (VALUES {values}) AS v(id, keys) WHERE p.id = v.id",
                params,
            )
        return
    Person.objects.bulk_update(
        [Person(pk=pk, scope_keys=keys) for pk, keys in rows], ["scope_keys"], batch_size=500
    )
