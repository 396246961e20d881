"""Built-in roles, and the scopes of API tokens."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class BuiltinRole(models.TextChoices):
    SYSTEM_ADMIN = "system_admin", _("System administrator")
    ORG_DEPARTMENT_ADMIN = "org_department_admin", _("Organization department administrator")
    ORG_SECRETARY = "org_secretary", _("Organization secretary")
    ORG_STAFF = "org_staff", _("Organization staff")
    GRID_WORKER = "grid_worker", _("Grid worker")
    DEPARTMENT_HANDLER = "department_handler", _("Department handler")
    PARTY_MEMBER = "party_member", _("Party member")
    RESIDENT = "resident", _("Resident")


class TokenScope(models.TextChoices):
    """What an API token may do (``accounts.api``): reading (GET), changing (other methods), and
    the two that let personal data leave, each asked for by its own endpoints."""

    READ = "read", _("Read records")
    WRITE = "write", _("Change records")
    REVEAL = "reveal", _("Reveal personal information")
    EXPORT = "export", _("Export records")
