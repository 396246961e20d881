"""Existing categories: the ordinary public-space ones are shown publicly, everything else stays private.

A request about a broken street lamp or rubbish on the pavement concerns a public place and may be
listed (redacted, place coarsened); one about a disabled resident (助残帮扶), a quarrel between
neighbours (邻里纠纷), a family, health, housing or a person's papers may not. The new field
defaults to private; this marks a category public when its name or one of its ancestors' names is
a public-space group or leaf below. The names are those of the seed data (service/demo_data) and
the usual 12345 public-space headings; a deployment reviews the rest on the category page.
Reversing only drops the marks (the field goes with the previous migration).
"""

from __future__ import annotations

from django.db import migrations

PATH_STEP = 4  # dangjian.core.tree.PATH_STEP when this was written

PUBLIC_SPACE_GROUPS = {
    "市容环境",
    "环境卫生",
    "市政设施",
    "道路设施",
    "园林绿化",
    "公共设施",
    "城市管理",
}
PUBLIC_SPACE_LEAVES = {
    "占道经营",
    "乱堆乱放",
    "户外广告",
    "垃圾清运",
    "公厕保洁",
    "垃圾分类",
    "路灯维修",
    "道路破损",
    "井盖缺失",
    "积水排水",
    "消防通道堵塞",
}


def mark_public_space_categories(apps, schema_editor):
    Category = apps.get_model("service", "Category")
    names = dict(Category.objects.values_list("path", "name"))
    public = []
    for path, name in names.items():
        ancestors = [names.get(path[:end], "") for end in range(PATH_STEP, len(path), PATH_STEP)]
        if name in PUBLIC_SPACE_LEAVES or name in PUBLIC_SPACE_GROUPS or PUBLIC_SPACE_GROUPS & set(ancestors):
            public.append(path)
    Category.objects.filter(path__in=public).update(requests_public=True)


def unmark(apps, schema_editor):
    apps.get_model("service", "Category").objects.update(requests_public=False)


class Migration(migrations.Migration):
    dependencies = [
        ("service", "0008_category_requests_public"),
    ]

    operations = [
        migrations.RunPython(mark_public_space_categories, unmark),
    ]
