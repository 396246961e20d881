"""Pages of the member ledger (党员台账): the filtered list, a member's entry and whole history,
adding and editing an entry, the 失联 flag, and the Excel import and export.

The list costs a fixed number of queries whatever its size (no COUNT over the subtree: the
pagination of ``core.pagination``); every change goes through ``members.ledger_services``.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as PageForbidden
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangjian.core import excel_views
from dangjian.core.errors import ConcurrentChange, PermissionDenied, RuleViolation
from dangjian.core.pagination import paginate
from dangjian.core.reauth import recent_auth_required
from dangjian.core.scoping import scope_of
from dangjian.members import ledger_services
from dangjian.members.filters import MemberFilterSet, in_name_order
from dangjian.members.history import history_sections
from dangjian.members.imports import MEMBER_SPEC, member_export_rows
from dangjian.members.ledger_forms import (
    EndRestrictionForm,
    LostContactForm,
    MemberEditForm,
    MemberForm,
    OrgPickForm,
    RestrictionForm,
)
from dangjian.members.models import PartyMember, RightsRestriction
from dangjian.members.person_matching import ExistingPersonFound
from dangjian.orgs.models import Organization

VIEW = "members.view_partymember"
ADD = ledger_services.ADD
CHANGE = ledger_services.CHANGE
ORG_SEARCH_LIMIT = 12


def _require_anywhere(user, permission: str) -> None:
    if not scope_of(user).has_any(permission):
        raise PageForbidden(permission)


def _members(user):
    return PartyMember.objects.visible_to(user)


def _may(user, permission: str, member: PartyMember) -> bool:
    return scope_of(user).has_perm(permission, org_path=member.org.path)


def _visible_member(request: HttpRequest, pk: int) -> PartyMember:
    """A member the user may read: in scope and with ``view_partymember`` over their organization."""
    member = get_object_or_404(_members(request.user).select_related("person", "org"), pk=pk)
    if not _may(request.user, VIEW, member):
        raise Http404
    return member


def _filtered(request: HttpRequest) -> MemberFilterSet:
    return MemberFilterSet(request.GET, queryset=_members(request.user), request=request)


def _active_filters(request: HttpRequest, filterset: MemberFilterSet) -> dict[str, str]:
    return {name: value for name, value in request.GET.items() if name in filterset.filters and value}


@login_required
@require_GET
def member_list(request: HttpRequest) -> HttpResponse:
    """The ledger of the user's organizations, filtered, sorted by pinyin; fixed cost per page."""
    _require_anywhere(request.user, VIEW)
    filterset = _filtered(request)
    members = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    # Columns: name, gender, birth date, masked mobile, organization, status, category, dates.
    members = in_name_order(
        members.select_related("person", "org"), searched=bool(request.GET.get("q", "").strip())
    )
    page = paginate(request, members)
    org_query = request.GET.get("org_q", "").strip()[:50]
    org_options = []
    if org_query:
        org_options = list(
            Organization.objects.visible_to(request.user, VIEW)
            .search(org_query)
            .only("pk", "name", "code")
            .order_by("path")[:ORG_SEARCH_LIMIT]
        )
    today = timezone.localdate()
    for member in page:
        member.standing = member.party_standing_years(today)
    keep = request.GET.copy()
    keep.pop("page", None)
    keep.pop("org_q", None)
    without_org = keep.copy()
    without_org.pop("org", None)
    return render(
        request,
        "members/ledger_list.html",
        {
            "filter": filterset,
            "page": page,
            "org_node": filterset.org_node,
            "org_query": org_query,
            "org_options": org_options,
            "query_without_org": without_org.urlencode(),
            "export_query": keep.urlencode(),
            "can_add": scope_of(request.user).has_any(ADD),
            "filtered": bool(_active_filters(request, filterset)),
            # Counted on the phone's folded filter panel's button ("筛选 2").
            "filter_count": len(_active_filters(request, filterset)),
            "today": today,
        },
    )


@login_required
@require_GET
@recent_auth_required
def member_export(request: HttpRequest) -> HttpResponse:
    """The filtered ledger as .xlsx, audited; personal data masked without the reveal permission."""
    _require_anywhere(request.user, VIEW)
    filterset = _filtered(request)
    members = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    revealed: dict = {}
    return excel_views.export_response(
        MEMBER_SPEC,
        member_export_rows(
            in_name_order(members, searched=bool(request.GET.get("q", "").strip())),
            by=request.user,
            revealed=revealed,
        ),
        by=request.user,
        filters=_active_filters(request, filterset),
        extra=revealed,
    )


@login_required
@require_GET
def member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A member's ledger entry, 党龄, and the whole history contributed by each app."""
    member = _visible_member(request, pk)
    today = timezone.localdate()
    restrictions = list(member.restrictions.order_by("-starts_on", "-id"))
    for restriction in restrictions:
        restriction.in_force = restriction.is_in_force(today)
    sections = []
    for provider, section in history_sections(member, request.user):
        html = render_to_string(section.template, section.context, request=request)
        sections.append(
            {
                "key": provider.key,
                "title": provider.title,
                "html": mark_safe(html),
                "more_url": section.more_url,
            }
        )
    return render(
        request,
        "members/member_detail.html",
        {
            "member": member,
            "person": member.person,
            "standing": member.party_standing_years(timezone.localdate()),
            "sections": sections,
            "can_change": _may(request.user, CHANGE, member),
            "can_reveal": scope_of(request.user).has_perm(
                "core.reveal_personal_data", org_path=member.org.path
            ),
            "lost_contact_form": LostContactForm(
                initial={"version": member.version, "since": timezone.localdate()}
            ),
            "restrictions": restrictions,
            "today": today,
        },
    )


def _apply(form, action) -> bool:
    """Run a service; put a refused rule on the form. True when it succeeded."""
    try:
        action()
    except ExistingPersonFound:
        raise  # not a refusal: the page asks to confirm (member_create)
    except PermissionDenied as error:
        raise PageForbidden(error.message) from error
    except ConcurrentChange as error:
        form.add_error(None, forms.ValidationError(error.message, code="stale"))
        return False
    except RuleViolation as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return False
    return True


def _member_fields(data: dict) -> dict:
    fields = dict(data)
    fields.pop("org", None)
    fields.pop("version", None)
    return fields


@login_required
@require_http_methods(["GET", "POST"])
def member_create(request: HttpRequest) -> HttpResponse:
    """Add a member to the ledger of one of the user's organizations.

    The organization is found by a search (name, code or pinyin) and picked from at most
    ``ORG_SEARCH_LIMIT`` results, so the page costs the same few queries for a community with
    ten organizations and a district with thousands; the posted one is checked against the
    organizations where the user may add members.
    """
    _require_anywhere(request.user, ADD)
    picker = OrgPickForm(request.POST or None, user=request.user)
    form = MemberForm(request.POST or None)
    created: list[PartyMember] = []
    existing_person = ""
    if request.method == "POST" and all([picker.is_valid(), form.is_valid()]):
        data = form.cleaned_data
        try:
            added = _apply(
                form,
                lambda: created.append(
                    ledger_services.create_member(
                        by=request.user, org=picker.cleaned_data["org"], **_member_fields(data)
                    )
                ),
            )
        except ExistingPersonFound as found:
            # A registered person in the user's scope holds the ID number: show them and ask.
            added, existing_person = False, found.message
            form.ask_to_confirm()
        if added:
            messages.success(
                request, _("%(name)s was added to the ledger.") % {"name": created[0].person.name}
            )
            return redirect("members:member_detail", pk=created[0].pk)
    query = (request.GET.get("q") or "").strip()[:50]
    chosen = str(picker.data.get("org") or "") if request.method == "POST" else request.GET.get("org", "")
    orgs = picker.fields["org"].queryset
    targets: list[Organization] = []
    if query:
        targets = list(orgs.search(query).only("pk", "name", "code").order_by("path")[:ORG_SEARCH_LIMIT])
    elif chosen.isdigit():
        targets = list(orgs.filter(pk=chosen).only("pk", "name", "code")[:1])
    return render(
        request,
        "members/member_form.html",
        {
            "form": form,
            "picker": picker,
            "member": None,
            "query": query,
            "options": [(org.pk, org.name, org.code) for org in targets],
            "chosen": chosen,
            "existing_person": existing_person,
        },
        status=400 if form.errors or picker.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a member's entry; a change made meanwhile by someone else refuses this one (version)."""
    member = _visible_member(request, pk)
    if not _may(request.user, CHANGE, member):
        raise PageForbidden(CHANGE)
    person = member.person
    initial = {
        "name": person.name,
        "gender": person.gender,
        "ethnicity": person.ethnicity,
        "birth_date": person.birth_date,
        "education": person.education,
        **{name: getattr(member, name) for name in ledger_services.MEMBER_FIELDS},
        "version": member.version,
    }
    form = MemberEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = _member_fields(data)
        for name in ("id_number", "mobile"):
            if not fields.get(name):
                fields.pop(name, None)
        if _apply(
            form,
            lambda: ledger_services.update_member(
                member, by=request.user, expected_version=data["version"], **fields
            ),
        ):
            messages.success(request, _("The entry of %(name)s was saved.") % {"name": person.name})
            return redirect("members:member_detail", pk=member.pk)
    status = 409 if any(error.code == "stale" for error in form.non_field_errors().as_data()) else 200
    if form.errors and status == 200:
        status = 400
    return render(request, "members/member_form.html", {"form": form, "member": member}, status=status)


@login_required
@require_POST
def member_lost_contact(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark the member 失联, or clear the flag (``action=clear``); both audited."""
    member = _visible_member(request, pk)
    if not _may(request.user, CHANGE, member):
        raise PageForbidden(CHANGE)
    form = LostContactForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The lost-contact form is incomplete; reload the page and try again."))
        return redirect("members:member_detail", pk=member.pk)
    data = form.cleaned_data
    try:
        if request.POST.get("action") == "clear":
            ledger_services.clear_lost_contact(
                member, by=request.user, note=data["note"], expected_version=data["version"]
            )
            messages.success(request, _("The lost-contact flag was cleared."))
        else:
            ledger_services.mark_lost_contact(
                member,
                by=request.user,
                since=data["since"],
                note=data["note"],
                expected_version=data["version"],
            )
            messages.success(request, _("The member is now marked as lost contact."))
    except PermissionDenied as error:
        raise PageForbidden(error.message) from error
    except (ConcurrentChange, RuleViolation) as error:
        messages.error(request, error.message)
    return redirect("members:member_detail", pk=member.pk)


@login_required
@require_http_methods(["GET", "POST"])
def member_restriction_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Record 留党察看 or suspended rights with the decision; the member loses the vote for the period."""
    member = _visible_member(request, pk)
    if not _may(request.user, CHANGE, member):
        raise PageForbidden(CHANGE)
    form = RestrictionForm(
        request.POST or None, initial={"version": member.version, "starts_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        if _apply(
            form,
            lambda: ledger_services.record_restriction(
                member, by=request.user, expected_version=version, **data
            ),
        ):
            messages.success(
                request, _("The restriction of %(name)s was recorded.") % {"name": member.person.name}
            )
            return redirect("members:member_detail", pk=member.pk)
    status = 409 if any(error.code == "stale" for error in form.non_field_errors().as_data()) else 200
    if form.errors and status == 200:
        status = 400
    return render(request, "members/restriction_form.html", {"form": form, "member": member}, status=status)


@login_required
@require_POST
def member_restriction_end(request: HttpRequest, pk: int, restriction_pk: int) -> HttpResponse:
    """End a restriction (a suspension lifted, a decision changed); audited with the reason."""
    member = _visible_member(request, pk)
    if not _may(request.user, CHANGE, member):
        raise PageForbidden(CHANGE)
    restriction = get_object_or_404(RightsRestriction, pk=restriction_pk, member=member)
    form = EndRestrictionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the last day and the reason to end the restriction."))
        return redirect("members:member_detail", pk=member.pk)
    try:
        ledger_services.end_restriction(
            restriction, by=request.user, ends_on=form.cleaned_data["ends_on"], note=form.cleaned_data["note"]
        )
        messages.success(request, _("The restriction was ended."))
    except PermissionDenied as error:
        raise PageForbidden(error.message) from error
    except RuleViolation as error:
        messages.error(request, error.message)
    return redirect("members:member_detail", pk=member.pk)


@login_required
@require_http_methods(["GET", "POST"])
def member_import(request: HttpRequest) -> HttpResponse:
    _require_anywhere(request.user, ADD)
    list_url = reverse("members:member_list")
    return excel_views.import_page(
        request,
        MEMBER_SPEC,
        template_url=reverse("members:member_import_template"),
        done_url=list_url,
        breadcrumbs=[(list_url, _("Party members"))],
    )


@login_required
@require_GET
def member_import_template(request: HttpRequest) -> HttpResponse:
    _require_anywhere(request.user, ADD)
    return excel_views.template_download(MEMBER_SPEC)
