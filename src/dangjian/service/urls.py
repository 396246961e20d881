"""Staff pages of service requests: lists, queues, the request page and its actions, figures, map."""

from django.urls import path

from dangjian.service.views import config, figures, grid, queues, request_lists, requests

app_name = "service"

urlpatterns = [
    # Staff request pages (views/request_lists.py, views/requests.py, views/queues.py).
    path("requests/", request_lists.request_list, name="request_list"),
    path("requests/export/", request_lists.request_export, name="request_export"),
    path("requests/new/", request_lists.request_create, name="request_create"),
    path("requests/<id:pk>/", requests.request_detail, name="request_detail"),
    path("requests/<id:pk>/<str:action>/", requests.request_action, name="request_action"),
    path("photos/<id:pk>/", requests.photo_file, name="photo_file"),
    path("queue/", queues.queue, name="queue"),
    path("queue/dispatch/", queues.bulk_dispatch, name="bulk_dispatch"),
    path("supervised/", queues.supervised_list, name="supervised_list"),
    path("whistles/<id:pk>/report/", queues.whistle_report, name="whistle_report"),
    # Grid workers' phone pages (views/grid.py).
    path("grid/", grid.grid_home, name="grid_home"),
    path("grid/<id:area_pk>/report/", grid.grid_report, name="grid_report"),
    path("grid/requests/<id:pk>/visit/", grid.grid_visit, name="grid_visit"),
    path("grid/<id:area_pk>/households/", grid.grid_households, name="grid_households"),
    path("grid/<id:area_pk>/neighbours/", grid.grid_neighbours, name="grid_neighbours"),
    path(
        "grid/households/<id:resident_pk>/neighbours/",
        grid.grid_household_neighbours,
        name="grid_household_neighbours",
    ),
    # Figures and the grid-and-request map (views/figures.py).
    path("figures/", figures.figures_page, name="figures"),
    path("figures/export/", figures.figures_export, name="figures_export"),
    path("map/", figures.map_page, name="map"),
    path("map/data/", figures.map_data, name="map_data"),
    # Configuration: categories, routing, departments (views/config.py).
    path("categories/", config.category_list, name="category_list"),
    path("categories/new/", config.category_create, name="category_create"),
    path("categories/<id:pk>/edit/", config.category_edit, name="category_edit"),
    path("routing/", config.routing_list, name="routing_list"),
    path("routing/new/", config.routing_create, name="routing_create"),
    path("routing/<id:pk>/edit/", config.routing_edit, name="routing_edit"),
    path("routing/<id:pk>/history/", config.routing_history, name="routing_history"),
    path("departments/", config.department_list, name="department_list"),
    path("departments/new/", config.department_create, name="department_create"),
    path("departments/<id:pk>/edit/", config.department_edit, name="department_edit"),
    path("departments/<id:pk>/members/", config.department_member_add, name="department_member_add"),
    path(
        "departments/<id:pk>/members/<id:member_pk>/remove/",
        config.department_member_remove,
        name="department_member_remove",
    ),
]
