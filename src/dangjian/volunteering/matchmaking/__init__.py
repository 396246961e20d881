"""Matching needs to volunteers: ranked suggestions for one need and the optimal batch proposal."""


def register() -> None:
    """Put the matching pages' menu entries and permissions in the registry.

    The pages ask ``volunteering.change_need`` (granted by the ledger part's roles); the proposal
    models have no permissions of their own, so no role needs more.
    """
    from django.utils.translation import gettext_lazy as _

    from dangjian.core.registry import MenuEntry, register_menu_entries
    from dangjian.volunteering.matchmaking.models import NEED_PERMISSION

    register_menu_entries(
        MenuEntry(
            "volunteering:proposal_list", _("Matching proposals"), "volunteering", NEED_PERMISSION, order=60
        )
    )
