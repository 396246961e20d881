"""The ledger's copies of a person's sort key and search tokens (PartyMember.sort_name, .search_tokens).

The ledger orders and searches memberships on its own table so that district-scale searches
stay fast; these tests pin down that the copies follow the person whichever way they are written.
"""

from __future__ import annotations

from dangjian.core.models import Person
from dangjian.core.person_scope import refresh_scope_keys
from dangjian.members.filters import in_name_order, search_members
from dangjian.members.models import PartyMember
from tests.factories import PersonFactory


def _names(queryset) -> list[str]:
    return [member.person.name for member in queryset.select_related("person")]


def test_a_new_membership_copies_the_persons_sort_key_and_tokens(world):
    member = PartyMember.objects.create(person=PersonFactory(name="张伟"), org=world.branch_a1)
    member.refresh_from_db()
    assert member.sort_name == member.person.name_pinyin != ""
    assert member.search_tokens == member.person.search_tokens != ""


def test_renaming_the_person_renames_the_ledger_entry(world):
    member = PartyMember.objects.create(person=PersonFactory(name="张伟"), org=world.branch_a1)
    person = Person.objects.get(pk=member.person_id)
    person.name = "李娜"
    person.save()

    ledger = PartyMember.objects.all()
    assert _names(search_members(ledger, "李娜")) == ["李娜"]
    assert _names(search_members(ledger, "ln")) == ["李娜"]
    assert list(search_members(ledger, "张伟")) == []


def test_bulk_inserted_memberships_are_filled_and_ordered_by_pinyin(world):
    people = [PersonFactory(name=name) for name in ("王芳", "安娜", "曾明")]
    PartyMember.objects.bulk_create([PartyMember(person=person, org=world.branch_a1) for person in people])
    assert PartyMember.objects.filter(sort_name="").count() == 3

    PartyMember.fill_sort_names()
    refresh_scope_keys()  # what every bulk path does after its inserts

    ledger = PartyMember.objects.all()
    # 曾 as a surname reads zeng, so it sorts last; searched and plain orders agree.
    assert _names(in_name_order(ledger, searched=False)) == ["安娜", "王芳", "曾明"]
    assert _names(in_name_order(ledger, searched=True)) == ["安娜", "王芳", "曾明"]
    assert _names(search_members(ledger, "zengming")) == ["曾明"]
