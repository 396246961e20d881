"""Permission table of the dues pages: secretary_a of 社区A, 社区B out of scope; the grid worker
(area role, no dues permission) is refused."""

from __future__ import annotations

from dangjian.dues.choices import PaymentMethod
from dangjian.dues.ledger import current_month
from dangjian.dues.models import DuesReduction
from tests.dues.helpers import add_member, declare
from tests.permissions import Route


def _member(org, name: str = "党费成员"):
    from dangjian.members.models import PartyMember

    member = PartyMember.objects.filter(org=org, person__name=name).first()
    if member is None:
        member = add_member(org, name)
        declare(member)
    return member


def _reduction(org):
    member = _member(org)
    reduction = DuesReduction.objects.filter(member=member).first()
    if reduction is None:
        month = current_month()
        reduction = DuesReduction.objects.create(
            member=member, from_month=month, to_month=month, is_waiver=True, reason="生病住院"
        )
    return reduction


A_ORG = lambda world: {"org_pk": world.branch_a1.pk}  # noqa: E731
B_ORG = lambda world: {"org_pk": world.branch_b1.pk}  # noqa: E731
A_MEMBER = lambda world: {"member_pk": _member(world.branch_a1).pk}  # noqa: E731
B_MEMBER = lambda world: {"member_pk": _member(world.branch_b1).pk}  # noqa: E731
A_REDUCTION = lambda world: {"pk": _reduction(world.branch_a1).pk}  # noqa: E731
B_REDUCTION = lambda world: {"pk": _reduction(world.branch_b1).pk}  # noqa: E731


def _payment(world) -> dict:
    month = current_month()
    return {
        "month": f"{month:%Y-%m}",
        "amount_paid": "100.00",
        "method": PaymentMethod.CASH,
        "paid_on": str(month),
    }


DENIED = "grid_worker_a"

ROUTES: list[Route] = [
    Route("dues:index", denied_persona=DENIED),
    Route("dues:sheet", in_scope=A_ORG, out_of_scope=B_ORG, denied_persona=DENIED),
    Route("dues:sheet_export", in_scope=A_ORG, out_of_scope=B_ORG, denied_persona=DENIED),
    Route("dues:declaration_list", in_scope=A_ORG, out_of_scope=B_ORG, denied_persona=DENIED),
    Route("dues:declaration_import", in_scope=A_ORG, out_of_scope=B_ORG, denied_persona=DENIED),
    Route("dues:declaration_import_template", in_scope=A_ORG, out_of_scope=B_ORG, denied_persona=DENIED),
    Route("dues:setting_edit", in_scope=A_ORG, out_of_scope=B_ORG, denied_persona=DENIED),
    Route(
        "dues:setting_edit",
        method="post",
        in_scope=A_ORG,
        out_of_scope=B_ORG,
        data=lambda world: {"farmer_amount": "0.50"},
        allowed_status=302,
        denied_persona=DENIED,
    ),
    Route("dues:payment_create", in_scope=A_MEMBER, out_of_scope=B_MEMBER, denied_persona=DENIED),
    Route(
        "dues:payment_create",
        method="post",
        in_scope=A_MEMBER,
        out_of_scope=B_MEMBER,
        data=_payment,
        allowed_status=302,
        denied_persona=DENIED,
    ),
    Route("dues:declaration_create", in_scope=A_MEMBER, out_of_scope=B_MEMBER, denied_persona=DENIED),
    Route(
        "dues:declaration_create",
        method="post",
        in_scope=A_MEMBER,
        out_of_scope=B_MEMBER,
        data=lambda world: {
            "year": current_month().year,
            "category": "employed",
            "base": "6000",
            "declared_on": str(current_month()),
        },
        allowed_status=302,
        denied_persona=DENIED,
    ),
    Route("dues:reduction_create", in_scope=A_MEMBER, out_of_scope=B_MEMBER, denied_persona=DENIED),
    Route(
        "dues:reduction_create",
        method="post",
        in_scope=A_MEMBER,
        out_of_scope=B_MEMBER,
        data=lambda world: {
            "from_month": f"{current_month():%Y-%m}",
            "to_month": f"{current_month():%Y-%m}",
            "reduced_amount": "0.20",
            "reason": "生病住院",
        },
        allowed_status=302,
        denied_persona=DENIED,
    ),
    Route("dues:reduction_list", denied_persona=DENIED),
    Route("dues:reduction_decide", in_scope=A_REDUCTION, out_of_scope=B_REDUCTION, denied_persona=DENIED),
    Route(
        "dues:reduction_decide",
        method="post",
        in_scope=A_REDUCTION,
        out_of_scope=B_REDUCTION,
        data=lambda world: {"decision": "approve", "note": "同意"},
        allowed_status=302,
        denied_persona=DENIED,
    ),
    Route("dues:arrears_list", denied_persona=DENIED),
]
