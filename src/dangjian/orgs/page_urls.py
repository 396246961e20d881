"""Routes of the tree pages: organizations, areas and committees (names are used by other apps)."""

from __future__ import annotations

from django.urls import path

from dangjian.orgs.views import committees, nodes, trees
from dangjian.orgs.views.common import AREAS, ORGS

urlpatterns = [
    # Party organizations
    path("organizations/", trees.tree, {"config": ORGS}, name="org_tree"),
    path("organizations/list/", trees.node_list, {"config": ORGS}, name="org_list"),
    path("organizations/<int:pk>/", nodes.org_detail, name="org_detail"),
    path("organizations/<int:pk>/children/", trees.children, {"config": ORGS}, name="org_children"),
    path("organizations/<int:pk>/add/", nodes.node_create, {"config": ORGS}, name="org_create"),
    path("organizations/<int:pk>/edit/", nodes.node_edit, {"config": ORGS}, name="org_edit"),
    path("organizations/<int:pk>/move/", nodes.node_move, {"config": ORGS}, name="org_move"),
    path(
        "organizations/<int:pk>/deactivate/", nodes.node_deactivate, {"config": ORGS}, name="org_deactivate"
    ),
    path(
        "organizations/<int:pk>/reactivate/", nodes.node_reactivate, {"config": ORGS}, name="org_reactivate"
    ),
    path("organizations/<int:pk>/history/", nodes.node_history, {"config": ORGS}, name="org_history"),
    path("organizations/<int:pk>/elections/", nodes.org_elections, name="org_elections"),
    path("organizations/lookup/", trees.org_lookup, name="org_lookup"),
    # Committees
    path("organizations/<int:pk>/committees/add/", committees.committee_create, name="committee_create"),
    path("committees/<int:pk>/", committees.committee_detail, name="committee_detail"),
    path("committees/<int:pk>/seats/add/", committees.committee_seat_add, name="committee_seat_add"),
    path("committees/seats/<int:pk>/end/", committees.committee_seat_end, name="committee_seat_end"),
    # Areas (网格体系)
    path("areas/", trees.tree, {"config": AREAS}, name="area_tree"),
    path("areas/list/", trees.node_list, {"config": AREAS}, name="area_list"),
    path("areas/lookup/", trees.area_lookup, name="area_lookup"),
    path("areas/<int:pk>/", nodes.area_detail, name="area_detail"),
    path("areas/<int:pk>/children/", trees.children, {"config": AREAS}, name="area_children"),
    path("areas/<int:pk>/add/", nodes.node_create, {"config": AREAS}, name="area_create"),
    path("areas/<int:pk>/edit/", nodes.node_edit, {"config": AREAS}, name="area_edit"),
    path("areas/<int:pk>/move/", nodes.node_move, {"config": AREAS}, name="area_move"),
    path("areas/<int:pk>/deactivate/", nodes.node_deactivate, {"config": AREAS}, name="area_deactivate"),
    path("areas/<int:pk>/reactivate/", nodes.node_reactivate, {"config": AREAS}, name="area_reactivate"),
    path("areas/<int:pk>/history/", nodes.node_history, {"config": AREAS}, name="area_history"),
]
