"""Text messages through a pluggable backend: verification codes, rating invitations, notices.

``settings.SMS_BACKEND`` names a callable ``send(phone, text)``. The default writes the message to
the log (``dangjian.sms``) with the phone masked, which is what a demo and an intranet without an
SMS gateway use; a deployment points the setting at its gateway's adapter. It lives in ``core``
because notices (``core.notice_channels``) send through it as well as the service apps.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("dangjian.sms")

DEFAULT_BACKEND = "dangjian.core.sms.log_backend"


def log_backend(phone: str, text: str) -> None:
    """The default backend: the message goes to the log, with the phone masked."""
    from dangjian.core.personal import MOBILE, mask

    logger.warning("SMS to %s: %s", mask(MOBILE, phone), text)


def send_sms(phone: str, text: str) -> None:
    backend = import_string(getattr(settings, "SMS_BACKEND", "") or DEFAULT_BACKEND)
    backend(phone, text)
