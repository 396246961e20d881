"""The "ledger" section of a member's history page: changes of the entry from the audit log
(additions, edits, 失联, moves between organizations), newest first."""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext_lazy as _

from dangjian.core.models import AuditEntry
from dangjian.members.history import HistorySection, register_history_section

# Lines shown on the member page (one query, whatever the history's length).
LATEST = 15


def _label(model, field: str) -> str:
    for candidate in (model, apps.get_model("core", "Person")):
        try:
            return str(candidate._meta.get_field(field.removesuffix("_masked")).verbose_name)
        except FieldDoesNotExist:
            continue
    return field


def ledger_history(member, user) -> HistorySection:
    """The latest audit lines of this membership (the audit index on object type and id)."""
    entries = list(
        AuditEntry.objects.filter(object_type=member._meta.label_lower, object_id=str(member.pk))
        .only("at", "username", "action", "changes", "note")
        .order_by("-at", "-id")[:LATEST]
    )
    rows = []
    for entry in entries:
        changes = entry.changes if isinstance(entry.changes, dict) else {}
        rows.append(
            {
                "entry": entry,
                "fields": [
                    {
                        "label": _label(type(member), name),
                        "old": values[0] if isinstance(values, list | tuple) and len(values) == 2 else None,
                        "new": values[1] if isinstance(values, list | tuple) and len(values) == 2 else values,
                    }
                    for name, values in list(changes.items())[:8]
                ],
            }
        )
    return HistorySection(template="members/ledger_history.html", context={"rows": rows})


def register() -> None:
    register_history_section("ledger", _("Changes of the entry"), ledger_history, order=10)
