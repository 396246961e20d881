"""Declaring the base and recording payments: amounts by 中组发〔2008〕3号, the admission month of
预备党员, one payment a month, paying more, receipts, reductions and waivers."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from dangjian.core.errors import PermissionDenied, RuleViolation
from dangjian.core.models import AuditEntry
from dangjian.dues import services
from dangjian.dues.choices import DuesCategory, PaymentMethod, ReductionState
from dangjian.dues.ledger import ledgers
from dangjian.dues.models import DuesDeclaration, DuesPayment
from dangjian.dues.rules import monthly_dues
from dangjian.members.choices import MemberStatus
from tests.dues.helpers import add_member, add_months, current_month, declare, last_due_month, waive

THIS_YEAR = datetime.date.today().year


def test_declaration_computes_the_monthly_amount_and_is_audited(world, secretary_a):
    member = add_member(world.branch_a1, "张在职")

    declaration = services.declare_base(
        member, year=THIS_YEAR, category=DuesCategory.EMPLOYED, base="8000", by=secretary_a
    )

    assert declaration.monthly_amount == Decimal("120.00")  # 5000–10000: 1.5%
    assert AuditEntry.objects.filter(object_id=str(declaration.pk), action="create").exists()


def test_a_second_declaration_of_the_year_corrects_the_first(world, secretary_a):
    member = add_member(world.branch_a1)
    services.declare_base(member, year=THIS_YEAR, category=DuesCategory.RETIRED, base="4000", by=secretary_a)

    services.declare_base(member, year=THIS_YEAR, category=DuesCategory.RETIRED, base="6000", by=secretary_a)

    assert DuesDeclaration.objects.get(member=member, year=THIS_YEAR).monthly_amount == Decimal("60.00")


def test_a_farmer_declaration_takes_the_branch_amount_and_needs_it_set(world, secretary_a):
    member = add_member(world.branch_a1, "王农民")
    with pytest.raises(RuleViolation) as refusal:
        services.declare_base(member, year=THIS_YEAR, category=DuesCategory.FARMER, by=secretary_a)
    assert refusal.value.rule == "farmer_amount_missing"

    services.set_farmer_amount(world.branch_a1, "0.80", by=secretary_a)
    declaration = services.declare_base(member, year=THIS_YEAR, category=DuesCategory.FARMER, by=secretary_a)

    assert declaration.monthly_amount == Decimal("0.80")


@pytest.mark.parametrize("amount", ["0.10", "1.50"])
def test_the_farmer_amount_must_be_between_two_jiao_and_one_yuan(world, secretary_a, amount):
    with pytest.raises(RuleViolation) as refusal:
        services.set_farmer_amount(world.branch_a1, amount, by=secretary_a)
    assert "0.2" in refusal.value.message and "1" in refusal.value.message


def test_employed_members_need_a_base(world, secretary_a):
    member = add_member(world.branch_a1)
    with pytest.raises(RuleViolation) as refusal:
        services.declare_base(member, year=THIS_YEAR, category=DuesCategory.EMPLOYED, by=secretary_a)
    assert refusal.value.field == "base"


def test_secretary_of_another_community_cannot_declare(world, secretary_b):
    member = add_member(world.branch_a1)
    with pytest.raises(PermissionDenied):
        services.declare_base(member, year=THIS_YEAR, category=DuesCategory.STUDENT, by=secretary_b)


def _pay(member, by, month=None, amount="40.00", **fields):
    return services.record_payment(
        member,
        month=month or current_month(),
        amount_paid=amount,
        method=fields.pop("method", PaymentMethod.WECHAT),
        by=by,
        **fields,
    )


def test_payment_takes_the_amount_due_from_the_declaration_and_is_audited(world, secretary_a):
    member = add_member(world.branch_a1)
    declare(member, base="4000")  # 3000–5000: 1% → 40.00

    payment = _pay(member, secretary_a, receipt_number="2026-001")

    assert payment.amount_due == Decimal("40.00")
    assert payment.org == world.branch_a1
    assert AuditEntry.objects.filter(object_id=str(payment.pk), action="create").exists()


def test_a_second_payment_of_the_same_month_is_refused(world, secretary_a):
    member = add_member(world.branch_a1)
    declare(member)
    _pay(member, secretary_a)

    with pytest.raises(RuleViolation) as refusal:
        _pay(member, secretary_a)

    assert refusal.value.rule == "duplicate_month"
    assert DuesPayment.objects.filter(member=member).count() == 1


def test_paying_more_than_due_is_allowed_and_less_is_refused(world, secretary_a):
    member = add_member(world.branch_a1)
    declare(member)

    with pytest.raises(RuleViolation) as refusal:
        _pay(member, secretary_a, amount="39.99")
    assert refusal.value.rule == "underpaid"

    payment = _pay(member, secretary_a, amount="100")
    assert (payment.amount_due, payment.amount_paid) == (Decimal("40.00"), Decimal("100.00"))


def test_receipt_numbers_are_unique_within_the_organization(world, secretary_a, secretary_b):
    first, second = add_member(world.branch_a1, "甲"), add_member(world.branch_a1, "乙")
    other = add_member(world.branch_b1, "丙")
    for member in (first, second, other):
        declare(member)
    _pay(first, secretary_a, receipt_number="No.1")

    with pytest.raises(RuleViolation) as refusal:
        _pay(second, secretary_a, receipt_number="No.1")
    assert refusal.value.rule == "duplicate_receipt"
    _pay(other, secretary_b, receipt_number="No.1")  # another organization's receipt book


def test_a_probationary_member_owes_from_the_admission_month_not_before(world, secretary_a):
    admitted = add_months(current_month(), -3).replace(day=18)
    member = add_member(world.branch_a1, "李预备", joined_on=admitted, status=MemberStatus.PROBATIONARY)
    declare(member)

    with pytest.raises(RuleViolation) as refusal:
        _pay(member, secretary_a, month=add_months(admitted.replace(day=1), -1))
    assert refusal.value.rule == "before_admission"

    book = ledgers([member], first=add_months(current_month(), -24), last=last_due_month())[member.pk]
    assert book.unpaid_months(last_due_month()) == [
        admitted.replace(day=1),
        add_months(admitted.replace(day=1), 1),
        add_months(admitted.replace(day=1), 2),
    ]
    assert not book.due(add_months(admitted.replace(day=1), -1)).owed
    _pay(member, secretary_a, month=admitted.replace(day=1))


def test_a_month_without_declaration_cannot_be_recorded(world, secretary_a):
    member = add_member(world.branch_a1)
    with pytest.raises(RuleViolation) as refusal:
        _pay(member, secretary_a)
    assert refusal.value.rule == "declaration_missing"


def test_an_approved_reduction_lowers_the_amount_due(world, secretary_a):
    member = add_member(world.branch_a1)
    declare(member)
    month = current_month()
    reduction = services.request_reduction(
        member,
        from_month=month,
        to_month=month,
        is_waiver=False,
        reduced_amount="5",
        reason="病休",
        by=secretary_a,
    )
    assert services.amount_due(member, month).amount == Decimal("40.00")  # only once approved

    services.approve_reduction(reduction, by=secretary_a)

    assert _pay(member, secretary_a, amount="5").amount_due == Decimal("5.00")


def test_a_waived_month_is_not_due_and_cannot_be_paid(world, secretary_a):
    member = add_member(world.branch_a1)
    declare(member)
    month = current_month()
    reduction = services.request_reduction(
        member, from_month=month, to_month=month, is_waiver=True, reason="生活困难", by=secretary_a
    )
    services.approve_reduction(reduction, by=secretary_a, note="支委会同意")

    with pytest.raises(RuleViolation) as refusal:
        _pay(member, secretary_a)
    assert refusal.value.rule == "waived"


def test_a_rejection_needs_a_reason_and_a_decided_application_stays_decided(world, secretary_a):
    member = add_member(world.branch_a1)
    month = current_month()
    reduction = services.request_reduction(
        member, from_month=month, to_month=month, is_waiver=True, reason="生活困难", by=secretary_a
    )
    with pytest.raises(RuleViolation):
        services.reject_reduction(reduction, by=secretary_a)
    services.reject_reduction(reduction, by=secretary_a, note="不符合条件")

    with pytest.raises(RuleViolation) as refusal:
        services.approve_reduction(reduction, by=secretary_a)
    assert refusal.value.rule == "already_decided"
    reduction.refresh_from_db()
    assert reduction.state == ReductionState.REJECTED


def test_overlapping_applications_are_refused(world, secretary_a):
    member = add_member(world.branch_a1)
    month = current_month()
    waive(member, add_months(month, -2), month, state=ReductionState.REQUESTED)
    with pytest.raises(RuleViolation) as refusal:
        services.request_reduction(
            member,
            from_month=month,
            to_month=add_months(month, 2),
            is_waiver=True,
            reason="再申请",
            by=secretary_a,
        )
    assert refusal.value.rule == "overlapping_reduction"


@pytest.mark.parametrize(
    ("category", "base"),
    [
        (DuesCategory.EMPLOYED, "2800"),
        (DuesCategory.RETIRED, "5200"),
        (DuesCategory.STUDENT, "0"),
        (DuesCategory.UNEMPLOYED, "0"),
        (DuesCategory.RELIEF, "0"),
        (DuesCategory.SUBSISTENCE, "0"),
    ],
)
def test_declared_amounts_follow_monthly_dues(world, secretary_a, category, base):
    member = add_member(world.branch_a1)
    declaration = services.declare_base(member, year=THIS_YEAR, category=category, base=base, by=secretary_a)
    assert declaration.monthly_amount == monthly_dues(category, Decimal(base))


def test_a_reduction_proposed_by_the_branch_is_approved_by_the_next_higher_party_committee_not_the_branch(
    world, secretary_a
):
    """中组发〔2008〕3号 (DOMAIN.md "Party dues"): the branch proposes, the next higher 党委 approves."""
    from dangjian.accounts.choices import BuiltinRole
    from tests.factories import UserFactory, assign

    branch_secretary = UserFactory(username="branch_secretary_a1")
    assign(branch_secretary, BuiltinRole.ORG_SECRETARY, world.branch_a1)
    member = add_member(world.branch_a1)
    month = current_month()
    reduction = services.request_reduction(
        member, from_month=month, to_month=month, is_waiver=True, reason="生活困难", by=branch_secretary
    )
    assert services.approving_org(world.branch_a1) == world.org_a
    with pytest.raises(RuleViolation) as refusal:
        services.approve_reduction(reduction, by=branch_secretary)
    assert refusal.value.rule == "dues_reduction_level" and world.org_a.name in refusal.value.message
    reduction.refresh_from_db()
    assert reduction.state == ReductionState.REQUESTED
    services.approve_reduction(reduction, by=secretary_a, note="社区党委批准")
    reduction.refresh_from_db()
    assert reduction.state == ReductionState.APPROVED
