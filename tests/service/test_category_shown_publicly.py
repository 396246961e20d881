"""Which categories' requests the public may see: private unless marked, the public-space ones of an
existing tree marked by the data migration, and the mark set on the category page (audited)."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from dangjian.core.models import AuditEntry
from dangjian.service.choices import ServiceMode, TimeLimitUnit
from dangjian.service.demo_data.tables import CATEGORIES, PUBLIC_SPACE_GROUPS, PUBLIC_SPACE_LEAVES
from dangjian.service.models import Category
from tests.service.conftest import add_category

pytestmark = pytest.mark.django_db

migration = importlib.import_module("dangjian.service.migrations.0009_public_space_categories_shown_publicly")


def seed_tree() -> None:
    """The seed data's category tree as an existing deployment has it: nothing marked yet."""
    for top_code, top_name, leaves in CATEGORIES:
        top = add_category(None, top_name, top_code)
        for leaf in leaves:
            add_category(Category.objects.get(pk=top.pk), leaf[1], leaf[0])


def test_a_new_category_is_private_until_marked(db):
    assert add_category(None, "家庭矛盾", "X1").requests_public is False


def test_the_migration_marks_public_space_categories_and_leaves_personal_ones_private(db):
    seed_tree()

    migration.mark_public_space_categories(apps, None)

    public = set(Category.objects.filter(requests_public=True).values_list("name", flat=True))
    for name in ("市容环境", "垃圾清运", "占道经营", "路灯维修", "道路破损", "井盖缺失", "消防通道堵塞"):
        assert name in public, name
    for name in (
        "助残帮扶",
        "邻里纠纷",
        "家庭矛盾",
        "劳资纠纷",
        "就医陪诊",
        "独居老人紧急求助",
        "社保医保代办",
        "证明开具",
        "群租房",
        "噪音扰民",
        "住房政策",
        "供暖问题",
        "民生服务",
        "矛盾纠纷",
    ):
        assert name not in public, name


def test_the_demo_data_marks_the_same_categories_as_the_migration(db):
    seed_tree()
    migration.mark_public_space_categories(apps, None)
    by_migration = set(Category.objects.filter(requests_public=True).values_list("code", flat=True))

    by_demo_data = set(PUBLIC_SPACE_GROUPS) | set(PUBLIC_SPACE_LEAVES)
    by_demo_data |= {
        leaf[0] for top, _name, leaves in CATEGORIES if top in PUBLIC_SPACE_GROUPS for leaf in leaves
    }

    assert by_migration == by_demo_data


def test_reversing_the_migration_unmarks_them(db):
    seed_tree()
    migration.mark_public_space_categories(apps, None)
    migration.unmark(apps, None)
    assert not Category.objects.filter(requests_public=True).exists()


def test_the_category_page_sets_the_mark_and_the_change_is_audited(client, service_world, district_admin):
    client.force_login(district_admin)
    category = service_world.garbage
    data = {
        "name": category.name,
        "code": category.code,
        "description": "",
        "limit_amount": 3,
        "limit_unit": TimeLimitUnit.WORKING_DAYS,
        "service_mode": ServiceMode.ORDINARY,
        "default_handler_org": "",
        "default_handler_department": service_world.department.pk,
        "is_public": "on",
        "is_active": "on",
        "version": category.version,
    }

    form = client.get(reverse("service:category_edit", kwargs={"pk": category.pk})).content.decode()
    assert 'name="requests_public"' in form
    response = client.post(reverse("service:category_edit", kwargs={"pk": category.pk}), data)

    assert response.status_code == 302, response.content.decode()[:2000]
    category.refresh_from_db()
    assert category.requests_public is False
    entry = AuditEntry.objects.filter(object_type="service.category", object_id=str(category.pk)).latest("pk")
    assert entry.changes["requests_public"] == [True, False]
    listing = client.get(reverse("service:category_list")).content.decode()
    assert "Shown publicly" in listing or "公开" in listing
