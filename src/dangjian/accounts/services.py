"""State changes of accounts: granting and revoking roles on tree nodes, and sign-in lockout.

A role granted on a node covers its subtree, so granting is itself a scoped permission: the
actor needs ``accounts.add_roleassignment`` over the node, and may not hand out a permission
they do not hold there themselves.
"""

from __future__ import annotations

import datetime

from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.accounts.models import Role, RoleAssignment, User
from dangjian.core import audit
from dangjian.core.choices import AuditAction
from dangjian.core.errors import PermissionDenied, RuleViolation
from dangjian.core.models import AuditEntry
from dangjian.core.personal import MOBILE, lookup_hash, mask
from dangjian.core.scoping import check_perm, scope_of

# --- Roles -----------------------------------------------------------------------------------


# Nodes are typed by label, not imported: accounts sits below orgs in the app dependencies.
ORG_LABEL = "orgs.organization"
AREA_LABEL = "orgs.area"


def _node_field(node: models.Model) -> str:
    label = getattr(getattr(node, "_meta", None), "label_lower", "")
    if label == ORG_LABEL:
        return "org"
    if label == AREA_LABEL:
        return "area"
    raise RuleViolation(
        _("A role can only be granted on a party organization or a grid area."),
        rule="role_node",
        field="node",
    )


def _new_assignment(user: User, role: Role, node: models.Model) -> RoleAssignment:
    return RoleAssignment(user=user, role=role, **{_node_field(node): node})


def check_can_assign(user: User, role: Role, node: models.Model, *, by: User) -> RoleAssignment:
    """Raise unless ``by`` may grant ``role`` to ``user`` on ``node``; returns the unsaved assignment.

    Forms call this in ``clean()`` to show the refusal beside the fields; ``assign_role`` calls it
    again inside its transaction.
    """
    assignment = _new_assignment(user, role, node)
    check_perm(by, "accounts.add_roleassignment", assignment)
    scope = scope_of(by)
    if role.is_global and not scope.is_global:
        raise PermissionDenied(_("Only a system administrator can grant a global role."), rule="role_global")
    if not scope.is_global:
        org_path, area_path = assignment.audit_scope_paths()
        missing = sorted(
            name
            for name in role.permission_names()
            if not scope.has_perm(name, org_path=org_path or None, area_path=area_path or None)
        )
        if missing:
            raise PermissionDenied(
                _(
                    "You cannot grant the role “%(role)s”, which goes beyond your own permissions: "
                    "you do not hold %(missing)s on this node."
                )
                % {"role": role.display_name, "missing": ", ".join(missing)},
                rule="role_escalation",
            )
    if not user.is_active:
        raise RuleViolation(
            _("The user “%(user)s” is deactivated and cannot be granted a role.") % {"user": user},
            rule="role_inactive_user",
            field="user",
        )
    node_filter = {_node_field(node): node}
    if RoleAssignment.objects.filter(user=user, role=role, is_active=True, **node_filter).exists():
        raise RuleViolation(
            _("The user “%(user)s” already holds the role “%(role)s” on “%(node)s”.")
            % {"user": user, "role": role.display_name, "node": node},
            rule="role_duplicate",
            field="role",
        )
    return assignment


def assign_role(user: User, role: Role, node: models.Model, *, by: User) -> RoleAssignment:
    """Grant ``role`` on ``node`` (and so its subtree) to ``user``, audited as a permission change."""
    with transaction.atomic():
        # Lock the user row so two admins granting the same role at once cannot both pass the
        # duplicate check.
        User.objects.select_for_update().filter(pk=user.pk).first()
        assignment = check_can_assign(user, role, node, by=by)
        assignment.save()
        audit.record(
            AuditAction.PERMISSION,
            assignment,
            by=by,
            changes={
                "user": [None, user.get_username()],
                "role": [None, role.display_name],
                "node": [None, str(node)],
                "is_active": [None, True],
            },
            note=_("Granted the role “%(role)s” on “%(node)s”") % {"role": role.display_name, "node": node},
        )
    user._scope_cache = None
    return assignment


def revoke_role(assignment: RoleAssignment, *, by: User) -> RoleAssignment:
    """Withdraw a role assignment. It is set inactive, never deleted, so the history stays readable."""
    check_perm(by, "accounts.change_roleassignment", assignment)
    with transaction.atomic():
        current = (
            RoleAssignment.objects.select_for_update(of=("self",))
            .select_related("user", "role", "org", "area")
            .get(pk=assignment.pk)
        )
        if current.role.is_global and not scope_of(by).is_global:
            raise PermissionDenied(
                _("Only a system administrator can revoke a global role."), rule="role_global"
            )
        if not current.is_active:
            return current
        current.is_active = False
        current.save(update_fields=["is_active"])
        audit.record(
            AuditAction.PERMISSION,
            current,
            by=by,
            changes={
                "user": [current.user.get_username(), current.user.get_username()],
                "role": [current.role.display_name, current.role.display_name],
                "node": [str(current.node), str(current.node)],
                "is_active": [True, False],
            },
            note=_("Revoked the role “%(role)s” on “%(node)s”")
            % {"role": current.role.display_name, "node": current.node},
        )
    current.user._scope_cache = None
    return current


# --- Sign-in lockout -------------------------------------------------------------------------

MAX_FAILED_LOGINS = 5
LOCKOUT_WINDOW = datetime.timedelta(minutes=15)
LOCKOUT_DURATION = datetime.timedelta(minutes=15)
# Attempts refused during a lockout, or from a throttled client address (accounts.throttle), are
# audited too, but count toward no account's lockout: someone throttled who keeps typing a
# colleague's name must not lock that colleague out.
LOCKED_NOTE = "refused: locked"
THROTTLED_NOTE = "refused: address throttled"
REFUSED_NOTES = (LOCKED_NOTE, THROTTLED_NOTE)


def _account_for(login: str) -> User | None:
    """The account a login name points at, found as the sign-in backend finds it."""
    login = login.strip()
    if not login:
        return None
    user = User.objects.filter(username=login).first()
    if user is None and login.lstrip("+").isdigit():
        user = User.objects.filter(mobile_hash=lookup_hash(MOBILE, login)).first()
    return user


def _logged_name(login: str) -> str:
    """What the audit line shows as the attempted login: a typed phone number is masked."""
    login = login.strip()
    if login.lstrip("+").isdigit() and len(login) >= 8:
        return mask(MOBILE, login)
    return login[:150]


def _attempts_q(login: str, user: User | None) -> Q:
    # An existing account is counted by its ID, whether its username or its mobile was typed.
    if user is not None:
        return Q(object_type=User._meta.label_lower, object_id=str(user.pk))
    return Q(username=_logged_name(login), object_id="")


def record_failed_login(login: str, *, note: str = "") -> AuditEntry:
    """Audit a failed sign-in for ``login`` (the password is never recorded); ``note`` says why
    an attempt was refused before its password was checked (one of ``REFUSED_NOTES``)."""
    user = _account_for(login)
    return audit.record(
        AuditAction.LOGIN_FAILED,
        user,
        username=_logged_name(login) or "-",
        object_repr=str(user) if user is not None else _logged_name(login),
        note=note,
    )


def login_locked_until(login: str, *, now: datetime.datetime | None = None) -> datetime.datetime | None:
    """When the lockout of ``login`` ends, or None when it may try to sign in.

    Locked when its last ``MAX_FAILED_LOGINS`` attempts all failed within ``LOCKOUT_WINDOW``
    and the last of them is less than ``LOCKOUT_DURATION`` ago; a successful sign-in in
    between resets the count. One indexed query over the audit log, so the lockout holds
    across processes and restarts without a shared cache.
    """
    now = now or timezone.now()
    user = _account_for(login)
    recent = list(
        AuditEntry.objects.filter(
            _attempts_q(login, user),
            action__in=[AuditAction.LOGIN_FAILED, AuditAction.LOGIN],
            at__gte=now - LOCKOUT_WINDOW - LOCKOUT_DURATION,
        )
        .exclude(note__in=REFUSED_NOTES)
        .order_by("-at", "-id")
        .values_list("action", "at")[:MAX_FAILED_LOGINS]
    )
    if len(recent) < MAX_FAILED_LOGINS or any(action != AuditAction.LOGIN_FAILED for action, _ in recent):
        return None
    latest, earliest = recent[0][1], recent[-1][1]
    if latest - earliest > LOCKOUT_WINDOW:
        return None
    until = latest + LOCKOUT_DURATION
    return until if until > now else None


# --- Confirmation before a reveal or an export (core.reauth) ----------------------------------

REAUTH_NOTE = "confirmed identity"


def confirm_identity(user: User) -> AuditEntry:
    """Audit that the signed-in user gave their password again (a sign-in line, so it also ends a
    run of failures counted toward the lockout, as a sign-in does)."""
    with transaction.atomic():
        return audit.record(AuditAction.LOGIN, user, by=user, note=REAUTH_NOTE)
