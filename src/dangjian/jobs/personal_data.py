"""What 就业 holds about a person, for the privacy app: their job-seeker entries. Erasure clears
the free text (skills, the job wanted, notes); entries and placements stay for the figures."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from dangjian.core.registry import PersonalDataSource, register_personal_data_source
from dangjian.jobs.models import JobSeeker


def rows(person) -> list[dict]:
    return [
        {
            "registered_on": seeker.registered_on,
            "state": seeker.get_state_display(),
            "wanted_job": seeker.wanted_job,
            "skills_note": seeker.skills_note,
            "note": seeker.note,
        }
        for seeker in JobSeeker.objects.filter(person=person).order_by("id")
    ]


def erase(person) -> int:
    return JobSeeker.objects.filter(person=person).update(wanted_job="", skills_note="", note="")


SOURCE = PersonalDataSource(
    key="jobs.seekers",
    label=_("Job seeker entries"),
    columns=(
        ("registered_on", _("registered on")),
        ("state", _("state")),
        ("wanted_job", _("job wanted")),
        ("skills_note", _("other skills")),
        ("note", _("note")),
    ),
    rows=rows,
    erase=erase,
)


def register() -> None:
    register_personal_data_source(SOURCE)
