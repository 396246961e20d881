from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "dangjian.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from dangjian.accounts.cards import PLACES_CARD
        from dangjian.accounts.roles import ROLE_PERMISSIONS, ensure_builtin_roles
        from dangjian.core.registry import (
            LOGGED_IN,
            MenuEntry,
            register_audited_models,
            register_dashboard_card,
            register_menu_entries,
            register_role_permissions,
        )

        # After every app's permissions exist (members is the last of our apps to migrate).
        post_migrate.connect(ensure_builtin_roles, dispatch_uid="dangjian_builtin_roles")
        # Audit lines for sign-in, sign-out and failed attempts.
        from dangjian.accounts import signals  # noqa: F401

        register_role_permissions(ROLE_PERMISSIONS)
        from dangjian.accounts import personal_data

        personal_data.register()
        from dangjian.accounts.tokens import may_use_api
        from dangjian.accounts.totp import holds_a_role

        # Only for roles the API has records for: not a resident, not a plain 党员 (tokens.may_use_api).
        register_menu_entries(
            MenuEntry(
                "accounts:token_list", _("API tokens"), "system", LOGGED_IN, order=30, condition=may_use_api
            ),
            # Holders of a role may protect their account with an authenticator app (accounts.totp);
            # a resident's account opens nothing a second factor would guard, so the menu leaves it out.
            MenuEntry(
                "accounts:totp_setup",
                _("Two-step sign-in"),
                "system",
                LOGGED_IN,
                order=31,
                condition=holds_a_role,
            ),
        )
        register_audited_models(*self.get_models())
        register_dashboard_card(PLACES_CARD)
