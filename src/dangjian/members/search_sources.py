"""What the staff search box finds in the member ledger: people and party members.

People match by name (简/繁, pinyin, initials), a whole ID number or a whole mobile, in pinyin
order of their names (``search_people``, bounded cost for a common surname); members the same
way through the membership's own copy of the tokens. The second line shows only masked values.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from dangjian.core.models import Person
from dangjian.core.registry import SearchHit, SearchSource, register_search_source
from dangjian.core.search import search_in_name_order
from dangjian.members.filters import ID_NUMBER_QUERY, search_members
from dangjian.members.models import PartyMember
from dangjian.members.person_views import search_people

VIEW_PERSON = "core.view_person"
VIEW_MEMBER = "members.view_partymember"


def find_people(user, text: str, limit: int) -> list[SearchHit]:
    people = Person.objects.visible_to(user, VIEW_PERSON).only(
        "pk", "name", "id_number_masked", "mobile_masked", "name_pinyin"
    )
    rows = search_people(people, text)[:limit]
    return [
        SearchHit(
            person.name,
            reverse("members:person_detail", kwargs={"pk": person.pk}),
            " ".join(value for value in (person.id_number_masked, person.mobile_masked) if value),
        )
        for person in rows
    ]


def find_members(user, text: str, limit: int) -> list[SearchHit]:
    members = (
        PartyMember.objects.visible_to(user, VIEW_MEMBER)
        .filter(is_active=True)
        .select_related("person", "org")
        .only("pk", "status", "person__name", "org__name", "sort_name")
    )
    if _is_id_number(text):
        rows = search_members(members, text).order_by("sort_name", "id")[:limit]
    else:
        rows = search_in_name_order(members, text, key="sort_name")[:limit]
    return [
        SearchHit(
            member.person.name,
            reverse("members:member_detail", kwargs={"pk": member.pk}),
            f"{member.org.name} · {member.get_status_display()}",
        )
        for member in rows
    ]


def _is_id_number(text: str) -> bool:
    return bool(ID_NUMBER_QUERY.match(text.strip().replace(" ", "").replace("-", "")))


def _list(name: str):
    return lambda text: f"{reverse(name)}?{urlencode({'q': text})}"


register_search_source(
    SearchSource(
        "people", _("People"), find_people, VIEW_PERSON, more_url=_list("members:person_list"), order=10
    )
)
register_search_source(
    SearchSource(
        "members",
        _("Party members"),
        find_members,
        VIEW_MEMBER,
        more_url=_list("members:member_list"),
        order=20,
    )
)
