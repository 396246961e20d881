"""The notifications inbox: reminders and flags addressed to the user or to organizations in
their scope (``core.notifications``), unread first, and marking them read.

An organization's notification is shared by everyone whose scope covers the organization, so
marking it read marks it for all of them: the office handles a reminder once.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from dangjian.core.notifications import for_user
from dangjian.core.pagination import paginate


@login_required
@require_GET
def notification_list(request):
    """The user's notifications, unread first and then newest first; a fixed number of queries."""
    unread_only = request.GET.get("unread") == "1"
    notifications = for_user(request.user)
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True)
    ordered = notifications.order_by(F("read_at").desc(nulls_first=True), "-created_at", "-id")
    page = paginate(request, ordered)
    return render(request, "core/notification_list.html", {"page": page, "unread_only": unread_only})


@login_required
@require_POST
def notification_read(request, pk: int):
    """Mark one notification read and follow its link when asked (404 for one the user may not see)."""
    notification = get_object_or_404(for_user(request.user), pk=pk)
    if notification.read_at is None:
        for_user(request.user).filter(pk=notification.pk, read_at__isnull=True).update(read_at=timezone.now())
    link = notification.link
    if request.POST.get("follow") and link and url_has_allowed_host_and_scheme(link, allowed_hosts=None):
        return redirect(link)
    return redirect("core:notification_list")


@login_required
@require_POST
def notification_read_all(request):
    """Mark every unread notification the user can see as read."""
    count = for_user(request.user).filter(read_at__isnull=True).update(read_at=timezone.now())
    messages.success(request, _("%(count)s notifications marked as read.") % {"count": count})
    return redirect("core:notification_list")
