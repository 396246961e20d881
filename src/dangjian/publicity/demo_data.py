"""Demo and benchmark data of announcements: each community's party organization publishes a few
public announcements (党务公开, notices, news) and a few for its members, its branches one for
their own members; part of the members addressed have read them. A draft and a scheduled one per
community show the other states. Bulk inserts only; deterministic per seed.
"""

from __future__ import annotations

import bisect
import datetime
from collections import defaultdict

from django.utils import timezone

from dangjian.core.generator.steps import generator_step
from dangjian.core.search import search_tokens
from dangjian.members.models import PartyMember
from dangjian.orgs.choices import AreaKind, OrgKind
from dangjian.orgs.models import Organization
from dangjian.publicity.choices import AnnouncementCategory, AnnouncementState, Audience
from dangjian.publicity.models import Announcement, Read
from dangjian.publicity.richtext import clean_html, plain_text

PUBLIC = [
    (
        AnnouncementCategory.PARTY_AFFAIRS,
        "第一季度党费收缴使用情况公示",
        "<p>现将本季度党费收缴、使用情况公示如下，欢迎党员群众监督。</p><ul><li>应交党员全部按时交纳</li><li>党费全部用于党员教育培训</li></ul>",
    ),
    (
        AnnouncementCategory.PARTY_AFFAIRS,
        "关于发展党员对象的公示",
        "<p>经支部委员会研究，拟将下列同志列为发展对象，公示期五个工作日。</p>",
    ),
    (
        AnnouncementCategory.NOTICE,
        "关于开展社区环境整治志愿活动的通知",
        "<p>本周六上午九点在社区广场集合，欢迎居民踊跃参加。</p>",
    ),
    (
        AnnouncementCategory.NEWS,
        "社区党组织开展“七一”主题党日活动",
        "<h3>活动回顾</h3><p>全体党员重温入党誓词，参观红色教育基地。</p>",
    ),
]
MEMBERS = [
    (
        AnnouncementCategory.NOTICE,
        "关于召开本月支部党员大会的通知",
        "<p>请全体党员于本月二十日下午两点到党群服务中心参加党员大会，议题：学习近期会议精神。</p>",
    ),
    (
        AnnouncementCategory.NOTICE,
        "关于开展党员承诺践诺活动的通知",
        "<p>请各位党员在月底前提交年度承诺事项。</p>",
    ),
    (AnnouncementCategory.PARTY_AFFAIRS, "党员学习教育安排", "<p>本季度集中学习安排见附件，请按时参加。</p>"),
]
BRANCH = (
    AnnouncementCategory.NOTICE,
    "支部主题党日安排",
    "<p>本月主题党日安排在第二个周五，请准时参加。</p>",
)
READ_SHARE = 0.6


def _community_orgs() -> dict[str, int]:
    """The party organization of each community (the highest active one whose jurisdiction it is), by path."""
    best: dict[int, tuple[int, str, int]] = {}
    rows = Organization.objects.filter(jurisdiction__kind=AreaKind.COMMUNITY, is_active=True).values_list(
        "pk", "path", "depth", "jurisdiction_id"
    )
    for pk, path, depth, community in rows:
        if community not in best or depth < best[community][0]:
            best[community] = (depth, path, pk)
    return {path: pk for _depth, path, pk in best.values()}


@generator_step("publicity", order=47)
def generate_announcements(generator) -> int:
    """Announcements of every community organization and branch, and part of their reads."""
    rng = generator.rng
    now = timezone.now()
    tokens: dict[tuple[str, str], tuple[str, str]] = {}

    def make(org_pk: int, org_path: str, spec, audience: str, days_ago: int, **fields) -> Announcement:
        category, title, body = spec
        if (title, body) not in tokens:
            cleaned = clean_html(body)
            tokens[(title, body)] = (cleaned, search_tokens(title, plain_text(cleaned)))
        cleaned, found = tokens[(title, body)]
        announcement = Announcement(
            org_id=org_pk,
            title=title,
            body=cleaned,
            category=category,
            audience=audience,
            state=fields.pop("state", AnnouncementState.PUBLISHED),
            publish_at=now - datetime.timedelta(days=days_ago, hours=rng.randint(0, 8)),
            search_tokens=found,
            **{"notified_at": now, **fields},
        )
        announcement._org_path = org_path
        return announcement

    communities = _community_orgs()
    announcements: list[Announcement] = []
    for path, org_pk in sorted(communities.items()):
        for index, spec in enumerate(PUBLIC):
            announcements.append(
                make(org_pk, path, spec, Audience.PUBLIC, rng.randint(1, 400), is_pinned=index == 0)
            )
        for spec in MEMBERS[:2]:
            announcements.append(make(org_pk, path, spec, Audience.SUBTREE, rng.randint(1, 120)))
        announcements.append(
            make(org_pk, path, MEMBERS[2], Audience.SUBTREE, 0, state=AnnouncementState.DRAFT)
        )
        scheduled = make(org_pk, path, MEMBERS[2], Audience.SUBTREE, 0, notified_at=None)
        scheduled.publish_at = now + datetime.timedelta(days=3)
        announcements.append(scheduled)
    branches = Organization.objects.filter(kind=OrgKind.BRANCH, is_active=True).values_list("pk", "path")
    for org_pk, path in branches.order_by("path"):
        announcements.append(make(org_pk, path, BRANCH, Audience.ORG, rng.randint(1, 60)))
    for announcement in announcements:
        if announcement.state == AnnouncementState.DRAFT:
            announcement.publish_at = None
            announcement.notified_at = None
    generator.insert(Announcement, announcements, "publicity")

    # Members by organization path, read once; each live member announcement is read by a share.
    members_at: dict[str, list[int]] = defaultdict(list)
    for person_id, org_path in PartyMember.objects.filter(is_active=True).values_list(
        "person_id", "org__path"
    ):
        members_at[org_path].append(person_id)
    paths = sorted(members_at)
    reads: list[Read] = []
    for announcement in announcements:
        if announcement.audience == Audience.PUBLIC or announcement.state != AnnouncementState.PUBLISHED:
            continue
        if announcement.publish_at > now:
            continue
        if announcement.audience == Audience.ORG:
            audience = members_at.get(announcement._org_path, [])
        else:
            audience = []
            index = bisect.bisect_left(paths, announcement._org_path)
            while index < len(paths) and paths[index].startswith(announcement._org_path):
                audience.extend(members_at[paths[index]])
                index += 1
        for person_id in audience:
            if rng.random() < READ_SHARE:
                reads.append(
                    Read(
                        announcement_id=announcement.pk,
                        person_id=person_id,
                        read_at=min(
                            now, announcement.publish_at + datetime.timedelta(hours=rng.randint(1, 72))
                        ),
                    )
                )
    generator.insert(Read, reads, "publicity")
    return len(announcements) + len(reads)
