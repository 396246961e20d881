from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "dangjian.members"
    label = "members"
    verbose_name = _("People")

    def ready(self) -> None:
        from dangjian.members import history_transfers, ledger_history, org_membership, placements

        history_transfers.register()
        ledger_history.register()
        placements.register()
        org_membership.register()
