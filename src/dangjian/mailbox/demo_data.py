"""Demo and benchmark data of the leader mailbox: a mailbox for the party organization of every
district, street and community, and messages to them in every state over the past year (a few
thousand per district), most answered on time, some overdue, some published, a few turned into
service requests' wording. Bulk inserts only; deterministic per seed.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from dangjian.accounts.models import RoleAssignment
from dangjian.core.choices import TimeLimitUnit
from dangjian.core.deadlines import compute_due
from dangjian.core.generator.steps import generator_step
from dangjian.core.personal import MOBILE, encrypt, lookup_hash, mask
from dangjian.core.search import search_tokens
from dangjian.mailbox.choices import MessageSource, MessageState
from dangjian.mailbox.models import Mailbox, Message
from dangjian.mailbox.services import CODE_ALPHABET, CODE_LENGTH, publication_draft
from dangjian.orgs.choices import AreaKind
from dangjian.orgs.models import Organization

MESSAGES_PER_DISTRICT = 3000
MESSAGES_SMALL = 60
TITLES = {
    AreaKind.DISTRICT: "区委书记信箱",
    AreaKind.STREET: "街道党工委书记信箱",
    AreaKind.COMMUNITY: "社区书记信箱",
}
# Where residents write: mostly to their community, some to the street, a few to the district.
WEIGHTS = {AreaKind.COMMUNITY: 0.75, AreaKind.STREET: 0.2, AreaKind.DISTRICT: 0.05}
TOPICS = [
    (
        "小区停车难，建议增设停车位",
        "我们小区晚上停车非常困难，很多车停在消防通道上，建议社区协调增设停车位。",
    ),
    ("楼道灯坏了很久没人修", "3号楼2单元楼道灯坏了一个多月，老人晚上上下楼很不方便，希望尽快维修。"),
    ("建议增加老年食堂供餐点", "社区老年人多，现有老年食堂离得远，建议在小区附近增设供餐点。"),
    ("广场舞噪音扰民", "每天晚上九点以后广场舞音响还很大，影响休息，希望社区协调。"),
    ("垃圾分类投放点位置不合理", "垃圾投放点离住宅太近，夏天气味大，建议调整位置。"),
    ("希望开设青少年假期托管班", "双职工家庭孩子假期没人看管，希望社区开设托管班。"),
    ("加装电梯进展如何", "我们楼申请加装电梯已经半年了，想了解目前的进展。"),
    ("对网格员服务表示感谢", "网格员小王经常上门看望我家老人，特别感谢！"),
    ("物业服务不到位", "物业对报修响应很慢，绿化也没人管理，希望社区督促。"),
    ("建议设置电动自行车充电桩", "很多居民把电动车推进楼道充电，存在安全隐患，建议设置充电桩。"),
]
ANSWERS = [
    "感谢您的来信。社区已会同物业现场查看，相关问题已纳入近期整改计划，预计两周内完成，届时将在小区公告栏公示。",
    "您反映的问题已收悉，社区党委高度重视，已安排网格员跟进，并协调相关部门尽快处理。欢迎继续监督。",
    "感谢您的建议。经社区议事会讨论，该建议已列入本年度为民办实事项目，具体进展将在党务公开栏公布。",
    "您好，相关情况已转交街道城管科办理，办理结果将通过短信告知，谢谢您的理解与支持。",
]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = ["芳", "伟", "敏", "静", "丽", "强", "磊", "军", "洋", "勇"]


def _mailbox_orgs() -> list[tuple[int, str, str]]:
    """(org pk, path, area kind) of the highest active organization of each district, street and community."""
    best: dict[int, tuple[int, int, str, str]] = {}
    rows = Organization.objects.filter(jurisdiction__kind__in=list(TITLES), is_active=True).values_list(
        "pk", "path", "depth", "jurisdiction_id", "jurisdiction__kind"
    )
    for pk, path, depth, area_id, kind in rows:
        if area_id not in best or depth < best[area_id][0]:
            best[area_id] = (depth, pk, path, kind)
    return sorted((pk, path, kind) for _depth, pk, path, kind in best.values())


def _answerers() -> dict[int, int]:
    """One user per organization who may answer there (roles with ``change_message``), by org pk."""
    rows = (
        RoleAssignment.objects.filter(
            is_active=True,
            org__isnull=False,
            role__permissions__codename="change_message",
            role__permissions__content_type__app_label="mailbox",
        )
        .order_by("org_id", "id")
        .values_list("org_id", "user_id")
    )
    found: dict[int, int] = {}
    for org_id, user_id in rows:
        found.setdefault(org_id, user_id)
    return found


def _code(rng, used: set[str]) -> str:
    while True:
        code = "".join(rng.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if code not in used:
            used.add(code)
            return code


@generator_step("mailbox", order=72)
def generate_mailbox(generator) -> int:
    rng, today = generator.rng, generator.today
    orgs = _mailbox_orgs()
    existing = set(Mailbox.objects.values_list("org_id", flat=True))
    generator.insert(
        Mailbox,
        [
            Mailbox(org_id=pk, title=TITLES[kind], answer_days=5)
            for pk, _path, kind in orgs
            if pk not in existing
        ],
        "mailbox",
    )
    boxes = list(
        Mailbox.objects.select_related("org__jurisdiction").filter(org_id__in=[pk for pk, _p, _k in orgs])
    )
    if not boxes:
        return 0
    by_kind: dict[str, list[Mailbox]] = {}
    for box in boxes:
        by_kind.setdefault(box.org.jurisdiction.kind, []).append(box)
    kinds = [kind for kind in WEIGHTS if by_kind.get(kind)]
    weights = [WEIGHTS[kind] for kind in kinds]
    total = (
        MESSAGES_SMALL
        if generator.scale.communities <= 1
        else MESSAGES_PER_DISTRICT * generator.scale.districts
    )
    answerers = _answerers()
    anchor_org = getattr(generator.anchors, "community_org", None)
    anchor_box = next((box for box in boxes if anchor_org is not None and box.org_id == anchor_org.pk), None)
    used = set(Message.objects.values_list("tracking_code", flat=True))
    tz = timezone.get_current_timezone()
    now = timezone.now()
    messages = []
    for index in range(total):
        # Every fifth message goes to the demo community's mailbox, so its secretary has work to see.
        box = (
            anchor_box
            if anchor_box is not None and index % 5 == 0
            else rng.choice(by_kind[rng.choices(kinds, weights)[0]])
        )
        days_ago = rng.randint(0, 365)
        created = timezone.make_aware(
            datetime.datetime.combine(
                today - datetime.timedelta(days=days_ago),
                datetime.time(rng.randint(8, 21), rng.randint(0, 59)),
            ),
            tz,
        )
        due = compute_due(created, box.answer_days, TimeLimitUnit.WORKING_DAYS)
        subject, text = rng.choice(TOPICS)
        name = rng.choice(SURNAMES) + rng.choice(GIVEN)
        phone = f"13{rng.randint(0, 9)}{rng.randint(10_000_000, 99_999_999)}"
        assignee = answerers.get(box.org_id)
        roll = rng.random()
        if due >= now and roll < 0.5:
            state = MessageState.RECEIVED if roll < 0.2 or assignee is None else MessageState.ASSIGNED
        elif due < now and roll < 0.04:
            state = (
                MessageState.RECEIVED if assignee is None else MessageState.ASSIGNED
            )  # left unanswered: overdue
        else:
            state = MessageState.CLOSED if rng.random() < 0.7 else MessageState.ANSWERED
        answered_at = None
        if state in (MessageState.ANSWERED, MessageState.CLOSED):
            late = rng.random() < 0.08
            answered_at = (
                (due + datetime.timedelta(days=rng.randint(1, 5)))
                if late
                else created + (due - created) * rng.uniform(0.1, 0.9)
            )
            answered_at = min(answered_at, now)
        message = Message(
            mailbox=box,
            org_id=box.org_id,
            org_path=box.org.path,
            source=MessageSource.PORTAL,
            tracking_code=_code(rng, used),
            subject=subject,
            text=text,
            writer_name=name,
            writer_phone_cipher=encrypt(phone),
            writer_phone_hash=lookup_hash(MOBILE, phone),
            writer_phone_masked=mask(MOBILE, phone),
            phone_verified=True,
            agrees_to_publish=rng.random() < 0.6,
            notify_by_sms=rng.random() < 0.5,
            state=state,
            created_at=created,
            due_at=due,
            overdue_at=due if (answered_at is None and due < now) else None,
            assignee_id=assignee if state != MessageState.RECEIVED else None,
            assigned_at=created + datetime.timedelta(hours=2) if state != MessageState.RECEIVED else None,
            answer=rng.choice(ANSWERS) if answered_at else "",
            answered_at=answered_at,
            answered_by_name=box.title if answered_at else "",
            closed_at=answered_at + datetime.timedelta(days=1) if state == MessageState.CLOSED else None,
            rating=rng.choice([3, 4, 5, 5, 5]) if answered_at and rng.random() < 0.4 else None,
        )
        if answered_at and message.agrees_to_publish and rng.random() < 0.4:
            message.is_published = True
            message.published_at = answered_at
            draft = publication_draft(message)
            message.public_subject, message.public_text, message.public_answer = (
                draft["public_subject"],
                draft["public_text"],
                draft["public_answer"],
            )
        message.search_tokens = search_tokens(message.subject, message.text, message.tracking_code)
        messages.append(message)
    generator.insert(Message, messages, "mailbox")
    return len(messages)
