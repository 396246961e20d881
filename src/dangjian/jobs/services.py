"""State changes of 就业: postings, the job seekers' register, placements, training sessions and
their attendance roll.

Each function checks the permission over the row's place in the trees (``check_perm``), applies
the rules (RuleViolation with a Chinese message naming the value), writes the change and its
audit line in one transaction. Edits carry the version the user loaded; a stale one is refused
(ConcurrentChange). A placement locks the posting so two staff cannot fill its last position twice.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext

from dangjian.core import audit
from dangjian.core.choices import AuditAction
from dangjian.core.errors import ConcurrentChange, RuleViolation
from dangjian.core.models import Person
from dangjian.core.scoping import check_perm
from dangjian.jobs.choices import PostingState, SeekerState
from dangjian.jobs.models import JobPosting, JobSeeker, Placement, TrainingAttendance, TrainingSession
from dangjian.orgs.models import Area, Organization

POSTING_FIELDS = [
    "enterprise_name",
    "unit_org",
    "title",
    "description",
    "skills_note",
    "positions",
    "salary_min",
    "salary_max",
    "opens_on",
    "closes_on",
    "area",
    "org",
    "state",
]
SEEKER_FIELDS = ["person", "area", "org", "skills_note", "wanted_job", "registered_on", "state", "note"]
TRAINING_FIELDS = ["title", "starts_at", "ends_at", "place", "capacity", "description", "area", "org"]
TEXT_FIELDS = {"enterprise_name", "title", "description", "skills_note", "wanted_job", "note", "place"}


def _today() -> datetime.date:
    return timezone.localdate()


def _clean(name: str, value):
    return (value or "").strip() if name in TEXT_FIELDS else value


def _recorder(by):
    return by if getattr(by, "is_authenticated", False) else None


def _versioned_update(model, obj, version: int, changes: dict) -> None:
    updated = model.objects.filter(pk=obj.pk, version=version).update(**changes, version=F("version") + 1)
    if updated != 1:
        raise ConcurrentChange(
            gettext("Someone changed this record at the same moment; reload the page and try again."),
            rule="version",
        )


def _skill_names(skills: Iterable) -> list[str]:
    return sorted(str(skill) for skill in skills)


# --- postings -------------------------------------------------------------------------------


def _check_posting(posting: JobPosting) -> None:
    if not posting.enterprise_name or not posting.title:
        raise RuleViolation(
            gettext("A posting needs the enterprise and the job title."),
            rule="posting_required",
            field="title",
        )
    if posting.positions < 1:
        raise RuleViolation(
            gettext("A posting offers at least one position."), rule="positions", field="positions"
        )
    low, high = posting.salary_min, posting.salary_max
    if low is not None and high is not None and low > high:
        raise RuleViolation(
            gettext("The salary range is reversed: from %(low)s to %(high)s yuan.")
            % {"low": low, "high": high},
            rule="salary_range",
            field="salary_max",
        )
    if posting.closes_on is not None and posting.closes_on < posting.opens_on:
        raise RuleViolation(
            gettext("The posting cannot close (%(closes)s) before it opens (%(opens)s).")
            % {"closes": posting.closes_on, "opens": posting.opens_on},
            rule="period",
            field="closes_on",
        )


def create_posting(
    *,
    by,
    enterprise_name: str,
    title: str,
    area: Area,
    org: Organization,
    positions: int = 1,
    skills: Iterable = (),
    unit_org: Organization | None = None,
    description: str = "",
    skills_note: str = "",
    salary_min: Decimal | None = None,
    salary_max: Decimal | None = None,
    opens_on: datetime.date | None = None,
    closes_on: datetime.date | None = None,
) -> JobPosting:
    posting = JobPosting(
        enterprise_name=_clean("enterprise_name", enterprise_name),
        title=_clean("title", title),
        area=area,
        org=org,
        positions=positions,
        unit_org=unit_org,
        description=_clean("description", description),
        skills_note=_clean("skills_note", skills_note),
        salary_min=salary_min,
        salary_max=salary_max,
        opens_on=opens_on or _today(),
        closes_on=closes_on,
        created_by=_recorder(by),
    )
    skills = list(skills)
    with transaction.atomic():
        check_perm(by, "jobs.add_jobposting", posting)
        _check_posting(posting)
        posting.save()
        posting.skills.set(skills)
        after = {**audit.snapshot(posting, POSTING_FIELDS), "skills": _skill_names(skills)}
        audit.record(AuditAction.CREATE, posting, by=by, changes=audit.diff({}, after))
    return posting


def update_posting(
    posting: JobPosting, *, by, version: int | None = None, skills=None, **fields
) -> JobPosting:
    unknown = set(fields) - (set(POSTING_FIELDS) - {"state"})
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    with transaction.atomic():
        current = (
            JobPosting.objects.select_for_update(of=("self",))
            .select_related("area", "org")
            .get(pk=posting.pk)
        )
        check_perm(by, "jobs.change_jobposting", current)
        before = {**audit.snapshot(current, POSTING_FIELDS), "skills": _skill_names(current.skills.all())}
        for name, value in fields.items():
            setattr(current, name, _clean(name, value))
        _check_posting(current)
        check_perm(by, "jobs.change_jobposting", current)
        _versioned_update(
            JobPosting,
            current,
            posting.version if version is None else version,
            {n: getattr(current, n) for n in fields},
        )
        if skills is not None:
            current.skills.set(list(skills))
        current.refresh_from_db()
        after = {**audit.snapshot(current, POSTING_FIELDS), "skills": _skill_names(current.skills.all())}
        audit.record(AuditAction.UPDATE, current, by=by, changes=audit.diff(before, after))
    return current


def close_posting(posting: JobPosting, *, by, version: int | None = None) -> JobPosting:
    with transaction.atomic():
        current = (
            JobPosting.objects.select_for_update(of=("self",))
            .select_related("area", "org")
            .get(pk=posting.pk)
        )
        check_perm(by, "jobs.change_jobposting", current)
        if not current.is_open:
            raise RuleViolation(gettext("This posting is already closed."), rule="posting_closed")
        _versioned_update(
            JobPosting,
            current,
            posting.version if version is None else version,
            {"state": PostingState.CLOSED},
        )
        current.refresh_from_db()
        audit.record(
            AuditAction.UPDATE, current, by=by, changes={"state": [PostingState.OPEN, PostingState.CLOSED]}
        )
    return current


# --- seekers --------------------------------------------------------------------------------


def register_seeker(
    *,
    by,
    person: Person,
    area: Area,
    org: Organization,
    skills: Iterable = (),
    skills_note: str = "",
    wanted_job: str = "",
    registered_on: datetime.date | None = None,
    note: str = "",
) -> JobSeeker:
    """Put a resident on the register of job seekers (one open registration per person)."""
    seeker = JobSeeker(
        person=person,
        area=area,
        org=org,
        skills_note=_clean("skills_note", skills_note),
        wanted_job=_clean("wanted_job", wanted_job),
        registered_on=registered_on or _today(),
        note=_clean("note", note),
        created_by=_recorder(by),
    )
    skills = list(skills)
    with transaction.atomic():
        check_perm(by, "jobs.add_jobseeker", seeker)
        if seeker.registered_on > _today():
            raise RuleViolation(
                gettext("The registration date %(date)s is in the future.") % {"date": seeker.registered_on},
                rule="future_date",
                field="registered_on",
            )
        if JobSeeker.objects.filter(person=person, state=SeekerState.SEEKING).exists():
            raise RuleViolation(
                gettext("%(name)s is already registered as seeking work.") % {"name": person.name},
                rule="already_seeking",
                field="person",
            )
        seeker.save()
        seeker.skills.set(skills)
        after = {**audit.snapshot(seeker, SEEKER_FIELDS), "skills": _skill_names(skills)}
        audit.record(AuditAction.CREATE, seeker, by=by, changes=audit.diff({}, after))
    return seeker


def update_seeker(seeker: JobSeeker, *, by, version: int | None = None, skills=None, **fields) -> JobSeeker:
    unknown = set(fields) - {"area", "org", "skills_note", "wanted_job", "note"}
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    with transaction.atomic():
        current = (
            JobSeeker.objects.select_for_update(of=("self",)).select_related("area", "org").get(pk=seeker.pk)
        )
        check_perm(by, "jobs.change_jobseeker", current)
        before = {**audit.snapshot(current, SEEKER_FIELDS), "skills": _skill_names(current.skills.all())}
        for name, value in fields.items():
            setattr(current, name, _clean(name, value))
        check_perm(by, "jobs.change_jobseeker", current)
        _versioned_update(
            JobSeeker,
            current,
            seeker.version if version is None else version,
            {n: getattr(current, n) for n in fields},
        )
        if skills is not None:
            current.skills.set(list(skills))
        current.refresh_from_db()
        after = {**audit.snapshot(current, SEEKER_FIELDS), "skills": _skill_names(current.skills.all())}
        audit.record(AuditAction.UPDATE, current, by=by, changes=audit.diff(before, after))
    return current


def withdraw_seeker(seeker: JobSeeker, *, by, version: int | None = None) -> JobSeeker:
    with transaction.atomic():
        current = (
            JobSeeker.objects.select_for_update(of=("self",)).select_related("area", "org").get(pk=seeker.pk)
        )
        check_perm(by, "jobs.change_jobseeker", current)
        if current.state != SeekerState.SEEKING:
            raise RuleViolation(
                gettext("Only a person still seeking work can be withdrawn; this one is “%(state)s”.")
                % {"state": current.get_state_display()},
                rule="seeker_state",
            )
        _versioned_update(
            JobSeeker,
            current,
            seeker.version if version is None else version,
            {"state": SeekerState.WITHDRAWN},
        )
        current.refresh_from_db()
        audit.record(
            AuditAction.UPDATE,
            current,
            by=by,
            changes={"state": [SeekerState.SEEKING, SeekerState.WITHDRAWN]},
        )
    return current


def place_seeker(
    seeker: JobSeeker, posting: JobPosting, *, by, placed_on: datetime.date | None = None, note: str = ""
) -> Placement:
    """Record that ``seeker`` took a position of ``posting``; the posting must be open and not full."""
    placed_on = placed_on or _today()
    with transaction.atomic():
        # Lock the posting first, then the seeker: every placement takes the locks in this order.
        locked_posting = (
            JobPosting.objects.select_for_update(of=("self",))
            .select_related("area", "org")
            .get(pk=posting.pk)
        )
        current = (
            JobSeeker.objects.select_for_update(of=("self",))
            .select_related("area", "org", "person")
            .get(pk=seeker.pk)
        )
        check_perm(by, "jobs.add_placement", current)
        check_perm(by, "jobs.view_jobposting", locked_posting)
        if current.state != SeekerState.SEEKING:
            raise RuleViolation(
                gettext("%(name)s is not seeking work (now “%(state)s”).")
                % {"name": current.person.name, "state": current.get_state_display()},
                rule="seeker_state",
            )
        if not locked_posting.is_open:
            raise RuleViolation(
                gettext("The posting “%(title)s” is closed.") % {"title": locked_posting.title},
                rule="posting_closed",
            )
        taken = Placement.objects.filter(posting=locked_posting).count()
        if taken >= locked_posting.positions:
            raise RuleViolation(
                gettext("All %(positions)s positions of “%(title)s” are filled.")
                % {"positions": locked_posting.positions, "title": locked_posting.title},
                rule="posting_full",
            )
        if placed_on > _today():
            raise RuleViolation(
                gettext("The placement date %(date)s is in the future.") % {"date": placed_on},
                rule="future_date",
                field="placed_on",
            )
        placement = Placement.objects.create(
            seeker=current,
            posting=locked_posting,
            placed_on=placed_on,
            note=(note or "").strip(),
            created_by=_recorder(by),
        )
        JobSeeker.objects.filter(pk=current.pk).update(state=SeekerState.PLACED, version=F("version") + 1)
        audit.record(
            AuditAction.CREATE,
            placement,
            by=by,
            changes=audit.diff({}, audit.snapshot(placement, ["seeker", "posting", "placed_on", "note"])),
        )
        audit.record(
            AuditAction.UPDATE, current, by=by, changes={"state": [SeekerState.SEEKING, SeekerState.PLACED]}
        )
    return placement


# --- training -------------------------------------------------------------------------------


def _check_training(session: TrainingSession) -> None:
    if session.ends_at is not None and session.ends_at < session.starts_at:
        raise RuleViolation(
            gettext("The training cannot end before it starts."), rule="period", field="ends_at"
        )
    if session.capacity < 1:
        raise RuleViolation(gettext("The capacity must be at least 1."), rule="capacity", field="capacity")


def create_training(
    *,
    by,
    title: str,
    area: Area,
    org: Organization,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime | None = None,
    place: str = "",
    capacity: int = 30,
    description: str = "",
) -> TrainingSession:
    session = TrainingSession(
        title=_clean("title", title),
        area=area,
        org=org,
        starts_at=starts_at,
        ends_at=ends_at,
        place=_clean("place", place),
        capacity=capacity,
        description=_clean("description", description),
        created_by=_recorder(by),
    )
    with transaction.atomic():
        check_perm(by, "jobs.add_trainingsession", session)
        _check_training(session)
        session.save()
        audit.record(
            AuditAction.CREATE,
            session,
            by=by,
            changes=audit.diff({}, audit.snapshot(session, TRAINING_FIELDS)),
        )
    return session


def update_training(session: TrainingSession, *, by, version: int | None = None, **fields) -> TrainingSession:
    unknown = set(fields) - set(TRAINING_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    with transaction.atomic():
        current = (
            TrainingSession.objects.select_for_update(of=("self",))
            .select_related("area", "org")
            .get(pk=session.pk)
        )
        check_perm(by, "jobs.change_trainingsession", current)
        before = audit.snapshot(current, TRAINING_FIELDS)
        for name, value in fields.items():
            setattr(current, name, _clean(name, value))
        _check_training(current)
        if current.capacity < current.attendance.count():
            raise RuleViolation(
                gettext("%(count)s people are already on the roll; the capacity cannot be lower.")
                % {"count": current.attendance.count()},
                rule="capacity",
                field="capacity",
            )
        check_perm(by, "jobs.change_trainingsession", current)
        _versioned_update(
            TrainingSession,
            current,
            session.version if version is None else version,
            {n: getattr(current, n) for n in fields},
        )
        current.refresh_from_db()
        audit.record(
            AuditAction.UPDATE,
            current,
            by=by,
            changes=audit.diff(before, audit.snapshot(current, TRAINING_FIELDS)),
        )
    return current


def enrol(session: TrainingSession, person: Person, *, by) -> TrainingAttendance:
    """Put ``person`` on the roll; the session is locked so its capacity holds under concurrency."""
    with transaction.atomic():
        current = (
            TrainingSession.objects.select_for_update(of=("self",))
            .select_related("area", "org")
            .get(pk=session.pk)
        )
        check_perm(by, "jobs.add_trainingattendance", current)
        if TrainingAttendance.objects.filter(session=current, person=person).exists():
            raise RuleViolation(
                gettext("%(name)s is already on the roll.") % {"name": person.name},
                rule="already_enrolled",
                field="person",
            )
        if TrainingAttendance.objects.filter(session=current).count() >= current.capacity:
            raise RuleViolation(
                gettext("The training is full (%(capacity)s places).") % {"capacity": current.capacity},
                rule="training_full",
            )
        row = TrainingAttendance.objects.create(session=current, person=person)
        audit.record(AuditAction.CREATE, row, by=by, changes={"person": [None, person.name]})
    return row


def take_roll(session: TrainingSession, attended: dict[int, bool], *, by) -> int:
    """Mark who attended (``{attendance pk: True/False}``); returns the rows changed, each audited."""
    now = timezone.now()
    changed = 0
    with transaction.atomic():
        current = (
            TrainingSession.objects.select_for_update(of=("self",))
            .select_related("area", "org")
            .get(pk=session.pk)
        )
        check_perm(by, "jobs.change_trainingattendance", current)
        if current.starts_at > now:
            raise RuleViolation(
                gettext("The training has not started yet; take the roll once it starts."), rule="not_started"
            )
        rows = {
            row.pk: row
            for row in TrainingAttendance.objects.filter(
                session=current, pk__in=list(attended)
            ).select_related("person")
        }
        for pk, value in attended.items():
            row = rows.get(pk)
            if row is None or row.attended == value:
                continue
            before = row.attended
            row.attended = value
            row.marked_at = now
            row.save(update_fields=["attended", "marked_at"])
            row.session = current
            audit.record(AuditAction.UPDATE, row, by=by, changes={"attended": [before, value]})
            changed += 1
    return changed
