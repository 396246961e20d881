"""Writing and reading notifications (reminders and flags shown in a user's inbox).

Tasks call ``notify`` for an organization's office (everyone whose scope covers it sees it) or
for one user. A ``dedupe_key`` such as ``"pipeline-due:42:2026-11-24"`` makes a task safe to run
twice: the second write is skipped.
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from dangjian.core.models import Notification
from dangjian.core.registry import TodoItem
from dangjian.core.scoping import scope_of


def notify(
    *,
    kind: str,
    title: str,
    body: str = "",
    link: str = "",
    org=None,
    user=None,
    dedupe_key: str | None = None,
) -> Notification | None:
    """Write one notification for ``org`` (an Organization) or ``user``; None when deduplicated."""
    if (org is None) == (user is None):
        raise ValueError("A notification goes to exactly one organization or one user.")
    if dedupe_key and Notification.objects.filter(dedupe_key=dedupe_key).exists():
        return None
    try:
        with transaction.atomic():
            return Notification.objects.create(
                user=user,
                org_path=org.path if org is not None else "",
                org_name=(org.name if org is not None else "")[:200],
                kind=kind,
                title=title[:200],
                body=body,
                link=link,
                dedupe_key=dedupe_key or None,
            )
    except IntegrityError:
        # Another worker wrote the same reminder between the check and the insert.
        return None


def for_user(user) -> QuerySet[Notification]:
    """The notifications ``user`` may read: their own and those of organizations in their scope."""
    scope = scope_of(user)
    personal = Q(user=user)
    if scope.is_global:
        return Notification.objects.filter(personal | ~Q(org_path=""))
    if not scope.grants:
        return Notification.objects.filter(personal)
    return Notification.objects.filter(personal | Notification.scope_q(scope))


# How far back the 工作台 counts notifications as new: there is no read flag, so "new" is "recent".
RECENT_DAYS = 7


def recent_todo(user) -> list[TodoItem]:
    """The 工作台's to-do line for notifications of the last ``RECENT_DAYS`` days (one query)."""
    since = timezone.now() - datetime.timedelta(days=RECENT_DAYS)
    count = for_user(user).filter(created_at__gte=since).count()
    return [
        TodoItem(
            label=gettext("Notifications of the last 7 days"),
            count=count,
            url=reverse("core:notification_list"),
        )
    ]
