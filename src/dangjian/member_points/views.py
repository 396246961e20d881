"""Pages of 党员积分: the monthly ledger of an organization (with its Excel export), the ranking,
the entry list a figure opens, a member's points, manual awards and deductions, reversals, and
the rule table. Views stay thin: every change goes through ``member_points.services``."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as PageForbidden
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from dangjian.core.excel import Column, export_workbook, record_export
from dangjian.core.excel_views import attachment
from dangjian.core.page_permissions import require_any, run_service
from dangjian.core.pagination import paginate
from dangjian.core.periods import Period
from dangjian.core.reauth import recent_auth_required
from dangjian.core.scoping import node_in_scope, parse_id, scope_of
from dangjian.member_points import services
from dangjian.member_points.choices import EntryKind
from dangjian.member_points.forms import AwardForm, ReverseForm, RuleForm
from dangjian.member_points.models import PointEntry, PointRule
from dangjian.member_points.selectors import ledger_rows, members_of, person_totals, ranking
from dangjian.members.models import PartyMember
from dangjian.orgs.models import Organization

VIEW = "member_points.view_pointentry"
VIEW_RULES = "member_points.view_pointrule"
ADD = "member_points.add_pointentry"
CHANGE_RULES = "member_points.change_pointrule"
FIRST_YEAR, LAST_YEAR = 2000, 2100
ENTRY_RELATED = ["person", "org", "rule", "entered_by", "reversed_by"]


def _org(request, permission: str = VIEW) -> Organization:
    """The organization asked for (``?org=``) within the user's scope, else their topmost one."""
    raw = request.GET.get("org")
    if raw:
        org = node_in_scope(Organization, raw, request.user, permission)
        if org is None:
            raise Http404
        return org
    org = Organization.objects.visible_to(request.user, permission).order_by("depth", "path").first()
    if org is None:
        raise PageForbidden(permission)
    return org


def _year(request) -> int:
    raw = request.GET.get("year") or ""
    year = parse_id(raw)
    if raw and (year is None or not FIRST_YEAR <= year <= LAST_YEAR):
        messages.warning(
            request,
            _("The year must lie between %(first)s and %(last)s; showing %(year)s.")
            % {"first": FIRST_YEAR, "last": LAST_YEAR, "year": timezone.localdate().year},
        )
        return timezone.localdate().year
    return year or timezone.localdate().year


def _month(request) -> int | None:
    month = parse_id(request.GET.get("month"))
    return month if month is not None and 1 <= month <= 12 else None


def _date(raw: str | None) -> datetime.date | None:
    try:
        day = datetime.date.fromisoformat(raw) if raw else None
    except ValueError:
        return None
    return day if day is None or FIRST_YEAR <= day.year <= LAST_YEAR else None


def _years() -> list[int]:
    this = timezone.localdate().year
    return list(range(this, this - 6, -1))


def _ledger_members(request, org):
    members = members_of(org)
    query = (request.GET.get("q") or "").strip()[:50]
    if query:
        members = members.filter(person__name__icontains=query)
    return members, query


@login_required
@require_GET
def ledger(request):
    """The year's ledger of an organization's members: points per month and the totals."""
    require_any(request.user, VIEW)
    org, year = _org(request), _year(request)
    members, query = _ledger_members(request, org)
    page = paginate(request, members)
    rows, columns, grand = ledger_rows(list(page.object_list), org, year)
    return render(
        request,
        "member_points/ledger.html",
        {
            "org": org,
            "year": year,
            "years": _years(),
            "query": query,
            "page": page,
            "rows": rows,
            "columns": columns,
            "grand": grand,
            "month_numbers": range(1, 13),
            "orgs": list(Organization.objects.visible_to(request.user, VIEW).order_by("path")[:200]),
            "can_award": services.may_enter(request.user, org),
        },
    )


LEDGER_COLUMNS = [
    Column("name", gettext_lazy("Name"), width=14),
    Column("org", gettext_lazy("Organization"), width=28),
    *[
        Column(f"m{number}", format_lazy(gettext_lazy("Month {number}"), number=number), width=8)
        for number in range(1, 13)
    ],
    Column("total", gettext_lazy("Total"), width=10),
]
LEDGER_TITLE = gettext_lazy("Member points ledger")
EXPORT_CHUNK = 500


@login_required
@require_GET
@recent_auth_required
def ledger_export(request):
    """The whole ledger (every member of the subtree matching the search) as .xlsx, audited."""
    require_any(request.user, VIEW)
    org, year = _org(request), _year(request)
    members, query = _ledger_members(request, org)

    def lines():
        last = 0
        while True:
            chunk = list(members.filter(pk__gt=last).order_by("pk")[:EXPORT_CHUNK])
            if not chunk:
                return
            last = chunk[-1].pk
            rows, _columns, _grand = ledger_rows(chunk, org, year)
            for row in rows:
                line = {"name": row.member.person.name, "org": row.member.org.name, "total": row.total}
                line.update({f"m{number}": points for number, points in enumerate(row.months, start=1)})
                yield line

    filters = {"org": org.pk, "year": year, "q": query}
    file_name = f"{_('Member points ledger')}-{org.name}-{year}.xlsx"
    counter: list[int] = []
    content = export_workbook(LEDGER_COLUMNS, lines(), title=LEDGER_TITLE, counter=counter)
    record_export(LEDGER_TITLE, by=request.user, filters=filters, count=counter[0], file_name=file_name)
    return attachment(content, file_name)


@login_required
@require_GET
def ranking_page(request):
    """Members of an organization ranked by their points in a year or a month (ties share a rank)."""
    require_any(request.user, VIEW)
    org, year, month = _org(request), _year(request), _month(request)
    period = Period.month(year, month) if month else Period.year(year)
    page = paginate(request, ranking(org, period))
    return render(
        request,
        "member_points/ranking.html",
        {
            "org": org,
            "year": year,
            "month": month,
            "years": _years(),
            "months": range(1, 13),
            "period": period,
            "page": page,
            "orgs": list(Organization.objects.visible_to(request.user, VIEW).order_by("path")[:200]),
        },
    )


@login_required
@require_GET
def entry_list(request):
    """Entries of an organization's subtree in a date range: what the points figure sums."""
    require_any(request.user, VIEW)
    org = _org(request)
    entries = PointEntry.objects.visible_to(request.user).in_subtree(org).select_related(*ENTRY_RELATED)
    start, end = _date(request.GET.get("start")), _date(request.GET.get("end"))
    if start:
        entries = entries.filter(occurred_on__gte=start)
    if end:
        entries = entries.filter(occurred_on__lte=end)
    kind = request.GET.get("kind") or ""
    if kind in EntryKind.values:
        entries = entries.filter(kind=kind)
    page = paginate(request, entries.order_by("-occurred_on", "-id"))
    return render(
        request,
        "member_points/entry_list.html",
        {"org": org, "page": page, "start": start, "end": end, "kind": kind, "kinds": EntryKind.choices},
    )


def _member(request, pk: int, permission: str = VIEW) -> PartyMember:
    member = (
        PartyMember.objects.visible_to(request.user, permission)
        .select_related("person", "org")
        .filter(pk=pk)
        .first()
    )
    if member is None:
        raise Http404
    return member


@login_required
@require_GET
def member_detail(request, pk: int):
    """A member's points: this month and year, and their entries (newest first)."""
    member = _member(request, pk)
    entries = (
        PointEntry.objects.visible_to(request.user)
        .filter(person_id=member.person_id)
        .select_related(*ENTRY_RELATED)
        .order_by("-occurred_on", "-id")
    )
    return render(
        request,
        "member_points/member_detail.html",
        {
            "member": member,
            "page": paginate(request, entries),
            "totals": person_totals(member.person_id, timezone.localdate()),
            "can_award": services.may_enter(request.user, member.org),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def entry_create(request, pk: int):
    """Award or deduct points by hand to a member, with a reason."""
    member = _member(request, pk, ADD)
    form = AwardForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if run_service(
            form,
            lambda: services.award_points(
                by=request.user,
                member=member,
                points=form.signed_points(),
                reason=data["reason"],
                occurred_on=data["occurred_on"],
            ),
        ):
            messages.success(request, _("The points are entered."))
            return redirect("member_points:member_detail", pk=member.pk)
    return render(request, "member_points/entry_form.html", {"form": form, "member": member})


@login_required
@require_http_methods(["GET", "POST"])
def entry_reverse(request, pk: int):
    """Correct an entry: a reversing entry with a reason (the entry itself stays)."""
    entry = (
        PointEntry.objects.visible_to(request.user, ADD).select_related(*ENTRY_RELATED).filter(pk=pk).first()
    )
    if entry is None:
        raise Http404
    member = PartyMember.objects.filter(person_id=entry.person_id).first()
    form = ReverseForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(
            form, lambda: services.reverse_entry(entry, by=request.user, reason=form.cleaned_data["reason"])
        )
    ):
        messages.success(request, _("The entry is reversed."))
        if member is not None:
            return redirect("member_points:member_detail", pk=member.pk)
        return redirect("member_points:ledger")
    return render(
        request, "member_points/reverse_form.html", {"form": form, "entry": entry, "member": member}
    )


@login_required
@require_GET
def rule_list(request):
    require_any(request.user, VIEW_RULES)
    rules = (
        PointRule.objects.visible_to(request.user)
        .select_related("org")
        .order_by("source_key", "-active_from", "id")
    )
    return render(
        request,
        "member_points/rule_list.html",
        {
            "page": paginate(request, rules),
            "can_add": scope_of(request.user).has_any(CHANGE_RULES),
            "labels": dict(_source_labels()),
        },
    )


def _source_labels():
    from dangjian.member_points.forms import source_choices

    return source_choices()


def _rule_fields(data: dict) -> dict:
    return {name: data.get(name) for name in services.RULE_FIELDS}


@login_required
@require_http_methods(["GET", "POST"])
def rule_create(request):
    require_any(request.user, services.ADD_RULE)
    form = RuleForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        made: list[PointRule] = []
        if run_service(
            form,
            lambda: made.append(services.create_rule(by=request.user, **_rule_fields(form.cleaned_data))),
        ):
            messages.success(request, _("The rule is saved."))
            return redirect("member_points:rule_list")
    return render(request, "member_points/rule_form.html", {"form": form, "rule": None})


@login_required
@require_http_methods(["GET", "POST"])
def rule_edit(request, pk: int):
    rule = PointRule.objects.visible_to(request.user).select_related("org").filter(pk=pk).first()
    if rule is None:
        raise Http404
    if not services.may_manage_rule(request.user, rule.org):
        raise PageForbidden(CHANGE_RULES)
    initial = {**{name: getattr(rule, name) for name in services.RULE_FIELDS}, "version": rule.version}
    form = RuleForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if run_service(
            form,
            lambda: services.update_rule(
                rule, by=request.user, version=data.get("version"), **_rule_fields(data)
            ),
        ):
            messages.success(request, _("The rule is saved."))
            return redirect("member_points:rule_list")
    return render(request, "member_points/rule_form.html", {"form": form, "rule": rule})
