"""Scope: which parts of the two trees a user's roles cover.

A role is assigned on a node of the party-organization tree or of the area tree and covers
that node's subtree; an org with a jurisdiction area also covers the area's subtree. Every
queryset that reaches a user goes through ``visible_to(user, action="view")``, which keeps only
the grants whose role carries the permission asked for (as NetBox's ``restrict(user, action)``),
asks each model how its rows sit in the trees (``scope_q``) and filters by those grants' paths:
a role held elsewhere never widens a list read under another permission.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext

ORG = "org"
AREA = "area"


def _roots(paths) -> tuple[str, ...]:
    """Drop paths already covered by a shorter path in the set (a subtree inside a subtree)."""
    result: list[str] = []
    for path in sorted(set(paths)):
        if not any(path.startswith(root) for root in result):
            result.append(path)
    return tuple(result)


@dataclass(frozen=True)
class Grant:
    """Permissions one role assignment gives over one subtree."""

    tree: str
    path: str
    permissions: frozenset[str]


@dataclass(frozen=True)
class Scope:
    is_global: bool = False
    grants: tuple[Grant, ...] = field(default_factory=tuple)

    @property
    def org_paths(self) -> tuple[str, ...]:
        return _roots(g.path for g in self.grants if g.tree == ORG)

    @property
    def area_paths(self) -> tuple[str, ...]:
        return _roots(g.path for g in self.grants if g.tree == AREA)

    def q(self, tree: str, lookup: str) -> Q:
        """Rows whose node path (at ``lookup``) lies in one of the user's subtrees of ``tree``."""
        if self.is_global:
            return Q()
        paths = self.org_paths if tree == ORG else self.area_paths
        query = Q(pk__in=[])
        for path in paths:
            query |= Q(**{f"{lookup}__startswith": path})
        return query

    def has_perm(self, permission: str, *, org_path: str | None = None, area_path: str | None = None) -> bool:
        """Whether some assignment grants ``permission`` over a node at one of the given paths."""
        if self.is_global:
            return True
        for grant in self.grants:
            if permission not in grant.permissions:
                continue
            if grant.tree == ORG and org_path and org_path.startswith(grant.path):
                return True
            if grant.tree == AREA and area_path and area_path.startswith(grant.path):
                return True
        return False

    def restricted_to(self, permission: str) -> Scope:
        """The part of this scope where ``permission`` is granted (a global scope stays global).

        A secretary of 社区A who is also a grid worker in 社区B holds two grants; asked for
        ``members.view_partymember`` only the secretary's grant remains, so 社区B's members stay
        out of her ledger although the grid-worker grant covers 社区B's grid.
        """
        if self.is_global:
            return self
        return Scope(grants=tuple(grant for grant in self.grants if permission in grant.permissions))

    def has_any(self, permission: str) -> bool:
        """Whether the user holds ``permission`` anywhere (for showing navigation entries)."""
        return self.is_global or any(permission in grant.permissions for grant in self.grants)


NO_SCOPE = Scope()


def scope_of(user) -> Scope:
    """The scope of a user; anonymous and inactive users see nothing."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return NO_SCOPE
    return user.get_scope()


def permission_for(model: type[models.Model], action: str) -> str:
    """The permission ``action`` asks for on ``model``: ``"view"`` on PartyMember is
    ``members.view_partymember``; a full name (with a dot) is taken as it is, for rows read under
    another model's permission (attendance under ``life.view_meeting``)."""
    if "." in action:
        return action
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


def scope_for(user, model: type[models.Model], action: str = "view") -> Scope:
    """The user's scope restricted to the grants that allow ``action`` on ``model``."""
    return scope_of(user).restricted_to(permission_for(model, action))


def restrict(queryset: models.QuerySet, user, action: str = "view") -> models.QuerySet:
    """The one scoping path: ``queryset`` cut to the rows ``user`` may ``action``.

    Only grants whose role carries the permission count; the model's ``scope_q(scope)`` places
    its rows in the trees. A queryset may add rows reached otherwise than through a role (a
    department's requests through membership) with ``visible_outside_scope``.
    """
    permission = permission_for(queryset.model, action)
    scope = scope_of(user).restricted_to(permission)
    if scope.is_global:
        return queryset.all()
    query = queryset.model.scope_q(scope) if scope.grants else None
    outside = getattr(queryset, "visible_outside_scope", None)
    extra = outside(user, permission) if outside is not None else None
    if extra is not None:
        query = extra if query is None else query | extra
    if query is None:
        return queryset.none()
    return queryset.filter(query)


class ScopedQuerySet(models.QuerySet):
    """Base queryset of every model a user can list; ``model.scope_q(scope)`` says how to filter."""

    def visible_to(self, user, action: str = "view") -> ScopedQuerySet:
        """Rows in the subtrees where the user's role allows ``action`` (default: view) on them."""
        return restrict(self, user, action)

    def visible_outside_scope(self, user, permission: str) -> Q | None:
        """Rows the user reaches without a role grant (None: none); see ``restrict``."""
        return None


def covers_whole_tree(model: type[models.Model], paths: tuple[str, ...]) -> bool:
    """Whether one of ``paths`` is the root of ``model``'s whole tree (a district's admin holds
    the district's root organization and, through its jurisdiction, the root area): then every
    row placed in that tree is in scope and needs no test. One index probe for a node outside
    that root, and only for a grant on a root. Why: the test joined both trees on every read (a
    district admin's members named 张: 56 ms, of which 25 hashing 15,000 areas and 3,800
    organizations)."""
    for path in paths:
        if len(path) == model.steplen:
            after = path[:-1] + chr(ord(path[-1]) + 1)
            return not model.objects.filter(Q(path__lt=path) | Q(path__gte=after)).exists()
    return False


LARGEST_ID = 2**63 - 1  # a bigint primary key; larger values are unknown, never a database error


def node_in_scope(model: type[models.Model], value, user, permission: str):
    """The area or organization ``value`` names when the user's grants for ``permission`` reach it.

    List filters (``?area=``, ``?org=``) and pickers look their node up here and treat any other
    node as unknown: a page that printed the name of another community's organization for a
    guessed id would tell a user what lies outside their scope (trust issue, "no names through
    filters"). ``None`` for a missing, malformed or out-of-scope id.
    """
    pk = parse_id(value)
    if pk is None:
        return None
    queryset = restrict(model.objects.all(), user, permission)
    return queryset.filter(pk=pk).only("pk", "name", "path", "depth").first()


def parse_id(value) -> int | None:
    """``value`` as a primary key, or None when it is not one (text, zero, beyond a bigint)."""
    try:
        pk = int(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return pk if 0 < pk <= LARGEST_ID else None


class NodesInScope:
    """For filtersets built with ``request=``: look ``?area=`` / ``?org=`` nodes up in the scope."""

    def node_in_scope(self, model: type[models.Model], value, permission: str):
        return node_in_scope(model, value, getattr(getattr(self, "request", None), "user", None), permission)


def has_perm_over(user, permission: str, obj) -> bool:
    """Whether the user holds ``permission`` over ``obj``'s place in the trees (None: never)."""
    if obj is None:
        return False
    org_path, area_path = obj.audit_scope_paths()
    return scope_of(user).has_perm(permission, org_path=org_path or None, area_path=area_path or None)


def check_perm(user, permission: str, obj) -> None:
    """Raise PermissionDenied unless the user holds ``permission`` over ``obj``'s place in the trees."""
    from dangjian.core.errors import PermissionDenied

    if not has_perm_over(user, permission, obj):
        raise PermissionDenied(
            gettext("You do not have permission to do this within this scope."), rule="scope"
        )
