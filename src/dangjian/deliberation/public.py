"""The residents' deliberation pages (no login): decided topics with their decision and each
follow-up task's progress (as Decidim's accountability component publishes results), and a form
to raise a topic.

No personal data of residents is shown: who raised a topic is not published. Raising needs a code
sent to the resident's phone (the portal's codes, ``portal.verification``) and is rate-limited per
address: this is the one module of the app that uses the portal, listed in tests/test_layers.py.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext

from dangjian.core.errors import RuleViolation
from dangjian.core.pagination import paginate
from dangjian.core.search import search_queryset
from dangjian.deliberation import services
from dangjian.deliberation.choices import PUBLIC_STATES, TaskState
from dangjian.deliberation.forms import RaiseForm
from dangjian.deliberation.models import Task, TaskUpdate, Topic
from dangjian.orgs.choices import AreaKind
from dangjian.orgs.models import Organization
from dangjian.portal import ratelimit, verification
from dangjian.portal.views import limited

HOUR = 60 * 60
RAISES_PER_IP_HOUR = 5


def published():
    return Topic.objects.filter(is_public=True, state__in=PUBLIC_STATES)


def topic_list(request: HttpRequest) -> HttpResponse:
    """议事公开: decided topics, newest decision first, with their tasks' progress."""
    topics = (
        published()
        .select_related("org")
        .annotate(
            task_count=Count("tasks", filter=~Q(tasks__state=TaskState.CANCELLED)),
            done_count=Count("tasks", filter=Q(tasks__state=TaskState.DONE)),
        )
        .order_by("-decided_on", "-id")
    )
    text = (request.GET.get("q") or "").strip()[:100]
    if text:
        topics = search_queryset(topics, text)
    return render(
        request, "deliberation/portal/topic_list.html", {"page": paginate(request, topics), "q": text}
    )


def topic_detail(request: HttpRequest, pk: int) -> HttpResponse:
    tasks = Prefetch(
        "tasks",
        queryset=Task.objects.exclude(state=TaskState.CANCELLED).prefetch_related(
            Prefetch("updates", queryset=TaskUpdate.objects.order_by("-created_at", "-id"))
        ),
    )
    topic = get_object_or_404(published().select_related("org").prefetch_related(tasks), pk=pk)
    return render(
        request,
        "deliberation/portal/topic_detail.html",
        {
            "topic": topic,
            "meeting": topic.meetings.prefetch_related("attendances").first(),
            "comments": topic.comments.filter(is_hidden=False).order_by("created_at", "id"),
        },
    )


def community_orgs():
    return Organization.objects.filter(is_active=True, jurisdiction__kind=AreaKind.COMMUNITY).order_by("path")


@limited
def topic_raise(request: HttpRequest) -> HttpResponse:
    form = RaiseForm(request.POST or None, orgs=community_orgs())
    if request.method == "POST" and form.is_valid():
        ratelimit.hit(
            "deliberation-raise-ip", ratelimit.ip_of(request), limit=RAISES_PER_IP_HOUR, period=HOUR
        )
        data = form.cleaned_data
        try:
            # Outside the transaction: a wrong guess must stay counted when the topic is refused.
            proof = verification.check_code(data["contact_phone"], data["code"])
            with transaction.atomic():
                verification.mark_used(proof)
                services.raise_by_resident(
                    data["org"],
                    name=data["name"],
                    phone=data["contact_phone"],
                    phone_hash=proof.phone_hash,
                    title=data["title"],
                    description=data["description"],
                )
        except RuleViolation as error:
            form.add_error(error.field if error.field in form.fields else "code", error.message)
        else:
            messages.success(
                request,
                gettext(
                    "Thank you; your topic reached the community. Once it is decided it is published here."
                ),
            )
            return redirect("deliberation_portal:topic_list")
    return render(
        request,
        "deliberation/portal/topic_raise.html",
        {"form": form, "code_minutes": settings.PORTAL_CODE_VALID_MINUTES},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )
