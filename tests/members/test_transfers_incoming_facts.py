"""What a letter from outside states about the membership: its own fields, the migration that
moved earlier letters' facts out of the audit log, and the demo letters from outside."""

from __future__ import annotations

import datetime
import importlib
import random
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.utils import timezone

from dangjian.core import audit
from dangjian.core.choices import AuditAction
from dangjian.core.errors import RuleViolation
from dangjian.core.models import AuditEntry
from dangjian.members import services
from dangjian.members.choices import MemberStatus, TransferDirection, TransferState
from dangjian.members.demo_data import generate_transfers
from dangjian.members.models import PartyMember, Transfer, transfer_valid_days
from tests.factories import PersonFactory
from tests.members.transfers import incoming_fields, member_in

migration = importlib.import_module("dangjian.members.migrations.0005_transfer_incoming_facts")


def _bare_incoming_letter(world, number: str, audit_changes: dict) -> Transfer:
    """An incoming letter as registered before 0005: no facts in its fields, maybe in its audit line."""
    now = timezone.now()
    letter = Transfer.objects.create(
        letter_number=number,
        direction=TransferDirection.INCOMING,
        incoming_person=PersonFactory(name="周敏"),
        to_org=world.branch_a1,
        external_org_name="中共某省某市某街道工作委员会",
        valid_until=timezone.localdate(now) + datetime.timedelta(days=transfer_valid_days()),
        initiated_at=now,
        member_version=0,
    )
    audit.record(AuditAction.CREATE, letter, changes=audit_changes)
    return letter


def test_the_migration_copies_the_facts_of_earlier_letters_from_their_audit_lines(world, district_admin):
    stated = _bare_incoming_letter(
        world,
        "ZJT-000001",
        {
            "state": [None, "initiated"],
            "incoming": {
                "external_letter_number": "外组-2025-088",
                "status": "probationary",
                "joined_on": "2025-12-01",
                "regularized_on": None,
            },
        },
    )
    silent = _bare_incoming_letter(world, "ZJT-000002", {"state": [None, "initiated"]})

    migration.copy_facts_from_audit(apps, None)

    stated.refresh_from_db()
    silent.refresh_from_db()
    assert (
        stated.external_letter_number,
        stated.incoming_status,
        stated.incoming_joined_on,
        stated.incoming_regularized_on,
    ) == ("外组-2025-088", MemberStatus.PROBATIONARY, datetime.date(2025, 12, 1), None)
    assert (silent.incoming_status, silent.incoming_joined_on) == ("", None)

    accepted = services.accept_transfer(stated, by=district_admin)  # earlier letters keep working
    assert (accepted.member.status, accepted.member.joined_on) == (
        MemberStatus.PROBATIONARY,
        datetime.date(2025, 12, 1),
    )
    with pytest.raises(RuleViolation) as refused:
        services.accept_transfer(silent, by=district_admin)
    assert refused.value.rule == "transfer_incomplete"


def test_the_migration_leaves_letters_registered_with_fields_alone(world, secretary_a):
    letter = services.register_incoming_letter(**incoming_fields(world), by=secretary_a)

    migration.copy_facts_from_audit(apps, None)

    letter.refresh_from_db()
    assert (letter.incoming_status, letter.incoming_joined_on) == ("full", datetime.date(2005, 7, 1))


def _fake_generator(today: datetime.date) -> SimpleNamespace:
    return SimpleNamespace(
        rng=random.Random(11),
        today=today,
        insert=lambda model, rows, stage: model.objects.bulk_create(rows),
    )


def test_the_demo_writes_open_letters_from_outside_with_their_facts_and_no_audit_lines(
    world, district_admin, django_assert_max_num_queries
):
    today = timezone.localdate()
    for index in range(40):
        member = member_in(world.branch_a1 if index % 2 else world.branch_b1, f"党员{index}")
        PartyMember.objects.filter(pk=member.pk).update(
            joined_on=datetime.date(2000 + index % 20, 7, 1),
            regularized_on=datetime.date(2001 + index % 20, 7, 1),
        )
    for index in range(20):
        PersonFactory(name=f"居民{index}", birth_date=datetime.date(1950 + index * 2, 3, 15))
    PersonFactory(name="少年", birth_date=today - datetime.timedelta(days=15 * 365))
    audit_lines = AuditEntry.objects.count()

    with django_assert_max_num_queries(12):  # bulk inserts, no query per letter
        rows = generate_transfers(_fake_generator(today))

    assert rows == Transfer.objects.count()
    assert AuditEntry.objects.count() == audit_lines
    incoming = Transfer.objects.filter(direction=TransferDirection.INCOMING).select_related("incoming_person")
    states = {letter.state for letter in incoming}
    assert {TransferState.INITIATED, TransferState.ACCEPTED, TransferState.RETURNED} <= states
    for letter in incoming:
        assert letter.external_letter_number.startswith("组转〔")
        assert letter.incoming_status in MemberStatus.values and letter.incoming_joined_on <= today
        if letter.incoming_status == MemberStatus.FULL:
            assert letter.incoming_joined_on < letter.incoming_regularized_on <= today
        else:
            assert letter.incoming_regularized_on is None
        birth_date = letter.incoming_person.birth_date
        if letter.member_id is None:
            assert birth_date <= today - datetime.timedelta(days=18 * 365)
            assert letter.incoming_joined_on >= birth_date.replace(year=birth_date.year + 18)

    open_letter = incoming.filter(state=TransferState.INITIATED).first()
    assert open_letter.valid_until >= today
    member = services.accept_transfer(open_letter, by=district_admin).member
    assert (member.status, member.joined_on, member.regularized_on) == (
        open_letter.incoming_status,
        open_letter.incoming_joined_on,
        open_letter.incoming_regularized_on,
    )
