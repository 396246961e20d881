"""Pages of 帮扶对子: the pair list (by kind, organization, overdue), a pair with its visits,
setting a pair up, editing and ending it, logging and correcting a visit, and the visit list a
figure opens. Views stay thin: every change goes through ``help_pairs.services``."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as PageForbidden
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from dangjian.core.errors import PermissionDenied, RuleViolation
from dangjian.core.models import Person
from dangjian.core.pagination import paginate
from dangjian.core.scoping import scope_of
from dangjian.help_pairs import services
from dangjian.help_pairs.choices import PairKind, PairState
from dangjian.help_pairs.forms import CorrectVisitForm, EndForm, PairForm, VisitForm
from dangjian.help_pairs.models import HelpPair, Visit
from dangjian.orgs.models import Organization

VIEW = "help_pairs.view_helppair"
VIEW_VISITS = "help_pairs.view_visit"
PAIR_RELATED = ["helper", "family_head", "area", "org"]
SEARCH_LIMIT = 20
VISITS_ON_PAGE = 50
# The organization filter offers the first organizations of the user's subtrees, in tree order.
ORG_OPTIONS = 200


def _require_any(user, permission: str) -> None:
    if not scope_of(user).has_any(permission):
        raise PageForbidden(permission)


def _apply(form, call):
    """Run a service call; a refused rule becomes a form error (None), a missing right a 403."""
    try:
        return call()
    except PermissionDenied as error:
        raise PageForbidden(error.message) from error
    except RuleViolation as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return None


def _pair(request, pk: int, *, allow_own: bool = False) -> HelpPair:
    """A pair the user may read (404 outside their scope); the helper reaches their own pair."""
    user = request.user
    pair = HelpPair.objects.select_related(*PAIR_RELATED).filter(pk=pk).first()
    if pair is None:
        raise Http404
    if allow_own and services.is_own_pair(user, pair):
        return pair
    if not HelpPair.objects.visible_to(user).filter(pk=pk).exists():
        raise Http404
    return pair


def _org_filter(request, permission: str) -> Organization | None:
    raw = request.GET.get("org") or ""
    if not raw.isdigit():
        return None
    org = Organization.objects.visible_to(request.user, permission).filter(pk=int(raw)).first()
    if org is None:
        raise Http404
    return org


def _date(raw: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def _people(request, parameter: str) -> list[Person]:
    query = (request.GET.get(parameter) or "").strip()
    if not query:
        return []
    return list(
        Person.objects.visible_to(request.user).search(query).order_by("name_pinyin", "id")[:SEARCH_LIMIT]
    )


@login_required
@require_GET
def pair_list(request):
    """Pairs in the user's scope, filtered by kind, owning organization, state and overdue."""
    user = request.user
    _require_any(user, VIEW)
    pairs = HelpPair.objects.visible_to(user).select_related(*PAIR_RELATED)
    org = _org_filter(request, VIEW)
    if org is not None:
        pairs = pairs.filter(org__path__startswith=org.path)
    kind = request.GET.get("kind") or ""
    if kind in PairKind.values:
        pairs = pairs.filter(kind=kind)
    state = request.GET.get("state") or ""
    if state in PairState.values:
        pairs = pairs.filter(state=state)
    overdue = request.GET.get("overdue") == "1"
    if overdue:
        pairs = pairs.overdue()
    query = (request.GET.get("q") or "").strip()
    if query:
        pairs = pairs.filter(
            Q(helper__name__icontains=query)
            | Q(family_head__name__icontains=query)
            | Q(enterprise_name__icontains=query)
            | Q(area__name__icontains=query)
        )
    page = paginate(
        request, pairs.order_by("next_visit_due", "id") if overdue else pairs.order_by("-since", "-id")
    )
    return render(
        request,
        "help_pairs/pair_list.html",
        {
            "page": page,
            "org": org,
            "kind": kind,
            "state": state,
            "overdue": overdue,
            "query": query,
            "kinds": PairKind.choices,
            "states": PairState.choices,
            "today": timezone.localdate(),
            "orgs": list(
                Organization.objects.visible_to(user, VIEW)
                .filter(is_active=True)
                .order_by("path")[:ORG_OPTIONS]
            ),
            "can_create": scope_of(user).has_any("help_pairs.add_helppair"),
        },
    )


@login_required
@require_GET
def visit_list(request):
    """Visits in the user's scope, by owning organization and period (what the figures count)."""
    user = request.user
    _require_any(user, VIEW_VISITS)
    visits = Visit.objects.visible_to(user).select_related("pair__helper", "pair__family_head", "pair__area")
    org = _org_filter(request, VIEW_VISITS)
    if org is not None:
        visits = visits.filter(pair__org__path__startswith=org.path)
    start, end = _date(request.GET.get("start")), _date(request.GET.get("end"))
    if start:
        visits = visits.filter(visited_on__gte=start)
    if end:
        visits = visits.filter(visited_on__lte=end)
    solved = request.GET.get("solved") == "1"
    if solved:
        visits = visits.filter(problems_solved_count__gt=0)
    page = paginate(request, visits.order_by("-visited_on", "-id"))
    return render(
        request,
        "help_pairs/visit_list.html",
        {"page": page, "org": org, "start": start, "end": end, "solved": solved},
    )


@login_required
@require_GET
def pair_detail(request, pk: int):
    pair = _pair(request, pk, allow_own=True)
    visits = list(pair.visits.select_related("logged_by").order_by("-visited_on", "-id")[:VISITS_ON_PAGE])
    user = request.user
    return render(
        request,
        "help_pairs/pair_detail.html",
        {
            "pair": pair,
            "visits": visits,
            "today": timezone.localdate(),
            "can_change": services.may(user, "help_pairs.change_helppair", pair),
            "can_log": pair.is_active and services.may_log_visit(user, pair),
            "can_correct": services.is_own_pair(user, pair)
            or services.may(user, "help_pairs.change_visit", pair),
        },
    )


def _pair_form_page(request, form, *, pair: HelpPair | None):
    return render(
        request,
        "help_pairs/pair_form.html",
        {
            "form": form,
            "pair": pair,
            "helper_query": request.GET.get("helper_q", ""),
            "head_query": request.GET.get("head_q", ""),
            "helper_options": _people(request, "helper_q"),
            "head_options": _people(request, "head_q"),
        },
    )


def _pair_fields(data: dict) -> dict:
    return {
        "helper": data["helper"],
        "kind": data["kind"],
        "family_head": data.get("family_head"),
        "enterprise_name": data.get("enterprise_name", ""),
        "area": data["area"],
        "org": data["org"],
        "since": data["since"],
        "until": data.get("until"),
        "visit_interval_days": data["visit_interval_days"],
        "note": data.get("note", ""),
    }


@login_required
@require_http_methods(["GET", "POST"])
def pair_create(request):
    user = request.user
    _require_any(user, "help_pairs.add_helppair")
    initial = {name: request.GET[name] for name in ("helper", "family_head", "kind") if request.GET.get(name)}
    form = PairForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        pair = _apply(form, lambda: services.create_pair(by=user, **_pair_fields(form.cleaned_data)))
        if pair is not None:
            messages.success(request, _("The help pair is set up."))
            return redirect("help_pairs:pair_detail", pk=pair.pk)
    return _pair_form_page(request, form, pair=None)


@login_required
@require_http_methods(["GET", "POST"])
def pair_edit(request, pk: int):
    user = request.user
    pair = _pair(request, pk)
    if not services.may(user, "help_pairs.change_helppair", pair):
        raise PageForbidden("help_pairs.change_helppair")
    initial = {
        **_pair_fields({name: getattr(pair, name) for name in services.PAIR_FIELDS}),
        "version": pair.version,
    }
    for name in ("helper", "family_head"):
        if request.GET.get(name):
            initial[name] = request.GET[name]
    form = PairForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = _apply(
            form,
            lambda: services.update_pair(pair, by=user, version=data.get("version"), **_pair_fields(data)),
        )
        if done is not None:
            messages.success(request, _("The help pair is saved."))
            return redirect("help_pairs:pair_detail", pk=pair.pk)
    return _pair_form_page(request, form, pair=pair)


@login_required
@require_http_methods(["GET", "POST"])
def pair_end(request, pk: int):
    user = request.user
    pair = _pair(request, pk)
    if not services.may(user, "help_pairs.change_helppair", pair):
        raise PageForbidden("help_pairs.change_helppair")
    form = EndForm(request.POST or None, initial={"version": pair.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = _apply(
            form,
            lambda: services.end_pair(
                pair, by=user, until=data["until"], version=data.get("version"), note=data["note"]
            ),
        )
        if done is not None:
            messages.success(request, _("The help pair has ended."))
            return redirect("help_pairs:pair_detail", pk=pair.pk)
    return render(request, "help_pairs/end_form.html", {"pair": pair, "form": form})


def _visit_fields(data: dict) -> dict:
    return {name: data[name] for name in services.VISIT_FIELDS}


@login_required
@require_http_methods(["GET", "POST"])
def visit_create(request, pk: int):
    """Log a visit: the helper from their phone (我的), or staff for them."""
    user = request.user
    pair = _pair(request, pk, allow_own=True)
    if not services.may_log_visit(user, pair):
        raise PageForbidden("help_pairs.add_visit")
    form = VisitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        visit = _apply(form, lambda: services.log_visit(pair, by=user, **_visit_fields(form.cleaned_data)))
        if visit is not None:
            messages.success(request, _("The visit is logged."))
            return redirect("help_pairs:pair_detail", pk=pair.pk)
    return render(request, "help_pairs/visit_form.html", {"pair": pair, "form": form, "visit": None})


@login_required
@require_http_methods(["GET", "POST"])
def visit_edit(request, pk: int):
    """Correct a visit; the audit log keeps what it said before."""
    user = request.user
    visit = Visit.objects.filter(pk=pk).first()
    if visit is None:
        raise Http404
    pair = _pair(request, visit.pair_id, allow_own=True)
    visit.pair = pair
    if not services.may_correct_visit(user, visit):
        raise PageForbidden("help_pairs.change_visit")
    initial = {**{name: getattr(visit, name) for name in services.VISIT_FIELDS}, "version": visit.version}
    form = CorrectVisitForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = _apply(
            form,
            lambda: services.correct_visit(
                visit, by=user, version=data.get("version"), reason=data["reason"], **_visit_fields(data)
            ),
        )
        if done is not None:
            messages.success(request, _("The visit is corrected."))
            return redirect("help_pairs:pair_detail", pk=pair.pk)
    return render(request, "help_pairs/visit_form.html", {"pair": pair, "form": form, "visit": visit})
