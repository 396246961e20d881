"""Text messages to residents (verification codes, rating invitations): the backend loader now
lives in ``dangjian.core.sms`` (notices send through it too); these names stay for callers and
for deployments whose ``DANGJIAN_SMS_BACKEND`` reads ``dangjian.service.sms.log_backend``."""

from __future__ import annotations

from dangjian.core.sms import log_backend, logger, send_sms

__all__ = ["log_backend", "logger", "send_sms"]
