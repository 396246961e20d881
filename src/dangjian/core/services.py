"""State changes owned by core: revealing personal information."""

from __future__ import annotations

from django.db import transaction

from dangjian.core import audit
from dangjian.core.choices import AuditAction
from dangjian.core.errors import PermissionDenied, RuleViolation
from dangjian.core.models import Person

REVEALABLE = {"id_number": "身份证号", "mobile": "手机号"}


def reveal_personal_data(person: Person, field: str, *, by, reason: str = "") -> str:
    """The clear value of ``person.<field>``, for a user holding the reveal permission over them.

    Every reveal is audited (个人信息保护法: access to personal information is recorded).
    """
    if field not in REVEALABLE:
        raise RuleViolation(f"不支持查看字段“{field}”。", rule="reveal_field")
    if not person.in_scope_of(by, "core.reveal_personal_data"):
        raise PermissionDenied("您没有查看该人员个人信息的权限。", rule="reveal_permission")
    with transaction.atomic():
        audit.record(AuditAction.REVEAL, person, by=by, changes={"field": [None, field]}, note=reason)
    return getattr(person, field).clear()
