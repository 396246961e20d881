"""Routes of the tree pages: organizations, areas and committees (names are used by other apps)."""

from __future__ import annotations

from django.urls import path

from dangjian.orgs.views import committees, nodes, trees
from dangjian.orgs.views.common import AREAS, ORGS

urlpatterns = [
    # Party organizations
    path("organizations/", trees.tree, {"config": ORGS}, name="org_tree"),
    path("organizations/list/", trees.node_list, {"config": ORGS}, name="org_list"),
    path("organizations/<id:pk>/", nodes.org_detail, name="org_detail"),
    path("organizations/<id:pk>/children/", trees.children, {"config": ORGS}, name="org_children"),
    path("organizations/<id:pk>/add/", nodes.node_create, {"config": ORGS}, name="org_create"),
    path("organizations/<id:pk>/edit/", nodes.node_edit, {"config": ORGS}, name="org_edit"),
    path("organizations/<id:pk>/move/", nodes.node_move, {"config": ORGS}, name="org_move"),
    path("organizations/<id:pk>/deactivate/", nodes.node_deactivate, {"config": ORGS}, name="org_deactivate"),
    path("organizations/<id:pk>/reactivate/", nodes.node_reactivate, {"config": ORGS}, name="org_reactivate"),
    path("organizations/<id:pk>/history/", nodes.node_history, {"config": ORGS}, name="org_history"),
    path("organizations/<id:pk>/elections/", nodes.org_elections, name="org_elections"),
    path("organizations/lookup/", trees.org_lookup, name="org_lookup"),
    # Committees
    path("organizations/<id:pk>/committees/add/", committees.committee_create, name="committee_create"),
    path("committees/<id:pk>/", committees.committee_detail, name="committee_detail"),
    path("committees/<id:pk>/seats/add/", committees.committee_seat_add, name="committee_seat_add"),
    path("committees/seats/<id:pk>/end/", committees.committee_seat_end, name="committee_seat_end"),
    # Areas (网格体系)
    path("areas/", trees.tree, {"config": AREAS}, name="area_tree"),
    path("areas/list/", trees.node_list, {"config": AREAS}, name="area_list"),
    path("areas/lookup/", trees.area_lookup, name="area_lookup"),
    path("areas/<id:pk>/", nodes.area_detail, name="area_detail"),
    path("areas/<id:pk>/children/", trees.children, {"config": AREAS}, name="area_children"),
    path("areas/<id:pk>/add/", nodes.node_create, {"config": AREAS}, name="area_create"),
    path("areas/<id:pk>/edit/", nodes.node_edit, {"config": AREAS}, name="area_edit"),
    path("areas/<id:pk>/move/", nodes.node_move, {"config": AREAS}, name="area_move"),
    path("areas/<id:pk>/deactivate/", nodes.node_deactivate, {"config": AREAS}, name="area_deactivate"),
    path("areas/<id:pk>/reactivate/", nodes.node_reactivate, {"config": AREAS}, name="area_reactivate"),
    path("areas/<id:pk>/history/", nodes.node_history, {"config": AREAS}, name="area_history"),
]
