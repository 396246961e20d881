"""Admin of the pipeline: the step definitions are edited here (a region adjusts its rules without
a release); applicants and records are read-only, since they change only through the services."""

from __future__ import annotations

from django.contrib import admin

from dangjian.development.models import Applicant, StepDefinition, StepRecord


@admin.register(StepDefinition)
class StepDefinitionAdmin(admin.ModelAdmin):
    list_display = [
        "order",
        "code",
        "name",
        "stage",
        "effect",
        "is_required",
        "is_repeatable",
        "reminder_days",
        "is_active",
    ]
    list_display_links = ["code", "name"]
    list_filter = ["stage", "is_active", "is_required"]
    search_fields = ["code", "name"]
    ordering = ["order", "id"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Applicant)
class ApplicantAdmin(ReadOnlyAdmin):
    list_display = ["person", "org", "stage", "state", "applied_on", "next_step", "next_due_on"]
    list_filter = ["stage", "state", "source"]
    search_fields = ["person__name"]
    list_select_related = ["person", "org", "next_step"]
    raw_id_fields = ["person", "org", "member"]


@admin.register(StepRecord)
class StepRecordAdmin(ReadOnlyAdmin):
    list_display = ["applicant", "step", "date", "recorded_by"]
    list_filter = ["step"]
    list_select_related = ["applicant__person", "step", "recorded_by"]
    raw_id_fields = ["applicant"]
