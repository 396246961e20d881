"""三会一课 compliance in the platform's figures store: meetings required, held, missing and late
over an organization's subtree in a period (within one calendar year).

All four pick from ``compliance.totals`` of the one compliance report (three queries); their
records are the meeting list filtered by ``compliance.held_q`` (held, late) or the compliance
page of the same organization and period (required, missing).
"""

from __future__ import annotations

from operator import attrgetter
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy, pgettext_lazy

from dangjian.core.counted_figures import counted_figure
from dangjian.core.periods import Period
from dangjian.core.registry import register_figure
from dangjian.life import compliance

VIEW = "life.view_meeting"


def counts(node, period: Period) -> compliance.Totals:
    """The sums of the compliance report of ``node``'s subtree over ``period``."""
    return compliance.totals(compliance.compliance(node, period))


def compliance_url(node, period: Period) -> str:
    """The compliance page of ``node`` over ``period`` (as a year or quarter when it is one)."""
    if period.is_year:
        query = {"org": node.pk, "year": period.start.year}
    elif period.quarter_number is not None:
        query = {"org": node.pk, "year": period.start.year, "quarter": period.quarter_number}
    else:
        query = {"org": node.pk, "start": period.start.isoformat(), "end": period.end.isoformat()}
    return f"{reverse('life:compliance')}?{urlencode(query)}"


def meetings_url(counted: str):
    def records_url(node, period: Period) -> str:
        query = {"org": node.pk, "counted": counted, "start": period.start, "end": period.end}
        return f"{reverse('life:meeting_list')}?{urlencode(query)}"

    return records_url


LIFE_FIGURES = [
    # key, label, unit, pick, records, higher is better, description
    (
        "life.meetings_required",
        pgettext_lazy("meetings owed", "Required"),
        gettext_lazy("meetings"),
        attrgetter("required"),
        compliance_url,
        True,
        gettext_lazy("Meetings owed in the cadence periods of the period that have ended."),
    ),
    (
        "life.meetings_held",
        gettext_lazy("Held"),
        gettext_lazy("meetings"),
        attrgetter("held"),
        meetings_url("held"),
        True,
        gettext_lazy("Required meetings closed with minutes and attendance in the period."),
    ),
    (
        "life.meetings_missing",
        gettext_lazy("Missing"),
        gettext_lazy("cadence periods"),
        attrgetter("missing"),
        compliance_url,
        False,
        gettext_lazy("Ended cadence periods in which fewer meetings were held than required."),
    ),
    (
        "life.meetings_late",
        gettext_lazy("Late"),
        gettext_lazy("meetings"),
        attrgetter("late"),
        meetings_url("late"),
        False,
        gettext_lazy("Held meetings whose record was closed more than seven days after the meeting."),
    ),
]

# The store keys in the order the compliance page shows them.
KEYS = [key for key, *_rest in LIFE_FIGURES]


def register_figures() -> None:
    """Put the 三会一课 figures in the figures store (called from ``LifeConfig.ready``)."""
    for key, label, unit, pick, records_url, better, description in LIFE_FIGURES:
        register_figure(
            counted_figure(
                key,
                label,
                unit,
                counts=counts,
                pick=pick,
                records_url=records_url,
                permission=VIEW,
                description=description,
                higher_is_better=better,
            )
        )
