"""The registry: what the platform assembles from its apps, filled from each ``AppConfig.ready()``.

``core`` and the lower floors never list the apps above them (DESIGN.md, "Apps contribute").
Instead each app puts its menu entries, role permissions, audited models, figures, panels,
cards and to-dos into one of the fixed stores below, as NetBox's ``netbox/registry.py`` does.
The stores are fixed: a misspelt store name fails loudly instead of creating a new store that
nothing reads. Entries are keyed, so registering again (an app reloaded, a test app) replaces
instead of duplicating.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise

from dangjian.core.periods import Period

# What a menu entry may require instead of a permission name.
LOGGED_IN = "logged_in"
STAFF = "staff"

# The two trees a figure can be asked about (same values as core.scoping.ORG / AREA).
ORG_TREE = "org"
AREA_TREE = "area"


class Registry(dict):
    """A dict of fixed stores: reading an unknown store, adding or deleting one is an error."""

    def __getitem__(self, key: str) -> Any:
        try:
            return super().__getitem__(key)
        except KeyError:
            raise KeyError(f"Invalid registry store: {key!r}") from None

    def __setitem__(self, key: str, value: Any) -> None:
        raise TypeError("Registry stores are fixed; fill a store, do not add one.")

    def __delitem__(self, key: str) -> None:
        raise TypeError("Registry stores cannot be deleted.")


@dataclass(frozen=True)
class MenuGroup:
    """A dropdown of the navbar (组织与网格, 党员, 组织生活, …)."""

    key: str
    label: str | Promise
    order: int = 50


@dataclass(frozen=True)
class MenuEntry:
    """One navbar entry: shown only to users who hold ``permission`` somewhere (or LOGGED_IN/STAFF)."""

    url_name: str
    label: str | Promise
    group: str
    permission: str
    order: int = 50


@dataclass(frozen=True)
class Panel:
    """A section an app adds to an organization's or a person's page.

    ``provider(obj, user)`` returns a context dict for ``template`` or None to show nothing; it
    must cost a fixed number of queries.
    """

    key: str
    title: str | Promise
    template: str
    provider: Callable[[Any, Any], dict | None]
    order: int = 50


@dataclass(frozen=True)
class Figure:
    """A named number computed from records over a tree node and a period.

    ``compute(node, period)`` returns the value (an int, a Decimal or float rate, or None when
    it cannot be computed, such as a rate of nothing); ``records_url(node, period)`` is the page
    listing the records the number counts (DESIGN.md principle 3). ``trees`` says which trees'
    nodes it accepts; ``permission`` is what a user must hold over the node to read it.
    """

    key: str
    label: str | Promise
    unit: str | Promise
    compute: Callable[[Any, Period], Any]
    records_url: Callable[[Any, Period], str]
    trees: tuple[str, ...] = (ORG_TREE,)
    permission: str = ""
    description: str | Promise = ""
    higher_is_better: bool = True


@dataclass(frozen=True)
class DashboardCard:
    """A card of a role's 工作台: ``provider(user)`` returns its context or None to hide it."""

    key: str
    title: str | Promise
    template: str
    provider: Callable[[Any], dict | None]
    permission: str = LOGGED_IN
    order: int = 50


@dataclass(frozen=True)
class TodoItem:
    label: str
    count: int
    url: str


@dataclass(frozen=True)
class TodoSource:
    """What is waiting for a user in one app: ``items(user)`` returns ``TodoItem`` rows."""

    key: str
    label: str | Promise
    items: Callable[[Any], list[TodoItem]]
    permission: str = LOGGED_IN
    order: int = 50


@dataclass(frozen=True)
class PersonPlacement:
    """Where an app's records place a person in the trees (``core.Person`` knows none of them).

    ``scope_q(scope)`` is a ``Q`` over people (an ``Exists`` per record kind, so one row per
    person) matching those placed inside ``scope``; ``places(person)`` lists the person's
    ``(org_path, area_path)`` places (one of the two None); ``audit_paths(person)`` is the
    ``(org_path, area_path)`` audit lines about the person are filed under ("" when none).
    """

    key: str
    scope_q: Callable[[Any], Any]
    places: Callable[[Any], list[tuple[str | None, str | None]]]
    audit_paths: Callable[[Any], tuple[str, str]]


@dataclass(frozen=True)
class OrgMembership:
    """What the organization rules ask of the party-member ledger, which sits above ``orgs``.

    ``member_counts(orgs)`` answers ``{org.pk: (full, probationary)}`` for active members (one
    query for any number of orgs); ``active_membership(person)`` is the person's active
    membership as ``(organization, is_full_member)``, or None.
    """

    key: str
    member_counts: Callable[[list[Any]], dict[int, tuple[int, int]]]
    active_membership: Callable[[Any], tuple[Any, bool] | None]


registry = Registry(
    menu={},  # url_name -> MenuEntry
    menu_groups={},  # key -> MenuGroup
    role_permissions={},  # built-in role code -> set of "app_label.codename"
    audited_models={},  # "app_label.model" -> verbose name (the audit page's filter)
    periodic_jobs={},  # task name -> core.scheduler.PeriodicJob
    generator_steps={},  # step name -> core.generator.steps.GeneratorStep
    member_history_sections={},  # key -> members.history.HistoryProvider
    letter_providers={},  # key -> callable (what the printed transfer letter asks other apps)
    org_panels={},  # key -> Panel
    person_panels={},  # key -> Panel
    figures={},  # key -> Figure
    dashboard_cards={},  # key -> DashboardCard
    todo_sources={},  # key -> TodoSource
    person_placements={},  # key -> PersonPlacement (how people are scoped: core.models.Person)
    person_saved_hooks={},  # key -> callable(person, created) run after Person.save
    org_membership={},  # key -> OrgMembership (the ledger's answers to orgs' committee rules)
)


def register_figure(figure: Figure) -> Figure:
    registry["figures"][figure.key] = figure
    return figure


def get_figure(key: str) -> Figure:
    try:
        return registry["figures"][key]
    except KeyError:
        raise KeyError(f"No figure registered as {key!r}") from None


def register_role_permissions(role_permissions: dict[str, list[str]]) -> None:
    """Add what built-in roles may do in one app: ``{"org_secretary": ["dues.view_duespayment"]}``."""
    store = registry["role_permissions"]
    for role, names in role_permissions.items():
        store.setdefault(role, set()).update(names)
