"""The registry: what the platform assembles from its apps, filled from each ``AppConfig.ready()``.

``core`` and the lower floors never list the apps above them (DESIGN.md, "Apps contribute").
Instead each app puts its menu entries, role permissions, audited models, figures, panels,
cards and to-dos into one of the fixed stores below, as NetBox's ``netbox/registry.py`` does.
The stores are fixed: a misspelt store name fails loudly instead of creating a new store that
nothing reads. Entries are keyed, so registering again (an app reloaded, a test app) replaces
instead of duplicating.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
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
    """One navbar entry: shown only to users who hold ``permission`` somewhere (or LOGGED_IN/STAFF).

    ``condition(user)``, when given, must also hold: for pages whose view asks more than a
    permission held somewhere (the work queue also opens for department members; 我要报到 only for
    a user who is a party member), so the menu never offers a page that answers 403.
    ``badge(user)``, when given, is a short text shown beside the label ("" for none), such as
    消息提醒's unread count; it runs once per page that shows the menu, so it must cost one query.
    """

    url_name: str
    label: str | Promise
    group: str
    permission: str
    order: int = 50
    condition: Callable[[Any], bool] | None = None
    badge: Callable[[Any], str] | None = None
    # A static SVG shown instead of the label where the navbar is short of width (992–1399 px);
    # the label stays for screen readers and in the collapsed menu.
    icon: str = ""


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
    ``series(node, periods)``, when given, answers ``[compute(node, p) for p in periods]`` for
    consecutive months at a fixed number of queries (one grouped query instead of one a month):
    a trend chart reads it, and falls back to ``compute`` month by month without it.
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
    series: Callable[[Any, list[Period]], list[Any]] | None = None


@dataclass(frozen=True)
class PortalLink:
    """An entry of the residents' portal home page: a public page another app serves.

    Public pages take no account and no permission; ``url_name`` must open for anyone.
    """

    key: str
    url_name: str
    label: str | Promise
    description: str | Promise = ""
    order: int = 50


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
    """One "waiting for you" line: ``count`` records, which ``url`` lists (exactly those)."""

    label: str
    count: int
    url: str
    # A stable name (``service.overdue``) for tests and the roll-up's columns; the group is the
    # source's label, filled in by ``dashboard_for``.
    key: str = ""
    group: str = ""


@dataclass(frozen=True)
class RollupCell:
    """One cell of the 工作台's roll-up: a child node's count and the page listing those records."""

    count: int
    url: str


@dataclass(frozen=True)
class RollupColumn:
    """One to-do counted per child node of the user's organization: ``cells`` by child pk (a child
    without records has no cell and shows 0)."""

    key: str
    label: str
    cells: dict[int, RollupCell]


@dataclass(frozen=True)
class TodoSource:
    """What is waiting for a user in one app: ``items(user)`` returns ``TodoItem`` rows.

    ``rollup(user, parent, children)``, when given, answers the same to-dos counted per child of
    ``parent`` (a street's communities, a district's streets): one ``RollupColumn`` per to-do, at
    a fixed number of queries (a ``GROUP BY`` of the child's path prefix, not a query per child).
    """

    key: str
    label: str | Promise
    items: Callable[[Any], list[TodoItem]]
    permission: str = LOGGED_IN
    order: int = 50
    rollup: Callable[[Any, Any, list[Any]], list[RollupColumn]] | None = None


@dataclass(frozen=True)
class PersonPlacement:
    """Where an app's records place a person in the trees (``core.Person`` knows none of them).

    ``scope_q(scope)`` is a ``Q`` over people (an ``Exists`` per record kind, so one row per
    person) matching those placed inside ``scope``; ``places(person)`` lists the person's
    ``(org_path, area_path)`` places (one of the two None); ``audit_paths(person)`` is the
    ``(org_path, area_path)`` audit lines about the person are filed under ("" when none).
    ``paths(person_ids)`` yields ``(person_id, tree, path)`` for every place ``scope_q`` counts
    (``person_ids`` None: everyone), from which ``core.person_scope`` keeps ``Person.scope_keys``.
    """

    key: str
    scope_q: Callable[[Any], Any]
    places: Callable[[Any], list[tuple[str | None, str | None]]]
    audit_paths: Callable[[Any], tuple[str, str]]
    paths: Callable[[list[int] | None], Any] = lambda person_ids: ()


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


@dataclass(frozen=True)
class PointEvent:
    """One thing a person did that 党员积分 may reward: ``quantity`` units (1 meeting attended, 3.5
    confirmed hours, 1 month's dues paid on time, 1 month a post was held) on ``occurred_on``.
    ``source_id`` names the record (stable across runs), so posting it twice posts it once."""

    person_id: int
    occurred_on: datetime.date
    source_key: str
    source_id: str
    quantity: Decimal


@dataclass(frozen=True)
class PointSource:
    """Where 党员积分 reads events from: ``events(since, until)`` yields the ``PointEvent``s that
    occurred on a day in ``[since, until]`` (both included), from one set-based query."""

    key: str
    label: str | Promise
    events: Callable[[datetime.date, datetime.date], Iterable[PointEvent]]


@dataclass(frozen=True)
class PersonalDataSource:
    """What one app holds about a person, and how it gives it back or lets it go (个人信息保护法).

    The privacy app's export (查阅、复制), erasure (删除) and retention purge read only this store,
    so an app that keeps personal information plugs in without the privacy app importing it.

    - ``columns``: ``(key, label)`` pairs of the rows ``rows(person)`` yields (dicts by key);
    - ``erase(person)``: anonymize what this app holds about ``person`` (called inside the
      erasure's one transaction, before the person row itself is anonymized, so the person's
      lookup hashes are still there to match by); returns the number of rows changed; it must
      never delete rows that figures count;
    - ``refuses(person)``: a Chinese message when this app's records forbid erasing the person
      (a party member's ledger entry), else "";
    - ``purge(cutoff, limit, dry_run)``: anonymize at most ``limit`` rows whose retention ended
      before ``cutoff`` and return how many (with ``dry_run``: count them all, change nothing);
      ``retention_days`` is the default period, overridable in ``settings.PRIVACY_RETENTION_DAYS``.
    ``order``: erasure order (the person row itself goes last).
    """

    key: str
    label: str | Promise
    columns: tuple[tuple[str, Any], ...]
    rows: Callable[[Any], Iterable[dict]]
    erase: Callable[[Any], int] | None = None
    refuses: Callable[[Any], str] | None = None
    purge: Callable[[datetime.datetime, int, bool], int] | None = None
    retention_days: int | None = None
    retention_label: str | Promise = ""
    order: int = 50


def matched_by_mobile(queryset: Any, person: Any, *, hash_field: str, name_field: str) -> Any:
    """The rows of ``queryset`` a personal-data source holds about ``person`` by their mobile's
    lookup hash; from a number two people share (a family's phone), only the rows giving the
    person's name, so one never receives or erases the other's."""
    from dangjian.core.models import Person

    if not person.mobile_hash:
        return queryset.none()
    rows = queryset.filter(**{hash_field: person.mobile_hash})
    if Person.objects.filter(mobile_hash=person.mobile_hash).exclude(pk=person.pk).exists():
        rows = rows.filter(**{name_field: person.name})
    return rows


registry = Registry(
    menu={},  # url_name -> MenuEntry
    menu_groups={},  # key -> MenuGroup
    role_permissions={},  # built-in role code -> set of "app_label.codename"
    audited_models={},  # "app_label.model" -> verbose name (the audit page's filter)
    periodic_jobs={},  # task name -> core.scheduler.PeriodicJob
    generator_steps={},  # step name -> core.generator.steps.GeneratorStep
    generator_anchor_loaders={},  # name -> callable(generator) filling anchors (generate --add-steps)
    member_history_sections={},  # key -> members.history.HistoryProvider
    letter_providers={},  # key -> callable (what the printed transfer letter asks other apps)
    org_panels={},  # key -> Panel
    area_panels={},  # key -> Panel (an area's page: grid workers, …)
    person_panels={},  # key -> Panel
    figures={},  # key -> Figure
    dashboard_cards={},  # key -> DashboardCard
    todo_sources={},  # key -> TodoSource
    person_placements={},  # key -> PersonPlacement (how people are scoped: core.models.Person)
    person_saved_hooks={},  # key -> callable(person, created) run after Person.save
    org_membership={},  # key -> OrgMembership (the ledger's answers to orgs' committee rules)
    mine_sections={},  # key -> Panel (a card on 我的: provider(me, user), me a mine.selectors.Me)
    portal_links={},  # key -> PortalLink (what the residents' portal offers beside reporting)
    point_sources={},  # key -> PointSource (events 党员积分 posts points for)
    personal_data_sources={},  # key -> PersonalDataSource (export, erasure, retention purge)
    search_sources={},  # key -> SearchSource (what the staff search box finds)
    training_hours_sources={},  # key -> TrainingHoursSource (recorded study toward 发展对象 training)
)


def register_menu_group(group: MenuGroup) -> MenuGroup:
    registry["menu_groups"][group.key] = group
    return group


def register_menu_entries(*entries: MenuEntry) -> None:
    """Add an app's navbar entries; each names its group (a key of ``menu_groups``)."""
    for entry in entries:
        registry["menu"][entry.url_name] = entry


def register_audited_models(*models: Any) -> None:
    """Offer these models in the audit page's filter (``"app_label.model"`` -> verbose name).

    The verbose name is kept lazy, so the filter shows it in the reader's language.
    """
    for model in models:
        registry["audited_models"][model._meta.label_lower] = model._meta.verbose_name


def register_org_panel(panel: Panel) -> Panel:
    registry["org_panels"][panel.key] = panel
    return panel


def register_person_panel(panel: Panel) -> Panel:
    registry["person_panels"][panel.key] = panel
    return panel


def panels(store: str, obj: Any, user: Any) -> list[tuple[Panel, dict]]:
    """The panels of ``store`` with something to show for ``obj``, in order, with their contexts."""
    shown = []
    for panel in sorted(registry[store].values(), key=lambda panel: (panel.order, panel.key)):
        context = panel.provider(obj, user)
        if context is not None:
            shown.append((panel, context))
    return shown


def render_panels(store: str, obj: Any, request: Any) -> list[tuple[Panel, str]]:
    """The panels of ``store`` for ``obj`` rendered with their templates, for a page to place."""
    from django.template.loader import render_to_string

    return [
        (panel, render_to_string(panel.template, context, request=request))
        for panel, context in panels(store, obj, request.user)
    ]


def register_mine_section(panel: Panel) -> Panel:
    """A card of 我的 after the built-in ones; ``provider(me, user)`` gets the signed-in Me."""
    registry["mine_sections"][panel.key] = panel
    return panel


def register_point_source(source: PointSource) -> PointSource:
    registry["point_sources"][source.key] = source
    return source


def register_personal_data_source(source: PersonalDataSource) -> PersonalDataSource:
    registry["personal_data_sources"][source.key] = source
    return source


def personal_data_sources() -> list[PersonalDataSource]:
    """The registered sources in erasure order (the person row itself last)."""
    return sorted(registry["personal_data_sources"].values(), key=lambda source: (source.order, source.key))


@dataclass(frozen=True)
class SearchHit:
    """One record found by the search box: a title, the page that opens it, a short second line.

    ``detail`` is shown to the searching user as it is: personal data in it must already be
    masked (a mobile as 138****1234), never in clear.
    """

    title: str
    url: str
    detail: str = ""


@dataclass(frozen=True)
class SearchSource:
    """One kind of record the staff search box finds (people, members, organizations, areas,
    requests, posts, announcements, courses …), contributed by the app that owns it.

    ``find(user, text, limit)`` returns at most ``limit`` hits, best first, among the records
    ``user`` may see for ``action`` (the app's ``visible_to(user, action)``): a record out of
    scope is never returned and never counted. Matching is the app's own and should go through
    ``core.search`` (简/繁 and pinyin aware, a GIN index), so a common surname stays fast at
    district scale. ``requirement`` (a permission held somewhere, or LOGGED_IN / STAFF) says to
    whom the source is offered at all; ``more_url(text)`` opens the app's own list filtered by
    the text, if it has one.
    """

    key: str
    label: str | Promise
    find: Callable[[Any, str, int], list[SearchHit]]
    requirement: str
    more_url: Callable[[str], str] | None = None
    order: int = 50


def register_search_source(source: SearchSource) -> SearchSource:
    registry["search_sources"][source.key] = source
    return source


def search_sources(user: Any) -> list[SearchSource]:
    """The search sources offered to ``user``, in their order."""
    from dangjian.core.scoping import scope_of

    scope = scope_of(user)
    offered = [
        source for source in registry["search_sources"].values() if holds(user, source.requirement, scope)
    ]
    return sorted(offered, key=lambda source: (source.order, source.key))


def register_portal_link(link: PortalLink) -> PortalLink:
    registry["portal_links"][link.key] = link
    return link


def portal_links() -> list[PortalLink]:
    return sorted(registry["portal_links"].values(), key=lambda link: (link.order, link.key))


def register_area_panel(panel: Panel) -> Panel:
    registry["area_panels"][panel.key] = panel
    return panel


def register_dashboard_card(card: DashboardCard) -> DashboardCard:
    registry["dashboard_cards"][card.key] = card
    return card


def register_todo_source(source: TodoSource) -> TodoSource:
    registry["todo_sources"][source.key] = source
    return source


def holds(user: Any, requirement: str, scope: Any = None) -> bool:
    """Whether ``user`` meets a menu entry's, card's or to-do source's requirement: LOGGED_IN,
    STAFF or a permission held somewhere in the trees."""
    if requirement == LOGGED_IN:
        return True
    if requirement == STAFF:
        return bool(user.is_staff)
    if scope is None:
        from dangjian.core.scoping import scope_of

        scope = scope_of(user)
    return scope.has_any(requirement)


def dashboard_for(request: Any) -> tuple[list[tuple[DashboardCard, str]], list[TodoItem]]:
    """The 工作台 of ``request.user``: the cards they may see, rendered, and what waits for them.

    Each card and source costs a fixed number of queries, so the page does too.
    """
    from django.template.loader import render_to_string

    user = request.user
    cards = []
    for card in sorted(registry["dashboard_cards"].values(), key=lambda card: (card.order, card.key)):
        if not holds(user, card.permission):
            continue
        context = card.provider(user)
        if context is not None:
            cards.append((card, render_to_string(card.template, context, request=request)))
    return cards, todos_for(user)


def todos_for(user: Any) -> list[TodoItem]:
    """What waits for ``user``, source by source (each item tagged with its source's label as
    ``group``); lines with nothing waiting are left out."""
    from dataclasses import replace

    todos: list[TodoItem] = []
    for source in sorted(registry["todo_sources"].values(), key=lambda source: (source.order, source.key)):
        if holds(user, source.permission):
            todos.extend(
                replace(item, group=item.group or str(source.label))
                for item in source.items(user)
                if item.count
            )
    return todos


def rollup_for(user: Any, parent: Any, children: list[Any]) -> list[tuple[TodoSource, list[RollupColumn]]]:
    """The to-dos of every source that can count them per child of ``parent``, in order."""
    shown = []
    for source in sorted(registry["todo_sources"].values(), key=lambda source: (source.order, source.key)):
        if source.rollup is None or not holds(user, source.permission):
            continue
        columns = source.rollup(user, parent, children)
        if columns:
            shown.append((source, columns))
    return shown


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
        store.setdefault(str(role), set()).update(names)


@dataclass(frozen=True)
class TrainingHoursSource:
    """Recorded study that counts toward the 发展对象 training rule (≥ 3 days or 24 hours):
    ``hours(person_id, since, until)`` returns the hours a person studied on those days (dates
    inclusive); the development pipeline adds them to the hours its training step records."""

    key: str
    hours: Callable[[int, Any, Any], Any]


def register_training_hours_source(source: TrainingHoursSource) -> TrainingHoursSource:
    registry["training_hours_sources"][source.key] = source
    return source


def training_hours(person_id: int, since: Any, until: Any) -> float:
    """Hours of recorded study of ``person_id`` on the days ``[since, until]``, all sources."""
    return float(
        sum(source.hours(person_id, since, until) for source in registry["training_hours_sources"].values())
    )
