"""Navigation entries shown according to what the user's roles allow.

The entries and their groups come from the registry's ``menu`` and ``menu_groups`` stores, which
each app fills from its ``AppConfig.ready()``. The menu shows an entry only to users who hold its
permission somewhere in the trees (``Scope.has_any``) and meet its condition, so it never offers
a page that answers 403; the pages themselves still check scope on every object, so the menu is
a convenience, never the protection.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.core.cache import cache
from django.urls import NoReverseMatch, reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language

from dangjian.core.registry import MenuEntry, holds, registry
from dangjian.core.scoping import scope_of


@dataclass(frozen=True)
class NavEntry:
    label: str
    url: str
    active: bool
    url_name: str = ""
    group: str = ""
    badge: str = ""
    icon: str = ""


@dataclass(frozen=True)
class NavGroup:
    label: str
    entries: list[NavEntry]

    @property
    def active(self) -> bool:
        return any(entry.active for entry in self.entries)

    @property
    def has_badge(self) -> bool:
        return any(entry.badge for entry in self.entries)


def _allowed(user, scope, entry: MenuEntry) -> bool:
    return holds(user, entry.permission, scope) and (entry.condition is None or entry.condition(user))


def _ordered_entries() -> list[MenuEntry]:
    """Every registered entry, by its group's order and then its own (unknown groups last)."""
    groups = registry["menu_groups"]

    def key(entry: MenuEntry):
        group = groups.get(entry.group)
        return (group.order if group else 1000, entry.group, entry.order)

    return sorted(registry["menu"].values(), key=key)


# The entries a user may open are worked out at most once a minute per user, language and set of
# grants: the checks and the entries' conditions (is the user a party member, has a home to
# report to …) cost half a dozen queries and 10–20 ms on every page otherwise. A changed grant
# changes the key at once; a condition that changes (someone becomes a member) shows within a
# minute, and the pages check everything themselves anyway.
MENU_SECONDS = 60


def _grants_digest(scope) -> str:
    if scope.is_global:
        return "global"
    text = "|".join(
        sorted(f"{grant.tree}:{grant.path}:{','.join(sorted(grant.permissions))}" for grant in scope.grants)
    )
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def _open_entries(user) -> list[tuple[str, str, str, str]]:
    """``(url_name, label, url, group)`` of every entry ``user`` may open, in menu order."""
    scope = scope_of(user)
    key = f"menu:{user.pk}:{get_language()}:{user.is_staff:d}:{_grants_digest(scope)}"
    found = cache.get(key)
    if found is not None:
        return found
    found = []
    for entry in _ordered_entries():
        if not _allowed(user, scope, entry):
            continue
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:
            # A section whose pages are not installed (or not written yet) is simply left out.
            continue
        found.append((entry.url_name, str(entry.label), url, entry.group))
    cache.set(key, found, MENU_SECONDS)
    return found


def menu_for(request) -> list[NavEntry]:
    """The entries ``request.user`` may open, marking the one whose section holds the current page;
    badges (unread counts) are read on every page."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    entries: list[NavEntry] = []
    for url_name, label, url, group in _open_entries(user):
        entry = registry["menu"].get(url_name)
        entries.append(
            NavEntry(
                label=label,
                url=url,
                active=request.path.startswith(url),
                url_name=url_name,
                group=group,
                badge=entry.badge(user) if entry is not None and entry.badge is not None else "",
                icon=entry.icon if entry is not None else "",
            )
        )
    return entries


def group_entries(entries: list[NavEntry]) -> list[NavGroup]:
    """The entries (already in order) arranged by their groups; groups with nothing to open are left out."""
    by_group: dict[str, list[NavEntry]] = {}
    for entry in entries:
        by_group.setdefault(entry.group, []).append(entry)
    known = registry["menu_groups"]
    return [
        NavGroup(label=str(known[key].label) if key in known else key, entries=members)
        for key, members in by_group.items()
    ]


def navigation(request) -> dict:
    # Lazy: pages that never render the menu (htmx fragments, JSON) never compute the scope.
    entries = SimpleLazyObject(lambda: menu_for(request))
    return {"nav_entries": entries, "nav_groups": SimpleLazyObject(lambda: group_entries(list(entries)))}
