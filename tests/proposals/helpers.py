"""Builders for the proposal tests: proposals to 社区A党委 and 社区B党委, verified phones."""

from __future__ import annotations

from dangjian.orgs.models import Organization
from dangjian.portal.verification import phone_hash
from dangjian.proposals.models import Proposal


def proposal_at(org: Organization, title: str = "增设充电桩", *, hidden: bool = False, **fields) -> Proposal:
    found = Proposal.objects.filter(org=org, title=title).first()
    if found is not None:
        return found
    fields.setdefault("proposer_name", "王小明")
    fields.setdefault("proposer_phone_hash", phone_hash("13800138000"))
    return Proposal.objects.create(
        org=org, title=title, text="楼下电动车飞线充电很危险。", is_hidden=hidden, **fields
    )
