"""Open311 GeoReport v2 at /open311/v2/: existing Open311 clients list services, submit and track requests.

Follows http://wiki.open311.org/GeoReport_v2: every resource answers in JSON or XML by its
suffix, errors are ``[{"code": 400, "description": "…"}]`` (``<errors><error>`` in XML), times are
ISO 8601 with the offset. Services are the public leaf categories; a request's id and token are
its tracking code, so a resident can also follow it on the portal. Only public categories are
exposed, and no personal data (phone, contact name) ever leaves through this interface.
Submitting needs an ``api_key`` from ``dangjian manage create_open311_key NAME``; reading without
one gets the public output of ``service.public`` (categories shown publicly only, numbers
redacted, the community for the address, coordinates to ~100 m, no tracking codes in lists).
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import json
import logging
import re
import secrets
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from dangjian.core import audit
from dangjian.core.choices import AuditAction
from dangjian.core.errors import RuleViolation
from dangjian.core.redaction import redact
from dangjian.core.validators import ANY_DATES
from dangjian.orgs.choices import AreaKind
from dangjian.orgs.models import Area
from dangjian.service import services
from dangjian.service.choices import OPEN_STATES, RequestSource, RequestState
from dangjian.service.geo import locate_grid
from dangjian.service.models import Category, Open311Key, ServiceRequest
from dangjian.service.public import PublicRequest, place_names, public_request, split_media

logger = logging.getLogger(__name__)

KEY_PREFIX = "o311_"
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
# Bounded offset paging: deeper pages are refused (narrow the dates instead), so cost stays fixed.
MAX_OFFSET = 10_000
# What a tracking code may look like; anything else is not looked up (it cannot match).
TRACKING_CODE = re.compile(r"[0-9A-Z]{1,16}")
# The spec: without dates the last 90 days; a range may not span more than 90 days.
WINDOW = datetime.timedelta(days=90)
CLOSED_STATES = (RequestState.REJECTED, RequestState.RESOLVED, RequestState.RATED, RequestState.ARCHIVED)

JSON_TYPE = "application/json; charset=utf-8"
XML_TYPE = "text/xml; charset=utf-8"


class Open311Error(Exception):
    """An error answered in the spec's format with its HTTP status."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


# --- keys ----------------------------------------------------------------------------------------


def hash_key(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_key(name: str) -> tuple[Open311Key, str]:
    """A new key for a client: the row (holding only the hash) and the clear key, shown once."""
    raw = KEY_PREFIX + secrets.token_urlsafe(24)
    with transaction.atomic():
        key = Open311Key.objects.create(name=name.strip()[:100], key_prefix=raw[:8], key_hash=hash_key(raw))
        audit.record(
            AuditAction.TOKEN,
            key,
            username="manage",
            changes={"issued": [None, key.key_prefix]},
            note="service.open311_key",
        )
    return key, raw


def key_for(raw: str) -> Open311Key | None:
    """The active key behind ``raw``, recording its use."""
    if not raw:
        return None
    key = Open311Key.objects.filter(key_hash=hash_key(raw.strip()), is_active=True).first()
    if key is not None:
        now = timezone.now()
        Open311Key.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
        logger.info("Open311 key %s (%s) used", key.key_prefix, key.name)
    return key


def _within_rate(key: Open311Key) -> bool:
    """At most ``SERVICE_OPEN311_POSTS_PER_HOUR`` submissions per key and clock hour (shared cache)."""
    limit = settings.SERVICE_OPEN311_POSTS_PER_HOUR
    bucket = timezone.now().strftime("%Y%m%d%H")
    name = f"open311:posts:{key.key_hash[:16]}:{bucket}"
    cache.add(name, 0, timeout=3600)
    try:
        return cache.incr(name) <= limit
    except ValueError:  # expired between add and incr
        cache.set(name, 1, timeout=3600)
        return True


# --- rendering -----------------------------------------------------------------------------------


def _iso(moment: datetime.datetime | None) -> str | None:
    if moment is None:
        return None
    return timezone.localtime(moment).replace(microsecond=0).isoformat()


def _xml_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _xml(root: str, item: str, rows: Iterable[dict]) -> bytes:
    top = ET.Element(root)
    for row in rows:
        element = ET.SubElement(top, item)
        for name, value in row.items():
            child = ET.SubElement(element, name)
            if isinstance(value, list):
                for entry in value:
                    sub = ET.SubElement(child, "attribute")
                    for sub_name, sub_value in entry.items():
                        ET.SubElement(sub, sub_name).text = _xml_text(sub_value)
            else:
                child.text = _xml_text(value)
    return ET.tostring(top, encoding="utf-8", xml_declaration=True)


def _answer(fmt: str, root: str, item: str, rows: list[dict], status: int = 200) -> HttpResponse:
    if fmt == "xml":
        return HttpResponse(_xml(root, item, rows), content_type=XML_TYPE, status=status)
    return HttpResponse(json.dumps(rows, ensure_ascii=False), content_type=JSON_TYPE, status=status)


def _error(fmt: str, error: Open311Error) -> HttpResponse:
    return _answer(
        fmt, "errors", "error", [{"code": error.status, "description": error.description}], error.status
    )


def _answering_errors(view):
    """Turn Open311Error and RuleViolation into the spec's error answer (JSON or XML)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, fmt: str, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, fmt=fmt, **kwargs)
        except Open311Error as error:
            return _error(fmt, error)
        except RuleViolation as error:
            return _error(fmt, Open311Error(400, error.message))

    return wrapper


# --- services ------------------------------------------------------------------------------------


def _public_leaves() -> list[Category]:
    """Active public categories without active children, each with its parent's name (one query)."""
    categories = list(Category.objects.filter(is_active=True).order_by("path"))
    by_path = {category.path: category for category in categories}
    has_children = {category.path[: -category.steplen] for category in categories if category.depth > 1}
    leaves = []
    for category in categories:
        if category.path in has_children or not category.is_public:
            continue
        parent = by_path.get(category.path[: -category.steplen]) if category.depth > 1 else None
        category.parent_name = parent.name if parent is not None else ""
        leaves.append(category)
    return leaves


def _service(category: Category) -> dict:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": category.description,
        "metadata": False,
        "type": "realtime",
        "keywords": "",
        "group": category.parent_name,
    }


@require_GET
@_answering_errors
def service_list(request: HttpRequest, fmt: str) -> HttpResponse:
    """GET services: the categories residents may choose."""
    return _answer(fmt, "services", "service", [_service(category) for category in _public_leaves()])


def _public_category(code: str) -> Category:
    for category in _public_leaves():
        if category.code == code:
            return category
    raise Open311Error(
        404 if code else 400,
        gettext("There is no public service with the service_code “%(code)s”; see services.json.")
        % {"code": code},
    )


@require_GET
@_answering_errors
def service_definition(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    """GET services/{code}: no service asks for extra attributes, so ``attributes`` is empty."""
    category = _public_category(code)
    row = {"service_code": category.code, "attributes": []}
    if fmt == "xml":
        top = ET.Element("service_definition")
        ET.SubElement(top, "service_code").text = category.code
        ET.SubElement(top, "attributes")
        return HttpResponse(ET.tostring(top, encoding="utf-8", xml_declaration=True), content_type=XML_TYPE)
    return HttpResponse(json.dumps(row, ensure_ascii=False), content_type=JSON_TYPE)


# --- requests ------------------------------------------------------------------------------------


def _caller_key(request: HttpRequest) -> Open311Key | None:
    """The key a GET sends as ``api_key`` (a client of the platform), or None for the public.

    A key that is given but wrong is refused rather than read as the public, so that a client
    with a revoked key notices instead of silently receiving less.
    """
    raw = request.GET.get("api_key", "")
    if not raw.strip():
        return None
    key = key_for(raw)
    if key is None:
        raise Open311Error(403, gettext("The api_key is missing or not valid."))
    return key


def _requests(keyed: bool) -> QuerySet[ServiceRequest]:
    """The portal's categories' requests; without a key only those of categories shown publicly."""
    rows = ServiceRequest.objects.filter(category__is_public=True)
    if not keyed:
        rows = rows.filter(category__requests_public=True)
    return rows.select_related("category", "org", "handler_org", "handler_department")


def status_of(state: str) -> str:
    """open while being worked on; closed once 办结 (resolved, rated, archived) or 不予受理."""
    return "open" if state in OPEN_STATES else "closed"


def _status_notes(request_obj: ServiceRequest) -> str:
    if request_obj.state == RequestState.REJECTED:
        return request_obj.rejection_reason
    if request_obj.state in CLOSED_STATES and request_obj.resolution:
        return request_obj.resolution
    return str(request_obj.get_state_display())


def _agency(request_obj: ServiceRequest) -> str:
    handler = request_obj.handler_department or request_obj.handler_org or request_obj.org
    return handler.name if handler is not None else ""


def _notice(request_obj: ServiceRequest) -> str:
    return gettext("Received; it should be resolved by %(due)s. Track it with the code %(code)s.") % {
        "due": timezone.localtime(request_obj.due_at).strftime("%Y-%m-%d %H:%M"),
        "code": request_obj.tracking_code,
    }


def _notice_without_code(request_obj: ServiceRequest) -> str:
    return gettext("Received; it should be resolved by %(due)s.") % {
        "due": timezone.localtime(request_obj.due_at).strftime("%Y-%m-%d %H:%M"),
    }


def _coordinate(value) -> float | None:
    return float(value) if value is not None else None


def request_row(request_obj: ServiceRequest) -> dict:
    """One request as the spec's fields for a client with a key (no phone, no contact name)."""
    description, media_url = split_media(request_obj.description)
    return {
        "service_request_id": request_obj.tracking_code,
        "status": status_of(request_obj.state),
        "status_notes": _status_notes(request_obj),
        "service_name": request_obj.category.name,
        "service_code": request_obj.category.code,
        "description": description,
        "agency_responsible": _agency(request_obj),
        "service_notice": _notice(request_obj) if request_obj.state in OPEN_STATES else "",
        "requested_datetime": _iso(request_obj.created_at),
        "updated_datetime": _iso(request_obj.updated_at),
        "expected_datetime": _iso(request_obj.due_at),
        "address": request_obj.address,
        "address_id": "",
        "zipcode": "",
        "lat": _coordinate(request_obj.latitude),
        "long": _coordinate(request_obj.longitude),
        "media_url": media_url,
    }


def public_row(request_obj: ServiceRequest, place: str, *, with_id: bool) -> dict:
    """One request as the public may see it (``service.public``), in the spec's fields.

    ``with_id`` only when the caller named the request by its tracking code: a list must not
    hand out codes (a code lets anyone follow and open the rating page of someone's request).
    The id field stays, empty, so clients that read it do not break.
    """
    public: PublicRequest = public_request(request_obj, place)
    is_open = request_obj.state in OPEN_STATES
    if not is_open:
        notice = ""
    elif with_id:
        notice = _notice(request_obj)
    else:
        notice = _notice_without_code(request_obj)
    return {
        "service_request_id": request_obj.tracking_code if with_id else None,
        "status": status_of(request_obj.state),
        "status_notes": redact(_status_notes(request_obj)),
        "service_name": request_obj.category.name,
        "service_code": request_obj.category.code,
        "description": public.description,
        "agency_responsible": _agency(request_obj),
        "service_notice": notice,
        "requested_datetime": _iso(request_obj.created_at),
        "updated_datetime": _iso(request_obj.updated_at),
        "expected_datetime": _iso(request_obj.due_at),
        "address": public.place,
        "address_id": "",
        "zipcode": "",
        "lat": public.latitude,
        "long": public.longitude,
        "media_url": public.media_url if with_id else "",
    }


def _rows(requests: list[ServiceRequest], keyed: bool, *, with_id: bool) -> list[dict]:
    """The answer's rows: today's full fields for a key, the public fields otherwise."""
    if keyed:
        return [request_row(row) for row in requests]
    places = place_names(requests)
    return [public_row(row, places.get(row.area_path, ""), with_id=with_id) for row in requests]


def _moment(name: str, raw: str) -> datetime.datetime:
    text = raw.strip()
    # An unencoded "+08:00" arrives as " 08:00" in a query string.
    text = re.sub(r" (\d{2}:?\d{2})$", r"+\1", text)
    moment = None
    try:
        moment = parse_datetime(text)
        if moment is None:
            day = parse_date(text)
            if day is not None:
                moment = datetime.datetime.combine(day, datetime.time())
    except ValueError:
        moment = None
    if moment is None:
        raise Open311Error(
            400,
            gettext("%(name)s “%(value)s” is not an ISO 8601 time; use e.g. 2026-11-01T00:00:00+08:00.")
            % {"name": name, "value": raw},
        )
    # Judged before the time zone is applied: 9999-12-31 plus a zone or the 90-day window overflows.
    out_of_range = ANY_DATES.message(moment)
    if out_of_range is not None:
        raise Open311Error(400, f"{name}: {out_of_range}")
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _bounded_int(request: HttpRequest, name: str, default: int, maximum: int) -> int:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= maximum:
        raise Open311Error(
            400,
            gettext("%(name)s must be a whole number from 1 to %(max)s; got “%(value)s”.")
            % {"name": name, "max": maximum, "value": raw},
        )
    return int(raw)


def _codes(raw: str) -> list[str]:
    return [code.strip() for code in raw.split(",") if code.strip()]


def _plausible_code(code: str) -> bool:
    """Could be a tracking code: letters and digits only (a NUL byte would upset PostgreSQL)."""
    return bool(TRACKING_CODE.fullmatch(code))


def _filtered(request: HttpRequest, keyed: bool) -> QuerySet[ServiceRequest]:
    """The spec's filters: service_request_id (overrides the rest), service_code, dates, status."""
    rows = _requests(keyed)
    ids = _codes(request.GET.get("service_request_id", "").upper())
    if ids:
        return rows.filter(tracking_code__in=[code for code in ids[:MAX_PAGE_SIZE] if _plausible_code(code)])
    codes = _codes(request.GET.get("service_code", ""))
    if codes:
        rows = rows.filter(category__code__in=codes)
    statuses = _codes(request.GET.get("status", "").lower())
    unknown = [status for status in statuses if status not in ("open", "closed")]
    if unknown:
        raise Open311Error(
            400, gettext("status must be open or closed; got “%(value)s”.") % {"value": ",".join(unknown)}
        )
    if statuses and set(statuses) != {"open", "closed"}:
        rows = rows.filter(state__in=OPEN_STATES if statuses == ["open"] else CLOSED_STATES)
    start_raw, end_raw = request.GET.get("start_date", ""), request.GET.get("end_date", "")
    start = _moment("start_date", start_raw) if start_raw.strip() else None
    end = _moment("end_date", end_raw) if end_raw.strip() else None
    if start is None and end is None:
        end = timezone.now()
    if start is None:
        start = end - WINDOW
    if end is None:
        end = start + WINDOW
    if end < start:
        raise Open311Error(400, gettext("end_date is before start_date."))
    if end - start > WINDOW:
        raise Open311Error(400, gettext("start_date and end_date may not span more than 90 days."))
    return rows.filter(created_at__gte=start, created_at__lte=end)


def _request_list(request: HttpRequest, fmt: str) -> HttpResponse:
    keyed = _caller_key(request) is not None
    page = _bounded_int(request, "page", 1, MAX_OFFSET)
    page_size = _bounded_int(request, "page_size", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)
    offset = (page - 1) * page_size
    if offset > MAX_OFFSET:
        raise Open311Error(
            400, gettext("This page is too deep; narrow start_date and end_date instead of paging further.")
        )
    rows = list(_filtered(request, keyed).order_by("-created_at", "-id")[offset : offset + page_size])
    # Asked by their codes, the caller already holds them; a plain listing hands none out.
    named = bool(_codes(request.GET.get("service_request_id", "")))
    return _answer(fmt, "service_requests", "request", _rows(rows, keyed, with_id=named))


def _locate_by_address(address: str) -> Area | None:
    """A grid named in the address (the longest name wins), for clients that send no coordinates."""
    if not address:
        return None
    best = None
    for area in Area.objects.filter(kind=AreaKind.GRID, is_active=True).only("id", "name", "path"):
        if area.name and area.name in address and (best is None or len(area.name) > len(best.name)):
            best = area
    return best


def _decimal_or_error(name: str, raw: str, low: int, high: int) -> Decimal:
    try:
        value = Decimal(raw.strip())
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or not low <= value <= high:
        raise Open311Error(
            400, gettext("%(name)s “%(value)s” is not a valid coordinate.") % {"name": name, "value": raw}
        )
    return value.quantize(Decimal("0.000001"))


def _submit(request: HttpRequest, fmt: str) -> HttpResponse:
    """POST requests: a new request from an Open311 client (form-encoded, with ``api_key``)."""
    data = request.POST
    if any("\x00" in value for values in data.lists() for value in values[1]):
        # PostgreSQL cannot store a NUL character in text: refused here rather than as a 500.
        raise Open311Error(400, gettext("A field contains a NUL character; remove it and send again."))
    key = key_for(data.get("api_key", ""))
    if key is None:
        raise Open311Error(403, gettext("The api_key is missing or not valid."))
    if not _within_rate(key):
        raise Open311Error(
            429, gettext("Too many requests submitted with this api_key in the last hour; please try later.")
        )
    code = data.get("service_code", "").strip()
    if not code:
        raise Open311Error(400, gettext("service_code is required; see services.json."))
    try:
        category = _public_category(code)
    except Open311Error as error:
        raise Open311Error(400, error.description) from error
    description = data.get("description", "").strip()
    media_url = data.get("media_url", "").strip()
    if media_url:
        if not re.match(r"^https?://\S+$", media_url) or len(media_url) > 500:
            raise Open311Error(400, gettext("media_url must be an http or https address."))
        description = f"{description}\n\n图片链接：{media_url}".strip()
    address = data.get("address_string", "").strip()[:255]
    lat_raw, long_raw = data.get("lat", ""), data.get("long", "")
    latitude = longitude = None
    area = None
    if lat_raw.strip() or long_raw.strip():
        latitude = _decimal_or_error("lat", lat_raw, -90, 90)
        longitude = _decimal_or_error("long", long_raw, -180, 180)
        area = locate_grid(latitude, longitude)
        if area is None:
            raise Open311Error(
                400,
                gettext(
                    "The point lat=%(lat)s, long=%(long)s is not inside any grid served here; "
                    "check the coordinates (WGS 84 degrees)."
                )
                % {"lat": latitude, "long": longitude},
            )
    elif address:
        # GeoReport v2 allows address_string alone (most 12345 transfers have no coordinates): a
        # grid named in it places the request; otherwise it waits 待定位 for a dispatcher.
        area = _locate_by_address(address)
    else:
        raise Open311Error(
            400, gettext("Give lat and long (WGS 84 degrees) of the place, or its address_string.")
        )
    name = f"{data.get('last_name', '').strip()}{data.get('first_name', '').strip()}"[:64]
    # A refused key is a RuleViolation, answered 400 by ``_answering_errors``.
    client_key = services.client_key_for(f"open311:{key.pk}", request.headers.get("Idempotency-Key"))
    request_obj = services.submit_request(
        category=category,
        description=description,
        source=RequestSource.OPEN311,
        area=area,
        latitude=latitude,
        longitude=longitude,
        address=address,
        contact_name=name,
        contact_phone=data.get("phone", "").strip(),
        client_key=client_key,
    )
    logger.info("Open311 key %s submitted request %s", key.key_prefix, request_obj.tracking_code)
    row = {
        "service_request_id": request_obj.tracking_code,
        "token": request_obj.tracking_code,
        "service_notice": _notice(request_obj),
        "account_id": None,
    }
    return _answer(fmt, "service_requests", "request", [row])


@csrf_exempt
@require_http_methods(["GET", "POST"])
@_answering_errors
def request_list(request: HttpRequest, fmt: str) -> HttpResponse:
    """GET: requests matching the spec's filters, newest first; POST: submit a request."""
    if request.method == "POST":
        return _submit(request, fmt)
    return _request_list(request, fmt)


def _one(code: str, keyed: bool) -> ServiceRequest:
    wanted = code.strip().upper()
    request_obj = _requests(keyed).filter(tracking_code=wanted).first() if _plausible_code(wanted) else None
    if request_obj is None:
        raise Open311Error(404, gettext("There is no request with the id “%(id)s”.") % {"id": code})
    return request_obj


@require_GET
@_answering_errors
def request_detail(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    """GET requests/{id}: one request (the id is its tracking code), reduced without a key."""
    keyed = _caller_key(request) is not None
    return _answer(fmt, "service_requests", "request", _rows([_one(code, keyed)], keyed, with_id=True))


@require_GET
@_answering_errors
def token_detail(request: HttpRequest, token: str, fmt: str) -> HttpResponse:
    """GET tokens/{token}: the request id behind a token (both are the tracking code)."""
    request_obj = _one(token, _caller_key(request) is not None)
    row = {"service_request_id": request_obj.tracking_code, "token": request_obj.tracking_code}
    return _answer(fmt, "service_requests", "request", [row])


# The OpenAPI 3 description of the endpoints above (JSON format), kept by hand next to them and
# checked against them by schemathesis in tests/test_api_fuzz.py.
OPENAPI_FILE = Path(__file__).resolve().parent / "data" / "open311_openapi.json"


@require_GET
def openapi_description(request: HttpRequest) -> HttpResponse:
    """GET openapi.json: the OpenAPI description of this interface, public like the interface."""
    return HttpResponse(OPENAPI_FILE.read_bytes(), content_type=JSON_TYPE)
