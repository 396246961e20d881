"""The member ledger pages and services: filters, search, pinyin order, scope, edits and rules."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dangjian.core.errors import ConcurrentChange, RuleViolation
from dangjian.core.models import AuditEntry
from dangjian.members import ledger_services
from dangjian.members.choices import MemberCategory, MemberStatus
from dangjian.members.models import PartyMember
from tests.members.ledger_data import id_number, make_member

LIST = reverse("members:member_list")


def names(response) -> list[str]:
    return [member.person.name for member in response.context["page"]]


def years_ago(years: int, days: int = 0) -> datetime.date:
    today = timezone.localdate()
    return today.replace(year=today.year - years) - datetime.timedelta(days=days)


# --- The list ---------------------------------------------------------------------------------


def test_list_is_sorted_by_pinyin_and_scoped_to_the_secretarys_community(client, world, secretary_a):
    for number, name in enumerate(["赵敏", "王芳", "安娜", "陈静"]):
        make_member(world.branch_a1, name, number=number)
    make_member(world.branch_b1, "白雪", number=10)
    client.force_login(secretary_a)

    response = client.get(LIST)

    assert response.status_code == 200
    assert names(response) == ["安娜", "陈静", "王芳", "赵敏"]
    assert "白雪" not in response.content.decode()
    assert "党员" in response.content.decode()


def test_search_by_name_pinyin_initials_traditional_and_id_number(client, world, secretary_a):
    make_member(world.branch_a1, "张国华", number=1)
    make_member(world.branch_a1, "李娜", number=2)
    client.force_login(secretary_a)

    for query in ["张国华", "國華", "zhangguohua", "zgh", id_number(1)]:
        assert names(client.get(LIST, {"q": query})) == ["张国华"], query
    assert names(client.get(LIST, {"q": id_number(3)})) == []


def test_search_by_id_number_does_not_reach_outside_the_scope(client, world, secretary_a):
    make_member(world.branch_b1, "王芳", number=5)
    client.force_login(secretary_a)

    assert names(client.get(LIST, {"q": id_number(5)})) == []


def test_filters_status_category_education_lost_contact_and_active(client, world, secretary_a):
    make_member(world.branch_a1, "甲", number=1, category=MemberCategory.RETIRED, education="bachelor")
    make_member(
        world.branch_a1,
        "乙",
        number=2,
        status=MemberStatus.PROBATIONARY,
        joined_on=years_ago(0, 100),
        is_lost_contact=True,
    )
    make_member(world.branch_a1, "丙", number=3, is_active=False)
    client.force_login(secretary_a)

    assert names(client.get(LIST, {"status": "probationary"})) == ["乙"]
    assert names(client.get(LIST, {"category": "retired"})) == ["甲"]
    assert names(client.get(LIST, {"education": "bachelor"})) == ["甲"]
    assert names(client.get(LIST, {"lost_contact": "yes"})) == ["乙"]
    assert names(client.get(LIST, {"lost_contact": "no"})) == ["甲"]
    assert sorted(names(client.get(LIST))) == sorted(["甲", "乙"])
    assert names(client.get(LIST, {"active": "no"})) == ["丙"]
    assert len(names(client.get(LIST, {"active": "all"}))) == 3


def test_age_and_standing_bands(client, world, secretary_a):
    make_member(
        world.branch_a1,
        "青年",
        number=1,
        birth=years_ago(30),
        joined_on=years_ago(8),
        regularized_on=years_ago(7),
    )
    make_member(
        world.branch_a1,
        "中年",
        number=2,
        birth=years_ago(45),
        joined_on=years_ago(21),
        regularized_on=years_ago(20),
    )
    make_member(
        world.branch_a1,
        "老年",
        number=3,
        birth=years_ago(61),
        joined_on=years_ago(41),
        regularized_on=years_ago(40),
    )
    make_member(
        world.branch_a1,
        "预备",
        number=4,
        birth=years_ago(25),
        status=MemberStatus.PROBATIONARY,
        joined_on=years_ago(0, 30),
    )
    client.force_login(secretary_a)

    assert sorted(names(client.get(LIST, {"age": "lt35"}))) == sorted(["青年", "预备"])
    assert names(client.get(LIST, {"age": "35-45"})) == ["中年"]
    assert names(client.get(LIST, {"age": "46-60"})) == []
    assert names(client.get(LIST, {"age": "gt60"})) == ["老年"]
    assert names(client.get(LIST, {"standing": "lt10"})) == ["青年"]
    assert names(client.get(LIST, {"standing": "20-29"})) == ["中年"]
    assert names(client.get(LIST, {"standing": "30-49"})) == ["老年"]
    assert names(client.get(LIST, {"standing": "none"})) == ["预备"]


def test_org_filter_takes_the_subtree(client, world, district_admin):
    make_member(world.branch_a1, "支部党员", number=1)
    make_member(world.org_a, "党委党员", number=2)
    make_member(world.branch_b1, "光明党员", number=3)
    client.force_login(district_admin)

    response = client.get(LIST, {"org": world.org_a.pk})

    assert sorted(names(response)) == sorted(["支部党员", "党委党员"])
    assert "中共幸福社区委员会" in response.content.decode()
    assert names(client.get(LIST, {"org": world.branch_a1.pk})) == ["支部党员"]


def test_list_pages_show_masked_personal_data_only(client, world, secretary_a):
    member = make_member(world.branch_a1, "张伟", number=7)
    client.force_login(secretary_a)

    page = (
        client.get(LIST).content.decode()
        + client.get(reverse("members:member_detail", args=[member.pk])).content.decode()
    )

    assert "13800000007" not in page and id_number(7) not in page
    assert member.person.mobile_masked in page and member.person.id_number_masked in page


def _list_queries(client, **params) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST, params)
    assert response.status_code == 200
    return len(queries.captured_queries)


def test_list_query_count_is_the_same_for_3_and_30_members(client, world, secretary_a):
    client.force_login(secretary_a)
    for number in range(3):
        make_member(world.branch_a1, f"成员{number}", number=number)
    three, three_searched = _list_queries(client), _list_queries(client, q="成员", org=world.org_a.pk)
    for number in range(3, 30):
        make_member(world.branch_a1, f"成员{number}", number=number)

    assert _list_queries(client) == three
    assert _list_queries(client, q="成员", org=world.org_a.pk) == three_searched


def test_list_is_refused_without_the_view_permission(client, world, grid_worker_a):
    client.force_login(grid_worker_a)
    assert client.get(LIST).status_code == 403


# --- The member page --------------------------------------------------------------------------


def test_detail_shows_entry_standing_and_history(client, world, secretary_a):
    client.force_login(secretary_a)
    member = ledger_services.create_member(
        by=secretary_a,
        org=world.branch_a1,
        name="刘洋",
        id_number=id_number(9, datetime.date(1985, 3, 1)),
        status=MemberStatus.FULL,
        category=MemberCategory.EMPLOYED,
        joined_on=datetime.date(2010, 7, 1),
        regularized_on=datetime.date(2011, 7, 1),
        workplace="示范区税务局",
    )
    ledger_services.mark_lost_contact(member, by=secretary_a, since=timezone.localdate(), note="电话停机")

    response = client.get(reverse("members:member_detail", args=[member.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "示范区税务局" in page and "党龄" in page
    assert f"{member.party_standing_years()} 年" in page
    assert "台账变更记录" in page and "电话停机" in page and "组织关系转接" in page


def test_detail_out_of_scope_is_404(client, world, secretary_a):
    member = make_member(world.branch_b1, "王芳", number=4)
    client.force_login(secretary_a)
    assert client.get(reverse("members:member_detail", args=[member.pk])).status_code == 404


# --- Adding and editing -----------------------------------------------------------------------


def _form(**overrides) -> dict:
    data = {
        "name": "陈静",
        "id_number": id_number(22, datetime.date(1990, 5, 6)),
        "gender": "",
        "ethnicity": "汉族",
        "birth_date": "",
        "education": "master",
        "mobile": "13912345678",
        "status": "full",
        "category": "employed",
        "joined_on": "2015-06-01",
        "regularized_on": "2016-06-01",
        "workplace": "示范区医院",
        "job_title": "医生",
        "flow_out_destination": "",
        "note": "",
    }
    data.update(overrides)
    return data


def test_create_page_adds_a_member_with_audit(client, world, secretary_a):
    client.force_login(secretary_a)

    response = client.post(reverse("members:member_create"), _form(org=world.branch_a1.pk))

    member = PartyMember.objects.get(person__name="陈静")
    assert response.status_code == 302 and response["Location"] == reverse(
        "members:member_detail", args=[member.pk]
    )
    assert member.person.gender == "female" and member.person.birth_date == datetime.date(1990, 5, 6)
    assert member.person.mobile_masked == "139****5678"
    assert AuditEntry.objects.filter(
        object_type="members.partymember", object_id=str(member.pk), action="create"
    ).exists()


def test_regularization_before_one_year_is_refused_with_the_rule_named(client, world, secretary_a):
    client.force_login(secretary_a)

    response = client.post(
        reverse("members:member_create"), _form(org=world.branch_a1.pk, regularized_on="2016-05-31")
    )

    assert response.status_code == 400
    assert "预备期一年" in response.content.decode()
    assert not PartyMember.objects.exists()


def test_probationary_member_has_no_regularization_date(world, secretary_a):
    with pytest.raises(RuleViolation) as error:
        ledger_services.create_member(
            by=secretary_a,
            org=world.branch_a1,
            name="陈静",
            id_number=id_number(22, datetime.date(1990, 5, 6)),
            status=MemberStatus.PROBATIONARY,
            category=MemberCategory.EMPLOYED,
            joined_on=years_ago(0, 30),
            regularized_on=timezone.localdate(),
        )
    assert error.value.rule == "probationary_no_regularization"


def test_invalid_id_number_and_second_membership_are_refused(world, secretary_a):
    make_member(world.branch_a1, "王芳", number=4)
    arguments = {
        "name": "王芳",
        "status": MemberStatus.FULL,
        "category": MemberCategory.RETIRED,
        "joined_on": datetime.date(2000, 1, 1),
        "regularized_on": datetime.date(2001, 1, 1),
    }
    with pytest.raises(RuleViolation) as error:
        ledger_services.create_member(
            by=secretary_a, org=world.branch_a1, id_number="110105198001010001", **arguments
        )
    assert error.value.field == "id_number"
    with pytest.raises(RuleViolation) as error:
        ledger_services.create_member(
            by=secretary_a, org=world.branch_a1, id_number=id_number(4), **arguments
        )
    assert error.value.rule == "one_membership" and "一人一条党员记录" in error.value.message


def test_mobile_member_needs_a_destination(world, secretary_a):
    with pytest.raises(RuleViolation) as error:
        ledger_services.create_member(
            by=secretary_a,
            org=world.branch_a1,
            name="流动",
            id_number=id_number(30),
            status=MemberStatus.FULL,
            category=MemberCategory.MOBILE,
            joined_on=datetime.date(2005, 1, 1),
            regularized_on=datetime.date(2006, 1, 1),
        )
    assert error.value.rule == "mobile_destination"


def test_stale_edit_is_refused_and_nothing_is_applied(client, world, secretary_a):
    member = make_member(world.branch_a1, "张伟", number=1, workplace="甲单位")
    client.force_login(secretary_a)
    edit = reverse("members:member_edit", args=[member.pk])
    stale_version = member.version
    ledger_services.update_member(member, by=secretary_a, expected_version=stale_version, workplace="乙单位")

    response = client.post(edit, _form(name="张伟", id_number="", version=stale_version, workplace="丙单位"))

    assert response.status_code == 409
    assert "他人已修改" in response.content.decode()
    member.refresh_from_db()
    assert member.workplace == "乙单位" and member.version == stale_version + 1


def test_edit_bumps_the_version_and_audits_the_changes(client, world, secretary_a):
    member = make_member(world.branch_a1, "张伟", number=1)
    client.force_login(secretary_a)

    response = client.post(
        reverse("members:member_edit", args=[member.pk]),
        _form(
            name="张伟",
            id_number="",
            mobile="",
            birth_date="1980-01-01",
            joined_on="2005-07-01",
            regularized_on="2006-07-01",
            version=member.version,
            job_title="处长",
        ),
    )

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.job_title == "处长" and member.version == 2
    assert member.person.id_number_masked  # kept
    entry = AuditEntry.objects.get(
        object_type="members.partymember", object_id=str(member.pk), action="update"
    )
    assert entry.changes["job_title"] == ["", "处长"]


def test_service_refuses_stale_version(world, secretary_a):
    member = make_member(world.branch_a1, "张伟", number=1)
    with pytest.raises(ConcurrentChange):
        ledger_services.update_member(member, by=secretary_a, expected_version=member.version + 5, note="x")


def test_lost_contact_mark_and_clear(client, world, secretary_a):
    member = make_member(world.branch_a1, "张伟", number=1)
    client.force_login(secretary_a)
    url = reverse("members:member_lost_contact", args=[member.pk])

    client.post(url, {"since": "2026-01-05", "note": "", "version": member.version})
    member.refresh_from_db()
    assert member.is_lost_contact and member.lost_contact_since == datetime.date(2026, 1, 5)

    client.post(url, {"action": "clear", "note": "已联系上", "version": member.version})
    member.refresh_from_db()
    assert not member.is_lost_contact and member.version == 3
    assert AuditEntry.objects.filter(object_id=str(member.pk), object_type="members.partymember").count() == 2


def test_secretary_cannot_edit_a_member_of_another_community(world, secretary_a):
    member = make_member(world.branch_b1, "王芳", number=4)
    from dangjian.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        ledger_services.update_member(member, by=secretary_a, expected_version=member.version, note="x")


# --- The organization picker of the add form --------------------------------------------------

CREATE = reverse("members:member_create")


def _create_page_queries(client, **params) -> tuple[int, list]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(CREATE, params)
    assert response.status_code == 200
    return len(queries.captured_queries), response.context["options"]


def test_create_page_costs_the_same_queries_for_3_and_60_organizations(client, world, district_admin):
    from tests.factories import add_org

    client.force_login(district_admin)
    for number in range(3):
        add_org(world.org_a, f"幸福社区测试党支部{number}", f"T{number:04d}", "branch")
    three, found = _create_page_queries(client, q="测试党支部")
    empty, _options = _create_page_queries(client)
    for number in range(3, 60):
        add_org(world.org_b, f"光明社区测试党支部{number}", f"T{number:04d}", "branch")

    sixty, found_now = _create_page_queries(client, q="测试党支部")
    assert sixty == three and len(found) == 3 and len(found_now) == 12  # a page of results, not all
    assert _create_page_queries(client)[0] == empty
    page = client.get(CREATE).content.decode()
    assert "光明社区测试党支部" not in page and "搜索" in page  # no list of every organization


def test_picker_offers_only_organizations_where_the_user_may_add(client, world, secretary_a):
    client.force_login(secretary_a)

    _count, options = _create_page_queries(client, q="网格党支部")
    _count, preset = _create_page_queries(client, org=world.branch_a1.pk)
    _count, outside = _create_page_queries(client, org=world.branch_b1.pk)

    assert [name for _pk, name, _code in options] == ["幸福社区第一网格党支部"]
    assert [pk for pk, _name, _code in preset] == [world.branch_a1.pk] and outside == []


def test_posting_an_organization_outside_the_scope_is_refused(client, world, secretary_a):
    client.force_login(secretary_a)

    response = client.post(CREATE, _form(org=world.branch_b1.pk))
    missing = client.post(CREATE, _form())

    assert response.status_code == 400 and missing.status_code == 400
    assert response.context["picker"].errors["org"] and missing.context["picker"].errors["org"]
    assert not PartyMember.objects.exists()
    assert "陈静" in response.content.decode()  # what was typed is kept


# --- The list: 党龄 of 预备党员 and the empty states -------------------------------------------


def test_standing_column_is_empty_for_a_probationary_member(client, world, secretary_a):
    make_member(world.branch_a1, "安娜", number=1, regularized_on=years_ago(12))
    make_member(
        world.branch_a1, "白雪", number=2, status=MemberStatus.PROBATIONARY, joined_on=years_ago(0, 30)
    )
    client.force_login(secretary_a)

    response = client.get(LIST)

    standing = {member.person.name: member.standing for member in response.context["page"]}
    assert standing == {"安娜": 12, "白雪": None}
    rows = response.content.decode().split("<tr>")
    full, probationary = (next(row for row in rows if name in row) for name in ("安娜", "白雪"))
    assert "12 年" in full and "预备党员" in probationary and " 年</td>" not in probationary


def test_empty_ledger_and_empty_filter_results_say_what_to_do(client, world, secretary_a):
    client.force_login(secretary_a)

    empty = client.get(LIST).content.decode()
    assert "尚无党员" in empty and reverse("members:member_import") in empty
    make_member(world.branch_a1, "安娜", number=1)
    filtered = client.get(LIST, {"q": "不存在的名字"}).content.decode()
    assert "没有符合筛选条件的党员" in filtered and "重置筛选" in filtered
