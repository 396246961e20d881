"""What the members app holds about a person, for the privacy app (个人信息保护法).

The person row itself (``core.Person``: name, ID number, mobile, …) is shown on the people pages
here, so its source is registered here too, and it is erased last: the other sources match the
person's records by the lookup hashes the person row still holds until then. A party member's
entry is a party record kept under party rules, and a serving grid worker is staff: both refuse
erasure on request.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from dangjian.core.registry import PersonalDataSource, register_personal_data_source
from dangjian.members.models import GridWorker, PartyMember, Resident

# The name an erased person keeps, with their number: lists and past records still read sensibly.
ERASED_NAME = "已注销居民"


def erased_name(person) -> str:
    return f"{ERASED_NAME}{person.pk}"


def person_rows(person) -> list[dict]:
    return [
        {
            "name": person.name,
            "gender": person.get_gender_display(),
            "ethnicity": person.ethnicity,
            "birth_date": person.birth_date,
            "education": person.get_education_display(),
            "id_number": person.id_number_masked,
            "mobile": person.mobile_masked,
            "created_at": person.created_at,
        }
    ]


def erase_person(person) -> int:
    """Anonymize the person row: a neutral name, every identifying field and lookup hash cleared.

    ``save`` recomputes the search columns from the new name and runs the person-saved hooks, so
    the copies in the member and volunteer ledgers follow.
    """
    person.name = erased_name(person)
    person.gender = ""
    person.ethnicity = ""
    person.birth_date = None
    person.education = ""
    person.id_number = None
    person.mobile = None
    person.save()
    return 1


def refuses(person) -> str:
    if PartyMember.objects.filter(person=person).exists():
        return str(
            _(
                "%(name)s is a party member: the member ledger is a party record kept under party "
                "rules and cannot be erased on request. Handle the request through the party "
                "organization."
            )
            % {"name": person.name}
        )
    if GridWorker.objects.filter(person=person, is_active=True).exists():
        return str(
            _("%(name)s serves as a grid worker: end the grid post before erasing this person's data.")
            % {"name": person.name}
        )
    return ""


def residence_rows(person) -> list[dict]:
    return [
        {
            "area": str(resident.area),
            "household": resident.household,
            "current": _("yes") if resident.is_current else _("no"),
            "moved_in_on": resident.moved_in_on,
            "moved_out_on": resident.moved_out_on,
        }
        for resident in Resident.objects.filter(person=person).select_related("area").order_by("id")
    ]


def erase_residences(person) -> int:
    # The home's area stays (it places the row and counts residents of past periods); the
    # household (building, unit, door) is an address and goes.
    return Resident.objects.filter(person=person).exclude(household="").update(household="")


PERSON_SOURCE = PersonalDataSource(
    key="core.person",
    label=_("Personal details"),
    columns=(
        ("name", _("name")),
        ("gender", _("gender")),
        ("ethnicity", _("ethnicity")),
        ("birth_date", _("birth date")),
        ("education", _("education")),
        ("id_number", _("ID number")),
        ("mobile", _("mobile")),
        ("created_at", _("created at")),
    ),
    rows=person_rows,
    erase=erase_person,
    refuses=refuses,
    order=1000,
)

RESIDENCE_SOURCE = PersonalDataSource(
    key="members.residences",
    label=_("Homes"),
    columns=(
        ("area", _("area")),
        ("household", _("household")),
        ("current", _("current")),
        ("moved_in_on", _("moved in on")),
        ("moved_out_on", _("moved out on")),
    ),
    rows=residence_rows,
    erase=erase_residences,
)


def register() -> None:
    register_personal_data_source(PERSON_SOURCE)
    register_personal_data_source(RESIDENCE_SOURCE)
