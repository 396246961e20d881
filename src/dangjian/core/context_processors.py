"""Navigation entries shown according to what the user's roles allow.

The menu shows a section only to users who hold its view permission somewhere in the trees
(``Scope.has_any``); the pages themselves still check scope on every object, so the menu is a
convenience, never the protection.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from dangjian.core.scoping import scope_of

LOGGED_IN = "logged_in"
STAFF = "staff"

# (label, URL name, what the user must hold): a permission name, STAFF or LOGGED_IN.
MENU: list[tuple[str, str, str]] = [
    (_("Organizations"), "orgs:org_tree", "orgs.view_organization"),
    (_("Grids"), "orgs:area_tree", "orgs.view_area"),
    (_("People"), "members:person_list", "core.view_person"),
    (_("Party members"), "members:member_list", "members.view_partymember"),
    (_("Party member development"), "development:board", "development.view_applicant"),
    (_("Transfers"), "members:transfer_list", "members.view_transfer"),
    (_("Party dues"), "dues:index", "dues.view_duespayment"),
    (_("Political birthdays"), "members:political_birthdays", "members.view_partymember"),
    (_("Meetings"), "life:meeting_list", "life.view_meeting"),
    (_("Meeting compliance"), "life:compliance", "life.view_meeting"),
    (_("Elections"), "elections:election_list", "elections.view_election"),
    (_("Dual reporting"), "dual_reporting:index", "dual_reporting.view_memberreport"),
    (_("Report to my community"), "dual_reporting:report_self", "dual_reporting.report_self"),
    (_("Service requests"), "service:request_list", "service.view_servicerequest"),
    # Department users hold no tree permission; the queue shows what is sent to them.
    (_("My work queue"), "service:queue", LOGGED_IN),
    (_("Supervised requests"), "service:supervised_list", "service.supervise_request"),
    (_("Register a request"), "service:request_create", "service.add_servicerequest"),
    (_("My grids"), "service:grid_home", "service.add_servicerequest"),
    (_("Service figures"), "service:figures", "service.view_servicerequest"),
    (_("Grid map"), "service:map", "service.view_servicerequest"),
    (_("Request categories"), "service:category_list", "service.view_category"),
    (_("Routing"), "service:routing_list", "service.view_routingrule"),
    (_("Departments"), "service:department_list", "service.view_department"),
    (_("Notifications"), "core:notification_list", LOGGED_IN),
    (_("Audit log"), "core:audit_list", "core.view_auditentry"),
    (_("Administration"), "admin:index", STAFF),
    (_("API tokens"), "accounts:token_list", LOGGED_IN),
]

# The navbar groups the entries so that it fits one line at 1280 px: (group label, URL names).
# A group the user can open only one entry of shows that entry as a plain link.
MENU_GROUPS: list[tuple[str, list[str]]] = [
    (_("Trees"), ["orgs:org_tree", "orgs:area_tree", "members:person_list"]),
    (
        _("Party members"),
        [
            "members:member_list",
            "development:board",
            "members:transfer_list",
            "dues:index",
            "members:political_birthdays",
        ],
    ),
    (_("Organizational life"), ["life:meeting_list", "life:compliance", "elections:election_list"]),
    (_("Dual reporting"), ["dual_reporting:index", "dual_reporting:report_self"]),
    (
        _("Service"),
        [
            "service:request_list",
            "service:queue",
            "service:supervised_list",
            "service:request_create",
            "service:grid_home",
            "service:figures",
            "service:map",
            "service:category_list",
            "service:routing_list",
            "service:department_list",
        ],
    ),
    (_("Notifications"), ["core:notification_list"]),
    (_("System"), ["core:audit_list", "admin:index", "accounts:token_list"]),
]


@dataclass(frozen=True)
class NavEntry:
    label: str
    url: str
    active: bool
    url_name: str = ""


@dataclass(frozen=True)
class NavGroup:
    label: str
    entries: list[NavEntry]

    @property
    def active(self) -> bool:
        return any(entry.active for entry in self.entries)


def _allowed(user, scope, requirement: str) -> bool:
    if requirement == LOGGED_IN:
        return True
    if requirement == STAFF:
        return bool(user.is_staff)
    return scope.has_any(requirement)


def menu_for(request) -> list[NavEntry]:
    """The entries ``request.user`` may open, marking the one whose section holds the current page."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    scope = scope_of(user)
    entries: list[NavEntry] = []
    for label, url_name, requirement in MENU:
        if not _allowed(user, scope, requirement):
            continue
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            # A section whose pages are not installed (or not written yet) is simply left out.
            continue
        entries.append(
            NavEntry(label=str(label), url=url, active=request.path.startswith(url), url_name=url_name)
        )
    return entries


def group_entries(entries: list[NavEntry]) -> list[NavGroup]:
    """The entries arranged by ``MENU_GROUPS``; groups with nothing to open are left out."""
    by_name = {entry.url_name: entry for entry in entries}
    groups = []
    for label, names in MENU_GROUPS:
        members = [by_name[name] for name in names if name in by_name]
        if members:
            groups.append(NavGroup(label=str(label), entries=members))
    return groups


def navigation(request) -> dict:
    # Lazy: pages that never render the menu (htmx fragments, JSON) never compute the scope.
    entries = SimpleLazyObject(lambda: menu_for(request))
    return {"nav_entries": entries, "nav_groups": SimpleLazyObject(lambda: group_entries(list(entries)))}
