"""Permission table of Open311 GeoReport v2 (/open311/v2/, public by the spec) and of the service API
(/api/v1/service: secretary_a of 社区A; requests of 社区B out of scope; ``resident`` has no role).

The table's fixtures know only ``world``; the helpers here add the few service rows a row needs
(the categories and grid squares of tests/service/conftest.py), idempotently.

Requests "out of scope" are in 社区B's grid: ``secretary_a_grid_worker_b`` reads and comments on
them as that grid's worker.
"""

from __future__ import annotations

from dangjian.service import services
from dangjian.service.choices import RequestSource, TimeLimitUnit
from dangjian.service.models import Category, Department, ServiceRequest
from dangjian.service.open311 import issue_key
from tests.permissions import Route
from tests.service.conftest import add_category, square

INSIDE_A1 = {"lat": "39.905", "long": "116.405"}


def categories(world) -> Category:
    """The 垃圾清运 category (SR01, public, requests shown publicly, handled by 社区A's first grid
    branch), made once."""
    found = Category.objects.filter(code="SR01").first()
    if found is not None:
        return found
    for grid, west in ((world.grid_a1, 116.40), (world.grid_a2, 116.41), (world.grid_b1, 116.43)):
        grid.boundary = square(west, 39.90)
        grid.save()
    Department.objects.get_or_create(code="CG", defaults={"name": "区城管执法局", "area": world.district})
    parent = add_category(None, "市容环境", "SR", requests_public=True)
    return add_category(
        parent,
        "垃圾清运",
        "SR01",
        requests_public=True,
        limit_amount=3,
        limit_unit=TimeLimitUnit.WORKING_DAYS,
        default_handler_org=world.branch_a1,
    )


def a_request(world, grid=None) -> ServiceRequest:
    """A portal request in ``grid`` (社区A's first grid unless given), one per grid."""
    grid = grid or world.grid_a1
    category = categories(world)
    found = ServiceRequest.objects.filter(area=grid).first()
    if found is not None:
        return found
    return services.submit_request(
        category=category, description="楼下垃圾没人清", source=RequestSource.PORTAL, area=grid
    )


def _open311(name: str, **options) -> Route:
    options.setdefault("anonymous", "public")
    options.setdefault("persona", "resident")
    return Route(name=f"open311:{name}", **options)


def _post_data(world) -> dict:
    categories(world)
    return {
        "api_key": issue_key("permission table")[1],
        "service_code": "SR01",
        "description": "路灯不亮",
        **INSIDE_A1,
    }


def _api(name: str, **options) -> Route:
    options.setdefault("anonymous", "401")
    options.setdefault("denied_persona", "resident")
    return Route(name=f"api:{name}", **options)


def _id(request_obj: ServiceRequest) -> dict:
    return {"id": request_obj.pk}


A_REQUEST = lambda world: _id(a_request(world))  # noqa: E731
B_REQUEST = lambda world: _id(a_request(world, world.grid_b1))  # noqa: E731


def _png():
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "blue").save(buffer, format="PNG")
    return SimpleUploadedFile("photo.png", buffer.getvalue(), content_type="image/png")


def _create(world) -> dict:
    return {
        "category_id": categories(world).pk,
        "description": "热线来电：楼道灯坏了",
        "source": "hotline",
        "area_id": world.grid_a1.pk,
    }


ROUTES: list[Route] = [
    # The OpenAPI description of the interface, public like it (fuzzed in tests/test_api_fuzz.py).
    _open311("openapi"),
    # Open311: public reads; POST needs an api_key in the form (checked in test_open311.py).
    _open311("service_list", in_scope=lambda world: {"fmt": "json"}),
    _open311("service_definition", in_scope=lambda world: {"code": categories(world).code, "fmt": "xml"}),
    _open311("request_list", in_scope=lambda world: {"fmt": "json"}),
    _open311(
        "request_list",
        method="post",
        in_scope=lambda world: {"fmt": "json"},
        data=_post_data,
    ),
    _open311(
        "request_detail",
        in_scope=lambda world: {"code": a_request(world).tracking_code, "fmt": "json"},
    ),
    _open311(
        "token_detail",
        in_scope=lambda world: {"token": a_request(world).tracking_code, "fmt": "xml"},
    ),
    # The service API: secretary_a of 社区A; ``resident`` (no role) is refused.
    _api("service_request_list"),
    _api("service_request_detail", in_scope=A_REQUEST, out_of_scope=B_REQUEST, two_roles_outside="200"),
    _api(
        "service_request_create",
        method="post",
        json=True,
        data=_create,
        allowed_status=201,
    ),
    _api(
        "service_request_action",
        method="post",
        json=True,
        in_scope=lambda world: {**A_REQUEST(world), "action": "comment"},
        out_of_scope=lambda world: {**B_REQUEST(world), "action": "comment"},
        data=lambda world: {"note": "已电话联系居民"},
        two_roles_outside="200",
    ),
    _api(
        "service_request_photo",
        method="post",
        in_scope=A_REQUEST,
        out_of_scope=B_REQUEST,
        data=lambda world: {"photo": _png()},
        allowed_status=201,
        two_roles_outside="201",
    ),
    # Configuration every signed-in user may read (the category tree; departments of their areas).
    _api("service_category_list", denied_persona=None),
    _api("service_department_list", denied_persona=None),
    _api("service_figures"),
]
