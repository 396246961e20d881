"""The generator step of the dues: declarations and payments consistent with the rules."""

from __future__ import annotations

import datetime
import random
from types import SimpleNamespace

from dangjian.dues.demo_data import generate_dues
from dangjian.dues.ledger import behind, first_owed_month, leaving, ledgers
from dangjian.dues.models import DuesDeclaration, DuesPayment, DuesReduction
from dangjian.dues.rules import monthly_dues
from dangjian.members.choices import MemberCategory
from dangjian.members.models import PartyMember
from tests.dues.helpers import add_member

CATEGORIES = [MemberCategory.EMPLOYED, MemberCategory.RETIRED, MemberCategory.FARMER, MemberCategory.STUDENT]


def test_generated_dues_follow_the_rules(world, django_assert_max_num_queries):
    today = datetime.date.today()
    for index in range(120):
        joined = today - datetime.timedelta(days=30 * (index % 40) + 10)
        add_member(
            world.branch_a1 if index % 2 else world.branch_b1,
            f"成员{index}",
            joined_on=joined,
            category=CATEGORIES[index % len(CATEGORIES)],
        )

    with django_assert_max_num_queries(60):  # bulk inserts in batches, no query per member
        rows = generate_dues(SimpleNamespace(rng=random.Random(5), today=today))

    assert rows == (
        2 + DuesDeclaration.objects.count() + DuesPayment.objects.count() + DuesReduction.objects.count()
    )
    members = list(PartyMember.objects.all())
    books = ledgers(members, first=datetime.date(2000, 1, 1), last=today)
    for member in members:
        for month, payment in books[member.pk].payments.items():
            assert first_owed_month(member) <= month
            assert payment.amount_paid >= payment.amount_due
    for declaration in DuesDeclaration.objects.exclude(category="farmer"):
        assert declaration.monthly_amount == monthly_dues(declaration.category, declaration.base)
    assert behind(PartyMember.objects.all()).exists()
    assert leaving(PartyMember.objects.all()).count() < 20
