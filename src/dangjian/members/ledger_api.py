"""API of the member ledger at /api/v1/ledger/members: list (the page's filters, keyset
pagination in pinyin order), a member's entry, add, edit (409 when the version is stale), and
marking or clearing 失联.

The same filterset and services as the pages do the work, so scope, rules and audit lines are
shared; a member outside the caller's scope answers 404. Personal data is masked, always.
"""

from __future__ import annotations

import base64
import datetime
import json

from django.db.models import Q
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import ValidationError
from pydantic import ConfigDict

from dangjian.core.choices import Education, Gender
from dangjian.core.errors import PermissionDenied
from dangjian.core.scoping import scope_of
from dangjian.core.validators import BirthDate, EventDate, PartyDate, not_null
from dangjian.members import ledger_services
from dangjian.members.choices import MemberCategory, MemberStatus
from dangjian.members.filters import MemberFilterSet, in_name_order
from dangjian.members.models import PartyMember
from dangjian.members.person_matching import ExistingPersonFound
from dangjian.orgs.models import Organization

router = Router(tags=["ledger"])

VIEW = "members.view_partymember"
MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 50


class MemberOut(Schema):
    id: int
    person_id: int
    name: str
    gender: str
    ethnicity: str
    birth_date: datetime.date | None
    education: str
    id_number_masked: str
    mobile_masked: str
    org_id: int
    org_name: str
    status: str
    status_label: str
    category: str
    category_label: str
    joined_on: datetime.date | None
    regularized_on: datetime.date | None
    party_standing_years: int | None = Field(description="党龄: whole years since 转正; null for a 预备党员.")
    workplace: str
    job_title: str
    flow_out_destination: str
    is_lost_contact: bool
    lost_contact_since: datetime.date | None
    note: str
    is_active: bool
    version: int

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.person.name

    @staticmethod
    def resolve_gender(obj) -> str:
        return obj.person.gender

    @staticmethod
    def resolve_ethnicity(obj) -> str:
        return obj.person.ethnicity

    @staticmethod
    def resolve_birth_date(obj) -> datetime.date | None:
        return obj.person.birth_date

    @staticmethod
    def resolve_education(obj) -> str:
        return obj.person.education

    @staticmethod
    def resolve_id_number_masked(obj) -> str:
        return obj.person.id_number_masked

    @staticmethod
    def resolve_mobile_masked(obj) -> str:
        return obj.person.mobile_masked

    @staticmethod
    def resolve_org_name(obj) -> str:
        return obj.org.name

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_category_label(obj) -> str:
        return str(obj.get_category_display())

    @staticmethod
    def resolve_party_standing_years(obj) -> int | None:
        return obj.party_standing_years(timezone.localdate())


class MemberPage(Schema):
    items: list[MemberOut]
    next: str | None = Field(description="Pass as `after` for the next page; null on the last page.")


class MemberListParams(Schema):
    q: str | None = Field(
        None, max_length=100, description="Name (简/繁/pinyin/initials) or a whole ID number."
    )
    org: int | None = Field(None, description="An organization: its members and those of every org below it.")
    status: MemberStatus | None = None
    category: MemberCategory | None = None
    age: str | None = Field(None, description="lt35, 35-45, 46-60 or gt60.")
    standing: str | None = Field(None, description="党龄 band: lt10, 10-19, 20-29, 30-49, ge50, or none.")
    education: Education | None = None
    lost_contact: str | None = Field(None, pattern="^(yes|no)$")
    active: str | None = Field(None, pattern="^(yes|no|all)$", description="Default: active members only.")
    limit: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
    after: str | None = Field(None, max_length=400, description="The `next` cursor of the previous page.")


class InputSchema(Schema):
    model_config = ConfigDict(extra="forbid")


class MemberCreate(InputSchema):
    org_id: int
    name: str = Field(min_length=1, max_length=64)
    id_number: str = Field(min_length=1, max_length=18)
    gender: Gender | None = None
    ethnicity: str = Field("汉族", max_length=16)
    birth_date: BirthDate | None = None
    education: Education | None = None
    mobile: str = Field("", max_length=20)
    status: MemberStatus
    category: MemberCategory
    joined_on: PartyDate
    regularized_on: PartyDate | None = None
    workplace: str = Field("", max_length=200)
    job_title: str = Field("", max_length=100)
    flow_out_destination: str = Field("", max_length=200)
    note: str = Field("", max_length=2000)
    confirm_existing_person: bool = Field(
        False,
        description="Link the membership to the registered person the 409 answer named (their "
        "registered details are kept).",
    )


class ExistingPersonOut(Schema):
    id: int
    name: str
    id_number_masked: str


class ExistingPersonAnswer(Schema):
    detail: str
    rule: str
    field: str
    person: ExistingPersonOut


class MemberUpdate(InputSchema):
    version: int = Field(description="The version read with the entry; a stale one answers 409.")
    name: str | None = Field(None, min_length=1, max_length=64)
    id_number: str | None = Field(None, max_length=18)
    gender: Gender | None = None
    ethnicity: str | None = Field(None, max_length=16)
    birth_date: BirthDate | None = None
    education: Education | None = None
    mobile: str | None = Field(None, max_length=20)
    status: MemberStatus | None = None
    category: MemberCategory | None = None
    joined_on: PartyDate | None = None
    regularized_on: PartyDate | None = None
    workplace: str | None = Field(None, max_length=200)
    job_title: str | None = Field(None, max_length=100)
    flow_out_destination: str | None = Field(None, max_length=200)
    note: str | None = Field(None, max_length=2000)
    is_active: bool | None = None

    # gender, education, birth_date and regularized_on may be cleared with null; the rest may not.
    check_not_null = not_null(
        "name",
        "id_number",
        "ethnicity",
        "mobile",
        "status",
        "category",
        "joined_on",
        "workplace",
        "job_title",
        "flow_out_destination",
        "note",
        "is_active",
    )


def _members(request: HttpRequest):
    return PartyMember.objects.visible_to(request.user).select_related("person", "org")


def _visible(request: HttpRequest, id: int) -> PartyMember:
    member = get_object_or_404(_members(request), pk=id)
    if not scope_of(request.user).has_perm(VIEW, org_path=member.org.path):
        raise Http404
    return member


def _encode_cursor(member: PartyMember) -> str:
    raw = json.dumps([member.sort_name, member.pk], ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[str, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        pinyin, pk = json.loads(raw)
        return str(pinyin), int(pk)
    except (ValueError, TypeError):
        raise ValidationError(
            [{"loc": ["query", "after"], "msg": gettext("The cursor is not valid.")}]
        ) from None


def _plain(value):
    return value.value if hasattr(value, "value") else value


@router.get("/members", response=MemberPage, url_name="ledger_member_list")
def member_list(request: HttpRequest, params: Query[MemberListParams]) -> dict:
    """Members in the caller's scope, in pinyin order of their names, one page at a time (no COUNT)."""
    if not scope_of(request.user).has_any(VIEW):
        raise PermissionDenied(gettext("You do not have permission to view party members."), rule="scope")
    data = {
        name: _plain(value)
        for name, value in params.model_dump(exclude={"limit", "after"}).items()
        if value is not None
    }
    filterset = MemberFilterSet(data=data, queryset=_members(request), request=request)
    if not filterset.is_valid():
        raise ValidationError(
            [
                {"loc": ["query", name], "msg": " ".join(str(message) for message in messages)}
                for name, messages in filterset.errors.items()
            ]
        )
    members = in_name_order(filterset.qs, searched=bool((params.q or "").strip()))
    if params.after:
        pinyin, pk = _decode_cursor(params.after)
        members = members.filter(Q(sort_name__gt=pinyin) | Q(sort_name=pinyin, id__gt=pk))
    rows = list(members[: params.limit + 1])
    has_next = len(rows) > params.limit
    rows = rows[: params.limit]
    return {"items": rows, "next": _encode_cursor(rows[-1]) if has_next else None}


@router.get("/members/{id:id}", response=MemberOut, url_name="ledger_member_detail")
def member_detail(request: HttpRequest, id: int) -> PartyMember:
    return _visible(request, id)


@router.post(
    "/members", response={201: MemberOut, 409: ExistingPersonAnswer}, url_name="ledger_member_create"
)
def member_create(request: HttpRequest, payload: MemberCreate) -> Status:
    """Add a member to the ledger of ``org_id`` (refused with the rule named when a rule is broken).

    An ID number registered to someone in the caller's scope answers 409 with that person until
    the request says ``confirm_existing_person``; one registered to someone outside it answers
    400 with a neutral message naming nobody.
    """
    org = get_object_or_404(
        Organization.objects.visible_to(request.user, "members.add_partymember"), pk=payload.org_id
    )
    fields = {name: _plain(value) for name, value in payload.model_dump(exclude={"org_id"}).items()}
    for name in ("gender", "education"):
        fields[name] = fields[name] or ""
    try:
        member = ledger_services.create_member(by=request.user, org=org, **fields)
    except ExistingPersonFound as found:
        person = found.person
        return Status(
            409,
            {
                "detail": found.message,
                "rule": found.rule,
                "field": found.field,
                "person": {"id": person.pk, "name": person.name, "id_number_masked": person.id_number_masked},
            },
        )
    return Status(201, _visible(request, member.pk))


@router.patch("/members/{id:id}", response=MemberOut, url_name="ledger_member_update")
def member_update(request: HttpRequest, id: int, payload: MemberUpdate) -> PartyMember:
    """Edit the entry; fields left out stay as they are. 409 when ``version`` is stale."""
    member = _visible(request, id)
    body = payload.model_dump(exclude_unset=True)
    version = body.pop("version")
    fields = {name: _plain(value) for name, value in body.items()}
    for name in ("gender", "education"):
        if name in fields and fields[name] is None:
            fields[name] = ""
    ledger_services.update_member(member, by=request.user, expected_version=version, **fields)
    return _visible(request, member.pk)


class LostContactMark(InputSchema):
    version: int = Field(description="The version read with the entry; a stale one answers 409.")
    since: EventDate | None = Field(None, description="Out of contact since; default today.")
    note: str = Field("", max_length=500, description="What was tried (kept in the audit log).")


class LostContactClear(InputSchema):
    version: int = Field(description="The version read with the entry; a stale one answers 409.")
    note: str = Field("", max_length=500, description="How contact was restored (kept in the audit log).")


@router.post("/members/{id:id}/lost-contact", response=MemberOut, url_name="ledger_member_lost_contact")
def member_lost_contact(request: HttpRequest, id: int, payload: LostContactMark) -> PartyMember:
    """Mark the member 失联 (the page's service: audited, version bumped); 400 when already marked."""
    member = _visible(request, id)
    ledger_services.mark_lost_contact(
        member, by=request.user, since=payload.since, note=payload.note, expected_version=payload.version
    )
    return _visible(request, member.pk)


@router.post(
    "/members/{id:id}/lost-contact/clear", response=MemberOut, url_name="ledger_member_lost_contact_clear"
)
def member_lost_contact_clear(request: HttpRequest, id: int, payload: LostContactClear) -> PartyMember:
    """Contact is restored: clear the 失联 flag; 400 when the member is not marked."""
    member = _visible(request, id)
    ledger_services.clear_lost_contact(
        member, by=request.user, note=payload.note, expected_version=payload.version
    )
    return _visible(request, member.pk)
