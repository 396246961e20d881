"""Models of the elections app."""

from __future__ import annotations

from django.db import models  # noqa: F401
