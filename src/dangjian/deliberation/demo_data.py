"""Demo and benchmark data of deliberation: each community's party organization has a few topics
in every state, the five parties invited, a discussion, meetings with attendance and decisions,
and follow-up tasks with progress. Bulk inserts only; deterministic per seed."""

from __future__ import annotations

import datetime

from django.utils import timezone

from dangjian.core.generator.steps import generator_step
from dangjian.core.search import search_tokens
from dangjian.deliberation.choices import PartyKind, RaisedBy, TaskState, TopicState
from dangjian.deliberation.models import Attendance, Comment, Invitation, Meeting, Task, TaskUpdate, Topic
from dangjian.orgs.choices import AreaKind
from dangjian.orgs.models import Organization

TOPICS = [
    ("小区加装电梯协商", "3号楼居民希望加装电梯，低层住户有顾虑，需各方协商费用分摊和施工方案。"),
    ("地下车库积水整治", "雨季地下车库反复积水，业主反映强烈，需物业、业委会和社区共同研究。"),
    ("楼道杂物清理长效机制", "楼道堆放杂物存在消防隐患，清理后容易反弹，需要建立长效机制。"),
    ("小区停车位分配", "车位紧张，外来车辆占位，需商定停车管理办法。"),
    ("老旧小区改造意见征集", "列入改造计划，需征集居民对改造内容的意见。"),
    ("垃圾分类投放点调整", "投放点离住户过近，气味扰民，需调整位置。"),
    ("社区养老服务站选址", "驻区单位愿提供场地，需商定选址和运营方式。"),
    ("广场舞噪音扰民", "晚间广场舞音量过大，需协商时段和音量。"),
]
UNITS = {
    PartyKind.PARTY_ORG: "社区党委",
    PartyKind.RESIDENTS_COMMITTEE: "社区居委会",
    PartyKind.OWNERS_COMMITTEE: "小区业委会",
    PartyKind.PROPERTY: "物业服务中心",
    PartyKind.UNIT: "驻区单位代表",
}
COMMENTS = [
    "同意尽快推进。",
    "建议先征求全体业主意见。",
    "物业可以配合施工期间的管理。",
    "费用分摊需要公开透明。",
]
DECISIONS = ["经五方协商，同意实施，由物业牵头制定方案，业委会监督，社区党委统筹协调。"]
STATE_ROTATION = [
    TopicState.RAISED,
    TopicState.DISCUSSING,
    TopicState.FOLLOW_UP,
    TopicState.CLOSED,
    TopicState.DECIDED,
    TopicState.FOLLOW_UP,
    TopicState.DECLINED,
    TopicState.ACCEPTED,
]
DISCUSSED = {TopicState.DISCUSSING, TopicState.DECIDED, TopicState.FOLLOW_UP, TopicState.CLOSED}
DECIDED = {TopicState.DECIDED, TopicState.FOLLOW_UP, TopicState.CLOSED}


def _community_orgs() -> list[int]:
    best: dict[int, tuple[int, int]] = {}
    rows = Organization.objects.filter(jurisdiction__kind=AreaKind.COMMUNITY, is_active=True).values_list(
        "pk", "depth", "jurisdiction_id"
    )
    for pk, depth, community in rows:
        if community not in best or depth < best[community][0]:
            best[community] = (depth, pk)
    return sorted(pk for _depth, pk in best.values())


@generator_step("deliberation", order=47)
def generate_deliberation(generator) -> int:
    """Topics per community organization in every state, with invitations, comments, meetings and tasks."""
    rng, today = generator.rng, generator.today
    orgs = _community_orgs()
    if not orgs:
        return 0
    per_org = 3 if generator.scale.name == "district" else 6
    now = timezone.now()
    topics: list[Topic] = []
    for org_index, org_pk in enumerate(orgs):
        for index in range(per_org):
            title, text = TOPICS[(org_index + index) % len(TOPICS)]
            state = STATE_ROTATION[(org_index + index) % len(STATE_ROTATION)]
            created = now - datetime.timedelta(days=rng.randint(40, 300))
            decided_on = (
                (created + datetime.timedelta(days=rng.randint(10, 30))).date() if state in DECIDED else None
            )
            topics.append(
                Topic(
                    org_id=org_pk,
                    title=title,
                    description=text,
                    raised_by_kind=RaisedBy.UNIT if index % 2 else RaisedBy.MEMBER,
                    raiser_name=UNITS[PartyKind.PROPERTY] if index % 2 else "",
                    state=state,
                    decline_reason="不属于社区议事范围，已转交相关部门。"
                    if state == TopicState.DECLINED
                    else "",
                    open_to_members=index % 3 == 0,
                    decision=DECISIONS[0] if decided_on else "",
                    decided_on=decided_on,
                    closed_on=decided_on + datetime.timedelta(days=60)
                    if state == TopicState.CLOSED
                    else None,
                    created_at=created,
                    search_tokens=search_tokens(title, text),
                )
            )
    generator.insert(Topic, topics, "deliberation")

    invitations: list[Invitation] = []
    comments: list[Comment] = []
    meetings: list[Meeting] = []
    for topic in topics:
        if topic.state not in DISCUSSED:
            continue
        for kind, unit in UNITS.items():
            invitations.append(
                Invitation(topic_id=topic.pk, party_kind=kind, unit_name=unit, invited_at=topic.created_at)
            )
        for offset in range(rng.randint(1, 3)):
            kind = rng.choice(list(UNITS))
            comments.append(
                Comment(
                    topic_id=topic.pk,
                    speaking_for=f"{PartyKind(kind).label} · {UNITS[kind]}",
                    text=rng.choice(COMMENTS),
                    created_at=topic.created_at + datetime.timedelta(days=offset + 1),
                )
            )
        if topic.decided_on:
            held = timezone.make_aware(datetime.datetime.combine(topic.decided_on, datetime.time(15, 0)))
            meetings.append(
                Meeting(
                    topic_id=topic.pk,
                    held_at=held,
                    place="社区议事厅",
                    decision=topic.decision,
                    minutes="五方代表逐一发表意见后形成决议。",
                )
            )
    generator.insert(Invitation, invitations, "deliberation")
    generator.insert(Comment, comments, "deliberation")
    generator.insert(Meeting, meetings, "deliberation")
    attendance = [
        Attendance(meeting_id=meeting.pk, party_kind=kind, unit_name=unit, present=rng.random() < 0.9)
        for meeting in meetings
        for kind, unit in UNITS.items()
    ]
    generator.insert(Attendance, attendance, "deliberation")

    tasks: list[Task] = []
    for topic in topics:
        if topic.state not in (TopicState.FOLLOW_UP, TopicState.CLOSED):
            continue
        for index, kind in enumerate([PartyKind.PROPERTY, PartyKind.RESIDENTS_COMMITTEE]):
            deadline = topic.decided_on + datetime.timedelta(days=30 * (index + 1))
            if topic.state == TopicState.CLOSED:
                state, progress, done_on = TaskState.DONE, 100, min(deadline, today)
            else:
                progress = rng.choice([0, 30, 60, 100])
                state = (
                    TaskState.DONE
                    if progress == 100
                    else TaskState.IN_PROGRESS
                    if progress
                    else TaskState.OPEN
                )
                done_on = (
                    min(deadline + datetime.timedelta(days=rng.randint(-10, 5)), today)
                    if progress == 100
                    else None
                )
            tasks.append(
                Task(
                    topic_id=topic.pk,
                    title="制定实施方案并组织施工" if index == 0 else "向居民公示进展并收集反馈",
                    owner_party=kind,
                    owner_unit=UNITS[kind],
                    deadline=deadline,
                    state=state,
                    progress=progress,
                    done_on=done_on,
                )
            )
    generator.insert(Task, tasks, "deliberation")
    updates = [
        TaskUpdate(task_id=task.pk, progress=task.progress, text="已完成阶段工作，进展已向居民公示。")
        for task in tasks
        if task.progress
    ]
    generator.insert(TaskUpdate, updates, "deliberation")
    return len(topics)
