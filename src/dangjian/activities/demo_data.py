"""Demo and benchmark data of volunteer activities: about 455 activities per community over the past
year and the coming month (~50,000 at ``district`` scale), residents of the community signed up,
the finished ones with check-in, check-out and confirmed hours in the one ledger, the confirmed
双报到 logs posted to it as the migration does, points by the default rules, a small catalogue
per community, and a few 证明 requests. The demo member login signs up, serves and earns points,
and has a training and an award on their service record.

Residents are read once and grouped by community in Python (path prefixes), bulk inserts only;
deterministic per seed.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from django.utils import timezone

from dangjian.activities.choices import (
    ActivityState,
    AwardLevel,
    CertificateState,
    HoursSource,
    RecordEntryKind,
    SignUpState,
)
from dangjian.activities.models import (
    Activity,
    Certificate,
    HoursRecord,
    PointAccount,
    PointEntry,
    PointRule,
    RecordEntry,
    RewardItem,
    SignUp,
)
from dangjian.activities.services.points import points_for
from dangjian.core.generator.steps import generator_step
from dangjian.dual_reporting.models import ServiceLog
from dangjian.members.models import Resident
from dangjian.orgs.choices import AreaKind
from dangjian.orgs.models import Area, Organization

ACTIVITIES_PER_COMMUNITY = 455
TITLES = [
    ("周末清洁家园", "小区中心广场"),
    ("敬老院慰问演出", "社区养老服务站"),
    ("垃圾分类宣传", "各小区垃圾投放点"),
    ("文明交通劝导", "社区主要路口"),
    ("青少年课业辅导", "社区党群服务中心"),
    ("义诊进社区", "社区卫生服务站"),
    ("防汛应急值守", "社区防汛物资仓库"),
    ("政策宣讲", "社区议事厅"),
    ("为独居老人代购", "社区党群服务中心"),
    ("植树护绿", "河滨绿地"),
]
HOURS = [Decimal("1.5"), Decimal("2"), Decimal("2"), Decimal("2.5"), Decimal("3"), Decimal("4")]
REWARDS = [("环保购物袋", 30), ("理发服务券", 50), ("家政服务一小时", 120), ("体检套餐", 300)]


def _community_of(path: str, by_path: dict[str, int]) -> int | None:
    step = Area.steplen
    for end in range(step, len(path) + 1, step):
        pk = by_path.get(path[:end])
        if pk is not None:
            return pk
    return None


def _communities() -> tuple[dict[str, int], dict[int, int]]:
    """Communities by path, and each one's party organization (the highest active one there)."""
    by_path = dict(Area.objects.filter(kind=AreaKind.COMMUNITY).values_list("path", "pk"))
    orgs: dict[int, int] = {}
    depth: dict[int, int] = {}
    rows = Organization.objects.filter(
        jurisdiction_id__in=list(by_path.values()), is_active=True
    ).values_list("pk", "jurisdiction_id", "depth")
    for org_pk, community_pk, org_depth in rows:
        if community_pk not in depth or org_depth < depth[community_pk]:
            depth[community_pk], orgs[community_pk] = org_depth, org_pk
    return by_path, orgs


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


@generator_step("activities", order=60)
def generate_activities(generator) -> int:
    """Activities with sign-ups and confirmed hours, the 双报到 hours, points, catalogue and 证明."""
    rng, today = generator.rng, generator.today
    by_path, community_orgs = _communities()
    if not by_path:
        return 0
    people: dict[int, list[int]] = defaultdict(list)
    for person_id, path in (
        Resident.objects.filter(is_current=True)
        .values_list("person_id", "area__path")
        .iterator(chunk_size=20_000)
    ):
        community = _community_of(path, by_path)
        if community is not None:
            people[community].append(person_id)
    anchors = generator.anchors
    demo_person = anchors.member.person.pk if getattr(anchors, "member", None) is not None else None
    demo_org = getattr(anchors, "community_org", None)

    activities: list[Activity] = []
    for community_pk, org_pk in sorted(community_orgs.items()):
        for index in range(ACTIVITIES_PER_COMMUNITY):
            title, place = TITLES[index % len(TITLES)]
            day = today + datetime.timedelta(days=rng.randint(-365, 30))
            hour = rng.choice([8, 9, 14, 15, 19])
            past = day < today
            state = (
                (ActivityState.CANCELLED if rng.random() < 0.04 else ActivityState.FINISHED)
                if past
                else rng.choice([ActivityState.OPEN, ActivityState.OPEN, ActivityState.DRAFT])
            )
            activities.append(
                Activity(
                    org_id=org_pk,
                    area_id=community_pk,
                    title=title,
                    place=place,
                    starts_at=_at(day, hour),
                    ends_at=_at(day, hour) + datetime.timedelta(hours=rng.choice([2, 3, 4])),
                    capacity=rng.choice([10, 15, 20, 30]),
                    state=state,
                    is_public=rng.random() < 0.6,
                    description="欢迎社区居民和在职党员报名参加。",
                )
            )
    generator.insert(Activity, activities, "activities")

    rules = {rule.source: rule for rule in PointRule.objects.filter(is_active=True)}
    signups: list[SignUp] = []
    for activity in activities:
        pool = people.get(activity.area_id) or []
        if not pool or activity.state in (ActivityState.DRAFT, ActivityState.CANCELLED):
            continue
        chosen = set(rng.sample(pool, min(len(pool), rng.randint(1, 6))))
        if demo_person and demo_org is not None and activity.org_id == demo_org.pk and rng.random() < 0.05:
            chosen.add(demo_person)
        served = activity.state == ActivityState.FINISHED
        for person_id in sorted(chosen):
            row = SignUp(
                activity=activity,
                person_id=person_id,
                state=SignUpState.SIGNED_UP,
                signed_up_at=activity.starts_at - datetime.timedelta(days=rng.randint(1, 10)),
            )
            if served and rng.random() < 0.9:
                hours = min(
                    rng.choice(HOURS), Decimal((activity.ends_at - activity.starts_at).seconds // 3600)
                )
                row.checked_in_at = activity.starts_at + datetime.timedelta(minutes=rng.randint(0, 10))
                row.checked_out_at = row.checked_in_at + datetime.timedelta(hours=float(hours))
                row.hours = hours
                row.confirmed_at = activity.ends_at + datetime.timedelta(hours=2)
            signups.append(row)
    generator.insert(SignUp, signups, "activities")

    records = [
        HoursRecord(
            person_id=row.person_id,
            org_id=row.activity.org_id,
            served_on=timezone.localdate(row.activity.starts_at),
            place=row.activity.place,
            content=row.activity.title,
            hours=row.hours,
            source=HoursSource.ACTIVITY,
            signup_id=row.pk,
            confirmed_at=row.confirmed_at,
        )
        for row in signups
        if row.confirmed_at is not None
    ]
    records += _dual_reporting_records(community_orgs)
    generator.insert(HoursRecord, records, "activities")

    balances: dict[int, int] = defaultdict(int)
    entries: list[tuple[int, int, HoursRecord]] = []
    for record in records:
        delta = points_for(record.hours, rules.get(record.source))
        if delta:
            balances[record.person_id] += delta
            entries.append((record.person_id, delta, record))
    accounts = [
        PointAccount(person_id=person_id, balance=balance) for person_id, balance in sorted(balances.items())
    ]
    generator.insert(PointAccount, accounts, "activities")
    account_of = {account.person_id: account.pk for account in accounts}
    generator.insert(
        PointEntry,
        [
            PointEntry(
                account_id=account_of[person_id],
                delta=delta,
                reason=record.content[:300],
                source_key=f"hours:{record.pk}",
                hours_record_id=record.pk,
            )
            for person_id, delta, record in entries
        ],
        "activities",
    )

    items = [
        RewardItem(org_id=org_pk, area_id=community_pk, name=name, cost=cost, stock=rng.randint(5, 50))
        for community_pk, org_pk in sorted(community_orgs.items())
        for name, cost in REWARDS
    ]
    generator.insert(RewardItem, items, "activities")

    now = timezone.now()
    certificates = []
    asked = {(record.person_id, record.org_id) for record in records[:: max(len(records) // 200, 1)]}
    for person_id, org_id in sorted(asked):
        certificates.append(
            Certificate(
                person_id=person_id,
                org_id=org_id,
                state=CertificateState.REQUESTED,
                purpose=rng.choice(["评优评先", "升学", "单位考核", ""]),
                requested_at=now - datetime.timedelta(days=rng.randint(0, 20)),
            )
        )
    generator.insert(Certificate, certificates, "activities")
    entries = _demo_member_entries(demo_person, demo_org, today)
    generator.insert(RecordEntry, entries, "activities")
    return (
        len(activities)
        + len(signups)
        + len(records)
        + len(accounts)
        + len(entries)
        + len(items)
        + len(certificates)
        + len(entries)
    )


def _demo_member_entries(person_id: int | None, org, today: datetime.date) -> list[RecordEntry]:
    """A training and an award of the demo member, recorded by their community (a handful of rows:
    enough to see on 我的 and on a 证明, not a benchmark load)."""
    if not person_id or org is None:
        return []
    now = timezone.now()
    return [
        RecordEntry(
            person_id=person_id,
            org_id=org.pk,
            kind=RecordEntryKind.TRAINING,
            occurred_on=today - datetime.timedelta(days=60),
            title="社区应急救护培训",
            content="红十字会讲师授课，含心肺复苏实操",
            training_hours=Decimal("4"),
            recorded_at=now,
        ),
        RecordEntry(
            person_id=person_id,
            org_id=org.pk,
            kind=RecordEntryKind.AWARD,
            occurred_on=today - datetime.timedelta(days=20),
            title="优秀志愿者",
            awarded_by=org.name,
            award_level=AwardLevel.COMMUNITY,
            recorded_at=now,
        ),
    ]


def _dual_reporting_records(community_orgs: dict[int, int]) -> list[HoursRecord]:
    """The 双报到 generator's confirmed member logs, posted to the one ledger (as the migration does)."""
    logs = (
        ServiceLog.objects.filter(report__isnull=False, confirmed_at__isnull=False, hours_record__isnull=True)
        .values_list(
            "pk",
            "served_on",
            "hours",
            "description",
            "confirmed_at",
            "report__member__person_id",
            "report__member__org_id",
            "report__community_org_id",
            "report__community_id",
            "report__community__name",
        )
        .order_by("pk")
    )
    return [
        HoursRecord(
            person_id=person_id,
            org_id=community_org or community_orgs.get(community_id) or member_org,
            served_on=served_on,
            place=community_name,
            content=description[:500],
            hours=hours,
            source=HoursSource.DUAL_REPORTING,
            service_log_id=pk,
            confirmed_at=confirmed_at,
        )
        for (
            pk,
            served_on,
            hours,
            description,
            confirmed_at,
            person_id,
            member_org,
            community_org,
            community_id,
            community_name,
        ) in logs.iterator(chunk_size=10_000)
    ]
