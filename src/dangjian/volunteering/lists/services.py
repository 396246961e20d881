"""State changes of the 三张清单 and 微心愿: needs (需求清单), resources (资源清单), projects
(项目清单) and residents' micro-wishes.

Who may do what:

- staff (and grid workers, for needs in their grid) record and edit rows with the model's
  ``volunteering.add_*`` / ``change_*`` permission over the row's area or organization;
- residents submit needs and wishes on the portal without an account, proven by a verified phone
  (the view checks the code); a wish's tracking code lets its resident confirm or withdraw it;
- a party member claims a published wish by identity (党员接单: the signed-in user's person is an
  active member) and records its fulfilment; only the member who claimed it may.

Every function checks the permission and the rule (``RuleViolation`` naming it), locks what it
changes, refuses a stale edit (``ConcurrentChange``) and writes its audit line, in one transaction.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, pgettext

from dangjian.accounts.choices import BuiltinRole
from dangjian.core import audit
from dangjian.core.choices import AuditAction
from dangjian.core.errors import ConcurrentChange, PermissionDenied, RuleViolation
from dangjian.core.models import Person
from dangjian.core.personal import MOBILE, lookup_hash
from dangjian.core.scoping import check_perm, scope_of
from dangjian.members.models import PartyMember
from dangjian.orgs.models import Area, Organization
from dangjian.service.models import ServiceRequest
from dangjian.service.services.common import responsible_org
from dangjian.service.sms import send_sms
from dangjian.volunteering.choices import (
    ALL_WEEK,
    NeedCategory,
    NeedSource,
    NeedState,
    ProjectState,
    ResourceKind,
    VolunteerState,
    WishState,
)
from dangjian.volunteering.lists.photos import photos_refusal, save_photos
from dangjian.volunteering.models import Need, Project, Resource, Skill, Volunteer, Wish

RESIDENT_NAME = "居民"
# Wish tracking codes: no 0/O, 1/I/L, so a resident can read one out over the phone.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10
OPEN_NEED_STATES = (NeedState.OPEN, NeedState.ASSIGNED)
# A wish a resident or staff may still withdraw: nothing has been delivered yet.
WITHDRAWABLE = (WishState.SUBMITTED, WishState.PUBLISHED, WishState.CLAIMED)

NEED_FIELDS = ["title", "description", "category", "availability", "area", "project", "is_public"]
RESOURCE_FIELDS = ["kind", "name", "description", "area", "unit_org", "team", "capacity", "is_available"]
PROJECT_FIELDS = ["title", "goals", "starts_on", "ends_on", "places", "area", "state"]


# --- small helpers ----------------------------------------------------------------------------


def _text(value: str | None) -> str:
    return (value or "").strip()


def _user(by):
    return by if getattr(by, "is_authenticated", False) else None


def _required(value: str | None, field: str, what: str) -> str:
    text = _text(value)
    if not text:
        raise RuleViolation(gettext("Please give %(what)s.") % {"what": what}, rule="required", field=field)
    return text


def new_tracking_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def masked_name(name: str) -> str:
    """A resident's name as the public sees it: the surname and a star (张*)."""
    name = _text(name)
    return f"{name[:1]}*" if name else "*"


def org_for(area: Area) -> Organization:
    """The recording organization of a row in ``area``: the party organization answering for it."""
    org = responsible_org(area)
    if org is None:
        raise RuleViolation(
            gettext("No party organization answers for “%(area)s”; choose a community or a grid.")
            % {"area": area.name},
            rule="area_org",
            field="area",
        )
    return org


def _require_area(area: Area | None) -> Area:
    if area is None or not area.is_active:
        raise RuleViolation(gettext("Please choose the community or grid."), rule="area", field="area")
    return area


def _place(row, area: Area) -> None:
    row.area = _require_area(area)
    row.org = org_for(area)


def _locked(model: type[Model], row) -> Model:
    return model.objects.select_for_update(of=("self",)).select_related("area", "org").get(pk=row.pk)


def _check_version(current, version: int | None) -> None:
    if version is not None and int(version) != current.version:
        raise ConcurrentChange(
            gettext("Someone changed this record at the same moment; reload the page and try again."),
            rule="version",
        )


def _follow(row, current) -> None:
    """The caller's object follows the change (pages and tests hold on to it)."""
    row.__dict__.update({key: value for key, value in current.__dict__.items() if not key.startswith("_")})
    row._state.fields_cache = dict(current._state.fields_cache)


def _state_refusal(row, action: str) -> RuleViolation:
    return RuleViolation(
        gettext("This is now “%(state)s”; it cannot be %(action)s. Reload the page to see the latest.")
        % {"state": row.get_state_display(), "action": action},
        rule="state",
    )


def _save_change(current, before: dict, changes: dict, *, by, note: str = "", username: str = ""):
    """Write ``changes`` on the locked ``current`` with its version bumped, and the audit line."""
    for name, value in changes.items():
        setattr(current, name, value)
    current.version += 1
    current.save(update_fields=[*changes, "version"])
    audit.record(
        AuditAction.UPDATE,
        current,
        by=_user(by),
        username="" if _user(by) else (username or RESIDENT_NAME),
        changes=audit._plain({name: [before.get(name), changes[name]] for name in changes}),
        note=note,
    )
    return current


def resident_for(name: str, phone: str) -> Person:
    """The person a verified phone belongs to (found by its keyed hash), or a new one with the name."""
    found = Person.objects.filter(mobile_hash=lookup_hash(MOBILE, phone)).order_by("pk").first()
    if found is not None:
        return found
    person = Person(name=_text(name)[:64] or RESIDENT_NAME)
    person.mobile = phone
    person.save()
    return person


def _availability(value) -> int:
    try:
        mask = int(value or 0)
    except (TypeError, ValueError):
        mask = 0
    if mask < 0 or mask > ALL_WEEK:
        raise RuleViolation(
            gettext("The weekly availability is not valid."), rule="availability", field="availability"
        )
    return mask


def _category(value: str) -> str:
    if value not in NeedCategory.values:
        raise RuleViolation(gettext("Choose a category."), rule="category", field="category")
    return value


def need_source_for(user) -> str:
    """A need recorded by a grid worker (the role held anywhere) says so; else by staff."""
    if user.role_assignments.filter(is_active=True, role__code=BuiltinRole.GRID_WORKER).exists():
        return NeedSource.GRID_WORKER
    return NeedSource.STAFF


# --- needs (需求清单) ---------------------------------------------------------------------------


def _need_rules(need: Need) -> None:
    need.title = _required(need.title, "title", gettext("a title"))[:200]
    need.description = _text(need.description)
    need.category = _category(need.category)
    need.availability = _availability(need.availability)
    if need.project_id is not None and need.project.org_id != need.org_id:
        # A project of another organization is no home for this need (and may be out of scope).
        raise RuleViolation(
            gettext("The project belongs to another organization."), rule="project_place", field="project"
        )


def _request_for_need(service_request: ServiceRequest, by) -> ServiceRequest:
    visible = ServiceRequest.objects.visible_to(by).filter(pk=service_request.pk).exists()
    if not visible:
        raise PermissionDenied(
            gettext("You may turn only a service request you can see into a need."), rule="request_scope"
        )
    taken = Need.objects.filter(service_request=service_request, state__in=OPEN_NEED_STATES).first()
    if taken is not None:
        raise RuleViolation(
            gettext("This request is already the need “%(title)s” (No. %(pk)s).")
            % {"title": taken.title, "pk": taken.pk},
            rule="request_once",
        )
    return service_request


def create_need(
    *,
    by,
    area: Area,
    title: str,
    category: str,
    description: str = "",
    skills: Iterable[Skill] = (),
    availability: int = 0,
    source: str = NeedSource.STAFF,
    resident: Person | None = None,
    service_request: ServiceRequest | None = None,
    project: Project | None = None,
    is_public: bool = False,
) -> Need:
    """Record a need: by staff or a grid worker in their scope, or turned from a service request."""
    if source == NeedSource.PORTAL:
        raise RuleViolation(gettext("Residents submit needs on the portal."), rule="source")
    need = Need(
        title=title,
        description=description,
        category=category,
        availability=availability,
        source=source,
        resident=resident,
        project=project,
        is_public=bool(is_public),
        created_by=_user(by),
    )
    _place(need, area)
    check_perm(by, "volunteering.add_need", need)
    _need_rules(need)
    with transaction.atomic():
        if service_request is not None:
            need.service_request = _request_for_need(service_request, by)
            need.source = NeedSource.SERVICE_REQUEST
        need.save()
        need.skills.set(list(skills))
        audit.record(
            AuditAction.CREATE,
            need,
            by=by,
            changes=audit.diff({}, audit.snapshot(need, [*NEED_FIELDS, "source", "service_request"])),
        )
    return need


def submit_need(
    *,
    area: Area,
    title: str,
    description: str,
    category: str,
    name: str,
    phone: str,
) -> Need:
    """A resident's need from the portal; the phone was verified by the page (the code is used)."""
    need = Need(
        title=title,
        description=_required(description, "description", gettext("a description of the need"))[:2000],
        category=category,
        source=NeedSource.PORTAL,
    )
    _place(need, area)
    _need_rules(need)
    with transaction.atomic():
        need.resident = resident_for(name, phone)
        need.save()
        audit.record(
            AuditAction.CREATE,
            need,
            username=RESIDENT_NAME,
            changes=audit.diff({}, audit.snapshot(need, ["title", "category", "area", "source"])),
            note=gettext("Submitted by a resident on the portal"),
        )
    return need


def update_need(
    need: Need, *, by, version: int | None = None, skills: Iterable[Skill] | None = None, **fields
) -> Need:
    """Edit an open or assigned need (title, description, category, skills, time, place, project, public)."""
    unknown = set(fields) - set(NEED_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    with transaction.atomic():
        current = _locked(Need, need)
        check_perm(by, "volunteering.change_need", current)
        _check_version(current, version)
        if current.state not in OPEN_NEED_STATES:
            raise _state_refusal(current, pgettext("refused action", "edited"))
        before = audit.snapshot(current, NEED_FIELDS)
        for name, value in fields.items():
            setattr(current, name, value)
        if "area" in fields:
            _place(current, fields["area"])
            check_perm(by, "volunteering.change_need", current)  # the new place must be in scope too
        _need_rules(current)
        current.version += 1
        current.save()
        if skills is not None:
            current.skills.set(list(skills))
        audit.record(
            AuditAction.UPDATE,
            current,
            by=by,
            changes=audit.diff(before, audit.snapshot(current, NEED_FIELDS)),
        )
    _follow(need, current)
    return current


def assign_need(need: Need, volunteer: Volunteer, by, *, version: int | None = None) -> Need:
    """Give an open need to a volunteer (open → assigned); the matching proposals call this too."""
    with transaction.atomic():
        current = _locked(Need, need)
        check_perm(by, "volunteering.change_need", current)
        _check_version(current, version)
        if current.state != NeedState.OPEN:
            raise _state_refusal(current, pgettext("refused action", "assigned"))
        volunteer = Volunteer.objects.select_related("person").get(pk=volunteer.pk)
        if volunteer.state != VolunteerState.ACTIVE:
            raise RuleViolation(
                gettext("%(name)s is not an active volunteer (%(state)s).")
                % {"name": volunteer.person.name, "state": volunteer.get_state_display()},
                rule="volunteer_active",
                field="volunteer",
            )
        before = {"state": current.state, "volunteer": None}
        _save_change(
            current,
            before,
            {"state": NeedState.ASSIGNED, "volunteer": volunteer, "assigned_at": timezone.now()},
            by=by,
        )
    _follow(need, current)
    return current


def unassign_need(need: Need, by, *, version: int | None = None) -> Need:
    """Take an assigned need back from its volunteer (assigned → open)."""
    with transaction.atomic():
        current = _locked(Need, need)
        check_perm(by, "volunteering.change_need", current)
        _check_version(current, version)
        if current.state != NeedState.ASSIGNED:
            raise _state_refusal(current, pgettext("refused action", "unassigned"))
        before = {"state": current.state, "volunteer": str(current.volunteer)}
        _save_change(
            current, before, {"state": NeedState.OPEN, "volunteer": None, "assigned_at": None}, by=by
        )
    _follow(need, current)
    return current


def mark_need_met(need: Need, *, by, outcome: str, version: int | None = None) -> Need:
    """The need was served: record what was done (open or assigned → met)."""
    outcome = _required(outcome, "outcome", gettext("what was done"))
    with transaction.atomic():
        current = _locked(Need, need)
        check_perm(by, "volunteering.change_need", current)
        _check_version(current, version)
        if current.state not in OPEN_NEED_STATES:
            raise _state_refusal(current, pgettext("refused action", "marked met"))
        before = {"state": current.state, "outcome": current.outcome}
        _save_change(
            current,
            before,
            {"state": NeedState.MET, "outcome": outcome, "met_at": timezone.now()},
            by=by,
        )
    _follow(need, current)
    return current


def close_need(need: Need, *, by, reason: str, version: int | None = None) -> Need:
    """Close a need without service (duplicate, no longer wanted, passed to another office)."""
    reason = _required(reason, "reason", gettext("the reason"))
    with transaction.atomic():
        current = _locked(Need, need)
        check_perm(by, "volunteering.change_need", current)
        _check_version(current, version)
        if current.state not in OPEN_NEED_STATES:
            raise _state_refusal(current, pgettext("refused action", "closed"))
        before = {"state": current.state, "outcome": current.outcome}
        _save_change(current, before, {"state": NeedState.CLOSED, "outcome": reason}, by=by)
    _follow(need, current)
    return current


# --- resources (资源清单) and projects (项目清单) ----------------------------------------------------


def _resource_rules(resource: Resource) -> None:
    resource.name = _required(resource.name, "name", gettext("a name"))[:200]
    if resource.kind not in ResourceKind.values:
        raise RuleViolation(gettext("Choose a kind."), rule="kind", field="kind")
    resource.description = _text(resource.description)
    resource.capacity = _text(resource.capacity)[:100]


def create_resource(*, by, area: Area, kind: str, name: str, **fields) -> Resource:
    """Add an entry to the 资源清单: a co-building unit, a venue, materials or a team."""
    resource = Resource(kind=kind, name=name, created_by=_user(by), **fields)
    _place(resource, area)
    check_perm(by, "volunteering.add_resource", resource)
    _resource_rules(resource)
    with transaction.atomic():
        resource.save()
        audit.record(
            AuditAction.CREATE,
            resource,
            by=by,
            changes=audit.diff({}, audit.snapshot(resource, RESOURCE_FIELDS)),
        )
    return resource


def update_resource(resource: Resource, *, by, version: int | None = None, **fields) -> Resource:
    unknown = set(fields) - set(RESOURCE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    with transaction.atomic():
        current = _locked(Resource, resource)
        check_perm(by, "volunteering.change_resource", current)
        _check_version(current, version)
        before = audit.snapshot(current, RESOURCE_FIELDS)
        for name, value in fields.items():
            setattr(current, name, value)
        if "area" in fields:
            _place(current, fields["area"])
            check_perm(by, "volunteering.change_resource", current)
        _resource_rules(current)
        current.version += 1
        current.save()
        audit.record(
            AuditAction.UPDATE,
            current,
            by=by,
            changes=audit.diff(before, audit.snapshot(current, RESOURCE_FIELDS)),
        )
    _follow(resource, current)
    return current


def _project_rules(project: Project) -> None:
    project.title = _required(project.title, "title", gettext("a title"))[:200]
    if project.starts_on is None:
        raise RuleViolation(gettext("Please give the start date."), rule="required", field="starts_on")
    if project.ends_on is not None and project.ends_on < project.starts_on:
        raise RuleViolation(
            gettext("A project cannot end before it starts."), rule="end_before_start", field="ends_on"
        )
    if project.state not in ProjectState.values:
        raise RuleViolation(gettext("Choose a state."), rule="state", field="state")
    project.goals = _text(project.goals)
    project.places = _text(project.places)[:255]


def create_project(*, by, area: Area, title: str, starts_on, **fields) -> Project:
    """Add an organization's service project to the 项目清单 (goals, period, places)."""
    project = Project(title=title, starts_on=starts_on, created_by=_user(by), **fields)
    _place(project, area)
    check_perm(by, "volunteering.add_project", project)
    _project_rules(project)
    with transaction.atomic():
        project.save()
        audit.record(
            AuditAction.CREATE,
            project,
            by=by,
            changes=audit.diff({}, audit.snapshot(project, PROJECT_FIELDS)),
        )
    return project


def update_project(project: Project, *, by, version: int | None = None, **fields) -> Project:
    unknown = set(fields) - set(PROJECT_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    with transaction.atomic():
        current = _locked(Project, project)
        check_perm(by, "volunteering.change_project", current)
        _check_version(current, version)
        before = audit.snapshot(current, PROJECT_FIELDS)
        for name, value in fields.items():
            setattr(current, name, value)
        if "area" in fields:
            _place(current, fields["area"])
            check_perm(by, "volunteering.change_project", current)
        _project_rules(current)
        current.version += 1
        current.save()
        audit.record(
            AuditAction.UPDATE,
            current,
            by=by,
            changes=audit.diff(before, audit.snapshot(current, PROJECT_FIELDS)),
        )
    _follow(project, current)
    return current


# --- 微心愿 --------------------------------------------------------------------------------------


def own_member(user) -> PartyMember | None:
    """The active party membership of the signed-in user's person (党员接单 is by identity)."""
    person_id = getattr(user, "person_id", None)
    if not getattr(user, "is_authenticated", False) or not person_id:
        return None
    return PartyMember.objects.filter(person_id=person_id, is_active=True).select_related("org").first()


def may_claim_wishes(user) -> bool:
    return own_member(user) is not None


def _wish_rules(wish: Wish) -> None:
    wish.title = _required(wish.title, "title", gettext("the wish"))[:100]
    wish.description = _text(wish.description)[:2000]


def _save_with_code(wish: Wish) -> None:
    for _attempt in range(5):
        wish.tracking_code = new_tracking_code()
        try:
            with transaction.atomic():
                wish.save()
            return
        except IntegrityError:
            continue
    raise RuntimeError("could not find a free tracking code")  # pragma: no cover - 31**10 codes


def submit_wish(*, area: Area, title: str, description: str, name: str, phone: str) -> Wish:
    """居民点单: a resident's wish from the portal, with the tracking code they keep."""
    wish = Wish(title=title, description=description)
    _place(wish, area)
    _wish_rules(wish)
    with transaction.atomic():
        wish.resident = resident_for(name, phone)
        _save_with_code(wish)
        audit.record(
            AuditAction.CREATE,
            wish,
            username=RESIDENT_NAME,
            changes=audit.diff({}, audit.snapshot(wish, ["title", "area", "state"])),
            note=gettext("Submitted by a resident on the portal"),
        )
    return wish


def record_wish(
    *, by, area: Area, title: str, description: str = "", resident_name: str, phone: str = ""
) -> Wish:
    """Staff record a resident's wish (met on a visit, by phone); the resident gets its code from them."""
    resident_name = _required(resident_name, "resident_name", gettext("the resident's name"))
    wish = Wish(title=title, description=description, created_by=_user(by))
    _place(wish, area)
    check_perm(by, "volunteering.add_wish", wish)
    _wish_rules(wish)
    with transaction.atomic():
        if phone:
            wish.resident = resident_for(resident_name, phone)
        else:
            wish.resident = Person.objects.create(name=resident_name[:64])
        _save_with_code(wish)
        audit.record(
            AuditAction.CREATE,
            wish,
            by=by,
            changes=audit.diff({}, audit.snapshot(wish, ["title", "area", "resident", "state"])),
        )
    return wish


def publish_wish(wish: Wish, *, by, version: int | None = None) -> Wish:
    """社区下单: the community checks a submitted wish and publishes it for members to claim."""
    with transaction.atomic():
        current = _locked(Wish, wish)
        check_perm(by, "volunteering.change_wish", current)
        _check_version(current, version)
        if current.state != WishState.SUBMITTED:
            raise _state_refusal(current, pgettext("refused action", "published"))
        _save_change(
            current,
            {"state": current.state},
            {"state": WishState.PUBLISHED, "published_at": timezone.now()},
            by=by,
        )
    _follow(wish, current)
    return current


def claim_wish(wish: Wish, *, by) -> Wish:
    """党员接单: an active party member takes a published wish; of two at once exactly one wins."""
    member = own_member(by)
    if member is None:
        raise PermissionDenied(
            gettext("Only a party member signed in with their own account can claim a wish."),
            rule="member_only",
        )
    with transaction.atomic():
        # The row lock makes the second claimant wait and then read the first one's claim.
        current = _locked(Wish, wish)
        if current.state == WishState.CLAIMED and current.claimed_by_id != member.person_id:
            raise RuleViolation(
                gettext("Another party member has just claimed this wish; thank you all the same."),
                rule="already_claimed",
            )
        if current.state != WishState.PUBLISHED:
            raise _state_refusal(current, pgettext("refused action", "claimed"))
        if current.resident_id == member.person_id:
            raise RuleViolation(gettext("You cannot claim your own wish."), rule="own_wish")
        _save_change(
            current,
            {"state": current.state, "claimed_by": None},
            {"state": WishState.CLAIMED, "claimed_by": member.person, "claimed_at": timezone.now()},
            by=by,
            note=gettext("Claimed by a party member"),
        )
    _follow(wish, current)
    return current


def _is_claimer(user, wish: Wish) -> bool:
    person_id = getattr(user, "person_id", None)
    return bool(person_id) and wish.claimed_by_id == person_id


def release_wish(wish: Wish, *, by) -> Wish:
    """The member who claimed a wish gives it back (claimed → published, for another member)."""
    with transaction.atomic():
        current = _locked(Wish, wish)
        if not _is_claimer(by, current):
            raise PermissionDenied(
                gettext("Only the member who claimed this wish can do this."), rule="claimer"
            )
        if current.state != WishState.CLAIMED:
            raise _state_refusal(current, pgettext("refused action", "given back"))
        _save_change(
            current,
            {"state": current.state, "claimed_by": str(current.claimed_by)},
            {"state": WishState.PUBLISHED, "claimed_by": None, "claimed_at": None},
            by=by,
        )
    _follow(wish, current)
    return current


def _ask_resident_to_confirm(resident: Person, title: str, code: str | None) -> None:
    """Text the resident (when their phone is known) the page where they confirm, with its code."""
    phone = resident.mobile.clear() if resident.mobile_masked else ""
    if not phone or not code:
        return
    path = reverse("volunteering:public_wish_track", args=[code])
    send_sms(
        phone,
        gettext(
            "Your micro-wish “%(title)s” has been fulfilled by a party member. Please confirm it at "
            "%(link)s (tracking code %(code)s)."
        )
        % {"title": title, "link": f"{settings.PUBLIC_URL}{path}", "code": code},
    )


def record_fulfilment(wish: Wish, *, by, proof: str, photos: Sequence = ()) -> Wish:
    """The member who claimed the wish says how it was fulfilled (claimed → fulfilled), with up to
    three photos as proof, stored in the same transaction; the resident is asked by text message
    to confirm, once the change is committed."""
    proof = _required(proof, "proof", gettext("how the wish was fulfilled"))[:2000]
    photos = list(photos)
    refusal = photos_refusal(photos)
    if refusal:
        raise RuleViolation(refusal, rule="wish_photo", field="photos")
    with transaction.atomic():
        current = _locked(Wish, wish)
        if not _is_claimer(by, current):
            raise PermissionDenied(
                gettext("Only the member who claimed this wish can do this."), rule="claimer"
            )
        if current.state != WishState.CLAIMED:
            raise _state_refusal(current, pgettext("refused action", "marked fulfilled"))
        _save_change(
            current,
            {"state": current.state, "proof": ""},
            {"state": WishState.FULFILLED, "proof": proof, "fulfilled_at": timezone.now()},
            by=by,
        )
        save_photos(current, photos, by=by)
        resident, title, code = (
            Person.objects.get(pk=current.resident_id),
            current.title,
            current.tracking_code,
        )
        transaction.on_commit(lambda: _ask_resident_to_confirm(resident, title, code))
    _follow(wish, current)
    return current


def confirm_wish(wish: Wish, *, by=None, note: str = "", by_resident: bool = False) -> Wish:
    """The resident confirms the fulfilment (through their code: ``by_resident``), or staff confirm
    on their behalf, saying how they know (a visit, a call)."""
    note = _text(note)[:200]
    if not by_resident and not note:
        raise RuleViolation(
            gettext("Say how the resident confirmed it (a visit, a call)."), rule="required", field="note"
        )
    with transaction.atomic():
        current = _locked(Wish, wish)
        if not by_resident:
            check_perm(by, "volunteering.change_wish", current)
        if current.state != WishState.FULFILLED:
            raise _state_refusal(current, pgettext("refused action", "confirmed"))
        _save_change(
            current,
            {"state": current.state},
            {
                "state": WishState.CONFIRMED,
                "confirmed_at": timezone.now(),
                "confirmation_note": note or gettext("Confirmed by the resident"),
            },
            by=None if by_resident else by,
            note=gettext("Confirmed by the resident with the tracking code") if by_resident else "",
        )
    _follow(wish, current)
    return current


def withdraw_wish(wish: Wish, *, by=None, reason: str = "", by_resident: bool = False) -> Wish:
    """Withdraw a wish before it is fulfilled: the resident (their code) or staff (with a reason)."""
    reason = _text(reason)[:200]
    if not by_resident and not reason:
        raise RuleViolation(gettext("Please give the reason."), rule="required", field="reason")
    with transaction.atomic():
        current = _locked(Wish, wish)
        if not by_resident:
            check_perm(by, "volunteering.change_wish", current)
        if current.state not in WITHDRAWABLE:
            raise _state_refusal(current, pgettext("refused action", "withdrawn"))
        _save_change(
            current,
            {"state": current.state},
            {
                "state": WishState.WITHDRAWN,
                "withdrawn_at": timezone.now(),
                "withdrawal_reason": reason or gettext("Withdrawn by the resident"),
            },
            by=None if by_resident else by,
        )
    _follow(wish, current)
    return current


def may(user, permission: str, row) -> bool:
    """Whether ``user`` holds ``permission`` over ``row``'s place (for showing buttons)."""
    org_path, area_path = row.audit_scope_paths()
    return scope_of(user).has_perm(permission, org_path=org_path, area_path=area_path)
