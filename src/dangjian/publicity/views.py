"""Pages of announcements for staff (write, publish, withdraw, attach, see who has not read) and
for members (their announcements; opening one records the read). Changes go through
``publicity.services``."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied as PageForbidden
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.encoding import escape_uri_path
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from dangjian.core.errors import ConcurrentChange, PermissionDenied, RuleViolation
from dangjian.core.pagination import paginate
from dangjian.core.scoping import has_perm_over, node_in_scope, scope_of
from dangjian.core.search import search_queryset
from dangjian.orgs.models import Organization
from dangjian.publicity import selectors, services
from dangjian.publicity.choices import AnnouncementCategory, AnnouncementState
from dangjian.publicity.forms import AnnouncementForm, AttachmentForm, ReasonForm
from dangjian.publicity.models import Announcement, Attachment
from dangjian.publicity.roles import ADD, CHANGE, VIEW


def _require_any(user, permission: str) -> None:
    if not scope_of(user).has_any(permission):
        raise PageForbidden(permission)


def _staff_announcement(request: HttpRequest, pk: int, permission: str = VIEW) -> Announcement:
    announcement = get_object_or_404(
        Announcement.objects.visible_to(request.user).select_related("org"), pk=pk
    )
    if permission != VIEW and not has_perm_over(request.user, permission, announcement):
        raise PageForbidden(permission)
    return announcement


def _act(request: HttpRequest, call) -> bool:
    try:
        call()
    except PermissionDenied as error:
        raise PageForbidden(error.message) from error
    except RuleViolation as error:
        messages.error(request, error.message)
        return False
    return True


def _date(value: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value or "")
    except ValueError:
        return None


@login_required
def announcement_list(request: HttpRequest) -> HttpResponse:
    """The announcements of the organizations the user manages; search, filter by state, category,
    organization and publishing period (the read-rate figure opens this list)."""
    _require_any(request.user, VIEW)
    announcements = Announcement.objects.visible_to(request.user).select_related("org")
    query = (request.GET.get("q") or "").strip()[:100]
    if query:
        announcements = search_queryset(announcements, query)
    state = request.GET.get("state") or ""
    if state in AnnouncementState.values:
        announcements = announcements.filter(state=state)
    category = request.GET.get("category") or ""
    if category in AnnouncementCategory.values:
        announcements = announcements.filter(category=category)
    org = node_in_scope(Organization, request.GET.get("org"), request.user, VIEW)
    if org is not None:
        announcements = announcements.filter(org__path__startswith=org.path)
    start, end = _date(request.GET.get("from")), _date(request.GET.get("to"))
    if start:
        announcements = announcements.filter(publish_at__date__gte=start)
    if end:
        announcements = announcements.filter(publish_at__date__lt=end)
    return render(
        request,
        "publicity/announcement_list.html",
        {
            "page": paginate(request, announcements.order_by("-is_pinned", "-created_at", "-id")),
            "query": query,
            "state": state,
            "states": AnnouncementState.choices,
            "category": category,
            "categories": AnnouncementCategory.choices,
            "org": org,
            "may_add": scope_of(request.user).has_any(ADD),
        },
    )


def _orgs(user, permission: str):
    return Organization.objects.visible_to(user, permission).filter(is_active=True).order_by("path")


@login_required
def announcement_create(request: HttpRequest) -> HttpResponse:
    _require_any(request.user, ADD)
    form = AnnouncementForm(request.POST or None, orgs=_orgs(request.user, ADD))
    if request.method == "POST" and form.is_valid():
        try:
            announcement = services.create_announcement(by=request.user, **form.service_fields())
        except PermissionDenied as error:
            raise PageForbidden(error.message) from error
        except RuleViolation as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, gettext("The draft is saved; attach images, then publish it."))
            return redirect("publicity:announcement_detail", pk=announcement.pk)
    return render(request, "publicity/announcement_form.html", {"form": form})


@login_required
def announcement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    announcement = _staff_announcement(request, pk, CHANGE)
    form = AnnouncementForm(request.POST or None, instance=announcement, orgs=_orgs(request.user, CHANGE))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_announcement(
                announcement,
                by=request.user,
                version=form.cleaned_data.get("version"),
                **form.service_fields(),
            )
        except PermissionDenied as error:
            raise PageForbidden(error.message) from error
        except (ConcurrentChange, RuleViolation) as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, gettext("The announcement is saved."))
            return redirect("publicity:announcement_detail", pk=announcement.pk)
    return render(request, "publicity/announcement_form.html", {"form": form, "announcement": announcement})


@login_required
def announcement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff in scope see the announcement with its state, files and read rate; a member of the
    audience reads it (and their read is recorded); anyone else gets 404."""
    staff = Announcement.objects.visible_to(request.user).select_related("org").filter(pk=pk).first()
    if staff is None:
        announcement = selectors.for_member(request.user).select_related("org").filter(pk=pk).first()
        if announcement is None:
            raise Http404
        services.record_read(announcement, request.user)
        return render(
            request,
            "publicity/announcement_read.html",
            {"announcement": announcement, "attachments": announcement.attachments.all()},
        )
    services.record_read(staff, request.user)
    read, total = selectors.read_counts(staff) if staff.for_members else (0, 0)
    return render(
        request,
        "publicity/announcement_detail.html",
        {
            "announcement": staff,
            "attachments": staff.attachments.all(),
            "read": read,
            "total": total,
            "may_change": has_perm_over(request.user, CHANGE, staff),
            "attachment_form": AttachmentForm(),
        },
    )


@login_required
@require_POST
def announcement_publish(request: HttpRequest, pk: int) -> HttpResponse:
    announcement = _staff_announcement(request, pk, CHANGE)
    if _act(request, lambda: services.publish_announcement(announcement, by=request.user)):
        messages.success(request, gettext("The announcement is published."))
    return redirect("publicity:announcement_detail", pk=pk)


@login_required
def announcement_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    announcement = _staff_announcement(request, pk, CHANGE)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _act(
            request,
            lambda: services.withdraw_announcement(
                announcement, by=request.user, reason=form.cleaned_data["reason"]
            ),
        ):
            messages.success(request, gettext("The announcement is withdrawn."))
        return redirect("publicity:announcement_detail", pk=pk)
    return render(
        request, "publicity/announcement_withdraw.html", {"form": form, "announcement": announcement}
    )


@login_required
def announcement_unread(request: HttpRequest, pk: int) -> HttpResponse:
    """The members of the audience who have not read the announcement (paginated)."""
    announcement = _staff_announcement(request, pk)
    members = (
        selectors.unread_members(announcement).select_related("person", "org").order_by("org__path", "id")
    )
    read, total = selectors.read_counts(announcement)
    return render(
        request,
        "publicity/announcement_unread.html",
        {"announcement": announcement, "page": paginate(request, members), "read": read, "total": total},
    )


@login_required
def attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    announcement = _staff_announcement(request, pk, CHANGE)
    form = AttachmentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.add_attachment(announcement, form.cleaned_data["file"], by=request.user)
        except PermissionDenied as error:
            raise PageForbidden(error.message) from error
        except RuleViolation as error:
            form.add_error("file", error.message)
        else:
            messages.success(request, gettext("Attached “%(name)s”.") % {"name": item.original_name})
            return redirect("publicity:announcement_detail", pk=pk)
    return render(request, "publicity/attachment_form.html", {"form": form, "announcement": announcement})


def file_response(item: Attachment) -> FileResponse:
    try:
        handle = item.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(handle, content_type=item.content_type or "application/octet-stream")
    disposition = "inline" if item.is_image or item.content_type == "application/pdf" else "attachment"
    response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{escape_uri_path(item.original_name)}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def attachment_download(request: HttpRequest, pk: int) -> HttpResponse:
    """A file of an announcement: for anyone when the announcement is live on the portal (its
    images show there), else for staff in scope and the members it addresses."""
    item = Attachment.objects.select_related("announcement__org").filter(pk=pk).first()
    if item is not None and Announcement.objects.public().filter(pk=item.announcement_id).exists():
        return file_response(item)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if item is None:
        raise Http404
    visible = Announcement.objects.visible_to(request.user).filter(pk=item.announcement_id).exists()
    if not visible and not selectors.for_member(request.user).filter(pk=item.announcement_id).exists():
        raise Http404
    return file_response(item)


@login_required
def my_announcements(request: HttpRequest) -> HttpResponse:
    """我的公告: the live announcements of the member's organizations, unread ones marked."""
    announcements = (
        selectors.for_member(request.user).select_related("org").order_by("-is_pinned", "-publish_at")
    )
    page = paginate(request, announcements)
    person_id = getattr(request.user, "person_id", None)
    read = set(
        selectors.Read.objects.filter(
            person_id=person_id, announcement_id__in=[a.pk for a in page]
        ).values_list("announcement_id", flat=True)
    )
    for announcement in page:
        announcement.is_read = announcement.pk in read or not announcement.for_members
    return render(request, "publicity/my_announcements.html", {"page": page})
