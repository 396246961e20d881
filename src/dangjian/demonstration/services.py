"""State changes of 示范点: standard sets and their items, applications with evidence, the review,
designation, re-checks, revocation and lapse.

Who may do what (``roles.py``): the organization department issues standard sets
(``add_standardset``/``change_standardset`` over the issuing organization), reviews and decides
(``review_application`` over the applicant's *parent* organization — nobody reviews their own
organization's application), designates and re-checks (``change_designation``); a secretary
applies for an organization in her subtree and fills in the evidence (``add_application`` /
``change_application``). Every function checks the right and the rules and writes the change with
its audit line in one transaction; edits carry the version the user loaded and a stale one is
refused (ConcurrentChange).

The organization's ``demonstration_level`` (shown on its page) follows its highest active
designation; these functions keep it in step.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext

from dangjian.core import audit
from dangjian.core.choices import AuditAction
from dangjian.core.errors import ConcurrentChange, PermissionDenied, RuleViolation
from dangjian.core.scoping import check_perm, scope_of
from dangjian.core.uploads import DOCUMENT_TYPES, MAX_DOCUMENT_BYTES, document_refusal
from dangjian.core.workdays import add_working_days
from dangjian.demonstration.choices import (
    OPEN_APPLICATION_STATES,
    ApplicationState,
    DemonstrationLevel,
    DesignationState,
    ItemResult,
    RecheckOutcome,
    SetState,
)
from dangjian.demonstration.models import (
    Application,
    Designation,
    EvidenceFile,
    ItemEvidence,
    Recheck,
    RecheckResult,
    StandardItem,
    StandardSet,
)
from dangjian.orgs.models import Organization

REVIEW = "demonstration.review_application"
RECHECK_INTERVAL_DAYS = 365  # a designation is re-checked once a year (动态管理)
DEFAULT_RECTIFY_WORKING_DAYS = 20
MAX_RECTIFY_WORKING_DAYS = 120
EXPIRY_GRACE_DAYS = 90  # a re-check overdue this long lets the title lapse
MIN_YEAR, MAX_YEAR = 2000, 2100
SET_FIELDS = ["org", "level", "name", "year", "edition", "description", "state"]
ITEM_FIELDS = ["number", "title", "description", "evidence_required"]
LEVEL_RANK = {DemonstrationLevel.COUNTY: 1, DemonstrationLevel.CITY: 2, DemonstrationLevel.PROVINCE: 3}


def _today() -> datetime.date:
    return timezone.localdate()


def _text(value: str | None) -> str:
    return (value or "").strip()


def _user(by):
    return by if getattr(by, "is_authenticated", False) else None


def _versioned_update(model, obj, version: int | None, changes: dict) -> None:
    """``UPDATE … WHERE version = n``: refuse the change when someone saved the row meanwhile.

    ``obj`` is the row as locked in this transaction; ``version`` is the one the user loaded (a
    page's hidden field, the API's body), or None when the caller holds no earlier copy."""
    expected = obj.version if version is None else version
    updated = model.objects.filter(pk=obj.pk, version=expected).update(**changes, version=F("version") + 1)
    if updated != 1:
        raise ConcurrentChange(
            gettext("Someone changed this record at the same moment; reload the page and try again."),
            rule="version",
        )
    for name, value in changes.items():
        setattr(obj, name, value)
    obj.version = expected + 1


# --- rights -----------------------------------------------------------------------------------


def parent_path(org: Organization) -> str:
    return org.path[: -Organization.steplen]


def may_review(user, application: Application) -> bool:
    """Review and decide: ``review_application`` over the applicant's parent organization."""
    scope = scope_of(user)
    if scope.is_global:
        return True
    above = parent_path(application.org)
    return bool(above) and scope.has_perm(REVIEW, org_path=above)


def _check_review(user, application: Application) -> None:
    if not may_review(user, application):
        raise PermissionDenied(
            gettext("Only the organization department above this organization can review its application."),
            rule="scope",
        )


# --- standard sets ----------------------------------------------------------------------------


def _check_set(standard_set: StandardSet) -> None:
    if not standard_set.name:
        raise RuleViolation(gettext("Give the standard set a name."), rule="name", field="name")
    if standard_set.level not in DemonstrationLevel.values:
        raise RuleViolation(gettext("Choose the level."), rule="level", field="level")
    if not MIN_YEAR <= (standard_set.year or 0) <= MAX_YEAR:
        raise RuleViolation(
            gettext("The year must be between %(min)s and %(max)s.") % {"min": MIN_YEAR, "max": MAX_YEAR},
            rule="year",
            field="year",
        )
    twin = StandardSet.objects.filter(
        org_id=standard_set.org_id,
        level=standard_set.level,
        name=standard_set.name,
        year=standard_set.year,
        edition=standard_set.edition,
    )
    if standard_set.pk:
        twin = twin.exclude(pk=standard_set.pk)
    if twin.exists():
        raise RuleViolation(
            gettext("This organization already has edition %(edition)s of “%(name)s” for %(year)s.")
            % {"edition": standard_set.edition, "name": standard_set.name, "year": standard_set.year},
            rule="duplicate_set",
        )


def _check_editable(standard_set: StandardSet) -> None:
    if standard_set.applications.exists():
        raise RuleViolation(
            gettext(
                "This standard set is used by applications and cannot be changed; copy it to a new edition."
            ),
            rule="set_in_use",
        )


def _locked_set(standard_set: StandardSet) -> StandardSet:
    return StandardSet.objects.select_for_update(of=("self",)).select_related("org").get(pk=standard_set.pk)


def create_set(
    *, by, org: Organization, level: str, name: str, year: int, description: str = "", edition: int = 1
) -> StandardSet:
    standard_set = StandardSet(
        org=org,
        level=level,
        name=_text(name),
        year=year,
        edition=edition,
        description=_text(description),
        created_by=_user(by),
    )
    with transaction.atomic():
        check_perm(by, "demonstration.add_standardset", standard_set)
        _check_set(standard_set)
        standard_set.save()
        audit.record(
            AuditAction.CREATE,
            standard_set,
            by=by,
            changes=audit.diff({}, audit.snapshot(standard_set, SET_FIELDS)),
        )
    return standard_set


def update_set(standard_set: StandardSet, *, by, version: int | None = None, **fields) -> StandardSet:
    """Edit a set's name, level, year or description; refused once an application uses it."""
    allowed = {"level", "name", "year", "description"}
    if set(fields) - allowed:
        raise ValueError(f"Not editable: {sorted(set(fields) - allowed)}")
    with transaction.atomic():
        current = _locked_set(standard_set)
        check_perm(by, "demonstration.change_standardset", current)
        _check_editable(current)
        before = audit.snapshot(current, SET_FIELDS)
        for name, value in fields.items():
            setattr(current, name, _text(value) if name in {"name", "description"} else value)
        _check_set(current)
        _versioned_update(
            StandardSet,
            current,
            version,
            {name: getattr(current, name) for name in fields},
        )
        audit.record(
            AuditAction.UPDATE,
            current,
            by=by,
            changes=audit.diff(before, audit.snapshot(current, SET_FIELDS)),
        )
    return current


def publish_set(standard_set: StandardSet, *, by, version: int | None = None) -> StandardSet:
    with transaction.atomic():
        current = _locked_set(standard_set)
        check_perm(by, "demonstration.change_standardset", current)
        if current.is_published:
            raise RuleViolation(gettext("This standard set is already published."), rule="published")
        if not current.items.exists():
            raise RuleViolation(gettext("Add the standard items before publishing the set."), rule="no_items")
        _versioned_update(
            StandardSet,
            current,
            version,
            {"state": SetState.PUBLISHED, "published_at": timezone.now()},
        )
        audit.record(
            AuditAction.UPDATE, current, by=by, changes={"state": [SetState.DRAFT, SetState.PUBLISHED]}
        )
    return current


def copy_set(standard_set: StandardSet, *, by, year: int | None = None) -> StandardSet:
    """Start the next edition of a set as a draft, with a copy of its items."""
    with transaction.atomic():
        source = _locked_set(standard_set)
        check_perm(by, "demonstration.add_standardset", source)
        year = year or source.year
        last = (
            StandardSet.objects.filter(org_id=source.org_id, level=source.level, name=source.name, year=year)
            .order_by("-edition")
            .values_list("edition", flat=True)
            .first()
        )
        copy = StandardSet(
            org=source.org,
            level=source.level,
            name=source.name,
            year=year,
            edition=(last or 0) + 1,
            description=source.description,
            copied_from=source,
            created_by=_user(by),
        )
        _check_set(copy)
        copy.save()
        StandardItem.objects.bulk_create(
            StandardItem(
                standard_set=copy,
                number=item.number,
                title=item.title,
                description=item.description,
                evidence_required=item.evidence_required,
            )
            for item in source.items.order_by("number")
        )
        audit.record(
            AuditAction.CREATE,
            copy,
            by=by,
            changes=audit.diff({}, audit.snapshot(copy, SET_FIELDS)),
            note=gettext("Copied from %(set)s") % {"set": source},
        )
    return copy


def _check_item(item: StandardItem) -> None:
    if not item.title:
        raise RuleViolation(gettext("Give the standard item a title."), rule="title", field="title")
    if not 1 <= (item.number or 0) <= 99:
        raise RuleViolation(
            gettext("The item number must be between 1 and 99."), rule="number", field="number"
        )
    twin = StandardItem.objects.filter(standard_set_id=item.standard_set_id, number=item.number)
    if item.pk:
        twin = twin.exclude(pk=item.pk)
    if twin.exists():
        raise RuleViolation(
            gettext("Item number %(number)s is already used in this set.") % {"number": item.number},
            rule="duplicate_number",
            field="number",
        )


def add_item(
    standard_set: StandardSet,
    *,
    by,
    number: int,
    title: str,
    description: str = "",
    evidence_required: str = "",
) -> StandardItem:
    with transaction.atomic():
        current = _locked_set(standard_set)
        check_perm(by, "demonstration.change_standardset", current)
        if current.is_published:
            raise RuleViolation(
                gettext("A published standard set is not edited; copy it to a new edition."), rule="published"
            )
        item = StandardItem(
            standard_set=current,
            number=number,
            title=_text(title),
            description=_text(description),
            evidence_required=_text(evidence_required),
        )
        _check_item(item)
        item.save()
        audit.record(
            AuditAction.CREATE, item, by=by, changes=audit.diff({}, audit.snapshot(item, ITEM_FIELDS))
        )
    return item


def update_item(item: StandardItem, *, by, **fields) -> StandardItem:
    if set(fields) - set(ITEM_FIELDS):
        raise ValueError(f"Not editable: {sorted(set(fields) - set(ITEM_FIELDS))}")
    with transaction.atomic():
        current_set = _locked_set(item.standard_set)
        check_perm(by, "demonstration.change_standardset", current_set)
        if current_set.is_published:
            raise RuleViolation(
                gettext("A published standard set is not edited; copy it to a new edition."), rule="published"
            )
        current = StandardItem.objects.select_related("standard_set__org").get(pk=item.pk)
        before = audit.snapshot(current, ITEM_FIELDS)
        for name, value in fields.items():
            setattr(current, name, value if name == "number" else _text(value))
        _check_item(current)
        current.save()
        audit.record(
            AuditAction.UPDATE,
            current,
            by=by,
            changes=audit.diff(before, audit.snapshot(current, ITEM_FIELDS)),
        )
    return current


# --- applications -----------------------------------------------------------------------------


def _locked_application(application: Application) -> Application:
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("org", "standard_set")
        .get(pk=application.pk)
    )


def create_application(*, by, org: Organization, standard_set: StandardSet, summary: str = "") -> Application:
    """Start a draft application of ``org`` against a published set, with an empty evidence row per item."""
    application = Application(
        org=org,
        standard_set=standard_set,
        level=standard_set.level,
        summary=_text(summary),
        created_by=_user(by),
    )
    with transaction.atomic():
        check_perm(by, "demonstration.add_application", application)
        standard_set = StandardSet.objects.select_related("org").get(pk=standard_set.pk)
        application.standard_set = standard_set
        if not standard_set.is_published:
            raise RuleViolation(
                gettext("Apply against a published standard set."),
                rule="set_not_published",
                field="standard_set",
            )
        if not org.path.startswith(standard_set.org.path):
            raise RuleViolation(
                gettext("This standard set was issued for another part of the organization tree."),
                rule="set_elsewhere",
                field="standard_set",
            )
        if Application.objects.filter(
            org=org, level=application.level, state__in=OPEN_APPLICATION_STATES
        ).exists():
            raise RuleViolation(
                gettext("%(org)s already has an open application for this level.") % {"org": org.name},
                rule="open_application",
            )
        if Designation.objects.filter(
            org=org, level=application.level, state=DesignationState.ACTIVE
        ).exists():
            raise RuleViolation(
                gettext("%(org)s is already a demonstration point of this level.") % {"org": org.name},
                rule="already_designated",
            )
        application.save()
        ItemEvidence.objects.bulk_create(
            ItemEvidence(application=application, item=item) for item in standard_set.items.order_by("number")
        )
        audit.record(
            AuditAction.CREATE,
            application,
            by=by,
            changes=audit.diff(
                {}, audit.snapshot(application, ["org", "standard_set", "level", "state", "summary"])
            ),
        )
    return application


def _check_draft(application: Application) -> None:
    if application.state != ApplicationState.DRAFT:
        raise RuleViolation(
            gettext("The application is %(state)s; only a draft can be changed.")
            % {"state": application.get_state_display()},
            rule="not_draft",
        )


def save_evidence(evidence: ItemEvidence, *, by, text: str, version: int | None = None) -> ItemEvidence:
    """The applicant's evidence text for one item (a draft only)."""
    with transaction.atomic():
        application = _locked_application(evidence.application)
        check_perm(by, "demonstration.change_application", application)
        _check_draft(application)
        current = ItemEvidence.objects.select_related("item").get(pk=evidence.pk)
        before = current.text
        _versioned_update(ItemEvidence, current, version, {"text": _text(text)})
        current.application = application
        audit.record(
            AuditAction.UPDATE, current, by=by, changes=audit.diff({"text": before}, {"text": current.text})
        )
    return current


# The documents every attachment accepts (``core.uploads``): the name and the content must agree.
MAX_FILE_BYTES = MAX_DOCUMENT_BYTES
FILE_TYPES = DOCUMENT_TYPES


def file_refusal(name: str, size: int, head: bytes) -> str | None:
    """Why a file cannot be attached (too large, a type not accepted), in words; None if it can."""
    return document_refusal(name, size, head, types=FILE_TYPES, max_bytes=MAX_FILE_BYTES)


def add_evidence_file(evidence: ItemEvidence, upload, *, by) -> EvidenceFile:
    """Attach a photo or document (at most 10 MB, JPG/PNG/PDF/DOCX/XLSX) to one item's evidence."""
    name = (getattr(upload, "name", "") or "file").rsplit("/", 1)[-1][:200]
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    refusal = file_refusal(name, upload.size, head)
    if refusal:
        raise RuleViolation(refusal, rule="evidence_file", field="file")
    extension = name.rsplit(".", 1)[-1].lower()
    with transaction.atomic():
        application = _locked_application(evidence.application)
        check_perm(by, "demonstration.change_application", application)
        _check_draft(application)
        evidence.application = application
        stored = EvidenceFile(
            evidence=evidence,
            original_name=name,
            content_type=FILE_TYPES[extension][0],
            size=upload.size,
            uploaded_by=_user(by),
        )
        stored.file.save(name, upload, save=False)
        stored.save()
        audit.record(
            AuditAction.CREATE,
            stored,
            by=by,
            changes=audit.diff({}, {"file": name, "size": upload.size}),
            note=str(evidence.item),
        )
    return stored


def remove_evidence_file(stored: EvidenceFile, *, by) -> None:
    """Remove a file from a draft's evidence; the file is deleted once the transaction has committed."""
    with transaction.atomic():
        current = EvidenceFile.objects.select_related("evidence__item", "evidence__application").get(
            pk=stored.pk
        )
        application = _locked_application(current.evidence.application)
        check_perm(by, "demonstration.change_application", application)
        _check_draft(application)
        current.evidence.application = application
        audit.record(
            AuditAction.DELETE,
            current,
            by=by,
            changes=audit.diff({"file": current.original_name, "size": current.size}, {}),
            note=str(current.evidence.item),
        )
        storage, file_name = current.file.storage, current.file.name
        current.delete()
        transaction.on_commit(lambda: storage.delete(file_name))


def submit_application(application: Application, *, by, version: int | None = None) -> Application:
    """Hand the draft in; every item needs evidence (a text or a file)."""
    with transaction.atomic():
        current = _locked_application(application)
        check_perm(by, "demonstration.change_application", current)
        _check_draft(current)
        missing = [
            str(row.item)
            for row in current.evidence.select_related("item").order_by("item__number")
            if not row.text and not row.files.exists()
        ]
        if missing:
            raise RuleViolation(
                gettext("Give evidence for every item before submitting; missing: %(items)s.")
                % {"items": gettext("; ").join(missing)},
                rule="evidence_missing",
            )
        _versioned_update(
            Application,
            current,
            version,
            {"state": ApplicationState.SUBMITTED, "submitted_at": timezone.now()},
        )
        audit.record(
            AuditAction.UPDATE,
            current,
            by=by,
            changes={"state": [ApplicationState.DRAFT, ApplicationState.SUBMITTED]},
        )
    return current


def start_review(application: Application, *, by) -> Application:
    with transaction.atomic():
        current = _locked_application(application)
        _check_review(by, current)
        if current.state != ApplicationState.SUBMITTED:
            raise RuleViolation(
                gettext("Only a submitted application can be taken into review."), rule="not_submitted"
            )
        _versioned_update(
            Application,
            current,
            current.version,
            {"state": ApplicationState.UNDER_REVIEW, "reviewer": _user(by)},
        )
        audit.record(
            AuditAction.UPDATE,
            current,
            by=by,
            changes={"state": [ApplicationState.SUBMITTED, ApplicationState.UNDER_REVIEW]},
        )
    return current


def review_item(evidence: ItemEvidence, *, by, result: str, comment: str = "") -> ItemEvidence:
    """The reviewer's verdict on one item (met / not met); "not met" needs a comment."""
    if result not in (ItemResult.MET, ItemResult.NOT_MET):
        raise RuleViolation(gettext("Choose met or not met."), rule="result", field="result")
    comment = _text(comment)
    if result == ItemResult.NOT_MET and not comment:
        raise RuleViolation(gettext("Say why the item is not met."), rule="comment_required", field="comment")
    with transaction.atomic():
        application = _locked_application(evidence.application)
        _check_review(by, application)
        if application.state != ApplicationState.UNDER_REVIEW:
            raise RuleViolation(
                gettext("Take the application into review before reviewing its items."),
                rule="not_under_review",
            )
        current = ItemEvidence.objects.select_related("item").get(pk=evidence.pk)
        before = {"result": current.result, "comment": current.comment}
        _versioned_update(
            ItemEvidence,
            current,
            current.version,
            {"result": result, "comment": comment, "reviewed_by": _user(by)},
        )
        current.application = application
        audit.record(
            AuditAction.UPDATE,
            current,
            by=by,
            changes=audit.diff(before, {"result": result, "comment": comment}),
        )
    return current


def _sync_org_level(org: Organization) -> None:
    """The organization page's 示范点 level: its highest active designation, or none."""
    levels = Designation.objects.filter(org=org, state=DesignationState.ACTIVE).values_list(
        "level", flat=True
    )
    best = max(levels, key=lambda level: LEVEL_RANK.get(level, 0), default="")
    Organization.objects.filter(pk=org.pk).update(demonstration_level=best)


def designate(
    application: Application,
    *,
    by,
    since: datetime.date | None = None,
    next_recheck_due: datetime.date | None = None,
    version: int | None = None,
    note: str = "",
) -> Designation:
    """Name the applicant a 示范点: every item reviewed and met."""
    since = since or _today()
    with transaction.atomic():
        current = _locked_application(application)
        _check_review(by, current)
        check_perm(by, "demonstration.add_designation", current)
        if current.state != ApplicationState.UNDER_REVIEW:
            raise RuleViolation(
                gettext("Only an application under review can be decided."), rule="not_under_review"
            )
        results = list(current.evidence.values_list("result", flat=True))
        if not results or any(result != ItemResult.MET for result in results):
            raise RuleViolation(
                gettext(
                    "Every item must be reviewed and met before designating; reject the application otherwise."
                ),
                rule="items_not_met",
            )
        if since > _today():
            raise RuleViolation(
                gettext("The designation cannot start in the future."), rule="future_date", field="since"
            )
        due = next_recheck_due or since + datetime.timedelta(days=RECHECK_INTERVAL_DAYS)
        if due <= since:
            raise RuleViolation(
                gettext("The first re-check must fall after the designation starts."),
                rule="recheck_before_since",
                field="next_recheck_due",
            )
        if Designation.objects.filter(
            org=current.org, level=current.level, state=DesignationState.ACTIVE
        ).exists():
            raise RuleViolation(
                gettext("This organization is already a demonstration point of this level."),
                rule="already_designated",
            )
        _versioned_update(
            Application,
            current,
            version,
            {
                "state": ApplicationState.DESIGNATED,
                "decided_at": timezone.now(),
                "decision_reason": _text(note),
            },
        )
        designation = Designation.objects.create(
            org=current.org,
            level=current.level,
            standard_set=current.standard_set,
            application=current,
            since=since,
            next_recheck_due=due,
            designated_by=_user(by),
        )
        _sync_org_level(current.org)
        audit.record(
            AuditAction.UPDATE,
            current,
            by=by,
            changes={"state": [ApplicationState.UNDER_REVIEW, ApplicationState.DESIGNATED]},
        )
        audit.record(
            AuditAction.CREATE,
            designation,
            by=by,
            changes=audit.diff(
                {}, audit.snapshot(designation, ["org", "level", "since", "next_recheck_due"])
            ),
        )
    return designation


def reject(application: Application, *, by, reason: str, version: int | None = None) -> Application:
    reason = _text(reason)
    if not reason:
        raise RuleViolation(
            gettext("Give the reason for the rejection."), rule="reason_required", field="reason"
        )
    with transaction.atomic():
        current = _locked_application(application)
        _check_review(by, current)
        if current.state not in (ApplicationState.SUBMITTED, ApplicationState.UNDER_REVIEW):
            raise RuleViolation(
                gettext("Only a submitted application can be rejected."), rule="not_submitted"
            )
        before = current.state
        _versioned_update(
            Application,
            current,
            version,
            {"state": ApplicationState.REJECTED, "decided_at": timezone.now(), "decision_reason": reason},
        )
        audit.record(
            AuditAction.UPDATE,
            current,
            by=by,
            changes={"state": [before, ApplicationState.REJECTED]},
            note=reason,
        )
    return current


# --- designations and re-checks ---------------------------------------------------------------


def _locked_designation(designation: Designation) -> Designation:
    return (
        Designation.objects.select_for_update(of=("self",))
        .select_related("org", "standard_set")
        .get(pk=designation.pk)
    )


def _end(designation: Designation, *, by, state: str, reason: str, on: datetime.date) -> None:
    _versioned_update(
        Designation,
        designation,
        designation.version,
        {"state": state, "ended_on": on, "end_reason": reason, "rectify_by": None},
    )
    _sync_org_level(designation.org)
    audit.record(
        AuditAction.UPDATE,
        designation,
        by=by,
        changes={"state": [DesignationState.ACTIVE, state], "ended_on": [None, on.isoformat()]},
        note=reason,
    )


def record_recheck(
    designation: Designation,
    *,
    by,
    results: dict[int, tuple[bool, str]],
    outcome: str,
    checked_on: datetime.date | None = None,
    rectify_working_days: int | None = None,
    note: str = "",
    version: int | None = None,
) -> Recheck:
    """A re-check with a result per standard item (item id → (met, comment)) and its outcome:
    keep (every item met; the next re-check a year on), warn (rectify within N working days, the
    re-check then falls due on that deadline) or revoke (with a reason)."""
    checked_on = checked_on or _today()
    note = _text(note)
    with transaction.atomic():
        current = _locked_designation(designation)
        check_perm(by, "demonstration.change_designation", current)
        if version is not None and version != current.version:
            raise ConcurrentChange(
                gettext("Someone changed this record at the same moment; reload the page and try again."),
                rule="version",
            )
        if not current.is_active:
            raise RuleViolation(
                gettext("Only an active demonstration point is re-checked."), rule="not_active"
            )
        if outcome not in RecheckOutcome.values:
            raise RuleViolation(gettext("Choose the outcome."), rule="outcome", field="outcome")
        if checked_on > _today() or checked_on < current.since:
            raise RuleViolation(
                gettext("The re-check date must lie between the designation (%(since)s) and today.")
                % {"since": current.since},
                rule="checked_on",
                field="checked_on",
            )
        items = list(current.standard_set.items.order_by("number"))
        if {item.pk for item in items} != set(results):
            raise RuleViolation(gettext("Give a result for every standard item."), rule="results_incomplete")
        all_met = all(results[item.pk][0] for item in items)
        if outcome == RecheckOutcome.KEEP and not all_met:
            raise RuleViolation(
                gettext("Some items are not met: warn with a deadline or revoke."),
                rule="keep_not_met",
                field="outcome",
            )
        if outcome != RecheckOutcome.KEEP and not note:
            raise RuleViolation(gettext("Say why, in the note."), rule="note_required", field="note")
        rectify_by = None
        if outcome == RecheckOutcome.WARN:
            days = rectify_working_days or DEFAULT_RECTIFY_WORKING_DAYS
            if not 1 <= days <= MAX_RECTIFY_WORKING_DAYS:
                raise RuleViolation(
                    gettext("The deadline must be 1 to %(max)s working days.")
                    % {"max": MAX_RECTIFY_WORKING_DAYS},
                    rule="deadline",
                    field="rectify_working_days",
                )
            rectify_by = add_working_days(checked_on, days)
        recheck = Recheck.objects.create(
            designation=current,
            checked_on=checked_on,
            outcome=outcome,
            rectify_by=rectify_by,
            note=note,
            checked_by=_user(by),
        )
        RecheckResult.objects.bulk_create(
            RecheckResult(
                recheck=recheck, item=item, met=results[item.pk][0], comment=_text(results[item.pk][1])[:500]
            )
            for item in items
        )
        audit.record(
            AuditAction.CREATE,
            recheck,
            by=by,
            changes={
                "outcome": [None, outcome],
                "not_met": [None, [item.number for item in items if not results[item.pk][0]]],
                "rectify_by": [None, rectify_by.isoformat() if rectify_by else None],
            },
            note=note,
        )
        if outcome == RecheckOutcome.REVOKE:
            _end(current, by=by, state=DesignationState.REVOKED, reason=note, on=checked_on)
        else:
            before = {
                "next_recheck_due": current.next_recheck_due.isoformat(),
                "rectify_by": current.rectify_by,
            }
            due = rectify_by or checked_on + datetime.timedelta(days=RECHECK_INTERVAL_DAYS)
            _versioned_update(
                Designation, current, current.version, {"next_recheck_due": due, "rectify_by": rectify_by}
            )
            audit.record(
                AuditAction.UPDATE,
                current,
                by=by,
                changes=audit.diff(
                    before,
                    {
                        "next_recheck_due": due.isoformat(),
                        "rectify_by": rectify_by.isoformat() if rectify_by else None,
                    },
                ),
            )
    return recheck


def expire_overdue(today: datetime.date | None = None) -> int:
    """Let titles lapse whose re-check is overdue by more than EXPIRY_GRACE_DAYS (the worker's job)."""
    today = today or _today()
    limit = today - datetime.timedelta(days=EXPIRY_GRACE_DAYS)
    count = 0
    for designation in Designation.objects.active().filter(next_recheck_due__lt=limit).select_related("org"):
        with transaction.atomic():
            current = _locked_designation(designation)
            if not current.is_active or current.next_recheck_due >= limit:
                continue
            _end(
                current,
                by=None,
                state=DesignationState.EXPIRED,
                reason=gettext("Not re-checked within %(days)s days of the due date (%(due)s).")
                % {"days": EXPIRY_GRACE_DAYS, "due": current.next_recheck_due},
                on=today,
            )
            count += 1
    return count
