"""志愿服务活动: volunteer activities with sign-up and QR check-in/out, the one hours ledger (with
双报到 service), the 志愿服务记录证明 and points (时间银行)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "dangjian.activities"
    label = "activities"
    verbose_name = _("Volunteer activities")

    def ready(self) -> None:
        from dangjian.activities import (
            point_sources,  # noqa: F401  registers its 党员积分 source
            registrations,
        )

        registrations.register(self)
