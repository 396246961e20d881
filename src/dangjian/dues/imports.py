"""Excel import of a branch's yearly declarations (党费基数申报表): one row per member and year,
the member found by ID number within the organization, the amount computed by the service."""

from __future__ import annotations

import functools
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

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
    parse_int,
    text_column,
)
from dangjian.core.models import Person
from dangjian.dues import services
from dangjian.dues.choices import DuesCategory
from dangjian.dues.models import DuesDeclaration
from dangjian.members.models import PartyMember
from dangjian.orgs.models import Organization


def parse_money(value: Any) -> Decimal:
    text = cell_text(value).replace(",", "").replace("元", "").strip()
    try:
        return Decimal(text).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise CellError(gettext("“%(value)s” is not an amount in yuan.") % {"value": text}) from None


COLUMNS = [
    code_column("id_number", _("ID number"), required=True, max_length=18, width=22),
    text_column("name", pgettext_lazy("dues", "Name"), required=True, max_length=50, width=12),
    Column("year", _("Year"), required=True, parse=parse_int(2008, 2100), example="2026", width=8),
    choice_column("category", _("Dues category"), DuesCategory.choices, required=True, width=20),
    Column(
        "base",
        _("Monthly base (yuan)"),
        parse=parse_money,
        empty=None,
        example="4500",
        help=_(
            "After-tax monthly salary (employed) or pension (retired); not needed for the other categories."
        ),
        width=14,
    ),
    date_column("declared_on", _("Declared on"), width=12),
]


def handle_row(row: Row, context: ImportContext, *, org: Organization) -> Outcome:
    person = Person.objects.with_id_number(row["id_number"]).first()
    member = (
        PartyMember.objects.filter(person=person, org__path__startswith=org.path, is_active=True)
        .select_related("person", "org")
        .first()
        if person
        else None
    )
    if member is None:
        raise RuleViolation(
            gettext("No active member of %(org)s has this ID number.") % {"org": org.name}, field="id_number"
        )
    if member.person.name != row["name"]:
        raise RuleViolation(
            gettext("The ID number belongs to %(name)s, not to “%(given)s”.")
            % {"name": member.person.name, "given": row["name"]},
            field="name",
        )
    existed = DuesDeclaration.objects.filter(member=member, year=row["year"]).exists()
    services.declare_base(
        member,
        year=row["year"],
        category=row["category"],
        base=row["base"],
        declared_on=row["declared_on"],
        by=context.by,
    )
    return Outcome.UPDATED if existed else Outcome.CREATED


def declaration_spec(org: Organization) -> ImportSpec:
    """The import of ``org``'s declarations (the rows are looked up within its subtree)."""
    return ImportSpec(
        name="dues.declaration",
        title=_("Dues declarations"),
        columns=COLUMNS,
        handle_row=functools.partial(handle_row, org=org),
    )
