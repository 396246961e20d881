"""Builders for the 评星定级 tests: a published scheme of the district committee and a round
rating the two community committees (社区A's and 社区B's) brought to any status through the
services, so every row in a test was made the way users make it."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from dangjian.accounts.choices import BuiltinRole
from dangjian.accounts.models import User
from dangjian.evaluation import services
from dangjian.evaluation.choices import ROUND_ORDER, ItemKind, PointsMapping, RoundStatus
from dangjian.evaluation.models import Assessment, Item, RatingRound, RatingScheme
from dangjian.orgs.choices import OrgField
from tests.factories import UserFactory, assign

YEAR = 2026


def today() -> datetime.date:
    return timezone.localdate()


def rating_admin(world) -> User:
    """An organization-department administrator of the district (who runs ratings)."""
    user = User.objects.filter(username="rating_admin").first()
    if user is None:
        user = UserFactory(username="rating_admin", last_name="组织部", first_name="评星")
        assign(user, BuiltinRole.ORG_DEPARTMENT_ADMIN, world.district_org)
    return user


def scheme(world, *, publish: bool = True, year: int = YEAR, owner=None, admin=None) -> RatingScheme:
    """社区党组织评星定级: one auto item (active help pairs, 20 points at 10), one manual item with
    evidence (30 points), one manual deduction (10 points); 5★ at 40, 4★ 30, 3★ 20, 2★ 10."""
    admin = admin or rating_admin(world)
    made = services.create_scheme(
        by=admin,
        owner=owner or world.district_org,
        year=year,
        org_field=OrgField.URBAN_COMMUNITY,
        name="社区党组织评星定级",
        base_points=Decimal("50"),
    )
    category = services.add_category(made, by=admin, name="组织建设", max_points=60)
    services.add_item(
        made,
        by=admin,
        category=category,
        name="帮扶对子结对",
        kind=ItemKind.AUTO,
        max_points=20,
        figure_key="help_pairs.active",
        mapping=PointsMapping.LINEAR,
        target=10,
    )
    services.add_item(
        made,
        by=admin,
        category=category,
        name="特色工作",
        kind=ItemKind.MANUAL,
        max_points=30,
        evidence_required=True,
    )
    services.add_item(
        made, by=admin, category=category, name="违规扣分", kind=ItemKind.DEDUCTION, max_points=10
    )
    services.set_thresholds(made, by=admin, thresholds={5: 40, 4: 30, 3: 20, 2: 10})
    if publish:
        made = services.publish_scheme(made, by=admin)
    return made


def item(made: RatingScheme, name: str) -> Item:
    return made.items.get(name=name)


def new_round(world, made: RatingScheme | None = None, *, year: int = YEAR) -> RatingRound:
    made = made or scheme(world, year=year)
    return services.create_round(
        by=rating_admin(world),
        scheme=made,
        root=world.district_org,
        name=f"{year}年度社区党组织评星定级",
        year=year,
        period_start=datetime.date(year, 1, 1),
        period_end=datetime.date(year, 12, 31),
        publicity_days=5,
    )


def assessment_of(rating_round: RatingRound, org) -> Assessment:
    return Assessment.objects.get(round=rating_round, org=org)


def review_all(rating_round: RatingRound, points: dict | None = None) -> None:
    """Score every manual item (``points`` by org pk: (特色工作, 违规扣分)) and close each review."""
    admin = rating_admin_of(rating_round)
    for assessment in rating_round.assessments.all():
        feature, deduction = (points or {}).get(assessment.org_id, (Decimal("25"), Decimal("0")))
        for score in assessment.scores.select_related("item"):
            if score.item.name == "特色工作":
                services.review_score(score, by=admin, points=feature, comment="材料齐全")
            elif score.item.name == "违规扣分":
                services.review_score(score, by=admin, points=deduction)
        services.complete_review(assessment, by=admin)


def rating_admin_of(rating_round: RatingRound) -> User:
    return User.objects.get(username="rating_admin")


def round_in(
    world, status: str, *, made: RatingScheme | None = None, year: int = YEAR, points=None
) -> RatingRound:
    """A round brought to ``status`` through the services (公示 moved into the past to finalize)."""
    rating_round = new_round(world, made, year=year)
    admin = rating_admin(world)
    target = ROUND_ORDER.index(status)
    if target >= 1:
        services.open_self_assessment(rating_round, by=admin)
    if target >= 2:
        services.start_review(rating_round, by=admin)
    if target >= 3:
        review_all(rating_round, points)
        services.start_publicity(rating_round, by=admin)
    if target >= 4:
        past = today() - datetime.timedelta(days=10)
        RatingRound.objects.filter(pk=rating_round.pk).update(publicity_start=past, publicity_end=past)
        services.finalize_round(rating_round, by=admin)
    rating_round.refresh_from_db()
    assert rating_round.status == status
    return rating_round


def png_upload(name: str = "照片.png"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, b"\x89PNG\r\n\x1a\n" + b"0" * 64, content_type="image/png")


def other_district(world):
    """Another district with one community committee and its administrator (outside every persona's scope)."""
    from dangjian.orgs.choices import OrgKind
    from dangjian.orgs.models import Organization
    from tests.factories import add_org

    other = Organization.objects.filter(code="D0099").first()
    if other is None:
        other = add_org(None, "中共另一区委员会", "D0099", OrgKind.DISTRICT_COMMITTEE)
        add_org(other, "中共远方社区委员会", "C0099", OrgKind.PRIMARY_COMMITTEE)
        user = UserFactory(username="other_admin", last_name="外区", first_name="管理员")
        assign(user, BuiltinRole.ORG_DEPARTMENT_ADMIN, other)
    return other, User.objects.get(username="other_admin")


def scheme_elsewhere(world, *, publish: bool = True) -> RatingScheme:
    other, admin = other_district(world)
    return scheme(world, publish=publish, owner=other, admin=admin)


def round_elsewhere(world, status: str = RoundStatus.DRAFT) -> RatingRound:
    """A round of the other district, brought to ``status`` by its own administrator."""
    other, admin = other_district(world)
    rating_round = services.create_round(
        by=admin,
        scheme=scheme_elsewhere(world),
        root=other,
        name="另一区评星定级",
        year=YEAR,
        period_start=datetime.date(YEAR, 1, 1),
        period_end=datetime.date(YEAR, 12, 31),
    )
    target = ROUND_ORDER.index(status)
    if target >= 1:
        services.open_self_assessment(rating_round, by=admin)
    if target >= 2:
        services.start_review(rating_round, by=admin)
    if target >= 3:
        for assessment in rating_round.assessments.all():
            for score in assessment.scores.select_related("item"):
                if not score.item.is_auto:
                    services.review_score(score, by=admin, points=5)
            services.complete_review(assessment, by=admin)
        services.start_publicity(rating_round, by=admin)
    rating_round.refresh_from_db()
    return rating_round


def plan_for(world, org, *, elsewhere: bool = False):
    """A 整改 plan of ``org`` (written directly: the demotion itself is tested in test_services)."""
    from dangjian.evaluation.models import Rectification

    rating_round = (
        round_elsewhere(world, RoundStatus.SELF_ASSESSMENT)
        if elsewhere
        else round_in(world, RoundStatus.SELF_ASSESSMENT)
    )
    assessment = rating_round.assessments.get() if elsewhere else assessment_of(rating_round, org)
    return Rectification.objects.create(assessment=assessment, org=assessment.org, problems="星级下降")


def task_for(plan):
    from dangjian.evaluation.models import RectificationTask

    return RectificationTask.objects.create(
        plan=plan, title="补齐台账", owner="李书记", working_days=5, due_on=today()
    )


def evidence_for(world, org, *, elsewhere: bool = False):
    rating_round = (
        round_elsewhere(world, RoundStatus.SELF_ASSESSMENT)
        if elsewhere
        else round_in(world, RoundStatus.SELF_ASSESSMENT)
    )
    assessment = rating_round.assessments.get() if elsewhere else assessment_of(rating_round, org)
    score = assessment.scores.get(item__name="特色工作")
    admin = User.objects.get(username="other_admin") if elsewhere else rating_admin(world)
    return services.add_evidence(score, png_upload(), by=admin)


def objection_for(world, org=None, *, elsewhere: bool = False):
    rating_round = (
        round_elsewhere(world, RoundStatus.PUBLICITY) if elsewhere else round_in(world, RoundStatus.PUBLICITY)
    )
    assessment = rating_round.assessments.get() if elsewhere else assessment_of(rating_round, org)
    return services.raise_objection(assessment, name="张居民", text="请复核本社区的得分情况")


__all__ = ["RoundStatus"]
