"""Reading the search box's results from the registry's ``search_sources``."""

from __future__ import annotations

from dataclasses import dataclass

from dangjian.core.registry import SearchHit, search_sources

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
    groups = []
    for source in search_sources(user):
        hits = source.find(user, text, HITS_PER_SOURCE + 1)
        if not hits:
            continue
        more = source.more_url(text) if source.more_url and len(hits) > HITS_PER_SOURCE else ""
        groups.append(ResultGroup(source.key, str(source.label), hits[:HITS_PER_SOURCE], more))
    return groups
