"""Serving a lesson's stored file with HTTP range requests (RFC 9110 §14): a video player asks
for the part it needs (``Range: bytes=start-end``) and gets ``206 Partial Content`` with its
``Content-Range``; a range beyond the file gets ``416`` with ``Content-Range: bytes */size``."""

from __future__ import annotations

import re

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.encoding import escape_uri_path

CHUNK = 64 * 1024
RANGE_RE = re.compile(r"^bytes=(\d*)-(\d*)$")


def parse_range(header: str, size: int) -> tuple[int, int] | bool | None:
    """The inclusive byte range ``header`` asks for in a file of ``size`` bytes; None when there
    is no usable header (serve the whole file); False when it cannot be satisfied (416)."""
    header = (header or "").strip()
    if not header:
        return None
    if not header.startswith("bytes="):
        return None  # another unit: ignored, the whole file is served
    if "," in header:
        return None  # several ranges: the whole file (allowed; players ask for one)
    match = RANGE_RE.match(header.replace(" ", ""))
    if match is None:
        return False
    first, last = match.groups()
    if not first and not last:
        return False
    if not first:  # the last N bytes
        length = int(last)
        if length == 0 or size == 0:
            return False
        return max(0, size - length), size - 1
    start = int(first)
    end = int(last) if last else size - 1
    if start >= size or end < start:
        return False
    return start, min(end, size - 1)


def _stream(handle, start: int, length: int):
    try:
        handle.seek(start)
        remaining = length
        while remaining > 0:
            data = handle.read(min(CHUNK, remaining))
            if not data:
                break
            remaining -= len(data)
            yield data
    finally:
        handle.close()


def ranged_file_response(
    request, handle, *, size: int, content_type: str, file_name: str, attachment: bool = False
) -> HttpResponse:
    """The whole file (200) or the asked range (206), or 416; the handle is closed when done."""
    wanted = parse_range(request.headers.get("Range", ""), size)
    if wanted is False:
        handle.close()
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
    else:
        start, end = wanted if wanted else (0, size - 1)
        length = max(0, end - start + 1)
        response = StreamingHttpResponse(_stream(handle, start, length), content_type=content_type)
        response["Content-Length"] = str(length)
        if wanted:
            response.status_code = 206
            response["Content-Range"] = f"bytes {start}-{end}/{size}"
        disposition = "attachment" if attachment else "inline"
        response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{escape_uri_path(file_name)}"
    response["Accept-Ranges"] = "bytes"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
