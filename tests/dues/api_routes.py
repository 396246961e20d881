"""Permission table of the dues API (/api/v1/dues): secretary_a of 社区A, 社区B out of scope."""

from __future__ import annotations

from dangjian.dues.ledger import current_month
from tests.dues.routes import _member
from tests.permissions import Route


def _api(name: str, **options) -> Route:
    options.setdefault("anonymous", "401")
    options.setdefault("denied_persona", "grid_worker_a")
    return Route(name=f"api:{name}", **options)


ROUTES: list[Route] = [
    # Lists are scoped rather than refused: their scoping is tested in test_api.py.
    _api("dues_declaration_list"),
    _api(
        "dues_declaration_create",
        method="post",
        json=True,
        data=lambda world: {
            "member_id": _member(world.branch_a1).pk,
            "year": current_month().year,
            "category": "retired",
            "base": "5200",
        },
        allowed_status=201,
    ),
    _api("dues_payment_list"),
    _api(
        "dues_payment_create",
        method="post",
        json=True,
        data=lambda world: {
            "member_id": _member(world.branch_a1).pk,
            "month": str(current_month()),
            "amount_paid": "50",
            "method": "wechat",
        },
        allowed_status=201,
    ),
    _api(
        "dues_sheet",
        in_scope=lambda world: {"org_id": world.branch_a1.pk},
        out_of_scope=lambda world: {"org_id": world.branch_b1.pk},
    ),
    _api("dues_arrears"),
]
