"""Demo and benchmark data of 评星定级: a district-wide scheme for 社区党组织 per root
organization for last year and this year, last year's round finished (stars for every community
in its history) and this year's round in review (auto items computed from the figures store and
frozen, self-scores filled in, nothing reviewed yet).

Last year's values are drawn (the records of that year are not generated); this year's come from
the records through ``services.freeze_scores``. Bulk inserts only; deterministic per seed.
"""

from __future__ import annotations

import datetime
from collections import Counter
from decimal import Decimal

from django.utils import timezone

from dangjian.core.generator.steps import generator_step
from dangjian.core.registry import registry
from dangjian.evaluation import rules
from dangjian.evaluation.choices import (
    AssessmentStatus,
    ItemKind,
    Movement,
    PointsMapping,
    RoundStatus,
    SchemeStatus,
)
from dangjian.evaluation.models import (
    Assessment,
    Cap,
    Category,
    Item,
    ItemScore,
    OrgStarRecord,
    RatingRound,
    RatingScheme,
    StarThreshold,
)
from dangjian.evaluation.services import freeze_scores
from dangjian.orgs.choices import AreaKind
from dangjian.orgs.models import Organization

# (category, max points, [(item, kind, max, figure, denominator, mapping, target, bands, per unit, evidence)])
CATEGORIES = [
    (
        "组织建设",
        80,
        [
            (
                "三会一课按时召开",
                ItemKind.AUTO,
                40,
                "life.meetings_held",
                "life.meetings_required",
                PointsMapping.LINEAR,
                "1",
                None,
                None,
                False,
            ),
            (
                "党员队伍",
                ItemKind.AUTO,
                20,
                "members.active_members",
                "",
                PointsMapping.LINEAR,
                "50",
                None,
                None,
                False,
            ),
            ("阵地建设", ItemKind.MANUAL, 20, "", "", PointsMapping.LINEAR, None, None, None, True),
        ],
    ),
    (
        "服务群众",
        100,
        [
            (
                "按时办结率",
                ItemKind.AUTO,
                30,
                "service.on_time_rate",
                "",
                PointsMapping.BANDS,
                None,
                [["0.95", "30"], ["0.9", "24"], ["0.8", "15"]],
                None,
                False,
            ),
            (
                "群众满意率",
                ItemKind.AUTO,
                30,
                "service.satisfaction_rate",
                "",
                PointsMapping.BANDS,
                None,
                [["0.95", "30"], ["0.9", "24"], ["0.8", "15"], ["0.6", "6"]],
                None,
                False,
            ),
            (
                "帮扶对子结对",
                ItemKind.AUTO,
                20,
                "help_pairs.active",
                "",
                PointsMapping.PER_UNIT,
                None,
                None,
                "2",
                False,
            ),
            ("特色工作", ItemKind.MANUAL, 20, "", "", PointsMapping.LINEAR, None, None, None, True),
        ],
    ),
    (
        "扣分项",
        20,
        [("违规违纪扣分", ItemKind.DEDUCTION, 20, "", "", PointsMapping.LINEAR, None, None, None, False)],
    ),
]
THRESHOLDS = {5: Decimal(170), 4: Decimal(150), 3: Decimal(120), 2: Decimal(90)}


def _community_orgs(root: Organization) -> list[Organization]:
    """The party organization of each community under ``root`` (the highest one whose jurisdiction it is)."""
    rows = list(
        Organization.objects.filter(
            path__startswith=root.path, jurisdiction__kind=AreaKind.COMMUNITY, is_active=True
        ).order_by("jurisdiction_id", "depth", "pk")
    )
    chosen: dict[int, Organization] = {}
    for org in rows:
        chosen.setdefault(org.jurisdiction_id, org)
    return sorted(chosen.values(), key=lambda org: org.path)


def _scheme(generator, root, year: int, org_field: str) -> tuple[RatingScheme, list[Item]]:
    scheme = RatingScheme.objects.create(
        owner=root,
        year=year,
        org_field=org_field,
        name="社区党组织评星定级",
        version=1,
        status=SchemeStatus.PUBLISHED,
        base_points=Decimal(200),
        description="基础分200分，另设扣分项；群众满意率低于60%的，最高评为二星。",
    )
    items = []
    for order, (name, max_points, rows) in enumerate(CATEGORIES):
        category = Category.objects.create(scheme=scheme, name=name, max_points=max_points, order=order)
        for item_order, (
            title,
            kind,
            top,
            figure,
            denominator,
            mapping,
            target,
            bands,
            per_unit,
            evidence,
        ) in enumerate(rows):
            if figure and figure not in registry["figures"]:
                kind, figure, denominator = ItemKind.MANUAL, "", ""
            items.append(
                Item(
                    scheme=scheme,
                    category=category,
                    name=title,
                    kind=kind,
                    max_points=Decimal(top),
                    evidence_required=evidence,
                    figure_key=figure,
                    denominator_key=denominator if denominator in registry["figures"] else "",
                    mapping=mapping,
                    target=Decimal(target) if target else None,
                    bands=bands or [],
                    per_unit=Decimal(per_unit) if per_unit else None,
                    order=item_order,
                )
            )
    Item.objects.bulk_create(items)
    items = list(scheme.items.select_related("category"))
    StarThreshold.objects.bulk_create(
        [
            StarThreshold(scheme=scheme, stars=stars, min_total=minimum)
            for stars, minimum in THRESHOLDS.items()
        ]
    )
    satisfaction = next((item for item in items if item.figure_key == "service.satisfaction_rate"), None)
    if satisfaction is not None:
        Cap.objects.create(scheme=scheme, item=satisfaction, below=Decimal("0.6"), max_stars=2)
    return scheme, items


def _round(scheme, root, year: int, kind: str, status: str, today) -> RatingRound:
    return RatingRound.objects.create(
        scheme=scheme,
        name=f"{year}年度社区党组织评星定级",
        year=year,
        root=root,
        rated_kind=kind,
        period_start=datetime.date(year, 1, 1),
        period_end=datetime.date(year, 12, 31),
        publicity_days=7,
        status=status,
        scheme_version=scheme.version if status != RoundStatus.SELF_ASSESSMENT else None,
        publicity_start=datetime.date(year + 1, 1, 10) if status == RoundStatus.FINAL else None,
        publicity_end=datetime.date(year + 1, 1, 16) if status == RoundStatus.FINAL else None,
        finalized_at=timezone.now() if status == RoundStatus.FINAL else None,
    )


def _last_year(generator, scheme, items, root, orgs, kind: str) -> int:
    """A finished round: values drawn, points by the scheme's rules, stars with caps, history."""
    rng = generator.rng
    rating_round = _round(scheme, root, scheme.year, kind, RoundStatus.FINAL, generator.today)
    assessments = [
        Assessment(
            round=rating_round,
            org=org,
            status=AssessmentStatus.REVIEWED,
            movement=Movement.NEW,
            self_assessment="按照评星标准逐项开展工作，材料已上传。",
        )
        for org in orgs
    ]
    generator.insert(Assessment, assessments, "evaluation")
    assessments = list(rating_round.assessments.order_by("pk"))
    thresholds = list(THRESHOLDS.items())
    caps = list(scheme.caps.select_related("item"))
    scores, records = [], []
    for assessment in assessments:
        finals = []
        values = {}
        for item in items:
            value = None
            if item.is_auto:
                value = rules.as_decimal(
                    rng.choice([rng.uniform(0.5, 1.0), rng.uniform(0.85, 1.0), rng.randint(0, 12)])
                    if item.mapping != PointsMapping.PER_UNIT
                    else rng.randint(0, 12)
                )
                if item.figure_key == "members.active_members":
                    value = Decimal(rng.randint(15, 80))
                points = rules.points_for(value, item.rule()).points
            elif item.kind == ItemKind.DEDUCTION:
                points = -Decimal(rng.choice([0, 0, 0, 0, 2, 5]))
            else:
                points = Decimal(rng.randint(int(item.max_points) // 2, int(item.max_points)))
            values[item.pk] = value
            finals.append(points)
            scores.append(
                ItemScore(
                    assessment=assessment,
                    item=item,
                    value=value,
                    numerator=value,
                    auto_points=points if item.is_auto else None,
                    reviewer_points=None if item.is_auto else points,
                    self_points=None if item.is_auto else points,
                    final_points=points,
                    scheme_version=scheme.version,
                    frozen_at=timezone.now() if item.is_auto else None,
                )
            )
        total = rules.total_of(finals)
        checks = [
            rules.CapCheck(cap.item.name, values.get(cap.item_id), cap.below, cap.max_stars)
            for cap in caps
            if cap.item_id
        ]
        result = rules.stars_for(total, thresholds, checks)
        assessment.total, assessment.stars, assessment.uncapped_stars = total, result.stars, result.uncapped
        assessment.caps_applied = list(result.caps_applied)
        records.append(
            OrgStarRecord(org_id=assessment.org_id, year=scheme.year, stars=result.stars, round=rating_round)
        )
    generator.insert(ItemScore, scores, "evaluation")
    Assessment.objects.bulk_update(
        assessments, ["total", "stars", "uncapped_stars", "caps_applied"], batch_size=2000
    )
    generator.insert(OrgStarRecord, records, "evaluation")
    return len(assessments) + len(scores) + len(records)


def _this_year(generator, scheme, items, root, orgs, kind: str) -> int:
    """A round in review: self-scores in, auto items frozen from the figures store."""
    rng = generator.rng
    rating_round = _round(scheme, root, scheme.year, kind, RoundStatus.SELF_ASSESSMENT, generator.today)
    generator.insert(
        Assessment,
        [
            Assessment(
                round=rating_round,
                org=org,
                status=AssessmentStatus.SUBMITTED,
                submitted_at=timezone.now(),
                self_assessment="本年度按评星标准推进各项工作。",
            )
            for org in orgs
        ],
        "evaluation",
    )
    assessments = list(rating_round.assessments.order_by("pk"))
    scores = []
    for assessment in assessments:
        for item in items:
            self_points = None
            if item.kind == ItemKind.MANUAL:
                self_points = Decimal(rng.randint(int(item.max_points) // 2, int(item.max_points)))
            elif item.kind == ItemKind.DEDUCTION and not item.is_auto:
                self_points = Decimal(0)
            scores.append(ItemScore(assessment=assessment, item=item, self_points=self_points))
    generator.insert(ItemScore, scores, "evaluation")
    freeze_scores(rating_round)
    RatingRound.objects.filter(pk=rating_round.pk).update(
        status=RoundStatus.REVIEW, scheme_version=scheme.version
    )
    return len(assessments) + len(scores)


@generator_step("evaluation", order=90)
def generate_ratings(generator) -> int:
    """Per root organization (a district committee): last year's finished round, this year's in review."""
    written = 0
    year = generator.today.year
    for root in Organization.objects.filter(depth=1, is_active=True).order_by("path"):
        orgs = _community_orgs(root)
        if not orgs:
            continue
        kind = Counter(org.kind for org in orgs).most_common(1)[0][0]
        org_field = Counter(org.field for org in orgs).most_common(1)[0][0]
        orgs = [org for org in orgs if org.kind == kind and org.field == org_field]
        last, last_items = _scheme(generator, root, year - 1, org_field)
        written += _last_year(generator, last, last_items, root, orgs, kind)
        this, this_items = _scheme(generator, root, year, org_field)
        this.copied_from = last
        this.save(update_fields=["copied_from"])
        written += _this_year(generator, this, this_items, root, orgs, kind)
        Organization.objects.filter(pk__in=[org.pk for org in orgs]).update(star_rating=None)
        for stars in range(1, 6):
            ids = list(
                OrgStarRecord.objects.filter(round__scheme=last, stars=stars).values_list("org_id", flat=True)
            )
            Organization.objects.filter(pk__in=ids).update(star_rating=stars)
    return written
