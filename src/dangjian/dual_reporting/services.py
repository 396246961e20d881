"""State changes of 双报到: reporting, pairing, claims, service logs and the yearly feedback.

Who may do what:

- a member reports **themself** (self-service, by identity: the user's person is the member)
  when their roles hold ``dual_reporting.report_self`` anywhere — the party_member role has it —
  and then claims and logs service on their own report; staff report, claim and log with
  ``add_*`` permissions over either side (the member's unit organization or the community);
- only the **community side** (its area subtree, or its party organization) confirms a log
  and sends the yearly feedback: it is the community's word on the unit.

Every function checks the permission, applies the rule (RuleViolation naming it), writes the
change and its audit line in one transaction.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from dangjian.core import audit, notifications
from dangjian.core.choices import AuditAction
from dangjian.core.errors import PermissionDenied, RuleViolation
from dangjian.core.scoping import check_perm, scope_of
from dangjian.dual_reporting.choices import ClaimKind, ClaimState, FeedbackRating, ReportState
from dangjian.dual_reporting.models import Claim, MemberReport, ServiceLog, UnitPairing, YearlyFeedback
from dangjian.dual_reporting.signals import service_log_confirmed
from dangjian.members.choices import MemberCategory
from dangjian.members.models import PartyMember, Resident
from dangjian.orgs.choices import AreaKind
from dangjian.orgs.models import Area, Organization

SELF_SERVICE = "dual_reporting.report_self"
# One log is one day's service; more than this is a typing mistake, not a long day.
MAX_HOURS_PER_LOG = Decimal("24")
FEEDBACK_NOTIFICATION = "dual_reporting.feedback"

Subject = MemberReport | UnitPairing


# --- where a member lives -------------------------------------------------------------------


def community_containing(area: Area) -> Area | None:
    """The community (社区) an area lies in: the area itself or its ancestor of kind community."""
    if area.kind == AreaKind.COMMUNITY:
        return area
    prefixes = [area.path[:end] for end in range(area.steplen, len(area.path), area.steplen)]
    return Area.objects.filter(path__in=prefixes, kind=AreaKind.COMMUNITY).first()


def residential_community(member: PartyMember) -> Area | None:
    """The community of the member's current home (members.Resident), if recorded."""
    home = Resident.objects.filter(person_id=member.person_id, is_current=True).select_related("area").first()
    return community_containing(home.area) if home is not None else None


def community_org_of(community: Area) -> Organization | None:
    """The party organization of a community: the highest active one whose jurisdiction it is."""
    return (
        Organization.objects.filter(jurisdiction=community, is_active=True).order_by("depth", "path").first()
    )


def own_member(user) -> PartyMember | None:
    """The party membership of the logged-in user's person, if any."""
    if user is None or not getattr(user, "person_id", None):
        return None
    # Asked by the menu and the pages of one request: read once per request (the user object).
    memo = user.__dict__.setdefault("_dual_reporting_own_member", {})
    if "member" not in memo:
        memo["member"] = PartyMember.objects.filter(person_id=user.person_id).select_related("org").first()
    return memo["member"]


# --- permissions ------------------------------------------------------------------------------


def may_report_self(user) -> bool:
    """Whether 我要报到 opens for ``user``: a party member holding report_self, or staff rights
    over their own organization (what ``views.report_self`` asks; the menu asks it too)."""
    member = own_member(user)
    if member is None:
        return False
    scope = scope_of(user)
    return scope.has_any(SELF_SERVICE) or scope.has_perm(
        "dual_reporting.add_memberreport", org_path=member.org.path
    )


def is_self_service(user, subject: Subject) -> bool:
    """Whether ``user`` acts on their own report, with the self-service permission."""
    return (
        isinstance(subject, MemberReport)
        and getattr(user, "person_id", None) is not None
        and subject.member.person_id == user.person_id
        and scope_of(user).has_any(SELF_SERVICE)
    )


def may(user, permission: str, subject: Subject, *, self_service: bool = False) -> bool:
    """Whether ``user`` holds ``permission`` over either side of ``subject`` (or acts on their own)."""
    if self_service and is_self_service(user, subject):
        return True
    org_path, area_path = subject.audit_scope_paths()
    return scope_of(user).has_perm(permission, org_path=org_path or None, area_path=area_path or None)


def may_as_community(user, permission: str, subject: Subject) -> bool:
    """Whether ``user`` holds ``permission`` on the community side of ``subject``."""
    org = subject.community_org
    return scope_of(user).has_perm(
        permission, area_path=subject.community.path, org_path=org.path if org is not None else None
    )


def _check(user, permission: str, subject: Subject, *, self_service: bool = False) -> None:
    if self_service and is_self_service(user, subject):
        return
    check_perm(user, permission, subject)


def _check_community(user, permission: str, subject: Subject) -> None:
    if not may_as_community(user, permission, subject):
        raise PermissionDenied(
            gettext("Only the community's staff can do this (the community confirms and gives feedback)."),
            rule="community_side",
        )


# --- rules ------------------------------------------------------------------------------------


def _today() -> datetime.date:
    return timezone.localdate()


def _not_in_future(value: datetime.date, field: str) -> None:
    if value > _today():
        raise RuleViolation(
            gettext("The date %(date)s is in the future; record what has happened.") % {"date": value},
            rule="future_date",
            field=field,
        )


def _require_community(community: Area | None) -> Area:
    if community is None:
        raise RuleViolation(
            gettext(
                "No residential community is recorded for this member; record their home or choose "
                "the community."
            ),
            rule="community_required",
            field="community",
        )
    if community.kind != AreaKind.COMMUNITY:
        raise RuleViolation(
            gettext("“%(name)s” is not a community; 双报到 is to a community (社区).")
            % {"name": community.name},
            rule="community_kind",
            field="community",
        )
    return community


def _require_active(subject: Subject) -> None:
    if subject.state != ReportState.ACTIVE:
        raise RuleViolation(
            gettext("This report or pairing has ended; nothing more can be recorded on it."),
            rule="subject_ended",
        )


def _text(value: str | None) -> str:
    return (value or "").strip()


def _side(subject: Subject) -> dict:
    return {"report": subject} if isinstance(subject, MemberReport) else {"pairing": subject}


def _locked(subject: Subject) -> Subject:
    model = type(subject)
    related = (
        ["member__org", "community", "community_org"]
        if model is MemberReport
        else [
            "unit_org",
            "community",
            "community_org",
        ]
    )
    return model.objects.select_for_update(of=("self",)).select_related(*related).get(pk=subject.pk)


# --- member reports -------------------------------------------------------------------------


def report_member(
    member: PartyMember,
    community: Area | None = None,
    *,
    by,
    reported_on: datetime.date | None = None,
    community_org: Organization | None = None,
    skills: str = "",
    willingness: str = "",
    commitments: str = "",
    confirm_not_employed: bool = False,
) -> MemberReport:
    """Record that ``member`` reported to ``community`` (default: the community of their home).

    双报到 is for in-service (在职) members (DOMAIN.md); another category is refused unless the
    caller confirms it (``confirm_not_employed``) after seeing the warning.
    """
    reported_on = reported_on or _today()
    with transaction.atomic():
        member = PartyMember.objects.select_for_update(of=("self",)).select_related("org").get(pk=member.pk)
        community = _require_community(community or residential_community(member))
        report = MemberReport(
            member=member,
            community=community,
            community_org=community_org or community_org_of(community),
            reported_on=reported_on,
            skills=_text(skills),
            willingness=_text(willingness),
            commitments=_text(commitments),
            created_by=by if getattr(by, "is_authenticated", False) else None,
        )
        _check(by, "dual_reporting.add_memberreport", report, self_service=True)
        if not member.is_active:
            raise RuleViolation(
                gettext("%(name)s is not an active party member.") % {"name": member}, rule="inactive_member"
            )
        if member.category != MemberCategory.EMPLOYED and not confirm_not_employed:
            raise RuleViolation(
                gettext(
                    "双报到 is for in-service (在职) members; %(name)s is registered as “%(category)s”. "
                    "Confirm to record the report anyway."
                )
                % {"name": member, "category": member.get_category_display()},
                rule="employed_only",
                field="confirm_not_employed",
            )
        _not_in_future(reported_on, "reported_on")
        existing = (
            MemberReport.objects.filter(member=member, state=ReportState.ACTIVE)
            .select_related("community")
            .first()
        )
        if existing is not None:
            raise RuleViolation(
                gettext("%(name)s has already reported to %(community)s; end that report first.")
                % {"name": member, "community": existing.community.name},
                rule="one_active_report",
            )
        report.save()
        audit.record(
            AuditAction.CREATE,
            report,
            by=by,
            changes=audit.diff(
                {}, audit.snapshot(report, ["member", "community", "community_org", "reported_on", "state"])
            ),
            note=gettext("Self-service report") if is_self_service(by, report) else "",
        )
    return report


def end_report(report: MemberReport, *, by, ended_on: datetime.date | None = None) -> MemberReport:
    """End a member's report (moved house, changed role); its claims and logs stay as history."""
    ended_on = ended_on or _today()
    with transaction.atomic():
        report = _locked(report)
        _check(by, "dual_reporting.change_memberreport", report, self_service=True)
        _require_active(report)
        if ended_on < report.reported_on:
            raise RuleViolation(
                gettext("A report cannot end before it started (%(date)s).") % {"date": report.reported_on},
                rule="end_before_start",
                field="ended_on",
            )
        report.state = ReportState.ENDED
        report.ended_on = ended_on
        report.save(update_fields=["state", "ended_on"])
        audit.record(
            AuditAction.UPDATE,
            report,
            by=by,
            changes={
                "state": [ReportState.ACTIVE, ReportState.ENDED],
                "ended_on": [None, ended_on.isoformat()],
            },
        )
    return report


# --- unit pairings ----------------------------------------------------------------------------


def pair_unit(
    unit_org: Organization,
    community: Area,
    *,
    by,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
    agreement: str = "",
    community_org: Organization | None = None,
) -> UnitPairing:
    """Pair a unit's party organization with a community (共建单位)."""
    since = since or _today()
    with transaction.atomic():
        unit_org = Organization.objects.select_for_update().get(pk=unit_org.pk)
        community = _require_community(community)
        pairing = UnitPairing(
            unit_org=unit_org,
            community=community,
            community_org=community_org or community_org_of(community),
            since=since,
            until=until,
            agreement=_text(agreement),
            created_by=by if getattr(by, "is_authenticated", False) else None,
        )
        check_perm(by, "dual_reporting.add_unitpairing", pairing)
        if not unit_org.is_active:
            raise RuleViolation(
                gettext("The organization “%(name)s” is deactivated.") % {"name": unit_org.name},
                rule="inactive_org",
            )
        if until is not None and until < since:
            raise RuleViolation(
                gettext("The pairing cannot end before it starts."), rule="end_before_start", field="until"
            )
        if UnitPairing.objects.filter(
            unit_org=unit_org, community=community, state=ReportState.ACTIVE
        ).exists():
            raise RuleViolation(
                gettext("%(org)s is already paired with %(community)s.")
                % {"org": unit_org.name, "community": community.name},
                rule="one_active_pairing",
            )
        pairing.save()
        audit.record(
            AuditAction.CREATE,
            pairing,
            by=by,
            changes=audit.diff(
                {}, audit.snapshot(pairing, ["unit_org", "community", "since", "until", "state"])
            ),
        )
    return pairing


def end_pairing(pairing: UnitPairing, *, by, until: datetime.date | None = None) -> UnitPairing:
    """End a pairing; its claims, logs and feedback stay as history."""
    until = until or _today()
    with transaction.atomic():
        pairing = _locked(pairing)
        check_perm(by, "dual_reporting.change_unitpairing", pairing)
        _require_active(pairing)
        if until < pairing.since:
            raise RuleViolation(
                gettext("The pairing cannot end before it starts."), rule="end_before_start", field="until"
            )
        before = {"state": pairing.state, "until": pairing.until.isoformat() if pairing.until else None}
        pairing.state = ReportState.ENDED
        pairing.until = until
        pairing.save(update_fields=["state", "until"])
        audit.record(
            AuditAction.UPDATE,
            pairing,
            by=by,
            changes=audit.diff(before, {"state": pairing.state, "until": until.isoformat()}),
        )
    return pairing


# --- claims -----------------------------------------------------------------------------------


def add_claim(
    subject: Subject,
    *,
    by,
    kind: str = ClaimKind.POST,
    title: str,
    description: str = "",
    claimed_on: datetime.date | None = None,
) -> Claim:
    """Record what a reported member or a paired unit claimed (a post, project or resident need)."""
    claimed_on = claimed_on or _today()
    title = _text(title)
    if not title:
        raise RuleViolation(gettext("Say what was claimed."), rule="required", field="title")
    if kind not in ClaimKind.values:
        raise RuleViolation(gettext("Choose a valid kind."), rule="claim_kind", field="kind")
    with transaction.atomic():
        subject = _locked(subject)
        _check(by, "dual_reporting.add_claim", subject, self_service=True)
        _require_active(subject)
        _not_in_future(claimed_on, "claimed_on")
        claim = Claim.objects.create(
            **_side(subject),
            kind=kind,
            title=title,
            description=_text(description),
            claimed_on=claimed_on,
        )
        audit.record(
            AuditAction.CREATE,
            claim,
            by=by,
            changes=audit.diff({}, audit.snapshot(claim, ["kind", "title", "claimed_on", "state"])),
        )
    return claim


def set_claim_state(claim: Claim, state: str, *, by) -> Claim:
    """Mark a claim done or cancelled (a finished claim is not reopened)."""
    if state not in (ClaimState.DONE, ClaimState.CANCELLED):
        raise RuleViolation(gettext("Choose done or cancelled."), rule="claim_state", field="state")
    with transaction.atomic():
        claim = Claim.objects.select_for_update(of=("self",)).get(pk=claim.pk)
        subject = _locked(claim.subject)
        _check(by, "dual_reporting.change_claim", subject, self_service=True)
        if claim.state != ClaimState.CLAIMED:
            raise RuleViolation(
                gettext("This claim is already %(state)s.") % {"state": claim.get_state_display()},
                rule="claim_finished",
            )
        before = claim.state
        claim.state = state
        claim.finished_on = _today()
        claim.save(update_fields=["state", "finished_on"])
        audit.record(AuditAction.UPDATE, claim, by=by, changes={"state": [before, state]})
    return claim


# --- service logs -----------------------------------------------------------------------------


def _hours(value) -> Decimal:
    try:
        hours = Decimal(str(value)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError, TypeError):
        hours = Decimal("0")
    if hours <= 0:
        raise RuleViolation(
            gettext("Hours of service must be more than 0."), rule="hours_positive", field="hours"
        )
    if hours > MAX_HOURS_PER_LOG:
        raise RuleViolation(
            gettext("One log covers one day: at most %(max)s hours.") % {"max": MAX_HOURS_PER_LOG},
            rule="hours_per_day",
            field="hours",
        )
    return hours


def log_service(
    subject: Subject,
    *,
    by,
    served_on: datetime.date,
    hours,
    description: str,
    claim: Claim | None = None,
) -> ServiceLog:
    """Log a day's service to the community; the community's staff confirm it afterwards."""
    hours = _hours(hours)
    description = _text(description)
    if not description:
        raise RuleViolation(gettext("Say what was done."), rule="required", field="description")
    with transaction.atomic():
        subject = _locked(subject)
        _check(by, "dual_reporting.add_servicelog", subject, self_service=True)
        _require_active(subject)
        _not_in_future(served_on, "served_on")
        started = subject.reported_on if isinstance(subject, MemberReport) else subject.since
        if served_on < started:
            raise RuleViolation(
                gettext("The service date is before the report or pairing began (%(date)s).")
                % {"date": started},
                rule="before_start",
                field="served_on",
            )
        if (
            claim is not None
            and (claim.report_id if isinstance(subject, MemberReport) else claim.pairing_id) != subject.pk
        ):
            raise RuleViolation(
                gettext("That claim belongs to someone else."), rule="claim_subject", field="claim"
            )
        log = ServiceLog.objects.create(
            **_side(subject),
            claim=claim,
            served_on=served_on,
            hours=hours,
            description=description,
            logged_by=by if getattr(by, "is_authenticated", False) else None,
        )
        audit.record(
            AuditAction.CREATE,
            log,
            by=by,
            changes=audit.diff({}, audit.snapshot(log, ["served_on", "hours", "description"])),
        )
    return log


def confirm_log(log: ServiceLog, *, by) -> ServiceLog:
    """The community's staff confirm a service log (确认服务时长)."""
    with transaction.atomic():
        log = ServiceLog.objects.select_for_update(of=("self",)).get(pk=log.pk)
        subject = _locked(log.subject)
        _check_community(by, "dual_reporting.change_servicelog", subject)
        if log.confirmed_at is not None:
            raise RuleViolation(gettext("This service log is already confirmed."), rule="already_confirmed")
        log.confirmed_by = by
        log.confirmed_at = timezone.now()
        log.save(update_fields=["confirmed_by", "confirmed_at"])
        audit.record(AuditAction.UPDATE, log, by=by, changes={"confirmed": [False, True]})
        # Inside the transaction: the hours ledger posts its record with the confirmation, or neither.
        service_log_confirmed.send(sender=ServiceLog, service_log=log, by=by)
    return log


# --- yearly feedback --------------------------------------------------------------------------


def _view_permission(subject: Subject) -> str:
    if isinstance(subject, MemberReport):
        return "dual_reporting.view_memberreport"
    return "dual_reporting.view_unitpairing"


def _detail_url(subject: Subject) -> str:
    if isinstance(subject, MemberReport):
        return reverse("dual_reporting:report_detail", kwargs={"pk": subject.pk})
    return reverse("dual_reporting:pairing_detail", kwargs={"pk": subject.pk})


def send_feedback(subject: Subject, *, by, year: int, rating: str, text: str = "") -> YearlyFeedback:
    """The community's feedback of ``year`` on a member or unit, sent to the unit's organization.

    Once per report or pairing and year: a second one is refused, not overwritten. The unit's
    organization gets a notification.
    """
    if rating not in FeedbackRating.values:
        raise RuleViolation(gettext("Choose a rating."), rule="rating", field="rating")
    year = int(year)
    if year > _today().year:
        raise RuleViolation(
            gettext("Feedback is for a year that has begun; %(year)s has not.") % {"year": year},
            rule="future_year",
            field="year",
        )
    with transaction.atomic():
        subject = _locked(subject)
        _check_community(by, "dual_reporting.add_yearlyfeedback", subject)
        started = subject.reported_on if isinstance(subject, MemberReport) else subject.since
        if year < started.year:
            raise RuleViolation(
                gettext("The report or pairing began in %(start)s, after %(year)s.")
                % {"start": started.year, "year": year},
                rule="before_start",
                field="year",
            )
        side = _side(subject)
        if YearlyFeedback.objects.filter(**side, year=year).exists():
            raise RuleViolation(
                gettext("The feedback for %(year)s has already been sent; it is sent once a year.")
                % {"year": year},
                rule="feedback_once_a_year",
                field="year",
            )
        to_org = subject.unit_org
        try:
            with transaction.atomic():
                feedback = YearlyFeedback.objects.create(
                    **side,
                    year=year,
                    rating=rating,
                    text=_text(text),
                    to_org=to_org,
                    sent_by=by if getattr(by, "is_authenticated", False) else None,
                    sent_at=timezone.now(),
                )
        except IntegrityError as error:
            raise RuleViolation(
                gettext("The feedback for %(year)s has already been sent; it is sent once a year.")
                % {"year": year},
                rule="feedback_once_a_year",
                field="year",
            ) from error
        audit.record(
            AuditAction.CREATE,
            feedback,
            by=by,
            changes=audit.diff({}, audit.snapshot(feedback, ["year", "rating", "to_org"])),
        )
        who = subject.member if isinstance(subject, MemberReport) else subject.unit_org.name
        notifications.notify(
            kind=FEEDBACK_NOTIFICATION,
            org=to_org,
            title=gettext("双报到 feedback %(year)s from %(community)s: %(who)s — %(rating)s")
            % {
                "year": year,
                "community": subject.community.name,
                "who": who,
                "rating": feedback.get_rating_display(),
            },
            body=feedback.text,
            link=_detail_url(subject),
            # The report's or pairing's page asks it; the member reported about never reads it here.
            permission=_view_permission(subject),
            obj=subject,
            dedupe_key=f"dual-feedback-{type(subject).__name__.lower()}-{subject.pk}-{year}",
        )
    return feedback
