"""What anyone may see of a request: the rules every public output follows (docs/open311.md).

Open311 without a key and the portal's status page show a request without an account, so they
show it reduced: only categories marked ``requests_public`` have their text shown, phone and ID
numbers are removed from every free text (``core.redaction``), the place is the community at most
(never the street address or the grid), and coordinates are rounded to a ~100 m cell. The
tracking code is shown only to whoever already holds it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from dangjian.core.redaction import has_contact_numbers, redact
from dangjian.orgs.choices import AreaKind
from dangjian.orgs.models import Area
from dangjian.service.models import Category, ServiceRequest

# 0.001° is 111 m north–south and 90–100 m east–west at China's latitudes (18°–53° N): a public
# point says which block of a community, not which building. Every request in a cell shares it.
COORDINATE_STEP = Decimal("0.001")
# The area kinds a public place may name: the community, or coarser when a request sits higher.
PLACE_KINDS = (AreaKind.COMMUNITY, AreaKind.STREET, AreaKind.DISTRICT)
# An Open311 client's media_url is kept as the description's last line (staff open it there).
MEDIA_LINE = re.compile(r"(?:\A|\n\n)图片链接：(?P<url>\S+)\Z")


def split_media(description: str) -> tuple[str, str]:
    """The description without an Open311 client's photo link line, and that link ("" if none)."""
    match = MEDIA_LINE.search(description)
    if match is None:
        return description, ""
    return description[: match.start()], match.group("url")


def shown_publicly(category: Category) -> bool:
    """Whether a category's requests may be shown (redacted) to anyone, e.g. 垃圾清运, not 助残帮扶."""
    return bool(category.requests_public)


def coarse(value: Decimal | float | None) -> float | None:
    """A coordinate rounded to ``COORDINATE_STEP`` (about 100 m)."""
    if value is None:
        return None
    return float(Decimal(str(value)).quantize(COORDINATE_STEP, rounding=ROUND_HALF_UP))


def place_names(requests: Iterable[ServiceRequest]) -> dict[str, str]:
    """Each request's ``area_path`` → the name of its community (or coarser area), in one query.

    A grid's name (幸福社区第二网格) already narrows a place to a few hundred households, and a
    building's to one; the public sees the community that contains them.
    """
    step = Area.steplen
    paths = {request_obj.area_path for request_obj in requests if request_obj.area_path}
    candidates = {path[:end] for path in paths for end in range(step, len(path) + 1, step)}
    if not candidates:
        return {}
    found = dict(Area.objects.filter(path__in=candidates, kind__in=PLACE_KINDS).values_list("path", "name"))
    names = {}
    for path in paths:
        deepest = max((candidate for candidate in found if path.startswith(candidate)), key=len, default="")
        names[path] = found.get(deepest, "")
    return names


@dataclass(frozen=True)
class PublicRequest:
    """A request as the public may see it; ``shown`` is False for a private category's request,
    whose category, description, place and link are then empty."""

    shown: bool
    category_name: str
    description: str
    place: str
    latitude: float | None
    longitude: float | None
    media_url: str
    rejection_reason: str
    resolution: str
    rating_comment: str


def public_request(request_obj: ServiceRequest, place: str) -> PublicRequest:
    """``request_obj`` reduced by the public rules; ``place`` from ``place_names``."""
    shown = shown_publicly(request_obj.category)
    description, media_url = split_media(request_obj.description)
    # A link cannot be shown half-redacted: one holding a phone or ID number is left out.
    media_url = "" if has_contact_numbers(media_url) else media_url
    return PublicRequest(
        shown=shown,
        category_name=request_obj.category.name if shown else "",
        description=redact(description) if shown else "",
        place=place if shown else "",
        latitude=coarse(request_obj.latitude) if shown else None,
        longitude=coarse(request_obj.longitude) if shown else None,
        media_url=media_url if shown else "",
        # What a resident is owed even for a private matter: why it was not accepted, the result.
        rejection_reason=redact(request_obj.rejection_reason),
        resolution=redact(request_obj.resolution),
        rating_comment=redact(request_obj.rating_comment),
    )
