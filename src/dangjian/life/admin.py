"""Admin of organizational life: the meeting cadences are edited here (regions differ); meetings,
review results and attachments change through the pages' services, so the admin only shows them.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from dangjian.life.models import CadenceRule, DemocraticReview, Meeting, MeetingAttachment
from dangjian.orgs.admin import ReadOnlyAdmin
from dangjian.orgs.choices import OrgKind


class CadenceRuleForm(forms.ModelForm):
    """The organization kinds as check boxes rather than raw JSON."""

    org_kinds = forms.MultipleChoiceField(
        label=_("organization kinds"),
        choices=OrgKind.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The organizations that must hold this kind of meeting."),
    )

    class Meta:
        model = CadenceRule
        fields = ["kind", "org_kinds", "period", "minimum_count", "is_active", "note"]


@admin.register(CadenceRule)
class CadenceRuleAdmin(admin.ModelAdmin):
    form = CadenceRuleForm
    list_display = ["kind", "period", "minimum_count", "org_kinds_display", "is_active"]
    list_filter = ["period", "is_active"]
    list_editable = ["minimum_count", "is_active"]

    @admin.display(description=_("organization kinds"))
    def org_kinds_display(self, rule: CadenceRule) -> str:
        labels = dict(OrgKind.choices)
        return "、".join(str(labels.get(kind, kind)) for kind in rule.org_kinds)


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "org", "starts_at", "state", "closed_late"]
    list_filter = ["kind", "state", "closed_late"]
    search_fields = ["title", "org__name", "org__code"]
    list_select_related = ["org"]
    raw_id_fields = ["org", "host", "recorder"]
    date_hierarchy = "starts_at"


@admin.register(DemocraticReview)
class DemocraticReviewAdmin(ReadOnlyAdmin):
    list_display = ["year", "member", "org", "grade"]
    list_filter = ["year", "grade"]
    search_fields = ["member__person__name", "org__name"]
    list_select_related = ["member__person", "org"]
    raw_id_fields = ["member", "org", "meeting"]


@admin.register(MeetingAttachment)
class MeetingAttachmentAdmin(ReadOnlyAdmin):
    list_display = ["original_name", "meeting", "size", "uploaded_at"]
    search_fields = ["original_name", "meeting__title"]
    list_select_related = ["meeting"]
    raw_id_fields = ["meeting", "uploaded_by"]
