"""Demo and benchmark data of 双报到: most in-service (在职) members report to the community of
their home, unit party organizations pair with a community of their district, with claims,
a year of service logs (most confirmed) and last year's feedback for about half of them.

Homes are resolved to their community in Python by path prefixes (the area tree's paths), so
the step reads each table once whatever the scale. Bulk inserts only; deterministic per seed.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from dangjian.core.generator.steps import generator_step
from dangjian.dual_reporting.choices import ClaimKind, ClaimState, FeedbackRating, ReportState
from dangjian.dual_reporting.models import Claim, MemberReport, ServiceLog, UnitPairing, YearlyFeedback
from dangjian.members.choices import MemberCategory
from dangjian.members.models import PartyMember, Resident
from dangjian.orgs.choices import AreaKind, OrgField, OrgKind
from dangjian.orgs.models import Area, Organization

REPORT_SHARE = 0.8
PAIRING_SHARE = 0.5
UNIT_FIELDS = {
    OrgField.GOVERNMENT,
    OrgField.PUBLIC_INSTITUTION,
    OrgField.STATE_ENTERPRISE,
    OrgField.PRIVATE_ENTERPRISE,
    OrgField.SCHOOL,
    OrgField.HOSPITAL,
    OrgField.SOCIAL_ORGANIZATION,
}
UNIT_KINDS = {OrgKind.PRIMARY_COMMITTEE, OrgKind.GENERAL_BRANCH, OrgKind.BRANCH}
SKILLS = ["法律咨询", "医疗保健", "教育辅导", "家电维修", "摄影宣传", "心理疏导", "文艺表演", "信息技术", ""]
WILLINGNESS = ["周末可参加志愿服务", "工作日晚间", "助老助残", "环境整治", "文明创建", "防汛应急"]
MEMBER_CLAIMS = [
    (ClaimKind.POST, "楼道长岗"),
    (ClaimKind.POST, "文明交通劝导岗"),
    (ClaimKind.POST, "垃圾分类督导岗"),
    (ClaimKind.NEED, "为独居老人代购"),
    (ClaimKind.NEED, "青少年课业辅导"),
    (ClaimKind.PROJECT, "社区法律讲堂"),
    (ClaimKind.OTHER, "社区议事协商"),
]
UNIT_CLAIMS = [
    (ClaimKind.PROJECT, "共建文明社区"),
    (ClaimKind.PROJECT, "义诊进社区"),
    (ClaimKind.PROJECT, "老旧小区改造志愿服务"),
    (ClaimKind.NEED, "捐建社区图书角"),
    (ClaimKind.POST, "周末志愿服务岗"),
]
SERVICE = ["清扫楼道", "看望独居老人", "交通劝导", "垃圾分类宣传", "课业辅导", "政策宣讲", "义诊", "防汛值守"]
HOURS = [Decimal("1"), Decimal("1.5"), Decimal("2"), Decimal("2"), Decimal("3"), Decimal("4")]
RATINGS = [FeedbackRating.EXCELLENT, FeedbackRating.GOOD, FeedbackRating.GOOD, FeedbackRating.FAIR]


def _communities() -> tuple[dict[str, int], dict[int, int | None], dict[str, list[int]]]:
    """Communities by path, each one's party organization, and communities by district path."""
    step = Area.steplen
    by_path = dict(Area.objects.filter(kind=AreaKind.COMMUNITY).values_list("path", "pk"))
    orgs: dict[int, int | None] = dict.fromkeys(by_path.values())
    best_depth: dict[int, int] = {}
    rows = Organization.objects.filter(
        jurisdiction_id__in=list(by_path.values()), is_active=True
    ).values_list("pk", "jurisdiction_id", "depth")
    for org_pk, community_pk, depth in rows:
        if community_pk not in best_depth or depth < best_depth[community_pk]:
            best_depth[community_pk] = depth
            orgs[community_pk] = org_pk
    by_district: dict[str, list[int]] = {}
    for path, pk in sorted(by_path.items()):
        by_district.setdefault(path[:step], []).append(pk)
    return by_path, orgs, by_district


def _community_of(path: str, by_path: dict[str, int]) -> int | None:
    step = Area.steplen
    for end in range(step, len(path) + 1, step):
        pk = by_path.get(path[:end])
        if pk is not None:
            return pk
    return None


def _day_between(rng, first: datetime.date, last: datetime.date) -> datetime.date:
    span = max((last - first).days, 0)
    return first + datetime.timedelta(days=rng.randint(0, span))


def _sent_at(generator, year: int) -> datetime.datetime:
    day = min(datetime.date(year + 1, 1, generator.rng.randint(5, 28)), generator.today)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))


def _activity(generator, subjects, side: str, claim_pool, started_on) -> tuple[list, list, list]:
    """Claims, a year of logs and last year's feedback for reports or pairings (already saved)."""
    rng, today = generator.rng, generator.today
    year_ago = today - datetime.timedelta(days=365)
    last_year = today.year - 1
    claims, logs, feedback = [], [], []
    for subject, to_org_id in subjects:
        start = started_on(subject)
        for kind, title in rng.sample(claim_pool, rng.randint(0, 2)):
            claimed_on = _day_between(rng, start, today)
            state = rng.choices([ClaimState.CLAIMED, ClaimState.DONE, ClaimState.CANCELLED], [5, 4, 1])[0]
            claims.append(
                Claim(
                    **{side: subject},
                    kind=kind,
                    title=title,
                    claimed_on=claimed_on,
                    state=state,
                    finished_on=None if state == ClaimState.CLAIMED else _day_between(rng, claimed_on, today),
                )
            )
        if subject.state == ReportState.ACTIVE:
            first = max(start, year_ago)
            for _ in range(rng.randint(0, 6)):
                served_on = _day_between(rng, first, today)
                confirmed = served_on < today - datetime.timedelta(days=7) and rng.random() < 0.8
                logs.append(
                    ServiceLog(
                        **{side: subject},
                        served_on=served_on,
                        hours=rng.choice(HOURS),
                        description=rng.choice(SERVICE),
                    )
                )
                if confirmed:
                    moment = datetime.datetime.combine(
                        served_on + datetime.timedelta(days=3), datetime.time(9, 0)
                    )
                    logs[-1].confirmed_at = timezone.make_aware(moment)
        if start.year <= last_year and rng.random() < 0.5:
            feedback.append(
                YearlyFeedback(
                    **{side: subject},
                    year=last_year,
                    rating=rng.choice(RATINGS),
                    text="积极参加社区志愿服务，群众评价较好。",
                    to_org_id=to_org_id,
                    sent_at=_sent_at(generator, last_year),
                )
            )
    return claims, logs, feedback


@generator_step("dual_reporting", order=40)
def generate_dual_reporting(generator) -> int:
    """Reports of in-service members to the community of their home, pairings, claims, logs, feedback."""
    rng, today = generator.rng, generator.today
    by_path, community_orgs, by_district = _communities()
    if not by_path:
        return 0
    homes = dict(
        Resident.objects.filter(
            is_current=True,
            person__membership__category=MemberCategory.EMPLOYED,
            person__membership__is_active=True,
        ).values_list("person_id", "area__path")
    )
    members = PartyMember.objects.filter(category=MemberCategory.EMPLOYED, is_active=True).values_list(
        "pk", "person_id", "org_id"
    )
    reports: list[MemberReport] = []
    unit_of: dict[int, int] = {}
    for member_pk, person_pk, org_pk in members.order_by("pk"):
        home = homes.get(person_pk)
        community = _community_of(home, by_path) if home else None
        if community is None or rng.random() >= REPORT_SHARE:
            continue
        ended = rng.random() < 0.05
        reported_on = today - datetime.timedelta(days=rng.randint(20, 3 * 365))
        reports.append(
            MemberReport(
                member_id=member_pk,
                community_id=community,
                community_org_id=community_orgs.get(community),
                reported_on=reported_on,
                state=ReportState.ENDED if ended else ReportState.ACTIVE,
                ended_on=_day_between(rng, reported_on, today) if ended else None,
                skills=rng.choice(SKILLS),
                willingness=rng.choice(WILLINGNESS),
                commitments="亮身份、作表率，每年参加社区服务不少于12小时。",
            )
        )
        unit_of[member_pk] = org_pk
    generator.insert(MemberReport, reports, "dual_reporting")

    units = list(
        Organization.objects.filter(is_active=True, field__in=UNIT_FIELDS, kind__in=UNIT_KINDS)
        .exclude(jurisdiction__kind=AreaKind.COMMUNITY)
        .values_list("pk", "path", "jurisdiction__path")
        .order_by("path")
    )
    district_paths = sorted(by_district)
    pairings: list[UnitPairing] = []
    for unit_pk, _path, jurisdiction_path in units:
        if rng.random() >= PAIRING_SHARE:
            continue
        district = (jurisdiction_path or "")[: Area.steplen]
        community = rng.choice(by_district.get(district) or by_district[rng.choice(district_paths)])
        pairings.append(
            UnitPairing(
                unit_org_id=unit_pk,
                community_id=community,
                community_org_id=community_orgs.get(community),
                agreement="双方在环境整治、助老助残、文明创建等方面开展共建。",
                since=today - datetime.timedelta(days=rng.randint(60, 4 * 365)),
            )
        )
    generator.insert(UnitPairing, pairings, "dual_reporting")

    member_side = _activity(
        generator,
        [(report, unit_of[report.member_id]) for report in reports],
        "report",
        MEMBER_CLAIMS,
        lambda report: report.reported_on,
    )
    unit_side = _activity(
        generator,
        [(pairing, pairing.unit_org_id) for pairing in pairings],
        "pairing",
        UNIT_CLAIMS,
        lambda p: p.since,
    )
    for model, rows in zip(
        (Claim, ServiceLog, YearlyFeedback),
        (a + b for a, b in zip(member_side, unit_side, strict=True)),
        strict=True,
    ):
        generator.insert(model, rows, "dual_reporting")
    return len(reports) + len(pairings) + sum(len(rows) for rows in member_side + unit_side)
