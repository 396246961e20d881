"""Admin of 为民服务 for system administrators.

Requests, their timeline, photos and whistle calls change only through ``service.services``;
categories, routing and departments through the configuration pages (``config_services``), which
audit every change with before/after and check versions — so the admin only shows those. The
好差评 levels have no page of their own and are edited here; Open311 keys are issued by
``dangjian manage create_open311_key`` and may only be switched off here.
"""

from __future__ import annotations

from django.contrib import admin

from dangjian.orgs.admin import ReadOnlyAdmin
from dangjian.service.models import (
    Category,
    Department,
    DepartmentMember,
    Open311Key,
    RatingLevel,
    RequestEvent,
    RequestPhoto,
    RoutingRule,
    ServiceRequest,
    WhistleCall,
)


@admin.register(Category)
class CategoryAdmin(ReadOnlyAdmin):
    list_display = [
        "name",
        "code",
        "limit_amount",
        "limit_unit",
        "service_mode",
        "is_public",
        "requests_public",
        "is_active",
    ]
    list_filter = ["limit_unit", "service_mode", "is_public", "requests_public", "is_active", "depth"]
    search_fields = ["name", "code"]
    list_select_related = ["default_handler_org", "default_handler_department"]
    ordering = ["path"]


@admin.register(Department)
class DepartmentAdmin(ReadOnlyAdmin):
    list_display = ["name", "code", "area", "report_limit_amount", "report_limit_unit", "is_active"]
    list_filter = ["is_active", "report_limit_unit"]
    search_fields = ["name", "code"]
    list_select_related = ["area"]


@admin.register(DepartmentMember)
class DepartmentMemberAdmin(ReadOnlyAdmin):
    list_display = ["department", "user", "created_at"]
    search_fields = ["department__name", "user__username"]
    list_select_related = ["department", "user"]


@admin.register(RoutingRule)
class RoutingRuleAdmin(ReadOnlyAdmin):
    list_display = ["category", "area", "handler_org", "handler_department", "is_active", "version"]
    list_filter = ["is_active"]
    search_fields = ["category__name", "area__name"]
    list_select_related = ["category", "area", "handler_org", "handler_department"]


@admin.register(RatingLevel)
class RatingLevelAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "order", "is_bad", "is_active"]
    list_editable = ["order", "is_bad", "is_active"]
    ordering = ["order", "code"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # past ratings keep their level's code; deactivate instead


class RequestEventInline(admin.TabularInline):
    model = RequestEvent
    extra = 0
    can_delete = False
    fields = ["created_at", "action", "from_state", "to_state", "by_name", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ServiceRequest)
class ServiceRequestAdmin(ReadOnlyAdmin):
    list_display = ["tracking_code", "title", "category", "area", "state", "source", "created_at", "due_at"]
    list_filter = ["state", "source", "is_supervised", "limit_unit"]
    search_fields = ["tracking_code", "title"]
    list_select_related = ["category", "area"]
    raw_id_fields = [
        "category",
        "area",
        "org",
        "handler_org",
        "handler_department",
        "assignee",
        "reported_by",
    ]
    date_hierarchy = "created_at"
    exclude = ["contact_phone_cipher", "contact_phone_hash"]
    inlines = [RequestEventInline]


@admin.register(RequestEvent)
class RequestEventAdmin(ReadOnlyAdmin):
    list_display = ["request", "action", "from_state", "to_state", "by_name", "created_at"]
    list_filter = ["action"]
    search_fields = ["request__tracking_code", "by_name"]
    list_select_related = ["request"]
    raw_id_fields = ["request", "by"]


@admin.register(RequestPhoto)
class RequestPhotoAdmin(ReadOnlyAdmin):
    list_display = ["request", "kind", "width", "height", "created_at"]
    list_filter = ["kind"]
    list_select_related = ["request"]
    raw_id_fields = ["request", "uploaded_by"]


@admin.register(WhistleCall)
class WhistleCallAdmin(ReadOnlyAdmin):
    list_display = ["request", "department", "state", "called_at", "report_due_at", "reported_at"]
    list_filter = ["state"]
    list_select_related = ["request", "department"]
    raw_id_fields = ["request", "department", "called_by", "reported_by"]


@admin.register(Open311Key)
class Open311KeyAdmin(admin.ModelAdmin):
    list_display = ["name", "key_prefix", "is_active", "created_at", "last_used_at"]
    list_filter = ["is_active"]
    fields = ["name", "key_prefix", "is_active", "created_at", "last_used_at"]
    readonly_fields = ["name", "key_prefix", "created_at", "last_used_at"]

    def has_add_permission(self, request) -> bool:
        return False  # keys are printed once by the management command

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
