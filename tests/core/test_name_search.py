"""A name search in pinyin order finds exactly what the plain token search finds, page by page.

``search_in_name_order`` reads a common surname as an index range plus the other matches
(core.search.NameOrderSearch); these tests hold it to the simple definition: every person whose
tokens match, in (pinyin sort key, id) order, on every page.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangjian.core.models import Person
from dangjian.core.search import NameOrderSearch, search_in_name_order, search_queryset, search_tokens
from tests.core.people import resident_in

NAMES = [
    "张伟",  # surname at the head of the sort key
    "张伟明",
    "張偉",  # entered in traditional characters
    "章伟",  # same reading zhang, other character
    "李张",  # 张 in the given name: sorts under li
    "王张华",
    "长孙张",  # compound surname read zhang sun, then 张
    "曾华",  # surname reading zeng, not ceng
    "华伟",
    "魏华",
    "王芳",
    "安静",
    "郑伟",
    "赵文",
    "周武",
    "Anna张",  # a sort key that does not start with pinyin
    "张张",  # at the head and elsewhere: in both scans, listed once
]


@pytest.fixture
def named(world):
    return [resident_in(world.grid_a1, name) for name in NAMES]


def _reference(text: str) -> list[str]:
    return [p.name for p in search_queryset(Person.objects.all(), text).order_by("name_pinyin", "id")]


def _paged(text: str, per_page: int) -> list[str]:
    result = search_in_name_order(Person.objects.all(), text, key="name_pinyin")
    names: list[str] = []
    start = 0
    while True:
        rows = list(result[start : start + per_page + 1])
        names += [p.name for p in rows[:per_page]]
        if len(rows) <= per_page:
            return names
        start += per_page


QUERIES = [
    "张",
    "張",
    "zhang",
    "zh",
    "z",
    "伟",
    "华",
    "曾",
    "zeng",
    "王",
    "wang",
    "w",
    "li",
    "长",
    "张伟",
    "zhangwei",
    "zw",
    "a",
]


@pytest.mark.parametrize("text", QUERIES)
@pytest.mark.parametrize("per_page", [1, 2, 50])
def test_every_page_of_a_name_search_lists_the_matches_in_pinyin_order(named, text, per_page):
    assert _reference(text)  # the query finds someone, or the comparison proves nothing
    assert _paged(text, per_page) == _reference(text)


@pytest.mark.parametrize("text", ["张", "伟", "zhang", "华"])
def test_a_deep_page_read_through_ids_lists_the_same_matches(named, monkeypatch, text):
    """Past ``ROWS_AT_ONCE`` the scans read ids and the page's rows after: the same pages."""
    monkeypatch.setattr("dangjian.core.search.ROWS_AT_ONCE", 1)
    assert len(_reference(text)) > 2
    assert _paged(text, 2) == _reference(text)


def test_a_surname_finds_people_with_it_anywhere_in_the_name(named):
    assert set(_paged("张", 50)) == {"张伟", "张伟明", "張偉", "李张", "王张华", "长孙张", "Anna张", "张张"}


def test_a_surname_and_pinyin_within_one_syllable_take_the_split_search(named):
    for text in ("张", "曾", "zhang", "wang"):
        assert isinstance(
            search_in_name_order(Person.objects.all(), text, key="name_pinyin"), NameOrderSearch
        )
    for text in ("张伟", "zhangwei", "zw", "zh", "li", ""):
        assert not isinstance(
            search_in_name_order(Person.objects.all(), text, key="name_pinyin"), NameOrderSearch
        )


def test_a_name_carries_the_anchor_of_its_surname_reading():
    assert "c0zhang" in search_tokens(names=("张伟",)).split()
    assert "c0zeng" in search_tokens(names=("曾华",)).split()
    assert not any(token.startswith("c0") for token in search_tokens("党建办公室").split())


def test_saving_a_renamed_person_moves_the_anchor(world):
    person = resident_in(world.grid_a1, "张伟")
    person.name = "李伟"
    person.save()
    person.refresh_from_db()
    assert "c0li" in person.search_tokens.split()
    assert "c0zhang" not in person.search_tokens.split()
    assert _paged("李", 10) == ["李伟"]
    assert _paged("张", 10) == []


def test_a_keyset_cursor_applies_to_both_scans(named):
    from django.db.models import Q

    result = search_in_name_order(Person.objects.all(), "张", key="name_pinyin")
    first = list(result[0:2])
    last = first[-1]
    after = Q(name_pinyin__gt=last.name_pinyin) | Q(name_pinyin=last.name_pinyin, id__gt=last.pk)
    rest = list(result.filter(after)[0:50])
    assert [p.name for p in first + rest] == _reference("张")


@pytest.mark.parametrize("text", ["张", "zhangwei"])
def test_a_searched_person_list_costs_the_same_queries_for_3_and_30_matches(client, secretary_a, world, text):
    client.force_login(secretary_a)
    counts = []
    for total in (3, 30):
        while Person.objects.count() < total:
            resident_in(world.grid_a1, "张伟" + "一二三四五六七八九十"[Person.objects.count() % 10])
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("members:person_list"), {"q": text})
        assert len(response.context["page"]) == total
        counts.append(len(queries))
    assert counts[0] == counts[1]
