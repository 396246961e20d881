"""The service-post section of a member's history page: the posts the member claimed and held,
as far as the reader's scope goes, at one query."""

from __future__ import annotations

from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext

from dangjian.members.history import history_sections
from tests.service_posts.helpers import claimed, confirmed, member_of, post_at


def _section(member, user):
    with CaptureQueriesContext(connection) as queries:
        sections = {entry.key: section for entry, section in history_sections(member, user)}
    return len([q for q in queries if "service_posts" in q["sql"]]), sections.get("service_posts")


def test_the_member_history_lists_the_posts_held_at_one_query(world, secretary_a, secretary_b):
    member, _user = member_of(world.branch_a1)
    confirmed(post_at(world.org_a, "助老服务岗"), member, secretary_a)
    few, section = _section(member, secretary_a)
    assert "助老服务岗" in render_to_string(section.template, section.context)
    for index in range(6):
        claimed(post_at(world.org_a, f"岗{index}"), member)
    many, _section_again = _section(member, secretary_a)
    assert few == many == 1
    assert _section(member, secretary_b)[1] is None
