"""Configuring 为民服务: the category tree, the routing table with its history, and departments."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangjian.accounts.roles import BuiltinRole
from dangjian.core.choices import AuditAction
from dangjian.core.errors import ConcurrentChange, PermissionDenied, RuleViolation
from dangjian.core.models import AuditEntry
from dangjian.orgs.choices import AreaKind, OrgKind
from dangjian.service import config_services, services
from dangjian.service.choices import ServiceMode, TimeLimitUnit
from dangjian.service.models import Category, Department, DepartmentMember, RoutingRule
from tests.factories import UserFactory, add_area, add_org, assign
from tests.service.conftest import add_category

pytestmark = pytest.mark.django_db


def _category_form(**changes) -> dict:
    data = {
        "name": "占道经营",
        "code": "SR03",
        "description": "",
        "limit_amount": 2,
        "limit_unit": TimeLimitUnit.WORKING_DAYS,
        "service_mode": ServiceMode.ORDINARY,
        "default_handler_org": "",
        "default_handler_department": "",
        "is_public": "on",
    }
    data.update(changes)
    return data


# --- categories -----------------------------------------------------------------------------------


def test_category_list_shows_the_tree_with_limits_and_handlers(client, service_world, district_admin):
    client.force_login(district_admin)
    text = client.get(reverse("service:category_list")).content.decode()
    assert "市容环境" in text and "垃圾清运" in text and "路灯维修" in text
    assert "区城管执法局" in text and "幸福社区第一网格党支部" in text
    assert "工作小时" in text or "工作时" in text
    assert reverse("service:category_edit", kwargs={"pk": service_world.garbage.pk}) in text


def test_secretary_sees_categories_but_may_not_change_them(client, service_world, secretary_a):
    client.force_login(secretary_a)
    text = client.get(reverse("service:category_list")).content.decode()
    assert "垃圾清运" in text
    assert reverse("service:category_edit", kwargs={"pk": service_world.garbage.pk}) not in text
    response = client.get(reverse("service:category_edit", kwargs={"pk": service_world.garbage.pk}))
    assert response.status_code == 403
    assert client.get(reverse("service:category_create")).status_code == 403


def test_creating_a_category_under_a_parent_is_audited(client, world, service_world, district_admin):
    client.force_login(district_admin)
    response = client.post(
        reverse("service:category_create"),
        _category_form(parent=service_world.parent.pk, default_handler_org=world.org_a.code),
    )
    assert response.status_code == 302
    category = Category.objects.get(code="SR03")
    assert category.path.startswith(service_world.parent.path) and category.depth == 2
    assert category.default_handler_org == world.org_a
    entry = AuditEntry.objects.get(object_type="service.category", object_id=str(category.pk))
    assert entry.action == AuditAction.CREATE and entry.user_id == district_admin.pk


def test_category_form_offers_organizations_by_lookup_not_as_a_list_of_them_all(
    client, world, service_world, district_admin
):
    """At district scale the form listed 3,812 organizations; now it sends none until one is typed."""
    client.force_login(district_admin)

    def page() -> tuple[int, str]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("service:category_create"))
        assert response.status_code == 200
        return len(queries), response.content.decode()

    few, text = page()
    assert reverse("orgs:org_lookup") in text and world.branch_b1.name not in text
    for index in range(30):
        add_org(world.org_b, f"光明社区第{index}党小组", f"G{index:04d}", OrgKind.GROUP)
    many, more_text = page()
    assert many == few and "党小组" not in more_text


def test_edit_forms_say_which_organization_is_saved_now(client, world, service_world, district_admin):
    """The lookup box shows only a code; the help text names the organization behind it."""
    rule = config_services.set_route(
        category=service_world.garbage, area=world.community_b, handler_org=world.org_b, by=district_admin
    )
    client.force_login(district_admin)

    category_page = client.get(
        reverse("service:category_edit", kwargs={"pk": service_world.garbage.pk})
    ).content.decode()
    rule_page = client.get(reverse("service:routing_edit", kwargs={"pk": rule.pk})).content.decode()

    garbage_handler = service_world.garbage.default_handler_org
    assert f'value="{garbage_handler.code}"' in category_page
    assert f"当前：{garbage_handler.name}。" in category_page
    assert f'value="{world.org_b.code}"' in rule_page and f"当前：{world.org_b.name}。" in rule_page


def test_the_saved_organizations_name_is_escaped_in_the_help_text(
    client, world, service_world, district_admin
):
    """Help texts are rendered as HTML; a name typed with markup must stay text."""
    world.org_b.name = "<b>光明</b>社区委员会"
    world.org_b.save()
    rule = config_services.set_route(
        category=service_world.garbage, area=world.community_b, handler_org=world.org_b, by=district_admin
    )
    client.force_login(district_admin)
    page = client.get(reverse("service:routing_edit", kwargs={"pk": rule.pk})).content.decode()
    assert "当前：&lt;b&gt;光明&lt;/b&gt;社区委员会。" in page and "<b>光明</b>" not in page


def test_category_handler_outside_the_users_tree_is_refused_by_its_code(client, world, service_world):
    community_admin = UserFactory(username="community_admin")
    assign(community_admin, BuiltinRole.ORG_DEPARTMENT_ADMIN, world.org_a)
    client.force_login(community_admin)
    response = client.post(
        reverse("service:category_create"), _category_form(default_handler_org=world.org_b.code)
    )
    assert response.status_code == 200
    assert "没有编码为“C0002”" in response.content.decode()
    assert not Category.objects.filter(code="SR03").exists()


def test_category_with_two_default_handlers_or_no_time_limit_is_refused_in_chinese(
    client, world, service_world, district_admin
):
    client.force_login(district_admin)
    url = reverse("service:category_create")

    both = client.post(
        url,
        _category_form(
            default_handler_org=world.org_a.code, default_handler_department=service_world.department.pk
        ),
    )
    zero = client.post(url, _category_form(limit_amount=0))

    assert "每个类别最多只能有一个默认承办方" in both.content.decode()
    assert "办理时限必须大于 0（当前为 0）" in zero.content.decode()
    assert not Category.objects.filter(code="SR03").exists()


def test_editing_a_category_records_before_and_after(client, service_world, district_admin):
    category = service_world.garbage
    client.force_login(district_admin)
    response = client.post(
        reverse("service:category_edit", kwargs={"pk": category.pk}),
        _category_form(
            name="垃圾清运",
            code="SR01",
            limit_amount=5,
            default_handler_org=category.default_handler_org.code,
            version=category.version,
            is_active="on",
        ),
    )
    assert response.status_code == 302
    category.refresh_from_db()
    assert category.limit_amount == 5 and category.version == 2
    entry = AuditEntry.objects.get(object_type="service.category", action=AuditAction.UPDATE)
    assert entry.changes["limit_amount"] == [3, 5]


def test_editing_a_category_someone_else_changed_is_refused(client, service_world, district_admin):
    category = service_world.garbage
    config_services.update_category(category, by=district_admin, description="先改的")
    client.force_login(district_admin)
    response = client.post(
        reverse("service:category_edit", kwargs={"pk": category.pk}),
        _category_form(name="垃圾清运", code="SR01", version=1, is_active="on"),
    )
    assert response.status_code == 200
    assert "已被他人修改" in response.content.decode() or "刷新" in response.content.decode()
    category.refresh_from_db()
    assert category.limit_amount == 3


def test_category_service_refuses_users_without_the_permission(service_world, secretary_a):
    with pytest.raises(PermissionDenied):
        config_services.create_category(parent=None, by=secretary_a, **_category_fields())


def _category_fields() -> dict:
    return {"name": "新类别", "code": "NEW", "limit_amount": 1, "limit_unit": TimeLimitUnit.WORKING_DAYS}


def test_category_list_costs_the_same_queries_for_3_and_30_categories(client, service_world, district_admin):
    client.force_login(district_admin)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("service:category_list")).status_code == 200
        return len(queries)

    few = count()
    for index in range(27):
        add_category(
            service_world.parent,
            f"类别{index}",
            f"X{index:02d}",
            default_handler_department=service_world.department if index % 2 else None,
        )
    assert count() == few


# --- routing --------------------------------------------------------------------------------------


def test_route_create_edit_deactivate_and_history(client, world, service_world, district_admin):
    client.force_login(district_admin)
    response = client.post(
        reverse("service:routing_create"),
        {
            "category": service_world.garbage.pk,
            "area": world.community_b.code,
            "handler_org": world.org_b.code,
        },
    )
    assert response.status_code == 302
    rule = RoutingRule.objects.get(category=service_world.garbage, area=world.community_b)
    assert services.route_for(service_world.garbage, world.grid_b1) == (world.org_b, None)

    response = client.post(
        reverse("service:routing_edit", kwargs={"pk": rule.pk}),
        {"handler_department": service_world.department.pk, "version": rule.version},
    )
    assert response.status_code == 302
    assert services.route_for(service_world.garbage, world.grid_b1) == (None, service_world.department)

    rule.refresh_from_db()
    client.post(
        reverse("service:routing_edit", kwargs={"pk": rule.pk}),
        {"action": "deactivate", "version": rule.version},
    )
    rule.refresh_from_db()
    assert not rule.is_active

    history = client.get(reverse("service:routing_history", kwargs={"pk": rule.pk})).content.decode()
    assert history.count("<tr>") == 4  # header + create, update, deactivate
    assert "中共光明社区委员会" in history and "区城管执法局" in history
    actions = list(
        AuditEntry.objects.filter(object_type="service.routingrule", object_id=str(rule.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [AuditAction.CREATE, AuditAction.UPDATE, AuditAction.DEACTIVATE]


def test_a_rule_needs_exactly_one_handler(client, world, service_world, district_admin):
    client.force_login(district_admin)
    response = client.post(
        reverse("service:routing_create"),
        {
            "category": service_world.garbage.pk,
            "area": world.community_b.code,
            "handler_org": world.org_b.code,
            "handler_department": service_world.department.pk,
        },
    )
    assert "一条派单规则只能指定一个承办方" in response.content.decode()
    assert not RoutingRule.objects.exists()


def test_a_second_rule_for_the_same_category_and_area_is_refused(
    client, world, service_world, district_admin
):
    config_services.set_route(
        category=service_world.garbage, area=world.community_b, handler_org=world.org_b, by=district_admin
    )
    client.force_login(district_admin)
    response = client.post(
        reverse("service:routing_create"),
        {
            "category": service_world.garbage.pk,
            "area": world.community_b.code,
            "handler_org": world.org_b.code,
        },
    )
    assert "已有派单规则" in response.content.decode()


def test_editing_a_rule_changed_meanwhile_is_refused(world, service_world, district_admin):
    rule = config_services.set_route(
        category=service_world.garbage, area=world.community_b, handler_org=world.org_b, by=district_admin
    )
    config_services.set_route(
        category=service_world.garbage,
        area=world.community_b,
        handler_department=service_world.department,
        by=district_admin,
        expected_version=1,
    )
    with pytest.raises(ConcurrentChange):
        config_services.set_route(
            category=service_world.garbage,
            area=world.community_b,
            handler_org=world.org_b,
            by=district_admin,
            expected_version=rule.version,
        )


def test_routing_list_shows_only_rules_in_scope_and_filters(
    client, world, service_world, district_admin, admin
):
    other_district = add_area(None, "东城区", "110101", AreaKind.DISTRICT)
    config_services.set_route(
        category=service_world.garbage, area=world.community_b, handler_org=world.org_b, by=district_admin
    )
    config_services.set_route(
        category=service_world.lighting, area=world.community_a, handler_org=world.org_a, by=district_admin
    )
    foreign = config_services.set_route(
        category=service_world.garbage,
        area=other_district,
        handler_department=service_world.department,
        by=admin,
    )
    client.force_login(district_admin)

    text = client.get(reverse("service:routing_list")).content.decode()
    assert "光明社区" in text and "幸福社区" in text and "东城区" not in text
    filtered = client.get(
        reverse("service:routing_list"), {"category": service_world.lighting.pk}
    ).content.decode()
    assert "幸福社区" in filtered and "光明社区</td>" not in filtered
    by_area = client.get(reverse("service:routing_list"), {"area": world.community_b.code}).content.decode()
    assert "光明社区</td>" in by_area and "幸福社区</td>" not in by_area
    assert client.get(reverse("service:routing_history", kwargs={"pk": foreign.pk})).status_code == 404


def test_secretary_may_not_change_routing(world, service_world, secretary_a):
    with pytest.raises(PermissionDenied):
        config_services.set_route(
            category=service_world.garbage, area=world.grid_a1, handler_org=world.org_a, by=secretary_a
        )


def test_routing_list_costs_the_same_queries_for_3_and_30_rules(client, world, service_world, district_admin):
    client.force_login(district_admin)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("service:routing_list")).status_code == 200
        return len(queries)

    categories = [add_category(service_world.parent, f"类别{index}", f"R{index:02d}") for index in range(10)]
    areas = [world.community_a, world.community_b, world.grid_a1]
    for index in range(3):
        config_services.set_route(
            category=categories[index], area=areas[0], handler_org=world.org_a, by=district_admin
        )
    few = count()
    for index in range(3, 30):
        config_services.set_route(
            category=categories[index % 10],
            area=areas[index // 10],
            handler_department=service_world.department,
            by=district_admin,
        )
    assert count() == few


# --- departments ----------------------------------------------------------------------------------


def test_department_create_edit_and_members(client, world, district_admin):
    handler = UserFactory(username="zhang_cg", last_name="张", first_name="执法")
    client.force_login(district_admin)
    response = client.post(
        reverse("service:department_create"),
        {
            "name": "街道市场监管所",
            "code": "SCJG",
            "area": world.street.pk,
            "phone": "010-1234",
            "report_limit_amount": 2,
            "report_limit_unit": TimeLimitUnit.WORKING_HOURS,
            "is_active": "on",
        },
    )
    department = Department.objects.get(code="SCJG")
    assert response.status_code == 302

    response = client.post(
        reverse("service:department_member_add", kwargs={"pk": department.pk}), {"username": "zhang_cg"}
    )
    assert response.status_code == 302
    membership = DepartmentMember.objects.get(department=department, user=handler)

    confirm = client.get(
        reverse("service:department_member_remove", kwargs={"pk": department.pk, "member_pk": membership.pk})
    )
    assert "确定将张执法移出街道市场监管所吗" in confirm.content.decode()
    client.post(
        reverse("service:department_member_remove", kwargs={"pk": department.pk, "member_pk": membership.pk})
    )
    assert not DepartmentMember.objects.filter(pk=membership.pk).exists()

    actions = list(
        AuditEntry.objects.filter(object_type="service.department", object_id=str(department.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [AuditAction.CREATE, AuditAction.CREATE, AuditAction.DELETE]


def _department_form(department, **changes) -> dict:
    return {
        "name": department.name,
        "code": department.code,
        "area": department.area_id or "",
        "phone": department.phone,
        "report_limit_amount": department.report_limit_amount,
        "report_limit_unit": department.report_limit_unit,
        "is_active": "on",
        "version": department.version,
        **changes,
    }


def test_a_department_edit_made_over_someone_elses_is_refused_and_changes_nothing(
    client, service_world, district_admin
):
    department = service_world.department
    seen = _department_form(department)  # the form as the second person opened it
    config_services.update_department(department, by=district_admin, phone="010-1111")
    department.refresh_from_db()
    assert department.version == seen["version"] + 1

    client.force_login(district_admin)
    edit = reverse("service:department_edit", kwargs={"pk": department.pk})
    stale = client.post(edit, {**seen, "report_limit_amount": 5})
    assert stale.status_code == 200
    assert "已被他人修改" in stale.content.decode()
    department.refresh_from_db()
    assert (department.phone, department.report_limit_amount) == ("010-1111", seen["report_limit_amount"])

    fresh = client.post(edit, _department_form(department, report_limit_amount=5))
    assert fresh.status_code == 302
    department.refresh_from_db()
    assert department.report_limit_amount == 5 and department.version == seen["version"] + 2


def test_adding_an_unknown_username_says_so(client, service_world, district_admin):
    client.force_login(district_admin)
    response = client.post(
        reverse("service:department_member_add", kwargs={"pk": service_world.department.pk}),
        {"username": "nobody"},
    )
    assert response.status_code == 400
    assert "没有用户名为“nobody”的账号" in response.content.decode()


def test_department_with_zero_report_limit_is_refused(district_admin, world):
    with pytest.raises(RuleViolation) as error:
        config_services.create_department(
            by=district_admin, name="部门", code="D1", area=world.street, report_limit_amount=0
        )
    assert error.value.field == "report_limit_amount"


def test_platform_wide_department_needs_a_system_administrator(district_admin):
    with pytest.raises(PermissionDenied):
        config_services.create_department(by=district_admin, name="部门", code="D1", area=None)


def test_department_list_costs_the_same_queries_for_3_and_30_departments(client, world, district_admin):
    client.force_login(district_admin)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("service:department_list")).status_code == 200
        return len(queries)

    for index in range(3):
        Department.objects.create(name=f"部门{index}", code=f"D{index:02d}", area=world.street)
    few = count()
    for index in range(3, 30):
        department = Department.objects.create(name=f"部门{index}", code=f"D{index:02d}", area=world.district)
        DepartmentMember.objects.create(department=department, user=UserFactory())
    assert count() == few


def test_a_category_with_active_subcategories_cannot_be_deactivated(service_world, district_admin):
    with pytest.raises(RuleViolation) as error:
        config_services.update_category(service_world.parent, by=district_admin, is_active=False)
    assert error.value.rule == "active_children"
    config_services.update_category(service_world.garbage, by=district_admin, is_active=False)
    assert not Category.objects.get(pk=service_world.garbage.pk).is_active


@pytest.mark.parametrize(
    "model",
    [
        "category",
        "department",
        "departmentmember",
        "routingrule",
        "ratinglevel",
        "servicerequest",
        "requestevent",
        "requestphoto",
        "whistlecall",
        "open311key",
    ],
)
def test_admin_lists_every_service_model(client, service_world, admin, model):
    client.force_login(admin)
    assert client.get(f"/admin/service/{model}/").status_code == 200


def test_admin_shows_requests_read_only(client, world, service_world, admin):
    request_obj = services.submit_request(
        category=service_world.garbage, description="只读", source="portal", area=world.grid_a1
    )
    client.force_login(admin)
    page = client.get(f"/admin/service/servicerequest/{request_obj.pk}/change/")
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
