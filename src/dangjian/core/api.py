"""The API of the shared mechanisms: one's own notice settings (``/api/v1/notifications/preferences``),
the same choices as the page ``core:notification_preferences``."""

from __future__ import annotations

import datetime

from django.http import HttpRequest
from ninja import Field, Router, Schema

from dangjian.core.choices import NoticeGroup
from dangjian.core.notice_channels import preference_of, update_preferences

router = Router(tags=["notifications"])


class NoticePreferenceOut(Schema):
    email_groups: list[NoticeGroup] = Field(description="Groups of notices also sent by e-mail.")
    sms_groups: list[NoticeGroup] = Field(description="Groups of notices also sent by SMS.")
    quiet_enabled: bool
    quiet_start: datetime.time = Field(description="Local time (Asia/Shanghai) quiet hours start.")
    quiet_end: datetime.time = Field(description="Local time quiet hours end; held messages go out then.")
    version: int = Field(description="0 until saved; send it back to refuse a stale change (409).")


class NoticePreferenceIn(Schema):
    email_groups: list[NoticeGroup] = []
    sms_groups: list[NoticeGroup] = []
    quiet_enabled: bool = True
    quiet_start: datetime.time = datetime.time(22, 0)
    quiet_end: datetime.time = datetime.time(7, 0)
    version: int | None = Field(None, ge=0, le=2**31 - 1)


@router.get("/preferences", response=NoticePreferenceOut, url_name="notification_preferences")
def preferences_read(request: HttpRequest):
    """The caller's own channels per group of notices (the inbox always) and quiet hours."""
    return preference_of(request.user)


@router.put("/preferences", response=NoticePreferenceOut, url_name="notification_preferences_update")
def preferences_update(request: HttpRequest, payload: NoticePreferenceIn):
    """Replace the caller's own notice settings; ``version`` as read (409 if changed meanwhile)."""
    return update_preferences(
        request.user,
        email_groups=[group.value for group in payload.email_groups],
        sms_groups=[group.value for group in payload.sms_groups],
        quiet_enabled=payload.quiet_enabled,
        quiet_start=payload.quiet_start,
        quiet_end=payload.quiet_end,
        version=payload.version,
    )
