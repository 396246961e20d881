"""Logging filters of the platform's console handler (``settings.LOGGING``)."""

from __future__ import annotations

import logging


class NoTracebackForRefusals(logging.Filter):
    """Keep a refused request (403, 404, 429, a 400 for a bad host …) to its one warning line.

    Django logs ``PermissionDenied`` and the other client errors with the exception's traceback
    (``django.request``, ``django.security``): each ordinary refusal then fills a console or a
    journal with a stack trace that says nothing about a fault, and buries the lines that do
    (the demo printed one per refused page). A refusal is the code working as meant, so its line
    says the status and the path, no more; server errors (5xx) keep their traceback.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and 400 <= status < 500 and record.exc_info:
            record.exc_info = None
            record.exc_text = None
        return True
