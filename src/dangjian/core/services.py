"""State changes owned by core: revealing personal information."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dangjian.core import audit
from dangjian.core.choices import AuditAction
from dangjian.core.errors import PermissionDenied, RuleViolation
from dangjian.core.models import Person

REVEALABLE = {"id_number": _("ID number"), "mobile": _("mobile")}


def reveal_personal_data(person: Person, field: str, *, by, reason: str = "") -> str:
    """The clear value of ``person.<field>``, for a user holding the reveal permission over them.

    Every reveal is audited (个人信息保护法: access to personal information is recorded).
    """
    if field not in REVEALABLE:
        raise RuleViolation(
            gettext("Viewing the field “%(field)s” is not supported.") % {"field": field}, rule="reveal_field"
        )
    if not person.in_scope_of(by, "core.reveal_personal_data"):
        raise PermissionDenied(
            gettext("You do not have permission to view this person's personal information."),
            rule="reveal_permission",
        )
    with transaction.atomic():
        audit.record(AuditAction.REVEAL, person, by=by, changes={"field": [None, field]}, note=reason)
    return getattr(person, field).clear()
