"""Pages of the privacy app: find a person, download their data, record and carry out an erasure.

Every page reads people through ``Person.objects.visible_to(user, <privacy permission>)``, so a
secretary of 社区A never finds a resident of 社区B (404); the services check the permission again.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from dangjian.core.models import Person
from dangjian.core.page_permissions import require_any, run_service
from dangjian.core.pagination import paginate
from dangjian.core.reauth import recent_auth_required
from dangjian.core.registry import personal_data_sources
from dangjian.members.person_views import search_people
from dangjian.privacy import services
from dangjian.privacy.choices import ErasureState
from dangjian.privacy.forms import ErasureConfirmForm, ErasureRequestForm
from dangjian.privacy.models import ErasureRequest

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _person(request: HttpRequest, pk: int, permission: str = services.EXPORT) -> Person:
    require_any(request.user, permission)
    person = get_object_or_404(Person.objects.visible_to(request.user, permission), pk=pk)
    if not person.in_scope_of(request.user, permission):
        raise Http404
    return person


def _correction_url(user, person: Person) -> str | None:
    """The existing editor of a person's details (the administration's person form), if the user
    may open it: correction (更正) needs no second editor."""
    if not (user.is_staff and user.has_perm("core.change_person")):
        return None
    try:
        return reverse("admin:core_person_change", args=[person.pk])
    except NoReverseMatch:
        return None


@login_required
@require_safe
def person_list(request: HttpRequest) -> HttpResponse:
    require_any(request.user, services.EXPORT)
    query = request.GET.get("q", "").strip()[:100]
    people = Person.objects.visible_to(request.user, services.EXPORT).only(
        "name", "birth_date", "id_number_masked", "mobile_masked", "name_pinyin"
    )
    page = paginate(request, search_people(people, query)) if query else None
    return render(request, "privacy/person_list.html", {"page": page, "query": query})


@login_required
@require_safe
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    sources = [(source, len(list(source.rows(person)))) for source in personal_data_sources()]
    may_erase = person.in_scope_of(request.user, services.ERASE)
    return render(
        request,
        "privacy/person_detail.html",
        {
            "person": person,
            "sources": sources,
            "correction_url": _correction_url(request.user, person),
            "may_erase": may_erase,
            "refusal": services.refusal(person) if may_erase else "",
            "erasures": ErasureRequest.objects.filter(person=person).select_related(
                "recorded_by", "handled_by"
            ),
            "form": ErasureRequestForm(),
        },
    )


@login_required
@never_cache
@require_safe
@recent_auth_required
def person_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The person's data as one workbook, a sheet per app (查阅、复制); audited."""
    person = _person(request, pk)
    content = services.export_personal_data(person, by=request.user)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{services.export_file_name(person)}"'
    return response


@login_required
@require_POST
def erasure_create(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk, services.ERASE)
    form = ErasureRequestForm(request.POST)
    created: list[ErasureRequest] = []
    if form.is_valid() and run_service(
        form,
        lambda: created.append(services.record_erasure_request(person, by=request.user, **form.cleaned_data)),
    ):
        return redirect("privacy:erasure_detail", pk=created[0].pk)
    return render(
        request,
        "privacy/erasure_form.html",
        {"person": person, "form": form},
        status=400,
    )


@login_required
@require_safe
def erasure_list(request: HttpRequest) -> HttpResponse:
    require_any(request.user, "privacy.view_erasurerequest")
    erasures = (
        ErasureRequest.objects.visible_to(request.user)
        .select_related("person", "recorded_by", "handled_by")
        .order_by("-recorded_at", "-id")
    )
    return render(request, "privacy/erasure_list.html", {"page": paginate(request, erasures)})


def _erasure(request: HttpRequest, pk: int) -> ErasureRequest:
    require_any(request.user, "privacy.view_erasurerequest")
    return get_object_or_404(
        ErasureRequest.objects.visible_to(request.user).select_related("person", "recorded_by", "handled_by"),
        pk=pk,
    )


@login_required
@require_safe
def erasure_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The request, and while it waits the confirmation that carries it out."""
    erasure = _erasure(request, pk)
    return render(
        request,
        "privacy/erasure_detail.html",
        {
            "erasure": erasure,
            "form": ErasureConfirmForm(),
            "pending": erasure.state == ErasureState.PENDING,
            "refusal": services.refusal(erasure.person) if erasure.state == ErasureState.PENDING else "",
        },
    )


@login_required
@never_cache
@require_http_methods(["POST"])
@recent_auth_required
def erasure_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """Carry out the erasure after an explicit confirmation (and a recent sign-in)."""
    erasure = _erasure(request, pk)
    form = ErasureConfirmForm(request.POST)
    if form.is_valid() and run_service(form, lambda: services.erase_person(erasure, by=request.user)):
        messages.success(request, _("The personal data was erased; the records and figures remain."))
        return redirect("privacy:erasure_detail", pk=erasure.pk)
    erasure.refresh_from_db()
    return render(
        request,
        "privacy/erasure_detail.html",
        {"erasure": erasure, "form": form, "pending": erasure.state == ErasureState.PENDING, "refusal": ""},
        status=400,
    )
