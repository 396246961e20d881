"""Staff pages of the leader mailbox (messages, assignment, answer, publication, 转为诉求, the
mailboxes' settings) and a signed-in user's own writing page. Thin: every change is a function in
``services``; every query goes through ``visible_to``; an out-of-scope message answers 404."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from dangjian.core.page_permissions import allowed, require, require_any, run_service
from dangjian.core.pagination import paginate
from dangjian.core.scoping import node_in_scope, scope_of
from dangjian.core.search import search_queryset
from dangjian.mailbox import services
from dangjian.mailbox.choices import MessageSource, MessageState
from dangjian.mailbox.forms import AnswerForm, AssignForm, MailboxForm, PublishForm, ToRequestForm, WriteForm
from dangjian.mailbox.models import Mailbox, Message
from dangjian.orgs.models import Organization

VIEW = services.VIEW


def _date(value: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat((value or "").strip())
    except ValueError:
        return None


@login_required
def message_list(request: HttpRequest) -> HttpResponse:
    require_any(request.user, VIEW)
    messages_qs = Message.objects.visible_to(request.user).select_related("org", "assignee")
    state = request.GET.get("state", "")
    if state in MessageState.values:
        messages_qs = messages_qs.filter(state=state)
    if request.GET.get("mine"):
        messages_qs = messages_qs.filter(assignee=request.user)
    if request.GET.get("overdue"):
        messages_qs = messages_qs.filter(
            overdue_at__isnull=False, state__in=[MessageState.RECEIVED, MessageState.ASSIGNED]
        )
    org = node_in_scope(Organization, request.GET.get("org"), request.user, VIEW)
    if org is not None:
        messages_qs = messages_qs.filter(org_path__startswith=org.path)
    received_from, received_to = (
        _date(request.GET.get("received_from")),
        _date(request.GET.get("received_to")),
    )
    if received_from:
        messages_qs = messages_qs.filter(created_at__date__gte=received_from)
    if received_to:
        messages_qs = messages_qs.filter(created_at__date__lt=received_to)
    text = (request.GET.get("q") or "").strip()[:100]
    if text:
        messages_qs = search_queryset(messages_qs, text)
    page = paginate(request, messages_qs.order_by("-created_at", "-id"))
    return render(
        request,
        "mailbox/message_list.html",
        {
            "page": page,
            "states": MessageState.choices,
            "state": state,
            "q": text,
            "org": org,
            "now": timezone.now(),
        },
    )


def _message(request: HttpRequest, pk: int, action: str = "view") -> Message:
    return get_object_or_404(
        Message.objects.visible_to(request.user, action).select_related(
            "org", "mailbox", "assignee", "area", "service_request"
        ),
        pk=pk,
    )


def _detail_context(request: HttpRequest, message: Message, **forms) -> dict:
    user = request.user
    may_assign = allowed(user, services.ASSIGN, message)
    context = {
        "message": message,
        "may_assign": may_assign and message.is_open,
        "may_answer": services.may_answer(user, message),
        "may_close": may_assign and message.state == MessageState.ANSWERED,
        "may_publish": may_assign
        and message.agrees_to_publish
        and message.state in (MessageState.ANSWERED, MessageState.CLOSED),
        "may_to_request": may_assign and not message.service_request_id,
        "assign_form": forms.get("assign_form")
        or AssignForm(
            users=services.assignable_users(message) if may_assign else (),
            initial={"version": message.version},
        ),
        "answer_form": forms.get("answer_form") or AnswerForm(initial={"version": message.version}),
        "now": timezone.now(),
    }
    return context


@login_required
def message_detail(request: HttpRequest, pk: int) -> HttpResponse:
    message = _message(request, pk)
    return render(request, "mailbox/message_detail.html", _detail_context(request, message))


@login_required
@require_POST
def message_assign(request: HttpRequest, pk: int) -> HttpResponse:
    message = _message(request, pk)
    require(request.user, services.ASSIGN, message)
    form = AssignForm(request.POST, users=services.assignable_users(message))
    if form.is_valid():
        assignee = services.assignable_users(message).filter(pk=form.cleaned_data["assignee"]).first()
        if assignee is not None and run_service(
            form,
            lambda: services.assign_message(
                message, assignee=assignee, by=request.user, version=form.cleaned_data["version"]
            ),
        ):
            messages.success(request, gettext("The message was assigned."))
            return redirect("mailbox:message_detail", pk=message.pk)
    return render(
        request,
        "mailbox/message_detail.html",
        _detail_context(request, message, assign_form=form),
        status=400,
    )


@login_required
@require_POST
def message_answer(request: HttpRequest, pk: int) -> HttpResponse:
    message = _message(request, pk)
    if not services.may_answer(request.user, message):
        raise Http404
    form = AnswerForm(request.POST)
    if form.is_valid() and run_service(
        form,
        lambda: services.answer_message(
            message, answer=form.cleaned_data["answer"], by=request.user, version=form.cleaned_data["version"]
        ),
    ):
        messages.success(
            request, gettext("The answer was sent; the writer can read it with the tracking code.")
        )
        return redirect("mailbox:message_detail", pk=message.pk)
    return render(
        request,
        "mailbox/message_detail.html",
        _detail_context(request, message, answer_form=form),
        status=400,
    )


@login_required
@require_POST
def message_close(request: HttpRequest, pk: int) -> HttpResponse:
    message = _message(request, pk)
    require(request.user, services.ASSIGN, message)
    if run_service(None, lambda: services.close_message(message, by=request.user), request=request):
        messages.success(request, gettext("The message was closed."))
    return redirect("mailbox:message_detail", pk=message.pk)


@login_required
@require_http_methods(["GET", "POST"])
def message_publish(request: HttpRequest, pk: int) -> HttpResponse:
    message = _message(request, pk)
    require(request.user, services.ASSIGN, message)
    draft = (
        services.publication_draft(message)
        if not message.is_published
        else {
            "public_subject": message.public_subject,
            "public_text": message.public_text,
            "public_answer": message.public_answer,
        }
    )
    form = PublishForm(request.POST or None, initial={**draft, "version": message.version})
    if request.method == "POST":
        if request.POST.get("unpublish"):
            if run_service(
                None, lambda: services.unpublish_message(message, by=request.user), request=request
            ):
                messages.success(request, gettext("The message is no longer published."))
            return redirect("mailbox:message_detail", pk=message.pk)
        if form.is_valid() and run_service(
            form, lambda: services.publish_message(message, by=request.user, **form.cleaned_data)
        ):
            messages.success(request, gettext("The question and answer are published on the portal."))
            return redirect("mailbox:message_detail", pk=message.pk)
    return render(
        request,
        "mailbox/message_publish.html",
        {"message": message, "form": form},
        status=400 if form.errors else 200,
    )


def _request_choices(user):
    from dangjian.orgs.choices import AreaKind
    from dangjian.orgs.models import Area
    from dangjian.service.models import Category

    categories = Category.objects.filter(is_active=True, numchild=0).order_by("path")[:300]
    grids = (
        Area.objects.visible_to(user, "service.add_servicerequest")
        .filter(kind=AreaKind.GRID, is_active=True)
        .order_by("path")[:500]
    )
    return categories, grids


@login_required
@require_http_methods(["GET", "POST"])
def message_to_request(request: HttpRequest, pk: int) -> HttpResponse:
    """转为诉求: file the message as a service request in a grid the user may register requests in."""
    from dangjian.orgs.models import Area
    from dangjian.service.models import Category

    message = _message(request, pk)
    require(request.user, services.ASSIGN, message)
    if message.service_request_id:
        return redirect("mailbox:message_detail", pk=message.pk)
    categories, grids = _request_choices(request.user)
    form = ToRequestForm(request.POST or None, categories=categories, grids=grids)
    if request.method == "POST" and form.is_valid():
        category = Category.objects.filter(pk=form.cleaned_data["category"]).first()
        area = Area.objects.filter(pk=form.cleaned_data["area"]).first()
        made = {}
        if run_service(
            form,
            lambda: made.setdefault(
                "request", services.turn_into_request(message, category=category, area=area, by=request.user)
            ),
        ):
            messages.success(
                request,
                gettext("The message became service request %(code)s.")
                % {"code": made["request"].tracking_code},
            )
            return redirect("mailbox:message_detail", pk=message.pk)
    return render(
        request,
        "mailbox/message_to_request.html",
        {"message": message, "form": form},
        status=400 if form.errors else 200,
    )


# --- mailboxes --------------------------------------------------------------------------------------


@login_required
def mailbox_list(request: HttpRequest) -> HttpResponse:
    require_any(request.user, "mailbox.view_mailbox")
    boxes = Mailbox.objects.visible_to(request.user).select_related("org").order_by("org__path")
    page = paginate(request, boxes)
    may_add = scope_of(request.user).has_any(services.ADD_MAILBOX)
    return render(request, "mailbox/mailbox_list.html", {"page": page, "may_add": may_add})


@login_required
@require_http_methods(["GET", "POST"])
def mailbox_create(request: HttpRequest) -> HttpResponse:
    require_any(request.user, services.ADD_MAILBOX)
    orgs = Organization.objects.visible_to(request.user, services.ADD_MAILBOX)
    taken = Mailbox.objects.values("org_id")
    choices = orgs.filter(is_active=True).exclude(pk__in=taken).order_by("path")[:500]
    form = MailboxForm(request.POST or None)
    org = (
        node_in_scope(Organization, request.POST.get("org"), request.user, services.ADD_MAILBOX)
        if request.method == "POST"
        else None
    )
    if request.method == "POST":
        if org is None:
            form.add_error(None, gettext("Please choose an organization of your scope."))
        elif form.is_valid():
            data = form.cleaned_data
            made = {}
            if run_service(
                form,
                lambda: made.setdefault(
                    "box",
                    services.save_mailbox(
                        org=org,
                        by=request.user,
                        title=data["title"],
                        intro=data["intro"],
                        answer_days=data["answer_days"],
                        is_open=data["is_open"],
                    ),
                ),
            ):
                messages.success(request, gettext("The mailbox is open."))
                return redirect("mailbox:mailbox_list")
    return render(
        request,
        "mailbox/mailbox_form.html",
        {"form": form, "orgs": choices, "mailbox": None},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def mailbox_edit(request: HttpRequest, pk: int) -> HttpResponse:
    mailbox = get_object_or_404(Mailbox.objects.visible_to(request.user).select_related("org"), pk=pk)
    require(request.user, services.CHANGE_MAILBOX, mailbox)
    initial = {
        "title": mailbox.title,
        "intro": mailbox.intro,
        "answer_days": mailbox.answer_days,
        "is_open": mailbox.is_open,
        "version": mailbox.version,
    }
    form = MailboxForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if run_service(
            form,
            lambda: services.save_mailbox(
                org=mailbox.org,
                by=request.user,
                title=data["title"],
                intro=data["intro"],
                answer_days=data["answer_days"],
                is_open=data["is_open"],
                version=data["version"],
            ),
        ):
            messages.success(request, gettext("The mailbox was saved."))
            return redirect("mailbox:mailbox_list")
    return render(
        request,
        "mailbox/mailbox_form.html",
        {"form": form, "mailbox": mailbox},
        status=400 if form.errors else 200,
    )


# --- a signed-in user's own messages ------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def write(request: HttpRequest) -> HttpResponse:
    """写信 as a signed-in user (a member, from 我的 or the menu): no phone code needed."""
    form = WriteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        mailbox = services.open_mailboxes().filter(pk=data["mailbox"]).first()
        made = {}
        if mailbox is None:
            form.add_error("mailbox", gettext("Please choose a mailbox."))
        elif run_service(
            form,
            lambda: made.setdefault(
                "message",
                services.write_message(
                    mailbox=mailbox,
                    subject=data["subject"],
                    text=data["text"],
                    source=MessageSource.MEMBER,
                    area=form.area_obj,
                    writer_name=request.user.get_full_name(),
                    agrees_to_publish=data["agrees_to_publish"],
                    by=request.user,
                ),
            ),
        ):
            messages.success(
                request,
                gettext("Your message was sent; its tracking code is %(code)s.")
                % {"code": made["message"].tracking_code},
            )
            return redirect("mailbox:mine")
    return render(request, "mailbox/write.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """The user's own messages and their answers (by identity, not by role)."""
    own = Message.objects.filter(writer=request.user).select_related("mailbox").order_by("-created_at", "-id")
    return render(request, "mailbox/mine.html", {"page": paginate(request, own)})
