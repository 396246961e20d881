"""Permission-table rows for the residents' portal: every page is public (no account needed).

The track and rate pages need a request that exists; ``_portal_request`` files one through the
service (a public category in 社区A's first grid). Staff personas see the same public pages,
except the rating pages, which refuse a staff session.
"""

from __future__ import annotations

from tests.permissions import Route


def _portal_request(world, *, resolved: bool = False) -> dict:
    from dangjian.service import services
    from dangjian.service.choices import RequestSource
    from dangjian.service.models import Category, ServiceRequest

    existing = ServiceRequest.objects.filter(source=RequestSource.PORTAL).first()
    if existing is not None:
        return {"code": existing.tracking_code}
    category = Category.objects.filter(code="PT01").first()
    if category is None:
        category = Category(name="公共设施损坏", code="PT01", default_handler_org=world.branch_a1)
        category.refresh_search_fields()
        category = Category.objects.add_root(instance=category)
    request_obj = services.submit_request(
        category=category,
        description="路边座椅损坏",
        source=RequestSource.PORTAL,
        area=world.grid_a1,
        contact_phone="13800138000",
        phone_verified=True,
    )
    return {"code": request_obj.tracking_code}


ROUTES: list[Route] = [
    Route("portal:index", anonymous="public"),
    Route("portal:submit", anonymous="public"),
    Route(
        "portal:send_code",
        method="post",
        anonymous="public",
        data=lambda world: {"contact_phone": "13800138000"},
    ),
    # The confirmation shows once, to the browser that reported; anyone else is sent to the track page.
    Route(
        "portal:submitted",
        in_scope=lambda world: {"code": "ABCDEFGHJK"},
        anonymous="public",
        allowed_status=302,
    ),
    Route("portal:track_lookup", anonymous="public"),
    Route("portal:track", in_scope=_portal_request, anonymous="public"),
    # Rating is the resident's alone: a signed-in user without staff roles gets the page, a staff
    # session a 403 explaining why (满意率 counts residents' own ratings only).
    Route(
        "portal:rate",
        in_scope=_portal_request,
        anonymous="public",
        persona="resident",
        denied_persona="secretary_a",
        two_roles="refused",
    ),
    Route(
        "portal:rate_code",
        in_scope=_portal_request,
        method="post",
        anonymous="public",
        persona="resident",
        denied_persona="secretary_a",
        two_roles="refused",
    ),
]
