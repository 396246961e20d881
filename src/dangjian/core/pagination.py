"""Paginating list pages at a fixed cost, whatever the size of the table.

A district's tables hold hundreds of thousands of residents and audit lines, where a
``COUNT(*)`` for "page 3 of 14,000" scans the whole filtered table on every page view
(DESIGN.md, principle 7). Pages here fetch ``per_page + 1`` rows with a bounded offset: the
extra row says whether a next page exists, and pages show "第 N 页" with previous/next links.

The list's size is shown as a total where that is cheap and as an estimate where it is not
(``Page.total``): one count bounded to ``COUNT_LIMIT`` rows on every page, so a short list costs
what a long one does ("共 N 条"); past that bound, PostgreSQL's planner estimate
("约 N 条"), or "超过 10,000 条" on a database without one.

Use in a view::

    from dangjian.core.pagination import paginate

    def person_list(request):
        people = Person.objects.visible_to(request.user).order_by("name_pinyin", "id")
        page = paginate(request, people)
        return render(request, "members/person_list.html", {"page": page})

and in its template::

    {% for person in page %}…{% endfor %}
    {% include "includes/pagination.html" %}

The queryset must have a deterministic ordering (end it with a unique column such as ``id``)
so rows do not repeat or vanish between pages. ``select_related`` / ``prefetch_related`` on
the queryset are honoured: the page costs one query plus one per prefetch, always.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.conf import settings
from django.db.models import QuerySet

from dangjian.core.planner import estimated_rows, planner_settings
from dangjian.core.search import index_read_settings

PAGE_PARAMETER = "page"
# Deep offsets get slower on every database; past this many rows the user is asked to narrow
# the search instead of paging further (nobody reads page 2,000 of a list).
MAX_OFFSET = 10_000
# A list is counted exactly up to this many rows (a bounded scan); a longer one is estimated.
COUNT_LIMIT = 10_000
# A search read in name order (``core.search.NameOrderSearch``) counts by its own id scans, which
# cost more per row than a COUNT: past this many matches it says "more than".
SEARCH_COUNT_LIMIT = 1_000


@dataclass(frozen=True)
class Total:
    """How many rows a list holds: ``count`` exactly, about (``estimated``), or more than it."""

    count: int
    estimated: bool = False
    at_least: bool = False


def _two_figures(number: int) -> int:
    """An estimate rounded to two significant figures (712,345 → 710,000): no false precision."""
    digits = len(str(number))
    return round(number, -(digits - 2)) if digits > 2 else number


def count_rows(queryset: QuerySet | Sequence[Any]) -> Total | None:
    """The size of a list at a bounded cost: exact up to ``COUNT_LIMIT`` rows, estimated past it;
    None for a source that can be neither counted nor measured cheaply."""
    bounded_count = getattr(queryset, "bounded_count", None)
    if bounded_count is not None:
        count = bounded_count(SEARCH_COUNT_LIMIT + 1)
        if count <= SEARCH_COUNT_LIMIT:
            return Total(count)
        return Total(SEARCH_COUNT_LIMIT, at_least=True)
    if not isinstance(queryset, QuerySet):
        try:
            return Total(len(queryset))
        except TypeError:
            return None
    # Ordering costs a sort of every matching row before the limit applies; a count needs none,
    # except under DISTINCT, where the ordering's columns are part of what is distinct.
    counted = queryset if queryset.query.distinct else queryset.order_by()
    with planner_settings(**index_read_settings(counted)):
        count = counted[: COUNT_LIMIT + 1].count()
    if count <= COUNT_LIMIT:
        return Total(count)
    estimate = estimated_rows(queryset)
    if estimate is not None:
        return Total(_two_figures(max(estimate, COUNT_LIMIT + 1)), estimated=True)
    return Total(COUNT_LIMIT, at_least=True)


@dataclass
class Page:
    """One page of rows, with the subset of Django's ``Page`` interface templates use."""

    object_list: Sequence[Any]
    number: int
    per_page: int
    has_next: bool
    # True when the requested page lay beyond MAX_OFFSET and the last reachable page is shown.
    is_capped: bool = False
    parameter: str = PAGE_PARAMETER
    # What was paged, for ``total`` (counted only when a template asks for it), and whether this
    # page holds its last rows (then the total is known without counting).
    source: QuerySet | Sequence[Any] | None = field(default=None, repr=False)
    is_last: bool = False

    def __iter__(self) -> Iterator[Any]:
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    def __bool__(self) -> bool:
        return bool(self.object_list)

    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous()

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1

    def start_index(self) -> int:
        """1-based index of the first row on this page (0 when the page is empty)."""
        return (self.number - 1) * self.per_page + 1 if self.object_list else 0

    def end_index(self) -> int:
        return (self.number - 1) * self.per_page + len(self.object_list)

    @cached_property
    def total(self) -> Total | None:
        """The list's size: one bounded count (or an estimate), on every page.

        The last page could know it without a query, but then a short list would cost one query
        fewer than a long one, and a page's cost must not depend on the data (DESIGN.md,
        principle 7); a list of plain rows (no queryset) is counted by its length.
        """
        if self.source is None:
            if self.is_last and (self.object_list or self.number == 1):
                return Total(self.end_index())
            return None
        return count_rows(self.source)


def _page_number(raw: str | None, last_allowed: int) -> tuple[int, bool]:
    try:
        number = int(raw or 1)
    except (TypeError, ValueError):
        number = 1
    number = max(number, 1)
    if number > last_allowed:
        return last_allowed, True
    return number, False


def paginate(
    request,
    queryset: QuerySet | Sequence[Any],
    *,
    per_page: int | None = None,
    parameter: str = PAGE_PARAMETER,
) -> Page:
    """The page of ``queryset`` named by ``?page=N`` in the request, in one bounded query.

    Invalid or missing page numbers give page 1; a page past ``MAX_OFFSET`` rows gives the last
    reachable page with ``is_capped`` set, so the template can ask for a narrower search.
    """
    per_page = max(int(per_page or settings.PAGE_SIZE), 1)
    last_allowed = max(MAX_OFFSET // per_page, 1)
    number, capped = _page_number(request.GET.get(parameter), last_allowed)
    offset = (number - 1) * per_page
    rows = list(queryset[offset : offset + per_page + 1])
    has_next = len(rows) > per_page and number < last_allowed
    return Page(
        object_list=rows[:per_page],
        number=number,
        per_page=per_page,
        has_next=has_next,
        is_capped=capped,
        parameter=parameter,
        source=queryset,
        is_last=len(rows) <= per_page,
    )
