"""Reading the search box's results from the registry's ``search_sources``.

The sources are asked side by side, each in a thread of a small pool with its own database
connection. Why: a source mostly waits for PostgreSQL (a street's requests for ``zhang``: 70 ms
of which 8 ms in Python), and eleven of them one after another added up to 110–180 ms for a
street secretary at district scale; side by side the box takes about as long as its slowest
source plus the Python work. The cost is up to ``SEARCH_THREADS`` more connections per web
process. Inside a transaction (a test, a request that opened one) the sources are asked one
after another on the request's own connection, since other connections would not see its rows.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass

from django.conf import settings
from django.db import close_old_connections, connection, connections
from django.utils import timezone, translation

from dangjian.core.registry import SearchHit, SearchSource, search_sources
from dangjian.core.scoping import scope_of

# Hits shown per kind of record; one more is read to know whether "more" leads anywhere.
HITS_PER_SOURCE = 5
# Longer input is cut: nobody types a 50-character name, and the token query stays small.
QUERY_LENGTH = 50


@dataclass(frozen=True)
class ResultGroup:
    key: str
    label: str
    hits: list[SearchHit]
    more_url: str


def clean_query(text: str | None) -> str:
    """The query as searched: NUL and control characters dropped, trimmed, at most 50 characters."""
    text = "".join(char for char in (text or "") if char.isprintable())
    return text.strip()[:QUERY_LENGTH]


def search_everything(user, text: str) -> list[ResultGroup]:
    """For each source offered to ``user``, the first hits among the records in their scope.

    A source with no hit is left out, and no total is ever shown: a count over records the user
    may not see would tell what exists outside their scope. "More" (the app's own list, filtered
    by the text) is offered only when the source found more than it shows, in scope.
    """
    if not text:
        return []
    sources = search_sources(user)
    scope_of(user)  # the user's grants, read once here and shared by the threads
    groups = []
    for source, hits in zip(sources, _found(sources, user, text), strict=True):
        if not hits:
            continue
        more = source.more_url(text) if source.more_url and len(hits) > HITS_PER_SOURCE else ""
        groups.append(ResultGroup(source.key, str(source.label), hits[:HITS_PER_SOURCE], more))
    return groups


_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def _threads() -> ThreadPoolExecutor:
    """The pool, made on first use: in each web worker process after it has been forked."""
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=settings.SEARCH_THREADS, thread_name_prefix="search")
        return _pool


def _side_by_side(sources: list[SearchSource]) -> bool:
    return (
        settings.SEARCH_THREADS > 1
        and len(sources) > 1
        and connection.vendor == "postgresql"
        and not connection.in_atomic_block
    )


def _found(sources: list[SearchSource], user, text: str) -> list[list[SearchHit]]:
    """Each source's hits, in the order of ``sources``."""
    if not _side_by_side(sources):
        return [source.find(user, text, HITS_PER_SOURCE + 1) for source in sources]
    language, zone = translation.get_language(), timezone.get_current_timezone()

    def find(source: SearchSource) -> list[SearchHit]:
        # A pool thread keeps its connection between searches; this drops one past its age or
        # broken (a restarted database), as a request does at its start.
        close_old_connections()
        with translation.override(language), timezone.override(zone):
            return source.find(user, text, HITS_PER_SOURCE + 1)

    return list(_threads().map(find, sources))


def stop_threads() -> None:
    """Close the pool's database connections and end its threads (the test suite's end).

    Each thread closes its own connection, so every thread is given one task and the tasks wait
    for each other: no thread can take two while another goes without.
    """
    global _pool
    with _pool_lock:
        pool, _pool = _pool, None
    if pool is None:
        return
    workers = pool._max_workers
    meeting = threading.Barrier(workers)

    def close(_index: int) -> None:
        with suppress(threading.BrokenBarrierError):
            meeting.wait(timeout=10)
        connections.close_all()

    list(pool.map(close, range(workers)))
    pool.shutdown(wait=True)
