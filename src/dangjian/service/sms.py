"""Text messages to residents (verification codes, rating invitations) through a pluggable backend.

``settings.SMS_BACKEND`` names a callable ``send(phone, text)``. The default writes the message to
the log (``dangjian.sms``), which is what a demo and an intranet without an SMS gateway use; a
deployment points the setting at its gateway's adapter.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("dangjian.sms")


def log_backend(phone: str, text: str) -> None:
    """The default backend: the message goes to the log, with the phone masked."""
    from dangjian.core.personal import MOBILE, mask

    logger.warning("SMS to %s: %s", mask(MOBILE, phone), text)


def send_sms(phone: str, text: str) -> None:
    backend = import_string(getattr(settings, "SMS_BACKEND", "dangjian.service.sms.log_backend"))
    backend(phone, text)
