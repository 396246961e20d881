"""Admin of the activities app: the 时间银行 point rules are configured here (points per confirmed
hour and the cap per record, per kind of service). Hours, 证明 and points change only through the
services (with their trace), so the admin does not list them."""

from __future__ import annotations

from django.contrib import admin

from dangjian.activities.models import PointRule


@admin.register(PointRule)
class PointRuleAdmin(admin.ModelAdmin):
    list_display = ["source", "points_per_hour", "max_points_per_record", "is_active"]
    list_editable = ["points_per_hour", "max_points_per_record", "is_active"]
    list_display_links = ["source"]
