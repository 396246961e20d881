"""Read-only admin of residents, party members and grid workers.

These records change through service functions that check scope, apply the rules and audit
(the members app's pages); the admin only shows them, with personal data masked on the person.
"""

from __future__ import annotations

from django.contrib import admin

from dangjian.members.models import GridWorker, PartyMember, Resident
from dangjian.orgs.admin import ReadOnlyAdmin


@admin.register(Resident)
class ResidentAdmin(ReadOnlyAdmin):
    list_display = ["person", "area", "household", "is_current", "moved_in_on", "moved_out_on"]
    list_filter = ["is_current"]
    search_fields = ["person__name", "area__name", "area__code"]
    list_select_related = ["person", "area"]
    raw_id_fields = ["person", "area"]


@admin.register(PartyMember)
class PartyMemberAdmin(ReadOnlyAdmin):
    list_display = ["person", "org", "status", "category", "joined_on", "is_active"]
    list_filter = ["status", "category", "is_active"]
    search_fields = ["person__name", "org__name", "org__code"]
    list_select_related = ["person", "org"]
    raw_id_fields = ["person", "org"]


@admin.register(GridWorker)
class GridWorkerAdmin(ReadOnlyAdmin):
    list_display = ["person", "area", "kind", "started_on", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["person__name", "area__name", "area__code"]
    list_select_related = ["person", "area"]
    raw_id_fields = ["person", "area"]
