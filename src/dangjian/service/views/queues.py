"""Work queues: a handler's and a dispatcher's requests by urgency, bulk dispatch, the 督办 and 吹哨
list, and 报到 by a called department."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as PageForbidden
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from dangjian.core.errors import PermissionDenied, RuleViolation
from dangjian.core.pagination import paginate
from dangjian.core.scoping import scope_of
from dangjian.orgs.models import Organization
from dangjian.service import selectors, services
from dangjian.service.choices import OPEN_STATES, WhistleState
from dangjian.service.forms import (
    BulkDispatchForm,
    handler_choices,
    parse_handler,
)
from dangjian.service.models import (
    Department,
    WhistleCall,
)
from dangjian.service.views.requests import (
    HANDLER_OPTIONS_LIMIT,
    readable_requests,
    require_reader,
    with_marks,
)

# --- the work queue ---------------------------------------------------------------------------------


QUEUE_SECTIONS = [
    ("all", gettext_lazy("All my work")),
    ("due_soon", gettext_lazy("Due soon")),
    ("overdue", gettext_lazy("Overdue")),
    ("returned", gettext_lazy("Returned (退回)")),
    ("review", gettext_lazy("Awaiting review")),
    ("new", gettext_lazy("New reports")),
    ("unplaced", gettext_lazy("待定位 (to be placed in a grid)")),
]
QUEUE_EMPTY = {
    "all": gettext_lazy("Nothing is waiting for you. New requests sent to you will appear here."),
    "due_soon": gettext_lazy("No request is due within the next %(hours)s hours."),
    "overdue": gettext_lazy("No request of yours is overdue. Well done."),
    "returned": gettext_lazy("No request has been returned by its handler."),
    "review": gettext_lazy("No handling result is waiting for your review."),
    "new": gettext_lazy("No new report is waiting to be accepted."),
    "unplaced": gettext_lazy("No request reported with only an address is waiting to be placed in a grid."),
}


def _bulk_handler_options(user) -> tuple[QuerySet, QuerySet]:
    return (
        Organization.objects.visible_to(user, services.DISPATCH).filter(is_active=True),
        Department.objects.visible_to(user, services.DISPATCH).filter(is_active=True),
    )


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    """My work queue: due soon, overdue, returned, awaiting review and new, with bulk dispatch."""
    department_ids = require_reader(request.user)
    now = timezone.now()
    section = request.GET.get("section", "all")
    if section not in dict(QUEUE_SECTIONS):
        section = "all"
    work = readable_requests(request.user, department_ids).filter(
        selectors.queue_q(request.user, department_ids)
    )
    # ``?org=``: the part of the queue one organization (with its subtree) is responsible for, as
    # the 工作台's roll-up by community links to it.
    org = None
    raw_org = request.GET.get("org", "")
    if raw_org:
        if not raw_org.isdigit() or int(raw_org) >= 2**31:
            raise Http404
        org = get_object_or_404(Organization.objects.visible_to(request.user), pk=int(raw_org))
        work = work.filter(org_path__startswith=org.path)
    counts = work.aggregate(
        **{name: Count("pk", filter=selectors.section_q(name, now)) for name, _label in QUEUE_SECTIONS}
    )
    rows = with_marks(work.filter(selectors.section_q(section, now))).order_by("due_at", "id")
    page = paginate(request, rows)
    whistles = []
    if department_ids:
        whistles = list(
            WhistleCall.objects.filter(
                department_id__in=department_ids, state__in=[WhistleState.CALLED, WhistleState.OVERDUE]
            )
            .select_related("request", "department")
            .order_by("report_due_at", "id")[:50]
        )
    can_bulk = scope_of(request.user).has_any(services.DISPATCH)
    bulk_form = None
    if can_bulk and page.object_list:
        orgs, departments = _bulk_handler_options(request.user)
        bulk_form = BulkDispatchForm(
            choices=handler_choices(
                list(orgs.only("pk", "name").order_by("path")[:HANDLER_OPTIONS_LIMIT]),
                list(departments.only("pk", "name")),
            )
        )
    return render(
        request,
        "service/requests/queue.html",
        {
            "sections": [
                {"name": name, "label": label, "count": counts[name], "active": name == section}
                for name, label in QUEUE_SECTIONS
            ],
            "section": section,
            "org": org,
            "empty_message": str(QUEUE_EMPTY[section]) % {"hours": settings.SERVICE_REMIND_BEFORE_HOURS},
            "page": page,
            "now": now,
            "whistles": whistles,
            "bulk_form": bulk_form,
        },
    )


@login_required
@require_POST
def bulk_dispatch(request: HttpRequest) -> HttpResponse:
    """Dispatch the ticked requests to one handler; each refusal is reported by tracking code."""
    department_ids = require_reader(request.user)
    if not scope_of(request.user).has_any(services.DISPATCH):
        raise PageForbidden(services.DISPATCH)
    back = reverse("service:queue")
    section = request.POST.get("section", "")
    if section in dict(QUEUE_SECTIONS) and section != "all":
        back += f"?section={section}"
    form = BulkDispatchForm(request.POST, choices=[(request.POST.get("handler", ""), "")])
    ids = [int(value) for value in request.POST.getlist("requests") if value.isdigit()]
    if not ids:
        messages.error(request, _("Please tick the requests to dispatch."))
        return redirect(back)
    if not form.is_valid():
        messages.error(request, _("Please choose whom to dispatch the ticked requests to."))
        return redirect(back)
    orgs, departments = _bulk_handler_options(request.user)
    org, department = parse_handler(form.cleaned_data["handler"], orgs, departments)
    if org is None and department is None:
        messages.error(request, _("Please choose a handler from the list."))
        return redirect(back)
    chosen = list(
        readable_requests(request.user, department_ids)
        .filter(pk__in=ids)
        .select_related("category", "area", "handler_org__jurisdiction", "handler_department")
        .order_by("due_at", "id")
    )
    done, refused = services.bulk_dispatch(
        chosen,
        by=request.user,
        handler_org=org,
        handler_department=department,
        note=form.cleaned_data["note"],
    )
    if done:
        messages.success(
            request,
            _("%(count)s request(s) dispatched to %(handler)s.")
            % {"count": len(done), "handler": org or department},
        )
    for request_obj, message in refused:
        messages.error(request, f"{request_obj.tracking_code}：{message}")
    return redirect(back)


# --- 督办 and 吹哨 ------------------------------------------------------------------------------------


@login_required
@require_GET
def supervised_list(request: HttpRequest) -> HttpResponse:
    """Supervised (督办) requests still open (all of them with ``?all=1``, newest first), and
    whistle calls still waiting for 报到.

    Open ones are a few hundred at district scale; the whole history is ten thousand and more,
    so it is a separate view ordered by an indexed column rather than sorted open-first.
    """
    department_ids = require_reader(request.user)
    readable = readable_requests(request.user, department_ids)
    show_all = request.GET.get("all") == "1"
    flagged = readable.filter(is_supervised=True)
    if not show_all:
        flagged = flagged.filter(state__in=OPEN_STATES)
    supervised = with_marks(flagged).order_by("-supervised_at", "-id")
    page = paginate(request, supervised)
    whistles = list(
        WhistleCall.objects.filter(
            request__in=readable.values("pk"), state__in=[WhistleState.CALLED, WhistleState.OVERDUE]
        )
        .select_related("request", "department")
        .order_by("report_due_at", "id")[:100]
    )
    return render(
        request,
        "service/requests/supervised_list.html",
        {"page": page, "whistles": whistles, "now": timezone.now(), "show_all": show_all},
    )


@login_required
@require_POST
def whistle_report(request: HttpRequest, pk: int) -> HttpResponse:
    """报到: a user of the called department reports for it; the request becomes theirs."""
    department_ids = require_reader(request.user)
    call = get_object_or_404(
        WhistleCall.objects.filter(request__in=readable_requests(request.user, department_ids).values("pk")),
        pk=pk,
    )
    try:
        services.report_to_whistle(call, by=request.user, note=request.POST.get("note", "")[:2000])
    except PermissionDenied as error:
        raise PageForbidden(error.message) from error
    except RuleViolation as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(department)s has reported (报到); the request is now yours to handle.")
            % {"department": call.department.name},
        )
    return redirect("service:request_detail", pk=call.request_id)
