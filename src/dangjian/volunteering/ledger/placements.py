"""Where the volunteer ledger places a person in the trees (the registry's ``person_placements``).

A volunteer who is neither a resident on record nor a party member (registered by the community
with their ID number) must still be a person the community's staff can open and find again: the
entry places its person under its home area and its recording organization, as a home and a
membership do. Writes through the services refresh the person's ``scope_keys``; the generator's
last step refreshes everyone after its bulk inserts.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db import models

from dangjian.core.registry import PersonPlacement, registry
from dangjian.core.scoping import AREA, ORG, Scope
from dangjian.volunteering.models import Volunteer


def scope_q(scope: Scope) -> models.Q:
    entry = Volunteer.objects.filter(person=models.OuterRef("pk"))
    return models.Exists(entry.filter(scope.q(AREA, "area__path") | scope.q(ORG, "org__path")))


def paths(person_ids: list[int] | None) -> Iterator[tuple[int, str, str]]:
    entries = Volunteer.objects.all()
    if person_ids is not None:
        entries = entries.filter(person_id__in=person_ids)
    for person_id, area_path, org_path in entries.values_list(
        "person_id", "area__path", "org__path"
    ).iterator():
        yield person_id, AREA, area_path
        yield person_id, ORG, org_path


def places(person) -> list[tuple[str | None, str | None]]:
    found: list[tuple[str | None, str | None]] = []
    for area_path, org_path in Volunteer.objects.filter(person=person).values_list("area__path", "org__path"):
        found += [(None, area_path), (org_path, None)]
    return found


def audit_paths(person) -> tuple[str, str]:
    entry = Volunteer.objects.filter(person=person).values_list("org__path", "area__path").first()
    return entry or ("", "")


def register() -> None:
    registry["person_placements"]["volunteering"] = PersonPlacement(
        key="volunteering", scope_q=scope_q, places=places, audit_paths=audit_paths, paths=paths
    )
