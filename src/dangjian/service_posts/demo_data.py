"""Demo and benchmark data of service posts: each community's party organization sets up posts in
proportion to its members ("为252名在职党员设立服务岗16项"), members of its subtree claim them in
every state (most confirmed, with their 领岗协议书, some renewed), and residents comment.

Members are grouped under their community organization in Python by path prefixes, so the step
reads each table once whatever the scale. Bulk inserts only; deterministic per seed.
"""

from __future__ import annotations

import datetime
import hashlib

from django.utils import timezone

from dangjian.core.generator.steps import generator_step
from dangjian.members.models import PartyMember
from dangjian.orgs.choices import AreaKind
from dangjian.orgs.models import Organization
from dangjian.service_posts.choices import ClaimState, PostKind, PostState
from dangjian.service_posts.models import Agreement, Post, PostClaim, ResidentNote
from dangjian.service_posts.services import CODE_ALPHABET, CODE_LENGTH

POSTS_PER_MEMBER = 16 / 252
POSTS = [
    ("楼道文明引导岗", "每周巡查楼道一次，劝导乱堆乱放，收集居民意见并反馈社区。"),
    ("垃圾分类督导岗", "每周两次在投放点督导垃圾分类，宣传分类知识。"),
    ("助老服务岗", "每月走访结对独居老人不少于两次，代购代办，发现困难及时报告。"),
    ("政策宣讲岗", "每季度在小区开展一次政策宣讲，解答居民疑问。"),
    ("矛盾调解岗", "参与邻里纠纷调解，协助社区开展议事协商。"),
    ("文明交通劝导岗", "上下学高峰在路口劝导文明出行。"),
    ("青少年课业辅导岗", "每周末为社区青少年提供课业辅导两小时。"),
    ("防汛应急值守岗", "汛期按排班值守，协助转移群众、排查隐患。"),
    ("环境整治先锋岗", "带头参与小区环境整治，清理卫生死角。"),
    ("法律咨询岗", "每月在社区法律服务点坐班一次，提供法律咨询。"),
]
# The claim states of a post's places, as the share of claims: most hold their post.
STATES = [
    (ClaimState.CONFIRMED, 0.62),
    (ClaimState.CLAIMED, 0.12),
    (ClaimState.DECLINED, 0.06),
    (ClaimState.WITHDRAWN, 0.08),
    (ClaimState.EXPIRED, 0.12),
]
RENEWED_SHARE = 0.15
COMMENTS = [
    "服务很用心，点赞！",
    "楼道干净多了，谢谢。",
    "希望周末也能来看看。",
    "老人们都说好。",
    "有事找他很方便。",
]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = ["芳", "伟", "敏", "静", "丽", "强", "磊", "军", "洋", "勇"]


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


def _demo_member(generator) -> int | None:
    anchors = getattr(generator, "anchors", None)
    person = getattr(getattr(anchors, "member", None), "person", None)
    if person is None:
        return None
    return PartyMember.objects.filter(person_id=person.pk).values_list("pk", flat=True).first()


def _state(rng) -> str:
    roll = rng.random()
    for state, share in STATES:
        if roll < share:
            return state
        roll -= share
    return ClaimState.CONFIRMED


def _code(rng, used: set[str]) -> str:
    while True:
        code = "".join(rng.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if code not in used:
            used.add(code)
            return code


@generator_step("service_posts", order=45)
def generate_service_posts(generator) -> int:
    """Posts per community organization, claims in every state, agreements and residents' comments."""
    rng, today = generator.rng, generator.today
    orgs = _community_orgs()
    if not orgs:
        return 0
    step = Organization.steplen
    members_of: dict[str, list[tuple[int, str]]] = {path: [] for path in orgs}
    rows = PartyMember.objects.filter(is_active=True).values_list("pk", "person__name", "org__path")
    for member_pk, name, org_path in rows.order_by("pk"):
        for end in range(step, len(org_path) + 1, step):
            if org_path[:end] in members_of:
                members_of[org_path[:end]].append((member_pk, name))
                break
    org_names = dict(Organization.objects.filter(pk__in=list(orgs.values())).values_list("pk", "name"))
    starts_on = today.replace(month=1, day=1)
    ends_on = today.replace(month=12, day=31)

    posts: list[Post] = []
    holders: list[list[tuple[int, str]]] = []
    demo = _demo_member(generator)
    demo_placed = False
    for path, org_pk in sorted(orgs.items()):
        members = members_of[path]
        count = max(2, round(len(members) * POSTS_PER_MEMBER)) if members else 0
        for index in range(count):
            title, duties = POSTS[index % len(POSTS)]
            places = rng.randint(1, 5)
            posts.append(
                Post(
                    org_id=org_pk,
                    title=title if index < len(POSTS) else f"{title}（{index // len(POSTS) + 1}）",
                    duties=duties,
                    kind=PostKind.VANGUARD if rng.random() < 0.25 else PostKind.SERVICE,
                    starts_on=starts_on,
                    ends_on=ends_on,
                    places=places,
                    is_public=rng.random() < 0.9,
                    state=PostState.OPEN,
                )
            )
            candidates = rng.sample(members, min(len(members), places + 1))
            demo_row = next((row for row in members if row[0] == demo), None) if not demo_placed else None
            if demo_row is not None:
                candidates = [demo_row, *(row for row in candidates if row[0] != demo)][: places + 1]
                demo_placed = True
            holders.append(candidates)
    generator.insert(Post, posts, "service_posts")

    claims: list[PostClaim] = []
    names: list[str] = []
    now = timezone.now()
    demo_done = False
    for post, candidates in zip(posts, holders, strict=True):
        taken = 0
        for member_pk, name in candidates:
            state = _state(rng)
            if member_pk == demo:
                # The demo member holds one post, so 我的 shows an agreement; the others stay open to them.
                if demo_done:
                    continue
                state, demo_done = ClaimState.CONFIRMED, True
            if state in (ClaimState.CONFIRMED, ClaimState.CLAIMED):
                if taken >= post.places:
                    state = ClaimState.DECLINED
                else:
                    taken += 1
            claim_start = post.starts_on + datetime.timedelta(days=rng.randint(0, 40))
            claim_end = post.ends_on
            if state == ClaimState.EXPIRED:
                claim_end = max(claim_start, today - datetime.timedelta(days=rng.randint(1, 60)))
            claims.append(
                PostClaim(
                    post_id=post.pk,
                    member_id=member_pk,
                    state=state,
                    starts_on=claim_start,
                    ends_on=claim_end,
                    decided_at=None if state == ClaimState.CLAIMED else now,
                    reason={ClaimState.DECLINED: "岗位已满", ClaimState.WITHDRAWN: "工作调动"}.get(state, ""),
                    ended_on=today
                    if state == ClaimState.WITHDRAWN
                    else claim_end
                    if state == ClaimState.EXPIRED
                    else None,
                )
            )
            names.append(name)
    generator.insert(PostClaim, claims, "service_posts")

    org_of_post = {post.pk: org_names[post.org_id] for post in posts}
    post_by_pk = {post.pk: post for post in posts}
    used: set[str] = set()
    agreements: list[Agreement] = []
    notes: list[ResidentNote] = []
    for claim, name in zip(claims, names, strict=True):
        if claim.state in (ClaimState.CLAIMED, ClaimState.DECLINED):
            continue
        post = post_by_pk[claim.post_id]
        middle = claim.starts_on + datetime.timedelta(days=180)
        renewed = claim.state == ClaimState.CONFIRMED and middle < min(today, claim.ends_on)
        versions = 2 if renewed and rng.random() < RENEWED_SHARE else 1
        for version in range(1, versions + 1):
            first = versions == 1 or version == 1
            agreements.append(
                Agreement(
                    claim_id=claim.pk,
                    version=version,
                    number=f"LG{claim.starts_on:%Y}{claim.pk:06d}-{version}",
                    code=_code(rng, used),
                    issued_on=claim.starts_on if version == 1 else middle,
                    starts_on=claim.starts_on if version == 1 else middle + datetime.timedelta(days=1),
                    ends_on=claim.ends_on if versions == 1 or not first else middle,
                    post_title=post.title,
                    post_kind=post.kind,
                    duties=post.duties,
                    org_name=org_of_post[post.pk],
                    member_name=name,
                )
            )
        if claim.state == ClaimState.CONFIRMED and post.is_public:
            for _ in range(rng.randint(0, 2)):
                author = rng.choice(SURNAMES) + rng.choice(GIVEN)
                notes.append(
                    ResidentNote(
                        claim_id=claim.pk,
                        kind=ResidentNote.COMMENT,
                        author_name=author,
                        phone_hash=hashlib.sha256(f"demo-{claim.pk}-{author}".encode()).hexdigest(),
                        text=rng.choice(COMMENTS),
                    )
                )
    generator.insert(Agreement, agreements, "service_posts")
    generator.insert(ResidentNote, notes, "service_posts")
    return len(posts) + len(claims) + len(agreements) + len(notes)
