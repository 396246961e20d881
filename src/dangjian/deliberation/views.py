"""Staff and participants' pages of deliberation: the topics list, recording a topic, a topic
with its invitations, discussion, meeting, decision and tasks, and each action's form. Every
change goes through ``deliberation.services``; topics outside the user's reach answer 404."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as PageForbidden
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from dangjian.accounts.models import User
from dangjian.core.errors import PermissionDenied, RuleViolation
from dangjian.core.pagination import paginate
from dangjian.core.personal import MOBILE, decrypt, mask
from dangjian.core.scoping import has_perm_over, node_in_scope, scope_of
from dangjian.core.search import search_queryset
from dangjian.deliberation import services
from dangjian.deliberation.choices import ACTIVE_TASK_STATES, OPEN_STATES, RaisedBy, TaskState, TopicState
from dangjian.deliberation.forms import (
    CommentForm,
    InvitationForm,
    MeetingForm,
    ProgressForm,
    ReasonForm,
    TaskForm,
    TopicForm,
)
from dangjian.deliberation.models import VIEW, Comment, Task, Topic, member_org_paths
from dangjian.deliberation.roles import RAISE
from dangjian.orgs.models import Organization

RELATED = ["org", "area"]


def parse_date_or_none(value):
    try:
        return datetime.date.fromisoformat(value or "")
    except ValueError:
        return None


def _apply(form, call):
    """Run a service call; a refused rule becomes a form error (None), a missing right a 403."""
    try:
        return call()
    except PermissionDenied as error:
        raise PageForbidden(error.message) from error
    except RuleViolation as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return None


def _act(request: HttpRequest, call) -> bool:
    try:
        call()
    except PermissionDenied as error:
        raise PageForbidden(error.message) from error
    except RuleViolation as error:
        messages.error(request, error.message)
        return False
    return True


def may_list(user) -> bool:
    scope = scope_of(user)
    if scope.has_any(VIEW) or scope.has_any(RAISE):
        return True
    return Topic.objects.filter(invitations__user=user).exists() if user.is_authenticated else False


def _topic(request: HttpRequest, pk: int, *, run: bool = False) -> Topic:
    topic = get_object_or_404(Topic.objects.visible_to(request.user).select_related(*RELATED), pk=pk)
    if run and not services.may_run(request.user, topic):
        raise PageForbidden(services.RUN)
    return topic


def _account(form, field: str = "username") -> tuple[bool, User | None]:
    username = (form.cleaned_data.get(field) or "").strip()
    if not username:
        return True, None
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        form.add_error(field, gettext("No active account has this login name."))
        return False, None
    return True, user


@login_required
def topic_list(request: HttpRequest) -> HttpResponse:
    """Topics the user sees or takes part in; search the title and text, filter by state."""
    if not may_list(request.user):
        raise PageForbidden(VIEW)
    topics = (
        Topic.objects.visible_to(request.user)
        .select_related(*RELATED)
        .annotate(
            open_tasks=Count("tasks", filter=Q(tasks__state__in=[TaskState.OPEN, TaskState.IN_PROGRESS]))
        )
        .order_by("-created_at", "-id")
    )
    state = request.GET.get("state") or ""
    if state in TopicState.values:
        topics = topics.filter(state=state)
    text = (request.GET.get("q") or "").strip()[:100]
    if text:
        topics = search_queryset(topics, text)
    org = node_in_scope(Organization, request.GET.get("org"), request.user, VIEW)
    if org is not None:
        topics = topics.filter(org__path__startswith=org.path)
    for name, lookup in (("decided_from", "decided_on__gte"), ("decided_to", "decided_on__lt")):
        day = parse_date_or_none(request.GET.get(name))
        if day is not None:
            topics = topics.filter(**{lookup: day})
    mine = request.GET.get("mine") == "1"
    if mine:
        topics = topics.filter(tasks__owner_user=request.user, tasks__state__in=ACTIVE_TASK_STATES).distinct()
    scope = scope_of(request.user)
    return render(
        request,
        "deliberation/topic_list.html",
        {
            "page": paginate(request, topics),
            "state": state,
            "states": TopicState.choices,
            "q": text,
            "org": org,
            "mine": mine,
            "may_add": scope.has_any(services.ADD) or scope.has_any(RAISE),
        },
    )


def _create_orgs(user):
    if scope_of(user).has_any(services.ADD):
        return Organization.objects.visible_to(user, services.ADD).filter(is_active=True).order_by(
            "path"
        ), True
    if scope_of(user).has_any(RAISE):
        return Organization.objects.filter(path__in=member_org_paths(user), is_active=True).order_by(
            "path"
        ), False
    raise PageForbidden(services.ADD)


@login_required
def topic_create(request: HttpRequest) -> HttpResponse:
    orgs, as_unit = _create_orgs(request.user)
    form = TopicForm(request.POST or None, orgs=orgs, as_unit=as_unit)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        topic = _apply(
            form,
            lambda: services.raise_topic(
                data["org"],
                by=request.user,
                title=data["title"],
                description=data["description"],
                raised_by_kind=RaisedBy.UNIT if as_unit else RaisedBy.MEMBER,
                unit_name=data.get("unit_name", ""),
                open_to_members=data["open_to_members"],
                is_public=data["is_public"],
            ),
        )
        if topic is not None:
            messages.success(request, gettext("The topic is recorded."))
            return redirect("deliberation:topic_detail", pk=topic.pk)
    return render(request, "deliberation/topic_form.html", {"form": form, "as_unit": as_unit})


@login_required
def topic_detail(request: HttpRequest, pk: int) -> HttpResponse:
    topic = _topic(request, pk)
    may_run = services.may_run(request.user, topic)
    may_moderate = has_perm_over(request.user, services.MODERATE, topic)
    comments = topic.comments.select_related("author")
    if not may_run:
        comments = comments.filter(is_hidden=False)
    meetings = topic.meetings.prefetch_related("attendances")
    tasks = list(topic.tasks.select_related("owner_user").prefetch_related(Prefetch("updates")))
    phone = ""
    if may_run and topic.raiser_phone:
        phone = mask(MOBILE, decrypt(topic.raiser_phone))
    return render(
        request,
        "deliberation/topic_detail.html",
        {
            "topic": topic,
            "may_run": may_run,
            "may_moderate": may_moderate,
            "may_comment": topic.state in OPEN_STATES and services.may_comment(request.user, topic),
            "invitations": topic.invitations.select_related("user"),
            "comments": comments,
            "meetings": meetings,
            "tasks": tasks,
            "my_tasks": {task.pk for task in tasks if task.owner_user_id == request.user.pk},
            "comment_form": CommentForm(),
            "phone": phone,
            "states": TopicState,
        },
    )


@login_required
@require_POST
def topic_accept(request: HttpRequest, pk: int) -> HttpResponse:
    topic = _topic(request, pk, run=True)
    if _act(request, lambda: services.accept_topic(topic, by=request.user)):
        messages.success(request, gettext("The topic is accepted; invite the parties."))
    return redirect("deliberation:topic_detail", pk=pk)


@login_required
def topic_decline(request: HttpRequest, pk: int) -> HttpResponse:
    topic = _topic(request, pk, run=True)
    form = ReasonForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _apply(
            form, lambda: services.decline_topic(topic, by=request.user, reason=form.cleaned_data["reason"])
        )
    ):
        messages.success(request, gettext("The topic is declined."))
        return redirect("deliberation:topic_detail", pk=pk)
    return render(
        request,
        "deliberation/reason_form.html",
        {"form": form, "topic": topic, "heading": gettext("Decline the topic"), "button": gettext("Decline")},
    )


@login_required
def invitation_add(request: HttpRequest, pk: int) -> HttpResponse:
    topic = _topic(request, pk, run=True)
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        found, user = _account(form)
        data = form.cleaned_data
        if found and _apply(
            form,
            lambda: services.invite(
                topic, by=request.user, party_kind=data["party_kind"], unit_name=data["unit_name"], user=user
            ),
        ):
            messages.success(request, gettext("The party is invited."))
            return redirect(reverse("deliberation:topic_detail", kwargs={"pk": pk}) + "#invitations")
    return render(
        request,
        "deliberation/action_form.html",
        {"form": form, "topic": topic, "heading": gettext("Invite a party"), "button": gettext("Invite")},
    )


@login_required
@require_POST
def comment_add(request: HttpRequest, pk: int) -> HttpResponse:
    topic = _topic(request, pk)
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Please write your comment."))
    elif _act(request, lambda: services.add_comment(topic, by=request.user, text=form.cleaned_data["text"])):
        messages.success(request, gettext("Your comment is posted."))
    return redirect(reverse("deliberation:topic_detail", kwargs={"pk": pk}) + "#discussion")


@login_required
def comment_hide(request: HttpRequest, pk: int) -> HttpResponse:
    comment = get_object_or_404(
        Comment.objects.visible_to(request.user, VIEW).select_related("topic__org", "topic__area"), pk=pk
    )
    if not Comment.objects.visible_to(request.user, services.MODERATE).filter(pk=pk).exists():
        raise PageForbidden(services.MODERATE)
    form = ReasonForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _apply(
            form, lambda: services.hide_comment(comment, by=request.user, reason=form.cleaned_data["reason"])
        )
    ):
        messages.success(request, gettext("The comment is hidden."))
        return redirect(reverse("deliberation:topic_detail", kwargs={"pk": comment.topic_id}) + "#discussion")
    return render(
        request,
        "deliberation/reason_form.html",
        {
            "form": form,
            "topic": comment.topic,
            "quote": comment.text,
            "heading": gettext("Hide a comment"),
            "button": gettext("Hide"),
        },
    )


@login_required
def meeting_record(request: HttpRequest, pk: int) -> HttpResponse:
    topic = _topic(request, pk, run=True)
    form = MeetingForm(request.POST or None, invitations=topic.invitations.all())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        meeting = _apply(
            form,
            lambda: services.record_meeting(
                topic,
                by=request.user,
                held_at=data["held_at"],
                place=data["place"],
                minutes=data["minutes"],
                decision=data["decision"],
                present=form.present(),
            ),
        )
        if meeting is not None:
            messages.success(request, gettext("The meeting and its decision are recorded."))
            return redirect(reverse("deliberation:topic_detail", kwargs={"pk": pk}) + "#meeting")
    return render(request, "deliberation/meeting_form.html", {"form": form, "topic": topic})


@login_required
def task_add(request: HttpRequest, pk: int) -> HttpResponse:
    topic = _topic(request, pk, run=True)
    form = TaskForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        found, user = _account(form)
        data = form.cleaned_data
        if found and _apply(
            form,
            lambda: services.add_task(
                topic,
                by=request.user,
                title=data["title"],
                owner_party=data["owner_party"],
                owner_unit=data["owner_unit"],
                owner_user=user,
                deadline=data["deadline"],
            ),
        ):
            messages.success(request, gettext("The task is set."))
            return redirect(reverse("deliberation:topic_detail", kwargs={"pk": pk}) + "#tasks")
    return render(
        request,
        "deliberation/action_form.html",
        {
            "form": form,
            "topic": topic,
            "heading": gettext("Set a follow-up task"),
            "button": gettext("Set the task"),
        },
    )


@login_required
def task_progress(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_object_or_404(Task.objects.select_related("topic__org", "topic__area"), pk=pk)
    if not Topic.objects.visible_to(request.user).filter(pk=task.topic_id).exists():
        raise Http404
    if not services.may_report(request.user, task):
        raise PageForbidden(services.RUN)
    form = ProgressForm(request.POST or None, initial={"version": task.version, "progress": task.progress})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _apply(
            form,
            lambda: services.report_progress(
                task, by=request.user, progress=data["progress"], text=data["text"], version=data["version"]
            ),
        ):
            messages.success(request, gettext("The progress is recorded."))
            return redirect(reverse("deliberation:topic_detail", kwargs={"pk": task.topic_id}) + "#tasks")
    return render(
        request,
        "deliberation/action_form.html",
        {
            "form": form,
            "topic": task.topic,
            "heading": gettext("Report progress: %(task)s") % {"task": task.title},
            "button": gettext("Record the progress"),
        },
    )


@login_required
@require_POST
def topic_close(request: HttpRequest, pk: int) -> HttpResponse:
    topic = _topic(request, pk, run=True)
    if _act(request, lambda: services.close_topic(topic, by=request.user)):
        messages.success(request, gettext("The topic is closed."))
    return redirect("deliberation:topic_detail", pk=pk)
