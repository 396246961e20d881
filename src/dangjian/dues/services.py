"""State changes of the dues ledger: the branch's farmer amount, yearly base declarations,
monthly payments, and reduction or waiver applications with their decision.

Each function checks the permission over the member's organization, applies the rules of
中组发〔2008〕3号 (DOMAIN.md "Party dues"), writes with its audit line in one transaction and
raises RuleViolation with a Chinese message naming the value and the rule. Pages, the API and
the Excel import call these.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from dangjian.core import audit
from dangjian.core.choices import AuditAction
from dangjian.core.errors import RuleViolation
from dangjian.core.scoping import check_perm, has_perm_over
from dangjian.dues.choices import CATEGORIES_WITHOUT_BASE, DuesCategory, PaymentMethod, ReductionState
from dangjian.dues.ledger import add_months, current_month, first_owed_month, ledgers, month_of
from dangjian.dues.models import DuesDeclaration, DuesPayment, DuesReduction, DuesSetting
from dangjian.dues.rules import FARMER_MAXIMUM, FARMER_MINIMUM, RULES_IN_FORCE_FROM, monthly_dues
from dangjian.members.models import PartyMember
from dangjian.orgs.choices import OrgKind
from dangjian.orgs.models import Organization

# Dues may be paid up to a year ahead (common for members who live away); later is refused.
PREPAY_MONTHS = 12


def _money(value, field: str) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError, TypeError):
        raise RuleViolation(
            gettext("“%(value)s” is not an amount in yuan.") % {"value": value}, rule="amount", field=field
        ) from None
    if amount < 0:
        raise RuleViolation(
            gettext("An amount cannot be negative (%(value)s).") % {"value": amount},
            rule="amount",
            field=field,
        )
    return amount


def _locked_member(member: PartyMember, by, permission: str) -> PartyMember:
    current = PartyMember.objects.select_for_update().select_related("org", "person").get(pk=member.pk)
    check_perm(by, permission, current)
    if not current.is_active:
        raise RuleViolation(
            gettext("%(name)s is no longer an active member of the ledger.") % {"name": current},
            rule="inactive_member",
        )
    return current


# --- The branch's farmer amount ----------------------------------------------------------------


def _ancestor_paths(org: Organization) -> list[str]:
    step = Organization.steplen
    return [org.path[:length] for length in range(step, len(org.path) + 1, step)]


def farmer_amount(org: Organization) -> Decimal | None:
    """The farmer amount set by ``org`` or, for a party group, by the nearest organization above."""
    setting = DuesSetting.objects.filter(org__path__in=_ancestor_paths(org)).order_by("-org__depth").first()
    return setting.farmer_amount if setting else None


def set_farmer_amount(org: Organization, amount, *, by) -> DuesSetting:
    """The branch sets what its 农民 members pay each month: 0.2 to 1 yuan (中组发〔2008〕3号)."""
    amount = _money(amount, "farmer_amount")
    if not FARMER_MINIMUM <= amount <= FARMER_MAXIMUM:
        raise RuleViolation(
            gettext(
                "A farmer member pays a fixed 0.2 to 1 yuan a month set by the branch (中组发〔2008〕3号); "
                "%(amount)s is outside it."
            )
            % {"amount": amount},
            rule="farmer_amount",
            field="farmer_amount",
        )
    with transaction.atomic():
        org = Organization.objects.select_for_update().get(pk=org.pk)
        setting = DuesSetting.objects.filter(org=org).first()
        check_perm(by, "dues.change_duessetting" if setting else "dues.add_duessetting", org)
        before = {"farmer_amount": str(setting.farmer_amount) if setting else None}
        if setting is None:
            setting = DuesSetting(org=org)
        setting.farmer_amount = amount
        setting.updated_by = by
        setting.save()
        audit.record(
            AuditAction.UPDATE if before["farmer_amount"] else AuditAction.CREATE,
            setting,
            by=by,
            changes=audit.diff(before, {"farmer_amount": str(amount)}),
        )
    return setting


# --- Declarations -----------------------------------------------------------------------------


def compute_amount(member: PartyMember, *, year: int, category: str, base) -> tuple[Decimal, Decimal]:
    """The (base, monthly amount) a declaration stores; for 农民 the base is the branch's amount."""
    if category not in DuesCategory.values:
        raise RuleViolation(gettext("Choose a dues category."), rule="dues_category", field="category")
    if category == DuesCategory.FARMER:
        amount = farmer_amount(member.org)
        if amount is None:
            raise RuleViolation(
                gettext(
                    "The branch has not set the monthly amount of its farmer members yet (0.2 to 1 yuan, "
                    "中组发〔2008〕3号); set it on the branch's dues settings first."
                ),
                rule="farmer_amount_missing",
                field="category",
            )
        base = amount
    elif category in CATEGORIES_WITHOUT_BASE:
        base = _money(base or 0, "base")
    else:
        if base in (None, ""):
            raise RuleViolation(
                gettext("Enter the monthly base (after-tax salary or pension) for this category."),
                rule="base_required",
                field="base",
            )
        base = _money(base, "base")
    on = max(datetime.date(year, 1, 1), RULES_IN_FORCE_FROM)
    try:
        return base, monthly_dues(category, base, on=on)
    except ValueError as error:
        raise RuleViolation(str(error), rule="dues_rules", field="base") from None


def declare_base(
    member: PartyMember,
    *,
    year: int,
    category: str,
    base=None,
    declared_on: datetime.date | None = None,
    by,
) -> DuesDeclaration:
    """Record a member's yearly declaration; a second one for the same year corrects the first."""
    today = timezone.localdate()
    declared_on = declared_on or today
    if not RULES_IN_FORCE_FROM.year <= int(year) <= today.year + 1:
        raise RuleViolation(
            gettext("A base is declared for a year from 2008 to next year; %(year)s is not one.")
            % {"year": year},
            rule="declaration_year",
            field="year",
        )
    if declared_on > today:
        raise RuleViolation(
            gettext("The declaration date cannot be in the future."), rule="future_date", field="declared_on"
        )
    with transaction.atomic():
        current = _locked_member(member, by, "dues.add_duesdeclaration")
        base, amount = compute_amount(current, year=int(year), category=category, base=base)
        declaration = DuesDeclaration.objects.select_for_update().filter(member=current, year=year).first()
        fields = ["category", "base", "monthly_amount", "declared_on"]
        before = audit.snapshot(declaration, fields) if declaration else {}
        if declaration is None:
            declaration = DuesDeclaration(member=current, year=int(year))
        declaration.category = category
        declaration.base = base
        declaration.monthly_amount = amount
        declaration.declared_on = declared_on
        declaration.recorded_by = by
        declaration.save()
        audit.record(
            AuditAction.UPDATE if before else AuditAction.CREATE,
            declaration,
            by=by,
            changes=audit.diff(before, audit.snapshot(declaration, fields)),
            note=gettext("dues base of %(year)s") % {"year": year},
        )
    return declaration


# --- Payments ---------------------------------------------------------------------------------


def amount_due(member: PartyMember, month: datetime.date):
    """What ``member`` owes for ``month`` (a ``ledger.MonthDue``)."""
    return ledgers([member], first=month, last=month)[member.pk].due(month)


def _check_month(member: PartyMember, month: datetime.date) -> None:
    if month.day != 1:
        raise RuleViolation(gettext("A dues month is written as its first day."), rule="month", field="month")
    if month < RULES_IN_FORCE_FROM:
        raise RuleViolation(
            gettext("The dues rules of 中组发〔2008〕3号 apply from 1 April 2008; %(date)s is earlier.")
            % {"date": f"{month:%Y-%m}"},
            rule="dues_rules",
            field="month",
        )
    if month > add_months(current_month(), PREPAY_MONTHS):
        raise RuleViolation(
            gettext("Dues can be paid at most a year ahead; %(month)s is later.")
            % {"month": f"{month:%Y-%m}"},
            rule="prepay",
            field="month",
        )
    first = first_owed_month(member)
    if first is not None and month < first:
        raise RuleViolation(
            gettext(
                "%(name)s owes dues from %(first)s, the month the branch general meeting admitted them; "
                "%(month)s is earlier."
            )
            % {"name": member, "first": f"{first:%Y-%m}", "month": f"{month:%Y-%m}"},
            rule="before_admission",
            field="month",
        )


def record_payment(
    member: PartyMember,
    *,
    month: datetime.date,
    amount_paid,
    method: str,
    paid_on: datetime.date | None = None,
    receipt_number: str = "",
    note: str = "",
    by,
) -> DuesPayment:
    """Record one month's dues of a member; paying more than due is allowed, less is not."""
    paid_on = paid_on or timezone.localdate()
    receipt_number = (receipt_number or "").strip()
    amount_paid = _money(amount_paid, "amount_paid")
    if method not in PaymentMethod.values:
        raise RuleViolation(gettext("Choose a payment method."), rule="payment_method", field="method")
    if paid_on > timezone.localdate():
        raise RuleViolation(
            gettext("The payment date cannot be in the future."), rule="future_date", field="paid_on"
        )
    with transaction.atomic():
        current = _locked_member(member, by, "dues.add_duespayment")
        _check_month(current, month)
        if DuesPayment.objects.filter(member=current, month=month).exists():
            raise RuleViolation(
                gettext("The dues of %(month)s of %(name)s are already recorded; a month is paid once.")
                % {"month": f"{month:%Y-%m}", "name": current},
                rule="duplicate_month",
                field="month",
            )
        due = amount_due(current, month)
        if not due.owed:
            raise RuleViolation(
                gettext("%(month)s is waived for %(name)s by an approved application; nothing is due.")
                % {"month": f"{month:%Y-%m}", "name": current},
                rule="waived",
                field="month",
            )
        if due.amount is None:
            raise RuleViolation(
                gettext("%(name)s has not declared a dues base for %(year)s; record the declaration first.")
                % {"name": current, "year": month.year},
                rule="declaration_missing",
                field="month",
            )
        if amount_paid < due.amount:
            raise RuleViolation(
                gettext(
                    "%(paid)s yuan is less than the %(due)s yuan due; paying less needs an approved "
                    "reduction (中组发〔2008〕3号). Paying more is welcome."
                )
                % {"paid": amount_paid, "due": due.amount},
                rule="underpaid",
                field="amount_paid",
            )
        if (
            receipt_number
            and DuesPayment.objects.filter(org=current.org, receipt_number=receipt_number).exists()
        ):
            raise RuleViolation(
                gettext("The receipt number %(number)s is already used by %(org)s.")
                % {"number": receipt_number, "org": current.org},
                rule="duplicate_receipt",
                field="receipt_number",
            )
        payment = DuesPayment(
            member=current,
            org=current.org,
            month=month,
            amount_due=due.amount,
            amount_paid=amount_paid,
            paid_on=paid_on,
            method=method,
            receipt_number=receipt_number,
            note=(note or "").strip()[:200],
            recorded_by=by,
        )
        try:
            with transaction.atomic():
                payment.save()
        except IntegrityError:
            raise RuleViolation(
                gettext("The dues of %(month)s of %(name)s are already recorded; a month is paid once.")
                % {"month": f"{month:%Y-%m}", "name": current},
                rule="duplicate_month",
                field="month",
            ) from None
        audit.record(
            AuditAction.CREATE,
            payment,
            by=by,
            changes=audit.diff(
                {},
                audit.snapshot(
                    payment, ["month", "amount_due", "amount_paid", "paid_on", "method", "receipt_number"]
                ),
            ),
        )
    return payment


# --- Reductions and waivers -------------------------------------------------------------------


def request_reduction(
    member: PartyMember,
    *,
    from_month: datetime.date,
    to_month: datetime.date,
    is_waiver: bool,
    reduced_amount=None,
    reason: str,
    by,
) -> DuesReduction:
    """The branch proposes a reduced amount or a waiver for a span of months, after discussing it;
    the next higher 党委 decides (``approve_reduction``)."""
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation(gettext("Give the reason for the application."), rule="required", field="reason")
    from_month, to_month = month_of(from_month), month_of(to_month)
    if to_month < from_month:
        raise RuleViolation(
            gettext("The last month cannot be before the first month."), rule="months", field="to_month"
        )
    if is_waiver:
        reduced_amount = None
    elif reduced_amount in (None, ""):
        raise RuleViolation(
            gettext("Enter the reduced monthly amount, or choose a waiver."),
            rule="required",
            field="reduced_amount",
        )
    else:
        reduced_amount = _money(reduced_amount, "reduced_amount")
    with transaction.atomic():
        current = _locked_member(member, by, "dues.add_duesreduction")
        overlapping = DuesReduction.objects.filter(
            member=current,
            state__in=[ReductionState.REQUESTED, ReductionState.APPROVED],
            from_month__lte=to_month,
            to_month__gte=from_month,
        ).first()
        if overlapping is not None:
            raise RuleViolation(
                gettext("%(name)s already has an application for %(span)s; the months overlap.")
                % {"name": current, "span": f"{overlapping.from_month:%Y-%m}–{overlapping.to_month:%Y-%m}"},
                rule="overlapping_reduction",
                field="from_month",
            )
        reduction = DuesReduction.objects.create(
            member=current,
            from_month=from_month,
            to_month=to_month,
            is_waiver=bool(is_waiver),
            reduced_amount=reduced_amount,
            reason=reason,
            requested_by=by,
        )
        audit.record(
            AuditAction.CREATE,
            reduction,
            by=by,
            changes=audit.diff(
                {},
                audit.snapshot(
                    reduction, ["from_month", "to_month", "is_waiver", "reduced_amount", "reason"]
                ),
            ),
        )
    return reduction


# The kinds of organization that are a 党委 (the level that approves a branch's proposal).
PARTY_COMMITTEE_KINDS = {OrgKind.PRIMARY_COMMITTEE, OrgKind.WORKING_COMMITTEE, OrgKind.DISTRICT_COMMITTEE}


def approving_org(org: Organization) -> Organization:
    """The next higher 党委 above the member's branch, which approves a reduction or waiver the
    branch proposes (DOMAIN.md "Party dues": the branch discusses, the next higher 党委 approves;
    中组发〔2008〕3号). Above a 党小组 the branch is its parent; a 党总支 is passed over. An
    organization with no 党委 above it (the top of the deployment) decides itself."""
    ancestors = list(
        Organization.objects.filter(path__in=_ancestor_paths(org)).exclude(pk=org.pk).order_by("depth")
    )
    for ancestor in reversed(ancestors):
        if ancestor.kind in PARTY_COMMITTEE_KINDS:
            return ancestor
    return ancestors[-1] if ancestors else org


def _decide(reduction: DuesReduction, *, state: str, by, note: str) -> DuesReduction:
    """Record the decision of the next higher 党委 on the branch's proposal; a user who holds the
    right only over the branch itself (its secretary) cannot decide its own proposal."""
    with transaction.atomic():
        current = DuesReduction.objects.select_for_update().select_related("member__org").get(pk=reduction.pk)
        check_perm(by, "dues.change_duesreduction", current)
        approver = approving_org(current.member.org)
        if not has_perm_over(by, "dues.change_duesreduction", approver):
            raise RuleViolation(
                gettext(
                    "A reduction or waiver is proposed by the branch and approved by the next higher party "
                    "committee (%(org)s) (中组发〔2008〕3号); record the decision as a member of that committee."
                )
                % {"org": approver.name},
                rule="dues_reduction_level",
            )
        if current.state != ReductionState.REQUESTED:
            raise RuleViolation(
                gettext("This application has already been decided (%(state)s).")
                % {"state": current.get_state_display()},
                rule="already_decided",
            )
        current.state = state
        current.decided_by = by
        current.decided_at = timezone.now()
        current.decision_note = (note or "").strip()[:200]
        current.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
        audit.record(
            AuditAction.UPDATE,
            current,
            by=by,
            changes={"state": [ReductionState.REQUESTED.value, state]},
            note=current.decision_note,
        )
    return current


def approve_reduction(reduction: DuesReduction, *, by, note: str = "") -> DuesReduction:
    """The next higher 党委 approves the branch's proposal: the months are reduced or waived."""
    return _decide(reduction, state=ReductionState.APPROVED, by=by, note=note)


def reject_reduction(reduction: DuesReduction, *, by, note: str = "") -> DuesReduction:
    """The next higher 党委 does not approve; the normal amount stays due."""
    if not (note or "").strip():
        raise RuleViolation(gettext("Give the reason for not approving."), rule="required", field="note")
    return _decide(reduction, state=ReductionState.REJECTED, by=by, note=note)
