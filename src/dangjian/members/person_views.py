"""People's pages: the list of everyone in the user's trees and one person's page, with masked
personal data that a permitted user may reveal (each reveal audited).

A ``core.Person`` is shared by every app; these pages show where the members app places them
(residences, memberships, grid posts), which is why they live here and not in ``core``.
"""

from __future__ import annotations

import re

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from dangjian.core.errors import PermissionDenied
from dangjian.core.models import Person
from dangjian.core.pagination import paginate
from dangjian.core.reauth import recent_auth_required
from dangjian.core.registry import render_panels
from dangjian.core.scoping import scope_of
from dangjian.core.search import search_in_name_order
from dangjian.core.services import REVEALABLE, reveal_personal_data
from dangjian.members.figures import area_path_of, grid_workers_q
from dangjian.members.models import GridWorker, PartyMember, Resident
from dangjian.orgs.models import Area, Organization

# A query that is a whole ID number (18 characters, or the old 15 digits) or a mobile number is
# looked up exactly through the keyed hash; anything else is a name search.
ID_NUMBER_QUERY = re.compile(r"^(\d{17}[\dXx]|\d{15})$")
MOBILE_QUERY = re.compile(r"^(\+?86)?1[3-9]\d{9}$")


def _url_or_none(name: str, **kwargs) -> str | None:
    """The URL of a page that may not be installed yet (another app's pages)."""
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return None


def _require_person_reader(user) -> None:
    if not scope_of(user).has_any("core.view_person"):
        raise DjangoPermissionDenied


def search_people(queryset, text: str):
    """People matching ``text`` in pinyin order of their names, a page at a bounded cost.

    A whole ID number or mobile is an exact keyed-hash lookup; anything else a 简/繁/pinyin/
    initials search (``core.search.search_in_name_order``, which finds a common surname such as
    张 without walking the whole name index).
    """
    text = text.strip()
    compact = text.replace(" ", "").replace("-", "")
    if ID_NUMBER_QUERY.match(compact):
        return queryset.with_id_number(compact).order_by("name_pinyin", "id")
    if MOBILE_QUERY.match(compact):
        return queryset.with_mobile(compact).order_by("name_pinyin", "id")
    return search_in_name_order(queryset, text, key="name_pinyin")


@login_required
@require_safe
def person_list(request):
    _require_person_reader(request.user)
    query = request.GET.get("q", "").strip()[:100]
    # Columns: name, gender, birth date, masked ID, masked mobile — all on the row, no joins.
    people = Person.objects.visible_to(request.user).only(
        "name", "gender", "birth_date", "id_number_masked", "mobile_masked", "name_pinyin"
    )
    grid_node, grid_param, members_only = None, "", request.GET.get("member") == "yes"
    for name, model in (("grid_area", Area), ("grid_org", Organization)):
        raw = request.GET.get(name, "")
        if raw.isdigit() and int(raw) < 2**31:
            grid_node = get_object_or_404(model.objects.visible_to(request.user), pk=int(raw))
            grid_param = name
            break
    if grid_node is not None:
        # The records of the grid-worker figures (``members.figures``): the same definition.
        path = area_path_of(grid_node)
        people = people.filter(grid_workers_q(path, members_only=members_only)) if path else people.none()
    page = paginate(request, search_people(people, query))
    return render(
        request,
        "members/person_list.html",
        {
            "page": page,
            "query": query,
            "grid_node": grid_node,
            "grid_param": grid_param,
            "members_only": members_only,
        },
    )


def _visible_person(request, pk: int) -> Person:
    _require_person_reader(request.user)
    person = get_object_or_404(Person.objects.visible_to(request.user), pk=pk)
    if not person.in_scope_of(request.user, "core.view_person"):
        raise Http404
    return person


def _person_page(request, person: Person, revealed: dict[str, str] | None = None, status: int = 200):
    context = {
        "person": person,
        "can_reveal": person.in_scope_of(request.user, "core.reveal_personal_data"),
        "fields": [
            {
                "name": name,
                "label": label,
                "masked": getattr(person, f"{name}_masked"),
                "revealed": (revealed or {}).get(name),
            }
            for name, label in (("id_number", _("ID number")), ("mobile", _("Mobile")))
        ],
        "residences": [
            {"record": resident, "url": _url_or_none("orgs:area_detail", pk=resident.area_id)}
            for resident in Resident.objects.visible_to(request.user)
            .filter(person=person, is_current=True)
            .select_related("area")
        ],
        "memberships": [
            {"record": member, "url": _url_or_none("orgs:org_detail", pk=member.org_id)}
            for member in PartyMember.objects.visible_to(request.user)
            .filter(person=person)
            .select_related("org")
        ],
        "grid_posts": [
            {"record": worker, "url": _url_or_none("orgs:area_detail", pk=worker.area_id)}
            for worker in GridWorker.objects.visible_to(request.user)
            .filter(person=person, is_active=True)
            .select_related("area")
        ],
        # Sections the apps above members contribute (双报到, …): the page never imports them.
        "panels": render_panels("person_panels", person, request),
    }
    return render(request, "members/person_detail.html", context, status=status)


@login_required
@require_safe
def person_detail(request, pk: int):
    return _person_page(request, _visible_person(request, pk))


@login_required
@never_cache
@require_POST
@recent_auth_required
def person_reveal(request, pk: int, field: str):
    """Show one clear ID number or mobile to a user holding the reveal permission; audited.

    Answers an htmx request with just the value; a plain form post gets the whole person page.
    Without the permission: 403 and nothing of the value, and no reveal is recorded.
    """
    person = _visible_person(request, pk)
    if field not in REVEALABLE:
        raise Http404
    try:
        value = reveal_personal_data(
            person, field, by=request.user, reason=request.POST.get("reason", "")[:200]
        )
    except PermissionDenied as error:
        # The site's 403 page (core.errors) says why; htmx shows its own short message.
        raise DjangoPermissionDenied(
            _("You are not allowed to see this person's personal information.")
        ) from error
    if request.headers.get("HX-Request") == "true":
        return render(request, "core/_revealed_value.html", {"value": value, "field": field})
    return _person_page(request, person, revealed={field: value})
