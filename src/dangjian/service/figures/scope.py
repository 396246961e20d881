"""Which requests a service figure counts: a subtree of the area or the org tree (by the stored
paths, as index ranges), optionally narrowed to a category subtree."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from dangjian.core.tree import PATH_ALPHABET, PATH_STEP
from dangjian.orgs.models import Area, Organization
from dangjian.service.models import Category

AREA_TREE = "area"
ORG_TREE = "org"
# The rollup keeps the area path cut to this length: district → street → community.
ROLLUP_AREA_LENGTH = 3 * PATH_STEP


def prefix_q(field: str, prefix: str) -> Q:
    """Paths starting with ``prefix`` as a range, which a plain b-tree index serves under any
    collation (``LIKE 'x%'`` uses one only under the C collation on PostgreSQL)."""
    upper = _next_path(prefix)
    query = Q(**{f"{field}__gte": prefix})
    return query & Q(**{f"{field}__lt": upper}) if upper else query


def _next_path(path: str) -> str:
    """The smallest path of the same length after every path starting with ``path``."""
    chars = list(path)
    for index in range(len(chars) - 1, -1, -1):
        position = PATH_ALPHABET.find(chars[index])
        if 0 <= position < len(PATH_ALPHABET) - 1:
            chars[index] = PATH_ALPHABET[position + 1]
            return "".join(chars[: index + 1])
    return ""


@dataclass(frozen=True)
class Scope:
    """Which requests: a node of the area tree (by ``area_path``) or of the org tree (by
    ``org_path``, the responsible organization), and optionally a category subtree."""

    tree: str
    node: Area | Organization
    category: Category | None = None

    @classmethod
    def for_node(cls, node: Area | Organization, category: Category | None = None) -> Scope:
        return cls(AREA_TREE if isinstance(node, Area) else ORG_TREE, node, category)

    @property
    def path_field(self) -> str:
        return "area_path" if self.tree == AREA_TREE else "org_path"

    def q(self) -> Q:
        query = prefix_q(self.path_field, self.node.path)
        if self.category is not None:
            query &= prefix_q("category_path", self.category.path)
        return query

    def with_node(self, node: Area | Organization) -> Scope:
        return Scope(self.tree, node, self.category)

    def with_category(self, category: Category | None) -> Scope:
        return Scope(self.tree, self.node, category)
