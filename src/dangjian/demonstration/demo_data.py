"""Demo and benchmark data of 示范点: a published "十大标准" set per level issued by each district
committee, a few dozen designated 示范点 per district (the organizations the tree step marked with
a level, so the organization page and the records agree), their applications and re-checks, and
some applications in review.

The ten standards are written for the demo; they paraphrase common themes of 党支部标准化规范化
建设 and quote no document. Bulk inserts only; deterministic per seed.
"""

from __future__ import annotations

import datetime

from dangjian.core.generator.steps import generator_step
from dangjian.demonstration.choices import (
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
    ItemEvidence,
    Recheck,
    RecheckResult,
    StandardItem,
    StandardSet,
)
from dangjian.orgs.models import Organization

TEN_STANDARDS = [
    ("组织设置规范", "按规定设置党组织，按期换届", "组织设置批复、换届选举材料"),
    ("班子队伍过硬", "班子结构合理，书记履职尽责", "班子成员名册、述职报告"),
    ("党员管理严格", "党员信息准确，组织关系清楚", "党员花名册、组织关系转接记录"),
    ("组织生活经常", "三会一课、主题党日按时开展", "会议记录、签到表、活动照片"),
    ("阵地建设达标", "党群服务阵地功能齐全、标识规范", "阵地照片、使用记录"),
    ("制度机制健全", "各项工作制度上墙、落实有记录", "制度汇编、执行台账"),
    ("服务群众有效", "常态化开展为民服务，诉求按时办结", "服务台账、办结记录"),
    ("作用发挥明显", "党员示范岗、志愿服务常态开展", "示范岗名单、志愿服务记录"),
    ("工作保障有力", "经费、场地、人员保障到位", "经费使用明细、保障材料"),
    ("群众评价满意", "群众满意度测评达到要求", "测评表、满意度统计"),
]
MAX_POINTS_PER_DISTRICT = 40
MIN_POINTS_PER_DISTRICT = 5  # a small (community-scale) tree marks few or none: designate some anyway
IN_REVIEW_PER_DISTRICT = 8
EVIDENCE_TEXT = "相关材料已按要求整理归档，详见附件台账。"


def _sets(district_orgs: list[Organization], year: int) -> dict[tuple[int, str], StandardSet]:
    sets = {}
    for org in district_orgs:
        for level in DemonstrationLevel.values:
            sets[(org.pk, level)] = StandardSet(
                org=org,
                level=level,
                name="十大标准",
                year=year,
                edition=1,
                state=SetState.PUBLISHED,
                description="示范点创建标准（演示数据）",
            )
    return sets


@generator_step("demonstration", order=70)
def generate_demonstration(generator) -> int:
    rng, today = generator.rng, generator.today
    districts = list(Organization.objects.filter(depth=1).order_by("pk"))
    if not districts:
        return 0
    sets = _sets(districts, today.year - 2)
    generator.insert(StandardSet, list(sets.values()), "demonstration")
    items: dict[int, list[StandardItem]] = {}
    rows = []
    for standard_set in sets.values():
        made = [
            StandardItem(
                standard_set=standard_set,
                number=number,
                title=title,
                description=description,
                evidence_required=evidence,
            )
            for number, (title, description, evidence) in enumerate(TEN_STANDARDS, start=1)
        ]
        items[standard_set.pk] = made
        rows.extend(made)
    generator.insert(StandardItem, rows, "demonstration")

    applications: list[Application] = []
    designations: list[Designation] = []
    for district in districts:
        marked = list(
            Organization.objects.filter(path__startswith=district.path, depth__gt=1)
            .exclude(demonstration_level="")
            .order_by("pk")
            .values_list("pk", "demonstration_level")
        )
        if len(marked) < MIN_POINTS_PER_DISTRICT:
            unmarked = list(
                Organization.objects.filter(
                    path__startswith=district.path, depth__gt=1, demonstration_level=""
                )
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            extra = rng.sample(unmarked, min(MIN_POINTS_PER_DISTRICT - len(marked), len(unmarked)))
            marked += [(org_pk, DemonstrationLevel.COUNTY) for org_pk in sorted(extra)]
        for org_pk, level in marked[:MAX_POINTS_PER_DISTRICT]:
            standard_set = sets[(district.pk, level)]
            since = today - datetime.timedelta(days=rng.randint(30, 3 * 365))
            # About one in ten is due now, so the 工作台's to-do has something to show.
            due = today - datetime.timedelta(days=rng.randint(0, 20)) if rng.random() < 0.1 else None
            if due is None:
                due = since + datetime.timedelta(days=365)
                while due <= today:
                    due += datetime.timedelta(days=365)
            application = Application(
                org_id=org_pk,
                standard_set=standard_set,
                level=level,
                state=ApplicationState.DESIGNATED,
                summary="申报示范点（演示数据）",
                decision_reason="经审核，各项标准均已达到",
            )
            applications.append(application)
            designations.append(
                Designation(
                    org_id=org_pk,
                    level=level,
                    standard_set=standard_set,
                    application=application,
                    since=since,
                    next_recheck_due=due,
                    state=DesignationState.ACTIVE,
                )
            )
        designated = {org_pk for org_pk, _level in marked[:MAX_POINTS_PER_DISTRICT]}
        candidates = list(
            Organization.objects.filter(path__startswith=district.path, depth__gt=1, demonstration_level="")
            .order_by("pk")
            .values_list("pk", flat=True)[: IN_REVIEW_PER_DISTRICT * 4]
        )
        for org_pk in rng.sample(candidates, min(IN_REVIEW_PER_DISTRICT, len(candidates))):
            if org_pk in designated:
                continue
            applications.append(
                Application(
                    org_id=org_pk,
                    standard_set=sets[(district.pk, DemonstrationLevel.COUNTY)],
                    level=DemonstrationLevel.COUNTY,
                    state=rng.choice([ApplicationState.SUBMITTED, ApplicationState.UNDER_REVIEW]),
                    summary="申报县级示范点（演示数据）",
                )
            )
    # An organization's level comes from its designations only (as ``services`` keeps it).
    Organization.objects.exclude(demonstration_level="").update(demonstration_level="")
    for level in DemonstrationLevel.values:  # ascending, so the highest level is written last
        Organization.objects.filter(pk__in=[row.org_id for row in designations if row.level == level]).update(
            demonstration_level=level
        )

    generator.insert(Application, applications, "demonstration")
    for designation in designations:
        designation.application_id = designation.application.pk
    generator.insert(Designation, designations, "demonstration")
    evidence = []
    for application in applications:
        done = application.state == ApplicationState.DESIGNATED
        for item in items[application.standard_set.pk]:
            evidence.append(
                ItemEvidence(
                    application=application,
                    item=item,
                    text=EVIDENCE_TEXT,
                    result=ItemResult.MET if done else "",
                )
            )
    generator.insert(ItemEvidence, evidence, "demonstration")

    rechecks, results = [], []
    for designation in designations:
        if (today - designation.since).days < 365:
            continue
        recheck = Recheck(
            designation=designation,
            checked_on=designation.since + datetime.timedelta(days=365),
            outcome=RecheckOutcome.KEEP,
            note="",
        )
        rechecks.append(recheck)
    generator.insert(Recheck, rechecks, "demonstration")
    for recheck in rechecks:
        for item in items[recheck.designation.standard_set.pk]:
            results.append(RecheckResult(recheck=recheck, item=item, met=True))
    generator.insert(RecheckResult, results, "demonstration")
    return len(sets) + len(applications) + len(designations) + len(evidence) + len(rechecks) + len(results)
