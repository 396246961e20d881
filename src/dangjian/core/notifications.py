"""Writing and reading notifications (reminders and flags shown in a user's inbox).

Tasks call ``notify`` for an organization's office or for one user. An office's notice carries
the permission of the page its link opens (``permission="dues.view_duespayment"``): it reaches
only readers whose role carries that permission over the organization, so a plain 党员 of a
branch never receives the committee's arrears, 自行脱党 or development notices naming other
members. The audience is computed again on every read (``for_user``), so a reader who loses the
role stops seeing the notice, and opening one (``open_target``) checks that the linked record is
still visible. A ``dedupe_key`` such as ``"pipeline-due:42:2026-11-24"`` makes a task safe to run
twice: the second write is skipped. Readers who chose e-mail or SMS for a kind of notice get it
there as well, sent in the background after the notice's transaction commits
(``core.notice_channels``).

Each reader keeps their own read marks (``NotificationRead``): an org notice is shared, so one
secretary reading it leaves it unread for another.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from django.apps import apps
from django.db import IntegrityError, models, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext

from dangjian.core.models import Notification, NotificationRead
from dangjian.core.notice_channels import enqueue_delivery
from dangjian.core.registry import TodoItem
from dangjian.core.scoping import ORG, Scope, scope_of

# The navbar badge counts at most this many and then shows "99+": its query stays bounded.
BADGE_LIMIT = 99


def notify(
    *,
    kind: str,
    title: str,
    body: str = "",
    link: str = "",
    org=None,
    user=None,
    permission: str = "",
    obj: models.Model | tuple[str, int] | None = None,
    dedupe_key: str | None = None,
    public_title: str = "",
) -> Notification | None:
    """Write one notification for ``org`` (an Organization's office) or ``user``; None when deduplicated.

    An office's notice needs ``permission``, the one its link's page asks (``"app_label.codename"``):
    only readers holding it over ``org`` receive it. ``obj`` is the record the link opens (a model
    instance, or ``("app_label.model", pk)``), checked again when the notice is opened.

    Readers who chose e-mail or SMS for the notice's kind get it there too: once the transaction
    commits, a background task sends it (``core.notice_channels``). Those messages carry
    ``public_title`` (a title free of personal data) or else only the kind of notice, never ``title``.
    """
    if (org is None) == (user is None):
        raise ValueError("A notification goes to exactly one organization or one user.")
    if org is not None and "." not in permission:
        raise ValueError(
            f"The notice {kind!r} to an organization needs the permission its link's page asks "
            "(permission='app_label.codename'): without it every member of the organization would read it."
        )
    object_type, object_id = _object_ref(obj)
    if dedupe_key and Notification.objects.filter(dedupe_key=dedupe_key).exists():
        return None
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                user=user,
                org_path=org.path if org is not None else "",
                org_name=(org.name if org is not None else "")[:200],
                permission=permission,
                kind=kind,
                title=title[:200],
                body=body,
                link=link,
                object_type=object_type,
                object_id=object_id,
                dedupe_key=dedupe_key or None,
                public_title=public_title[:200],
            )
            transaction.on_commit(partial(enqueue_delivery, notification.pk))
            return notification
    except IntegrityError:
        # Another worker wrote the same reminder between the check and the insert.
        return None


def _object_ref(obj) -> tuple[str, int | None]:
    if obj is None:
        return "", None
    if isinstance(obj, tuple):
        label, pk = obj
        return label.lower(), int(pk)
    return obj._meta.label_lower, obj.pk


def audience_q(scope: Scope) -> Q:
    """Office notices ``scope`` reaches: on each organization subtree it holds a role on, those
    whose permission that role carries. One condition per assignment, whatever the notices."""
    permissions_by_path: dict[str, set[str]] = {}
    for grant in scope.grants:
        if grant.tree == ORG and grant.permissions:
            permissions_by_path.setdefault(grant.path, set()).update(grant.permissions)
    query = Q(pk__in=[])
    for path, permissions in sorted(permissions_by_path.items()):
        query |= Q(org_path__startswith=path, permission__in=sorted(permissions))
    return query


def for_user(user) -> QuerySet[Notification]:
    """The notifications ``user`` may read: their own, and their offices' whose permission they hold.

    A system administrator reads every office's notices. Computed from the user's roles at the
    time of reading: a notice stops showing as soon as the role that carried its permission is gone.
    """
    scope = scope_of(user)
    personal = Q(user=user) if getattr(user, "is_authenticated", False) else Q(pk__in=[])
    if scope.is_global:
        return Notification.objects.filter(personal | ~Q(org_path=""))
    if not scope.grants:
        return Notification.objects.filter(personal)
    return Notification.objects.filter(personal | (audience_q(scope) & ~Q(org_path="")))


def read_by(user) -> Exists:
    """``Exists`` of the user's read mark on the outer notification (for annotate/filter)."""
    return Exists(NotificationRead.objects.filter(user=user, notification=OuterRef("pk")))


def unread_for(user) -> QuerySet[Notification]:
    return for_user(user).filter(~read_by(user))


def unread_count(user, *, limit: int | None = None) -> int:
    """How many notices ``user`` has not read (one query); with ``limit``, counts at most limit + 1."""
    if not getattr(user, "is_authenticated", False):
        return 0
    # The 工作台's to-do and the navbar badge ask in the same request: the exact count serves both.
    exact = user.__dict__.get("_unread_count")
    if exact is not None:
        return exact if limit is None else min(exact, limit + 1)
    unread = unread_for(user)
    if limit is not None:
        return unread.values("pk")[: limit + 1].count()
    user.__dict__["_unread_count"] = count = unread.count()
    return count


def badge_label(user) -> str:
    """The navbar badge of 消息提醒: the unread count, "99+" beyond, "" when nothing is unread."""
    count = unread_count(user, limit=BADGE_LIMIT)
    if not count:
        return ""
    return f"{BADGE_LIMIT}+" if count > BADGE_LIMIT else str(count)


def mark_read(user, notification: Notification) -> None:
    """Record that ``user`` read ``notification`` (once; reading again changes nothing)."""
    user.__dict__.pop("_unread_count", None)
    NotificationRead.objects.bulk_create(
        [NotificationRead(user=user, notification=notification)], ignore_conflicts=True
    )


def mark_all_read(user) -> int:
    """Mark every notice ``user`` may read and has not read as read; returns how many."""
    user.__dict__.pop("_unread_count", None)
    ids = list(unread_for(user).values_list("pk", flat=True))
    for start in range(0, len(ids), 1000):
        NotificationRead.objects.bulk_create(
            [NotificationRead(user=user, notification_id=pk) for pk in ids[start : start + 1000]],
            ignore_conflicts=True,
        )
    return len(ids)


@dataclass(frozen=True)
class Target:
    """Where opening a notice leads: ``url`` to follow, or ``refusal`` to explain instead."""

    url: str = ""
    refusal: str = ""


def open_target(user, notification: Notification) -> Target:
    """Check again, as the notice is opened, that the reader may follow its link.

    The reader must still hold the notice's permission over its organization (for an office's
    notice) and still see the linked record under that permission; otherwise a Chinese
    explanation replaces the 403 or 404 the link would give.
    """
    link = notification.link
    if not link or not url_has_allowed_host_and_scheme(link, allowed_hosts=None):
        return Target(refusal=gettext("This notice has no page to open; everything it says is shown here."))
    scope = scope_of(user)
    if notification.org_path and not scope.has_perm(notification.permission, org_path=notification.org_path):
        return Target(
            refusal=gettext(
                "Your roles no longer allow you to open what this notice is about. If you still handle "
                "it, ask your organization's administrator for the role."
            )
        )
    if (
        notification.object_type
        and notification.object_id is not None
        and not _still_visible(user, notification)
    ):
        return Target(
            refusal=gettext(
                "The record this notice is about no longer exists or is no longer within your scope "
                "(for example, it was moved to another organization). Nothing more needs to be done here."
            )
        )
    return Target(url=link)


def _still_visible(user, notification: Notification) -> bool:
    try:
        model = apps.get_model(notification.object_type)
    except (LookupError, ValueError):
        return False
    manager = model._default_manager
    queryset = manager.all()
    if not hasattr(queryset, "visible_to"):
        return queryset.filter(pk=notification.object_id).exists()
    action = notification.permission or "view"
    return queryset.visible_to(user, action).filter(pk=notification.object_id).exists()


def unread_todo(user) -> list[TodoItem]:
    """The 工作台's to-do line "未读消息": notices the user may read and has not (one query)."""
    return [
        TodoItem(
            label=gettext("Unread notifications"),
            count=unread_count(user),
            url=reverse("core:notification_list") + "?unread=1",
        )
    ]
