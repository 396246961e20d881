"""The one search box: 简/繁 and pinyin aware, each kind of record from its own app, and nothing
out of the user's scope — not as a hit, not as a count, not as a "more" link."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from dangjian.core.registry import SearchHit, SearchSource, registry, search_sources
from dangjian.search.selectors import HITS_PER_SOURCE, clean_query, search_everything
from tests.search.helpers import member, request_titled


def _titles(groups, key: str) -> list[str]:
    return [hit.title for group in groups if group.key == key for hit in group.hits]


def test_traditional_input_finds_simplified_records(world, secretary_a):
    request_titled(world, world.grid_a1, "党建活动室漏水")
    groups = search_everything(secretary_a, "黨建")
    assert _titles(groups, "service_requests") == ["党建活动室漏水"]
    assert "中共幸福社区委员会" in _titles(search_everything(secretary_a, "幸福社區"), "organizations")


def test_a_member_is_found_by_pinyin_initials_and_full_pinyin(world, secretary_a):
    member(world.branch_a1, "张伟")
    member(world.branch_a1, "王芳")
    assert _titles(search_everything(secretary_a, "zw"), "members") == ["张伟"]
    assert _titles(search_everything(secretary_a, "zhangwei"), "members") == ["张伟"]
    assert _titles(search_everything(secretary_a, "张"), "people") == ["张伟"]


def test_nothing_out_of_scope_is_found_or_counted(client, world, secretary_a, secretary_a_grid_worker_b):
    member(world.branch_a1, "张伟")
    member(world.branch_b1, "张强")
    request_titled(world, world.grid_b1, "张家门口路灯不亮")
    groups = search_everything(secretary_a, "张")
    assert _titles(groups, "members") == ["张伟"]
    assert "张强" not in _titles(groups, "people")
    assert _titles(groups, "service_requests") == []
    # Her grid post in 社区B lets her read the people and requests of that grid, never its
    # party members: a role held elsewhere does not widen what another permission reads.
    assert _titles(search_everything(secretary_a_grid_worker_b, "张"), "members") == ["张伟"]
    client.force_login(secretary_a)
    page = client.get(reverse("search:results"), {"q": "张"}).content.decode()
    assert "张伟" in page and "张强" not in page and "张家门口" not in page
    # No total anywhere: the page shows hits, never "N 条" over records out of scope.
    assert "条" not in page.split('id="main"', 1)[1]
    body = client.get(reverse("api:search"), {"q": "张"}).json()
    names = [hit["title"] for group in body["groups"] for hit in group["hits"]]
    assert "张伟" in names and "张强" not in names


def test_more_is_offered_only_beyond_the_hits_shown(world, secretary_a):
    for index in range(HITS_PER_SOURCE + 1):
        member(world.branch_a1, f"李{'一二三四五六七'[index]}")
    groups = {group.key: group for group in search_everything(secretary_a, "李")}
    assert len(groups["members"].hits) == HITS_PER_SOURCE
    assert groups["members"].more_url.startswith(reverse("members:member_list"))
    assert search_everything(secretary_a, "李一")[0].more_url == ""


def test_a_source_is_offered_only_to_holders_of_its_permission(world, resident, secretary_a, client):
    assert search_sources(resident) == []
    client.force_login(resident)
    assert client.get(reverse("search:results")).status_code == 403
    assert client.get(reverse("api:search"), {"q": "张"}).status_code == 403
    assert {source.key for source in search_sources(secretary_a)} >= {"people", "members", "organizations"}


def test_every_source_answers_in_a_bounded_number_of_queries(world, district_admin):
    for index in range(3):
        member(world.branch_a1, f"张{index}")
    search_everything(district_admin, "张")
    with CaptureQueriesContext(connection) as few:
        search_everything(district_admin, "张")
    for index in range(3, 20):
        member(world.branch_b1, f"张{index}")
    with CaptureQueriesContext(connection) as many:
        search_everything(district_admin, "张")
    assert len(many.captured_queries) == len(few.captured_queries)


def test_control_characters_and_long_input_are_cut_not_refused(client, secretary_a, world):
    assert clean_query("张\x00伟" + "x" * 100) == "张伟" + "x" * 48
    client.force_login(secretary_a)
    assert client.get(reverse("search:results"), {"q": "张\x00" + "伟" * 500}).status_code == 200
    assert client.get(reverse("api:search"), {"q": "\x00"}).status_code in (200, 422)


def test_an_app_contributes_a_source_through_the_registry(world, secretary_a):
    def find(user, text, limit):
        return [SearchHit("测试记录", "/test/", "")] if text == "测试" else []

    store = registry["search_sources"]
    store["tinytest"] = SearchSource("tinytest", "测试", find, "core.view_person", order=1)
    try:
        assert search_everything(secretary_a, "测试")[0].hits[0].title == "测试记录"
    finally:
        del store["tinytest"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="sources are asked side by side on PostgreSQL"
)
def test_sources_asked_side_by_side_find_what_one_after_another_finds(world, secretary_a, settings):
    """Outside a transaction (a web request) each source runs in a pool thread with its own
    connection, in the request's language; the hits are those of asking one after another."""
    member(world.branch_a1, "张伟")
    member(world.branch_b1, "张强")
    request_titled(world, world.grid_a1, "张家门口路灯不亮")

    def where(user, text, limit):
        return [SearchHit(f"{threading.current_thread().name} {translation.get_language()}", "/spy/", "")]

    store = registry["search_sources"]
    store["spy"] = SearchSource("spy", "Spy", where, "core.view_person", order=1)
    try:
        settings.SEARCH_THREADS = 1
        with translation.override("en"):
            one_by_one = search_everything(secretary_a, "张")
        settings.SEARCH_THREADS = 4
        with translation.override("en"):
            side_by_side = search_everything(secretary_a, "张")
    finally:
        del store["spy"]

    def hits(groups):
        return [(group.key, [hit.title for hit in group.hits]) for group in groups if group.key != "spy"]

    assert hits(side_by_side) == hits(one_by_one)
    assert _titles(side_by_side, "members") == ["张伟"]
    assert _titles(one_by_one, "spy") == ["MainThread en"]
    [spied] = _titles(side_by_side, "spy")
    assert spied.startswith("search") and spied.endswith(" en")
