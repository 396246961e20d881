"""What volunteering holds about a person, for the privacy app: their volunteer entry and the
needs and 微心愿 they asked for. Erasure clears the entry's free text (skills, interests); the
entry, the needs and the wishes stay, now naming the anonymized person, because hours, matches
and the 三张清单 figures of past periods count them."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from dangjian.core.registry import PersonalDataSource, register_personal_data_source
from dangjian.volunteering.models import Need, Volunteer, Wish


def volunteer_rows(person) -> list[dict]:
    return [
        {
            "registered_on": volunteer.registered_on,
            "state": volunteer.get_state_display(),
            "skills_note": volunteer.skills_note,
            "interests": volunteer.interests,
            "capacity_hours": volunteer.capacity_hours,
        }
        for volunteer in Volunteer.objects.filter(person=person)
    ]


def erase_volunteer(person) -> int:
    return Volunteer.objects.filter(person=person).update(skills_note="", interests="")


def request_rows(person) -> list[dict]:
    needs = [
        {
            "kind": _("need"),
            "title": need.title,
            "description": need.description,
            "state": need.get_state_display(),
        }
        for need in Need.objects.filter(resident=person).order_by("id")
    ]
    wishes = [
        {
            "kind": _("micro-wish"),
            "title": wish.title,
            "description": wish.description,
            "state": wish.get_state_display(),
        }
        for wish in Wish.objects.filter(resident=person).order_by("id")
    ]
    return needs + wishes


VOLUNTEER_SOURCE = PersonalDataSource(
    key="volunteering.volunteer",
    label=_("Volunteer entry"),
    columns=(
        ("registered_on", _("registered on")),
        ("state", _("state")),
        ("skills_note", _("other skills")),
        ("interests", _("interests")),
        ("capacity_hours", _("hours per month")),
    ),
    rows=volunteer_rows,
    erase=erase_volunteer,
)

REQUESTS_SOURCE = PersonalDataSource(
    key="volunteering.needs_and_wishes",
    label=_("Needs and micro-wishes"),
    columns=(
        ("kind", _("kind")),
        ("title", _("title")),
        ("description", _("description")),
        ("state", _("state")),
    ),
    rows=request_rows,
)


def register() -> None:
    register_personal_data_source(VOLUNTEER_SOURCE)
    register_personal_data_source(REQUESTS_SOURCE)
