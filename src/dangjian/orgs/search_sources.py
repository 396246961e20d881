"""What the staff search box finds in the two trees: party organizations and areas (by name
or code, 简/繁 and pinyin), active nodes in the user's scope, in tree order (the token index
read first: ``core.search.newest_matching``)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from dangjian.core.registry import SearchHit, SearchSource, register_search_source
from dangjian.core.search import newest_matching
from dangjian.orgs.models import Area, Organization

VIEW_ORG = "orgs.view_organization"
VIEW_AREA = "orgs.view_area"


def find_organizations(user, text: str, limit: int) -> list[SearchHit]:
    visible = Organization.objects.visible_to(user, VIEW_ORG).active().only("pk", "name", "kind", "path")
    return [
        SearchHit(org.name, reverse("orgs:org_detail", kwargs={"pk": org.pk}), org.get_kind_display())
        for org in newest_matching(visible, text, limit, order=("path",))
    ]


def find_areas(user, text: str, limit: int) -> list[SearchHit]:
    visible = Area.objects.visible_to(user, VIEW_AREA).active().only("pk", "name", "kind", "path")
    return [
        SearchHit(area.name, reverse("orgs:area_detail", kwargs={"pk": area.pk}), area.get_kind_display())
        for area in newest_matching(visible, text, limit, order=("path",))
    ]


def _list(name: str):
    return lambda text: f"{reverse(name)}?{urlencode({'q': text})}"


register_search_source(
    SearchSource(
        "organizations",
        _("Party organizations"),
        find_organizations,
        VIEW_ORG,
        more_url=_list("orgs:org_list"),
        order=30,
    )
)
register_search_source(
    SearchSource(
        "areas", _("Areas and grids"), find_areas, VIEW_AREA, more_url=_list("orgs:area_list"), order=40
    )
)
