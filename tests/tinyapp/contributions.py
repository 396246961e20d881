"""What the tiny app contributes to the platform, registered from ``TinyAppConfig.ready()``."""

from __future__ import annotations

from django.urls import reverse

from dangjian.core.periods import Period
from dangjian.core.registry import DashboardCard, Figure, MenuEntry, MenuGroup
from tests.tinyapp.models import Note

VIEW = "tinyapp.view_note"

# The department admin too: a role can only be granted by someone holding all of its permissions.
ROLE_PERMISSIONS = {"org_department_admin": [VIEW], "org_secretary": [VIEW]}

MENU_GROUP = MenuGroup("tinyapp", "Tiny app", order=65)
MENU_ENTRY = MenuEntry("tinyapp:note_list", "Notes", "tinyapp", VIEW)


def count_notes(org, period: Period) -> int:
    """Notes written in the org's subtree within the period (one query)."""
    return Note.objects.filter(
        org__path__startswith=org.path, written_on__gte=period.start, written_on__lt=period.end
    ).count()


def notes_url(org, period: Period) -> str:
    return f"{reverse('tinyapp:note_list')}?org={org.pk}&{period.query_string()}"


FIGURE = Figure(
    key="tinyapp.notes",
    label="Notes written",
    unit="notes",
    compute=count_notes,
    records_url=notes_url,
    permission=VIEW,
)


def card(user) -> dict:
    return {"count": Note.objects.visible_to(user).count()}


CARD = DashboardCard(
    key="tinyapp_notes", title="Notes", template="tinyapp/card.html", provider=card, permission=VIEW
)
