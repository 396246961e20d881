"""The grid-and-request map: its page, its GeoJSON (grids with the figure's value, open requests
as points), scope, the tile setting and a query count independent of the number of requests."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangjian.service import services
from tests.service.conftest import at, dispatched_request, file_request


def _data(client, **params) -> dict:
    response = client.get(reverse("service:map_data"), params)
    assert response.status_code == 200, response.content[:300]
    return response.json()


def test_map_data_colours_the_grids_of_the_area_by_the_figure(client, world, service_world, secretary_a):
    dispatched_request(world, service_world, secretary_a, now=at("2026-03-02 09:00"))
    file_request(world, service_world.garbage, area=world.grid_a2, latitude="39.905", longitude="116.415")
    client.force_login(secretary_a)
    data = _data(client, figure="overdue")
    assert data["type"] == "FeatureCollection"
    by_name = {feature["properties"]["name"]: feature for feature in data["features"]}
    assert set(by_name) == {"幸福社区第一网格", "幸福社区第二网格"}  # 社区A only: not 光明社区's grid
    assert by_name["幸福社区第一网格"]["geometry"]["type"] == "Polygon"
    assert by_name["幸福社区第一网格"]["properties"]["value"] == 1  # the March request is overdue now
    assert by_name["幸福社区第二网格"]["properties"]["value"] == 0
    assert "figure=overdue" in by_name["幸福社区第一网格"]["properties"]["list_url"]
    assert f"area={world.grid_a1.pk}" in by_name["幸福社区第一网格"]["properties"]["list_url"]
    assert f"node={world.grid_a1.pk}" in by_name["幸福社区第一网格"]["properties"]["figures_url"]
    assert data["higher_is_better"] is False


def test_open_requests_with_a_location_are_points_linking_to_their_page(
    client, world, service_world, secretary_a
):
    located = file_request(
        world, service_world.garbage, area=world.grid_a2, latitude="39.905", longitude="116.415"
    )
    file_request(world, service_world.garbage)  # no location: not a point
    refused = file_request(world, service_world.garbage, latitude="39.905", longitude="116.405")
    services.reject_request(refused, by=secretary_a, reason="重复上报")  # closed: not a point
    client.force_login(secretary_a)
    points = _data(client)["points"]
    assert len(points) == 1
    latitude, longitude, code, _title, _overdue, url = points[0]
    assert (latitude, longitude, code) == (39.905, 116.415, located.tracking_code)
    assert url == reverse("service:request_detail", kwargs={"pk": located.pk})


def test_rates_are_values_between_zero_and_one_or_none(client, world, service_world, secretary_a):
    client.force_login(secretary_a)
    year = datetime.date.today().year
    data = _data(client, figure="on_time_rate", period="this_year")
    assert all(feature["properties"]["value"] is None for feature in data["features"])
    assert data["higher_is_better"] is True
    assert str(year) in data["period"]


def test_a_node_outside_the_scope_is_not_found(client, world, secretary_a):
    client.force_login(secretary_a)
    assert client.get(reverse("service:map"), {"node": world.community_b.pk}).status_code == 404
    assert client.get(reverse("service:map_data"), {"node": world.street.pk}).status_code == 404
    assert client.get(reverse("service:map_data"), {"node": world.grid_a1.pk}).status_code == 200


def test_the_map_page_loads_leaflet_and_uses_tiles_only_when_set(client, world, secretary_a, settings):
    client.force_login(secretary_a)
    settings.TILE_URL = ""
    content = client.get(reverse("service:map")).content.decode()
    assert "vendor/leaflet-1.9.4/leaflet.js" in content and 'data-tiles=""' in content
    assert "网格地图" in content
    settings.TILE_URL = "https://tiles.example.internal/{z}/{x}/{y}.png"
    content = client.get(reverse("service:map")).content.decode()
    assert 'data-tiles="https://tiles.example.internal/{z}/{x}/{y}.png"' in content


def test_the_map_page_gives_leaflets_zoom_buttons_their_translated_tooltips(client, world, secretary_a):
    client.force_login(secretary_a)
    labels = client.get(reverse("service:map")).context["labels"]
    assert {"zoom_in", "zoom_out"} <= set(labels)  # service_map.js passes them to L.control.zoom


def test_map_data_query_count_does_not_grow_with_requests(client, world, service_world, secretary_a):
    client.force_login(secretary_a)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            _data(client)
        return len(queries)

    for _ in range(3):
        file_request(world, service_world.garbage, latitude="39.905", longitude="116.405")
    few = count()
    for _ in range(27):
        file_request(world, service_world.garbage, area=world.grid_a2, latitude="39.905", longitude="116.415")
    assert count() == few
    assert len(_data(client)["points"]) == 30
