"""Creating and editing an election while it is a draft (the organization, seats, term, meeting)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext

from dangjian.core import audit
from dangjian.core.choices import AuditAction
from dangjian.core.errors import ConcurrentChange, RuleViolation
from dangjian.core.scoping import check_perm
from dangjian.elections.choices import OPEN_STATES, ElectionKind, ElectionState
from dangjian.elections.models import Election
from dangjian.elections.services.common import ADD, EDITABLE_FIELDS, SECRETARY_SEATS, _locked
from dangjian.elections.services.officers import ARTICLE_OFFICERS
from dangjian.orgs.choices import OrgKind
from dangjian.orgs.models import Committee, Organization

# --- Creating and editing ------------------------------------------------------------------


def _check_fields(org: Organization, fields: dict) -> None:
    kind = fields.get("kind", ElectionKind.COMMITTEE)
    seats = fields.get("seats") or 0
    if kind == ElectionKind.SECRETARY and not 1 <= seats <= SECRETARY_SEATS:
        raise RuleViolation(
            gettext("A secretary election fills 1 seat (secretary) or 2 (secretary and deputy secretary)."),
            rule="election_seats",
            field="seats",
        )
    # A 支部委员会 has 3 to 5 members; a current "committee" of one 书记 (and 副书记), as a branch
    # without a committee has, does not count.
    has_committee = (
        Committee.objects.filter(org=org, is_current=True, seats__ended_on__isnull=True)
        .values("pk")
        .annotate(seats=Count("seats"))
        .filter(seats__gte=3)
        .exists()
    )
    if kind == ElectionKind.SECRETARY and has_committee:
        raise RuleViolation(
            gettext(
                "“%(org)s” has a committee: the committee elects the secretary and deputy secretary and reports "
                "them for approval (%(article)s); the members' meeting elects a secretary only where there is "
                "no committee."
            )
            % {"org": org.name, "article": ARTICLE_OFFICERS},
            rule="secretary_by_committee",
            field="kind",
        )
    if kind == ElectionKind.COMMITTEE and not 3 <= seats <= 15:
        raise RuleViolation(
            gettext(
                "A committee has 3 to 15 seats (a branch committee 3 to 5, at most 7; "
                "《中国共产党支部工作条例（试行）》); %(seats)s is not possible."
            )
            % {"seats": seats},
            rule="election_seats",
            field="seats",
        )
    term_years = fields.get("term_years") or 0
    if not 1 <= term_years <= 10:
        raise RuleViolation(
            gettext("A term of %(years)s years is not plausible; enter 1 to 10 years.")
            % {"years": term_years},
            rule="term_years",
            field="term_years",
        )
    if fields["ends_at"] <= fields["starts_at"]:
        raise RuleViolation(
            gettext("Voting must end after it starts."), rule="election_times", field="ends_at"
        )
    meeting = fields.get("meeting")
    if meeting is not None and meeting.org_id != org.pk:
        raise RuleViolation(
            gettext("The meeting must be a meeting of “%(org)s”.") % {"org": org.name},
            rule="election_meeting",
            field="meeting",
        )


def create_election(
    org: Organization,
    *,
    by,
    title: str,
    seats: int,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    kind: str = ElectionKind.COMMITTEE,
    term_years: int | None = None,
    meeting=None,
) -> Election:
    """Prepare an election of ``org``'s committee (a draft: candidates are added next)."""
    title = (title or "").strip()
    if not title:
        raise RuleViolation(gettext("The title cannot be empty."), rule="required", field="title")
    with transaction.atomic():
        org = Organization.objects.select_for_update().get(pk=org.pk)
        check_perm(by, ADD, org)
        if not org.is_active:
            raise RuleViolation(
                gettext("The organization “%(name)s” is deactivated.") % {"name": org.name},
                rule="inactive_org",
            )
        if org.kind == OrgKind.GROUP:
            raise RuleViolation(
                gettext("A party group has a group leader, not a committee; it holds no election."),
                rule="group_without_committee",
            )
        fields = {
            "kind": kind,
            "title": title,
            "seats": seats,
            "term_years": term_years or org.default_term_years,
            "starts_at": starts_at,
            "ends_at": ends_at,
            "meeting": meeting,
        }
        _check_fields(org, fields)
        running = Election.objects.filter(org=org, state__in=OPEN_STATES).first()
        if running is not None:
            raise RuleViolation(
                gettext("“%(org)s” already has an election under way: “%(title)s”; finish it first.")
                % {"org": org.name, "title": running.title},
                rule="one_open_election",
            )
        election = Election.objects.create(org=org, created_by=by, **fields)
        audit.record(
            AuditAction.CREATE,
            election,
            by=by,
            changes=audit.diff({}, audit.snapshot(election, [*EDITABLE_FIELDS, "org", "state"])),
        )
    return election


def update_election(election: Election, *, by, expected_version: int | None = None, **fields) -> Election:
    """Edit a draft election (kind, title, seats, term, voting window, meeting).

    Refused once the candidates are confirmed: the seats and the kind decide how many candidates
    the list needs (差额), and the confirmed list is what the ballot prints. ``expected_version``
    is the version the user loaded; someone else's save in between answers ConcurrentChange.
    """
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    if "title" in fields:
        fields["title"] = (fields["title"] or "").strip()
        if not fields["title"]:
            raise RuleViolation(gettext("The title cannot be empty."), rule="required", field="title")
    with transaction.atomic():
        current = _locked(election, by)
        if expected_version is not None and current.version != expected_version:
            raise ConcurrentChange(
                gettext(
                    "This election has been changed by someone else (now version %(version)s); "
                    "refresh the page and edit again."
                )
                % {"version": current.version},
                rule="concurrent_change",
            )
        if current.state != ElectionState.DRAFT:
            raise RuleViolation(
                gettext(
                    "The candidates of this election are confirmed (it is “%(state)s”); "
                    "its seats, term and voting times can no longer be changed."
                )
                % {"state": current.get_state_display()},
                rule="election_not_draft",
            )
        before = audit.snapshot(current, EDITABLE_FIELDS)
        merged = {name: getattr(current, name) for name in EDITABLE_FIELDS}
        merged.update(
            {name: value for name, value in fields.items() if value is not None or name == "meeting"}
        )
        if merged.get("term_years") is None:
            merged["term_years"] = current.org.default_term_years
        _check_fields(current.org, merged)
        for name, value in merged.items():
            setattr(current, name, value)
        current.version += 1
        current.save(update_fields=[*EDITABLE_FIELDS, "version"])
        changes = audit.diff(before, audit.snapshot(current, EDITABLE_FIELDS))
        if changes:
            audit.record(AuditAction.UPDATE, current, by=by, changes=changes)
    return current
