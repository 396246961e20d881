"""The member ledger (党员台账): adding a member, editing their entry, marking 失联, recording
留党察看 or suspended rights.

Every change checks the user's permission over the member's organization, enforces the rules of
DOMAIN.md ("People") with the rule named, bumps ``PartyMember.version`` (so a stale edit or a
stale transfer letter is refused instead of applied over the change) and writes an audit line
in the same transaction. Moving a member to another organization is a transfer (组织关系转接,
``members.services``), never an edit.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext

from dangjian.core import audit
from dangjian.core.choices import AuditAction
from dangjian.core.errors import ConcurrentChange, RuleViolation
from dangjian.core.models import Person
from dangjian.core.scoping import check_perm
from dangjian.core.validators import (
    id_number_birth_date,
    id_number_gender,
    validate_id_number,
    validate_mobile,
)
from dangjian.members.choices import MemberCategory, MemberStatus, RestrictionKind
from dangjian.members.models import PartyMember, RightsRestriction
from dangjian.members.person_matching import ExistingPersonFound, find_person
from dangjian.orgs.models import Organization

ADD = "members.add_partymember"
CHANGE = "members.change_partymember"

PERSON_FIELDS = ("name", "gender", "ethnicity", "birth_date", "education")
MEMBER_FIELDS = (
    "status",
    "category",
    "joined_on",
    "regularized_on",
    "workplace",
    "job_title",
    "flow_out_destination",
    "note",
    "is_active",
)
# Audited fields of the member's entry (the person's masked columns, never the ciphertext).
AUDITED_PERSON_FIELDS = [*PERSON_FIELDS, "id_number_masked", "mobile_masked"]
# The minimum age to join the Party (党章; 细则 第五条 for the application).
MIN_JOIN_AGE = 18


def one_year_after(day: datetime.date) -> datetime.date:
    """The same calendar day a year later (29 February → 28 February)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def _age_on(birth: datetime.date, day: datetime.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def check_member_rules(
    *,
    status: str,
    category: str,
    joined_on: datetime.date | None,
    regularized_on: datetime.date | None,
    birth_date: datetime.date | None = None,
    flow_out_destination: str = "",
    today: datetime.date | None = None,
) -> None:
    """Refuse a ledger entry breaking a rule of DOMAIN.md, naming the rule (pure: no queries)."""
    today = today or timezone.localdate()
    if joined_on is None:
        raise RuleViolation(
            gettext("Enter the date of joining the Party (the 支部大会 that admitted the member)."),
            rule="joined_on_required",
            field="joined_on",
        )
    if joined_on > today:
        raise RuleViolation(
            gettext("The date of joining the Party cannot be in the future."),
            rule="joined_on_future",
            field="joined_on",
        )
    if birth_date is not None and _age_on(birth_date, joined_on) < MIN_JOIN_AGE:
        raise RuleViolation(
            gettext(
                "Rule “joining age”: a member must be at least %(age)s on the date of joining; "
                "check the birth date and the date of joining."
            )
            % {"age": MIN_JOIN_AGE},
            rule="join_age",
            field="joined_on",
        )
    if status == MemberStatus.PROBATIONARY:
        if regularized_on is not None:
            raise RuleViolation(
                gettext(
                    "Rule “预备党员 have no 转正 date”: a probationary member has not become a full member "
                    "yet; leave the 转正 date empty or set the status to full member."
                ),
                rule="probationary_no_regularization",
                field="regularized_on",
            )
    else:
        if regularized_on is None:
            raise RuleViolation(
                gettext("Enter the 转正 date of a full member (党龄 counts from it)."),
                rule="regularized_on_required",
                field="regularized_on",
            )
        earliest = one_year_after(joined_on)
        if regularized_on < earliest:
            raise RuleViolation(
                gettext(
                    "Rule “预备期 of one year”: the 转正 date must be on or after %(earliest)s, "
                    "one year after joining on %(joined)s."
                )
                % {"earliest": earliest.isoformat(), "joined": joined_on.isoformat()},
                rule="probation_one_year",
                field="regularized_on",
            )
        if regularized_on > today:
            raise RuleViolation(
                gettext("The 转正 date cannot be in the future."),
                rule="regularized_on_future",
                field="regularized_on",
            )
    if category == MemberCategory.MOBILE and not (flow_out_destination or "").strip():
        raise RuleViolation(
            gettext("A mobile (流动) member needs a flow-out destination: where they are now."),
            rule="mobile_destination",
            field="flow_out_destination",
        )


def check_id_number(id_number: str, *, birth_date: datetime.date | None = None) -> str:
    """The normalized ID number, or RuleViolation saying what is wrong (GB 11643-1999)."""
    value = (id_number or "").strip().replace(" ", "").upper()
    try:
        validate_id_number(value)
    except ValidationError as error:
        raise RuleViolation(error.messages[0], rule="id_number", field="id_number") from None
    if birth_date is not None and id_number_birth_date(value) != birth_date:
        raise RuleViolation(
            gettext("The birth date does not match the one in the ID number (%(date)s).")
            % {"date": id_number_birth_date(value).isoformat()},
            rule="birth_date_matches_id",
            field="birth_date",
        )
    return value


def check_mobile(mobile: str) -> str:
    value = (mobile or "").strip()
    if not value:
        return ""
    try:
        validate_mobile(value)
    except ValidationError as error:
        raise RuleViolation(error.messages[0], rule="mobile", field="mobile") from None
    return value


def already_member_message() -> str:
    return gettext(
        "Rule “one membership per person”: this ID number already belongs to a party member in the ledger."
    )


def _snapshot(member: PartyMember) -> dict[str, Any]:
    values = audit.snapshot(member.person, AUDITED_PERSON_FIELDS)
    values.update(audit.snapshot(member, ["org", *MEMBER_FIELDS, "is_lost_contact", "lost_contact_since"]))
    return values


@transaction.atomic
def create_member(
    *,
    by,
    org: Organization,
    name: str,
    id_number: str,
    status: str,
    category: str,
    joined_on: datetime.date | None,
    regularized_on: datetime.date | None = None,
    gender: str = "",
    ethnicity: str = "汉族",
    birth_date: datetime.date | None = None,
    education: str = "",
    mobile: str = "",
    workplace: str = "",
    job_title: str = "",
    flow_out_destination: str = "",
    note: str = "",
    confirm_existing_person: bool = False,
) -> PartyMember:
    """Add a person to the ledger of ``org``.

    An ID number already registered is handled by ``person_matching``: someone outside the
    caller's scope is refused with the neutral message (nothing about them is told or changed);
    someone inside it raises ``ExistingPersonFound`` until ``confirm_existing_person`` is given,
    and then gets the membership with their registered details kept (a correction is an edit).
    """
    check_perm(by, ADD, org)
    id_number = check_id_number(id_number, birth_date=birth_date)
    birth_date = birth_date or id_number_birth_date(id_number)
    mobile = check_mobile(mobile)
    check_member_rules(
        status=status,
        category=category,
        joined_on=joined_on,
        regularized_on=regularized_on,
        birth_date=birth_date,
        flow_out_destination=flow_out_destination,
    )
    person = find_person(id_number, by=by, lock=True)
    person_existed = person is not None
    if person is not None:
        if PartyMember.objects.filter(person=person).exists():
            raise RuleViolation(already_member_message(), rule="one_membership", field="id_number")
        if not confirm_existing_person:
            raise ExistingPersonFound(person, name.strip())
    else:
        person = Person(
            name=name.strip(),
            gender=gender or id_number_gender(id_number),
            ethnicity=ethnicity or "汉族",
            birth_date=birth_date,
            education=education,
        )
        person.id_number = id_number
        if mobile:
            person.mobile = mobile
        person.save()
    member = PartyMember.objects.create(
        person=person,
        org=org,
        status=status,
        category=category,
        joined_on=joined_on,
        regularized_on=regularized_on if status == MemberStatus.FULL else None,
        workplace=workplace,
        job_title=job_title,
        flow_out_destination=flow_out_destination,
        note=note,
    )
    audit.record(
        AuditAction.CREATE,
        member,
        by=by,
        changes=_snapshot(member),
        note=gettext("Linked to the registered person; their details were kept.") if person_existed else "",
    )
    return member


def _locked(member: PartyMember, expected_version: int | None) -> PartyMember:
    """The member's row locked for the change; refused when it changed since it was loaded."""
    current = PartyMember.objects.select_for_update().select_related("person", "org").get(pk=member.pk)
    if expected_version is not None and current.version != expected_version:
        raise ConcurrentChange(
            gettext(
                "Someone else changed this member's entry after you opened it (version %(yours)s, now "
                "%(current)s). Your changes were not saved: reload the page and make them again."
            )
            % {"yours": expected_version, "current": current.version},
            rule="stale_version",
        )
    return current


def _bump_and_save(member: PartyMember, fields: list[str]) -> PartyMember:
    member.version = F("version") + 1
    member.save(update_fields=[*fields, "version"])
    member.refresh_from_db(fields=["version"])
    return member


@transaction.atomic
def update_member(member: PartyMember, *, by, expected_version: int | None, **fields: Any) -> PartyMember:
    """Edit the ledger entry (person and membership fields); a stale ``expected_version`` is refused.

    The organization is not editable here: a member changes organization by a transfer.
    """
    check_perm(by, CHANGE, member)
    member = _locked(member, expected_version)
    person = member.person
    before = _snapshot(member)
    unknown = set(fields) - {*PERSON_FIELDS, *MEMBER_FIELDS, "id_number", "mobile"}
    if unknown:
        raise TypeError(f"update_member() got unexpected fields: {', '.join(sorted(unknown))}")

    if fields.get("id_number"):
        id_number = check_id_number(fields.pop("id_number"), birth_date=fields.get("birth_date"))
        # Someone else outside the caller's scope holds it: the neutral refusal of person_matching.
        other = find_person(id_number, by=by, exclude=person.pk)
        if other is not None:
            raise RuleViolation(
                already_member_message()
                if PartyMember.objects.filter(person=other).exists()
                else gettext("This ID number belongs to another person already registered."),
                rule="one_membership",
                field="id_number",
            )
        person.id_number = id_number
    else:
        fields.pop("id_number", None)
    if "mobile" in fields:
        person.mobile = check_mobile(fields.pop("mobile"))
    for name in PERSON_FIELDS:
        if name in fields:
            setattr(person, name, fields.pop(name))
    for name, value in fields.items():
        setattr(member, name, value)
    if member.status == MemberStatus.PROBATIONARY:
        member.regularized_on = None if "regularized_on" not in fields else member.regularized_on
    check_member_rules(
        status=member.status,
        category=member.category,
        joined_on=member.joined_on,
        regularized_on=member.regularized_on,
        birth_date=person.birth_date,
        flow_out_destination=member.flow_out_destination,
    )
    person.save()
    member = _bump_and_save(member, list(MEMBER_FIELDS))
    changes = audit.diff(before, _snapshot(member))
    if changes:
        audit.record(AuditAction.UPDATE, member, by=by, changes=changes)
    _audit_person_overwrite(person, before, by=by)
    return member


def _audit_person_overwrite(person: Person, before: dict[str, Any], *, by) -> None:
    """An audit line on the person for a change of their own details, with old and new values.

    The person is shared (a resident of one community may be a member in another's ledger): the
    line is filed under every place they belong (``Person.audit_scope_paths``), so the staff of
    each side see that the details changed and by whom, not only the member's organization.
    """
    after = audit.snapshot(person, AUDITED_PERSON_FIELDS)
    changes = audit.diff({name: before.get(name) for name in AUDITED_PERSON_FIELDS}, after)
    if changes:
        audit.record(AuditAction.UPDATE, person, by=by, changes=changes)


@transaction.atomic
def mark_lost_contact(
    member: PartyMember,
    *,
    by,
    since: datetime.date | None = None,
    note: str = "",
    expected_version: int | None = None,
) -> PartyMember:
    """Flag the member as 失联 (out of contact with the organization) from ``since``."""
    check_perm(by, CHANGE, member)
    member = _locked(member, expected_version)
    if member.is_lost_contact:
        raise RuleViolation(gettext("This member is already marked as lost contact."), rule="lost_contact")
    since = since or timezone.localdate()
    if since > timezone.localdate():
        raise RuleViolation(
            gettext("The lost-contact date cannot be in the future."), rule="lost_contact", field="since"
        )
    member.is_lost_contact, member.lost_contact_since = True, since
    member = _bump_and_save(member, ["is_lost_contact", "lost_contact_since"])
    audit.record(
        AuditAction.UPDATE,
        member,
        by=by,
        changes={"is_lost_contact": [False, True], "lost_contact_since": [None, since]},
        note=note,
    )
    return member


@transaction.atomic
def clear_lost_contact(
    member: PartyMember, *, by, note: str = "", expected_version: int | None = None
) -> PartyMember:
    """Contact is restored: clear the 失联 flag (its start date stays in the audit log)."""
    check_perm(by, CHANGE, member)
    member = _locked(member, expected_version)
    if not member.is_lost_contact:
        raise RuleViolation(gettext("This member is not marked as lost contact."), rule="lost_contact")
    since = member.lost_contact_since
    member.is_lost_contact, member.lost_contact_since = False, None
    member = _bump_and_save(member, ["is_lost_contact", "lost_contact_since"])
    audit.record(
        AuditAction.UPDATE,
        member,
        by=by,
        changes={"is_lost_contact": [True, False], "lost_contact_since": [since, None]},
        note=note,
    )
    return member


# --- 留党察看 and suspended rights ---------------------------------------------------------------

RESTRICTION_ARTICLES = "《中国共产党基层组织选举工作条例》第五条、《中国共产党发展党员工作细则》第十四条"


def _restriction_snapshot(restriction: RightsRestriction) -> dict[str, Any]:
    return audit.snapshot(
        restriction,
        ["kind", "starts_on", "ends_on", "decision_number", "decision_organ", "decision_text"],
    )


def check_restriction(
    *,
    kind: str,
    starts_on: datetime.date | None,
    ends_on: datetime.date | None,
    decision_organ: str,
    today: datetime.date | None = None,
) -> None:
    """Refuse a restriction that is incomplete or inconsistent, naming what to fix (pure: no queries)."""
    today = today or timezone.localdate()
    if kind not in RestrictionKind.values:
        raise RuleViolation(
            gettext("Choose 留党察看 or suspended rights."), rule="restriction_kind", field="kind"
        )
    if starts_on is None:
        raise RuleViolation(
            gettext("Enter the date the restriction starts."), rule="required", field="starts_on"
        )
    if starts_on > today:
        raise RuleViolation(
            gettext("The start date cannot be in the future; record the decision once it takes effect."),
            rule="restriction_future",
            field="starts_on",
        )
    if kind == RestrictionKind.PROBATION_WITHIN_PARTY and ends_on is None:
        raise RuleViolation(
            gettext("留党察看 is decided for a fixed period: enter its last day as stated in the decision."),
            rule="restriction_end_required",
            field="ends_on",
        )
    if ends_on is not None and ends_on < starts_on:
        raise RuleViolation(
            gettext("The restriction cannot end (%(end)s) before it starts (%(start)s).")
            % {"end": ends_on.isoformat(), "start": starts_on.isoformat()},
            rule="restriction_dates",
            field="ends_on",
        )
    if not (decision_organ or "").strip():
        raise RuleViolation(
            gettext("Enter the organ that took the decision (for example the 党委 or the 纪委)."),
            rule="required",
            field="decision_organ",
        )


@transaction.atomic
def record_restriction(
    member: PartyMember,
    *,
    by,
    kind: str,
    starts_on: datetime.date,
    ends_on: datetime.date | None = None,
    decision_number: str = "",
    decision_organ: str = "",
    decision_text: str = "",
    expected_version: int | None = None,
) -> RightsRestriction:
    """Record that ``member`` is under 留党察看 or has rights suspended from ``starts_on``.

    From that date the member has no vote, cannot elect or stand and cannot be an 入党介绍人
    (选举工作条例 第五条; 发展党员工作细则 第十四条): ``members.voters`` leaves them out of every
    count. A period overlapping another of the same kind is refused.
    """
    check_perm(by, CHANGE, member)
    check_restriction(kind=kind, starts_on=starts_on, ends_on=ends_on, decision_organ=decision_organ)
    member = _locked(member, expected_version)
    if not member.is_active:
        raise RuleViolation(
            gettext("%(name)s is not an active member; nothing can be recorded.")
            % {"name": member.person.name},
            rule="member_inactive",
        )
    overlapping = RightsRestriction.objects.filter(member=member, kind=kind).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=starts_on)
    )
    if ends_on is not None:
        overlapping = overlapping.filter(starts_on__lte=ends_on)
    clash = overlapping.first()
    if clash is not None:
        raise RuleViolation(
            gettext(
                "%(name)s already has “%(kind)s” from %(start)s%(end)s; the periods would overlap. "
                "End or correct that record first."
            )
            % {
                "name": member.person.name,
                "kind": clash.get_kind_display(),
                "start": clash.starts_on.isoformat(),
                "end": gettext(" to %(date)s") % {"date": clash.ends_on.isoformat()} if clash.ends_on else "",
            },
            rule="restriction_overlap",
            field="starts_on",
        )
    restriction = RightsRestriction.objects.create(
        member=member,
        kind=kind,
        starts_on=starts_on,
        ends_on=ends_on,
        decision_number=(decision_number or "").strip(),
        decision_organ=(decision_organ or "").strip(),
        decision_text=(decision_text or "").strip(),
        recorded_by=by if getattr(by, "is_authenticated", False) else None,
    )
    _bump_and_save(member, [])
    audit.record(
        AuditAction.CREATE, restriction, by=by, changes=audit.diff({}, _restriction_snapshot(restriction))
    )
    return restriction


@transaction.atomic
def end_restriction(
    restriction: RightsRestriction, *, by, ends_on: datetime.date, note: str
) -> RightsRestriction:
    """End a restriction on ``ends_on`` (its last day): a suspension is lifted, or a decision is
    changed by the organ that took it. The reason is required and kept in the audit line."""
    current = (
        RightsRestriction.objects.select_for_update()
        .select_related("member__org", "member__person")
        .get(pk=restriction.pk)
    )
    check_perm(by, CHANGE, current.member)
    note = (note or "").strip()
    if not note:
        raise RuleViolation(
            gettext("Give the reason (the decision that ends it)."), rule="required", field="note"
        )
    if ends_on is None or ends_on < current.starts_on:
        raise RuleViolation(
            gettext("The end date must be on or after the start date %(start)s.")
            % {"start": current.starts_on.isoformat()},
            rule="restriction_dates",
            field="ends_on",
        )
    if ends_on > timezone.localdate():
        raise RuleViolation(
            gettext("The end date cannot be in the future."), rule="restriction_future", field="ends_on"
        )
    if current.ends_on is not None and current.ends_on <= ends_on:
        raise RuleViolation(
            gettext("This restriction already ends on %(date)s.") % {"date": current.ends_on.isoformat()},
            rule="restriction_ended",
            field="ends_on",
        )
    before = _restriction_snapshot(current)
    current.ends_on = ends_on
    current.save(update_fields=["ends_on"])
    PartyMember.objects.filter(pk=current.member_id).update(version=F("version") + 1)
    audit.record(
        AuditAction.UPDATE,
        current,
        by=by,
        changes=audit.diff(before, _restriction_snapshot(current)),
        note=note,
    )
    return current
