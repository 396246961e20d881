"""A rating round from self-assessment through review and 公示 to the final stars."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext

from dangjian.core import audit
from dangjian.core.choices import AuditAction
from dangjian.core.errors import RuleViolation
from dangjian.core.registry import registry
from dangjian.core.scoping import check_perm
from dangjian.core.uploads import document_refusal
from dangjian.evaluation import rules
from dangjian.evaluation.choices import (
    ROUND_ORDER,
    AssessmentStatus,
    ItemKind,
    Movement,
    ObjectionStatus,
    RoundStatus,
    SchemeStatus,
)
from dangjian.evaluation.models import (
    Assessment,
    Cap,
    Evidence,
    Item,
    ItemScore,
    Objection,
    OrgStarRecord,
    RatingRound,
    RatingScheme,
    Rectification,
)
from dangjian.evaluation.services.common import (
    EVIDENCE_TYPES,
    MAX_EVIDENCE_BYTES,
    ROUND_FIELDS,
    _bump,
    _decimal,
    _text,
    _today,
    _user,
)
from dangjian.orgs.models import Organization

# --- Rounds ------------------------------------------------------------------------------------


def _locked_round(
    rating_round: RatingRound, by, permission: str = "evaluation.change_ratinground"
) -> RatingRound:
    current = (
        RatingRound.objects.select_for_update(of=("self",))
        .select_related("root", "scheme")
        .get(pk=rating_round.pk)
    )
    check_perm(by, permission, current)
    return current


def _expect(rating_round: RatingRound, *states: str) -> None:
    if rating_round.status not in states:
        raise RuleViolation(
            gettext("The round is at “%(status)s”; this step is not possible now.")
            % {"status": rating_round.get_status_display()},
            rule="round_status",
        )


def _move(rating_round: RatingRound, by, new_status: str, **changes) -> None:
    old = rating_round.status
    if ROUND_ORDER.index(new_status) != ROUND_ORDER.index(old) + 1:
        raise RuleViolation(gettext("A round moves one step at a time."), rule="round_order")
    _bump(RatingRound, rating_round, None, status=new_status, **changes)
    rating_round.refresh_from_db()
    audit.record(
        AuditAction.UPDATE,
        rating_round,
        by=by,
        changes={"status": [old, new_status], **{k: [None, str(v)] for k, v in changes.items()}},
    )


def create_round(
    *,
    by,
    scheme: RatingScheme,
    root: Organization,
    name: str,
    year: int,
    period_start: datetime.date,
    period_end: datetime.date,
    publicity_days: int = 5,
    rated_kind: str = "primary_committee",
) -> RatingRound:
    """A draft round rating the organizations of ``rated_kind`` under ``root`` with a published scheme."""
    rating_round = RatingRound(
        scheme=scheme,
        root=root,
        name=_text(name),
        year=year,
        rated_kind=rated_kind,
        period_start=period_start,
        period_end=period_end,
        publicity_days=publicity_days,
        created_by=_user(by),
    )
    with transaction.atomic():
        check_perm(by, "evaluation.add_ratinground", rating_round)
        if scheme.status != SchemeStatus.PUBLISHED:
            raise RuleViolation(
                gettext("Publish the scheme before starting a round with it."),
                rule="scheme_draft",
                field="scheme",
            )
        if not rating_round.name:
            raise RuleViolation(gettext("Give the round a name."), rule="name_required", field="name")
        if not 2000 <= int(year) <= 2100:
            raise RuleViolation(
                gettext("The year must be between 2000 and 2100; it is %(year)s.") % {"year": year},
                rule="year_range",
                field="year",
            )
        if period_end < period_start:
            raise RuleViolation(
                gettext("The period cannot end (%(end)s) before it starts (%(start)s).")
                % {"end": period_end, "start": period_start},
                rule="period",
                field="period_end",
            )
        if not 1 <= int(publicity_days) <= 60:
            raise RuleViolation(
                gettext("The public notice lasts 1 to 60 days; %(days)s was given.")
                % {"days": publicity_days},
                rule="publicity_days",
                field="publicity_days",
            )
        rating_round.save()
        audit.record(
            AuditAction.CREATE,
            rating_round,
            by=by,
            changes=audit.diff({}, audit.snapshot(rating_round, ROUND_FIELDS)),
        )
    return rating_round


def rated_orgs(rating_round: RatingRound):
    """The active organizations of the round's kind and the scheme's field under its root."""
    return Organization.objects.filter(
        path__startswith=rating_round.root.path,
        depth__gt=rating_round.root.depth,
        kind=rating_round.rated_kind,
        field=rating_round.scheme.org_field,
        is_active=True,
    ).order_by("path")


def open_self_assessment(rating_round: RatingRound, *, by) -> RatingRound:
    """Draft → self-assessment: one assessment per rated organization, one score row per item."""
    with transaction.atomic():
        current = _locked_round(rating_round, by)
        _expect(current, RoundStatus.DRAFT)
        if current.scheme.status != SchemeStatus.PUBLISHED:
            raise RuleViolation(
                gettext("Publish the scheme before starting a round with it."), rule="scheme_draft"
            )
        orgs = list(rated_orgs(current))
        if not orgs:
            raise RuleViolation(
                gettext("No organization under %(root)s matches the round's kind and the scheme's field.")
                % {"root": current.root},
                rule="no_orgs",
            )
        assessments = Assessment.objects.bulk_create([Assessment(round=current, org=org) for org in orgs])
        if any(a.pk is None for a in assessments):  # backends without RETURNING on bulk inserts
            assessments = list(Assessment.objects.filter(round=current))
        items = list(current.scheme.items.all())
        ItemScore.objects.bulk_create(
            [ItemScore(assessment=assessment, item=item) for assessment in assessments for item in items],
            batch_size=1000,
        )
        _move(current, by, RoundStatus.SELF_ASSESSMENT)
    return current


def _locked_assessment(assessment: Assessment, by, permission: str) -> Assessment:
    current = (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("org", "round__scheme", "round__root")
        .get(pk=assessment.pk)
    )
    check_perm(by, permission, current)
    return current


def _signed(item: Item, points: Decimal) -> Decimal:
    """Points as entered (0..max) stored with their sign: a deduction takes points away."""
    if points > item.max_points:
        raise RuleViolation(
            gettext("“%(item)s” gives at most %(max)s points; %(points)s was entered.")
            % {"item": item.name, "max": item.max_points, "points": points},
            rule="points_range",
            field=f"points_{item.pk}",
        )
    return -points if item.kind == ItemKind.DEDUCTION else points


def save_self_assessment(
    assessment: Assessment,
    *,
    by,
    text: str | None = None,
    scores: Mapping[int, tuple[object, str]] | None = None,
    row_version: int | None = None,
) -> Assessment:
    """The organization's own account and its self-scores of the manual items (by item id)."""
    with transaction.atomic():
        current = _locked_assessment(assessment, by, "evaluation.change_assessment")
        _expect(current.round, RoundStatus.SELF_ASSESSMENT)
        if current.status == AssessmentStatus.REVIEWED:
            raise RuleViolation(gettext("This assessment has been reviewed."), rule="assessment_reviewed")
        changes = {}
        if text is not None:
            changes["self_assessment"] = [current.self_assessment, _text(text)]
            current.self_assessment = _text(text)
        rows = {
            score.item_id: score
            for score in current.scores.select_related("item").select_for_update(of=("self",))
        }
        for item_id, (points, note) in (scores or {}).items():
            score = rows.get(int(item_id))
            if score is None:
                raise RuleViolation(gettext("That item is not part of this assessment."), rule="unknown_item")
            if score.item.is_auto:
                continue  # computed from records when the review starts
            value = None
            if points not in (None, ""):
                value = _signed(
                    score.item, _decimal(points, field=f"points_{score.item_id}", label=score.item.name)
                )
            if value != score.self_points or _text(note) != score.self_note:
                changes[f"item {score.item_id}"] = [str(score.self_points), str(value)]
                ItemScore.objects.filter(pk=score.pk).update(
                    self_points=value, self_note=_text(note), row_version=F("row_version") + 1
                )
        _bump(
            Assessment,
            current,
            row_version if row_version is not None else assessment.row_version,
            self_assessment=current.self_assessment,
        )
        current.refresh_from_db()
        audit.record(
            AuditAction.UPDATE, current, by=by, changes=changes, note=gettext("Self-assessment saved")
        )
    return current


def evidence_refusal(name: str, size: int, head: bytes) -> str | None:
    """Why a file cannot be evidence (too large, a type not accepted), in words; None if it can."""
    return document_refusal(name, size, head, types=EVIDENCE_TYPES, max_bytes=MAX_EVIDENCE_BYTES)


def add_evidence(score: ItemScore, upload, *, by) -> Evidence:
    """Attach a file proving a self-assessed item (JPG/PNG/PDF/DOCX/XLSX, at most 10 MB)."""
    name = (getattr(upload, "name", "") or "file").rsplit("/", 1)[-1][:200]
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    refusal = evidence_refusal(name, upload.size, head)
    if refusal:
        raise RuleViolation(refusal, rule="evidence_file", field="file")
    with transaction.atomic():
        current = _locked_assessment(score.assessment, by, "evaluation.change_assessment")
        _expect(current.round, RoundStatus.SELF_ASSESSMENT)
        if current.status == AssessmentStatus.REVIEWED:
            raise RuleViolation(gettext("This assessment has been reviewed."), rule="assessment_reviewed")
        extension = name.rsplit(".", 1)[-1].lower()
        evidence = Evidence(
            score=score,
            original_name=name,
            content_type=EVIDENCE_TYPES[extension][0],
            size=upload.size,
            uploaded_by=_user(by),
        )
        evidence.file.save(name, upload, save=False)
        evidence.save()
        audit.record(
            AuditAction.CREATE,
            evidence,
            by=by,
            changes=audit.diff({}, {"file": name, "size": upload.size}),
            note=gettext("Evidence for “%(item)s”") % {"item": score.item.name},
        )
    return evidence


def submit_self_assessment(assessment: Assessment, *, by) -> Assessment:
    """Hand the self-assessment in; items that require evidence must have a file."""
    with transaction.atomic():
        current = _locked_assessment(assessment, by, "evaluation.change_assessment")
        _expect(current.round, RoundStatus.SELF_ASSESSMENT)
        if current.status != AssessmentStatus.PENDING:
            raise RuleViolation(
                gettext("This self-assessment has already been submitted."), rule="already_submitted"
            )
        missing = [
            score.item.name
            for score in current.scores.select_related("item").filter(item__evidence_required=True)
            if not score.item.is_auto and not score.evidence.exists()
        ]
        if missing:
            raise RuleViolation(
                gettext("Attach evidence for: %(items)s.") % {"items": gettext("、").join(missing)},
                rule="evidence_missing",
            )
        _bump(Assessment, current, None, status=AssessmentStatus.SUBMITTED, submitted_at=timezone.now())
        current.refresh_from_db()
        audit.record(
            AuditAction.UPDATE,
            current,
            by=by,
            changes={"status": [AssessmentStatus.PENDING, AssessmentStatus.SUBMITTED]},
        )
    return current


def _figure_value(key: str, org: Organization, period, cache: dict):
    if (key, org.pk) not in cache:
        cache[(key, org.pk)] = registry["figures"][key].compute(org, period)
    return cache[(key, org.pk)]


def freeze_scores(rating_round: RatingRound) -> int:
    """Compute every auto item from the figures store and freeze value, points and scheme version
    into the score rows; the caps' figure values are frozen on the assessment. Returns rows frozen."""
    period = rating_round.period
    scheme = rating_round.scheme
    now = timezone.now()
    cache: dict = {}
    frozen = 0
    caps = list(scheme.caps.filter(item__isnull=True))
    for assessment in rating_round.assessments.select_related("org"):
        updates = []
        for score in assessment.scores.select_related("item"):
            item = score.item
            if not item.is_auto:
                continue
            numerator = _figure_value(item.figure_key, assessment.org, period, cache)
            if item.denominator_key:
                denominator = _figure_value(item.denominator_key, assessment.org, period, cache)
                value = rules.ratio(numerator, denominator)
            else:
                denominator = None
                value = rules.as_decimal(numerator)
            result = rules.points_for(value, item.rule())
            score.numerator = rules.as_decimal(numerator)
            score.denominator = rules.as_decimal(denominator)
            score.value = value
            score.flag = result.flag
            score.auto_points = result.points
            score.frozen_at = now
            score.scheme_version = scheme.version
            updates.append(score)
        ItemScore.objects.bulk_update(
            updates,
            ["numerator", "denominator", "value", "flag", "auto_points", "frozen_at", "scheme_version"],
        )
        frozen += len(updates)
        if caps:
            values = {
                cap.figure_key: _figure_value(cap.figure_key, assessment.org, period, cache) for cap in caps
            }
            Assessment.objects.filter(pk=assessment.pk).update(
                cap_values={key: None if v is None else str(rules.as_decimal(v)) for key, v in values.items()}
            )
    return frozen


def start_review(rating_round: RatingRound, *, by) -> RatingRound:
    """Self-assessment → review: the auto items are computed and frozen (a later scheme edit or new
    records never change them)."""
    with transaction.atomic():
        current = _locked_round(rating_round, by)
        _expect(current, RoundStatus.SELF_ASSESSMENT)
        count = freeze_scores(current)
        _move(current, by, RoundStatus.REVIEW, scheme_version=current.scheme.version)
        audit.record(
            AuditAction.UPDATE,
            current,
            by=by,
            changes={"frozen_scores": [None, count]},
            note=gettext("Auto items computed and frozen"),
        )
    return current


def review_score(
    score: ItemScore, *, by, points, comment: str = "", row_version: int | None = None
) -> ItemScore:
    """The reviewer's points for an item (a manual item's score, or an auto item's correction,
    which needs a comment saying why)."""
    with transaction.atomic():
        assessment = _locked_assessment(score.assessment, by, "evaluation.review_assessment")
        _expect(assessment.round, RoundStatus.REVIEW)
        current = ItemScore.objects.select_for_update(of=("self",)).select_related("item").get(pk=score.pk)
        if current.assessment_id != assessment.pk:
            raise RuleViolation(gettext("That item is not part of this assessment."), rule="unknown_item")
        value = None
        if points not in (None, ""):
            value = _signed(current.item, _decimal(points, field="points", label=current.item.name))
        if current.item.is_auto and value is not None and not _text(comment):
            raise RuleViolation(
                gettext("Changing computed points needs a comment saying why."),
                rule="comment_required",
                field="comment",
            )
        before = {"reviewer_points": str(current.reviewer_points), "review_comment": current.review_comment}
        _bump(
            ItemScore,
            current,
            row_version if row_version is not None else score.row_version,
            reviewer_points=value,
            review_comment=_text(comment),
        )
        current.refresh_from_db()
        audit.record(
            AuditAction.UPDATE,
            current,
            by=by,
            changes=audit.diff(before, {"reviewer_points": str(value), "review_comment": _text(comment)}),
        )
    return current


def final_points_of(score: ItemScore) -> Decimal | None:
    """The reviewer's points where given, else the frozen auto points (None: not yet scored)."""
    if score.reviewer_points is not None:
        return score.reviewer_points
    if score.item.is_auto:
        return score.auto_points
    return None


def _cap_checks(
    assessment: Assessment, scores: Sequence[ItemScore], caps: Sequence[Cap]
) -> list[rules.CapCheck]:
    by_item = {score.item_id: score for score in scores}
    checks = []
    for cap in caps:
        if cap.item_id:
            score = by_item.get(cap.item_id)
            value = score.value if score is not None else None
            label = cap.item.name
        else:
            raw = (assessment.cap_values or {}).get(cap.figure_key)
            value = Decimal(raw) if raw is not None else None
            figure = registry["figures"].get(cap.figure_key)
            label = str(figure.label) if figure else cap.figure_key
        checks.append(rules.CapCheck(label=label, value=value, below=cap.below, max_stars=cap.max_stars))
    return checks


def complete_review(assessment: Assessment, *, by) -> Assessment:
    """Close an organization's review: final points per item, the total and the stars after caps."""
    with transaction.atomic():
        current = _locked_assessment(assessment, by, "evaluation.review_assessment")
        _expect(current.round, RoundStatus.REVIEW)
        scores = list(current.scores.select_related("item").select_for_update(of=("self",)))
        unscored = [score.item.name for score in scores if final_points_of(score) is None]
        if unscored:
            raise RuleViolation(
                gettext("Score these items first: %(items)s.") % {"items": gettext("、").join(unscored)},
                rule="unscored_items",
            )
        for score in scores:
            score.final_points = final_points_of(score)
        ItemScore.objects.bulk_update(scores, ["final_points"])
        scheme = current.round.scheme
        total = rules.total_of(score.final_points for score in scores)
        thresholds = [(t.stars, t.min_total) for t in scheme.thresholds.all()]
        caps = list(scheme.caps.select_related("item"))
        result = rules.stars_for(total, thresholds, _cap_checks(current, scores, caps))
        _bump(
            Assessment,
            current,
            None,
            status=AssessmentStatus.REVIEWED,
            total=total,
            stars=result.stars,
            uncapped_stars=result.uncapped,
            caps_applied=list(result.caps_applied),
        )
        current.refresh_from_db()
        audit.record(
            AuditAction.UPDATE,
            current,
            by=by,
            changes={
                "status": [AssessmentStatus.SUBMITTED, AssessmentStatus.REVIEWED],
                "total": [None, str(total)],
                "stars": [None, result.stars],
            },
        )
    return current


def start_publicity(rating_round: RatingRound, *, by) -> RatingRound:
    """Review → 公示: every assessment reviewed; the notice runs from today for N days."""
    with transaction.atomic():
        current = _locked_round(rating_round, by)
        _expect(current, RoundStatus.REVIEW)
        waiting = current.assessments.exclude(status=AssessmentStatus.REVIEWED).count()
        if waiting:
            raise RuleViolation(
                gettext("%(count)s organizations have not been reviewed yet.") % {"count": waiting},
                rule="not_reviewed",
            )
        start = _today()
        _move(
            current,
            by,
            RoundStatus.PUBLICITY,
            publicity_start=start,
            publicity_end=start + datetime.timedelta(days=current.publicity_days - 1),
        )
    return current


def raise_objection(assessment: Assessment, *, name: str, text: str, contact: str = "") -> Objection:
    """Anyone may object to a result during its 公示 (a name and the text; the contact stays private)."""
    name, text, contact = _text(name)[:50], _text(text), _text(contact)[:50]
    if not name:
        raise RuleViolation(gettext("Please give your name."), rule="name_required", field="name")
    if not 5 <= len(text) <= 2000:
        raise RuleViolation(
            gettext("Please describe the objection in 5 to 2000 characters."),
            rule="text_length",
            field="text",
        )
    with transaction.atomic():
        current = Assessment.objects.select_related("org", "round").get(pk=assessment.pk)
        rating_round = current.round
        if rating_round.status != RoundStatus.PUBLICITY or _today() > rating_round.publicity_end:
            raise RuleViolation(
                gettext("The public notice of this rating is not open."), rule="publicity_closed"
            )
        objection = Objection.objects.create(assessment=current, name=name, contact=contact, text=text)
        audit.record(
            AuditAction.CREATE,
            objection,
            changes={"name": [None, name], "text": [None, text]},
            note=gettext("Objection raised on the portal"),
        )
    return objection


def answer_objection(objection: Objection, *, by, answer: str) -> Objection:
    """Staff answer an objection; the answer is shown on the public page."""
    with transaction.atomic():
        current = (
            Objection.objects.select_for_update(of=("self",))
            .select_related("assessment__org")
            .get(pk=objection.pk)
        )
        check_perm(by, "evaluation.change_objection", current)
        if not _text(answer):
            raise RuleViolation(gettext("Write the answer."), rule="answer_required", field="answer")
        before = {"answer": current.answer, "status": current.status}
        Objection.objects.filter(pk=current.pk).update(
            answer=_text(answer),
            status=ObjectionStatus.ANSWERED,
            answered_by=_user(by),
            answered_at=timezone.now(),
        )
        current.refresh_from_db()
        audit.record(
            AuditAction.UPDATE,
            current,
            by=by,
            changes=audit.diff(before, {"answer": current.answer, "status": current.status}),
        )
    return current


def finalize_round(rating_round: RatingRound, *, by) -> RatingRound:
    """公示 → final, once the notice is over and every objection answered: the stars go into each
    organization's history with the movement against the previous year; a demoted organization gets
    a 整改 plan due in working days."""
    with transaction.atomic():
        current = _locked_round(rating_round, by)
        _expect(current, RoundStatus.PUBLICITY)
        if _today() <= current.publicity_end:
            raise RuleViolation(
                gettext("The public notice runs until %(date)s; finalize after it ends.")
                % {"date": current.publicity_end},
                rule="publicity_running",
            )
        open_count = Objection.objects.filter(assessment__round=current, status=ObjectionStatus.OPEN).count()
        if open_count:
            raise RuleViolation(
                gettext("%(count)s objections are still waiting for an answer.") % {"count": open_count},
                rule="objections_open",
            )
        assessments = list(current.assessments.select_related("org"))
        previous = dict(
            OrgStarRecord.objects.filter(
                org__in=[a.org_id for a in assessments], year=current.year - 1
            ).values_list("org_id", "stars")
        )
        OrgStarRecord.objects.filter(org__in=[a.org_id for a in assessments], year=current.year).delete()
        records = []
        demoted = []
        for assessment in assessments:
            assessment.previous_stars = previous.get(assessment.org_id)
            assessment.movement = rules.movement(assessment.previous_stars, assessment.stars)
            records.append(
                OrgStarRecord(
                    org_id=assessment.org_id, year=current.year, stars=assessment.stars, round=current
                )
            )
            if assessment.movement == Movement.DOWN:
                demoted.append(assessment)
        Assessment.objects.bulk_update(assessments, ["previous_stars", "movement"])
        OrgStarRecord.objects.bulk_create(records)
        for stars in {assessment.stars for assessment in assessments}:
            Organization.objects.filter(pk__in=[a.org_id for a in assessments if a.stars == stars]).update(
                star_rating=stars
            )
        for assessment in demoted:
            plan = Rectification.objects.create(
                assessment=assessment,
                org=assessment.org,
                problems=gettext("Rated %(stars)s stars in %(year)s, down from %(previous)s.")
                % {"stars": assessment.stars, "year": current.year, "previous": assessment.previous_stars},
            )
            audit.record(AuditAction.CREATE, plan, by=by, note=gettext("整改 plan of a demoted organization"))
        _move(current, by, RoundStatus.FINAL, finalized_at=timezone.now())
    return current


# The step that moves a round on from each status (pages and API name it in the request).
NEXT_STEP = {
    RoundStatus.DRAFT: "open",
    RoundStatus.SELF_ASSESSMENT: "review",
    RoundStatus.REVIEW: "publicity",
    RoundStatus.PUBLICITY: "final",
}


def advance_round(rating_round: RatingRound, *, by, step: str) -> RatingRound:
    """Move the round on by ``step``, which must be its next one (a stale page names an old step)."""
    actions = {
        "open": open_self_assessment,
        "review": start_review,
        "publicity": start_publicity,
        "final": finalize_round,
    }
    expected = NEXT_STEP.get(rating_round.status, "")
    if step not in actions or step != expected:
        raise RuleViolation(
            gettext("The round has moved on meanwhile (it is at “%(status)s”); reload the page.")
            % {"status": rating_round.get_status_display()},
            rule="round_status",
        )
    return actions[step](rating_round, by=by)
