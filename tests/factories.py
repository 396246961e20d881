"""Factories shared by every app's tests: people, users with roles, and tree nodes."""

from __future__ import annotations

import factory

from dangjian.accounts.models import Role, RoleAssignment, User
from dangjian.core.models import Person
from dangjian.orgs.models import Area, Organization


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Iterator(["张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄强"])


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "correct horse 9")

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        if create and results:
            instance.save(update_fields=["password"])


def add_area(parent: Area | None, name: str, code: str, kind: str, **fields) -> Area:
    node = Area(name=name, code=code, kind=kind, **fields)
    node.refresh_search_fields()
    return Area.objects.add_child(parent, instance=node) if parent else Area.objects.add_root(instance=node)


def add_org(parent: Organization | None, name: str, code: str, kind: str, **fields) -> Organization:
    node = Organization(name=name, code=code, kind=kind, **fields)
    node.refresh_search_fields()
    return (
        Organization.objects.add_child(parent, instance=node)
        if parent
        else Organization.objects.add_root(instance=node)
    )


def assign(user: User, role_code: str, node) -> RoleAssignment:
    role = Role.objects.get(code=role_code)
    assignment = RoleAssignment.objects.create(
        user=user,
        role=role,
        org=node if isinstance(node, Organization) else None,
        area=node if isinstance(node, Area) else None,
    )
    user._scope_cache = None
    return assignment


def as_if_authenticated_minutes_ago(client, minutes: int) -> None:
    """Move the session's last sign-in or password confirmation back (core.reauth): a fresh
    ``force_login`` counts as recent authentication, so tests of the confirmation step age it."""
    import time

    from dangjian.core.reauth import SESSION_KEY

    session = client.session
    session[SESSION_KEY] = int(time.time()) - minutes * 60
    session.save()
