"""Users, roles and their assignments on nodes of the two trees, API tokens and authenticator apps."""

from __future__ import annotations

import hashlib

from django.contrib.auth.models import AbstractUser, Permission, UserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.core.personal import MOBILE, EncryptedValue, PersonalData
from dangjian.core.scoping import AREA, ORG, Grant, Scope, ScopedQuerySet


class User(AbstractUser):
    """A login. Users sign in with their username or their mobile number (looked up by hash)."""

    person = models.OneToOneField(
        "core.Person",
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="user",
    )
    mobile_cipher = models.TextField(blank=True, default="", editable=False)
    mobile_hash = models.CharField(max_length=64, null=True, blank=True, editable=False, unique=True)
    mobile_masked = models.CharField(_("mobile"), max_length=16, blank=True, default="", editable=False)

    mobile = PersonalData(MOBILE)

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self) -> str:
        full = self.get_full_name()
        return f"{full}（{self.username}）" if full else self.username

    def get_full_name(self) -> str:
        # Chinese order: family name first, no space.
        return f"{self.last_name}{self.first_name}".strip()

    def get_scope(self) -> Scope:
        """The user's grants, computed once per request (cached on the instance)."""
        cached = getattr(self, "_scope_cache", None)
        if cached is not None:
            return cached
        if self.is_superuser:
            scope = Scope(is_global=True)
        else:
            grants: list[Grant] = []
            assignments = list(
                self.role_assignments.filter(is_active=True).select_related(
                    "role", "org__jurisdiction", "area"
                )
            )
            # Every role's permission names in one flat query (no model instances: a secretary's
            # role carries hundreds, and this runs on every request).
            names: dict[int, set[str]] = {}
            rows = Role.permissions.through.objects.filter(
                role_id__in={assignment.role_id for assignment in assignments}
            ).values_list("role_id", "permission__content_type__app_label", "permission__codename")
            for role_id, app_label, codename in rows if assignments else ():
                names.setdefault(role_id, set()).add(f"{app_label}.{codename}")
            for assignment in assignments:
                permissions = frozenset(names.get(assignment.role_id, ()))
                if assignment.role.is_global:
                    scope = Scope(is_global=True)
                    self._scope_cache = scope
                    return scope
                if assignment.org_id:
                    grants.append(Grant(ORG, assignment.org.path, permissions))
                    if assignment.org.jurisdiction_id:
                        grants.append(Grant(AREA, assignment.org.jurisdiction.path, permissions))
                if assignment.area_id:
                    grants.append(Grant(AREA, assignment.area.path, permissions))
            scope = Scope(is_global=False, grants=tuple(grants))
        self._scope_cache = scope
        return scope


class Role(models.Model):
    """A named bundle of permissions; assigned on a tree node it covers that node's subtree."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=64)
    description = models.TextField(_("description"), blank=True, default="")
    is_builtin = models.BooleanField(_("built in"), default=False)
    is_global = models.BooleanField(
        _("global"), default=False, help_text=_("Covers every node of both trees wherever it is assigned.")
    )
    permissions = models.ManyToManyField(Permission, verbose_name=_("permissions"), blank=True)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["id"]

    def __str__(self) -> str:
        return str(self.display_name)

    @property
    def display_name(self) -> str:
        """A built-in role's name in the reader's language; an admin-made role's name as entered."""
        from dangjian.accounts.choices import BuiltinRole

        if self.is_builtin and self.code in BuiltinRole.values:
            return str(BuiltinRole(self.code).label)
        return self.name

    def permission_names(self) -> frozenset[str]:
        return frozenset(f"{p.content_type.app_label}.{p.codename}" for p in self.permissions.all())


class RoleAssignmentQuerySet(ScopedQuerySet):
    """Assignments are scoped like any record: ``visible_to(user)`` asks
    ``accounts.view_roleassignment`` (see ``RoleAssignment.scope_q``)."""


class RoleAssignment(models.Model):
    """A user holds a role on one node of either tree, covering its subtree."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.ForeignKey(
        Role, verbose_name=_("role"), on_delete=models.PROTECT, related_name="assignments"
    )
    org = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("party organization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="role_assignments",
    )
    area = models.ForeignKey(
        "orgs.Area",
        verbose_name=_("area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="role_assignments",
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        ordering = ["user_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(org__isnull=False, area__isnull=True)
                    | models.Q(org__isnull=True, area__isnull=False)
                ),
                name="accounts_roleassignment_one_node",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.role} @ {self.node}"

    @property
    def node(self):
        return self.org if self.org_id else self.area

    @classmethod
    def scope_q(cls, scope: Scope) -> models.Q:
        return scope.q(ORG, "org__path") | scope.q(AREA, "area__path")

    def audit_scope_paths(self) -> tuple[str, str]:
        return (self.org.path if self.org_id else "", self.area.path if self.area_id else "")


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def usable(self):
        now = timezone.now()
        return self.filter(revoked_at__isnull=True, expires_at__gt=now)


class ApiToken(models.Model):
    """A bearer token for the API; only its SHA-256 is stored, the clear token is shown once."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=64)
    prefix = models.CharField(_("prefix"), max_length=12, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Required since issue 15: a token lives 90 days by default and a year at most (accounts.tokens).
    expires_at = models.DateTimeField(_("expires at"))
    # TokenScope codes; a list in JSON so that SQLite and PostgreSQL store it alike.
    scopes = models.JSONField(_("scopes"), default=list, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    def allows(self, scope: str) -> bool:
        return scope in self.scopes

    @property
    def scope_labels(self) -> list[str]:
        from dangjian.accounts.choices import TokenScope

        return [str(TokenScope(code).label) for code in self.scopes if code in TokenScope.values]


TOTP_SECRET = "totp_secret"


class TotpDevice(models.Model):
    """A user's enrolled authenticator app (TOTP, RFC 6238): the second step of signing in.

    The shared secret is kept only encrypted (``secret_cipher``, Fernet under the personal-data
    keys); recovery codes only as keyed hashes, each removed from the list when used. Enrolment
    in progress lives in the session (the secret encrypted there too), so a row means enrolled.
    """

    user = models.OneToOneField(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="totp_device"
    )
    secret_cipher = models.TextField(editable=False)
    enrolled_at = models.DateTimeField(_("enrolled at"), default=timezone.now)
    # The RFC 6238 time step of the last accepted code: a code of that step or an earlier one is
    # refused, so a code seen over someone's shoulder cannot be used a second time (RFC 6238 5.2).
    last_used_step = models.BigIntegerField(null=True, blank=True, editable=False)
    recovery_code_hashes = models.JSONField(default=list, blank=True, editable=False)

    secret = EncryptedValue(TOTP_SECRET)

    class Meta:
        verbose_name = _("authenticator app")
        verbose_name_plural = _("authenticator apps")
        ordering = ["user_id"]

    def __str__(self) -> str:
        return str(self.user)

    @property
    def recovery_codes_left(self) -> int:
        return len(self.recovery_code_hashes)
