"""The member page's section on the member's own development pipeline."""

from __future__ import annotations

from dangjian.development.history import development_history
from dangjian.members.history import history_sections
from dangjian.members.models import PartyMember
from tests.development.helpers import full_members, new_applicant, walk


def test_the_member_history_lists_the_steps_of_their_own_pipeline(world, secretary_a, secretary_b):
    members = full_members(world.branch_a1)
    applicant = new_applicant(world.branch_a1, secretary_a)
    walk(applicant, secretary_a, members, until="admission_approval")
    member = PartyMember.objects.get(person=applicant.person)
    keys = [provider.key for provider, _section in history_sections(member, secretary_a)]
    assert "development" in keys
    section = development_history(member, secretary_a)
    names = [record.step.name for record in section.context["records"]]
    assert names[0] == "递交入党申请书" and "上级党委审批接收" in names
    assert section.more_url.endswith(f"/development/applicants/{applicant.pk}/")
    assert development_history(member, secretary_b) is None


def test_a_member_without_a_pipeline_file_has_no_section(world, secretary_a):
    member = full_members(world.branch_a1, 1)[0]
    assert development_history(member, secretary_a) is None
