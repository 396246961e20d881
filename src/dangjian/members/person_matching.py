"""Finding a person by ID number without handing them over: the rule for every path that adds a
member or registers a letter by ID number (the ledger page, API and import, incoming letters).

A person (``core.Person``, one per ID number) is shared by every app and every scope. Whether a
secretary may attach a membership to an existing person is decided here, once: the person must
be **in the caller's scope** — a current resident, a party member or an active grid worker
inside a subtree where one role of the caller carries both ``core.view_person`` (the test of
the person page, so the caller could already open it) and ``members.view_partymember`` (the
ledger's own permission: scoping by action, so a role held for another purpose, a grid worker's
in another community say, never lets its holder pull that community's residents into her
ledger), or the person of an incoming letter to one of the caller's branches (the letter page
shows them). A person outside that scope is refused with one neutral message that names nobody
and is the same whoever the person is (resident, member or grid worker elsewhere), so an ID
number typed in tells nothing about who is behind it beyond "registered" (DESIGN.md principle
6); the higher-level organization, whose scope holds both sides, sorts it out. A person inside
the scope is shown for confirmation, and attaching keeps their registered details: a correction
is a ledger edit, audited on the person with old and new values.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext

from dangjian.core.errors import RuleViolation
from dangjian.core.models import Person
from dangjian.core.scoping import AREA, ORG, Grant, scope_of
from dangjian.members.models import GridWorker, PartyMember, Resident, Transfer

# What one grant must carry for the people under it to be "in scope": the person page's
# permission and the ledger's.
ATTACH_PERMISSIONS = frozenset({"core.view_person", "members.view_partymember"})
# An incoming letter's person is also in scope for whoever may read the letter.
VIEW_TRANSFER = "members.view_transfer"
REGISTERED_RULE = "id_number_registered"
CONFIRM_RULE = "existing_person"


def registered_elsewhere_message() -> str:
    """The neutral answer for an ID number of someone outside the caller's scope (names nobody)."""
    return gettext(
        "This ID number is already registered; contact the higher-level party organization to verify it."
    )


def registered_elsewhere(field: str = "id_number") -> RuleViolation:
    return RuleViolation(registered_elsewhere_message(), rule=REGISTERED_RULE, field=field)


def existing_person_message(person: Person, given_name: str = "") -> str:
    """What the caller confirms: the registered person, masked, and that their details are kept."""
    values = {"name": person.name, "masked": person.id_number_masked, "given": given_name}
    if given_name and given_name != person.name:
        return (
            gettext(
                "This ID number is already registered as %(name)s (%(masked)s), who is not a party "
                "member. Confirm to link the membership to this person; their registered details are "
                "kept, not replaced by what you entered. The name you entered (%(given)s) differs: check it."
            )
            % values
        )
    return (
        gettext(
            "This ID number is already registered as %(name)s (%(masked)s), who is not a party member. "
            "Confirm to link the membership to this person; their registered details are kept, not "
            "replaced by what you entered."
        )
        % values
    )


class ExistingPersonFound(RuleViolation):
    """An in-scope person holds the ID number: the caller confirms before a membership is linked.

    A RuleViolation, so a caller that does not ask for confirmation gets a plain refusal."""

    def __init__(self, person: Person, given_name: str = ""):
        super().__init__(existing_person_message(person, given_name), rule=CONFIRM_RULE, field="id_number")
        self.person = person


def _paths_q(grants: Iterable[Grant], tree: str, lookup: str) -> Q:
    query = Q(pk__in=[])
    for grant in grants:
        if grant.tree == tree:
            query |= Q(**{f"{lookup}__startswith": grant.path})
    return query


def in_scope_q(user) -> Q | None:
    """Rows of Person in ``user``'s scope for attaching (see the module docstring); None: all.

    Only grants whose role carries both permissions count (a role held elsewhere for another
    purpose never widens this); within them the places are those of ``Person.in_scope_of``.
    """
    scope = scope_of(user)
    if scope.is_global:
        return None
    people = [grant for grant in scope.grants if ATTACH_PERMISSIONS.issubset(grant.permissions)]
    letters = [grant for grant in scope.grants if VIEW_TRANSFER in grant.permissions]
    person = OuterRef("pk")
    return (
        Exists(Resident.objects.filter(_paths_q(people, AREA, "area__path"), person=person, is_current=True))
        | Exists(PartyMember.objects.filter(_paths_q(people, ORG, "org__path"), person=person))
        | Exists(
            GridWorker.objects.filter(_paths_q(people, AREA, "area__path"), person=person, is_active=True)
        )
        | Exists(Transfer.objects.filter(_paths_q(letters, ORG, "to_org__path"), incoming_person=person))
    )


def people_in_scope(user, person_ids: Iterable[int]) -> set[int]:
    """The ids among ``person_ids`` of people in ``user``'s scope (one query per call)."""
    ids = set(person_ids)
    if not ids:
        return set()
    condition = in_scope_q(user)
    people = Person.objects.filter(pk__in=ids)
    if condition is not None:
        people = people.filter(condition)
    return set(people.values_list("pk", flat=True))


def find_person(id_number: str, *, by, lock: bool = False, exclude: int | None = None) -> Person | None:
    """The registered person with ``id_number`` when they are in ``by``'s scope, None when nobody
    holds it; RuleViolation ``id_number_registered`` (neutral, names nobody) when someone outside
    the scope does. ``lock`` locks the person's row for the caller's transaction."""
    people = Person.objects.with_id_number(id_number)
    if exclude is not None:
        people = people.exclude(pk=exclude)
    if lock:
        people = people.select_for_update()
    person = people.first()
    if person is None:
        return None
    if not people_in_scope(by, [person.pk]):
        raise registered_elsewhere()
    return person
