"""Writing the audit log: every service function records its change here, in its transaction.

Change records are written by the service itself rather than by signals, which miss
``QuerySet.update()`` and work done outside requests. ``record`` only inserts its line: the
worker seals lines into the tamper-evident hash chain afterwards (``core/audit_chain.py``), so
writers never wait on a chain head.
"""

from __future__ import annotations

import contextvars
import datetime
import decimal
from dataclasses import dataclass
from typing import Any

from django.db import models

from dangjian.core.models import AuditEntry


@dataclass(frozen=True)
class RequestContext:
    request_id: str = ""
    ip: str | None = None


current_request: contextvars.ContextVar[RequestContext] = contextvars.ContextVar(
    "dangjian_request",
    default=RequestContext(),  # noqa: B039 - frozen dataclass, immutable
)


def _plain(value: Any) -> Any:
    """A JSON-safe form of a field value for the change record."""
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """The audited fields of an object, as text-friendly values (foreign keys by their name)."""
    result: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        if field.name.endswith(("_cipher", "_hash")) or field.name in {"search_tokens", "path", "numchild"}:
            continue
        if field.is_relation:
            related_id = getattr(obj, field.attname)
            result[field.name] = str(getattr(obj, field.name)) if related_id is not None else None
        else:
            result[field.name] = _plain(getattr(obj, field.attname))
    return result


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Fields whose value changed, as ``{field: [old, new]}``."""
    keys = list(before) + [key for key in after if key not in before]
    return {key: [before.get(key), after.get(key)] for key in keys if before.get(key) != after.get(key)}


def record(
    action: str,
    obj: models.Model | None = None,
    *,
    by=None,
    changes: dict[str, Any] | None = None,
    note: str = "",
    object_repr: str = "",
    username: str = "",
) -> AuditEntry:
    """Append one audit line. Call inside the transaction of the change it describes."""
    context = current_request.get()
    org_path = area_path = ""
    if obj is not None and hasattr(obj, "audit_scope_paths"):
        org_path, area_path = obj.audit_scope_paths()
    user_id = getattr(by, "pk", None) if by is not None and getattr(by, "is_authenticated", False) else None
    return AuditEntry.objects.create(
        user_id=user_id,
        username=username or (by.get_username() if user_id is not None else ""),
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=(object_repr or (str(obj) if obj is not None else ""))[:255],
        changes=_plain(changes or {}),
        note=note,
        request_id=context.request_id,
        ip=context.ip,
        org_path=org_path or "",
        area_path=area_path or "",
    )
