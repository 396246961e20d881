"""Deliberation tests: an SMS outbox for the portal's codes and a clean rate-limit cache per test."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from tests.portal import sms


@pytest.fixture(autouse=True)
def clean_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def outbox(settings):
    settings.SMS_BACKEND = "tests.portal.sms.outbox_backend"
    sms.OUTBOX.clear()
    yield sms.OUTBOX
    sms.OUTBOX.clear()
