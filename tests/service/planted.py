"""Requests planted with personal data, for the tests of the public outputs (Open311, portal).

Each text holds a mobile (written with spaces), a landline and a 身份证 number; the request sits
at an exact point with a house-number address. One is in a public-space category (垃圾清运), one
in a private category (邻里纠纷: residents may report it on the portal, but its requests are
never listed publicly).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from dangjian.service import services
from dangjian.service.choices import RequestSource
from dangjian.service.models import Category, ServiceRequest
from tests.service.conftest import add_category

MOBILE = "138 0013 8000"
MOBILE_DIGITS = "13800138000"
LANDLINE = "010-62345678"
ID_NUMBER = "110101199003071234"
# Inside 社区A's first grid (the square 39.90–39.91 N, 116.40–116.41 E of service_world).
LATITUDE = Decimal("39.905437")
LONGITUDE = Decimal("116.405873")
ADDRESS = "幸福路88号5号楼2单元502室"
PRIVATE_MARK = "楼上漏水到我家"

# What must never appear in a public output: the numbers in every spelling, the exact point to
# more than three decimals, any part of the street address.
SECRETS = (
    MOBILE,
    MOBILE_DIGITS,
    "0013",
    "62345678",
    ID_NUMBER,
    "19900307",
    "39.9054",
    "116.4058",
    "39.905437",
    "116.405873",
    "幸福路",
    "88号",
    "502室",
    "2单元",
)


def text(subject: str) -> str:
    return f"{subject}，请联系 {MOBILE} 或座机 {LANDLINE}，我的身份证号 {ID_NUMBER}。"


@dataclass
class Planted:
    public: ServiceRequest
    private: ServiceRequest
    private_category: Category


def private_category() -> Category:
    """邻里纠纷: open to residents on the portal, requests not shown publicly (the default)."""
    found = Category.objects.filter(code="JF01").first()
    if found is not None:
        return found
    parent = add_category(None, "矛盾纠纷", "JF")
    return add_category(parent, "邻里纠纷", "JF01")


def plant(world, service_world, category: Category | None = None, **fields) -> ServiceRequest:
    """A portal request at the exact point and street address, its text full of numbers."""
    return services.submit_request(
        category=category or service_world.garbage,
        description=fields.pop("description", text("楼下垃圾桶满了三天没人清运")),
        source=RequestSource.PORTAL,
        area=fields.pop("area", world.grid_a1),
        latitude=LATITUDE,
        longitude=LONGITUDE,
        address=ADDRESS,
        contact_name="张阿姨",
        contact_phone=MOBILE_DIGITS,
        phone_verified=True,
        **fields,
    )


def plant_both(world, service_world) -> Planted:
    category = private_category()
    return Planted(
        public=plant(world, service_world),
        private=plant(world, service_world, category, description=text(PRIVATE_MARK)),
        private_category=category,
    )


def resolve(request_obj: ServiceRequest, world, secretary, handler) -> ServiceRequest:
    """Handled by 社区A's first grid branch and approved, the result quoting the numbers again
    (handlers do copy them from the description)."""
    services.accept_request(request_obj, by=secretary)
    services.dispatch_request(request_obj, by=secretary, handler_org=world.branch_a1)
    services.start_handling(request_obj, by=handler)
    services.report_result(request_obj, by=handler, resolution=text("已处理完毕"))
    services.approve_result(request_obj, by=secretary)
    request_obj.refresh_from_db()
    return request_obj


def leaks(content: str) -> list[str]:
    """The planted secrets found in ``content``."""
    return [secret for secret in SECRETS if secret in content]
