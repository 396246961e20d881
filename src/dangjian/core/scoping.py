"""Scope: which parts of the two trees a user's roles cover.

A role is assigned on a node of the party-organization tree or of the area tree and covers
that node's subtree; an org with a jurisdiction area also covers the area's subtree. Every
queryset that reaches a user goes through ``visible_to(user)``, which asks each model how its
rows sit in the trees (``scope_q``) and filters by the user's node paths.
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

    def has_any(self, permission: str) -> bool:
        """Whether the user holds ``permission`` anywhere (for showing navigation entries)."""
        return self.is_global or any(permission in grant.permissions for grant in self.grants)


NO_SCOPE = Scope()


def scope_of(user) -> Scope:
    """The scope of a user; anonymous and inactive users see nothing."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return NO_SCOPE
    return user.get_scope()


class ScopedQuerySet(models.QuerySet):
    """Base queryset of every model a user can list; ``model.scope_q(scope)`` says how to filter."""

    def visible_to(self, user) -> ScopedQuerySet:
        scope = scope_of(user)
        if scope.is_global:
            return self.all()
        if not scope.grants:
            return self.none()
        return self.filter(self.model.scope_q(scope))


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
