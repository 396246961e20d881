"""Admin of the pipeline, read-only: rule sets and their steps change on the rule-set pages
(copy, edit a draft, activate; audited), applicants and records only through the services."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from dangjian.development.models import Applicant, RuleSet, StepDefinition, StepRecord


@admin.register(StepDefinition)
class StepDefinitionAdmin(admin.ModelAdmin):
    list_display = [
        "rule_set",
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
    list_filter = ["rule_set", "stage", "is_active", "is_required"]
    search_fields = ["code", "name"]
    ordering = ["rule_set", "order", "id"]
    list_select_related = ["rule_set"]

    def has_change_permission(self, request, obj=None) -> bool:
        # Steps change on the rule-set pages only (drafts, audited); an active set is frozen so
        # the records it judged keep their rules.
        return False

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(RuleSet)
class RuleSetAdmin(ReadOnlyAdmin):
    """Read-only here: sets change through ``development.rule_sets`` (audited) on their pages."""

    list_display = ["name", "source", "effective_from", "org", "state"]
    list_filter = ["state"]
    list_select_related = ["org"]


@admin.register(Applicant)
class ApplicantAdmin(ReadOnlyAdmin):
    list_display = ["person", "org", "stage", "state", "applied_on", "next_step", "next_due_on"]
    list_filter = ["stage", "state", "source"]
    search_fields = ["person__name"]
    list_select_related = ["person", "org", "next_step"]
    raw_id_fields = ["person", "org", "member"]


@admin.register(StepRecord)
class StepRecordAdmin(ReadOnlyAdmin):
    list_display = ["applicant", "step", "rule_set", "date", "recorded_by"]
    list_filter = ["step__rule_set", "step"]
    list_select_related = ["applicant__person", "step__rule_set", "recorded_by"]

    @admin.display(description=_("rule set"))
    def rule_set(self, obj: StepRecord) -> str:
        return str(obj.step.rule_set)

    raw_id_fields = ["applicant"]
