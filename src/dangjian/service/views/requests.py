"""The request page for staff: facts, deadline, photos, the timeline and the actions allowed now.

Every page reads requests through ``ServiceRequest.objects.visible_to`` (the subtrees
where the user may view requests, plus what is sent or whistled to their departments) and costs a
fixed number of queries whatever the rows. Every change is a call of ``service.services``; a
refused rule becomes a Chinese message on the page, a missing right a 403.
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as PageForbidden
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from dangjian.core import audit
from dangjian.core.choices import AuditAction
from dangjian.core.errors import ConcurrentChange, PermissionDenied, RuleViolation
from dangjian.core.reauth import ask_unless_recent
from dangjian.core.scoping import scope_of
from dangjian.orgs.models import Organization
from dangjian.service import services
from dangjian.service.choices import OPEN_STATES, PhotoKind, RequestState, TimeLimitUnit, WhistleState
from dangjian.service.forms import (
    ACTION_FORMS,
    CategoryForm,
    HandlerForm,
    PlaceForm,
    WhistleForm,
    handler_choices,
    handler_value,
    parse_handler,
)
from dangjian.service.models import (
    Department,
    DepartmentMember,
    RatingLevel,
    RequestPhoto,
    ServiceRequest,
    WhistleCall,
)

S = RequestState
VIEW = services.VIEW
REVEAL = "core.reveal_personal_data"
GRID_SEARCH_LIMIT = 12
HANDLER_OPTIONS_LIMIT = 200
# The list's and the queue's columns: code, title, category, grid, state, handler, dates, marks.
LIST_RELATED = ("category", "area", "handler_org", "handler_department", "assignee")

ACTION_LABELS = {
    "place": gettext_lazy("Place in a grid (定位)"),
    "accept": gettext_lazy("Accept (受理)"),
    "reject": gettext_lazy("Do not accept (不予受理)"),
    "dispatch": gettext_lazy("Dispatch (分派)"),
    "reassign": gettext_lazy("Reassign (改派)"),
    "start": gettext_lazy("Start handling"),
    "feedback": gettext_lazy("Report the result (处置反馈)"),
    "return": gettext_lazy("Return to the dispatcher (退回)"),
    "approve": gettext_lazy("Pass the review (办结)"),
    "send_back": gettext_lazy("Send back after review"),
    "suspend": gettext_lazy("Suspend (挂起)"),
    "resume": gettext_lazy("Resume (恢复)"),
    "reopen": gettext_lazy("Reopen (重新打开)"),
    "follow_up": gettext_lazy("Record the follow-up (整改)"),
    "archive": gettext_lazy("Archive (归档)"),
    "recategorize": gettext_lazy("Change the category"),
    "supervise": gettext_lazy("Supervise (督办)"),
    "whistle": gettext_lazy("Blow the whistle (吹哨)"),
    "visit": gettext_lazy("Log a visit in person"),
    "comment": gettext_lazy("Add a comment"),
    "photo": gettext_lazy("Add a photo"),
}
# Actions that end or redirect the work, drawn as red buttons.
DANGER_ACTIONS = {"reject", "return", "send_back", "suspend"}

DATA_LABELS = {
    "area": gettext_lazy("Grid"),
    "awaiting_location": gettext_lazy("待定位, filed under"),
    "proof": gettext_lazy("Proven by"),
    "category": gettext_lazy("Category"),
    "rule": gettext_lazy("Time limit"),
    "due_at": gettext_lazy("Due at"),
    "handler": gettext_lazy("Handler"),
    "department": gettext_lazy("Department"),
    "report_due_at": gettext_lazy("Report due at"),
    "on_time": gettext_lazy("Reported on time"),
    "kind": gettext_lazy("Photo kind"),
    "to": gettext_lazy("To"),
}
# Event data stored as a choice's code ("report"), shown by its label ("上报时").
DATA_CHOICES = {"kind": PhotoKind}


# --- who reads what ---------------------------------------------------------------------------------


def _department_ids(user) -> list[int]:
    return list(DepartmentMember.objects.filter(user=user).values_list("department_id", flat=True))


def may_read_requests(user) -> bool:
    """Whether the request pages open for ``user`` (what ``require_reader`` asks): the view
    permission somewhere, or membership of a department. The menu asks it for the work queue."""
    return scope_of(user).has_any(VIEW) or DepartmentMember.objects.filter(user=user).exists()


def readable_requests(user, department_ids: list[int] | None = None) -> QuerySet:
    """Requests the user may read: the one scoping path, ``ServiceRequest.objects.visible_to``
    (subtrees where they hold the view permission, plus their departments' requests).
    ``department_ids`` is accepted for the callers that know it already; the queryset finds it."""
    return ServiceRequest.objects.visible_to(user)


def require_reader(user) -> list[int]:
    """403 for a user who may read requests nowhere; their department ids otherwise."""
    department_ids = _department_ids(user)
    if not (scope_of(user).has_any(VIEW) or department_ids):
        raise PageForbidden(VIEW)
    return department_ids


def _visible_request(request: HttpRequest, pk: int) -> ServiceRequest:
    department_ids = require_reader(request.user)
    return get_object_or_404(
        readable_requests(request.user, department_ids).select_related(
            "category",
            "area",
            "org",
            "handler_org__jurisdiction",
            "handler_department",
            "assignee",
            "reported_by",
        ),
        pk=pk,
    )


def with_marks(requests: QuerySet) -> QuerySet:
    """The list columns' rows: related names in one join, and whether a whistle is pending."""
    pending = WhistleCall.objects.filter(
        request=OuterRef("pk"), state__in=[WhistleState.CALLED, WhistleState.OVERDUE]
    )
    return requests.select_related(*LIST_RELATED).annotate(has_whistle=Exists(pending))


# --- the request page ---------------------------------------------------------------------------


def _handler_options(user, request_obj: ServiceRequest) -> tuple[QuerySet, QuerySet]:
    """Organizations (under the responsible organization, when known) and departments to dispatch to."""
    orgs = Organization.objects.visible_to(user, services.DISPATCH).filter(is_active=True)
    if request_obj.org_path:
        orgs = orgs.filter(path__startswith=request_obj.org_path)
    departments = Department.objects.visible_to(user, services.DISPATCH).filter(is_active=True)
    return orgs, departments


def _as_time(value):
    if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and "T" in value:
        try:
            return datetime.datetime.fromisoformat(value)
        except ValueError:
            return value
    return value


def _data_rows(event) -> list[dict]:
    """The event's data as rows of (label, old, new) or (label, value), dates as dates."""
    data = dict(event.data or {})
    rows = []
    if "from" in data and "to" in data:  # 改派
        rows.append({"label": DATA_LABELS["handler"], "old": data.pop("from"), "new": data.pop("to")})
    for key, value in data.items():
        label = DATA_LABELS.get(key, key)
        if isinstance(value, list) and len(value) == 2:
            rows.append({"label": label, "old": _as_time(value[0]), "new": _as_time(value[1])})
        elif isinstance(value, bool):
            rows.append({"label": label, "value": _("Yes") if value else _("No")})
        elif key in DATA_CHOICES and value in DATA_CHOICES[key].values:
            rows.append({"label": label, "value": DATA_CHOICES[key](value).label})
        else:
            rows.append({"label": label, "value": _as_time(value)})
    return rows


def _action_forms(user, request_obj: ServiceRequest, actions: list[str]) -> list[dict]:
    initial = {"version": request_obj.version}
    forms = []
    handler_choices_cache = None
    for name in actions:
        form_class = ACTION_FORMS[name]
        if form_class is HandlerForm:
            if handler_choices_cache is None:
                orgs, departments = _handler_options(user, request_obj)
                suggested_org, suggested_department = services.route_for(
                    request_obj.category, request_obj.area
                )
                org_list = list(orgs.only("pk", "name").order_by("path")[:HANDLER_OPTIONS_LIMIT])
                if suggested_org is not None and suggested_org not in org_list:
                    org_list.insert(0, suggested_org)
                handler_choices_cache = (
                    handler_choices(org_list, list(departments.only("pk", "name"))),
                    handler_value(suggested_org or suggested_department),
                )
            choices, suggested = handler_choices_cache
            current = handler_value(request_obj.handler_org or request_obj.handler_department)
            form = HandlerForm(
                initial={**initial, "handler": suggested if name == "dispatch" else current}, choices=choices
            )
        elif form_class is WhistleForm:
            form = WhistleForm(
                initial=initial, departments=Department.objects.visible_to(user).filter(is_active=True)
            )
        elif form_class is PlaceForm:
            form = PlaceForm(initial=initial, user=user)
        else:
            form = form_class(initial=initial)
        forms.append(
            {
                "name": name,
                "label": ACTION_LABELS[name],
                "form": form,
                "danger": name in DANGER_ACTIONS,
                "multipart": "photo" in form.fields,
                "url": reverse("service:request_action", args=[request_obj.pk, name]),
            }
        )
    return forms


def _detail_page(
    request: HttpRequest, request_obj: ServiceRequest, *, revealed_phone: str | None = None
) -> HttpResponse:
    user = request.user
    events = list(request_obj.events.all())
    for event in events:
        event.data_rows = _data_rows(event)
    whistles = list(request_obj.whistles.select_related("department").order_by("called_at", "id"))
    department_ids = _department_ids(user)
    reportable = [
        call
        for call in whistles
        if call.state != WhistleState.REPORTED
        and (call.department_id in department_ids or scope_of(user).is_global)
    ]
    actions = services.available_actions(user, request_obj)
    rating = (
        RatingLevel.objects.filter(code=request_obj.rating_level).first()
        if request_obj.rating_level
        else None
    )
    now = timezone.now()
    return render(
        request,
        "service/requests/request_detail.html",
        {
            "req": request_obj,
            "events": events,
            "photos": list(request_obj.photos.all()),
            "whistles": whistles,
            "reportable": {call.pk for call in reportable},
            "action_forms": _action_forms(user, request_obj, actions),
            "rating": rating,
            "is_overdue": request_obj.state in OPEN_STATES
            and request_obj.state != S.SUSPENDED
            and request_obj.due_at < now,
            "calendar_days": request_obj.limit_unit == TimeLimitUnit.CALENDAR_DAYS,
            "can_reveal": bool(request_obj.contact_phone)
            and scope_of(user).has_perm(
                REVEAL, org_path=request_obj.org_path or None, area_path=request_obj.area_path or None
            ),
            "revealed_phone": revealed_phone,
            "now": now,
        },
    )


@login_required
@require_GET
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A request: facts, place, photos, contact, deadline and rule, handler, 吹哨, rating, timeline."""
    return _detail_page(request, _visible_request(request, pk))


def _reveal_phone(request: HttpRequest, request_obj: ServiceRequest) -> HttpResponse:
    """Show the contact's full mobile to a user holding the reveal permission; audited (个人信息保护法)."""
    if not scope_of(request.user).has_perm(
        REVEAL, org_path=request_obj.org_path or None, area_path=request_obj.area_path or None
    ):
        raise PageForbidden(REVEAL)
    with transaction.atomic():
        audit.record(
            AuditAction.REVEAL,
            request_obj,
            by=request.user,
            changes={"field": [None, "contact_phone"]},
            note=request.POST.get("reason", "")[:200],
        )
    value = request_obj.contact_phone.clear()
    if request.headers.get("HX-Request") == "true":
        return render(request, "core/_revealed_value.html", {"value": value, "field": "contact_phone"})
    return _detail_page(request, request_obj, revealed_phone=value)


def _run(action: str, request_obj: ServiceRequest, form, user, request: HttpRequest) -> str:
    """Call the service behind ``action``; the success message."""
    data = form.cleaned_data
    note = data.get("note", "") or ""
    reason = data.get("reason", "") or ""
    if action == "place":
        services.place_request(request_obj, by=user, grid=data["area"], note=note)
    elif action == "accept":
        services.accept_request(request_obj, by=user, note=note)
    elif action == "reject":
        services.reject_request(request_obj, by=user, reason=reason)
    elif action in ("dispatch", "reassign"):
        orgs, departments = _handler_options(user, request_obj)
        org, department = parse_handler(data.get("handler", ""), orgs, departments)
        if data.get("handler") and org is None and department is None:
            raise RuleViolation(_("Please choose a handler from the list."), rule="dispatch.handler")
        function = services.dispatch_request if action == "dispatch" else services.reassign_request
        function(request_obj, by=user, handler_org=org, handler_department=department, note=note)
    elif action == "start":
        services.start_handling(request_obj, by=user)
    elif action == "feedback":
        services.report_result(request_obj, by=user, resolution=data.get("resolution", ""))
        if data.get("photo"):
            try:
                services.add_photo(request_obj, upload=data["photo"], kind="result", by=user)
            except RuleViolation as error:
                messages.warning(
                    request,
                    _("The result was reported, but the photo was not added: %(error)s")
                    % {"error": error.message},
                )
    elif action == "return":
        services.return_request(request_obj, by=user, reason=reason)
    elif action == "approve":
        services.approve_result(request_obj, by=user, note=note)
    elif action == "send_back":
        services.send_back(request_obj, by=user, reason=reason)
    elif action == "suspend":
        services.suspend_request(request_obj, by=user, reason=reason)
    elif action == "resume":
        services.resume_request(request_obj, by=user, note=note)
    elif action == "reopen":
        services.reopen_request(request_obj, by=user, reason=reason)
    elif action == "follow_up":
        services.record_follow_up(request_obj, by=user, note=note)
    elif action == "archive":
        services.archive_request(request_obj, by=user)
    elif action == "recategorize":
        services.recategorize_request(request_obj, by=user, category=data["category"], note=note)
    elif action == "supervise":
        services.supervise_request(request_obj, by=user, note=note)
    elif action == "whistle":
        services.whistle_request(request_obj, by=user, department=data["department"], note=note)
    elif action == "visit":
        services.log_visit(request_obj, by=user, note=note)
    elif action == "comment":
        services.add_comment(request_obj, by=user, note=note)
    elif action == "photo":
        services.add_photo(request_obj, upload=data["photo"], by=user)
    return _("“%(action)s” is done.") % {"action": ACTION_LABELS[action]}


def _bound_form(action: str, request: HttpRequest, request_obj: ServiceRequest):
    form_class = ACTION_FORMS[action]
    if form_class is HandlerForm:  # the handler is checked against the offered ones by ``_run``
        return HandlerForm(request.POST, choices=[(request.POST.get("handler", ""), "")])
    if form_class is WhistleForm:
        return WhistleForm(
            request.POST, departments=Department.objects.visible_to(request.user).filter(is_active=True)
        )
    if form_class is CategoryForm:
        return CategoryForm(request.POST)
    if form_class is PlaceForm:
        return PlaceForm(request.POST, user=request.user)
    return form_class(request.POST, request.FILES)


@login_required
@never_cache
@require_POST
def request_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One action on a request (the form's ``version`` must still be current); back to the request page."""
    if action not in ACTION_FORMS and action != "reveal_phone":
        raise Http404
    request_obj = _visible_request(request, pk)
    if action == "reveal_phone":
        return ask_unless_recent(request) or _reveal_phone(request, request_obj)
    form = _bound_form(action, request, request_obj)
    detail = redirect("service:request_detail", pk=request_obj.pk)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields and field != "version" else ""
            for error in errors:
                messages.error(request, f"{label}：{error}" if label else error)
        if "version" in form.errors:
            messages.error(request, _("The form is out of date; please reload the page and try again."))
        return detail
    if form.cleaned_data["version"] != request_obj.version:
        messages.error(
            request, _("Someone changed this request at the same moment; reload the page and try again.")
        )
        return detail
    try:
        with transaction.atomic():
            done = _run(action, request_obj, form, request.user, request)
    except PermissionDenied as error:
        raise PageForbidden(error.message) from error
    except (ConcurrentChange, RuleViolation) as error:
        messages.error(request, error.message)
        return detail
    messages.success(request, done)
    return detail


@login_required
@require_GET
def photo_file(request: HttpRequest, pk: int) -> HttpResponse:
    """A request's photo, only to users who see the request (never served from a public URL)."""
    photo = get_object_or_404(
        RequestPhoto.objects.select_related("request"),
        pk=pk,
        request__in=ServiceRequest.objects.visible_to(request.user).values("pk"),
    )
    try:
        handle = photo.image.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(handle, content_type="image/jpeg")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
