"""Pages of 示范点: standard sets, applications with evidence and review, designations and
re-checks, and the public list on the residents' portal. Views stay thin: every change goes
through ``demonstration.services``; every read goes through ``visible_to``."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as PageForbidden
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import escape_uri_path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from dangjian.core.errors import PermissionDenied, RuleViolation
from dangjian.core.page_permissions import allowed, require, require_any
from dangjian.core.pagination import paginate
from dangjian.core.scoping import node_in_scope, scope_of
from dangjian.demonstration import services
from dangjian.demonstration.choices import (
    ApplicationState,
    DemonstrationLevel,
    DesignationState,
)
from dangjian.demonstration.forms import (
    ApplicationForm,
    DecideForm,
    EvidenceForm,
    ItemForm,
    RecheckForm,
    ReviewItemForm,
    SetForm,
)
from dangjian.demonstration.models import (
    Application,
    Designation,
    EvidenceFile,
    ItemEvidence,
    Recheck,
    StandardItem,
    StandardSet,
)
from dangjian.orgs.models import Organization

VIEW_SET = "demonstration.view_standardset"
CHANGE_SET = "demonstration.change_standardset"
ADD_SET = "demonstration.add_standardset"
VIEW_APP = "demonstration.view_application"
ADD_APP = "demonstration.add_application"
CHANGE_APP = "demonstration.change_application"
VIEW_DES = "demonstration.view_designation"
CHANGE_DES = "demonstration.change_designation"
PUBLIC_PER_PAGE = 30


def _apply(form, call):
    """Run a service call; a refused rule becomes a form error (None), a missing right a 403."""
    try:
        return call()
    except PermissionDenied as error:
        raise PageForbidden(error.message) from error
    except RuleViolation as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return None


def _one(queryset, pk: int):
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def _choice(request, name: str, values) -> str:
    value = request.GET.get(name) or ""
    return value if value in values else ""


def _year(request) -> int | None:
    raw = request.GET.get("year") or ""
    return int(raw) if raw.isdigit() and services.MIN_YEAR <= int(raw) <= services.MAX_YEAR else None


def _date(raw: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def _org_filter(request, permission: str) -> Organization | None:
    """``?org=`` inside the user's scope; an unknown or out-of-scope one answers 404 (no names leak)."""
    raw = request.GET.get("org") or ""
    if not raw:
        return None
    org = node_in_scope(Organization, raw, request.user, permission)
    if org is None:
        raise Http404
    return org


# --- standard sets ----------------------------------------------------------------------------


def _set(request, pk: int) -> StandardSet:
    return _one(StandardSet.objects.visible_to(request.user).select_related("org"), pk)


@login_required
@require_GET
def set_list(request):
    require_any(request.user, VIEW_SET)
    sets = (
        StandardSet.objects.visible_to(request.user).select_related("org").annotate(item_count=Count("items"))
    )
    level = _choice(request, "level", DemonstrationLevel.values)
    if level:
        sets = sets.filter(level=level)
    year = _year(request)
    if year:
        sets = sets.filter(year=year)
    page = paginate(request, sets.order_by("-year", "level", "name", "-edition", "-id"))
    return render(
        request,
        "demonstration/set_list.html",
        {
            "page": page,
            "level": level,
            "year": year or "",
            "levels": DemonstrationLevel.choices,
            "can_create": scope_of(request.user).has_any(ADD_SET),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def set_create(request):
    require_any(request.user, ADD_SET)
    form = SetForm(request.POST or None, user=request.user, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        made = _apply(
            form,
            lambda: services.create_set(
                by=request.user,
                org=data["org"],
                level=data["level"],
                name=data["name"],
                year=data["year"],
                description=data["description"],
            ),
        )
        if made is not None:
            messages.success(request, _("The standard set is created; add its items."))
            return redirect("demonstration:set_detail", pk=made.pk)
    return render(
        request,
        "demonstration/form.html",
        {"form": form, "title": _("New standard set"), "cancel_list": "sets"},
    )


@login_required
@require_GET
def set_detail(request, pk: int):
    standard_set = _set(request, pk)
    items = list(standard_set.items.order_by("number"))
    in_use = standard_set.applications.exists()
    can_change = allowed(request.user, CHANGE_SET, standard_set)
    return render(
        request,
        "demonstration/set_detail.html",
        {
            "set": standard_set,
            "items": items,
            "in_use": in_use,
            "can_change": can_change and not standard_set.is_published,
            "can_edit": can_change and not in_use,
            "can_publish": can_change and not standard_set.is_published and bool(items),
            "can_copy": allowed(request.user, ADD_SET, standard_set),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def set_edit(request, pk: int):
    standard_set = _set(request, pk)
    require(request.user, CHANGE_SET, standard_set)
    initial = {name: getattr(standard_set, name) for name in ("level", "name", "year", "description")}
    form = SetForm(
        request.POST or None,
        user=request.user,
        editing=True,
        initial={**initial, "version": standard_set.version},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {name: data[name] for name in ("level", "name", "year", "description")}
        done = _apply(
            form,
            lambda: services.update_set(standard_set, by=request.user, version=data.get("version"), **fields),
        )
        if done is not None:
            messages.success(request, _("The standard set is saved."))
            return redirect("demonstration:set_detail", pk=pk)
    return render(
        request,
        "demonstration/form.html",
        {"form": form, "title": _("Edit the standard set"), "set": standard_set},
    )


def _confirm(request, *, heading: str, consequence: str, cancel_url: str, danger: bool = False):
    return render(
        request,
        "demonstration/confirm.html",
        {"heading": heading, "consequence": consequence, "cancel_url": cancel_url, "danger": danger},
    )


def _run(request, call) -> bool:
    try:
        call()
    except PermissionDenied as error:
        raise PageForbidden(error.message) from error
    except RuleViolation as error:
        messages.error(request, error.message)
        return False
    return True


@login_required
@require_http_methods(["GET", "POST"])
def set_publish(request, pk: int):
    standard_set = _set(request, pk)
    require(request.user, CHANGE_SET, standard_set)
    if request.method == "POST":
        if _run(request, lambda: services.publish_set(standard_set, by=request.user)):
            messages.success(request, _("The standard set is published."))
        return redirect("demonstration:set_detail", pk=pk)
    return _confirm(
        request,
        heading=_("Publish “%(set)s”?") % {"set": standard_set},
        consequence=_("Organizations can then apply against it; its items can no longer be changed."),
        cancel_url=standard_set_url(standard_set),
    )


def standard_set_url(standard_set: StandardSet) -> str:
    from django.urls import reverse

    return reverse("demonstration:set_detail", args=[standard_set.pk])


@login_required
@require_http_methods(["GET", "POST"])
def set_copy(request, pk: int):
    standard_set = _set(request, pk)
    require(request.user, ADD_SET, standard_set)
    if request.method == "POST":
        copy = None

        def call():
            nonlocal copy
            copy = services.copy_set(standard_set, by=request.user)

        if _run(request, call):
            messages.success(request, _("A new edition is started as a draft."))
            return redirect("demonstration:set_detail", pk=copy.pk)
        return redirect("demonstration:set_detail", pk=pk)
    return _confirm(
        request,
        heading=_("Start a new edition of “%(set)s”?") % {"set": standard_set},
        consequence=_("A draft copy with the same items is made; this edition stays as it is."),
        cancel_url=standard_set_url(standard_set),
    )


@login_required
@require_http_methods(["GET", "POST"])
def item_create(request, pk: int):
    standard_set = _set(request, pk)
    require(request.user, CHANGE_SET, standard_set)
    next_number = (standard_set.items.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    form = ItemForm(request.POST or None, initial={"number": min(next_number, 99)})
    if request.method == "POST" and form.is_valid():
        done = _apply(form, lambda: services.add_item(standard_set, by=request.user, **form.cleaned_data))
        if done is not None:
            messages.success(request, _("The item is added."))
            return redirect("demonstration:set_detail", pk=pk)
    return render(
        request,
        "demonstration/form.html",
        {"form": form, "title": _("Add a standard item"), "set": standard_set},
    )


@login_required
@require_http_methods(["GET", "POST"])
def item_edit(request, pk: int):
    item = _one(
        StandardItem.objects.visible_to(request.user, VIEW_SET).select_related("standard_set__org"), pk
    )
    require(request.user, CHANGE_SET, item.standard_set)
    initial = {name: getattr(item, name) for name in services.ITEM_FIELDS}
    form = ItemForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        done = _apply(form, lambda: services.update_item(item, by=request.user, **form.cleaned_data))
        if done is not None:
            messages.success(request, _("The item is saved."))
            return redirect("demonstration:set_detail", pk=item.standard_set_id)
    return render(
        request,
        "demonstration/form.html",
        {"form": form, "title": _("Edit the standard item"), "set": item.standard_set},
    )


# --- applications -----------------------------------------------------------------------------


def _application(request, pk: int) -> Application:
    return _one(
        Application.objects.visible_to(request.user).select_related("org", "standard_set", "reviewer"), pk
    )


def _evidence(request, pk: int) -> ItemEvidence:
    evidence = _one(
        ItemEvidence.objects.visible_to(request.user, VIEW_APP).select_related(
            "item", "application__org", "application__standard_set"
        ),
        pk,
    )
    return evidence


@login_required
@require_GET
def application_list(request):
    user = request.user
    require_any(user, VIEW_APP)
    applications = Application.objects.visible_to(user).select_related("org", "standard_set")
    org = _org_filter(request, VIEW_APP)
    if org is not None:
        applications = applications.filter(org__path__startswith=org.path)
    state = _choice(request, "state", ApplicationState.values)
    if state:
        applications = applications.filter(state=state)
    level = _choice(request, "level", DemonstrationLevel.values)
    if level:
        applications = applications.filter(level=level)
    year = _year(request)
    if year:
        applications = applications.filter(standard_set__year=year)
    page = paginate(request, applications.order_by("-created_at", "-id"))
    return render(
        request,
        "demonstration/application_list.html",
        {
            "page": page,
            "org": org,
            "state": state,
            "level": level,
            "year": year or "",
            "states": ApplicationState.choices,
            "levels": DemonstrationLevel.choices,
            "can_create": scope_of(user).has_any(ADD_APP),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_create(request):
    require_any(request.user, ADD_APP)
    form = ApplicationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        made = _apply(
            form,
            lambda: services.create_application(
                by=request.user, org=data["org"], standard_set=data["standard_set"], summary=data["summary"]
            ),
        )
        if made is not None:
            messages.success(request, _("The application is started; give evidence for each item."))
            return redirect("demonstration:application_detail", pk=made.pk)
    return render(
        request, "demonstration/form.html", {"form": form, "title": _("Apply for a demonstration point")}
    )


@login_required
@require_GET
def application_detail(request, pk: int):
    user = request.user
    application = _application(request, pk)
    evidence = list(
        application.evidence.select_related("item", "reviewed_by")
        .prefetch_related(Prefetch("files", queryset=EvidenceFile.objects.order_by("uploaded_at", "id")))
        .order_by("item__number")
    )
    reviewer = services.may_review(user, application)
    is_draft = application.state == ApplicationState.DRAFT
    designation = Designation.objects.filter(application=application).first()
    return render(
        request,
        "demonstration/application_detail.html",
        {
            "application": application,
            "evidence": evidence,
            "designation": designation,
            "can_edit": is_draft and allowed(user, CHANGE_APP, application),
            "can_start_review": reviewer and application.state == ApplicationState.SUBMITTED,
            "can_review": reviewer and application.state == ApplicationState.UNDER_REVIEW,
            "can_decide": reviewer
            and application.state in (ApplicationState.SUBMITTED, ApplicationState.UNDER_REVIEW),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def evidence_edit(request, pk: int):
    """The applicant's evidence for one item: a text and photos or documents."""
    evidence = _evidence(request, pk)
    application = evidence.application
    require(request.user, CHANGE_APP, application)
    form = EvidenceForm(
        request.POST or None,
        request.FILES or None,
        initial={"text": evidence.text, "version": evidence.version},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def call():
            services.save_evidence(evidence, by=request.user, text=data["text"], version=data.get("version"))
            if data.get("file"):
                services.add_evidence_file(evidence, data["file"], by=request.user)
            return True

        if _apply(form, call):
            messages.success(request, _("The evidence is saved."))
            return redirect("demonstration:application_detail", pk=application.pk)
    files = list(evidence.files.order_by("uploaded_at", "id"))
    return render(
        request,
        "demonstration/evidence_form.html",
        {"form": form, "evidence": evidence, "application": application, "files": files},
    )


@login_required
@require_GET
def evidence_file(request, pk: int):
    """An evidence file, only to users who see the application (never served from a public URL)."""
    item = _one(
        EvidenceFile.objects.visible_to(request.user, VIEW_APP).select_related("evidence__application__org"),
        pk,
    )
    try:
        handle = item.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(
        handle, content_type=item.content_type or "application/octet-stream", filename=item.original_name
    )
    if not item.is_image and item.content_type != "application/pdf":
        response["Content-Disposition"] = (
            f"attachment; filename*=UTF-8''{escape_uri_path(item.original_name)}"
        )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def evidence_file_delete(request, pk: int):
    """Remove a file from a draft's evidence, after confirmation."""
    item = _one(
        EvidenceFile.objects.visible_to(request.user, VIEW_APP).select_related(
            "evidence__application__org", "evidence__item"
        ),
        pk,
    )
    require(request.user, CHANGE_APP, item.evidence.application)
    back = reverse("demonstration:evidence_edit", args=[item.evidence_id])
    if request.method == "POST":
        if _run(request, lambda: services.remove_evidence_file(item, by=request.user)):
            messages.success(request, _("Removed “%(name)s”.") % {"name": item.original_name})
        return redirect(back)
    return _confirm(
        request,
        heading=_("Remove “%(name)s”?") % {"name": item.original_name},
        consequence=_("The file is deleted from the evidence of this item."),
        cancel_url=back,
        danger=True,
    )


def _application_url(application: Application) -> str:
    from django.urls import reverse

    return reverse("demonstration:application_detail", args=[application.pk])


@login_required
@require_http_methods(["GET", "POST"])
def application_submit(request, pk: int):
    application = _application(request, pk)
    require(request.user, CHANGE_APP, application)
    if request.method == "POST":
        if _run(request, lambda: services.submit_application(application, by=request.user)):
            messages.success(request, _("The application is submitted for review."))
        return redirect("demonstration:application_detail", pk=pk)
    return _confirm(
        request,
        heading=_("Submit the application of %(org)s?") % {"org": application.org.name},
        consequence=_("The evidence can no longer be changed; the organization department above reviews it."),
        cancel_url=_application_url(application),
    )


def _require_review(request, application: Application) -> None:
    if not services.may_review(request.user, application):
        raise PageForbidden(services.REVIEW)


@login_required
@require_http_methods(["GET", "POST"])
def application_start_review(request, pk: int):
    application = _application(request, pk)
    _require_review(request, application)
    if request.method == "POST":
        if _run(request, lambda: services.start_review(application, by=request.user)):
            messages.success(request, _("The application is under review."))
        return redirect("demonstration:application_detail", pk=pk)
    return _confirm(
        request,
        heading=_("Take the application of %(org)s into review?") % {"org": application.org.name},
        consequence=_("You then review each item as met or not met, and designate or reject."),
        cancel_url=_application_url(application),
    )


@login_required
@require_http_methods(["GET", "POST"])
def evidence_review(request, pk: int):
    evidence = _evidence(request, pk)
    application = evidence.application
    _require_review(request, application)
    form = ReviewItemForm(
        request.POST or None, initial={"result": evidence.result or "met", "comment": evidence.comment}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = _apply(
            form,
            lambda: services.review_item(
                evidence, by=request.user, result=data["result"], comment=data["comment"]
            ),
        )
        if done is not None:
            messages.success(
                request, _("The review of item %(number)s is saved.") % {"number": evidence.item.number}
            )
            return redirect("demonstration:application_detail", pk=application.pk)
    files = list(evidence.files.order_by("uploaded_at", "id"))
    return render(
        request,
        "demonstration/evidence_form.html",
        {"form": form, "evidence": evidence, "application": application, "files": files, "reviewing": True},
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_decide(request, pk: int):
    """Designate (every item met) or reject (with a reason)."""
    application = _application(request, pk)
    _require_review(request, application)
    form = DecideForm(request.POST or None, initial={"version": application.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["decision"] == DecideForm.DESIGNATE:
            done = _apply(
                form,
                lambda: services.designate(
                    application,
                    by=request.user,
                    since=data.get("since"),
                    next_recheck_due=data.get("next_recheck_due"),
                    version=data.get("version"),
                    note=data.get("reason", ""),
                ),
            )
            message = _("%(org)s is designated a demonstration point.") % {"org": application.org.name}
        else:
            done = _apply(
                form,
                lambda: services.reject(
                    application, by=request.user, reason=data.get("reason", ""), version=data.get("version")
                ),
            )
            message = _("The application is rejected.")
        if done is not None:
            messages.success(request, message)
            return redirect("demonstration:application_detail", pk=pk)
    return render(
        request,
        "demonstration/form.html",
        {
            "form": form,
            "title": _("Decide the application of %(org)s") % {"org": application.org.name},
            "application": application,
        },
    )


# --- designations -----------------------------------------------------------------------------


@login_required
@require_GET
def designation_list(request):
    """Designations in the user's scope; ``org`` + ``at`` list what the figure counts."""
    user = request.user
    require_any(user, VIEW_DES)
    designations = Designation.objects.visible_to(user).select_related("org", "standard_set")
    org = _org_filter(request, VIEW_DES)
    if org is not None:
        designations = designations.filter(org__path__startswith=org.path)
    at = _date(request.GET.get("at"))
    if at is not None:
        designations = designations.active_at(at)
    state = _choice(request, "state", DesignationState.values)
    if state:
        designations = designations.filter(state=state)
    level = _choice(request, "level", DemonstrationLevel.values)
    if level:
        designations = designations.filter(level=level)
    due = request.GET.get("due") == "1"
    if due:
        designations = designations.recheck_due(timezone.localdate())
    ordering = ("next_recheck_due", "id") if due else ("-since", "-id")
    page = paginate(request, designations.order_by(*ordering))
    return render(
        request,
        "demonstration/designation_list.html",
        {
            "page": page,
            "org": org,
            "at": at,
            "state": state,
            "level": level,
            "due": due,
            "states": DesignationState.choices,
            "levels": DemonstrationLevel.choices,
            "today": timezone.localdate(),
        },
    )


def _designation(request, pk: int) -> Designation:
    return _one(
        Designation.objects.visible_to(request.user).select_related("org", "standard_set", "application"), pk
    )


@login_required
@require_GET
def designation_detail(request, pk: int):
    designation = _designation(request, pk)
    rechecks = list(
        Recheck.objects.filter(designation=designation)
        .select_related("checked_by")
        .annotate(not_met=Count("results", filter=Q(results__met=False)))
        .order_by("-checked_on", "-id")[:20]
    )
    return render(
        request,
        "demonstration/designation_detail.html",
        {
            "designation": designation,
            "rechecks": rechecks,
            "today": timezone.localdate(),
            "can_recheck": designation.is_active and allowed(request.user, CHANGE_DES, designation),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def recheck_create(request, pk: int):
    designation = _designation(request, pk)
    require(request.user, CHANGE_DES, designation)
    items = designation.standard_set.items.order_by("number")
    initial = {"version": designation.version, **{f"met_{item.pk}": True for item in items}}
    form = RecheckForm(request.POST or None, items=items, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = _apply(
            form,
            lambda: services.record_recheck(
                designation,
                by=request.user,
                results=form.results(),
                outcome=data["outcome"],
                checked_on=data["checked_on"],
                rectify_working_days=data.get("rectify_working_days"),
                note=data.get("note", ""),
                version=data.get("version"),
            ),
        )
        if done is not None:
            messages.success(request, _("The re-check is recorded."))
            return redirect("demonstration:designation_detail", pk=pk)
    return render(
        request,
        "demonstration/form.html",
        {
            "form": form,
            "title": _("Re-check %(org)s") % {"org": designation.org.name},
            "designation": designation,
        },
    )


# --- the residents' portal --------------------------------------------------------------------


@require_GET
def public_list(request):
    """Active 示范点 for everyone: the organization, the level, since when and the standard set —
    no person, no phone, no address."""
    designations = (
        Designation.objects.active()
        .select_related("org", "standard_set")
        .only("pk", "level", "since", "org__name", "standard_set__name", "standard_set__year")
    )
    level = _choice(request, "level", DemonstrationLevel.values)
    if level:
        designations = designations.filter(level=level)
    year = _year(request)
    if year:
        designations = designations.filter(since__year=year)
    page = paginate(request, designations.order_by("-since", "-id"), per_page=PUBLIC_PER_PAGE)
    return render(
        request,
        "demonstration/public_list.html",
        {"page": page, "level": level, "year": year or "", "levels": DemonstrationLevel.choices},
    )
