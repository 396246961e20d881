"""What the 评星定级 state changes share: number parsing, locks and the versioned update."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext

from dangjian.core.errors import ConcurrentChange, PermissionDenied, RuleViolation
from dangjian.core.uploads import DOCUMENT_TYPES, MAX_DOCUMENT_BYTES
from dangjian.evaluation import rules
from dangjian.evaluation.choices import (
    RoundStatus,
)

SCHEME_FIELDS = ["year", "org_field", "name", "version", "status", "base_points", "description"]
ITEM_FIELDS = [
    "category",
    "name",
    "kind",
    "max_points",
    "evidence_required",
    "figure_key",
    "denominator_key",
    "mapping",
    "target",
    "bands",
    "per_unit",
    "description",
    "order",
]
ROUND_FIELDS = [
    "name",
    "year",
    "root",
    "rated_kind",
    "period_start",
    "period_end",
    "publicity_days",
    "status",
]
MAX_POINTS = Decimal("10000")
RECTIFICATION_DAYS = 20  # working days a demoted organization is given for its plan by default
FROZEN_STATES = {RoundStatus.REVIEW, RoundStatus.PUBLICITY, RoundStatus.FINAL}

# The documents every attachment accepts (``core.uploads``): the name and the content must agree.
MAX_EVIDENCE_BYTES = MAX_DOCUMENT_BYTES
EVIDENCE_TYPES = DOCUMENT_TYPES


def _today() -> datetime.date:
    return timezone.localdate()


def _text(value: str | None) -> str:
    return (value or "").strip()


def _user(by):
    return by if getattr(by, "is_authenticated", False) else None


def _decimal(value, *, field: str, label: str, minimum: Decimal | None = Decimal(0)) -> Decimal:
    """``value`` as a Decimal of two places within 0..MAX_POINTS, or a clear refusal."""
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        raise RuleViolation(
            gettext("%(label)s must be a number; “%(value)s” is not.") % {"label": label, "value": value},
            rule="number",
            field=field,
        ) from None
    if not number.is_finite() or number > MAX_POINTS or (minimum is not None and number < minimum):
        raise RuleViolation(
            gettext("%(label)s must be between %(low)s and %(high)s; it is %(value)s.")
            % {
                "label": label,
                "low": minimum if minimum is not None else -MAX_POINTS,
                "high": MAX_POINTS,
                "value": value,
            },
            rule="number_range",
            field=field,
        )
    return number.quantize(rules.VALUE_PLACES)


def _locked(model, obj):
    return model.objects.select_for_update(of=("self",)).get(pk=obj.pk)


def _bump(model, obj, expected: int | None, **changes) -> None:
    """``UPDATE … WHERE row_version = n``: refuse when someone saved the row meanwhile."""
    expected = obj.row_version if expected is None else expected
    updated = model.objects.filter(pk=obj.pk, row_version=expected).update(
        **changes, row_version=F("row_version") + 1
    )
    if updated != 1:
        raise ConcurrentChange(
            gettext("Someone changed this record at the same moment; reload the page and try again."),
            rule="version",
        )


def refuse() -> PermissionDenied:
    return PermissionDenied(gettext("You do not have permission to do this within this scope."), rule="scope")
