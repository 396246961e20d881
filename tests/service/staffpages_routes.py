"""Permission table of the staff request pages: list, export, register, the request page and its actions,
the work queue, bulk dispatch, the 督办 list and 报到.

``in_scope`` uses requests reported in 社区A's first grid (secretary_a's subtree), ``out_of_scope``
requests of 社区B. For 报到, secretary_a is made a user of the department called to the 社区A request;
the 社区B request's call goes to another department, so it is not theirs to see.

Requests "out of scope" are in 社区B's grid: ``secretary_a_grid_worker_b`` reads and comments on
them as that grid's worker; objects tied to ``secretary_a`` herself (her whistle call) are not hers.
"""

from __future__ import annotations

from django.utils import timezone

from dangjian.accounts.models import User
from dangjian.service import services
from dangjian.service.choices import RequestSource, RequestState
from dangjian.service.models import Category, Department, DepartmentMember, ServiceRequest, WhistleCall
from tests.permissions import Route

MARK = "routes: 路灯不亮"
UNPLACED = "routes: 只有地址"


def _category() -> Category:
    category = Category.objects.filter(code="ROUTES01").first()
    if category is None:
        root = Category(name="routes 市容", code="ROUTES")
        root.refresh_search_fields()
        root = Category.objects.add_root(instance=root)
        leaf = Category(name="routes 路灯", code="ROUTES01", limit_amount=3)
        leaf.refresh_search_fields()
        category = Category.objects.add_child(root, instance=leaf)
    return category


def _request(area) -> ServiceRequest:
    req = ServiceRequest.objects.filter(description=MARK, area=area).first()
    if req is None:
        req = services.submit_request(
            category=_category(), description=MARK, source=RequestSource.PORTAL, area=area
        )
    return req


def _unplaced(area) -> ServiceRequest:
    """A request reported with an address only (待定位), filed under the community ``area``."""
    req = ServiceRequest.objects.filter(description=UNPLACED, area=area).first()
    if req is None:
        req = services.submit_request(
            category=_category(),
            description=UNPLACED,
            source=RequestSource.PORTAL,
            area=area,
            address="幸福路8号",
        )
    return req


def _place(world) -> dict:
    return {"version": _unplaced(world.community_a).version, "area": world.grid_a1.code}


def _department(code: str, world) -> Department:
    department, _created = Department.objects.get_or_create(
        code=code, defaults={"name": f"routes 部门 {code}", "area": world.district}
    )
    return department


def _call(world, area, code: str, member: str | None) -> WhistleCall:
    req = _request(area)
    department = _department(code, world)
    call = WhistleCall.objects.filter(request=req, department=department).first()
    if call is None:
        ServiceRequest.objects.filter(pk=req.pk).update(state=RequestState.ACCEPTED)
        now = timezone.now()
        call = WhistleCall.objects.create(
            request=req, department=department, note="routes", called_at=now, report_due_at=now
        )
    user = User.objects.filter(username=member).first() if member else None
    if user is not None:
        DepartmentMember.objects.get_or_create(department=department, user=user)
    return call


def _pk(req) -> dict:
    return {"pk": req.pk}


def _comment(world) -> dict:
    return {"version": _request(world.grid_a1).version, "note": "routes 备注"}


ROUTES: list[Route] = [
    Route("service:request_list"),
    Route("service:request_export"),
    Route("service:request_create"),
    Route(
        "service:request_detail",
        in_scope=lambda world: _pk(_request(world.grid_a1)),
        out_of_scope=lambda world: _pk(_request(world.grid_b1)),
        two_roles_outside="200",
    ),
    Route(
        "service:request_action",
        in_scope=lambda world: {"pk": _request(world.grid_a1).pk, "action": "comment"},
        out_of_scope=lambda world: {"pk": _request(world.grid_b1).pk, "action": "comment"},
        method="post",
        data=_comment,
        allowed_status=302,
        two_roles_outside="302",
    ),
    # 定位 of a request 待定位: by the dispatchers of the community it was filed under (302 back to
    # the request, placed); another community's request is not theirs to see.
    Route(
        "service:request_action",
        in_scope=lambda world: {"pk": _unplaced(world.community_a).pk, "action": "place"},
        out_of_scope=lambda world: {"pk": _unplaced(world.community_b).pk, "action": "place"},
        method="post",
        data=_place,
        allowed_status=302,
    ),
    Route("service:queue"),
    Route("service:supervised_list"),
    Route(
        "service:bulk_dispatch",
        method="post",
        data=lambda world: {"requests": [_request(world.grid_a1).pk], "handler": f"org:{world.branch_a1.pk}"},
        allowed_status=302,
    ),
    Route(
        "service:whistle_report",
        in_scope=lambda world: _pk(_call(world, world.grid_a1, "ROUTES-A", "secretary_a")),
        out_of_scope=lambda world: _pk(_call(world, world.grid_b1, "ROUTES-B", None)),
        method="post",
        allowed_status=302,
        two_roles="403",
        two_roles_outside="refused",
    ),
]
