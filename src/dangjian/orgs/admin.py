"""Read-only admin of the two trees and the committees.

Changes to the trees and committees go through ``orgs.services`` (permission over the node,
tree rules, audit line in the same transaction); the admin's generic save would bypass all
three, so here the records are only looked at. The pages under /orgs/ are where they are edited;
each admin row links there.
"""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from dangjian.orgs.models import Area, Committee, CommitteeMember, Organization


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shows records without add, change or delete (state changes belong to the services)."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Organization)
class OrganizationAdmin(ReadOnlyAdmin):
    list_display = ["name", "code", "kind", "field", "depth", "numchild", "is_active"]
    list_filter = ["kind", "field", "is_active", "depth"]
    search_fields = ["name", "code", "short_name"]
    list_select_related = ["jurisdiction"]
    ordering = ["path"]
    readonly_fields = ["path", "depth", "numchild", "version", "created_at", "updated_at"]

    def view_on_site(self, obj: Organization) -> str:
        return reverse("orgs:org_detail", args=[obj.pk])


@admin.register(Area)
class AreaAdmin(ReadOnlyAdmin):
    list_display = ["name", "code", "kind", "depth", "numchild", "resident_count", "is_active"]
    list_filter = ["kind", "is_active", "depth"]
    search_fields = ["name", "code"]
    ordering = ["path"]
    readonly_fields = ["path", "depth", "numchild", "version", "created_at", "updated_at"]

    def view_on_site(self, obj: Area) -> str:
        return reverse("orgs:area_detail", args=[obj.pk])


class CommitteeMemberInline(admin.TabularInline):
    model = CommitteeMember
    fields = ["person", "role", "started_on", "ended_on"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Committee)
class CommitteeAdmin(ReadOnlyAdmin):
    list_display = ["org", "elected_on", "term_years", "term_ends", "is_current"]
    list_filter = ["is_current", "term_years"]
    search_fields = ["org__name", "org__code"]
    list_select_related = ["org"]
    inlines = [CommitteeMemberInline]

    @admin.display(description=_("term ends on"))
    def term_ends(self, obj: Committee):
        return obj.term_ends_on

    def view_on_site(self, obj: Committee) -> str:
        return reverse("orgs:committee_detail", args=[obj.pk])


@admin.register(CommitteeMember)
class CommitteeMemberAdmin(ReadOnlyAdmin):
    list_display = ["person", "role", "committee", "started_on", "ended_on"]
    list_filter = ["role"]
    search_fields = ["person__name", "committee__org__name"]
    list_select_related = ["person", "committee__org"]
