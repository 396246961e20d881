"""留党察看 and suspended rights in the member ledger: recorded with audit from the member page,
shown there, imported and exported with the ledger, and read by ``members.voters`` — the one
answer to "who has a vote in this branch on this date" (选举工作条例 第五条; 细则 第十四条)."""

from __future__ import annotations

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from dangjian.core import excel
from dangjian.core.choices import AuditAction
from dangjian.core.errors import RuleViolation
from dangjian.core.models import AuditEntry
from dangjian.members import ledger_services
from dangjian.members.choices import MemberStatus, RestrictionKind
from dangjian.members.imports import MEMBER_SPEC
from dangjian.members.models import PartyMember, RightsRestriction
from dangjian.members.voters import count_with_a_vote, members_with_a_vote
from tests.members.ledger_data import HEADER, make_member, sheet_row
from tests.members.restriction_data import full_member, party_groups, under_probation

TODAY = timezone.localdate()


def test_election_rules_article_5_voters_are_the_whole_branch_without_probationary_or_restricted(world):
    direct = [full_member(world.branch_a1) for _ in range(3)]
    grouped = party_groups(world.branch_a1, [4, 3])
    full_member(world.branch_a1, status=MemberStatus.PROBATIONARY, regularized_on=None)
    full_member(world.branch_a1, is_active=False)
    full_member(world.branch_b1)
    under_probation(grouped[0][0], starts_on=TODAY - datetime.timedelta(days=30))

    voters = set(members_with_a_vote(world.branch_a1).values_list("pk", flat=True))

    assert voters == {m.pk for m in direct + grouped[0][1:] + grouped[1]}
    assert count_with_a_vote(world.branch_a1) == 9
    # Before the restriction started, the member had a vote.
    assert count_with_a_vote(world.branch_a1, TODAY - datetime.timedelta(days=31)) == 10


def test_a_secretary_records_probation_within_the_party_from_the_member_page_with_audit(
    client, world, secretary_a
):
    member = make_member(world.branch_a1, "张伟", number=1)
    client.force_login(secretary_a)
    url = reverse("members:member_restriction_create", kwargs={"pk": member.pk})
    assert client.get(url).status_code == 200

    response = client.post(
        url,
        {
            "kind": RestrictionKind.PROBATION_WITHIN_PARTY,
            "starts_on": (TODAY - datetime.timedelta(days=10)).isoformat(),
            "ends_on": (TODAY + datetime.timedelta(days=355)).isoformat(),
            "decision_number": "和纪〔2026〕7号",
            "decision_organ": "中共和平街道纪律检查工作委员会",
            "decision_text": "给予留党察看一年处分。",
            "version": member.version,
        },
    )

    assert response.status_code == 302
    restriction = RightsRestriction.objects.get(member=member)
    assert restriction.decision_number == "和纪〔2026〕7号" and restriction.recorded_by == secretary_a
    entry = AuditEntry.objects.get(object_type="members.rightsrestriction", action=AuditAction.CREATE)
    assert entry.changes["decision_number"] == [None, "和纪〔2026〕7号"]
    assert entry.org_path == world.branch_a1.path
    page = client.get(reverse("members:member_detail", kwargs={"pk": member.pk})).content.decode()
    assert "和纪〔2026〕7号" in page and "中共和平街道纪律检查工作委员会" in page
    assert count_with_a_vote(world.branch_a1) == 0


def test_probation_without_an_end_date_is_refused_with_a_form_error(client, world, secretary_a):
    member = make_member(world.branch_a1, "张伟", number=1)
    client.force_login(secretary_a)
    response = client.post(
        reverse("members:member_restriction_create", kwargs={"pk": member.pk}),
        {
            "kind": RestrictionKind.PROBATION_WITHIN_PARTY,
            "starts_on": TODAY.isoformat(),
            "decision_organ": "中共幸福社区委员会",
            "version": member.version,
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors["ends_on"]
    assert not RightsRestriction.objects.exists()


def test_overlapping_periods_are_refused_and_a_suspension_is_ended_with_its_reason(world, secretary_a):
    member = make_member(world.branch_a1, "张伟", number=1)
    suspension = ledger_services.record_restriction(
        member,
        by=secretary_a,
        kind=RestrictionKind.RIGHTS_SUSPENDED,
        starts_on=TODAY - datetime.timedelta(days=60),
        decision_organ="区监察委员会",
    )
    with pytest.raises(RuleViolation) as refused:
        ledger_services.record_restriction(
            member,
            by=secretary_a,
            kind=RestrictionKind.RIGHTS_SUSPENDED,
            starts_on=TODAY - datetime.timedelta(days=5),
            decision_organ="区监察委员会",
        )
    assert refused.value.rule == "restriction_overlap"
    assert members_with_a_vote(world.branch_a1).count() == 0

    ledger_services.end_restriction(
        suspension, by=secretary_a, ends_on=TODAY - datetime.timedelta(days=1), note="解除留置"
    )

    assert members_with_a_vote(world.branch_a1).count() == 1
    entry = AuditEntry.objects.get(object_type="members.rightsrestriction", action=AuditAction.UPDATE)
    assert entry.note == "解除留置"


def test_someone_outside_the_subtree_cannot_record_a_restriction(world, secretary_b):
    from dangjian.core.errors import PermissionDenied

    member = make_member(world.branch_a1, "张伟", number=1)
    with pytest.raises(PermissionDenied):
        ledger_services.record_restriction(
            member,
            by=secretary_b,
            kind=RestrictionKind.RIGHTS_SUSPENDED,
            starts_on=TODAY,
            decision_organ="区监察委员会",
        )
    assert not RightsRestriction.objects.exists()


RESTRICTION_HEADER = [
    "Restriction",
    "Restriction starts on",
    "Restriction ends on",
    "Decision document number",
    "Deciding organ",
]


def _with_restriction(row: list, *cells) -> list:
    return [*row, *cells]


def test_the_ledger_import_records_probation_within_the_party(world, district_admin):
    start = TODAY - datetime.timedelta(days=100)
    rows = [
        _with_restriction(
            sheet_row(1),
            "probation_within_party",
            start,
            start + datetime.timedelta(days=364),
            "和纪〔2026〕1号",
            "中共和平街道工作委员会",
        ),
        _with_restriction(sheet_row(2), "", None, None, "", ""),
    ]
    report = excel.commit(MEMBER_SPEC, _book(rows), by=district_admin, file_name="采集表.xlsx")

    assert report.committed, [error.message for error in report.errors]
    restriction = RightsRestriction.objects.get()
    assert restriction.member.person.name == "党员1" and restriction.starts_on == start
    assert count_with_a_vote(world.branch_a1) == 1


def test_the_ledger_import_refuses_probation_without_its_end(world, district_admin):
    rows = [_with_restriction(sheet_row(1), "probation_within_party", TODAY, None, "", "区纪委")]
    report = excel.commit(MEMBER_SPEC, _book(rows), by=district_admin, file_name="采集表.xlsx")
    assert not report.committed
    assert not PartyMember.objects.exists()


def _book(rows: list[list]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("党员信息采集表")
    sheet.append(HEADER + RESTRICTION_HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_the_ledger_export_shows_the_restriction(client, world, secretary_a):
    member = make_member(world.branch_a1, "张伟", number=1)
    make_member(world.branch_a1, "李娜", number=2)
    under_probation(member, starts_on=datetime.date(2025, 3, 1), ends_on=datetime.date(2026, 2, 28))
    client.force_login(secretary_a)

    response = client.get(reverse("members:member_export"))

    sheet = load_workbook(
        io.BytesIO(b"".join(response.streaming_content if response.streaming else [response.content]))
    ).active
    header = [cell.value for cell in next(sheet.iter_rows(min_row=1, max_row=1))]
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    decision = len(header) - 2  # the decision's document number, before the deciding organ
    assert rows["张伟"][decision] == "和纪〔2025〕3号"
    assert rows["李娜"][decision] in (None, "")
