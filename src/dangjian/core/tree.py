"""The tree base shared by party organizations and areas: treebeard's materialized path.

A subtree is one ``path LIKE 'prefix%'`` query, which uses an index on both SQLite and
PostgreSQL (Django adds a ``varchar_pattern_ops`` index for it on PostgreSQL).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from dangjian.core.scoping import ScopedQuerySet

# Four base-36 characters per level: up to 1.6 million children under one node.
PATH_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
PATH_STEP = 4


class TreeQuerySet(MP_NodeQuerySet, ScopedQuerySet):
    def active(self) -> TreeQuerySet:
        return self.filter(is_active=True)

    def in_subtree(self, node) -> TreeQuerySet:
        return self.filter(path__startswith=node.path)

    def search(self, text: str) -> TreeQuerySet:
        from dangjian.core.search import search_queryset

        return search_queryset(self, text)


class TreeManager(MP_NodeManager):
    def get_queryset(self) -> TreeQuerySet:
        return TreeQuerySet(self.model).order_by("path")

    def visible_to(self, user, action: str = "view") -> TreeQuerySet:
        return self.get_queryset().visible_to(user, action)


class TreeNode(MP_Node):
    """A node of one of the two trees; deactivated, never deleted, once it has history."""

    alphabet = PATH_ALPHABET
    steplen = PATH_STEP

    name = models.CharField(_("name"), max_length=128)
    code = models.CharField(_("code"), max_length=32, unique=True)
    is_active = models.BooleanField(_("active"), default=True, db_index=True)
    deactivated_at = models.DateTimeField(_("deactivated at"), null=True, blank=True)
    search_tokens = models.TextField(blank=True, default="", editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = TreeManager()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    def refresh_search_fields(self) -> None:
        from dangjian.core.search import search_tokens

        self.search_tokens = search_tokens(self.name, self.code)

    def ancestors_list(self) -> list:
        """Ancestors from the root, in one query (for breadcrumbs)."""
        paths = [self.path[:index] for index in range(self.steplen, len(self.path), self.steplen)]
        return list(type(self).objects.filter(path__in=paths).order_by("depth")) if paths else []
