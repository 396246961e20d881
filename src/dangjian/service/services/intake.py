"""上报: recording a new request from any source."""

from __future__ import annotations

import datetime
import hashlib

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from dangjian.core import audit
from dangjian.core.choices import AuditAction
from dangjian.core.errors import PermissionDenied, RuleViolation
from dangjian.core.scoping import scope_of
from dangjian.core.validators import validate_mobile
from dangjian.orgs.choices import AreaKind
from dangjian.orgs.models import Area
from dangjian.service import figures
from dangjian.service.choices import (
    RequestAction,
    RequestSource,
    RequestState,
)
from dangjian.service.models import (
    Category,
    ServiceRequest,
)
from dangjian.service.services.common import (
    RESIDENT_NAME,
    _event,
    _now,
    _required,
    due_for,
    new_tracking_code,
    responsible_org,
)
from dangjian.service.services.rights import REGISTER

# Areas above the grids: a request filed there is not yet placed (待定位).
UNPLACED_KINDS = (AreaKind.DISTRICT, AreaKind.STREET, AreaKind.COMMUNITY)

# --- report --------------------------------------------------------------------------------------


def filing_area(hint: Area | None, *, by=None) -> Area:
    """Where a request without a grid waits (待定位), and so whose dispatchers must place it.

    Requests are scoped by their area: the dispatchers of a node see the requests whose area
    lies under it. A request not yet in a grid is filed under the most precise node known:

    1. the community (or street) the resident or the client named (``hint``);
    2. for staff, the one subtree where they may register requests (a community secretary's
       community; a street's staff their street), since they took the call for it;
    3. otherwise the root of the area tree (the district the platform serves), whose
       dispatchers (the district's staff) place it. With several roots (a city of districts)
       no single office answers for an unknown address: the request is refused and asks for
       the grid or the community.
    """
    if hint is not None:
        return hint
    if by is not None and getattr(by, "is_authenticated", False):
        roots = scope_of(by).restricted_to(REGISTER).area_paths
        if len(roots) == 1:
            found = Area.objects.filter(path=roots[0], is_active=True).first()
            if found is not None:
                return found
        raise RuleViolation(
            gettext(
                "You register requests in several places; please choose the grid (or its community) "
                "so the request reaches the right dispatchers."
            ),
            rule="area.required",
            field="area",
        )
    roots = list(Area.objects.get_root_nodes().filter(is_active=True)[:2])
    if len(roots) != 1:
        raise RuleViolation(
            gettext("Please choose the grid or the community, or mark the place on the map."),
            rule="area.required",
            field="area",
        )
    return roots[0]


IDEMPOTENCY_KEY_MAX = 255


def client_key_for(caller: str, key: str | None) -> str | None:
    """The stored form of a client's ``Idempotency-Key`` header: hashed together with the caller
    (``open311:<key id>``, ``user:<id>``), so two clients choosing the same key never meet. None
    without a key; a key that is empty, too long or not printable ASCII is refused."""
    if key is None:
        return None
    if not 0 < len(key) <= IDEMPOTENCY_KEY_MAX or not all(" " <= char <= "~" for char in key):
        raise RuleViolation(
            gettext("The Idempotency-Key header must be 1 to 255 printable ASCII characters."),
            rule="idempotency_key",
            field="idempotency_key",
        )
    return hashlib.sha256(f"{caller}\x1f{key}".encode()).hexdigest()


def submit_request(
    *,
    category: Category,
    description: str,
    source: str,
    area: Area | None = None,
    latitude=None,
    longitude=None,
    address: str = "",
    title: str = "",
    contact_name: str = "",
    contact_phone: str = "",
    phone_verified: bool = False,
    visit: bool = False,
    by=None,
    now: datetime.datetime | None = None,
    client_key: str | None = None,
) -> ServiceRequest:
    """上报: record a new request, place it in its grid and compute its deadline.

    Staff (hotline, walk-in, patrol, mailbox, 12345) need ``service.add_request`` over the grid.
    Residents (portal, Open311) submit without an account, only in categories public on the portal.

    The grid is ``area``, or the one containing the coordinates. Without either, an address is
    enough (GeoReport v2 allows ``address_string`` alone; most hotline and 12345 transfers have
    no coordinates): the request is then filed 待定位 under ``filing_area`` and waits for a
    dispatcher there to place it. A non-grid ``area`` (the community a resident chose) is that
    filing area. The deadline is computed now, from the report, as for every request.

    ``client_key`` (``client_key_for``: the client's ``Idempotency-Key``) makes the submission
    idempotent: a second call with the same key returns the request the first one made, even
    when both arrive at once (the key is unique; the loser of the race reads the winner's row).
    """
    now = _now(now)
    if client_key:
        made = ServiceRequest.objects.filter(client_key=client_key).first()
        if made is not None:
            return made
    description = _required(description, "description", gettext("a description of the problem"))
    if not category.is_active or (
        category.numchild and Category.objects.get_children(category).filter(is_active=True).exists()
    ):
        raise RuleViolation(
            gettext("Please choose a specific category (a leaf of the category tree)."),
            rule="category.leaf",
            field="category",
        )
    public_source = source in (RequestSource.PORTAL, RequestSource.OPEN311)
    if public_source and not category.is_public:
        raise RuleViolation(
            gettext("This category is not open to residents; please choose another."),
            rule="category.public",
            field="category",
        )
    located = latitude is not None and longitude is not None
    if area is None and located:
        from dangjian.service.geo import locate_grid

        area = locate_grid(latitude, longitude)
        if area is None:
            raise RuleViolation(
                gettext("The place is not inside any grid; choose the grid or mark the place on the map."),
                rule="area.required",
                field="area",
            )
    awaiting_location = area is None or area.kind in UNPLACED_KINDS
    if awaiting_location:
        if not address.strip():
            raise RuleViolation(
                gettext("Please choose the grid, mark the place on the map, or give the address."),
                rule="area.required",
                field="area",
            )
        area = filing_area(area, by=None if public_source else by)
        awaiting_location = area.kind in UNPLACED_KINDS
    if contact_phone:
        try:
            validate_mobile(contact_phone)
        except ValidationError as error:
            raise RuleViolation(error.messages[0], rule="contact_phone", field="contact_phone") from error
    if not public_source and not scope_of(by).has_perm(REGISTER, area_path=area.path):
        raise PermissionDenied(
            gettext("You may register requests only in the grids of your scope."),
            rule="submit.permission",
        )
    org = responsible_org(area)
    with transaction.atomic():
        request_obj = ServiceRequest(
            source=source,
            category=category,
            category_path=category.path,
            title=(title or description)[:100].strip(),
            description=description,
            address=address.strip(),
            latitude=latitude,
            longitude=longitude,
            area=area,
            area_path=area.path,
            awaiting_location=awaiting_location,
            org=org,
            org_path=org.path if org is not None else "",
            contact_name=contact_name.strip(),
            phone_verified=phone_verified,
            reported_by=by if getattr(by, "is_authenticated", False) else None,
            service_mode=category.service_mode,
            created_at=now,
            due_at=due_for(category, now),
            limit_amount=category.limit_amount,
            limit_unit=category.limit_unit,
            visit_count=1 if visit or source == RequestSource.WALK_IN else 0,
        )
        request_obj.contact_phone = contact_phone
        request_obj.client_key = client_key or None
        for _attempt in range(5):
            request_obj.tracking_code = new_tracking_code()
            try:
                with transaction.atomic():
                    request_obj.save()
                break
            except IntegrityError:
                made = ServiceRequest.objects.filter(client_key=client_key).first() if client_key else None
                if made is not None:  # the same submission, sent twice at once, was saved first
                    return made
                continue
        else:  # pragma: no cover - 31**10 codes; five collisions in a row means a broken generator
            raise RuntimeError("could not find a free tracking code")
        figures.update_rollup(None, request_obj)
        _event(
            request_obj,
            RequestAction.SUBMIT,
            by=by,
            by_name="" if getattr(by, "is_authenticated", False) else RESIDENT_NAME,
            to_state=RequestState.REPORTED,
            note=RequestSource(source).label,
            data={"due_at": request_obj.due_at, "category": category.name}
            | ({"awaiting_location": area.name} if awaiting_location else {}),
            now=now,
        )
        audit.record(
            AuditAction.CREATE,
            request_obj,
            by=by if getattr(by, "is_authenticated", False) else None,
            username="" if getattr(by, "is_authenticated", False) else RESIDENT_NAME,
            changes=audit.snapshot(
                request_obj,
                [
                    "tracking_code",
                    "source",
                    "category",
                    "area",
                    "awaiting_location",
                    "state",
                    "due_at",
                    "title",
                ],
            ),
        )
    return request_obj
