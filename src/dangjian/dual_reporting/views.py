"""Pages of 双报到: the community's view (who reported, what they claimed and served, paired
units, feedback per year), the unit's view (what my members and my organization did in
communities), 我要报到 for members, and the forms for reports, pairings, claims, service logs
and the yearly feedback. Querysets go through ``visible_to(user)``; changes through ``services``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as PageForbidden
from django.db.models import Count, DecimalField, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from dangjian.core.errors import PermissionDenied, RuleViolation
from dangjian.core.models import Person
from dangjian.core.pagination import paginate
from dangjian.core.scoping import scope_of
from dangjian.dual_reporting import services
from dangjian.dual_reporting.choices import ClaimState, FeedbackRating, ReportState
from dangjian.dual_reporting.figures import reported_q
from dangjian.dual_reporting.forms import (
    ClaimForm,
    EndForm,
    FeedbackForm,
    MemberPickForm,
    OfferFields,
    PairingForm,
    SelfReportForm,
    ServiceLogForm,
    UnitPickForm,
    default_feedback_year,
)
from dangjian.dual_reporting.models import Claim, MemberReport, ServiceLog, UnitPairing, YearlyFeedback
from dangjian.members.models import PartyMember
from dangjian.orgs.choices import AreaKind
from dangjian.orgs.models import Area, Organization

VIEW = "dual_reporting.view_memberreport"
SEARCH_LIMIT = 20
REPORT_RELATED = ["member__person", "member__org", "community", "community_org"]
PAIRING_RELATED = ["unit_org", "community", "community_org"]


# --- helpers ----------------------------------------------------------------------------------


def _allowed_on(user, permission: str, *, org_path: str | None = None, area_path: str | None = None) -> bool:
    return scope_of(user).has_perm(permission, org_path=org_path or None, area_path=area_path or None)


def _year(request) -> int:
    try:
        year = int(request.GET.get("year") or 0)
    except ValueError:
        year = 0
    this_year = timezone.localdate().year
    return year if 2000 <= year <= this_year else this_year


def _totals(queryset: QuerySet, side: str, year: int) -> QuerySet:
    """Claims, hours served in ``year`` and the feedback of ``year``, as subqueries (fixed cost)."""
    logs = (
        ServiceLog.objects.filter(**{side: OuterRef("pk")}, served_on__year=year)
        .order_by()
        .values(side)
        .annotate(total=Sum("hours"))
        .values("total")
    )
    claims = (
        Claim.objects.filter(**{side: OuterRef("pk")})
        .exclude(state=ClaimState.CANCELLED)
        .order_by()
        .values(side)
        .annotate(total=Count("pk"))
        .values("total")
    )
    feedback = YearlyFeedback.objects.filter(**{side: OuterRef("pk")}, year=year).values("rating")[:1]
    return queryset.annotate(
        hours_in_year=Coalesce(
            Subquery(logs), Value(0), output_field=DecimalField(max_digits=8, decimal_places=1)
        ),
        claim_count=Coalesce(Subquery(claims), Value(0), output_field=IntegerField()),
        feedback_rating=Subquery(feedback),
    )


def _labelled(page):
    """Give rows annotated by ``_totals`` the label of their feedback rating."""
    labels = dict(FeedbackRating.choices)
    for row in page:
        row.feedback_label = labels.get(getattr(row, "feedback_rating", None) or "", "")
    return page


def _report(request, pk: int) -> MemberReport:
    """A report the user may see: in scope with the view permission, or their own."""
    user = request.user
    report = MemberReport.objects.select_related(*REPORT_RELATED).filter(pk=pk).first()
    if report is None:
        raise Http404
    if services.is_self_service(user, report):
        return report
    if not MemberReport.objects.visible_to(user).filter(pk=pk).exists():
        raise Http404
    if not services.may(user, VIEW, report):
        raise PageForbidden(VIEW)
    return report


def _pairing(request, pk: int) -> UnitPairing:
    pairing = get_object_or_404(
        UnitPairing.objects.visible_to(request.user).select_related(*PAIRING_RELATED), pk=pk
    )
    if not services.may(request.user, "dual_reporting.view_unitpairing", pairing):
        raise PageForbidden("dual_reporting.view_unitpairing")
    return pairing


def _subject(request, kind: str, pk: int):
    return _report(request, pk) if kind == "report" else _pairing(request, pk)


def _require(user, permission: str, subject, *, self_service: bool = False) -> None:
    if not services.may(user, permission, subject, self_service=self_service):
        raise PageForbidden(permission)


def _require_community(user, permission: str, subject) -> None:
    if not services.may_as_community(user, permission, subject):
        raise PageForbidden(permission)


def _apply(form, call) -> object | None:
    """Run a service call; a refused rule becomes a form error (None), a missing right a 403."""
    try:
        return call()
    except PermissionDenied as error:
        raise PageForbidden(error.message) from error
    except RuleViolation as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return None


def _detail(subject):
    if isinstance(subject, MemberReport):
        return redirect("dual_reporting:report_detail", pk=subject.pk)
    return redirect("dual_reporting:pairing_detail", pk=subject.pk)


# --- overview pages ---------------------------------------------------------------------------


@login_required
@require_GET
def index(request):
    """Entry page: the communities and units in the user's scope, and the member's own reports."""
    user = request.user
    scope = scope_of(user)
    member = services.own_member(user)
    if not scope.has_any(VIEW) and member is None:
        raise PageForbidden(VIEW)
    communities = None
    units: list[Organization] = []
    if scope.has_any(VIEW):
        active_reports = (
            MemberReport.objects.filter(community=OuterRef("pk"), state=ReportState.ACTIVE)
            .order_by()
            .values("community")
            .annotate(total=Count("pk"))
            .values("total")
        )
        active_pairings = (
            UnitPairing.objects.filter(community=OuterRef("pk"), state=ReportState.ACTIVE)
            .order_by()
            .values("community")
            .annotate(total=Count("pk"))
            .values("total")
        )
        communities = paginate(
            request,
            Area.objects.visible_to(user)
            .filter(kind=AreaKind.COMMUNITY)
            .annotate(
                report_count=Coalesce(Subquery(active_reports), Value(0), output_field=IntegerField()),
                pairing_count=Coalesce(Subquery(active_pairings), Value(0), output_field=IntegerField()),
            )
            .order_by("path"),
        )
        if not scope.is_global:
            units = list(Organization.objects.filter(path__in=scope.org_paths).order_by("path"))
    return render(
        request,
        "dual_reporting/index.html",
        {"page": communities, "units": units, "member": member},
    )


@login_required
@require_GET
def community(request, pk: int):
    """A community's 双报到 ledger: members who reported, paired units, claims; hours of one year."""
    user = request.user
    area = get_object_or_404(Area.objects.visible_to(user).filter(kind=AreaKind.COMMUNITY), pk=pk)
    community_org = services.community_org_of(area)
    org_path = community_org.path if community_org else None
    if not _allowed_on(user, VIEW, area_path=area.path, org_path=org_path):
        raise PageForbidden(VIEW)
    year = _year(request)
    tab = request.GET.get("tab") or "reports"
    state = request.GET.get("state") or ReportState.ACTIVE
    if tab == "pairings":
        rows = _totals(
            UnitPairing.objects.visible_to(user).filter(community=area).select_related("unit_org"),
            "pairing",
            year,
        )
    elif tab == "claims":
        rows = (
            Claim.objects.visible_to(user)
            .filter(Q(report__community=area) | Q(pairing__community=area))
            .select_related("report__member__person", "report__member__org", "pairing__unit_org")
            .order_by("-claimed_on", "-id")
        )
        state = ""
    else:
        tab = "reports"
        rows = _totals(
            MemberReport.objects.visible_to(user)
            .filter(community=area)
            .select_related("member__person", "member__org"),
            "report",
            year,
        ).order_by("member__person__name_pinyin", "id")
    if state in ReportState.values:
        rows = rows.filter(state=state)
    page = _labelled(paginate(request, rows))
    return render(
        request,
        "dual_reporting/community.html",
        {
            "area": area,
            "community_org": community_org,
            "page": page,
            "tab": tab,
            "year": year,
            "state": state,
            "years": range(timezone.localdate().year, timezone.localdate().year - 5, -1),
            "can_report": _allowed_on(
                user, "dual_reporting.add_memberreport", area_path=area.path, org_path=org_path
            ),
            "can_pair": _allowed_on(
                user, "dual_reporting.add_unitpairing", area_path=area.path, org_path=org_path
            ),
            "can_feedback": _allowed_on(
                user, "dual_reporting.add_yearlyfeedback", area_path=area.path, org_path=org_path
            ),
        },
    )


@login_required
@require_GET
def unit(request, pk: int):
    """A unit's side: where its members reported, what they claimed and served; its pairings."""
    user = request.user
    org = get_object_or_404(Organization.objects.visible_to(user), pk=pk)
    if not _allowed_on(user, VIEW, org_path=org.path):
        raise PageForbidden(VIEW)
    year = _year(request)
    tab = request.GET.get("tab") or "reports"
    if tab == "pairings":
        rows = _totals(
            UnitPairing.objects.visible_to(user)
            .filter(unit_org__path__startswith=org.path)
            .select_related("unit_org", "community"),
            "pairing",
            year,
        )
    elif tab == "logs":
        rows = (
            ServiceLog.objects.visible_to(user)
            .filter(
                Q(report__member__org__path__startswith=org.path)
                | Q(pairing__unit_org__path__startswith=org.path)
            )
            .select_related(
                "report__member__person", "report__community", "pairing__unit_org", "pairing__community"
            )
            .order_by("-served_on", "-id")
        )
    else:
        tab = "reports"
        rows = _totals(
            MemberReport.objects.visible_to(user)
            .filter(reported_q(org))
            .select_related("member__person", "member__org", "community"),
            "report",
            year,
        ).order_by("member__person__name_pinyin", "id")
    page = _labelled(paginate(request, rows))
    return render(
        request,
        "dual_reporting/unit.html",
        {
            "org": org,
            "page": page,
            "tab": tab,
            "year": year,
            "years": range(timezone.localdate().year, timezone.localdate().year - 5, -1),
        },
    )


# --- reports ----------------------------------------------------------------------------------


@login_required
def report_self(request):
    """我要报到: a member reports to the community of their home, and sees their reports."""
    user = request.user
    member = services.own_member(user)
    if member is None:
        raise PageForbidden(_("Only party members can report themselves."))
    # The party_member role's report_self, or staff rights over the member's own organization.
    scope = scope_of(user)
    if not (
        scope.has_any(services.SELF_SERVICE)
        or scope.has_perm("dual_reporting.add_memberreport", org_path=member.org.path)
    ):
        raise PageForbidden(services.SELF_SERVICE)
    reports = list(
        MemberReport.objects.filter(member=member)
        .select_related("community", "community_org")
        .order_by("-reported_on")[:20]
    )
    active = next((report for report in reports if report.is_active), None)
    home = services.residential_community(member) if active is None else None
    form = SelfReportForm(request.POST or None)
    if request.method == "POST" and active is None and form.is_valid():
        report = _apply(form, lambda: services.report_member(member, by=user, **form.service_fields()))
        if report is not None:
            messages.success(
                request, _("You have reported to %(community)s.") % {"community": report.community.name}
            )
            return redirect("dual_reporting:report_detail", pk=report.pk)
    return render(
        request,
        "dual_reporting/report_self.html",
        {"member": member, "reports": reports, "active": active, "home": home, "form": form},
    )


@login_required
def report_create(request, pk: int):
    """Staff record a member's report to this community (found by search among members they see
    and residents of the community)."""
    user = request.user
    area = get_object_or_404(Area.objects.visible_to(user).filter(kind=AreaKind.COMMUNITY), pk=pk)
    community_org = services.community_org_of(area)
    org_path = community_org.path if community_org else None
    if not _allowed_on(user, "dual_reporting.add_memberreport", area_path=area.path, org_path=org_path):
        raise PageForbidden("dual_reporting.add_memberreport")
    members = PartyMember.objects.filter(
        Q(pk__in=PartyMember.objects.visible_to(user).values("pk"))
        | Q(person__residences__area__path__startswith=area.path, person__residences__is_current=True),
        is_active=True,
    ).distinct()
    picker = MemberPickForm(request.POST or None, members=members)
    form = OfferFields(request.POST or None)
    if request.method == "POST" and all([picker.is_valid(), form.is_valid()]):
        report = _apply(
            form,
            lambda: services.report_member(
                picker.cleaned_data["member"],
                area,
                by=user,
                community_org=community_org,
                **form.service_fields(),
            ),
        )
        if report is not None:
            messages.success(
                request,
                _("%(name)s reported to %(community)s.") % {"name": report.member, "community": area.name},
            )
            return redirect("dual_reporting:report_detail", pk=report.pk)
    query = (request.GET.get("q") or "").strip()
    candidates: list[PartyMember] = []
    if query:
        found = Person.objects.search(query).values("pk")
        candidates = list(members.filter(person__in=found).select_related("person", "org")[:SEARCH_LIMIT])
    elif request.method == "POST" and str(picker.data.get("member") or "").isdigit():
        candidates = list(members.filter(pk=picker.data["member"]).select_related("person", "org")[:1])
    options = [(m.pk, m.person.name, f"{m.org.name} · {m.get_category_display()}") for m in candidates]
    return render(
        request,
        "dual_reporting/report_form.html",
        {
            "area": area,
            "form": form,
            "options": options,
            "query": query,
            "chosen": str(picker.data.get("member") or ""),
            "picker": picker,
        },
    )


@login_required
@require_GET
def report_detail(request, pk: int):
    """One member's report: what they offered, claimed and served, and the yearly feedback."""
    report = _report(request, pk)
    return _subject_page(request, report, "dual_reporting/report_detail.html")


def _subject_page(request, subject, template: str):
    user = request.user
    side = "report" if isinstance(subject, MemberReport) else "pairing"
    claims = list(Claim.objects.filter(**{side: subject}).order_by("-claimed_on", "-id")[:50])
    logs = paginate(
        request,
        ServiceLog.objects.filter(**{side: subject})
        .select_related("confirmed_by", "claim")
        .order_by("-served_on", "-id"),
    )
    feedback = list(
        YearlyFeedback.objects.filter(**{side: subject}).select_related("to_org").order_by("-year")
    )
    year = timezone.localdate().year
    hours = ServiceLog.objects.filter(**{side: subject}, served_on__year=year).aggregate(total=Sum("hours"))[
        "total"
    ]
    is_self = services.is_self_service(user, subject)
    return render(
        request,
        template,
        {
            "subject": subject,
            "side": side,
            "claims": claims,
            "page": logs,
            "feedback": feedback,
            "year": year,
            "hours_this_year": hours or 0,
            "is_self": is_self,
            "can_claim": subject.is_active
            and services.may(user, "dual_reporting.add_claim", subject, self_service=True),
            "can_change_claim": services.may(user, "dual_reporting.change_claim", subject, self_service=True),
            "can_log": subject.is_active
            and services.may(user, "dual_reporting.add_servicelog", subject, self_service=True),
            "can_confirm": services.may_as_community(user, "dual_reporting.change_servicelog", subject),
            "can_feedback": services.may_as_community(user, "dual_reporting.add_yearlyfeedback", subject),
            "can_end": subject.is_active
            and services.may(
                user,
                f"dual_reporting.change_{'memberreport' if side == 'report' else 'unitpairing'}",
                subject,
                self_service=side == "report",
            ),
        },
    )


@login_required
def report_end(request, pk: int):
    """End a report after confirmation (moved house, changed work); the history stays."""
    report = _report(request, pk)
    _require(request.user, "dual_reporting.change_memberreport", report, self_service=True)
    form = EndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = _apply(
            form, lambda: services.end_report(report, by=request.user, ended_on=form.cleaned_data["ended_on"])
        )
        if done is not None:
            messages.success(request, _("The report has ended."))
            return redirect("dual_reporting:report_detail", pk=report.pk)
    return render(
        request, "dual_reporting/end_form.html", {"subject": report, "form": form, "side": "report"}
    )


# --- pairings ---------------------------------------------------------------------------------


@login_required
def pairing_create(request, pk: int):
    """Pair a unit's party organization with this community (共建单位); the unit is found by name."""
    user = request.user
    area = get_object_or_404(Area.objects.visible_to(user).filter(kind=AreaKind.COMMUNITY), pk=pk)
    community_org = services.community_org_of(area)
    org_path = community_org.path if community_org else None
    if not _allowed_on(user, "dual_reporting.add_unitpairing", area_path=area.path, org_path=org_path):
        raise PageForbidden("dual_reporting.add_unitpairing")
    # Any active organization may pair: units usually sit outside the community's subtree.
    orgs = Organization.objects.filter(is_active=True)
    picker = UnitPickForm(request.POST or None, orgs=orgs)
    form = PairingForm(request.POST or None)
    if request.method == "POST" and all([picker.is_valid(), form.is_valid()]):
        data = form.cleaned_data
        pairing = _apply(
            form,
            lambda: services.pair_unit(
                picker.cleaned_data["unit_org"],
                area,
                by=user,
                since=data["since"],
                until=data["until"],
                agreement=data["agreement"],
                community_org=community_org,
            ),
        )
        if pairing is not None:
            messages.success(
                request,
                _("%(org)s is paired with %(community)s.")
                % {"org": pairing.unit_org.name, "community": area.name},
            )
            return redirect("dual_reporting:pairing_detail", pk=pairing.pk)
    query = (request.GET.get("q") or "").strip()
    candidates: list[Organization] = []
    if query:
        candidates = list(
            orgs.filter(Q(name__icontains=query) | Q(code__iexact=query)).order_by("path")[:SEARCH_LIMIT]
        )
    elif request.method == "POST" and str(picker.data.get("unit_org") or "").isdigit():
        candidates = list(orgs.filter(pk=picker.data["unit_org"])[:1])
    options = [(org.pk, org.name, org.code) for org in candidates]
    return render(
        request,
        "dual_reporting/pairing_form.html",
        {
            "area": area,
            "form": form,
            "options": options,
            "query": query,
            "chosen": str(picker.data.get("unit_org") or ""),
            "picker": picker,
        },
    )


@login_required
@require_GET
def pairing_detail(request, pk: int):
    pairing = _pairing(request, pk)
    return _subject_page(request, pairing, "dual_reporting/pairing_detail.html")


@login_required
def pairing_end(request, pk: int):
    pairing = _pairing(request, pk)
    _require(request.user, "dual_reporting.change_unitpairing", pairing)
    form = EndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = _apply(
            form, lambda: services.end_pairing(pairing, by=request.user, until=form.cleaned_data["ended_on"])
        )
        if done is not None:
            messages.success(request, _("The pairing has ended."))
            return redirect("dual_reporting:pairing_detail", pk=pairing.pk)
    return render(
        request, "dual_reporting/end_form.html", {"subject": pairing, "form": form, "side": "pairing"}
    )


# --- claims, logs, feedback ------------------------------------------------------------------


@login_required
def claim_create(request, pk: int, kind: str):
    """Record a claim (a post, project or resident need) on a report or a pairing."""
    subject = _subject(request, kind, pk)
    _require(request.user, "dual_reporting.add_claim", subject, self_service=True)
    form = ClaimForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        claim = _apply(form, lambda: services.add_claim(subject, by=request.user, **form.cleaned_data))
        if claim is not None:
            messages.success(request, _("Claimed “%(title)s”.") % {"title": claim.title})
            return _detail(subject)
    return render(
        request,
        "dual_reporting/subject_form.html",
        {"subject": subject, "form": form, "heading": _("Add a claim")},
    )


@login_required
def claim_state(request, pk: int):
    """Mark a claim done or cancelled, after confirmation (``?state=done|cancelled``)."""
    claim = _own_claim(request, pk) or get_object_or_404(
        Claim.objects.visible_to(request.user).select_related(
            "report__member__person",
            "report__member__org",
            "report__community",
            "report__community_org",
            "pairing__unit_org",
            "pairing__community",
            "pairing__community_org",
        ),
        pk=pk,
    )
    subject = claim.subject
    _require(request.user, "dual_reporting.change_claim", subject, self_service=True)
    state = request.POST.get("state") or request.GET.get("state") or ClaimState.DONE
    if state not in (ClaimState.DONE, ClaimState.CANCELLED):
        state = ClaimState.DONE
    error = None
    if request.method == "POST":
        try:
            services.set_claim_state(claim, state, by=request.user)
        except PermissionDenied as refusal:
            raise PageForbidden(refusal.message) from refusal
        except RuleViolation as refusal:
            error = refusal.message
        else:
            messages.success(request, _("Saved."))
            return _detail(subject)
    return render(
        request,
        "dual_reporting/claim_state.html",
        {
            "claim": claim,
            "subject": subject,
            "state": state,
            "state_label": ClaimState(state).label,
            "error": error,
        },
    )


def _own_claim(request, pk: int) -> Claim | None:
    person_id = getattr(request.user, "person_id", None)
    if not person_id:
        return None
    return (
        Claim.objects.filter(pk=pk, report__member__person_id=person_id)
        .select_related(
            "report__member__person", "report__member__org", "report__community", "report__community_org"
        )
        .first()
    )


@login_required
def log_create(request, pk: int, kind: str):
    """Log a day's service (hours, what was done) on a report or a pairing."""
    subject = _subject(request, kind, pk)
    _require(request.user, "dual_reporting.add_servicelog", subject, self_service=True)
    side = "report" if kind == "report" else "pairing"
    claims = Claim.objects.filter(**{side: subject}, state=ClaimState.CLAIMED).order_by("-claimed_on")[:50]
    form = ServiceLogForm(request.POST or None, claims=claims)
    if request.method == "POST" and form.is_valid():
        log = _apply(form, lambda: services.log_service(subject, by=request.user, **form.service_fields()))
        if log is not None:
            messages.success(request, _("Logged %(hours)s hours of service.") % {"hours": log.hours})
            return _detail(subject)
    return render(
        request,
        "dual_reporting/subject_form.html",
        {"subject": subject, "form": form, "heading": _("Log service")},
    )


@login_required
def log_confirm(request, pk: int):
    """The community's staff confirm a service log, after confirmation."""
    log = get_object_or_404(ServiceLog.objects.visible_to(request.user), pk=pk)
    subject = _subject(request, "report" if log.report_id else "pairing", log.report_id or log.pairing_id)
    _require_community(request.user, "dual_reporting.change_servicelog", subject)
    error = None
    if request.method == "POST":
        try:
            services.confirm_log(log, by=request.user)
        except PermissionDenied as refusal:
            raise PageForbidden(refusal.message) from refusal
        except RuleViolation as refusal:
            error = refusal.message
        else:
            messages.success(request, _("Service log confirmed."))
            return _detail(subject)
    return render(
        request, "dual_reporting/log_confirm.html", {"log": log, "subject": subject, "error": error}
    )


@login_required
def feedback_create(request, pk: int, kind: str):
    """The community's yearly feedback on a member or a unit, sent to the unit's organization."""
    subject = _subject(request, kind, pk)
    _require_community(request.user, "dual_reporting.add_yearlyfeedback", subject)
    year = request.GET.get("year")
    form = FeedbackForm(
        request.POST or None,
        initial={"year": int(year) if (year or "").isdigit() else default_feedback_year()},
    )
    if request.method == "POST" and form.is_valid():
        feedback = _apply(form, lambda: services.send_feedback(subject, by=request.user, **form.cleaned_data))
        if feedback is not None:
            messages.success(
                request,
                _("The %(year)s feedback was sent to %(org)s.")
                % {"year": feedback.year, "org": feedback.to_org.name},
            )
            return _detail(subject)
    return render(
        request,
        "dual_reporting/subject_form.html",
        {
            "subject": subject,
            "form": form,
            "heading": _("Send the yearly feedback"),
            "to_org": subject.unit_org,
        },
    )
