"""Pages of the dues ledger: the branches' overview, the monthly sheet (print, Excel, inline
payments), yearly declarations, the farmer amount, reduction applications and the arrears list.
Querysets go through ``visible_to(user)``; changes through ``dues.services``.
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as PageForbidden
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, Subquery
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from dangjian.core.errors import PermissionDenied, RuleViolation
from dangjian.core.excel import export_workbook, record_export
from dangjian.core.excel_views import attachment, import_page, template_download
from dangjian.core.page_permissions import allowed, require, require_any
from dangjian.core.pagination import paginate
from dangjian.core.reauth import recent_auth_required
from dangjian.dues import services
from dangjian.dues.choices import ReductionState, dues_category_for
from dangjian.dues.figures import in_arrears
from dangjian.dues.forms import (
    DecisionForm,
    DeclarationForm,
    PaymentForm,
    ReductionForm,
    SettingForm,
    parse_month,
)
from dangjian.dues.imports import declaration_spec
from dangjian.dues.ledger import (
    ARREARS_WINDOW_MONTHS,
    LEAVING_STREAK,
    add_months,
    current_month,
    last_due_month,
    ledgers,
)
from dangjian.dues.ledger import arrears_window as window
from dangjian.dues.models import DuesDeclaration, DuesPayment, DuesReduction
from dangjian.dues.rules import FARMER_MINIMUM
from dangjian.dues.sheet import (
    EXPORT_COLUMNS,
    all_rows,
    export_row,
    previous_and_next,
    sheet_members,
    sheet_rows,
    sheet_totals,
)
from dangjian.members.models import PartyMember
from dangjian.orgs.choices import BRANCH_KINDS
from dangjian.orgs.models import Organization

SHEET_PAGE_SIZE = 100


def _org(request, pk: int, permission: str = "dues.view_duespayment") -> Organization:
    org = get_object_or_404(Organization.objects.visible_to(request.user, permission), pk=pk)
    require(request.user, permission, org)
    return org


def _member(request, pk: int, permission: str) -> PartyMember:
    member = get_object_or_404(
        PartyMember.objects.visible_to(request.user, permission).select_related("person", "org"), pk=pk
    )
    require(request.user, permission, member)
    return member


def _month(request) -> datetime.date:
    return parse_month(request.GET.get("month")) or current_month()


def _year(request) -> int:
    text = request.GET.get("year") or ""
    return int(text) if text.isdigit() and 2008 <= int(text) <= 2100 else timezone.localdate().year


def _next_url(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback


def _sheet_url(org: Organization, month) -> str:
    return reverse("dues:sheet", kwargs={"org_pk": org.pk}) + f"?month={month:%Y-%m}"


@login_required
@require_GET
def index(request):
    """The branches in the user's scope with this month's count of payments: the way into the sheets."""
    require_any(request.user, "dues.view_duespayment")
    month = _month(request)
    paid = (
        DuesPayment.objects.filter(member__org=OuterRef("pk"), month=month, member__is_active=True)
        .order_by()
        .values("member__org")
        .annotate(count=Count("id"))
        .values("count")
    )
    branches = (
        Organization.objects.visible_to(request.user, "dues.view_duespayment")
        .filter(kind__in=BRANCH_KINDS, is_active=True)
        .annotate(
            member_count=Count("members", filter=Q(members__is_active=True)),
            paid_count=Subquery(paid, output_field=IntegerField()),
        )
        .order_by("path")
    )
    query = (request.GET.get("q") or "").strip()
    if query:
        branches = branches.filter(name__icontains=query)
    page = paginate(request, branches)
    return render(request, "dues/index.html", {"page": page, "month": month, "query": query})


@login_required
@require_GET
def sheet(request, org_pk: int):
    """The monthly sheet of an organization: amount due, payment and arrears of every member."""
    org = _org(request, org_pk)
    month = _month(request)
    page = paginate(request, sheet_members(org), per_page=SHEET_PAGE_SIZE)
    rows = sheet_rows(page.object_list, month)
    previous_month, next_month = previous_and_next(month)
    return render(
        request,
        "dues/sheet.html",
        {
            "org": org,
            "month": month,
            "page": page,
            "rows": rows,
            "totals": sheet_totals(org, month),
            "page_due": sum((row.due.amount or 0) for row in rows if row.due.owed),
            "page_paid": sum(row.payment.amount_paid for row in rows if row.payment),
            "previous_month": previous_month,
            "next_month": next_month,
            "can_pay": allowed(request.user, "dues.add_duespayment", org),
            "can_declare": allowed(request.user, "dues.add_duesdeclaration", org),
            "farmer_amount": services.farmer_amount(org),
            "leaving_streak": LEAVING_STREAK,
            "methods": PaymentForm.base_fields["method"].choices,
            "today": timezone.localdate(),
        },
    )


@login_required
@require_GET
@recent_auth_required
def sheet_export(request, org_pk: int):
    """The sheet of the month as an Excel workbook (every member, not only the page); audited."""
    org = _org(request, org_pk)
    month = _month(request)
    title = _("Dues sheet")
    file_name = f"{org.name}-{title}-{month:%Y%m}.xlsx"
    counter: list[int] = []
    content = export_workbook(
        EXPORT_COLUMNS, (export_row(row) for row in all_rows(org, month)), title=title, counter=counter
    )
    record_export(
        title,
        by=request.user,
        filters={"org": org.pk, "month": f"{month:%Y-%m}"},
        count=counter[0],
        file_name=file_name,
    )
    return attachment(content, file_name)


@login_required
def payment_create(request, member_pk: int):
    """Record one month's dues of a member (the sheet posts its inline rows here)."""
    member = _member(request, member_pk, "dues.add_duespayment")
    month = parse_month(request.GET.get("month")) or current_month()
    fallback = _sheet_url(member.org, month)
    due = services.amount_due(member, month)
    initial = {"month": month, "amount_paid": due.amount, "paid_on": timezone.localdate()}
    form = PaymentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            payment = services.record_payment(member, by=request.user, **data)
        except PermissionDenied as error:
            raise PageForbidden(error.message) from error
        except RuleViolation as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(
                request,
                _("Recorded %(amount)s yuan of %(name)s for %(month)s.")
                % {"amount": payment.amount_paid, "name": member, "month": f"{payment.month:%Y-%m}"},
            )
            return redirect(_next_url(request, _sheet_url(member.org, payment.month)))
    return render(
        request,
        "dues/payment_form.html",
        {"form": form, "member": member, "due": due, "month": month, "next": _next_url(request, fallback)},
    )


@login_required
@require_GET
def declaration_list(request, org_pk: int):
    """The year's declarations of an organization's members; members without one are listed too."""
    org = _org(request, org_pk, "dues.view_duesdeclaration")
    year = _year(request)
    members = sheet_members(org).prefetch_related(
        Prefetch(
            "dues_declarations",
            queryset=DuesDeclaration.objects.filter(year=year).select_related("recorded_by"),
            to_attr="declarations_of_year",
        )
    )
    missing = only_missing = request.GET.get("missing") == "1"
    if only_missing:
        members = members.exclude(dues_declarations__year=year)
    page = paginate(request, members)
    rows = [(member, (member.declarations_of_year or [None])[0]) for member in page]
    return render(
        request,
        "dues/declaration_list.html",
        {
            "org": org,
            "year": year,
            "page": page,
            "rows": rows,
            "missing": missing,
            "can_declare": allowed(request.user, "dues.add_duesdeclaration", org),
            "can_set": allowed(request.user, "dues.change_duessetting", org),
            "farmer_amount": services.farmer_amount(org),
        },
    )


@login_required
def declaration_create(request, member_pk: int):
    """Declare (or correct) a member's monthly base of a year; the amount follows 中组发〔2008〕3号."""
    member = _member(request, member_pk, "dues.add_duesdeclaration")
    year = _year(request)
    existing = DuesDeclaration.objects.filter(member=member, year=year).first()
    initial = {
        "year": year,
        "category": existing.category if existing else dues_category_for(member.category),
        "base": existing.base if existing else None,
        "declared_on": timezone.localdate(),
    }
    form = DeclarationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            declaration = services.declare_base(member, by=request.user, **form.cleaned_data)
        except PermissionDenied as error:
            raise PageForbidden(error.message) from error
        except RuleViolation as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(
                request,
                _("Declared for %(year)s: %(amount)s yuan a month.")
                % {"year": declaration.year, "amount": declaration.monthly_amount},
            )
            fallback = (
                reverse("dues:declaration_list", kwargs={"org_pk": member.org_id})
                + f"?year={declaration.year}"
            )
            return redirect(_next_url(request, fallback))
    return render(
        request,
        "dues/declaration_form.html",
        {"form": form, "member": member, "existing": existing, "year": year},
    )


@login_required
def declaration_import(request, org_pk: int):
    """Import a year's declarations from Excel (dry run first, all or nothing)."""
    org = _org(request, org_pk, "dues.add_duesdeclaration")
    return import_page(
        request,
        declaration_spec(org),
        template_url=reverse("dues:declaration_import_template", kwargs={"org_pk": org.pk}),
        done_url=reverse("dues:declaration_list", kwargs={"org_pk": org.pk}),
        breadcrumbs=[
            (reverse("dues:index"), _("Party dues")),
            (reverse("dues:declaration_list", kwargs={"org_pk": org.pk}), org.name),
        ],
    )


@login_required
@require_GET
def declaration_import_template(request, org_pk: int):
    """The empty declarations workbook, with the categories as a drop-down."""
    org = _org(request, org_pk, "dues.add_duesdeclaration")
    return template_download(declaration_spec(org))


@login_required
def setting_edit(request, org_pk: int):
    """The branch sets what its farmer members pay each month (0.2 to 1 yuan)."""
    org = _org(request, org_pk, "dues.change_duessetting")
    current = services.farmer_amount(org)
    form = SettingForm(request.POST or None, initial={"farmer_amount": current or FARMER_MINIMUM})
    if request.method == "POST" and form.is_valid():
        try:
            services.set_farmer_amount(org, form.cleaned_data["farmer_amount"], by=request.user)
        except PermissionDenied as error:
            raise PageForbidden(error.message) from error
        except RuleViolation as error:
            form.add_error("farmer_amount", error.message)
        else:
            messages.success(request, _("Saved the dues settings of %(org)s.") % {"org": org.name})
            return redirect("dues:declaration_list", org_pk=org.pk)
    return render(request, "dues/setting_form.html", {"form": form, "org": org, "current": current})


@login_required
@require_GET
def reduction_list(request):
    """Reduction and waiver applications in the user's scope, open ones first."""
    require_any(request.user, "dues.view_duesreduction")
    reductions = DuesReduction.objects.visible_to(request.user).select_related(
        "member__person", "member__org", "decided_by"
    )
    state = request.GET.get("state") or ""
    if state in ReductionState.values:
        reductions = reductions.filter(state=state)
    page = paginate(request, reductions.order_by("-requested_at", "-id"))
    return render(
        request,
        "dues/reduction_list.html",
        {"page": page, "state": state, "states": ReductionState.choices},
    )


@login_required
def reduction_create(request, member_pk: int):
    """Record a member's application to pay less or nothing for some months."""
    member = _member(request, member_pk, "dues.add_duesreduction")
    month = current_month()
    form = ReductionForm(request.POST or None, initial={"from_month": month, "to_month": month})
    if request.method == "POST" and form.is_valid():
        try:
            services.request_reduction(member, by=request.user, **form.cleaned_data)
        except PermissionDenied as error:
            raise PageForbidden(error.message) from error
        except RuleViolation as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("The application of %(name)s is recorded.") % {"name": member})
            return redirect("dues:reduction_list")
    return render(request, "dues/reduction_form.html", {"form": form, "member": member})


@login_required
def reduction_decide(request, pk: int):
    """Approve or reject an application (the approval changes what is due)."""
    reduction = get_object_or_404(
        DuesReduction.objects.visible_to(request.user).select_related("member__person", "member__org"), pk=pk
    )
    require(request.user, "dues.change_duesreduction", reduction)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        decide = (
            services.approve_reduction
            if form.cleaned_data["decision"] == "approve"
            else services.reject_reduction
        )
        try:
            decide(reduction, by=request.user, note=form.cleaned_data["note"])
        except PermissionDenied as error:
            raise PageForbidden(error.message) from error
        except RuleViolation as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("The decision is recorded."))
            return redirect("dues:reduction_list")
    return render(
        request,
        "dues/reduction_decide.html",
        {"form": form, "reduction": reduction, "approver": services.approving_org(reduction.member.org)},
    )


@login_required
@require_GET
def arrears_list(request):
    """Members of an organization's subtree whose last month that is over is unpaid; the six
    months' cases first (党章第九条), with their months in arrears."""
    require_any(request.user, "dues.view_duespayment")
    members = PartyMember.objects.visible_to(request.user, "dues.view_duespayment").select_related(
        "person", "org"
    )
    org = None
    org_pk = request.GET.get("org") or ""
    if org_pk.isdigit():
        org = _org(request, int(org_pk))
        members = members.filter(org__path__startswith=org.path)
    six = request.GET.get("six") == "1"
    latest = last_due_month()
    month = min(parse_month(request.GET.get("month")) or latest, latest)
    members = in_arrears(members, month, six=six)
    page = paginate(request, members.order_by("org__path", "person__name_pinyin", "id"))
    first, last = window(add_months(month, 1))
    books = ledgers(page.object_list, first=first, last=last)
    rows = [
        {
            "member": member,
            "unpaid": books[member.pk].unpaid_months(last),
            "streak": books[member.pk].unpaid_streak(last),
        }
        for member in page
    ]
    return render(
        request,
        "dues/arrears_list.html",
        {
            "page": page,
            "rows": rows,
            "org": org,
            "six": six,
            "leaving_streak": LEAVING_STREAK,
            "window_months": ARREARS_WINDOW_MONTHS,
            "last_month": last,
        },
    )
