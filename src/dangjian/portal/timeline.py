"""What a resident sees of a request: its status in plain words and a public timeline.

Only state changes are shown, with their dates; never who acted, never internal notes. The text
a resident is owed is added where it belongs: the reason a request was not accepted, the result
when it was resolved, and their own rating, each with phone and ID numbers removed
(``core.redaction``: the page opens with the tracking code alone).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dangjian.core.redaction import redact
from dangjian.service.choices import RequestAction, RequestState
from dangjian.service.models import RequestEvent, ServiceRequest

S = RequestState

# (short heading, one-sentence explanation) per state, in the words a resident uses.
STATUS_TEXT = {
    S.REPORTED: (
        pgettext_lazy("portal", "Received"),
        _("We have received your request; staff will look at it shortly."),
    ),
    S.ACCEPTED: (
        pgettext_lazy("portal", "Accepted"),
        _("Your request has been accepted and is being passed to the right people."),
    ),
    S.DISPATCHED: (_("Being arranged"), _("Your request has been passed to the people who will handle it.")),
    S.IN_PROGRESS: (_("Being handled"), _("The people responsible are working on it.")),
    S.FEEDBACK: (
        _("Result being checked"),
        _("The work is reported done; the community is checking the result."),
    ),
    S.RETURNED: (_("Being arranged"), _("Your request is being passed to the people who will handle it.")),
    S.SUSPENDED: (_("Paused"), _("Handling is paused for now; it will continue and you will see it here.")),
    S.RESOLVED: (
        _("Resolved (已办结)"),
        _("Your request has been resolved. Please tell us how satisfied you are."),
    ),
    S.RATED: (_("Resolved (已办结)"), _("Your request has been resolved. Thank you for your rating.")),
    S.REJECTED: (
        pgettext_lazy("portal", "Not accepted"),
        _("Your request could not be accepted; the reason is below."),
    ),
    S.ARCHIVED: (_("Resolved (已办结)"), _("Your request has been resolved and closed.")),
}

# Timeline lines a resident sees: the action's public wording.
PUBLIC_ACTIONS = {
    RequestAction.SUBMIT: _("Request received"),
    RequestAction.ACCEPT: pgettext_lazy("portal", "Accepted"),
    RequestAction.REJECT: pgettext_lazy("portal", "Not accepted"),
    RequestAction.DISPATCH: _("Passed to the people who will handle it"),
    RequestAction.REASSIGN: _("Passed to the people who will handle it"),
    RequestAction.START: pgettext_lazy("portal", "Handling started"),
    RequestAction.FEEDBACK: _("Work reported done, result being checked"),
    RequestAction.APPROVE: _("Resolved (已办结)"),
    RequestAction.SUSPEND: _("Paused"),
    RequestAction.RESUME: _("Handling continues"),
    RequestAction.REOPEN: _("Reopened for further handling"),
    RequestAction.RATE: _("You rated the service"),
    RequestAction.ARCHIVE: _("Closed"),
}


@dataclass(frozen=True)
class PublicStatus:
    state: str
    heading: str
    text: str
    is_done: bool
    is_rejected: bool


@dataclass(frozen=True)
class PublicEvent:
    label: str
    at: object
    detail: str = ""


def public_status(request_obj: ServiceRequest) -> PublicStatus:
    heading, text = STATUS_TEXT.get(request_obj.state, (request_obj.get_state_display(), ""))
    return PublicStatus(
        state=request_obj.state,
        heading=str(heading),
        text=str(text),
        is_done=request_obj.state in (S.RESOLVED, S.RATED, S.ARCHIVED),
        is_rejected=request_obj.state == S.REJECTED,
    )


def public_timeline(request_obj: ServiceRequest) -> list[PublicEvent]:
    """The request's public events, oldest first (one query)."""
    events = RequestEvent.objects.filter(request=request_obj, action__in=list(PUBLIC_ACTIONS)).only(
        "action", "created_at"
    )
    status = public_status(request_obj)
    lines: list[PublicEvent] = []
    for event in events:
        # The current reason or result is on the status card; the timeline repeats it only when
        # the card does not show it (a request reopened after 办结 still shows the earlier result).
        detail = ""
        if event.action == RequestAction.REJECT and not status.is_rejected:
            detail = redact(request_obj.rejection_reason)
        elif event.action == RequestAction.APPROVE and not status.is_done:
            detail = redact(request_obj.resolution)
        if lines and lines[-1].label == str(PUBLIC_ACTIONS[event.action]) and not detail:
            continue  # a reassignment after a dispatch says nothing new to the resident
        lines.append(PublicEvent(label=str(PUBLIC_ACTIONS[event.action]), at=event.created_at, detail=detail))
    return lines
