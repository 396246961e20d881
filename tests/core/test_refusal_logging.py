"""A refused request logs one warning line, not a traceback; a server error keeps its traceback."""

from __future__ import annotations

import io
import logging
import sys

import pytest
from django.conf import settings
from django.urls import reverse

from dangjian.core.log_filters import NoTracebackForRefusals

pytestmark = pytest.mark.django_db


@pytest.fixture
def console():
    """A handler set up as settings.LOGGING's console handler, on Django's request logger."""
    config = settings.LOGGING["handlers"]["console"]
    assert "refusals" in config["filters"]
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter(settings.LOGGING["formatters"]["plain"]["format"]))
    handler.addFilter(NoTracebackForRefusals())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    yield stream
    logger.removeHandler(handler)


def test_a_page_refused_with_403_logs_one_line_without_a_traceback(client, secretary_a, console):
    client.force_login(secretary_a)

    assert client.get(reverse("core:audit_list")).status_code == 403

    lines = console.getvalue().splitlines()
    assert len(lines) == 1
    assert "Forbidden (Permission denied): /core/audit/" in lines[0]


def test_a_server_error_keeps_its_traceback(console):
    try:
        raise RuntimeError("broken")
    except RuntimeError:
        logging.getLogger("django.request").error(
            "Internal Server Error: /x/", exc_info=sys.exc_info(), extra={"status_code": 500}
        )

    assert "Traceback" in console.getvalue() and "RuntimeError: broken" in console.getvalue()
