"""What 帮扶对子 hold about a family, for the privacy app: the pairs whose head of household is the
person. Erasure clears the pair's note (a family's circumstances); the pair and its visits stay,
naming the anonymized person, because the visit figures of past periods count them."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from dangjian.core.registry import PersonalDataSource, register_personal_data_source
from dangjian.help_pairs.models import HelpPair


def rows(person) -> list[dict]:
    return [
        {
            "helper": str(pair.helper),
            "since": pair.since,
            "until": pair.until,
            "state": pair.get_state_display(),
            "note": pair.note,
        }
        for pair in HelpPair.objects.filter(family_head=person).select_related("helper").order_by("id")
    ]


def erase(person) -> int:
    return HelpPair.objects.filter(family_head=person).exclude(note="").update(note="")


SOURCE = PersonalDataSource(
    key="help_pairs.family",
    label=_("Help pairs for the family"),
    columns=(
        ("helper", _("helper")),
        ("since", _("since")),
        ("until", _("until")),
        ("state", _("state")),
        ("note", _("note")),
    ),
    rows=rows,
    erase=erase,
)


def register() -> None:
    register_personal_data_source(SOURCE)
