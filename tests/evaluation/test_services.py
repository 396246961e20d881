"""评星定级 state changes through the services: schemes and their versions, a round from
self-assessment to the final stars, caps, 公示 objections, 整改, rights and audit lines."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from freezegun import freeze_time

from dangjian.core.errors import PermissionDenied, RuleViolation
from dangjian.core.models import AuditEntry
from dangjian.evaluation import services
from dangjian.evaluation.choices import (
    AssessmentStatus,
    ItemKind,
    Movement,
    ObjectionStatus,
    PointsMapping,
    RoundStatus,
)
from dangjian.evaluation.models import Evidence, ItemScore, OrgStarRecord, RatingRound, Rectification
from dangjian.help_pairs.models import HelpPair
from dangjian.orgs.models import Organization
from tests.evaluation.helpers import (
    YEAR,
    assessment_of,
    item,
    new_round,
    png_upload,
    rating_admin,
    round_in,
    scheme,
    today,
)
from tests.help_pairs.helpers import member_in, pair


def audited(obj, action: str = "update") -> bool:
    return AuditEntry.objects.filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk), action=action
    ).exists()


def test_a_scheme_item_must_name_a_figure_of_the_store(world):
    made = scheme(world, publish=False)
    with pytest.raises(RuleViolation) as error:
        services.add_item(
            made,
            by=rating_admin(world),
            category=made.categories.first(),
            name="不存在的指标",
            kind=ItemKind.AUTO,
            max_points=10,
            figure_key="nothing.at_all",
            target=1,
        )
    assert error.value.rule == "unknown_figure"


def test_a_linear_item_needs_a_positive_target_and_bands_need_bands(world):
    made = scheme(world, publish=False)
    base = {
        "by": rating_admin(world),
        "category": made.categories.first(),
        "kind": ItemKind.AUTO,
        "max_points": 10,
    }
    with pytest.raises(RuleViolation) as no_target:
        services.add_item(
            made, name="a", figure_key="help_pairs.active", mapping=PointsMapping.LINEAR, **base
        )
    assert no_target.value.rule == "target"
    with pytest.raises(RuleViolation) as no_bands:
        services.add_item(made, name="b", figure_key="help_pairs.active", mapping=PointsMapping.BANDS, **base)
    assert no_bands.value.rule == "bands"
    made_item = services.add_item(
        made,
        name="c",
        figure_key="help_pairs.active",
        mapping=PointsMapping.BANDS,
        bands="5:6，10:10",
        **base,
    )
    assert made_item.bands == [["5.0000", "6.0000"], ["10.0000", "10.0000"]]


def test_thresholds_must_rise_with_the_stars(world):
    made = scheme(world, publish=False)
    with pytest.raises(RuleViolation) as error:
        services.set_thresholds(made, by=rating_admin(world), thresholds={5: 30, 4: 40})
    assert error.value.rule == "thresholds_order"


def test_a_secretary_cannot_write_schemes(world, secretary_a):
    with pytest.raises(PermissionDenied):
        services.create_scheme(
            by=secretary_a, owner=world.org_a, year=YEAR, org_field="urban_community", name="自己的方案"
        )


def test_copying_a_scheme_to_a_new_year_copies_items_thresholds_and_caps(world):
    made = scheme(world)
    admin = rating_admin(world)
    services_item = item(made, "帮扶对子结对")
    services.copy_scheme(made, by=admin)  # same year: version 2
    # Caps are copied too (added on a fresh copy, the original being published and unused).
    services.add_cap(made, by=admin, item=services_item, below=1, max_stars=3)
    copy = services.copy_scheme(made, by=admin, year=YEAR + 1)
    assert (copy.year, copy.version, copy.status, copy.copied_from_id) == (YEAR + 1, 1, "draft", made.pk)
    assert sorted(copy.items.values_list("name", flat=True)) == sorted(
        made.items.values_list("name", flat=True)
    )
    assert dict(copy.thresholds.values_list("stars", "min_total")) == dict(
        made.thresholds.values_list("stars", "min_total")
    )
    cap = copy.caps.get()
    assert cap.item.scheme_id == copy.pk and cap.max_stars == 3
    assert audited(copy, "create")


def test_opening_self_assessment_creates_an_assessment_per_community_committee(world):
    rating_round = round_in(world, RoundStatus.SELF_ASSESSMENT)
    assert set(rating_round.assessments.values_list("org_id", flat=True)) == {world.org_a.pk, world.org_b.pk}
    assert ItemScore.objects.filter(assessment__round=rating_round).count() == 2 * 3
    assert audited(rating_round)


def test_the_self_assessment_needs_evidence_where_the_item_asks_for_it(world, secretary_a):
    rating_round = round_in(world, RoundStatus.SELF_ASSESSMENT)
    mine = assessment_of(rating_round, world.org_a)
    feature = mine.scores.get(item__name="特色工作")
    services.save_self_assessment(
        mine, by=secretary_a, text="开展了特色活动", scores={feature.item_id: ("28", "见照片")}
    )
    with pytest.raises(RuleViolation) as error:
        services.submit_self_assessment(mine, by=secretary_a)
    assert error.value.rule == "evidence_missing"
    evidence = services.add_evidence(feature, png_upload(), by=secretary_a)
    assert audited(evidence, "create")
    submitted = services.submit_self_assessment(mine, by=secretary_a)
    assert submitted.status == AssessmentStatus.SUBMITTED
    feature.refresh_from_db()
    assert feature.self_points == Decimal("28")


def test_evidence_must_be_a_file_of_an_accepted_type(world, secretary_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    rating_round = round_in(world, RoundStatus.SELF_ASSESSMENT)
    feature = assessment_of(rating_round, world.org_a).scores.get(item__name="特色工作")
    with pytest.raises(RuleViolation) as error:
        services.add_evidence(feature, SimpleUploadedFile("a.png", b"MZ not a picture"), by=secretary_a)
    assert error.value.rule == "evidence_file"
    assert not Evidence.objects.exists()


def test_a_secretary_cannot_fill_in_another_communitys_self_assessment(world, secretary_a):
    rating_round = round_in(world, RoundStatus.SELF_ASSESSMENT)
    with pytest.raises(PermissionDenied):
        services.save_self_assessment(assessment_of(rating_round, world.org_b), by=secretary_a, text="越权")


def test_self_points_above_the_items_maximum_are_refused(world, secretary_a):
    rating_round = round_in(world, RoundStatus.SELF_ASSESSMENT)
    mine = assessment_of(rating_round, world.org_a)
    feature = mine.scores.get(item__name="特色工作")
    with pytest.raises(RuleViolation) as error:
        services.save_self_assessment(mine, by=secretary_a, scores={feature.item_id: ("31", "")})
    assert error.value.rule == "points_range"
    with pytest.raises(RuleViolation):
        services.save_self_assessment(mine, by=secretary_a, scores={feature.item_id: ("1e999999", "")})


def test_starting_the_review_freezes_the_auto_items_from_the_figures_store(world):
    helper = member_in(world.branch_a1, "周帮扶")
    for _ in range(4):
        pair(helper, world.grid_a1, world.org_a)
    rating_round = round_in(world, RoundStatus.REVIEW)
    score = assessment_of(rating_round, world.org_a).scores.get(item__name="帮扶对子结对")
    # 4 active pairs of a target of 10 for 20 points: 20 × 4/10 = 8.
    assert (score.value, score.auto_points, score.scheme_version) == (Decimal("4"), Decimal("8.00"), 1)
    other = assessment_of(rating_round, world.org_b).scores.get(item__name="帮扶对子结对")
    assert (other.value, other.auto_points) == (Decimal("0"), Decimal("0.00"))
    # New records after the freeze change nothing.
    pair(helper, world.grid_a1, world.org_a)
    score.refresh_from_db()
    assert score.value == Decimal("4")


def test_a_review_scores_manual_items_and_gives_stars_from_the_total(world):
    helper = member_in(world.branch_a1, "周帮扶")
    for _ in range(10):
        pair(helper, world.grid_a1, world.org_a)
    rating_round = round_in(
        world,
        RoundStatus.PUBLICITY,
        points={world.org_a.pk: (Decimal(25), Decimal(0)), world.org_b.pk: (Decimal(12), Decimal(3))},
    )
    a, b = assessment_of(rating_round, world.org_a), assessment_of(rating_round, world.org_b)
    # 社区A: 20 (10 pairs of 10) + 25 − 0 = 45 → 5★; 社区B: 0 + 12 − 3 = 9 → 1★ (below 10 for 2★).
    assert (a.total, a.stars) == (Decimal("45.00"), 5)
    assert (b.total, b.stars) == (Decimal("9.00"), 1)
    assert b.scores.get(item__name="违规扣分").final_points == Decimal("-3.00")


def test_changing_computed_points_needs_a_comment(world):
    rating_round = round_in(world, RoundStatus.REVIEW)
    score = assessment_of(rating_round, world.org_a).scores.get(item__name="帮扶对子结对")
    with pytest.raises(RuleViolation) as error:
        services.review_score(score, by=rating_admin(world), points=10)
    assert error.value.rule == "comment_required"


def test_a_review_cannot_close_before_every_manual_item_is_scored(world):
    rating_round = round_in(world, RoundStatus.REVIEW)
    with pytest.raises(RuleViolation) as error:
        services.complete_review(assessment_of(rating_round, world.org_a), by=rating_admin(world))
    assert error.value.rule == "unscored_items"


def test_a_cap_lowers_the_stars(world):
    made = scheme(world, publish=False)
    admin = rating_admin(world)
    # "If active help pairs are below 3, at most 2 stars" (as 满意率 below 60% caps at 2★).
    services.add_cap(made, by=admin, item=item(made, "帮扶对子结对"), below=3, max_stars=2)
    made = services.publish_scheme(made, by=admin)
    rating_round = round_in(
        world, RoundStatus.PUBLICITY, made=made, points={world.org_a.pk: (30, 0), world.org_b.pk: (30, 0)}
    )
    a = assessment_of(rating_round, world.org_a)
    # 0 + 30 = 30 → 4★ by the thresholds, capped to 2★ by 0 pairs < 3.
    assert (a.total, a.uncapped_stars, a.stars, a.caps_applied) == (Decimal("30.00"), 4, 2, ["帮扶对子结对"])


def test_a_cap_on_a_figure_is_frozen_and_applied(world):
    made = scheme(world, publish=False)
    admin = rating_admin(world)
    services.add_cap(made, by=admin, figure_key="help_pairs.visits", below=1, max_stars=3)
    made = services.publish_scheme(made, by=admin)
    rating_round = round_in(
        world, RoundStatus.PUBLICITY, made=made, points={world.org_a.pk: (30, 0), world.org_b.pk: (30, 0)}
    )
    a = assessment_of(rating_round, world.org_a)
    assert a.cap_values == {"help_pairs.visits": "0.0000"}
    assert (a.uncapped_stars, a.stars) == (4, 3)


def test_a_published_rounds_results_do_not_change_when_the_scheme_is_edited_afterwards(world):
    rating_round = round_in(world, RoundStatus.PUBLICITY)
    made = rating_round.scheme
    before = list(
        ItemScore.objects.filter(assessment__round=rating_round)
        .order_by("pk")
        .values_list("value", "auto_points", "final_points")
    )
    totals = list(rating_round.assessments.order_by("pk").values_list("total", "stars"))
    admin = rating_admin(world)
    with pytest.raises(RuleViolation) as error:
        services.update_item(item(made, "帮扶对子结对"), by=admin, max_points=5, target=1)
    assert error.value.rule == "scheme_frozen"
    with pytest.raises(RuleViolation):
        services.set_thresholds(made, by=admin, thresholds={5: 1})
    # The way to change it is a new version; editing that leaves the round as it was.
    copy = services.copy_scheme(made, by=admin)
    services.update_item(item(copy, "帮扶对子结对"), by=admin, max_points=5, target=1)
    services.set_thresholds(copy, by=admin, thresholds={5: 1})
    assert copy.version == 2
    after = list(
        ItemScore.objects.filter(assessment__round=rating_round)
        .order_by("pk")
        .values_list("value", "auto_points", "final_points")
    )
    assert after == before
    assert list(rating_round.assessments.order_by("pk").values_list("total", "stars")) == totals


def test_anyone_may_object_during_the_notice_and_staff_answer(world):
    rating_round = round_in(world, RoundStatus.PUBLICITY)
    a = assessment_of(rating_round, world.org_a)
    objection = services.raise_objection(
        a, name="张居民", text="特色工作的材料与实际不符", contact="13800000000"
    )
    assert audited(objection, "create")
    with pytest.raises(RuleViolation) as error:
        services.finalize_round(rating_round, by=rating_admin(world))
    assert error.value.rule == "publicity_running"
    answered = services.answer_objection(objection, by=rating_admin(world), answer="经核实，材料属实。")
    assert answered.status == ObjectionStatus.ANSWERED
    assert audited(answered)


def test_an_objection_after_the_notice_is_refused(world):
    rating_round = round_in(world, RoundStatus.PUBLICITY)
    a = assessment_of(rating_round, world.org_a)
    with (
        freeze_time(rating_round.publicity_end + datetime.timedelta(days=1)),
        pytest.raises(RuleViolation) as error,
    ):
        services.raise_objection(a, name="张居民", text="太晚提出的异议")
    assert error.value.rule == "publicity_closed"


def test_finalizing_is_refused_while_an_objection_is_unanswered(world):
    rating_round = round_in(world, RoundStatus.PUBLICITY)
    services.raise_objection(assessment_of(rating_round, world.org_a), name="张居民", text="请复核帮扶数量")
    with (
        freeze_time(rating_round.publicity_end + datetime.timedelta(days=1)),
        pytest.raises(RuleViolation) as error,
    ):
        services.finalize_round(rating_round, by=rating_admin(world))
    assert error.value.rule == "objections_open"


def test_final_stars_go_into_the_history_with_the_movement_and_a_demoted_org_gets_a_plan(world, secretary_b):
    last_year = round_in(
        world, RoundStatus.FINAL, year=YEAR - 1, points={world.org_a.pk: (20, 0), world.org_b.pk: (30, 0)}
    )
    assert dict(OrgStarRecord.objects.filter(year=YEAR - 1).values_list("org_id", "stars")) == {
        world.org_a.pk: 3,
        world.org_b.pk: 4,
    }
    this_year = round_in(world, RoundStatus.FINAL, points={world.org_a.pk: (30, 0), world.org_b.pk: (5, 0)})
    a, b = assessment_of(this_year, world.org_a), assessment_of(this_year, world.org_b)
    assert (a.previous_stars, a.stars, a.movement) == (3, 4, Movement.UP)
    assert (b.previous_stars, b.stars, b.movement) == (4, 1, Movement.DOWN)
    assert Organization.objects.get(pk=world.org_b.pk).star_rating == 1
    plan = Rectification.objects.get()
    assert plan.org_id == world.org_b.pk and plan.assessment_id == b.pk
    assert last_year.status == RoundStatus.FINAL

    # The secretary of the demoted community plans the 整改 in working days and marks tasks done.
    task = services.add_task(plan, by=secretary_b, title="补齐组织生活记录", owner="王书记", working_days=10)
    from dangjian.core.workdays import add_working_days

    assert task.due_on == add_working_days(today(), 10)
    services.mark_task_done(task, by=secretary_b)
    plan.refresh_from_db()
    assert plan.completed_at is not None
    assert audited(task)


def test_another_secretary_cannot_touch_the_plan(world, secretary_a):
    round_in(
        world, RoundStatus.FINAL, year=YEAR - 1, points={world.org_a.pk: (20, 0), world.org_b.pk: (30, 0)}
    )
    round_in(world, RoundStatus.FINAL, points={world.org_a.pk: (20, 0), world.org_b.pk: (5, 0)})
    plan = Rectification.objects.get(org=world.org_b)
    with pytest.raises(PermissionDenied):
        services.add_task(plan, by=secretary_a, title="越权", owner="李", working_days=3)


def test_a_round_moves_one_step_at_a_time(world):
    rating_round = new_round(world)
    with pytest.raises(RuleViolation) as error:
        services.start_review(rating_round, by=rating_admin(world))
    assert error.value.rule == "round_status"
    assert RatingRound.objects.get(pk=rating_round.pk).status == RoundStatus.DRAFT


def test_a_round_needs_a_published_scheme(world):
    with pytest.raises(RuleViolation) as error:
        new_round(world, scheme(world, publish=False))
    assert error.value.rule == "scheme_draft"


def test_every_state_change_of_a_round_is_audited(world):
    rating_round = round_in(world, RoundStatus.FINAL)
    statuses = [
        entry.changes.get("status")
        for entry in AuditEntry.objects.filter(
            object_type="evaluation.ratinground", object_id=str(rating_round.pk)
        )
    ]
    assert [RoundStatus.DRAFT, RoundStatus.SELF_ASSESSMENT] in statuses
    assert [RoundStatus.PUBLICITY, RoundStatus.FINAL] in statuses
    for assessment in rating_round.assessments.all():
        assert audited(assessment)


def test_pairs_are_counted_only_in_the_subtree(world):
    # Guard for the figure used above: a pair of 社区B does not count for 社区A.
    pair(member_in(world.branch_b1, "钱帮扶"), world.grid_b1, world.org_b)
    assert HelpPair.objects.filter(org=world.org_b).count() == 1
    rating_round = round_in(world, RoundStatus.REVIEW)
    assert assessment_of(rating_round, world.org_a).scores.get(item__name="帮扶对子结对").value == Decimal(
        "0"
    )
    assert assessment_of(rating_round, world.org_b).scores.get(item__name="帮扶对子结对").value == Decimal(
        "1"
    )
