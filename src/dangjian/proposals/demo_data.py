"""Demo and benchmark data of proposals: residents and members of each community propose a few
things; supports in proportion, some past the threshold (awaiting response), some answered.
Bulk inserts only; deterministic per seed."""

from __future__ import annotations

import hashlib

from django.utils import timezone

from dangjian.core.generator.steps import generator_step
from dangjian.core.search import search_tokens
from dangjian.orgs.choices import AreaKind
from dangjian.orgs.models import Organization
from dangjian.proposals.choices import ProposalState
from dangjian.proposals.models import DEFAULT_THRESHOLD, Proposal, Support

IDEAS = [
    ("小区增设电动自行车充电桩", "楼下电动车飞线充电很危险，建议在小区空地增设集中充电桩。"),
    ("老旧小区加装电梯", "我们楼里老人多，上下楼困难，建议启动加装电梯协商。"),
    ("社区开设四点半课堂", "双职工家庭孩子放学无人照看，建议社区开设四点半课堂。"),
    ("增加垃圾分类投放点照明", "晚上投放点太暗，建议加装照明灯。"),
    ("规范小区停车秩序", "消防通道经常被占用，建议划线并加强巡查。"),
]
SURNAMES = "王李张刘陈杨赵黄周吴"
GIVEN = ["芳", "伟", "敏", "静", "丽", "强"]


@generator_step("proposals", order=48)
def generate_proposals(generator) -> int:
    rng = generator.rng
    now = timezone.now()
    tokens = {title: search_tokens(title, text) for title, text in IDEAS}
    # The party organization of each community: the highest active one whose jurisdiction it is.
    best: dict[int, tuple[int, int]] = {}
    rows = Organization.objects.filter(jurisdiction__kind=AreaKind.COMMUNITY, is_active=True).values_list(
        "pk", "depth", "jurisdiction_id"
    )
    for pk, depth, community in rows.order_by("path"):
        if community not in best or depth < best[community][0]:
            best[community] = (depth, pk)
    community_orgs = sorted(pk for _depth, pk in best.values())
    proposals: list[Proposal] = []
    for org_pk in community_orgs:
        for title, text in rng.sample(IDEAS, 3):
            name = rng.choice(SURNAMES) + rng.choice(GIVEN)
            supports = rng.choice(
                [rng.randint(0, 12), rng.randint(DEFAULT_THRESHOLD, DEFAULT_THRESHOLD + 15)]
            )
            state = ProposalState.OPEN
            response = ""
            if supports >= DEFAULT_THRESHOLD:
                state = rng.choice([ProposalState.AWAITING, ProposalState.ACCEPTED, ProposalState.DECLINED])
                response = {
                    ProposalState.ACCEPTED: "感谢提议，社区已列入本季度民生实事，将与物业协商落实。",
                    ProposalState.DECLINED: "经与业委会、物业协商，暂不具备实施条件，社区将继续关注。",
                }.get(state, "")
            proposals.append(
                Proposal(
                    org_id=org_pk,
                    title=title,
                    text=text,
                    proposer_name=name,
                    proposer_phone_hash=hashlib.sha256(f"demo-{org_pk}-{title}".encode()).hexdigest(),
                    state=state,
                    supports=supports,
                    threshold=DEFAULT_THRESHOLD,
                    reached_at=now if supports >= DEFAULT_THRESHOLD else None,
                    response=response,
                    responded_at=now if response else None,
                    search_tokens=tokens[title],
                )
            )
    generator.insert(Proposal, proposals, "proposals")
    supports = [
        Support(
            proposal_id=proposal.pk,
            phone_hash=hashlib.sha256(f"demo-{proposal.pk}-{index}".encode()).hexdigest(),
        )
        for proposal in proposals
        for index in range(proposal.supports)
    ]
    generator.insert(Support, supports, "proposals")
    return len(proposals) + len(supports)
