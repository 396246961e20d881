from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "dangjian.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from dangjian.accounts.roles import ensure_builtin_roles

        # After every app's permissions exist (members is the last of our apps to migrate).
        post_migrate.connect(ensure_builtin_roles, dispatch_uid="dangjian_builtin_roles")
        # Audit lines for sign-in, sign-out and failed attempts.
        from dangjian.accounts import signals  # noqa: F401
