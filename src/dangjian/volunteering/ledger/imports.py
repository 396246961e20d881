"""Excel import and export of the volunteer ledger (志愿者台账), through ``core.excel``.

One row is one volunteer: the person (name, ID number, mobile), the home area by its code, skills
by name (from the taxonomy; others go to "other skills"), interests, capacity, the weekly
availability written as 周一上午、周六下午…, and teams by name. The whole file is one transaction
(all or nothing); each row goes through the ledger's services, so permissions, rules and audit
lines are those of the pages. A person already in the ledger within the importer's scope is
updated. Exports carry the same columns with the ID number and mobile masked (an export never
reveals personal data); a masked mobile in an upload leaves the registered one as it is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from dangjian.core.errors import RuleViolation
from dangjian.core.excel import (
    MAX_ROWS,
    CellError,
    Column,
    ImportContext,
    ImportSpec,
    Outcome,
    Row,
    choice_column,
    code_column,
    parse_int,
    text_column,
)
from dangjian.core.models import Person
from dangjian.core.scoping import has_perm_over
from dangjian.orgs.models import Area
from dangjian.volunteering.choices import DAYS_PER_WEEK, SLOTS_PER_DAY, VolunteerState
from dangjian.volunteering.ledger import services
from dangjian.volunteering.models import Skill, Team, Volunteer

# Written in the sheet as 周一上午; the same words are read back.
DAY_WORDS = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"]
SLOT_WORDS = ["上午", "下午", "晚上"]
SEPARATORS = re.compile(r"[、，,;；\s]+")


def availability_text(mask: int) -> str:
    return "、".join(
        DAY_WORDS[day] + SLOT_WORDS[slot]
        for day in range(DAYS_PER_WEEK)
        for slot in range(SLOTS_PER_DAY)
        if mask & (1 << (day * SLOTS_PER_DAY + slot))
    )


def parse_availability(value: Any) -> int:
    """``周一上午、周六下午`` (also 星期一, 周天/周末 for both weekend days, 全天 for a whole day)."""
    text = str(value).replace("星期", "周").replace("周天", "周日").replace("晚间", "晚上")
    mask = 0
    for part in filter(None, SEPARATORS.split(text)):
        days = [6 - 1, 6] if part.startswith("周末") else []
        for index, word in enumerate(DAY_WORDS):
            if part.startswith(word):
                days = [index]
        rest = part[2:]
        slots = [index for index, word in enumerate(SLOT_WORDS) if word == rest]
        if rest == "全天":
            slots = [0, 1, 2]
        if not days or not slots:
            raise CellError(
                gettext("“%(part)s” is not a time slot; write them like 周一上午、周六下午、周日晚上.")
                % {"part": part}
            )
        for day in days:
            for slot in slots:
                mask |= 1 << (day * SLOTS_PER_DAY + slot)
    return mask


def _names(value: Any) -> list[str]:
    return [part for part in SEPARATORS.split(str(value)) if part]


VOLUNTEER_COLUMNS = [
    text_column(
        "name",
        pgettext_lazy("volunteer ledger", "Name"),
        required=True,
        max_length=64,
        example="张伟",
        width=12,
    ),
    code_column(
        "id_number", _("ID number"), required=True, max_length=18, example="110105199001011234", width=22
    ),
    text_column("mobile", _("Mobile"), max_length=20, example="13800138000", width=14),
    code_column(
        "area",
        _("Home area code"),
        required=True,
        example="110105001001G01",
        help=_("The code of the grid (or community, building) where the volunteer lives."),
        width=20,
    ),
    Column("skills", _("Skills"), parse=_names, empty=[], example="医疗护理、理发", width=24),
    text_column("skills_note", _("Other skills"), max_length=200, width=20),
    text_column("interests", _("Interests"), max_length=200, width=20),
    Column("capacity_hours", _("Hours per month"), parse=parse_int(0, 200), empty=4, example="8", width=10),
    Column(
        "availability",
        _("Weekly availability"),
        parse=parse_availability,
        empty=0,
        example="周六上午、周日下午",
        width=26,
    ),
    Column("teams", _("Teams"), parse=_names, empty=[], example="", width=20),
    choice_column("state", _("State"), VolunteerState.choices, empty=VolunteerState.ACTIVE, width=10),
]


def _areas(codes: set[str], by) -> dict[str, Area]:
    areas = Area.objects.visible_to(by, services.ADD).filter(code__in=codes)
    return {area.code: area for area in areas}


def _skills() -> dict[str, Skill]:
    return {skill.name: skill for skill in Skill.objects.filter(is_active=True)}


def _teams(by) -> dict[str, Team]:
    return {team.name: team for team in Team.objects.visible_to(by).filter(is_active=True)}


def prepare_rows(rows: list[Row], context: ImportContext) -> list[Row]:
    """Look up areas, skills and teams once for the whole file (a fixed number of queries)."""
    context.state["areas"] = _areas(
        {row["area"] for row in rows if not row.failed and row.get("area")}, context.by
    )
    context.state["skills"] = _skills()
    context.state["teams"] = _teams(context.by)
    seen: dict[str, int] = {}
    for row in rows:
        if row.failed:
            continue
        key = str(row["id_number"]).upper()
        if key in seen:
            context.error(
                row,
                gettext("The ID number repeats line %(number)s; a person can appear only once.")
                % {"number": seen[key]},
                "id_number",
            )
        seen.setdefault(key, row.number)
    return rows


def handle_row(row: Row, context: ImportContext) -> Outcome:
    by = context.by
    area = context.state["areas"].get(row["area"])
    if area is None:
        raise RuleViolation(
            gettext("No area with the code “%(code)s” where you may register volunteers.")
            % {"code": row["area"]},
            field="area",
        )
    known = context.state["skills"]
    skills = [known[name] for name in row["skills"] if name in known]
    others = [name for name in row["skills"] if name not in known]
    teams = []
    for name in row["teams"]:
        team = context.state["teams"].get(name)
        if team is None:
            raise RuleViolation(
                gettext("No team named “%(name)s” in your scope.") % {"name": name}, field="teams"
            )
        teams.append(team)
    skills_note = "、".join(filter(None, [*others, row.get("skills_note") or ""]))
    fields = {
        "skills": skills,
        "skills_note": skills_note[:200],
        "interests": row.get("interests") or "",
        "capacity_hours": row["capacity_hours"],
        "availability": row["availability"],
        "teams": teams,
    }
    mobile = row.get("mobile") or ""
    if "*" in mobile:  # a masked mobile from an export: keep what is registered
        mobile = ""
    person, created = services.register_person(
        by=by, name=row["name"], id_number=row["id_number"], mobile=mobile
    )
    context.audit_area_path = context.audit_area_path or area.path[: Area.steplen * 2]
    existing = (
        None if created else Volunteer.objects.filter(person=person).select_related("area", "org").first()
    )
    if existing is None:
        volunteer = services.create_volunteer(person, by=by, area=area, **fields)
        if row["state"] != VolunteerState.ACTIVE:
            services.change_state(volunteer, row["state"], by=by, expected_version=None)
        if not created:
            context.note(
                row, gettext("Linked to the registered person %(name)s.") % {"name": person.name}, "id_number"
            )
        return Outcome.CREATED
    if not has_perm_over(by, services.CHANGE, existing):
        raise RuleViolation(services.already_volunteer_message(), field="id_number")
    before = services.entry_snapshot(existing)
    volunteer = services.update_volunteer(existing, by=by, expected_version=None, area=area, **fields)
    if row["state"] != volunteer.state:
        if volunteer.state not in services.STATE_CHANGES[row["state"]]:
            volunteer = services.change_state(volunteer, VolunteerState.ACTIVE, by=by, expected_version=None)
        volunteer = services.change_state(volunteer, row["state"], by=by, expected_version=None)
    changed = services.entry_snapshot(volunteer) != before
    return Outcome.UPDATED if changed else Outcome.UNCHANGED


VOLUNTEER_SPEC = ImportSpec(
    name="volunteering.volunteer",
    title=_("Volunteer ledger"),
    columns=VOLUNTEER_COLUMNS,
    handle_row=handle_row,
    prepare=prepare_rows,
)


def volunteer_export_rows(rows: Iterable[Volunteer]) -> Iterator[dict[str, Any]]:
    """The export's rows in the import's columns (mobile and ID number masked: no reveal here)."""
    queryset = rows
    if hasattr(queryset, "select_related"):
        queryset = queryset.select_related("person", "area").prefetch_related("skills", "teams")
        iterator = queryset.iterator(chunk_size=2000)
    else:  # a name search (NameOrderSearch) reads bounded slices only
        iterator = iter(queryset[:MAX_ROWS])
    for volunteer in iterator:
        person: Person = volunteer.person
        yield {
            "name": person.name,
            "id_number": person.id_number_masked,
            "mobile": person.mobile_masked,
            "area": volunteer.area.code,
            "skills": "、".join(skill.name for skill in volunteer.skills.all()),
            "skills_note": volunteer.skills_note,
            "interests": volunteer.interests,
            "capacity_hours": volunteer.capacity_hours,
            "availability": availability_text(volunteer.availability),
            "teams": "、".join(team.name for team in volunteer.teams.all()),
            "state": volunteer.state,
        }
