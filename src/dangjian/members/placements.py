"""Where the members app places a person in the trees, and what it keeps in step with a person.

``core.Person`` is shared by every app and knows none of them: its scoping (``visible_to``,
``in_scope_of``) and its audit paths ask the registry's ``person_placements``, and its ``save``
runs the ``person_saved_hooks``. A person is placed by a current residence (area tree), a party
membership (org tree, and the area the org serves) and an active grid post (area tree).
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db import models

from dangjian.core.models import Person
from dangjian.core.person_scope import refresh_scope_keys
from dangjian.core.registry import PersonPlacement, registry
from dangjian.core.scoping import AREA, ORG, Scope
from dangjian.members.models import GridWorker, PartyMember, Resident


def scope_q(scope: Scope) -> models.Q:
    # Exists subqueries keep one row per person (no DISTINCT) and use the path indexes.
    resident = Resident.objects.filter(person=models.OuterRef("pk"), is_current=True)
    member = PartyMember.objects.filter(person=models.OuterRef("pk"))
    worker = GridWorker.objects.filter(person=models.OuterRef("pk"), is_active=True)
    return (
        models.Exists(resident.filter(scope.q(AREA, "area__path")))
        | models.Exists(member.filter(scope.q(ORG, "org__path") | scope.q(AREA, "org__jurisdiction__path")))
        | models.Exists(worker.filter(scope.q(AREA, "area__path")))
    )


def paths(person_ids: list[int] | None) -> Iterator[tuple[int, str, str]]:
    """Every place ``scope_q`` counts, as ``(person_id, tree, path)``: four queries for any number."""
    residents = Resident.objects.filter(is_current=True)
    members = PartyMember.objects.all()
    workers = GridWorker.objects.filter(is_active=True)
    if person_ids is not None:
        residents, members, workers = (
            rows.filter(person_id__in=person_ids) for rows in (residents, members, workers)
        )
    for person_id, path in residents.values_list("person_id", "area__path").iterator():
        yield person_id, AREA, path
    for person_id, org_path, area_path in members.values_list(
        "person_id", "org__path", "org__jurisdiction__path"
    ).iterator():
        yield person_id, ORG, org_path
        if area_path:
            yield person_id, AREA, area_path
    for person_id, path in workers.values_list("person_id", "area__path").iterator():
        yield person_id, AREA, path


def keep_scope_keys(*person_ids: int | None) -> None:
    """Recompute the people's ``scope_keys`` after a home, membership or grid post changed."""
    refresh_scope_keys(person_ids)


def places(person: Person) -> list[tuple[str | None, str | None]]:
    found: list[tuple[str | None, str | None]] = []
    found += [(None, r.area.path) for r in person.residences.filter(is_current=True).select_related("area")]
    for membership in PartyMember.objects.filter(person=person).select_related("org__jurisdiction"):
        found.append((membership.org.path, None))
        if membership.org.jurisdiction_id:
            # scope_q counts a member under the area their organization serves.
            found.append((None, membership.org.jurisdiction.path))
    found += [(None, w.area.path) for w in person.grid_posts.filter(is_active=True).select_related("area")]
    return found


def audit_paths(person: Person) -> tuple[str, str]:
    """The membership's org and the current home (else the grid post) file audit lines about a person."""
    membership = PartyMember.objects.filter(person=person).select_related("org").first()
    home = person.residences.filter(is_current=True).select_related("area").first()
    if home is None:
        home = person.grid_posts.filter(is_active=True).select_related("area").first()
    return (membership.org.path if membership else "", home.area.path if home else "")


def copy_name_to_memberships(person: Person, created: bool) -> None:
    """The ledger orders and searches memberships by copies of the sort key and search tokens."""
    if created:
        return
    PartyMember.objects.filter(person_id=person.pk).exclude(
        sort_name=person.name_pinyin, search_tokens=person.search_tokens
    ).update(sort_name=person.name_pinyin, search_tokens=person.search_tokens)


def register() -> None:
    registry["person_placements"]["members"] = PersonPlacement(
        key="members", scope_q=scope_q, places=places, audit_paths=audit_paths, paths=paths
    )
    registry["person_saved_hooks"]["members.memberships"] = copy_name_to_memberships
