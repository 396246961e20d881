"""What the built-in roles may do with service requests (为民服务), registered from ``apps.py``.

Existing databases get these from service/0002_roles_and_rating_levels. Dispatchers (社区/街道)
accept, dispatch, review and close; handlers handle what is sent to their organization;
supervisors 督办 and 吹哨. Department users act through membership.
"""

from __future__ import annotations

from dangjian.accounts.choices import BuiltinRole

SERVICE_VIEW = ["service.view_servicerequest", "service.view_category", "service.view_department"]
SERVICE_REGISTER = ["service.add_servicerequest"]
SERVICE_DISPATCH = ["service.dispatch_request", "service.handle_request"]
SERVICE_SUPERVISE = ["service.supervise_request", "service.view_routingrule"]
SERVICE_CONFIGURE = [
    f"service.{action}_{model}"
    for model in ("category", "routingrule", "department", "departmentmember", "ratinglevel")
    for action in ("add", "change", "view")
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    BuiltinRole.ORG_DEPARTMENT_ADMIN: [
        *SERVICE_VIEW,
        *SERVICE_REGISTER,
        *SERVICE_DISPATCH,
        *SERVICE_SUPERVISE,
        *SERVICE_CONFIGURE,
    ],
    BuiltinRole.ORG_SECRETARY: [*SERVICE_VIEW, *SERVICE_REGISTER, *SERVICE_DISPATCH, *SERVICE_SUPERVISE],
    BuiltinRole.ORG_STAFF: [*SERVICE_VIEW, *SERVICE_REGISTER, *SERVICE_DISPATCH],
    BuiltinRole.GRID_WORKER: [*SERVICE_VIEW, *SERVICE_REGISTER, "service.handle_request"],
    # Department users see and handle what is sent to their department through membership.
    BuiltinRole.DEPARTMENT_HANDLER: ["service.view_category", "service.view_department"],
}
