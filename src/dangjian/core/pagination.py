"""Paginating list pages at a fixed cost, whatever the size of the table.

A district's tables hold hundreds of thousands of residents and audit lines, where a
``COUNT(*)`` for "page 3 of 14,000" scans the whole filtered table on every page view
(DESIGN.md, principle 7). Pages here fetch ``per_page + 1`` rows with a bounded offset: the
extra row says whether a next page exists, and pages show "第 N 页" with previous/next links
instead of a total.

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
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import QuerySet

PAGE_PARAMETER = "page"
# Deep offsets get slower on every database; past this many rows the user is asked to narrow
# the search instead of paging further (nobody reads page 2,000 of a list).
MAX_OFFSET = 10_000


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
    )
