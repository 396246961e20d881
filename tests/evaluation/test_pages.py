"""评星定级 pages through the test client: the self-assessment with an upload, the review page
with its records links, 公示 on the portal with an objection, exports audited, bad input 4xx, the
star panel on the organization page, and list pages at a fixed query count."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangjian.core.models import AuditEntry
from dangjian.evaluation.choices import AssessmentStatus, ObjectionStatus, RoundStatus
from dangjian.evaluation.models import Assessment, Evidence, Objection, OrgStarRecord, RatingRound
from dangjian.orgs.choices import OrgKind
from tests.evaluation.helpers import YEAR, assessment_of, png_upload, rating_admin, round_in, scheme
from tests.factories import add_org
from tests.help_pairs.helpers import member_in, pair


def test_a_secretary_fills_in_the_self_assessment_with_evidence_and_submits(client, world, secretary_a):
    rating_round = round_in(world, RoundStatus.SELF_ASSESSMENT)
    mine = assessment_of(rating_round, world.org_a)
    feature = mine.scores.get(item__name="特色工作")
    client.force_login(secretary_a)
    url = reverse("evaluation:assessment_self", args=[mine.pk])
    assert "特色工作" in client.get(url).content.decode()

    response = client.post(
        url,
        {
            "self_assessment": "建成党群服务中心",
            f"points_{feature.item_id}": "26",
            f"note_{feature.item_id}": "见照片",
            f"evidence_{feature.pk}": png_upload("阵地照片.png"),
            "submit": "1",
        },
    )

    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.status == AssessmentStatus.SUBMITTED and mine.self_assessment == "建成党群服务中心"
    evidence = Evidence.objects.get(score=feature)
    assert evidence.original_name == "阵地照片.png"
    download = client.get(reverse("evaluation:evidence_download", args=[evidence.pk]))
    assert download.status_code == 200 and download["Cache-Control"] == "private, no-store"


def test_a_missing_evidence_is_said_on_the_form_and_nothing_is_submitted(client, world, secretary_a):
    mine = assessment_of(round_in(world, RoundStatus.SELF_ASSESSMENT), world.org_a)
    client.force_login(secretary_a)
    response = client.post(reverse("evaluation:assessment_self", args=[mine.pk]), {"submit": "1"})
    assert response.status_code == 400
    assert "特色工作" in response.content.decode()
    mine.refresh_from_db()
    assert mine.status == AssessmentStatus.PENDING


def test_the_review_page_shows_values_with_their_records_and_closes_with_stars(client, world, district_admin):
    for _ in range(5):
        pair(member_in(world.branch_a1, "周帮扶"), world.grid_a1, world.org_a)
    rating_round = round_in(world, RoundStatus.REVIEW)
    mine = assessment_of(rating_round, world.org_a)
    client.force_login(district_admin)
    url = reverse("evaluation:assessment_review", args=[mine.pk])
    page = client.get(url).content.decode()
    assert "帮扶对子结对" in page and ">5<" in page.replace(" ", "")
    assert reverse("help_pairs:pair_list") in page  # the figure's records

    scores = {score.item.name: score for score in mine.scores.select_related("item")}
    response = client.post(
        url,
        {
            f"points_{scores['特色工作'].pk}": "25",
            f"comment_{scores['特色工作'].pk}": "材料齐全",
            f"points_{scores['违规扣分'].pk}": "2",
            "complete": "1",
        },
    )

    assert response.status_code == 302
    mine.refresh_from_db()
    # 20 × 5/10 = 10, + 25, − 2 = 33 → 4★ (30 ≤ 33 < 40).
    assert (mine.status, mine.total, mine.stars) == (AssessmentStatus.REVIEWED, Decimal("33.00"), 4)


def test_bad_review_points_give_a_message_not_an_error(client, world, district_admin):
    mine = assessment_of(round_in(world, RoundStatus.REVIEW), world.org_a)
    feature = mine.scores.get(item__name="特色工作")
    client.force_login(district_admin)
    url = reverse("evaluation:assessment_review", args=[mine.pk])
    for bad in ["abc", "99999999999", "-5", "31"]:
        response = client.post(url, {f"points_{feature.pk}": bad}, follow=True)
        assert response.status_code == 200
        assert feature.item.name in response.content.decode()
    feature.refresh_from_db()
    assert feature.reviewer_points is None


@pytest.mark.parametrize(
    "name", ["evaluation:round_detail", "evaluation:assessment_detail", "evaluation:scheme_detail"]
)
def test_huge_and_unknown_ids_are_404(client, world, district_admin, name):
    client.force_login(district_admin)
    for pk in [2**63, 2**63 - 1, 999999]:
        assert client.get(reverse(name, args=[pk])).status_code == 404


def test_a_scheme_for_year_9999_is_refused_on_the_form(client, world, district_admin):
    client.force_login(district_admin)
    response = client.post(
        reverse("evaluation:scheme_create"),
        {"name": "方案", "year": 9999, "org_field": "urban_community", "base_points": 200},
    )
    assert response.status_code == 200
    assert "2100" in response.content.decode()


def test_a_stale_step_is_refused_with_a_message(client, world, district_admin):
    rating_round = round_in(world, RoundStatus.SELF_ASSESSMENT)
    client.force_login(district_admin)
    response = client.post(
        reverse("evaluation:round_advance", args=[rating_round.pk]), {"step": "open"}, follow=True
    )
    assert response.status_code == 200
    assert RatingRound.objects.get(pk=rating_round.pk).status == RoundStatus.SELF_ASSESSMENT


def test_the_public_notice_shows_results_and_takes_an_objection_answered_in_public(
    client, world, district_admin
):
    rating_round = round_in(world, RoundStatus.PUBLICITY)
    mine = assessment_of(rating_round, world.org_a)
    url = reverse("evaluation_public:round", args=[rating_round.pk])
    page = client.get(url).content.decode()
    assert world.org_a.name in page and "★" in page
    assert (
        reverse("evaluation_public:round", args=[rating_round.pk])
        in client.get(reverse("evaluation_public:round_list")).content.decode()
    )

    response = client.post(
        url,
        {"assessment": mine.pk, "name": "张三丰", "contact": "13800000000", "text": "特色工作的照片是去年的"},
    )
    assert response.status_code == 302
    objection = Objection.objects.get()
    client.force_login(district_admin)
    client.post(reverse("evaluation:objection_answer", args=[objection.pk]), {"answer": "经核实为今年照片。"})
    client.logout()
    page = client.get(url).content.decode()
    assert "张**" in page and "张三丰" not in page and "13800000000" not in page
    assert "经核实为今年照片。" in page
    assert Objection.objects.get().status == ObjectionStatus.ANSWERED


def test_a_round_in_review_has_no_public_page(client, world):
    rating_round = round_in(world, RoundStatus.REVIEW)
    assert client.get(reverse("evaluation_public:round", args=[rating_round.pk])).status_code == 404


def test_the_results_export_is_audited_and_the_pdf_renders(client, world, secretary_a):
    rating_round = round_in(world, RoundStatus.PUBLICITY)
    client.force_login(secretary_a)
    response = client.get(reverse("evaluation:round_export", args=[rating_round.pk]))
    assert response.status_code == 200 and response.content[:2] == b"PK"
    entry = AuditEntry.objects.get(action="export")
    # secretary_a sees 社区A's row only.
    assert entry.changes["rows"] == 1
    pdf = client.get(reverse("evaluation:round_pdf", args=[rating_round.pk]))
    assert pdf.status_code == 200 and pdf.content[:4] == b"%PDF"
    assert AuditEntry.objects.filter(action="export").count() == 2


def test_the_organization_page_shows_its_stars(client, world, secretary_a):
    round_in(world, RoundStatus.FINAL)
    client.force_login(secretary_a)
    page = client.get(reverse("orgs:org_detail", args=[world.org_a.pk])).content.decode()
    assert 'data-panel="evaluation_stars"' in page
    assert OrgStarRecord.objects.filter(org=world.org_a, year=YEAR).exists()


def _same_cost(client, url: str, grow) -> None:
    def count_with(total: int) -> int:
        grow(total)
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    assert count_with(3) == count_with(30)


def _copy_rounds(total: int, template: RatingRound) -> None:
    while RatingRound.objects.count() < total:
        RatingRound.objects.create(
            scheme=template.scheme,
            name=f"轮次{RatingRound.objects.count()}",
            year=YEAR,
            root=template.root,
            period_start=datetime.date(YEAR, 1, 1),
            period_end=datetime.date(YEAR, 12, 31),
        )


def test_the_round_list_costs_the_same_for_3_and_30_rounds(client, world, district_admin):
    template = round_in(world, RoundStatus.DRAFT)
    client.force_login(district_admin)
    _same_cost(client, reverse("evaluation:round_list"), lambda total: _copy_rounds(total, template))


def test_the_round_page_costs_the_same_for_3_and_30_organizations(client, world, district_admin):
    rating_round = round_in(world, RoundStatus.DRAFT)
    client.force_login(district_admin)

    def grow(total: int) -> None:
        while Assessment.objects.filter(round=rating_round).count() < total:
            number = Assessment.objects.count()
            org = add_org(world.street_org, f"社区{number}党委", f"CX{number:03d}", OrgKind.PRIMARY_COMMITTEE)
            Assessment.objects.create(round=rating_round, org=org, total=Decimal(30), stars=3)

    _same_cost(client, reverse("evaluation:round_detail", args=[rating_round.pk]), grow)


def test_the_scheme_and_star_lists_cost_the_same_for_3_and_30_rows(client, world, district_admin):
    made = scheme(world)
    client.force_login(district_admin)

    def more_schemes(total: int) -> None:
        from dangjian.evaluation.models import RatingScheme

        while RatingScheme.objects.count() < total:
            RatingScheme.objects.create(
                owner=world.district_org,
                year=YEAR,
                org_field=made.org_field,
                name="方案",
                version=RatingScheme.objects.count() + 1,
            )

    _same_cost(client, reverse("evaluation:scheme_list"), more_schemes)
    template = round_in(world, RoundStatus.DRAFT)

    def more_stars(total: int) -> None:
        while OrgStarRecord.objects.count() < total:
            number = OrgStarRecord.objects.count()
            org = add_org(world.street_org, f"星级社区{number}", f"CS{number:03d}", OrgKind.PRIMARY_COMMITTEE)
            OrgStarRecord.objects.create(org=org, year=YEAR, stars=3, round=template)

    _same_cost(client, reverse("evaluation:star_list"), more_stars)


def test_the_review_rights_stay_with_the_department(client, world, secretary_a):
    mine = assessment_of(round_in(world, RoundStatus.REVIEW), world.org_a)
    client.force_login(secretary_a)
    assert client.get(reverse("evaluation:assessment_review", args=[mine.pk])).status_code == 403
    assert rating_admin(world).pk


def test_a_review_saved_meanwhile_by_someone_else_is_not_overwritten(client, world, district_admin):
    from dangjian.evaluation import services

    mine = assessment_of(round_in(world, RoundStatus.REVIEW), world.org_a)
    feature = mine.scores.get(item__name="特色工作")
    loaded = feature.row_version
    services.review_score(feature, by=rating_admin(world), points=20, comment="第一位评审")
    client.force_login(district_admin)
    client.post(
        reverse("evaluation:assessment_review", args=[mine.pk]),
        {f"points_{feature.pk}": "5", f"comment_{feature.pk}": "第二位评审", f"version_{feature.pk}": loaded},
    )
    feature.refresh_from_db()
    assert (feature.reviewer_points, feature.review_comment) == (Decimal("20"), "第一位评审")


def test_a_self_assessment_saved_meanwhile_is_not_overwritten(client, world, secretary_a):
    from dangjian.evaluation import services

    mine = assessment_of(round_in(world, RoundStatus.SELF_ASSESSMENT), world.org_a)
    loaded = mine.row_version
    services.save_self_assessment(mine, by=secretary_a, text="先保存的自评")
    client.force_login(secretary_a)
    response = client.post(
        reverse("evaluation:assessment_self", args=[mine.pk]),
        {"self_assessment": "后保存的自评", "row_version": loaded},
    )
    assert response.status_code == 400
    mine.refresh_from_db()
    assert mine.self_assessment == "先保存的自评"
