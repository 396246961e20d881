"""``GET /api/v1/search?q=``: the search box's results, grouped by kind of record."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext
from ninja import Field, Query, Router, Schema

from dangjian.core.errors import PermissionDenied
from dangjian.core.registry import search_sources
from dangjian.search.selectors import QUERY_LENGTH, clean_query, search_everything

router = Router(tags=["search"])


class SearchParams(Schema):
    q: str = Field(
        "", max_length=200, description="Name, pinyin or initials, ID number, mobile, code or words."
    )


class HitOut(Schema):
    title: str
    url: str
    detail: str


class GroupOut(Schema):
    key: str
    label: str
    hits: list[HitOut]
    more_url: str = Field(description="The app's own list filtered by the text; empty when nothing more.")


class SearchOut(Schema):
    query: str = Field(description=f"The text as searched (at most {QUERY_LENGTH} characters).")
    groups: list[GroupOut]


@router.get("", response=SearchOut, url_name="search")
def search(request: HttpRequest, params: Query[SearchParams]) -> dict:
    """Records of every kind the user may see matching the text (5 per kind); nothing out of scope,
    not even as a count."""
    if not search_sources(request.user):
        raise PermissionDenied(gettext("You do not have permission to search."), rule="permission")
    query = clean_query(params.q)
    return {"query": query, "groups": search_everything(request.user, query)}
