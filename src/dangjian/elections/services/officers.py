"""The 书记 and 副书记 of an organization with a committee: the committee elects them and reports
them to the superior committee for approval (支部工作条例 第二十一条; committee members are
reported for 备案). Approval gives the committee seats their roles, in one transaction."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from dangjian.core import audit
from dangjian.core.choices import AuditAction
from dangjian.core.errors import PermissionDenied, RuleViolation
from dangjian.core.models import Person
from dangjian.core.scoping import check_perm, scope_of
from dangjian.elections.choices import OfficerReportState
from dangjian.elections.models import OfficerReport
from dangjian.elections.services.common import CHANGE
from dangjian.orgs import services as org_services
from dangjian.orgs.choices import CommitteeRole
from dangjian.orgs.models import Committee, Organization

ARTICLE_OFFICERS = "《中国共产党支部工作条例（试行）》第二十一条"


def _open_seat(committee: Committee, person: Person):
    return committee.seats.filter(person=person, ended_on__isnull=True).first()


def report_officers(
    committee: Committee,
    *,
    by,
    secretary: Person,
    elected_on: datetime.date,
    deputy: Person | None = None,
) -> OfficerReport:
    """The committee has elected its 书记 (and 副书记) from among its members: report them."""
    with transaction.atomic():
        current = Committee.objects.select_for_update().select_related("org").get(pk=committee.pk)
        check_perm(by, CHANGE, current.org)
        if not current.is_current:
            raise RuleViolation(
                gettext("Only the current committee elects its officers."), rule="committee_not_current"
            )
        for person in (secretary, deputy):
            if person is not None and _open_seat(current, person) is None:
                raise RuleViolation(
                    gettext(
                        "%(name)s has no seat on the committee: the committee elects the secretary and deputy "
                        "secretary from among its members (%(article)s)."
                    )
                    % {"name": person.name, "article": ARTICLE_OFFICERS},
                    rule="officer_not_on_committee",
                    field="secretary" if person == secretary else "deputy",
                )
        if deputy is not None and deputy.pk == secretary.pk:
            raise RuleViolation(
                gettext("The secretary and the deputy secretary must be two people."),
                rule="officers_distinct",
                field="deputy",
            )
        if elected_on < current.elected_on or elected_on > timezone.localdate():
            raise RuleViolation(
                gettext("The date must lie between the committee's election and today."),
                rule="officers_date",
                field="elected_on",
            )
        if current.officer_reports.filter(state=OfficerReportState.SUBMITTED).exists():
            raise RuleViolation(
                gettext("A report of the officers is already waiting for the superior's approval."),
                rule="officers_pending",
            )
        report = OfficerReport.objects.create(
            committee=current, secretary=secretary, deputy=deputy, elected_on=elected_on, reported_by=by
        )
        audit.record(AuditAction.CREATE, report, by=by, changes=audit.diff({}, audit.snapshot(report)))
    return report


def _check_superior(report: OfficerReport, by) -> None:
    superior = Organization.objects.get_parent(report.committee.org)
    scope = scope_of(by)
    allowed = scope.is_global if superior is None else scope.has_perm(CHANGE, org_path=superior.path)
    if not allowed:
        raise PermissionDenied(
            gettext("Only the superior party committee of “%(org)s” approves the election of its officers.")
            % {"org": report.committee.org.name},
            rule="superior_approval",
        )


def _decide(report: OfficerReport, *, by, state: str, note: str) -> OfficerReport:
    with transaction.atomic():
        current = OfficerReport.objects.select_for_update().select_related("committee__org").get(pk=report.pk)
        _check_superior(current, by)
        if current.state != OfficerReportState.SUBMITTED:
            raise RuleViolation(
                gettext("This report has already been decided (%(state)s).")
                % {"state": current.get_state_display()},
                rule="already_decided",
            )
        if state == OfficerReportState.APPROVED:
            _give_roles(current, by)
        current.state = state
        current.decided_by = by
        current.decided_at = timezone.now()
        current.decision_note = note.strip()[:200]
        current.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
        audit.record(
            AuditAction.UPDATE,
            current,
            by=by,
            changes={"state": [OfficerReportState.SUBMITTED.value, state]},
            note=note,
        )
    return current


def _give_roles(report: OfficerReport, by) -> None:
    """The approved officers take the roles; a former 书记/副书记 becomes a 委员 of the committee."""
    committee = report.committee
    wanted = {report.secretary_id: CommitteeRole.SECRETARY}
    if report.deputy_id:
        wanted[report.deputy_id] = CommitteeRole.DEPUTY_SECRETARY
    for seat in committee.seats.filter(ended_on__isnull=True).select_related("person"):
        role = wanted.get(seat.person_id)
        if role is None and seat.role in (CommitteeRole.SECRETARY, CommitteeRole.DEPUTY_SECRETARY):
            role = CommitteeRole.MEMBER
        if role is not None and role != seat.role:
            org_services.set_committee_role(seat, role=role, by=by)


def approve_officers(report: OfficerReport, *, by, note: str = "") -> OfficerReport:
    """The superior committee approves: the seats take the roles of 书记 and 副书记."""
    return _decide(report, by=by, state=OfficerReportState.APPROVED, note=note)


def reject_officers(report: OfficerReport, *, by, reason: str) -> OfficerReport:
    """The superior committee does not approve; the roles stay as they were."""
    if not (reason or "").strip():
        raise RuleViolation(
            gettext("Give the reason for rejecting the report."), rule="required", field="reason"
        )
    return _decide(report, by=by, state=OfficerReportState.REJECTED, note=reason)
