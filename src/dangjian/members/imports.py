"""The member ledger in Excel: the 党员信息采集表 import (all or nothing) and the ledger export.

A community imports its whole ledger at once — thousands of rows — so the import does not run
the per-row service path (about eight queries a row). ``prepare_member_rows`` checks every row in
memory with the services' own rules (``ledger_services.check_*``), using a handful of batched
lookups (organizations by code or name, existing people by ID-number hash), and then, on a
commit without a single refused row, ``bulk_create``s the people and the memberships in batches.
The pipeline (``core.excel``) runs it in one transaction, rolls it back for a dry run or on any
error, and writes one summary audit line (file name and row counts) for the import, filed under
the common ancestor of the members' organizations so that their staff see it. An ID number
already registered follows ``person_matching``: a person in the importer's scope who is not a
member gets the membership linked (their registered details are kept) and the dry run says so
in a row note, naming them; anyone else refuses the row with the neutral message.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from dangjian.core.choices import Education, Gender
from dangjian.core.errors import RuleViolation
from dangjian.core.excel import (
    CellError,
    Column,
    ImportContext,
    ImportSpec,
    Outcome,
    Row,
    cell_text,
    choice_column,
    code_column,
    date_column,
    text_column,
)
from dangjian.core.models import Person
from dangjian.core.person_scope import refresh_scope_keys
from dangjian.core.personal import ID_NUMBER, lookup_hash
from dangjian.core.scoping import ORG, scope_of
from dangjian.core.validators import id_number_birth_date, id_number_gender
from dangjian.members import ledger_services
from dangjian.members.choices import MemberCategory, MemberStatus, RestrictionKind
from dangjian.members.models import PartyMember, RightsRestriction
from dangjian.members.person_matching import people_in_scope, registered_elsewhere_message
from dangjian.orgs.models import Organization

BATCH = 500  # rows per bulk insert, and values per IN (…) lookup (SQLite's parameter limit)
YES, NO = "是", "否"


def parse_yes_no(value: Any) -> bool:
    """是/否 (also Y/N, yes/no, true/false, 1/0, √)."""
    text = cell_text(value).strip().casefold()
    if text in {"是", "y", "yes", "true", "1", "√", "✓", "失联"}:
        return True
    if text in {"否", "n", "no", "false", "0", "×"}:
        return False
    raise CellError(
        gettext("“%(value)s” is neither 是 nor 否; write 是 or 否.") % {"value": cell_text(value)}
    )


MEMBER_COLUMNS: list[Column] = [
    text_column(
        "name", pgettext_lazy("member ledger", "Name"), required=True, max_length=64, example="张伟", width=12
    ),
    choice_column(
        "gender",
        pgettext_lazy("member ledger", "Gender"),
        Gender.choices,
        help=_("Empty: read from the ID number."),
        width=8,
    ),
    text_column(
        "ethnicity", pgettext_lazy("member ledger", "Ethnicity"), max_length=16, example="汉族", width=10
    ),
    date_column(
        "birth_date", pgettext_lazy("member ledger", "Birth date"), help=_("Empty: read from the ID number.")
    ),
    code_column(
        "id_number",
        pgettext_lazy("member ledger", "ID number"),
        max_length=18,
        required=True,
        example="110105198001011238",
        help=_("18 characters (GB 11643-1999); format the column as text."),
        width=22,
    ),
    choice_column("education", pgettext_lazy("member ledger", "Education"), Education.choices),
    text_column(
        "mobile", pgettext_lazy("member ledger", "Mobile"), max_length=20, example="13800138000", width=14
    ),
    text_column(
        "org",
        pgettext_lazy("member ledger", "Party organization"),
        required=True,
        max_length=128,
        example="B0001",
        help=_("Code or full name of the party organization the member belongs to."),
        width=28,
    ),
    choice_column(
        "status", pgettext_lazy("member ledger", "Member status"), MemberStatus.choices, required=True
    ),
    choice_column(
        "category", pgettext_lazy("member ledger", "Member category"), MemberCategory.choices, required=True
    ),
    date_column(
        "joined_on",
        pgettext_lazy("member ledger", "Joined the Party on"),
        required=True,
        help=_("The date of the 支部大会 that admitted the member as a 预备党员."),
    ),
    date_column(
        "regularized_on",
        pgettext_lazy("member ledger", "Became full member on"),
        help=_("转正 date, at least one year after joining; empty for a 预备党员."),
    ),
    text_column("workplace", pgettext_lazy("member ledger", "Workplace"), max_length=200, width=28),
    text_column("job_title", pgettext_lazy("member ledger", "Job title"), max_length=100),
    text_column(
        "flow_out_destination",
        pgettext_lazy("member ledger", "Flow-out destination"),
        max_length=200,
        width=24,
    ),
    Column(
        "is_lost_contact",
        pgettext_lazy("member ledger", "Lost contact"),
        parse=parse_yes_no,
        empty=False,
        example=NO,
        help=_("是 or 否; empty means 否."),
        width=8,
    ),
    # 留党察看 or suspended rights (the latest period): the member has no vote while it is in force.
    choice_column(
        "restriction_kind",
        pgettext_lazy("member ledger", "Restriction"),
        RestrictionKind.choices,
        help=_("留党察看 or suspended rights; empty when none."),
        example="",
        width=14,
    ),
    date_column("restriction_starts_on", pgettext_lazy("member ledger", "Restriction starts on"), example=""),
    date_column(
        "restriction_ends_on",
        pgettext_lazy("member ledger", "Restriction ends on"),
        help=_("The last day; required for 留党察看."),
        example="",
    ),
    text_column(
        "restriction_decision_number",
        pgettext_lazy("member ledger", "Decision document number"),
        max_length=64,
        width=18,
    ),
    text_column(
        "restriction_decision_organ",
        pgettext_lazy("member ledger", "Deciding organ"),
        max_length=200,
        width=20,
    ),
]
RESTRICTION_KEYS = (
    "restriction_starts_on",
    "restriction_ends_on",
    "restriction_decision_number",
    "restriction_decision_organ",
)


def _batches(items: list, size: int = BATCH) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _org_lookup(values: set[str], by) -> dict[str, Organization | str]:
    """Each org cell → the organization (by code, else by unique full name) or an error message."""
    scope = scope_of(by)
    found: dict[str, Organization | str] = {}
    values_list = sorted(values)
    by_code: dict[str, Organization] = {}
    by_name: dict[str, list[Organization]] = {}
    for batch in _batches(values_list):
        for org in Organization.objects.filter(code__in=batch).only(
            "pk", "path", "code", "name", "is_active"
        ):
            by_code[org.code] = org
        for org in Organization.objects.filter(name__in=batch).only(
            "pk", "path", "code", "name", "is_active"
        ):
            by_name.setdefault(org.name, []).append(org)
    for value in values_list:
        org = by_code.get(value)
        if org is None:
            candidates = by_name.get(value, [])
            if len(candidates) > 1:
                found[value] = gettext(
                    "Several party organizations are named “%(name)s”; write the code instead (%(codes)s)."
                ) % {"name": value, "codes": "、".join(candidate.code for candidate in candidates[:5])}
                continue
            org = candidates[0] if candidates else None
        if org is None or not scope.has_perm(ledger_services.ADD, org_path=org.path):
            found[value] = gettext(
                "The party organization “%(org)s” does not exist or is outside your jurisdiction."
            ) % {"org": value}
        elif not org.is_active:
            found[value] = gettext("The party organization “%(org)s” is deactivated.") % {"org": value}
        else:
            found[value] = org
    return found


@dataclass(frozen=True)
class RegisteredPerson:
    """A registered holder of a row's ID number, as far as the import may know them."""

    pk: int
    in_scope: bool
    name: str = ""  # told only for a person in the importer's scope
    id_number_masked: str = ""
    is_member: bool = False


def _existing_people(hashes: list[str], by) -> dict[str, RegisteredPerson]:
    """ID-number hash → the registered person, with whether they are in the importer's scope
    (``person_matching``); three queries per batch. Nothing but the id is read of a person
    outside the scope."""
    existing: dict[str, RegisteredPerson] = {}
    for batch in _batches(hashes):
        people = {
            hash_: (pk, name, masked)
            for hash_, pk, name, masked in Person.objects.filter(id_number_hash__in=batch).values_list(
                "id_number_hash", "pk", "name", "id_number_masked"
            )
        }
        ids = [pk for pk, _name, _masked in people.values()]
        in_scope = people_in_scope(by, ids)
        members = set(PartyMember.objects.filter(person_id__in=ids).values_list("person_id", flat=True))
        for hash_, (pk, name, masked) in people.items():
            if pk in in_scope:
                existing[hash_] = RegisteredPerson(pk, True, name, masked, pk in members)
            else:
                existing[hash_] = RegisteredPerson(pk, False)
    return existing


def common_ancestor_path(paths: Iterable[str], steplen: int = Organization.steplen) -> str:
    """The path of the deepest organization above (or equal to) every one of ``paths``; "" when
    they lie in different trees. A materialized path's prefixes are its ancestors' paths."""
    paths = list(paths)
    if not paths:
        return ""
    # The common prefix of the lexicographically smallest and largest path is everyone's.
    first, last = min(paths), max(paths)
    length = 0
    while length < min(len(first), len(last)) and first[length] == last[length]:
        length += 1
    return first[: length - length % steplen]


def _scope_root_path(by) -> str:
    """The importing user's one organization subtree for adding members, if they have just one."""
    roots = {
        grant.path
        for grant in scope_of(by).grants
        if grant.tree == ORG and ledger_services.ADD in grant.permissions
    }
    return common_ancestor_path(roots)


def existing_person_note(registered: RegisteredPerson, row_name: str) -> str:
    """The dry-run note of a row whose ID number belongs to a registered person in the importer's
    scope who is not a member: the membership will be linked to them, their details kept."""
    shown = gettext("%(name)s (%(masked)s)") % {
        "name": registered.name,
        "masked": registered.id_number_masked,
    }
    if registered.name != row_name:
        return gettext(
            "This ID number belongs to a person already registered as %(name)s, who is not a party member: "
            "the membership will be linked to them and their registered details are kept, not replaced "
            "by this row. The name in this row (%(row)s) differs; check the row."
        ) % {"name": shown, "row": row_name}
    return gettext(
        "This ID number belongs to a person already registered as %(name)s, who is not a party member: "
        "the membership will be linked to them and their registered details are kept, not replaced "
        "by this row."
    ) % {"name": shown}


def _check_row(
    row: Row, context: ImportContext, orgs: dict[str, Organization | str]
) -> dict[str, Any] | None:
    """The row's values ready to insert, or None after recording its errors."""
    values = row.values
    try:
        id_number = ledger_services.check_id_number(values["id_number"], birth_date=values.get("birth_date"))
        mobile = ledger_services.check_mobile(values.get("mobile") or "")
        birth_date = values.get("birth_date") or id_number_birth_date(id_number)
        ledger_services.check_member_rules(
            status=values["status"],
            category=values["category"],
            joined_on=values["joined_on"],
            regularized_on=values.get("regularized_on"),
            birth_date=birth_date,
            flow_out_destination=values.get("flow_out_destination") or "",
        )
        _check_restriction_cells(values)
    except RuleViolation as violation:
        context.error(row, violation.message, _column(violation.field))
        return None
    org = orgs.get(values["org"])
    if not isinstance(org, Organization):
        context.error(row, str(org), "org")
        return None
    return {"id_number": id_number, "mobile": mobile, "birth_date": birth_date, "org": org}


def _check_restriction_cells(values: dict[str, Any]) -> None:
    """The restriction columns: all empty, or a kind with its dates and deciding organ."""
    kind = values.get("restriction_kind") or ""
    if not kind:
        if any(values.get(key) for key in RESTRICTION_KEYS):
            raise RuleViolation(
                gettext(
                    "A restriction date or decision is filled in without its kind; choose 留党察看 or suspended rights."
                ),
                rule="restriction_kind",
                field="restriction_kind",
            )
        return
    try:
        ledger_services.check_restriction(
            kind=kind,
            starts_on=values.get("restriction_starts_on"),
            ends_on=values.get("restriction_ends_on"),
            decision_organ=values.get("restriction_decision_organ") or "",
        )
    except RuleViolation as violation:
        violation.field = RESTRICTION_FIELDS.get(violation.field or "", "restriction_kind")
        raise


# The service's field names → the import's columns.
RESTRICTION_FIELDS = {
    "kind": "restriction_kind",
    "starts_on": "restriction_starts_on",
    "ends_on": "restriction_ends_on",
    "decision_organ": "restriction_decision_organ",
}


def _column(field: str | None) -> str | None:
    keys = {column.key for column in MEMBER_COLUMNS}
    if field == "since":
        return None
    return field if field in keys else None


def prepare_member_rows(rows: list[Row], context: ImportContext) -> list[Row]:
    """Check every row in memory; on a clean commit insert them all in batches. Returns no rows:
    nothing is left for the per-row handler."""
    candidates = [row for row in rows if not row.failed]
    orgs = _org_lookup({row["org"] for row in candidates if row.get("org")}, context.by)
    checked: list[tuple[Row, dict[str, Any]]] = []
    first_row_of: dict[str, int] = {}
    for row in candidates:
        result = _check_row(row, context, orgs)
        if result is None:
            continue
        hash_ = lookup_hash(ID_NUMBER, result["id_number"])
        if hash_ in first_row_of:
            context.error(
                row,
                gettext("The ID number repeats line %(number)s; a person can appear only once.")
                % {"number": first_row_of[hash_]},
                "id_number",
            )
            continue
        first_row_of[hash_] = row.number
        result["hash"] = hash_
        checked.append((row, result))
    existing = _existing_people(list(first_row_of), context.by)
    ready: list[tuple[Row, dict[str, Any]]] = []
    for row, result in checked:
        registered = existing.get(result["hash"])
        if registered is not None and not registered.in_scope:
            context.error(row, registered_elsewhere_message(), "id_number")
            continue
        if registered is not None and registered.is_member:
            context.error(row, ledger_services.already_member_message(), "id_number")
            continue
        if registered is not None:
            context.note(row, existing_person_note(registered, row["name"]), "id_number")
        result["person_id"] = registered.pk if registered is not None else None
        ready.append((row, result))

    if context.report.errors:
        return []
    context.report.created = len(ready)
    # One summary audit line for the whole import, seen by the staff of the organizations.
    context.audit_org_path = common_ancestor_path(
        {result["org"].path for _row, result in ready}
    ) or _scope_root_path(context.by)
    if context.dry_run:
        return []
    _insert(ready)
    return []


def _insert(ready: list[tuple[Row, dict[str, Any]]]) -> None:
    """Create the new people and every membership with bulk inserts (no per-row save())."""
    new_people: list[Person] = []
    for row, result in ready:
        if result["person_id"] is not None:
            continue
        values = row.values
        person = Person(
            name=values["name"],
            gender=values.get("gender") or id_number_gender(result["id_number"]),
            ethnicity=values.get("ethnicity") or "汉族",
            birth_date=result["birth_date"],
            education=values.get("education") or "",
        )
        # The descriptor encrypts, hashes and masks; bulk_create skips save(), so the search
        # fields are computed here.
        person.id_number = result["id_number"]
        if result["mobile"]:
            person.mobile = result["mobile"]
        person.refresh_search_fields()
        result["person"] = person
        new_people.append(person)
    Person.objects.bulk_create(new_people, batch_size=BATCH)
    members = []
    for row, result in ready:
        values = row.values
        person_id = result["person_id"] if result["person_id"] is not None else result["person"].pk
        members.append(
            PartyMember(
                person_id=person_id,
                org=result["org"],
                status=values["status"],
                category=values["category"],
                joined_on=values["joined_on"],
                regularized_on=values.get("regularized_on")
                if values["status"] == MemberStatus.FULL
                else None,
                workplace=values.get("workplace") or "",
                job_title=values.get("job_title") or "",
                flow_out_destination=values.get("flow_out_destination") or "",
                is_lost_contact=bool(values.get("is_lost_contact")),
                lost_contact_since=None,
            )
        )
    PartyMember.objects.bulk_create(members, batch_size=BATCH)
    # bulk_create skips PartyMember.save(): copy the sort keys in one statement, and place the
    # people in the org tree for scoped lists.
    PartyMember.fill_sort_names(PartyMember.objects.filter(person_id__in=[m.person_id for m in members]))
    refresh_scope_keys([m.person_id for m in members])
    restrictions = []
    for (row, _result), member in zip(ready, members, strict=True):
        values = row.values
        if not values.get("restriction_kind"):
            continue
        # bulk_create sets the primary keys on both databases (RETURNING).
        restrictions.append(
            RightsRestriction(
                member_id=member.pk,
                kind=values["restriction_kind"],
                starts_on=values["restriction_starts_on"],
                ends_on=values.get("restriction_ends_on"),
                decision_number=values.get("restriction_decision_number") or "",
                decision_organ=values.get("restriction_decision_organ") or "",
            )
        )
    RightsRestriction.objects.bulk_create(restrictions, batch_size=BATCH)


def _no_row_left(row: Row, context: ImportContext) -> Outcome:  # pragma: no cover - prepare returns []
    raise AssertionError("prepare_member_rows imports every row itself")


MEMBER_SPEC = ImportSpec(
    name="members.partymember",
    title=_("Party member ledger"),
    columns=MEMBER_COLUMNS,
    handle_row=_no_row_left,
    prepare=prepare_member_rows,
)


# --- Export rows ----------------------------------------------------------------------------


def member_export_rows(queryset, *, by, revealed: dict | None = None) -> Iterator[dict[str, Any]]:
    """Rows of the ledger in the import's columns; ID numbers and mobiles masked unless the user
    holds ``core.reveal_personal_data`` over the member's organization.

    ``revealed["clear_personal_data_rows"]`` counts the rows written with clear values, for the
    export's audit line: clear personal data leaving the system is a reveal (个人信息保护法).
    """
    scope = scope_of(by)
    if revealed is not None:
        revealed.setdefault("clear_personal_data_rows", 0)
    latest = RightsRestriction.objects.filter(member=OuterRef("pk")).order_by("-starts_on", "-id")
    members: Iterable[PartyMember] = (
        queryset.select_related("person", "org")
        .annotate(
            **{
                f"latest_{name}": Subquery(latest.values(name)[:1])
                for name in ("kind", "starts_on", "ends_on", "decision_number", "decision_organ")
            }
        )
        .iterator(chunk_size=1000)
    )
    for member in members:
        person = member.person
        reveal = scope.has_perm("core.reveal_personal_data", org_path=member.org.path)
        if reveal and revealed is not None:
            revealed["clear_personal_data_rows"] += 1
        yield {
            "name": person.name,
            "gender": person.gender,
            "ethnicity": person.ethnicity,
            "birth_date": person.birth_date,
            "id_number": person.id_number.clear() if reveal else person.id_number_masked,
            "education": person.education,
            "mobile": person.mobile.clear() if reveal else person.mobile_masked,
            "org": member.org.code,
            "status": member.status,
            "category": member.category,
            "joined_on": member.joined_on,
            "regularized_on": member.regularized_on,
            "workplace": member.workplace,
            "job_title": member.job_title,
            "flow_out_destination": member.flow_out_destination,
            "is_lost_contact": YES if member.is_lost_contact else NO,
            "restriction_kind": member.latest_kind or "",
            "restriction_starts_on": member.latest_starts_on,
            "restriction_ends_on": member.latest_ends_on,
            "restriction_decision_number": member.latest_decision_number or "",
            "restriction_decision_organ": member.latest_decision_organ or "",
        }
