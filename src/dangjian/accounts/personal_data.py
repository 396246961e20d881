"""What a person's login holds about them, for the privacy app (个人信息保护法).

A resident's account is closed by an erasure: names, e-mail and mobile cleared, the password made
unusable and the account deactivated; the username stays, since audit lines name it. A user
holding roles is staff, whose account is ended by an administrator, not by a resident's request.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from dangjian.accounts.models import RoleAssignment, User
from dangjian.core.registry import PersonalDataSource, register_personal_data_source


def _users(person):
    return User.objects.filter(person=person)


def rows(person) -> list[dict]:
    return [
        {
            "username": user.username,
            "full_name": user.get_full_name(),
            "email": user.email,
            "mobile": user.mobile_masked,
            "active": _("yes") if user.is_active else _("no"),
            "date_joined": user.date_joined,
            "last_login": user.last_login,
        }
        for user in _users(person).order_by("id")
    ]


def refuses(person) -> str:
    if RoleAssignment.objects.filter(user__person=person, is_active=True).exists():
        return str(
            _(
                "%(name)s holds roles on the platform: an administrator must end the roles before "
                "this person's data can be erased."
            )
            % {"name": person.name}
        )
    return ""


def erase(person) -> int:
    changed = 0
    for user in _users(person):
        user.first_name = user.last_name = user.email = ""
        user.mobile = None
        user.is_active = False
        user.set_unusable_password()
        user.save()
        changed += 1
    return changed


SOURCE = PersonalDataSource(
    key="accounts.user",
    label=_("Login account"),
    columns=(
        ("username", _("username")),
        ("full_name", _("name")),
        ("email", _("e-mail")),
        ("mobile", _("mobile")),
        ("active", _("active")),
        ("date_joined", _("joined")),
        ("last_login", _("last sign-in")),
    ),
    rows=rows,
    erase=erase,
    refuses=refuses,
    order=900,
)


def register() -> None:
    register_personal_data_source(SOURCE)
