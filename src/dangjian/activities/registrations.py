"""What the activities app puts in the registry (called from ``ActivitiesConfig.ready``)."""

from __future__ import annotations


def register(app_config) -> None:
    from dangjian.activities.roles import ROLE_PERMISSIONS
    from dangjian.activities.services.ledger import on_service_log_confirmed
    from dangjian.core.registry import register_audited_models, register_role_permissions
    from dangjian.dual_reporting.signals import service_log_confirmed

    register_role_permissions(ROLE_PERMISSIONS)
    register_audited_models(*app_config.get_models())
    service_log_confirmed.connect(on_service_log_confirmed, dispatch_uid="activities_post_service_log")
